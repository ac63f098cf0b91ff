"""The course as a learner meets it. Views look things up, call a service, and render.

Anonymous visitors can read and try everything; their progress lives in their session until
they sign up or in. Nothing here ever shows one learner another learner's data: every query
is filtered by the signed-in user.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from ..accounts.auth import current_user, has_session, login_required
from ..content.model import Lesson, Module, Quiz
from ..content.store import course
from . import guest, services
from .grading import InvalidAnswers, grade, parse_answers

bp = Blueprint("learning", __name__, template_folder="templates")

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _module(module_id: str) -> Module:
    found = course().module(module_id)
    if found is None:
        abort(404)
    return found


def _record() -> services.Record:
    user = current_user()
    return services.load_record(user) if user else guest.record()


def _language() -> str:
    return str(get_locale())


def step_url(module: Module, step: Lesson | Quiz | None) -> str:
    """Where a step of a module is; the module page once every step is done."""
    if isinstance(step, Lesson):
        return url_for("learning.lesson", module_id=module.id, lesson_id=step.id)
    if isinstance(step, Quiz):
        return url_for("learning.quiz", module_id=module.id, quiz_id=step.id)
    return url_for("learning.module", module_id=module.id)


def _neighbours(module: Module, step: Lesson | Quiz) -> tuple[object, object]:
    steps: list[Lesson | Quiz] = [*module.lessons, *module.quizzes]
    index = steps.index(step)
    before = steps[index - 1] if index > 0 else None
    after = steps[index + 1] if index + 1 < len(steps) else None
    return before, after


@bp.context_processor
def learning_helpers() -> dict[str, object]:
    return {"step_url": step_url}


@bp.before_app_request
def keep_guest_progress() -> None:
    """After a visitor signs up or in, record what they did before in their account."""
    if request.method == "GET" and guest.has_guest_data() and has_session():
        user = current_user()
        if user is not None:
            lessons, attempts = guest.take()
            services.import_guest(user, course(), lessons, attempts)


@bp.get("/modules")
def catalogue() -> str:
    """Every module with its outcomes, duration, languages and (signed in) progress."""
    return render_template(
        "learning/catalogue.html",
        progress=services.progress(course(), _record()),
    )


@bp.get("/modules/<module_id>")
def module(module_id: str) -> str:
    """A module: outcomes, lessons with done marks, quizzes, progress and "continue"."""
    found = _module(module_id)
    return render_template(
        "learning/module.html",
        item=services.ModuleProgress(found, _record()),
    )


@bp.get("/modules/<module_id>/continue")
def resume(module_id: str) -> Response:
    """Go to the first unfinished step of a module."""
    found = _module(module_id)
    return redirect(step_url(found, services.ModuleProgress(found, _record()).next_step))


@bp.get("/modules/<module_id>/lessons/<lesson_id>")
def lesson(module_id: str, lesson_id: str) -> str:
    """A lesson in the learner's language, or in the source language with a notice."""
    found = _module(module_id)
    item = found.lesson(lesson_id)
    if item is None:
        abort(404)
    before, after = _neighbours(found, item)
    return render_template(
        "learning/lesson.html",
        item=services.ModuleProgress(found, _record()),
        lesson=item,
        before=before,
        after=after,
        initiatives=[
            course().initiatives[i] for i in item.initiatives if i in course().initiatives
        ],
    )


@bp.post("/modules/<module_id>/lessons/<lesson_id>/done")
def lesson_done(module_id: str, lesson_id: str) -> Response:
    """Mark a lesson as done, then go on to the next step."""
    found = _module(module_id)
    item = found.lesson(lesson_id)
    if item is None:
        abort(404)
    user = current_user()
    language = _language() if _language() in item.versions else found.source
    if user is None:
        guest.mark_done(found, item, language)
        record = guest.record()
    else:
        if services.mark_lesson_done(user, found, item, language):
            flash(_("You completed this module. Well done!"), "success")
        record = services.load_record(user)
    following = _neighbours(found, item)[1]
    progress = services.ModuleProgress(found, record)
    return redirect(step_url(found, following or progress.next_step), code=303)


def _quiz(module_id: str, quiz_id: str) -> tuple[Module, Quiz]:
    found = _module(module_id)
    item = found.quiz(quiz_id)
    if item is None:
        abort(404)
    return found, item


def _quiz_form(
    module: Module,
    quiz: Quiz,
    error: str | None = None,
    status: int = 200,
    chosen: dict[str, tuple[str, ...]] | None = None,
) -> tuple[str, int]:
    page = render_template(
        "learning/quiz.html",
        item=services.ModuleProgress(module, _record()),
        quiz=quiz,
        form_token=secrets.token_urlsafe(24),
        version=quiz.content_hash[:12],
        error=error,
        chosen=chosen or {},
    )
    return page, status


