"""Translated error pages: a title and a sentence of what to do, never a traceback.

Three refusals keep what a person sent: an expired form (CSRF), too many attempts (429, a
rate limit) and storage that cannot be written just now (a read-only or full database, a
write lock held too long: 503 with ``Retry-After``). A form view marked with
:func:`keeps_input` is then called again to show itself with the input intact (never a
password) and a message; it must check :func:`refusal` before acting, so that it shows the
form instead of saving.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from .db import SAFE_METHODS, is_storage_fault
from .extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("There is no page at this address. Check the link.")),
    405: (_l("Method not allowed"), _l("This page cannot be used that way.")),
    413: (
        _l("Too large"),
        _l("What you sent is larger than this server accepts. Send something smaller."),
    ),
    429: (
        _l("Too many attempts"),
        _l("Please wait a few minutes before trying again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("The server ran into a problem; nothing you did caused it. Please try again later."),
    ),
    503: (
        _l("Temporarily unavailable"),
        _l(
            "The server cannot save anything at the moment, so nothing was saved. "
            "Please try again in a few minutes."
        ),
    ),
}
#: Seconds a client is asked to wait after a storage fault.
RETRY_AFTER = 30
#: The attribute :func:`keeps_input` sets on a view.
_KEEPS_INPUT = "keeps_input_on_refusal"


def keeps_input(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a form view that shows itself again, input intact, when its request is refused.

    The view must not act when :func:`refusal` is set: it only renders its form.
    """
    setattr(view, _KEEPS_INPUT, True)
    return view


def refusal() -> str | None:
    """Why this request's form is being shown again: ``"csrf"``, ``"storage"``,
    ``"ratelimit"`` (429, too many attempts) or None."""
    return g.get("refused")


def refusal_message() -> str | None:
    """The sentence that tells the person why their form came back, if it did."""
    if refusal() == "storage":
        return str(
            _l(
                "Nothing was saved: the server cannot store anything at the moment. What "
                "you chose or typed is still here (except passwords): please send it again "
                "in a few minutes."
            )
        )
    if refusal() == "ratelimit":
        return str(
            _l("Too many attempts from here: please wait a few minutes, then send it again.")
        )
    if refusal() == "csrf":
        return str(
            _l(
                "This page had expired, so nothing was saved. What you chose or typed is "
                "still here (except passwords): please send it again."
            )
        )
    return None


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    """The error page for ``code``, optionally with a more precise message."""
    title, default = MESSAGES.get(code, MESSAGES[500])
    g.reads_only = True  # an error page stores nothing (see course.db)
    page = render_template(
        "errors/error.html",
        code=code,
        title=title,
        message=message or default,
        request_id=g.get("request_id"),
    )
    return page, code


def _show_again(reason: str, status: int) -> Response | None:
    """Call the form view of this request again to show its input, or None if it has none."""
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method in SAFE_METHODS or not getattr(view, _KEEPS_INPUT, False):
        return None
    # Skip the rate limiter's wrappers: this request was counted (or its storage failed).
    view = inspect.unwrap(view, stop=lambda f: not hasattr(f, "__wrapper-limiter-instance"))
    g.refused = reason
    g.reads_only = True
    if reason == "csrf":
        g.csrf_failed = True
    try:
        response = current_app.make_response(view(**(request.view_args or {})))
    except HTTPException:
        return None  # the form cannot be shown (its link expired meanwhile): the plain page
    if 300 <= response.status_code < 400:
        return None  # nothing to show again (a signed-in visitor on the sign-up page)
    response.status_code = status
    return response


def _storage_fault(error: Exception) -> Response:
    """503: nothing was saved; the form comes back with what was sent, or a page says so."""
    db.session.rollback()
    g.reads_only = True  # from now on this request only reads (see course.db)
    _restore_session()
    cause = error.orig if isinstance(error, DBAPIError) else type(error).__name__
    log.warning("Storage unavailable (request %s): %s", g.get("request_id"), cause)
    code = 503
    if request.path.startswith("/api/"):
        title, message = MESSAGES[code]
        response = jsonify(error="unavailable", message=str(message))
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        try:
            response = _show_again("storage", code)
        except DBAPIError as again:
            if not is_storage_fault(again):
                raise
            db.session.rollback()
            response = None
        if response is None:
            response = Response(*render_error(code))
    response.status_code = code
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def _restore_session() -> None:
    """Undo what the view did to the session (a sign-in whose session row was not stored)."""
    if not session.modified:
        return
    original = current_app.session_interface.open_session(current_app, request)
    session.clear()
    if original is not None:
        session.update(original)
        session.permanent = original.permanent
    g.pop("user", None)  # the signed-in user is read again from the restored session


def _refuse_when_redis_is_down(app: Flask) -> None:
    """The rate limiter's Redis is down: the request cannot be counted, so it is refused as a
    storage fault (503, input kept) rather than let through uncounted."""
    # Imported here: only a server whose rate limiter uses Redis loads it (~80 ms).
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    @app.errorhandler(RedisConnectionError)
    @app.errorhandler(RedisTimeoutError)
    def counters_unavailable(error: Exception) -> Response:
        return _storage_fault(error)


def init_errors(app: Flask) -> None:
    """Render every HTTP error, and any unexpected exception, with the error template."""
    app.add_template_global(refusal_message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> object:
        if error.code == 429:  # a form comes back with what was typed (never a password)
            shown = _show_again("ratelimit", 429) if not request.path.startswith("/api/") else None
            if shown is not None:
                return shown
        if request.path.startswith("/api/"):  # API clients get JSON, in the same words
            code = error.code or 500
            title, message = MESSAGES.get(code, MESSAGES[500])
            response = jsonify(error=str(title), message=str(message))
            response.headers["Access-Control-Allow-Origin"] = "*"
            return response, code
        return render_error(error.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int] | Response:
        # Form views show themselves again, keeping what the user typed, with an "expired"
        # message; anything else gets the generic page.
        response = _show_again("csrf", 400)
        if response is not None:
            return response
        return render_error(
            400, str(_l("This form has expired. Go back, reload it and send it again."))
        )

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError) -> Response:
        if not is_storage_fault(error):
            raise error  # a bug: the 500 handler below
        return _storage_fault(error)

    if app.config["RATELIMIT_STORAGE"].startswith(("redis://", "rediss://")):
        _refuse_when_redis_is_down(app)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[str, int]:
        db.session.rollback()
        log.error(
            "Unhandled error (request %s)", g.get("request_id"), exc_info=error.original_exception
        )
        return render_error(500)
