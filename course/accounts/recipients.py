"""Whom a badge names: a confirmed email address, or the holder's Wikimedia user page.

Accounts made by signing in with Wikimedia start without an email. Before a badge can be
issued to such a learner, they either confirm an address here (an emailed link, as at
sign-up) or choose to be identified by their Wikimedia user page URL. Either choice runs
the ``course_recipient_hooks`` (badges awards what was waiting). Services flush; the
request commits.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext, lazy_gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .. import mail
from ..clock import now
from ..extensions import db
from .models import User
from .services import AccountError, InvalidToken, find_user
from .wikimedia import user_page_url

_PURPOSE = "course.accounts.badge-email"


class AddressTaken(AccountError):
    """The address confirmed belongs to another account (sign in with it and link instead)."""


def badge_recipient(user: User) -> tuple[str, str] | None:
    """``("url", user page)``, ``("email", address)``, or None when nothing can be named yet.

    An email account's address is confirmed before it can sign in; a Wikimedia account's
    address is stored only once confirmed, so a stored address is always a confirmed one.
    """
    identity = user.wikimedia
    if identity is not None and identity.badges_by_user_page:
        return "url", user_page_url(identity.username)
    if user.email:
        return "email", user.email
    return None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_PURPOSE)


def request_badge_email(user: User, email: str) -> None:
    """Email ``email`` (normalized) a link that makes it ``user``'s address once opened."""
    token = _serializer().dumps({"u": user.id, "e": email})
    link = url_for("wikimedia.confirm_badge_email", token=token, _external=True)
    with force_locale(user.locale or current_app.config["DEFAULT_LANGUAGE"]):
        mail.queue(
            mail.Message(
                to=email,
                subject=str(lazy_gettext("Confirm your email address")),
                body=render_template("accounts/email/badge_email.txt", user=user, link=link),
            )
        )


def confirm_badge_email(user: User, token: str) -> None:
    """Make the token's address ``user``'s (confirmed), then award what was waiting.

    The link works only for the account that asked for it, and not for an address that
    meanwhile became another account's.
    """
    max_age = timedelta(days=current_app.config["EMAIL_CONFIRM_DAYS"])
    try:
        data = _serializer().loads(token[:1024], max_age=int(max_age.total_seconds()))
        user_id, email = int(data["u"]), str(data["e"])
    except (BadSignature, KeyError, TypeError, ValueError):
        user_id, email = None, ""
    if user_id != user.id:
        raise InvalidToken(gettext("This link is invalid, has expired, or was already used."))
    if user.email == email:
        return  # opened twice
    owner = find_user(email)
    if owner is not None:
        raise AddressTaken(
            gettext(
                "This address belongs to another account on this course. Sign in with it "
                "and link your Wikimedia account from “My account” instead."
            )
        )
    user.email = email
    user.email_confirmed_at = now()
    _recipient_chosen(user)


def choose_user_page(user: User) -> None:
    """Have badges identify ``user`` by their Wikimedia user page, then award what waited."""
    if user.wikimedia is None:
        raise AccountError(gettext("Link your Wikimedia account first."))
    user.wikimedia.badges_by_user_page = True
    _recipient_chosen(user)


def choose_email(user: User) -> None:
    """Have future badges identify ``user`` by their confirmed email again."""
    if user.wikimedia is not None:
        user.wikimedia.badges_by_user_page = False
    _recipient_chosen(user)


def _recipient_chosen(user: User) -> None:
    db.session.flush()
    for hook in current_app.extensions.get("course_recipient_hooks", ()):
        hook(user)
