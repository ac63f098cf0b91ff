"""Site-wide pages: the home page, the language switcher and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..accounts import services as accounts
from ..accounts.auth import current_user
from ..db import check_writable
from ..i18n import LANGUAGE_COOKIE, supported
from ..security import safe_next

bp = Blueprint("main", __name__, template_folder="templates")


@bp.get("/")
def home() -> str:
    """What the course is, who it is for, and how to start."""
    return render_template("main/home.html")


@bp.post("/language")
def set_language() -> Response:
    """Switch the interface language, remember it, and go back to the same page."""
    code = supported(request.form.get("lang"))
    target = safe_next(request.form.get("next")) or url_for("main.home")
    response = redirect(target, code=303)
    if code:
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        user = current_user()
        if user is not None:
            accounts.set_locale(user, code)
    return response


@bp.get("/healthz")
def health() -> tuple[Response, int]:
    """For load balancers and monitoring: 200 when the database can be written, else 503."""
    try:
        check_writable()
    except Exception:
        current_app.logger.warning("Health check: the database cannot be written", exc_info=True)
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok"), 200
