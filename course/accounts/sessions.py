"""Signed-in browsers: one server-side row per session, found by a hash of its cookie token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, bindparam, delete, select

from ..clock import aware, now
from ..extensions import db
from ..reads import PreparedRead
from .models import User, UserSession

__all__ = ["end_session", "start_session", "token_hash", "user_for_session", "viewer_for_session"]

#: What most pages need of the signed-in user, read in one query without ORM objects.
VIEWER_COLUMNS = (User.id, User.display_name, User.email, User.role, User.locale)


def start_session(user: User) -> str:
    """Record a new signed-in browser for ``user`` and return the token for its cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user=user, token_hash=token_hash(token), created_at=now()))
    db.session.flush()
    return token


def end_session(token: str) -> None:
    """Sign out the browser holding ``token``."""
    db.session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def user_for_session(token: str) -> User | None:
    """The user signed in with ``token``, unless the session ended or expired (one query)."""
    row = db.session.execute(_signed_in(User, token=token)).first()
    return row[0] if row and _current(row[-1]) else None


def viewer_for_session(token: str) -> tuple[Any, ...] | None:
    """The :data:`VIEWER_COLUMNS` of the user signed in with ``token``, unless the session
    ended or expired: one query, and no ORM object."""
    rows = _VIEWER.rows({"hash": token_hash(token[:128])})
    row = rows[0] if rows else None
    return row if row and _current(row[-1]) else None


def _signed_in(*columns: Any, token: str | None = None) -> Select[Any]:
    """The session and user of ``token`` (or of a ``hash`` parameter given later)."""
    hashed = bindparam("hash") if token is None else token_hash(token[:128])
    return (
        select(*columns, UserSession.created_at)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == hashed)
    )


def _viewer_statement() -> Select[Any]:
    """:func:`viewer_for_session`'s statement, over the tables' columns rather than ORM
    attributes: read on every signed-in page, it costs a third of the ORM's time that way."""
    users, user_sessions = User.__table__.c, UserSession.__table__.c
    return (
        select(*(users[column.key] for column in VIEWER_COLUMNS), user_sessions.created_at)
        .join_from(User.__table__, UserSession.__table__, user_sessions.user_id == users.id)
        .where(user_sessions.token_hash == bindparam("hash"))
    )


#: Built once and prepared (course.reads): it is read on every signed-in page.
_VIEWER = PreparedRead(_viewer_statement())


def _current(created_at: Any) -> bool:
    """Whether a session started at ``created_at`` has not expired."""
    return aware(created_at) >= now() - timedelta(days=current_app.config["SESSION_DAYS"])


def token_hash(token: str) -> str:
    """What the database keeps of a session token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()
