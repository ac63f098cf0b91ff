"""Account tables: a user, each signed-in browser session, and a linked Wikimedia account."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

EMAIL_MAX = 254  # RFC 5321 path limit
DISPLAY_NAME_MAX = 80
WIKIMEDIA_USERNAME_MAX = 255  # MediaWiki's limit, in bytes; enough in characters
PASSWORD_MIN = 8
PASSWORD_MAX = 256  # long passphrases welcome; megabyte "passwords" are not hashed


class Role(enum.StrEnum):
    """What a user may do: learners take the course, trainers author and review it."""

    LEARNER = "learner"
    TRAINER = "trainer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The role's name in the reader's language."""
        return str(_ROLE_LABELS[self])


_ROLE_LABELS = {
    Role.LEARNER: _l("Learner"),
    Role.TRAINER: _l("Trainer"),
    Role.ADMIN: _l("Administrator"),
}


class User(db.Model):
    """A person with an account."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased and normalized by email-validator, so uniqueness ignores case. None for an
    #: account made by signing in with Wikimedia, until its owner confirms an address here.
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(String(DISPLAY_NAME_MAX))
    #: None for an account made by signing in with Wikimedia (until a password is set).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Role.LEARNER,
    )
    #: The interface language the user chose; None follows the browser.
    locale: Mapped[str | None] = mapped_column(String(16))
    #: None until the user proves they read this address; they cannot sign in before.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    wikimedia: Mapped[WikimediaIdentity | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_trainer(self) -> bool:
        return self.role in (Role.TRAINER, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class UserSession(db.Model):
    """A signed-in browser. Deleting the row signs that browser out, even with an old cookie."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the random token kept in the browser's signed cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="sessions")


class WikimediaIdentity(db.Model):
    """The Wikimedia account linked to a user: at most one per user, and one user per account.

    Only what the README's "Sign in with Wikimedia" section lists is kept: the stable id, the
    username (for the user page), the ``blocked`` flag (shown to admins) and the learner's
    choice to be named on badges by their user page. No token is ever stored.
    """

    __tablename__ = "wikimedia_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), unique=True, index=True
    )
    #: The profile's ``sub``: the central user id, which survives renames.
    sub: Mapped[str] = mapped_column(String(64), unique=True)
    #: As of the last sign-in; names the user page a badge may identify the holder by.
    username: Mapped[str] = mapped_column(String(WIKIMEDIA_USERNAME_MAX))
    #: As of the last sign-in; shown to admins only, never used to refuse learning.
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The learner chose to have badges identify them by their user page, not an email.
    badges_by_user_page: Mapped[bool] = mapped_column(Boolean, default=False)
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="wikimedia")
