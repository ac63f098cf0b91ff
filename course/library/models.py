"""Contributed initiatives and the log of what happened to each: only the library reads them.

List-valued facts (languages, formats, partners, outcomes) are kept as JSON text: they are
read and written whole with their entry, never queried on their own.
"""

from __future__ import annotations

import enum
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

TITLE_MAX = 200
SUMMARY_MAX = 500
SHORT_MAX = 300
TEXT_MAX = 5000
URL_MAX = 2000
NAME_MAX = 80
LICENCE = "CC-BY-SA-4.0"


class Status(enum.StrEnum):
    """Where a contribution is in its review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Contribution(db.Model):
    """An initiative an organizer wrote in the "share your initiative" form."""

    __tablename__ = "contribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None once the contributor deleted their account (only accepted entries stay).
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.DRAFT, index=True)
    #: The language the text is written in.
    written_in: Mapped[str] = mapped_column(String(16), default="en")
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    #: ISO 3166-1 alpha-2, from the fixed list.
    country: Mapped[str] = mapped_column(String(2), default="")
    city: Mapped[str] = mapped_column(String(SHORT_MAX), default="")
    region: Mapped[str] = mapped_column(String(20), default="")
    wikimedia: Mapped[str] = mapped_column(String(SHORT_MAX), default="")
    #: JSON lists: language codes, format codes, {name, kind}, {metric, figure, url, measured}.
    languages_json: Mapped[str] = mapped_column(Text, default="[]")
    formats_json: Mapped[str] = mapped_column(Text, default="[]")
    partners_json: Mapped[str] = mapped_column(Text, default="[]")
    outcomes_json: Mapped[str] = mapped_column(Text, default="[]")
    audience: Mapped[str] = mapped_column(Text, default="")
    activities: Mapped[str] = mapped_column(Text, default="")
    #: Figures without a public source, shown labelled as self-reported.
    self_reported: Mapped[str] = mapped_column(Text, default="")
    worked: Mapped[str] = mapped_column(Text, default="")
    did_not_work: Mapped[str] = mapped_column(Text, default="")
    advice: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(SHORT_MAX), default="")
    #: The contributor's display name as published, when they chose to show it.
    contributor_name: Mapped[str | None] = mapped_column(String(NAME_MAX))
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Set when the contributor submits, having read the licence.
    licence: Mapped[str | None] = mapped_column(String(20))
    #: The last reviewer's comment or reason, which the contributor sees.
    review_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    def lists(self) -> dict[str, list[Any]]:
        """The JSON-valued facts, decoded."""
        return {
            "languages": json.loads(self.languages_json),
            "formats": json.loads(self.formats_json),
            "partners": json.loads(self.partners_json),
            "outcomes": json.loads(self.outcomes_json),
        }

    @property
    def editable(self) -> bool:
        """The contributor may change it: a draft, or when a reviewer asked for changes."""
        return self.status in (Status.DRAFT, Status.CHANGES_REQUESTED)


class ContributionEvent(db.Model):
    """One step of a contribution's life: who did what, when, with which comment."""

    __tablename__ = "contribution_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    #: The actor's display name at the time; cleared when they delete their account.
    actor_name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    #: created, edited, submitted, changes_requested, accepted, rejected, anonymized.
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
