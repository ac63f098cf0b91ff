"""The skills framework for anyone: a page per group and per skill, and the CASE package.

``/skills`` lists the groups and their skills, ``/skills/groups/<id>`` and ``/skills/<id>``
show one, with the lessons that teach a skill and the badges that certify it;
``/skills/framework.json`` is the framework as a CASE 1.0 package (``?lang=fr`` for another
language) and ``/skills/items/<uuid>`` one of its items, where OB 3.0 alignments point.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from ..content.case import case_item, case_package
from ..content.model import Badge, Course, Lesson, Module, SkillsFramework
from ..contentstore import course

bp = Blueprint("skills_public", __name__, template_folder="templates")


def _framework() -> SkillsFramework:
    framework = course().skills
    if framework is None:
        abort(404)
    return framework


def teaching(content: Course, skill_id: str) -> list[tuple[Module, Lesson]]:
    """Every lesson that teaches ``skill_id``, in course order."""
    return [
        (module, lesson)
        for module in content.modules
        for lesson in module.lessons
        if skill_id in lesson.skills
    ]


def certifying(content: Course, skill_id: str) -> list[tuple[Badge, str]]:
    """Every badge that certifies ``skill_id``, with the level it certifies."""
    return [
        (badge, claim.level)
        for badge in content.badges
        for claim in badge.skills
        if claim.skill == skill_id
    ]


def assessing(content: Course, skill_id: str) -> list[tuple[Module, int]]:
    """Per module, how many quiz questions assess ``skill_id`` (modules with none left out)."""
    counts = [
        (module, sum(q.skill == skill_id for quiz in module.quizzes for q in quiz.questions))
        for module in content.modules
    ]
    return [(module, count) for module, count in counts if count]


@bp.get("/skills")
def framework_page() -> str:
    """The framework: its levels, and its groups with their skills."""
    return render_template("skills/framework.html", framework=_framework())


@bp.get("/skills/groups/<group_id>")
def group_page(group_id: str) -> str:
    framework = _framework()
    group = framework.group(group_id)
    if group is None:
        abort(404)
    skills = [framework.skill(skill_id) for skill_id in group.skills]
    return render_template("skills/group.html", framework=framework, group=group, skills=skills)


@bp.get("/skills/<skill_id>")
def skill_page(skill_id: str) -> str:
    """One skill: its statement, its group, and where the course teaches and certifies it."""
    framework = _framework()
    skill = framework.skill(skill_id)
    if skill is None:
        abort(404)
    content = course()
    return render_template(
        "skills/skill.html",
        framework=framework,
        skill=skill,
        group=framework.group(skill.group),
        lessons=teaching(content, skill.id),
        badges=certifying(content, skill.id),
        questions=assessing(content, skill.id),
    )


def _language(framework: SkillsFramework) -> str:
    language = request.args.get("lang", framework.source)
    if language not in framework.languages:
        abort(404)
    return language


@bp.get("/skills/framework.json")
def case_framework() -> Response:
    """The framework as a CASE 1.0 package, in the source language or ``?lang=``."""
    framework = _framework()
    package = case_package(
        current_app.config["BASE_URL"],
        framework,
        _language(framework),
        current_app.config["ISSUER_NAME"],
    )
    return _json(package)


@bp.get("/skills/items/<identifier>")
def case_framework_item(identifier: str) -> Response:
    """One CASE item (a skill or a group) by its UUID."""
    framework = _framework()
    nodes: list[Any] = [*framework.groups, *framework.skills]
    node = next((n for n in nodes if n.identifier == identifier.lower()), None)
    if node is None:
        abort(404)
    return _json(case_item(current_app.config["BASE_URL"], framework, node, _language(framework)))


@bp.get("/skills/associations/<identifier>")
def case_association(identifier: str) -> Response:
    """One ``isChildOf`` association of the CASE package, by its UUID."""
    framework = _framework()
    package = case_package(
        current_app.config["BASE_URL"],
        framework,
        _language(framework),
        current_app.config["ISSUER_NAME"],
    )
    found = [a for a in package["CFAssociations"] if a["identifier"] == identifier.lower()]
    if not found:
        abort(404)
    return _json(found[0])


def _json(document: dict[str, Any]) -> Response:
    response = jsonify(document)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


__all__ = ["assessing", "bp", "certifying", "teaching"]
