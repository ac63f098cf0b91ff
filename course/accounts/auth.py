"""Who is signed in: the session cookie names a server-side session row.

The cookie alone proves nothing once its row is gone, so signing out, changing the password
or deleting the account ends a session for good, even if someone kept a copy of the cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Flask, abort, g, redirect, request, session, url_for

from ..extensions import db
from . import sessions
from .models import Role, User

_SESSION_KEY = "sid"
#: Session data that survives signing in: a visitor's course progress, to be kept.
_CARRIED_OVER = ("guest",)


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as most pages need them: read in one query, without ORM objects.

    Templates get this as ``current_user``; any other attribute (``wikimedia``,
    ``password_hash``…) is read from the ORM user, loaded on first use.
    """

    id: int
    display_name: str
    email: str | None
    role: Role
    locale: str | None

    is_trainer = User.is_trainer
    is_admin = User.is_admin

    def __getattr__(self, name: str) -> Any:
        user = current_user() if not name.startswith("__") else None
        if user is None or user.id != self.id:
            raise AttributeError(name)
        return getattr(user, name)


def current_viewer() -> Viewer | None:
    """The signed-in user of this request as a :class:`Viewer`, if any: what pages that only
    show who is signed in need, without loading the ORM user."""
    if "user" in g:  # loaded, or signed in or out during this request
        user = g.user
        return (
            Viewer(user.id, user.display_name, user.email, user.role, user.locale) if user else None
        )
    token = session.get(_SESSION_KEY)
    known = g.get("viewer")
    if known is None or known[0] != token:  # the session may change (see course.errors)
        row = sessions.viewer_for_session(token) if isinstance(token, str) else None
        if token is not None and row is None:
            session.pop(_SESSION_KEY, None)  # ended elsewhere: forget it
        known = g.viewer = (token, Viewer(*row[:5]) if row else None)
    return known[1]


def current_user() -> User | None:
    """The signed-in user of this request, if any.

    Loaded on first use rather than before every request, so that a request's first query
    (which opens its transaction) comes after its rate-limit check; in one query (by id, if
    :func:`current_viewer` read the session already).
    """
    if "user" not in g:
        token = session.get(_SESSION_KEY)
        known = g.get("viewer")
        if known is not None and known[0] == token:
            g.user = db.session.get(User, known[1].id) if known[1] else None
        else:
            g.user = sessions.user_for_session(token) if isinstance(token, str) else None
            if token is not None and g.user is None:
                session.pop(_SESSION_KEY, None)  # ended elsewhere: forget it
    return g.user


def has_session() -> bool:
    """Whether this browser claims to be signed in (no database query)."""
    return _SESSION_KEY in session


def sign_in(user: User) -> None:
    """Start a fresh session for ``user``: only course progress is carried over."""
    kept = {key: session[key] for key in _CARRIED_OVER if key in session}
    session.clear()
    session.update(kept)
    session[_SESSION_KEY] = sessions.start_session(user)
    session.permanent = True
    g.user = user


def sign_out() -> None:
    """End this browser's session, on the server and in the cookie."""
    token = session.get(_SESSION_KEY)
    if isinstance(token, str):
        sessions.end_session(token)
    session.clear()
    g.user = None


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send anonymous visitors to the sign-in page, and back here afterwards."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            target = request.full_path if request.method == "GET" else None
            return redirect(url_for("accounts.login", next=target and target.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def role_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Allow only signed-in users with one of ``roles``; others get 403."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return login_required(view)(*args, **kwargs)
            if user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_auth(app: Flask) -> None:
    """Give templates the signed-in user."""

    @app.context_processor
    def inject_user() -> dict[str, Any]:
        return {"current_user": current_viewer()}
