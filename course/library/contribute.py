"""Organizers share their initiatives: write, save a draft, submit, follow the review.

Every route here is for the signed-in contributor and finds the contribution through
:func:`services.own`, so another account's id answers 404 (tests try each route with two
users). A form with errors is shown again, as typed, with 400; nothing saved changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..accounts.auth import current_user, login_required
from ..errors import keeps_input, refusal, refusal_message
from ..templating import language_name
from . import choices, services
from .blueprint import bp
from .entries import years_label
from .forms import MAX_OUTCOMES, MAX_PARTNERS, ContributionForm, missing_for_submission
from .models import Contribution, Status
from .vocabulary import REGION_NAMES

Page = str | Response | tuple[str, int]
TEXT_FIELDS = (
    *("written_in", "title", "summary", "country", "city", "region", "wikimedia"),
    *("audience", "activities", "self_reported", "worked", "did_not_work", "advice", "contact"),
)


def status_names() -> dict[str, str]:
    """Each status in the contributor's words."""
    return {
        Status.DRAFT: _("Draft"),
        Status.SUBMITTED: _("Waiting for review"),
        Status.CHANGES_REQUESTED: _("Changes requested"),
        Status.ACCEPTED: _("Accepted and published"),
        Status.REJECTED: _("Not accepted"),
    }


def action_names() -> dict[str, str]:
    """Each logged action in the reader's words."""
    return {
        "created": _("Draft started"),
        "edited": _("Text changed by its author"),
        "submitted": _("Submitted"),
        "changes_requested": _("Changes requested"),
        "accepted": _("Accepted"),
        "rejected": _("Rejected"),
    }


def facts(item: Contribution) -> dict[str, Any]:
    """What the templates show of a contribution, decoded and named in the reader's language."""
    lists = item.lists()
    formats = choices.format_names()
    return {
        "lists": lists,
        "country": choices.country_name(item.country) if item.country else "",
        "region": str(REGION_NAMES.get(item.region, "")),
        "formats": [str(formats.get(code, code)) for code in lists["formats"]],
        "languages": [language_name(code) for code in lists["languages"]],
        "kinds": {k: str(v) for k, v in choices.PARTNER_KINDS.items()},
        "metrics": {k: str(v) for k, v in choices.METRICS.items()},
        "years": years_label(item),
        "status_names": status_names(),
    }


def values_of(form: ContributionForm) -> dict[str, Any]:
    """The form's content as the services store it (empty rows dropped)."""
    values: dict[str, Any] = {name: (form[name].data or "").strip() for name in TEXT_FIELDS}
    partners = [row.form for row in form.partners if (row.form.name.data or "").strip()]
    outcomes = [row.form for row in form.outcomes if not row.form.is_empty()]
    return values | {
        "start_date": form.start_date.data,
        "end_date": form.end_date.data,
        "show_name": form.show_name.data,
        "languages": list(form.languages.data or []),
        "formats": list(form.formats.data or []),
        "partners": [{"name": p.name.data.strip(), "kind": p.kind.data} for p in partners],
        "outcomes": [
            {
                "metric": o.metric.data,
                "figure": o.figure.data,
                "url": o.url.data,
                "measured": o.measured.data.isoformat() if o.measured.data else None,
            }
            for o in outcomes
        ],
    }


def _form_for(item: Contribution | None) -> ContributionForm:
    """The form filled from a saved contribution, with blank rows to add more."""
    if request.method == "POST":
        return ContributionForm()
    data: dict[str, Any] = {"written_in": str(get_locale())}
    if item is not None:
        lists = item.lists()
        data = {name: getattr(item, name) for name in TEXT_FIELDS} | {
            "start_date": item.start_date,
            "end_date": item.end_date,
            "show_name": item.show_name,
            **lists,
        }
        for outcome in data["outcomes"]:
            measured = outcome.get("measured")
            outcome["measured"] = date.fromisoformat(measured) if measured else None
    form = ContributionForm(data=data)
    for rows, limit in ((form.partners, MAX_PARTNERS), (form.outcomes, MAX_OUTCOMES)):
        while len(rows) < min(limit, len(data.get(rows.short_name, ())) + 2):
            rows.append_entry()
    return form


