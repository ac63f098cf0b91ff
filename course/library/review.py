"""Trainers review contributions: request changes (with a comment the contributor sees),
accept, or reject (with a reason). Reviewers never edit the text; every decision is logged."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..accounts.auth import current_user, role_required
from ..accounts.models import Role
from . import services
from .blueprint import bp
from .contribute import action_names, facts, status_names
from .models import TEXT_MAX

REVIEWERS = (Role.TRAINER, Role.ADMIN)


@bp.get("/initiatives/review")
@role_required(*REVIEWERS)
def review_queue() -> str:
    """Submissions waiting for a decision, then those waiting on their authors."""
    return render_template(
        "library/review_queue.html", items=services.queue(), status_names=status_names()
    )


@bp.route("/initiatives/review/<int:contribution_id>", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def review(contribution_id: int) -> str | Response | tuple[str, int]:
    """One submission, its history, and the decision form."""
    item = services.find(contribution_id)
    if item is None or item.status.value == "draft":
        abort(404)  # drafts are their author's alone
    error = None
    if request.method == "POST":
        decision = request.form.get("decision", "")
        comment = request.form.get("comment", "")[: TEXT_MAX + 1]
        try:
            if len(comment) > TEXT_MAX:
                raise services.LibraryError
            services.review(item, current_user(), decision, comment)
        except services.NotAllowed:
            error = _("This entry is not waiting for a decision.")
        except services.LibraryError:
            error = _("Write a comment of at most 5000 characters to request changes or reject.")
        else:
            flash(_("Decision recorded."), "success")
            return redirect(url_for("library.review_queue"), 303)
    page = render_template(
        "library/review.html",
        item=item,
        events=services.events(item),
        action_names=action_names(),
        error=error,
        comment=request.form.get("comment", "")[:TEXT_MAX],
        **facts(item),
    )
    return (page, 400) if error else page
