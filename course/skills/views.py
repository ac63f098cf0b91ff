"""My skills, the group map and the site-wide view: thin views over :mod:`.services`.

``/me/skills`` (and ``GET /api/v1/me/skills``) is a learner's own; ``/skills-map`` (with its
CSV) is for trainers and admins, ``/skills-map/site`` for admins. The public framework pages
under ``/skills`` are :mod:`.public`'s.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup

from ..accounts.auth import current_user, login_required, role_required
from ..accounts.models import Role
from ..contentstore import course
from ..i18n import language_choices
from . import services
from .aggregate import SkillsMap
from .charts import map_chart, timeline_chart
from .forms import InvalidSelfAssessment, MapFilterForm, parse_self_assessment

bp = Blueprint("skills", __name__, template_folder="templates")


@bp.get("/me/skills")
@login_required
def my_skills() -> str:
    """Every skill with the level I have shown, my own ratings, and lessons for the rest."""
    return _my_skills_page()


def _my_skills_page(error: str | None = None) -> Any:
    user = current_user()
    page = render_template(
        "skills/mine.html",
        skills=services.my_skills(user),
        framework=course().skills,
        share=services.shares_self_assessment(user),
        error=error,
    )
    return (page, 400) if error else page


@bp.post("/me/skills")
@login_required
def save_self_assessment() -> Any:
    """Store my ratings; anything but my own ratings of known skills on 1–4 stores nothing."""
    user = current_user()
    framework = course().skills
    known = {skill.id for skill in framework.skills} if framework else set()
    try:
        ratings, share = parse_self_assessment(request.form, known)
    except InvalidSelfAssessment as problem:
        current_app.logger.info("Refused a self-assessment: %s", problem)
        return _my_skills_page(
            _("Nothing was saved: ratings go from 1 to 4, for the skills listed here only.")
        )
    services.save_self_assessment(user, ratings, share)
    flash(_("Your self-assessment was saved."), "success")
    return redirect(url_for("skills.my_skills", _anchor="self-assessment"), code=303)


@bp.get("/api/v1/me/skills")
def api_my_skills() -> Response | tuple[Response, int]:
    """My skills as JSON (session authentication)."""
    user = current_user()
    if user is None:
        return jsonify(error="not_signed_in", message=_("Sign in to see your skills.")), 401
    framework = course().skills
    skills = [_skill_document(mine) for mine in services.my_skills(user)]
    return jsonify(
        framework=framework.identifier if framework else None,
        share_self_assessment=services.shares_self_assessment(user),
        skills=skills,
    )


def _skill_document(mine: services.MySkill) -> dict[str, Any]:
    return {
        "id": mine.skill.id,
        "identifier": mine.skill.identifier,
        "group": mine.skill.group,
        "level": mine.level.id if mine.level else None,
        "questions": {
            "assessing": mine.questions,
            "asked": mine.answers.asked,
            "right_first_try": mine.answers.first_right,
            "right_latest": mine.answers.latest_right,
        },
        "badges": [badge.id for badge in mine.badges],
        "self_assessment": {"before": mine.before, "after": mine.after},
        "lessons": [
            {
                "module": module.id,
                "lesson": lesson.id,
                "url": url_for(
                    "learning.lesson", module_id=module.id, lesson_id=lesson.id, _external=True
                ),
            }
            for module, lesson in mine.lessons
        ],
    }


def _map_filter() -> tuple[MapFilterForm, services.MapFilter | None]:
    """The filter form read from the query string, and the filter if it is valid."""
    form = MapFilterForm(request.args, language_choices(current_app.config["LANGUAGES"]))
    if not form.validate():
        return form, None
    language = form.language.data or None
    return form, services.MapFilter(language, form.start.data, form.end.data)


def _chart(skills_map: SkillsMap | None) -> Markup | None:
    framework = course().skills
    if skills_map is None or framework is None:
        return None
    title = _("Share of learners at each level, per skill")
    return map_chart(skills_map, framework.source, title, "map-table-caption")


@bp.get("/skills-map")
@role_required(Role.TRAINER, Role.ADMIN)
def group_map() -> Any:
    """The skills map of this server's learners, filtered by language and period."""
    form, selection = _map_filter()
    skills_map = services.group_map(services.learner_ids(), selection) if selection else None
    page = render_template(
        "skills/map.html",
        form=form,
        skills_map=skills_map,
        chart=_chart(skills_map),
        framework=course().skills,
    )
    return page if selection else (page, 400)


def group_map_html(
    user_ids: Collection[int], selection: services.MapFilter | None = None
) -> Markup | None:
    """The skills map of these learners as HTML (count, SVG chart, table; no CSV link), for
    other features' pages: the factory hands it to cohorts and hubs as
    ``course_group_skills_map``. None when the course has no skills framework."""
    skills_map = services.group_map(user_ids, selection)
    if skills_map is None:
        return None
    html = render_template(
        "skills/_map.html",
        skills_map=skills_map,
        chart=_chart(skills_map),
        framework=course().skills,
        csv_url=None,
    )
    return Markup(html)  # noqa: S704 - rendered by our autoescaped template


@bp.get("/skills-map.csv")
@role_required(Role.TRAINER, Role.ADMIN)
def group_map_csv() -> Any:
    """The same map as CSV; cells under 5 learners say "fewer than 5"."""
    _form, selection = _map_filter()
    skills_map = services.group_map(services.learner_ids(), selection) if selection else None
    if skills_map is None:
        return redirect(url_for("skills.group_map", **request.args), code=303)
    few = _("fewer than 5")
    out = io.StringIO()
    writer = csv.writer(out)
    levels = [level.id for level in skills_map.levels]
    writer.writerow(
        [
            "skill",
            *levels,
            "missing",
            "have",
            "share_percent",
            "self_assessed_by",
            "self_assessed_mean",
            "shown_mean",
            "gap",
            "learners",
        ]
    )
    for row in skills_map.rows:
        counts = [*row.at_level, row.missing, row.have, row.share, row.raters]
        means = [row.self_rated, row.shown, row.gap]
        writer.writerow(
            [
                row.skill.id,
                *(few if count is None else count for count in counts),
                *("" if mean is None else f"{mean:.2f}" for mean in means),
                skills_map.learners,
            ]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="skills-map.csv"'},
    )


@bp.get("/skills-map/site")
@role_required(Role.ADMIN)
def site_map() -> str:
    """Which skills this server's learners have and which are missing, month by month."""
    timeline = services.site_timeline()
    framework = course().skills
    chart = None
    if timeline is not None and framework is not None:
        chart = timeline_chart(
            timeline,
            framework.source,
            _("Learners who had shown each skill, by month"),
            "site-table-caption",
        )
    return render_template("skills/site.html", timeline=timeline, chart=chart, framework=framework)
