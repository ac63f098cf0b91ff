"""Trainer preview: any module in any language, answer keys and feedback shown."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from ..accounts.auth import role_required
from ..accounts.models import Role
from ..content.coverage import coverage
from ..contentstore import content
from ..learning.services import quiz_statistics

bp = Blueprint("authoring", __name__, url_prefix="/trainer", template_folder="templates")


@bp.get("/modules")
@role_required(Role.TRAINER, Role.ADMIN)
def modules() -> str:
    """Every module, with a table of which lessons exist in which language."""
    store = content()
    course = store.course
    languages = current_app.config["LANGUAGES"]
    return render_template(
        "authoring/modules.html",
        course=course,
        languages=languages,
        coverage=[coverage(course, language) for language in languages],
        warnings=store.report.warnings,
    )


@bp.get("/modules/<module_id>")
@role_required(Role.TRAINER, Role.ADMIN)
def module(module_id: str) -> str:
    """One whole module in one language: lessons, quizzes, answer keys and feedback."""
    found = content().course.module(module_id)
    if found is None:
        abort(404)
    languages = current_app.config["LANGUAGES"]
    language = request.args.get("lang", found.source)
    if language not in languages and language != found.source:
        abort(404)
    return render_template(
        "authoring/module.html", module=found, preview_language=language, languages=languages
    )


@bp.get("/modules/<module_id>/quizzes/<quiz_id>/results")
@role_required(Role.TRAINER, Role.ADMIN)
def quiz_results(module_id: str, quiz_id: str) -> str:
    """How learners do on one quiz: first-attempt and best scores, and each question's rate."""
    found = content().course.module(module_id)
    quiz = found.quiz(quiz_id) if found else None
    if quiz is None:
        abort(404)
    return render_template(
        "authoring/quiz_results.html", module=found, quiz=quiz, results=quiz_statistics(quiz)
    )