@bp.get("/modules/<module_id>/quizzes/<quiz_id>")
def quiz(module_id: str, quiz_id: str) -> tuple[str, int]:
    """The quiz as a plain form: no answer or feedback reaches the browser before submission."""
    return _quiz_form(*_quiz(module_id, quiz_id))


@bp.post("/modules/<module_id>/quizzes/<quiz_id>")
def submit_quiz(module_id: str, quiz_id: str) -> Response | tuple[str, int]:
    """Grade the answers on the server, record the attempt once, and show the result."""
    found, item = _quiz(module_id, quiz_id)
    form_token = request.form.get("form_token", "")
    if not TOKEN_RE.fullmatch(form_token):
        abort(400)
    if request.form.get("version") != item.content_hash[:12]:
        return _quiz_form(
            found,
            item,
            _("This quiz was updated after you opened it. Please answer it again."),
            409,
        )
    try:
        answers = parse_answers(item, request.form)
    except InvalidAnswers:
        current_app.logger.info("Refused quiz answers for %s/%s", found.id, item.id)
        return _quiz_form(
            found,
            item,
            _(
                "These answers do not belong to this quiz, so nothing "
                "was recorded. Please answer again."
            ),
            400,
        )
    if not any(answers.values()):
        return _quiz_form(found, item, _("Answer at least one question before you submit."), 400)
    language = _language() if _language() in item.languages else found.source
    user = current_user()
    if user is None:
        guest.add_attempt(found, item, answers, form_token, grade(item, answers), language)
        return redirect(
            url_for("learning.quiz_result", module_id=found.id, quiz_id=item.id), code=303
        )
    result = services.record_attempt(user, found, item, answers, form_token, language)
    if result.completed_module:
        flash(_("You completed this module. Well done!"), "success")
    return redirect(
        url_for(
            "learning.quiz_result", module_id=found.id, quiz_id=item.id, attempt=result.attempt.id
        ),
        code=303,
    )


@bp.get("/modules/<module_id>/quizzes/<quiz_id>/result")
def quiz_result(module_id: str, quiz_id: str) -> str:
    """Score, pass or fail, and feedback on each question of one of my attempts."""
    found, item = _quiz(module_id, quiz_id)
    user = current_user()
    if user is None:
        saved = guest.latest_attempt(item)
        answers = saved["a"] if saved else None
        history: list[services.QuizAttempt] = []
        changed = False
    else:
        attempt_id = request.args.get("attempt", type=int)
        attempt = (
            services.own_attempt(user, attempt_id)
            if attempt_id is not None
            else next(iter(services.attempts(user, item.id)), None)
        )
        if attempt is None or attempt.quiz_id != item.id:
            abort(404)
        answers = attempt.answers
        history = services.attempts(user, item.id)
        changed = attempt.content_hash != item.content_hash
    if answers is None:
        abort(404)
    valid = {q.id: tuple(c for c in answers.get(q.id, ()) if q.option(c)) for q in item.questions}
    return render_template(
        "learning/result.html",
        item=services.ModuleProgress(found, _record()),
        quiz=item,
        result=grade(item, valid),
        history=history,
        changed=changed,
    )


@bp.get("/my-learning")
@login_required
def my_learning() -> str:
    """Every module's progress, and where to pick up."""
    return render_template(
        "learning/my_learning.html",
        progress=services.progress(course(), _record()),
    )


@bp.get("/modules/<module_id>/media/<path:filename>")
def media(module_id: str, filename: str) -> Response:
    """Images and files of a module's media/ folder (send_from_directory refuses ../)."""
    found = _module(module_id)
    response = send_from_directory(Path(found.folder) / "media", filename, max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/api/v1/me/progress")
def api_progress() -> Response | tuple[Response, int]:
    """My progress as JSON (session authentication)."""
    user = current_user()
    if user is None:
        return jsonify(error="not_signed_in", message="Sign in to see your progress."), 401
    record = services.load_record(user)
    return jsonify(
        modules=[
            {
                "id": item.module.id,
                "lessons": [
                    {"id": lesson.id, "done": item.lesson_done(lesson)}
                    for lesson in item.module.lessons
                ],
                "lessons_done": sum(map(item.lesson_done, item.module.lessons)),
                "lessons_total": len(item.module.lessons),
                "quizzes": [
                    {
                        "id": q.id,
                        "best_score": item.best_score(q),
                        "passed": item.quiz_passed(q),
                        "pass_mark": q.pass_mark,
                    }
                    for q in item.module.quizzes
                ],
                "percent": item.percent,
                "completed_at": services.iso(item.completed_at) if item.completed_at else None,
            }
            for item in services.progress(course(), record)
        ]
    )