def _overflow(form: ContributionForm) -> bool:
    """Flag rows beyond the limits (the form keeps the first ones)."""
    over = False
    for rows, limit in ((form.outcomes, MAX_OUTCOMES), (form.partners, MAX_PARTNERS)):
        prefix = f"{rows.name}-"
        sent = {key[len(prefix) :].split("-")[0] for key in request.form if key.startswith(prefix)}
        if len(sent) > limit:
            rows.errors = [
                *rows.errors,
                _("At most %(max)d rows: the extra rows were not kept.", max=limit),
            ]
            over = True
    return over


def _page(form: ContributionForm, item: Contribution | None, code: int = 200, **extra: Any) -> Page:
    page = render_template(
        "library/form.html",
        form=form,
        item=item,
        csrf_failed=g.get("csrf_failed", False),
        **extra,
    )
    return page, code


def _handle(item: Contribution | None) -> Page:
    form = _form_for(item)
    if request.method == "GET":
        return _page(form, item)
    if refusal():  # an expired form or a storage fault: shown again, input intact
        return _page(form, item, 400, error=refusal_message() if refusal() == "storage" else None)
    submitting = request.form.get("action") == "submit"
    valid = form.validate()
    if submitting:
        for field, message in missing_for_submission(form):
            field.errors = [*field.errors, message]
            valid = False
    if _overflow(form) or not valid:
        return _page(form, item, 400)
    user = current_user()
    try:
        if item is None:
            item = services.start_draft(user, values_of(form))
        else:
            services.save(item, user, values_of(form))
        if submitting:
            services.submit(item, user)
    except services.DailyLimitReached:
        error = _("You have reached today's limit of new entries. Try again tomorrow.")
        return _page(form, item, 429, error=error)
    flash(_("Submitted for review.") if submitting else _("Draft saved."), "success")
    target = "library.mine_one" if submitting else "library.edit"
    return redirect(url_for(target, contribution_id=item.id), 303)


@bp.route("/initiatives/share", methods=["GET", "POST"])
@login_required
@keeps_input
def share() -> Page:
    """A new initiative: the form, saved as a draft or submitted for review."""
    return _handle(None)


def _own_or_404(contribution_id: int) -> Contribution:
    item = services.own(current_user(), contribution_id)
    if item is None:
        abort(404)
    return item


@bp.route("/initiatives/mine/<int:contribution_id>/edit", methods=["GET", "POST"])
@login_required
@keeps_input
def edit(contribution_id: int) -> Page:
    """Change one's draft, or one's entry while a reviewer asks for changes."""
    item = _own_or_404(contribution_id)
    if not item.editable:
        flash(_("This entry cannot be changed now."), "error")
        return redirect(url_for("library.mine_one", contribution_id=item.id), 303)
    return _handle(item)


@bp.get("/initiatives/mine")
@login_required
def mine() -> str:
    """The contributor's entries and where each is in its review."""
    return render_template(
        "library/mine.html", items=services.mine(current_user()), status_names=status_names()
    )


@bp.get("/initiatives/mine/<int:contribution_id>")
@login_required
def mine_one(contribution_id: int) -> str:
    """One of the contributor's entries as it will be published, with its status."""
    item = _own_or_404(contribution_id)
    return render_template("library/mine_one.html", item=item, **facts(item))


@bp.post("/initiatives/mine/<int:contribution_id>/delete")
@login_required
def delete(contribution_id: int) -> Response:
    """Delete one's draft."""
    item = _own_or_404(contribution_id)
    try:
        services.delete_draft(item, current_user())
    except services.NotAllowed:
        abort(409)
    flash(_("Draft deleted."), "success")
    return redirect(url_for("library.mine"), 303)
