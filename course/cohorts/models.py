"""Hub and cohort tables: hubs and their coordinators, cohorts, leads, members, announcements."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db

NAME_MAX = 120
AREA_MAX = 120
DESCRIPTION_MAX = 2000
ANNOUNCEMENT_MAX = 2000
CODE_LENGTH = 8
SIZE_MAX = 500


class HubKind(enum.StrEnum):
    """What ties a hub's affiliates together."""

    REGIONAL = "regional"
    THEMATIC = "thematic"
    LINGUISTIC = "linguistic"


class Hub(db.Model):
    """A regional, thematic or linguistic hub that trains its affiliates' organizers."""

    __tablename__ = "hub"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The hub's address on the site, ``/hubs/<slug>``.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    kind: Mapped[HubKind] = mapped_column(
        Enum(HubKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    #: Language codes the hub works in.
    languages: Mapped[list[str]] = mapped_column(JSON)
    #: The region or theme, as the hub names it.
    area: Mapped[str] = mapped_column(String(AREA_MAX), default="")
    #: {language: description}
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HubCoordinator(db.Model):
    """A person who sees a hub's dashboard and may start cohorts in it."""

    __tablename__ = "hub_coordinator"
    __table_args__ = (UniqueConstraint("hub_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)


class Cohort(db.Model):
    """A group that follows some modules together: a workshop, an edit-a-thon, a study group."""

    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    hub_id: Mapped[int | None] = mapped_column(
        ForeignKey("hub.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(String(16))
    #: Ids of the modules it follows, in order.
    modules: Mapped[list[str]] = mapped_column(JSON)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    #: {module id: ISO date} for the modules that have one.
    due_dates: Mapped[dict[str, str]] = mapped_column(JSON)
    max_size: Mapped[int | None] = mapped_column(Integer)
    #: The join code, without its hyphen (see ``codes``); a new one replaces it.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    joining_open: Mapped[bool] = mapped_column(Boolean, default=True)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Aggregates kept when the cohort is archived, once its member rows are gone.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    hub: Mapped[Hub | None] = relationship()


class CohortLead(db.Model):
    """A person who runs a cohort and sees its members' progress."""

    __tablename__ = "cohort_lead"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)


class Membership(db.Model):
    """A learner in a cohort, who agreed to what its leads see. Leaving deletes the row."""

    __tablename__ = "cohort_member"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: When they joined, after seeing and accepting what leads see.
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()
    cohort: Mapped[Cohort] = relationship()


class Announcement(db.Model):
    """A message a lead sent to a cohort: shown on "My learning" and emailed. Also the log."""

    __tablename__ = "cohort_announcement"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    #: How many members it was emailed to.
    recipients: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
