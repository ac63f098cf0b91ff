"""The addresses of a badge's editions in other languages, and the skills on its pages."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import force_locale

from ..content.model import Badge, Skill, SkillLevel
from ..contentstore import course
from . import documents, services
from .editions import achievement_id, award_language, languages

bp = Blueprint("badge_editions", __name__)


def _edition(badge_id: str, language: str) -> Badge:
    badge = course().badge(badge_id)
    if badge is None or language not in languages(badge):
        abort(404)
    return badge


@bp.get("/badges/ob2/classes/<badge_id>/<language>")
def ob2_badge_class(badge_id: str, language: str) -> Response:
    """The OB 2.0 BadgeClass in ``language``."""
    badge = _edition(badge_id, language)
    response = jsonify(documents.ob2_badge_class(services.issuer(), badge, language))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/badges/<badge_id>/editions/<language>")
def badge_page(badge_id: str, language: str) -> str:
    """The badge's page in ``language``: the id of its OB 3.0 achievement in that language."""
    badge = _edition(badge_id, language)
    with force_locale(language):
        return render_template("badges/badge.html", badge=badge)


def badge_skills(badge: Badge) -> list[tuple[Skill, SkillLevel]]:
    """The skills ``badge`` certifies, each with its level, for its pages."""
    framework = course().skills
    if framework is None:
        return []
    found = [(framework.skill(c.skill), framework.level(c.level)) for c in badge.skills]
    return [(skill, level) for skill, level in found if skill and level]


def badge_editions(badge: Badge) -> list[tuple[str, str]]:
    """(language, page) of every edition of ``badge``."""
    issuer = services.issuer()
    return [
        (
            language,
            achievement_id(issuer, badge, language).removeprefix(issuer.base_url.rstrip("/")),
        )
        for language in languages(badge)
    ]


@bp.record_once
def _template_helpers(state: BlueprintSetupState) -> None:
    """Helpers the badge and award pages (and their macros) use, as template globals."""
    state.app.jinja_env.globals.update(
        badge_skills=badge_skills,
        badge_editions=badge_editions,
        award_language=lambda credential: award_language(credential, services.issuer().language),
        skills_framework=lambda: course().skills,
        skill_url=lambda skill: url_for("skills_public.skill_page", skill_id=skill.id),
    )
