"""Signed-in browsers: one server-side row per session, found by a hash of its cookie token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..clock import aware, now
from ..extensions import db
from .models import User, UserSession

__all__ = ["end_session", "start_session", "token_hash", "user_for_session"]


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
    """The user signed in with ``token``, unless the session ended or expired."""
    oldest = now() - timedelta(days=current_app.config["SESSION_DAYS"])
    session = db.session.scalar(
        select(UserSession).where(UserSession.token_hash == token_hash(token[:128]))
    )
    if session is None or aware(session.created_at) < oldest:
        return None
    return session.user


def token_hash(token: str) -> str:
    """What the database keeps of a session token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()
