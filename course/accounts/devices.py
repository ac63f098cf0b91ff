"""Trusted browsers (OWASP's device cookies), so that strangers cannot lock an owner out.

A successful sign-in gives the browser a signed cookie that names the account (by an HMAC of
its address under the secret key, never the address) and a random nonce. Sign-in attempts are
then counted in one of two budgets:

- from a browser holding a valid cookie for the address typed: that browser's own budget,
  ``LOGIN_LIMIT_PER_DEVICE``. Strangers guessing elsewhere do not touch it, so the owner keeps
  signing in; a trusted browser that guesses wrong too often is locked by itself.
- from any other browser: the account's budget, ``LOGIN_LIMIT_PER_ACCOUNT``, which every
  untrusted browser shares (and ``LOGIN_LIMIT_PER_ADDRESS`` per client address besides).

Nothing is stored on the server: the cookie's signature is the proof, and its lifetime is
``TRUSTED_DEVICE_DAYS``. The functions below are the limiter's key and exemption functions;
they read the request's form and cookies only, so they run before any database query.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..ratelimit import hashed_key
from .services import normalize_email

__all__ = ["account_key", "device_key", "forget", "is_trusted", "is_untrusted", "remember"]

_COOKIE = "course_device"


def _cookie_name() -> str:
    # Like the session cookie: __Host- pins it to this origin, but only over HTTPS.
    return ("__Host-" if current_app.config["SESSION_COOKIE_SECURE"] else "") + _COOKIE


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="course.accounts.device")


def _lifetime() -> int:
    return int(current_app.config["TRUSTED_DEVICE_DAYS"]) * 24 * 3600


def _account_of(email: str) -> str:
    return hashed_key("account", email)


def account_key() -> str:
    """Rate-limit key of the account typed in the sign-in form: hashed, never the address."""
    raw = request.form.get("email") or ""
    try:
        email = normalize_email(raw)
    except ValueError:
        email = raw.strip().lower()[:254]
    return _account_of(email)


def _trusted_nonce() -> str | None:
    """This browser's nonce, when its device cookie is genuine and for the address typed."""
    if "device_nonce" not in g:
        g.device_nonce = None
        try:
            data = _serializer().loads(
                request.cookies.get(_cookie_name(), "")[:512], max_age=_lifetime()
            )
            if hmac.compare_digest(str(data["a"]), account_key()):
                g.device_nonce = str(data["n"])
        except (BadSignature, KeyError, TypeError):
            pass
    return g.device_nonce


def is_trusted() -> bool:
    """Whether this browser signed in to the account typed before (its attempts count apart)."""
    return _trusted_nonce() is not None


def is_untrusted() -> bool:
    """The opposite of :func:`is_trusted`: the attempt counts against the account's budget."""
    return not is_trusted()


def device_key() -> str:
    """Rate-limit key of one (account, trusted browser) pair."""
    return hashed_key("device", f"{account_key()} {_trusted_nonce()}")


def remember(response: Response, email: str) -> Response:
    """Trust this browser for ``email`` from now on (after it proved the password)."""
    token = _serializer().dumps({"a": _account_of(email), "n": secrets.token_urlsafe(16)})
    response.set_cookie(
        _cookie_name(),
        token,
        max_age=_lifetime(),
        path="/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def forget(response: Response) -> Response:
    """Stop trusting this browser (its account was deleted)."""
    response.delete_cookie(
        _cookie_name(),
        path="/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response
