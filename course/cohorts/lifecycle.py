"""A cohort's later life: announcements to its members, archiving, and the end of its
member views once the retention period (``COHORT_RETENTION_DAYS``) is over."""

from __future__ import annotations

import logging

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from .. import mail
from ..accounts.models import User
from ..clock import now
from ..contentstore import course
from ..extensions import db
from . import dashboard
from .models import ANNOUNCEMENT_MAX, Announcement, Cohort, Membership
from .services import clean_text, member_views_gone

log = logging.getLogger(__name__)


def members(cohort: Cohort) -> list[Membership]:
    """``cohort``'s members, with their accounts loaded (empty once its views are gone)."""
    if member_views_gone(cohort):
        return []
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.cohort_id == cohort.id)
            .order_by(Membership.joined_at)
            .options(selectinload(Membership.user))  # one query for every member's account
        )
    )


def announce(cohort: Cohort, author: User, body: str) -> Announcement:
    """Send ``body`` to every member: stored (shown on "My learning") and emailed.

    The row is also the log of what was sent; the server log gets ids and counts only.
    """
    text = clean_text(body, ANNOUNCEMENT_MAX, one_line=False)
    recipients = members(cohort)
    announcement = Announcement(
        cohort_id=cohort.id,
        author_id=author.id,
        body=text,
        recipients=len(recipients),
        sent_at=now(),
    )
    db.session.add(announcement)
    db.session.flush()
    for member in recipients:
        user = member.user
        with force_locale(user.locale or current_app.config["DEFAULT_LANGUAGE"]):
            mail.queue(
                mail.Message(
                    to=user.email,
                    subject=gettext("News from %(cohort)s", cohort=cohort.name),
                    body=render_template(
                        "cohorts/email/announcement.txt", cohort=cohort, body=text, user=user
                    ),
                )
            )
    log.info(
        "Announcement %s sent to cohort %s by user %s (%d recipients)",
        announcement.id,
        cohort.id,
        author.id,
        len(recipients),
    )
    return announcement


def announcements(cohort: Cohort) -> list[Announcement]:
    """What was sent to ``cohort``, newest first."""
    return list(
        db.session.scalars(
            select(Announcement)
            .where(Announcement.cohort_id == cohort.id)
            .order_by(Announcement.id.desc())
        )
    )


def archive(cohort: Cohort) -> None:
    """Close ``cohort`` for good, keeping its counts (:func:`dashboard.summary`)."""
    if cohort.archived_at is not None:
        return
    rows = dashboard.member_rows(cohort, members(cohort), course())
    cohort.summary = dashboard.summary(cohort, rows)
    cohort.archived_at = now()
    cohort.joining_open = False
    db.session.flush()


def purge_expired() -> int:
    """Delete the member rows and messages of cohorts archived past the retention period.

    Their counts stay (``Cohort.summary``). Returns how many cohorts were purged.
    """
    purged = 0
    for cohort in db.session.scalars(select(Cohort).where(Cohort.archived_at.is_not(None))):
        if member_views_gone(cohort):
            db.session.execute(delete(Membership).where(Membership.cohort_id == cohort.id))
            db.session.execute(delete(Announcement).where(Announcement.cohort_id == cohort.id))
            purged += 1
    db.session.flush()
    return purged


def cohort_summary(cohort: Cohort) -> dict[str, object]:
    """``cohort``'s counts: kept ones once archived, else computed now."""
    if cohort.archived_at is not None and cohort.summary is not None:
        return cohort.summary
    rows = dashboard.member_rows(cohort, members(cohort), course())
    return dashboard.summary(cohort, rows)
