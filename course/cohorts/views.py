"""Cohort pages for everyone: join with a link or a code, see one's cohorts, leave, start one.

The lead's tools are in ``leadviews``, hubs in ``hubviews``; all share ``blueprint.bp``.
"""

from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.auth import current_user, login_required
from ..contentstore import course
from ..errors import keeps_input, refusal
from ..ratelimit import limiter
from ..templating import language_name, localized
from . import hubviews, leadviews, lifecycle, membership  # noqa: F401 - their routes
from .blueprint import bp, limit, signed_in
from .codes import display
from .forms import ActionForm, CohortForm, JoinForm
from .services import (
    CohortError,
    all_hubs,
    create_cohort,
    find_cohort,
    hubs_coordinated,
    lead_names,
    leads,
    led_by,
    may_create_cohort,
    member_of,
)

Page = str | Response | tuple[str, int]


@bp.route("/cohorts/join", methods=["GET", "POST"])
@limiter.limit(limit("COHORT_CODE_LIMIT_PER_ADDRESS"))
@keeps_input
def join() -> Page:
    """Join from the link or a typed code, after seeing exactly what the leads will see."""
    code = (request.values.get("code") or "")[:40].strip()
    if not code:
        return render_template("cohorts/join_code.html")
    try:
        cohort = membership.check_code(code)
    except membership.CodeRefused as refused:
        return render_template("cohorts/join_code.html", error=str(refused), code=code), 400
    user = current_user()
    if user is not None and member_of(user, cohort):
        return redirect(url_for("cohorts.cohort", cohort_id=cohort.id))
    form = JoinForm(code=display(cohort.code))
    if request.method == "POST":
        if user is None:
            return redirect(url_for("accounts.login", next=url_for("cohorts.join", code=code)))
        if form.validate_on_submit() and not refusal():
            membership.join(user, form.code.data)
            flash(_("You have joined %(name)s.", name=cohort.name), "success")
            return redirect(url_for("cohorts.cohort", cohort_id=cohort.id), code=303)
    page = render_template(
        "cohorts/join.html", cohort=cohort, form=form, leads=lead_names(cohort), user=user
    )
    return (page, 400) if request.method == "POST" else page


@bp.get("/cohorts")
@login_required
def mine() -> str:
    """The cohorts I am in and the cohorts I lead."""
    user = signed_in()
    return render_template(
        "cohorts/mine.html",
        memberships=membership.memberships(user),
        led=led_by(user),
        hubs=hubs_coordinated(user),
        may_create=may_create_cohort(user),
    )


@bp.get("/cohorts/<int:cohort_id>")
@login_required
def cohort(cohort_id: int) -> str:
    """The lead's dashboard, or a member's view of their cohort; 404 for anyone else."""
    user = signed_in()
    found = find_cohort(cohort_id)
    if found is not None and leads(user, found):
        return leadviews.dashboard_page(found)
    member = member_of(user, found) if found else None
    if found is None or member is None:
        abort(404)
    return render_template(
        "cohorts/member.html",
        cohort=found,
        leads=lead_names(found),
        modules=[course().module(m) for m in found.modules if course().module(m)],
        announcements=lifecycle.announcements(found)[:20],
        form=ActionForm(),
    )


@bp.post("/cohorts/<int:cohort_id>/leave")
@login_required
def leave(cohort_id: int) -> Response:
    """Leave a cohort: the leads no longer see anything about me."""
    found = find_cohort(cohort_id)
    if found is None or member_of(signed_in(), found) is None:
        abort(404)
    if ActionForm().validate_on_submit():
        membership.leave(signed_in(), found)
        flash(_("You have left %(name)s.", name=found.name), "success")
    return redirect(url_for("cohorts.mine"), code=303)


def _choices(form: CohortForm) -> None:
    user = signed_in()
    hubs = all_hubs() if user.is_admin else hubs_coordinated(user)
    form.hub.choices = [("", _("No hub"))] + [(str(h.id), h.name) for h in hubs]
    form.language.choices = [(c, language_name(c)) for c in current_app.config["LANGUAGES"]]
    form.modules.choices = [
        (m.id, localized(m.texts, m.source).value.title) for m in course().modules
    ]


def _due_dates(modules: list[str]) -> dict[str, date]:
    """The optional due date typed for each chosen module (``due-<module>`` fields)."""
    found = {}
    for module_id in modules:
        raw = (request.form.get(f"due-{module_id}") or "").strip()
        if raw:
            try:
                found[module_id] = date.fromisoformat(raw[:10])
            except ValueError:
                raise CohortError(_("Enter due dates as dates, such as 2026-03-08.")) from None
    return found


@bp.route("/cohorts/new", methods=["GET", "POST"])
@login_required
@keeps_input
def new() -> Page:
    """Start a cohort (trainers, admins and hub coordinators)."""
    user = signed_in()
    if not may_create_cohort(user):
        abort(403)
    form = CohortForm()
    _choices(form)
    error = None
    if form.validate_on_submit() and not refusal():
        hub = next((h for h in all_hubs() if str(h.id) == form.hub.data), None)
        try:
            created = create_cohort(
                user,
                form.name.data,
                form.language.data,
                form.modules.data,
                form.starts_on.data,
                form.ends_on.data,
                hub=hub,
                due_dates=_due_dates(form.modules.data),
                max_size=form.max_size.data,
            )
        except CohortError as problem:
            error = str(problem)
        else:
            flash(_("Your cohort is ready: share its code."), "success")
            return redirect(url_for("cohorts.projector", cohort_id=created.id), code=303)
    page = render_template("cohorts/new.html", form=form, error=error)
    return (page, 400) if request.method == "POST" else page
