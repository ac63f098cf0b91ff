"""What the library's views and the rest of the course call: drafts, submissions, reviews.

Services flush; the request commits. Every change of a contribution's status is logged as a
:class:`ContributionEvent` with who did it, when and why; nobody but the contributor edits
the text (reviewers comment, they do not rewrite), and each edit is logged too.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from .. import clock
from ..accounts.models import User
from ..extensions import db
from .models import LICENCE, Contribution, ContributionEvent, Status

#: Submissions an account may make in 24 hours (``LIBRARY_SUBMISSIONS_PER_DAY``).
SUBMISSIONS_PER_DAY = 5
#: New drafts an account may start in 24 hours.
DRAFTS_PER_DAY = 20
LIST_FIELDS = ("languages", "formats", "partners", "outcomes")
REVIEW_DECISIONS = {
    "request_changes": Status.CHANGES_REQUESTED,
    "accept": Status.ACCEPTED,
    "reject": Status.REJECTED,
}


class LibraryError(Exception):
    """A contribution cannot do what was asked; the message says why."""


class DailyLimitReached(LibraryError):
    """The account has already submitted (or started) as much as a day allows."""


class NotAllowed(LibraryError):
    """The contribution is not in a state that allows this step."""


def _log(item: Contribution, actor: User | None, action: str, comment: str = "", **st: Any) -> None:
    db.session.add(
        ContributionEvent(
            contribution_id=item.id,
            actor_id=actor.id if actor else None,
            actor_name=actor.display_name if actor else "",
            at=clock.now(),
            action=action,
            from_status=st.get("before"),
            to_status=st.get("after"),
            comment=comment,
        )
    )


def _since(hours: int = 24) -> Any:
    return clock.now() - timedelta(hours=hours)


def own(user: User, contribution_id: int) -> Contribution | None:
    """``user``'s contribution with this id; None for anyone else's (tell them 404)."""
    return db.session.scalar(
        select(Contribution).where(
            Contribution.id == contribution_id, Contribution.owner_id == user.id
        )
    )


def mine(user: User) -> list[Contribution]:
    """Everything ``user`` wrote, newest first."""
    query = select(Contribution).where(Contribution.owner_id == user.id)
    return list(db.session.scalars(query.order_by(Contribution.updated_at.desc())))


def start_draft(user: User, values: dict[str, Any]) -> Contribution:
    """A new draft holding ``values``; refused past :data:`DRAFTS_PER_DAY`."""
    started = db.session.scalar(
        select(func.count(Contribution.id)).where(
            Contribution.owner_id == user.id, Contribution.created_at >= _since()
        )
    )
    if started >= DRAFTS_PER_DAY:
        raise DailyLimitReached
    now = clock.now()
    item = Contribution(owner_id=user.id, status=Status.DRAFT, created_at=now, updated_at=now)
    db.session.add(item)
    _apply(item, values)
    db.session.flush()
    _log(item, user, "created", after=Status.DRAFT.value)
    return item


def _apply(item: Contribution, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name in LIST_FIELDS:
            setattr(item, f"{name}_json", json.dumps(value, ensure_ascii=False))
        else:
            setattr(item, name, value)
    item.updated_at = clock.now()


def save(item: Contribution, user: User, values: dict[str, Any]) -> None:
    """Replace the text of ``user``'s editable contribution with ``values`` (logged)."""
    if item.owner_id != user.id or not item.editable:
        raise NotAllowed
    _apply(item, values)
    _log(item, user, "edited")
    db.session.flush()


def _submissions_today(user: User) -> int:
    return db.session.scalar(
        select(func.count(ContributionEvent.id)).where(
            ContributionEvent.actor_id == user.id,
            ContributionEvent.action == "submitted",
            ContributionEvent.at >= _since(),
        )
    )


