"""Response headers every page carries, and the one safe way to follow ``?next=``."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path of this site that answers GET, else None.

    Browsers read ``//host``, ``/\\host`` and tab- or space-laden variants as other origins,
    so anything but a plain absolute path of a known route is refused.
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if target.startswith(("//", "/\\")) or any(ch <= " " or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    adapter = current_app.url_map.bind(urlsplit(request.host_url).netloc)
    try:
        adapter.match(parts.path, method="GET")
    except (NotFound, MethodNotAllowed):
        return None
    except Exception:  # a redirect rule or anything unusual: not worth the risk
        return None
    return target


def init_security(app: Flask, has_session: Callable[[], bool]) -> None:
    """Trust the configured proxies, tag each request with an id, and set the headers.

    ``has_session`` says whether this browser is signed in (given by the factory, so that
    this shared module depends on no feature): such pages are never kept by shared caches.
    """
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    secure = app.config["SESSION_COOKIE_SECURE"]

    @app.before_request
    def tag_request() -> None:
        g.request_id = secrets.token_hex(6)

    @app.after_request
    def set_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if secure:
            headers["Strict-Transport-Security"] = "max-age=31536000"
        if has_session() and not response.cache_control.public:
            # Pages for a signed-in user must never be kept by a shared cache. Only what a
            # view declares the same for everyone (static files, course media) is not such
            # a page.
            headers["Cache-Control"] = "private, no-store"
            response.vary.add("Cookie")
        return response
