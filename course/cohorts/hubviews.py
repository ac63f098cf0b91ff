"""Hub pages: the public page with open cohorts, the coordinators' dashboard (aggregates
only, small counts hidden), and the admin's forms to create hubs and name coordinators."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.auth import login_required, role_required
from ..accounts.models import Role
from ..errors import keeps_input, refusal
from ..templating import language_name, localized
from . import dashboard, lifecycle
from .blueprint import bp, coordinated_hub, signed_in
from .forms import CoordinatorForm, HubForm
from .models import DESCRIPTION_MAX, HubKind
from .services import (
    CohortError,
    account_at,
    add_coordinator,
    all_hubs,
    clean_text,
    cohorts_of_hub,
    coordinators,
    create_hub,
    find_hub,
)

Page = str | Response | tuple[str, int]
KIND_LABELS = {
    HubKind.REGIONAL: _l("Regional hub"),
    HubKind.THEMATIC: _l("Thematic hub"),
    HubKind.LINGUISTIC: _l("Linguistic hub"),
}


@bp.app_context_processor
def hub_labels() -> dict[str, object]:
    return {"hub_kind_labels": KIND_LABELS}


@bp.get("/hubs")
def hubs() -> str:
    """Every hub."""
    return render_template("cohorts/hubs.html", hubs=all_hubs())


@bp.get("/hubs/<slug>")
def hub(slug: str) -> str:
    """A hub's public page: what it is and the cohorts one can join now."""
    found = find_hub(slug)
    if found is None:
        abort(404)
    description = (
        localized(found.descriptions, found.languages[0] if found.languages else "en")
        if found.descriptions
        else None
    )
    return render_template(
        "cohorts/hub.html",
        hub=found,
        description=description,
        cohorts=cohorts_of_hub(found, open_only=True),
    )


@bp.get("/hubs/<slug>/dashboard")
@login_required
def hub_dashboard(slug: str) -> str:
    """Coordinators' view: the hub's cohorts side by side and trends by month, as counts.

    Any count under 5 learners is hidden. The skills map of the hub's members comes from
    the ``course_group_skills_map`` hook (the skills feature), when it is registered.
    """
    found = coordinated_hub(slug)
    cohorts = cohorts_of_hub(found)
    summaries = [(c, lifecycle.cohort_summary(c)) for c in cohorts]
    skills_map = current_app.extensions.get("course_group_skills_map")
    member_ids = {m.user_id for c in cohorts for m in lifecycle.members(c)}
    return render_template(
        "cohorts/hub_dashboard.html",
        hub=found,
        summaries=summaries,
        shown=dashboard.shown,
        trends=dashboard.trends([s for _c, s in summaries]),
        skills_map=skills_map(member_ids) if skills_map and len(member_ids) >= 5 else None,
        small=dashboard.SMALL,
    )


def _kind_and_languages(form: HubForm) -> None:
    form.kind.choices = [(k.value, str(label)) for k, label in KIND_LABELS.items()]
    form.languages.choices = [
        (code, language_name(code)) for code in current_app.config["LANGUAGES"]
    ]


@bp.route("/hubs/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@keeps_input
def new_hub() -> Page:
    """Create a hub (admins)."""
    form = HubForm()
    _kind_and_languages(form)
    error = None
    if form.validate_on_submit() and not refusal():
        try:
            descriptions = {
                code: clean_text(
                    request.form[f"description-{code}"], DESCRIPTION_MAX, one_line=False
                )
                for code in current_app.config["LANGUAGES"]
                if (request.form.get(f"description-{code}") or "").strip()
            }
            created = create_hub(
                form.name.data,
                HubKind(form.kind.data),
                form.languages.data,
                form.area.data or "",
                descriptions,
            )
        except (CohortError, ValueError) as problem:
            error = str(problem)
        else:
            flash(_("The hub is created."), "success")
            return redirect(url_for("cohorts.hub_admin", slug=created.slug), code=303)
    page = render_template("cohorts/hub_new.html", form=form, error=error)
    return (page, 400) if request.method == "POST" else page


@bp.route("/hubs/<slug>/coordinators", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def hub_admin(slug: str) -> Page:
    """Name a hub's coordinators (admins)."""
    found = find_hub(slug)
    if found is None:
        abort(404)
    form = CoordinatorForm()
    if form.validate_on_submit():
        user = account_at(form.email.data)
        if user is None:
            flash(_("No account has this address."), "error")
        else:
            add_coordinator(found, user)
            flash(_("%(name)s now coordinates this hub.", name=user.display_name), "success")
        return redirect(url_for("cohorts.hub_admin", slug=found.slug), code=303)
    signed_in()
    return render_template(
        "cohorts/hub_admin.html", hub=found, form=form, coordinators=coordinators(found)
    )