def submit(item: Contribution, user: User) -> None:
    """Send ``user``'s draft (or changed entry) for review, under the licence they accepted."""
    if item.owner_id != user.id or not item.editable:
        raise NotAllowed
    limit = current_app.config.get("LIBRARY_SUBMISSIONS_PER_DAY", SUBMISSIONS_PER_DAY)
    if _submissions_today(user) >= limit:
        raise DailyLimitReached
    before = item.status.value
    item.status = Status.SUBMITTED
    item.licence = LICENCE
    item.submitted_at = clock.now()
    item.contributor_name = user.display_name if item.show_name else None
    _log(item, user, "submitted", before=before, after=Status.SUBMITTED.value)
    db.session.flush()


def delete_draft(item: Contribution, user: User) -> None:
    """Remove ``user``'s draft (never a submitted or published entry)."""
    if item.owner_id != user.id or item.status != Status.DRAFT:
        raise NotAllowed
    db.session.delete(item)
    db.session.flush()


def queue() -> list[Contribution]:
    """What reviewers see: waiting submissions first, then those waiting on their authors."""
    waiting = (Status.SUBMITTED, Status.CHANGES_REQUESTED)
    query = select(Contribution).where(Contribution.status.in_(waiting))
    items = list(db.session.scalars(query.order_by(Contribution.submitted_at)))
    return sorted(items, key=lambda item: item.status != Status.SUBMITTED)


def find(contribution_id: int) -> Contribution | None:
    """Any contribution, for reviewers."""
    return db.session.get(Contribution, contribution_id)


def review(item: Contribution, reviewer: User, decision: str, comment: str) -> None:
    """Request changes, accept or reject a submission; changes and rejections need a comment."""
    after = REVIEW_DECISIONS.get(decision)
    if after is None or item.status != Status.SUBMITTED:
        raise NotAllowed
    if after != Status.ACCEPTED and not comment.strip():
        raise LibraryError
    item.status = after
    item.review_comment = comment.strip() or None
    item.reviewed_at = clock.now()
    _log(item, reviewer, after.value, comment.strip(), before="submitted", after=after.value)
    db.session.flush()


def events(item: Contribution) -> list[ContributionEvent]:
    """``item``'s history, oldest first."""
    query = select(ContributionEvent).where(ContributionEvent.contribution_id == item.id)
    return list(db.session.scalars(query.order_by(ContributionEvent.at, ContributionEvent.id)))


def accepted() -> list[Contribution]:
    """The published contributions, most recently accepted first."""
    query = select(Contribution).where(Contribution.status == Status.ACCEPTED)
    return list(db.session.scalars(query.order_by(Contribution.reviewed_at.desc())))


def published(contribution_id: int) -> Contribution | None:
    """An accepted contribution, as anyone may read it."""
    item = db.session.get(Contribution, contribution_id)
    return item if item is not None and item.status == Status.ACCEPTED else None


def forget(user: User) -> None:
    """Before an account is deleted: drafts and unpublished entries go, published ones stay
    under their licence, attributed to "a contributor", and the log loses the person's name."""
    query = select(Contribution).where(Contribution.owner_id == user.id)
    for item in db.session.scalars(query):
        if item.status == Status.ACCEPTED:
            item.owner_id = None
            item.contributor_name = None
            item.show_name = False
            item.contact = ""
        else:
            db.session.delete(item)
    db.session.flush()
    db.session.execute(
        ContributionEvent.__table__.update()
        .where(ContributionEvent.actor_id == user.id)
        .values(actor_name="", actor_id=None)
    )


def export_data(user: User) -> dict[str, object]:
    """The library part of "download my data": every contribution, in full, with its log."""
    return {
        "initiatives": [
            {
                **{c.name: _plain(getattr(item, c.key)) for c in Contribution.__table__.columns},
                "events": [
                    {"at": clock.iso(e.at), "action": e.action, "comment": e.comment}
                    for e in events(item)
                ],
            }
            for item in mine(user)
        ]
    }


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value.value if isinstance(value, Status) else value
