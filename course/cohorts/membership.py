"""Joining and leaving: join codes checked, consent recorded, what members see of a cohort.

Also the hooks other features call without importing cohorts (the factory registers them):
the sign-up notice and the landing after confirmation (accounts), the per-address budget a
valid code gives (``course.ratelimit``), announcements on "My learning" (learning), and the
data export and account deletion of every feature.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import current_app, flash, render_template, url_for
from flask_babel import gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup
from sqlalchemy import delete, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..accounts.models import User
from ..clock import iso, now
from ..extensions import db
from . import codes
from .models import Announcement, Cohort, CohortLead, HubCoordinator, Membership
from .services import CohortError, is_joinable, leads


class CodeRefused(CohortError):
    """A join code that is unknown, closed, over or full: nothing changes."""


def find_by_code(raw: str | None) -> Cohort | None:
    """The cohort whose current code is ``raw`` (as typed), if any."""
    code = codes.normalize(raw)
    return db.session.scalar(select(Cohort).where(Cohort.code == code)) if code else None


def member_count(cohort: Cohort) -> int:
    """How many members ``cohort`` has."""
    return (
        db.session.scalar(
            select(func.count(Membership.id)).where(Membership.cohort_id == cohort.id)
        )
        or 0
    )


def check_code(raw: str | None, today: date | None = None) -> Cohort:
    """The cohort a typed code lets one join now, else :class:`CodeRefused` saying why."""
    cohort = find_by_code(raw)
    if cohort is None:
        raise CodeRefused(
            gettext("No cohort has this code. Check it with the person running your workshop.")
        )
    if cohort.archived_at is not None or cohort.ends_on < (today or now().date()):
        raise CodeRefused(gettext("This cohort has ended: it no longer takes new members."))
    if not is_joinable(cohort, today):
        raise CodeRefused(gettext("This cohort is closed to new members."))
    if cohort.max_size is not None and member_count(cohort) >= cohort.max_size:
        raise CodeRefused(gettext("This cohort is full."))
    return cohort


def join(user: User, raw_code: str | None) -> Cohort:
    """Add ``user`` to the cohort of this code, after they agreed to what leads see.

    Joining twice changes nothing. :class:`CodeRefused` when the code cannot be used.
    """
    cohort = check_code(raw_code)
    if db.session.scalar(
        select(Membership.id).where(
            Membership.cohort_id == cohort.id, Membership.user_id == user.id
        )
    ):
        return cohort
    try:
        with db.session.begin_nested():
            db.session.add(Membership(cohort_id=cohort.id, user_id=user.id, joined_at=now()))
    except IntegrityError:
        pass  # joined at the same moment from another tab
    return cohort


def leave(user: User, cohort: Cohort) -> None:
    """Take ``user`` out of ``cohort``: they disappear from every view of it."""
    db.session.execute(
        delete(Membership).where(Membership.cohort_id == cohort.id, Membership.user_id == user.id)
    )


def memberships(user: User) -> list[Membership]:
    """The cohorts ``user`` belongs to, newest first."""
    return list(
        db.session.scalars(
            select(Membership).where(Membership.user_id == user.id).order_by(Membership.id.desc())
        )
    )


def announcements_for(user: User, limit: int = 20) -> list[tuple[Cohort, Announcement]]:
    """The latest announcements of the cohorts ``user`` is in, newest first."""
    rows = db.session.execute(
        select(Cohort, Announcement)
        .join(Announcement, Announcement.cohort_id == Cohort.id)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user.id, Announcement.sent_at >= Membership.joined_at)
        .order_by(Announcement.id.desc())
        .limit(limit)
    )
    return [(cohort, announcement) for cohort, announcement in rows]


# --- hooks for other features ------------------------------------------------------------


def code_budget(raw: str | None) -> int | None:
    """The size of the cohort a valid, open code is for (``course.ratelimit`` asks).

    Called before the rate limit is counted, so it reads through a connection of its own,
    closed at once: the request's own transaction still opens after the limit (course.db).
    A cohort without a maximum size counts as ``COHORT_DEFAULT_BUDGET`` people.
    """
    code = codes.normalize(raw)
    if code is None:
        return None
    try:
        with db.engine.connect() as connection:
            row = connection.execute(
                select(
                    Cohort.max_size, Cohort.joining_open, Cohort.archived_at, Cohort.ends_on
                ).where(Cohort.code == code)
            ).first()
    except DBAPIError:
        return None  # the storage is failing: no raised budget, the plain limit applies
    if row is None or not row.joining_open or row.archived_at or row.ends_on < now().date():
        return None
    return int(row.max_size or current_app.config["COHORT_DEFAULT_BUDGET"])


def _tickets() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="course.cohorts.signup")


def signup_notice(raw: str | None) -> tuple[Markup, str | None] | None:
    """What the sign-up form shows for a cohort code, and the signed ticket its confirmation
    link carries (None when the code cannot be used: the form then says why)."""
    if not raw:
        return None
    try:
        cohort = check_code(raw)
    except CodeRefused as refused:
        html, ticket = render_template("cohorts/_signup_notice.html", error=str(refused)), None
    else:
        html = render_template("cohorts/_signup_notice.html", cohort=cohort)
        ticket = _tickets().dumps(cohort.code)
    return Markup(html), ticket  # noqa: S704 - rendered by our autoescaped template


def after_confirmation(user: User, args: Mapping[str, str]) -> str | None:
    """Put a newly confirmed learner in the cohort they agreed to join when signing up.

    The confirmation link carries a ticket signed when they ticked the box; the code in it
    must still be open (closed, full or replaced: they are told so and join nothing).
    """
    days = int(current_app.config["EMAIL_CONFIRM_DAYS"])
    try:
        code = _tickets().loads((args.get("cohort") or "")[:200], max_age=days * 86400)
    except BadSignature:
        return None
    try:
        cohort = join(user, str(code))
    except CodeRefused as refused:
        flash(str(refused), "error")
        return url_for("cohorts.join")
    flash(gettext("Welcome to %(name)s!", name=cohort.name), "success")
    return url_for("cohorts.cohort", cohort_id=cohort.id)


def my_learning_notices(user: User) -> list[dict[str, Any]]:
    """Announcements for "My learning": cohort name, text and date of each."""
    return [
        {
            "cohort": c.name,
            "body": a.body,
            "sent_at": a.sent_at,
            "url": url_for("cohorts.cohort", cohort_id=c.id),
        }
        for c, a in announcements_for(user, limit=5)
    ]


def export_data(user: User) -> dict[str, object]:
    """The cohorts part of "download my data": memberships, cohorts led, messages received."""
    led = db.session.scalars(
        select(Cohort)
        .join(CohortLead, CohortLead.cohort_id == Cohort.id)
        .where(CohortLead.user_id == user.id)
    )
    return {
        "cohort_memberships": [
            {"cohort": m.cohort.name, "joined_at": iso(m.joined_at)} for m in memberships(user)
        ],
        "cohorts_led": [c.name for c in led],
        "cohort_messages_received": [
            {"cohort": c.name, "message": a.body, "sent_at": iso(a.sent_at)}
            for c, a in announcements_for(user, limit=10_000)
        ],
    }


def forget(user: User) -> None:
    """Account deletion: remove ``user`` from every cohort, lead list and hub."""
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    db.session.execute(delete(CohortLead).where(CohortLead.user_id == user.id))
    db.session.execute(delete(HubCoordinator).where(HubCoordinator.user_id == user.id))


__all__ = ["CodeRefused", "check_code", "join", "leads", "leave"]
