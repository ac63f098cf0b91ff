"""What learners say of their own skills: only the skills feature reads these rows.

Skill ids come from the course's skills framework (``badges/skills.yaml``), whose ids never
change by rule, so rows name them by id rather than by foreign key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

#: The self-assessment scale: 1 new to it, 2 aware, 3 practised, 4 leads.
SCALE = range(1, 5)


class SelfAssessment(db.Model):
    """A learner's own rating of one skill, before and after the course; one row per skill."""

    __tablename__ = "skill_self_assessment"
    __table_args__ = (UniqueConstraint("user_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[str] = mapped_column(String(64))
    #: 1–4 on :data:`SCALE`; None: not rated.
    before: Mapped[int | None] = mapped_column(SmallInteger)
    after: Mapped[int | None] = mapped_column(SmallInteger)
    #: The learner's choice to let trainers count this rating in group maps (never by name).
    share: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
