"""Awards of badges, and the log of what trainers did to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Award(db.Model):
    """A badge awarded to a learner: one row, published as OB 2.0 and OB 3.0."""

    __tablename__ = "award"
    #: A learner earns each badge once, however many tabs complete the last module.
    __table_args__ = (UniqueConstraint("user_id", "badge_id"),)

    #: Also the award's position in the published revocation status list.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The public, unguessable id used in every URL of the award.
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    #: None once the learner deleted their account (the award is then revoked).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    badge_id: Mapped[str] = mapped_column(String(64), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Random per award; the recipient is published only as sha256(email or URL + salt).
    salt: Mapped[str] = mapped_column(String(64))
    recipient_hash: Mapped[str] = mapped_column(String(80))
    #: What the hash is of: "email", or "url" (the holder's Wikimedia user page).
    recipient_type: Mapped[str] = mapped_column(String(8), default="email", server_default="email")
    #: The learner's choice to show their display name on the public page.
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The signed OpenBadgeCredential (OB 3.0) as issued, exactly.
    credential: Mapped[str] = mapped_column(Text)
    #: The modules whose completion earned it, with when (JSON list), for the evidence page.
    evidence: Mapped[str] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revocation_reason: Mapped[str | None] = mapped_column(String(500))


class AuditEntry(db.Model):
    """Something a trainer or admin did that changes what others see (revocations)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(String(1000))
