"""Translated error pages: a title and a sentence of what to do, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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
}


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    """The error page for ``code``, optionally with a more precise message."""
    title, default = MESSAGES.get(code, MESSAGES[500])
    page = render_template(
        "errors/error.html",
        code=code,
        title=title,
        message=message or default,
        request_id=g.get("request_id"),
    )
    return page, code


def init_errors(app: Flask) -> None:
    """Render every HTTP error, and any unexpected exception, with the error template."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[object, int]:
        if request.path.startswith("/api/"):  # API clients get JSON, in the same words
            code = error.code or 500
            title, message = MESSAGES.get(code, MESSAGES[500])
            response = jsonify(error=str(title), message=str(message))
            response.headers["Access-Control-Allow-Origin"] = "*"
            return response, code
        return render_error(error.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int] | object:
        # Form views re-render themselves, keeping what the user typed, with the form's
        # own "expired" message; anything else gets the generic page.
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "keeps_input_on_csrf_error", False):
            g.csrf_failed = True
            response = app.make_response(view(**(request.view_args or {})))
            response.status_code = 400
            return response
        return render_error(
            400, str(_l("This form has expired. Go back, reload it and send it again."))
        )

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[str, int]:
        db.session.rollback()
        log.error(
            "Unhandled error (request %s)", g.get("request_id"), exc_info=error.original_exception
        )
        return render_error(500)
