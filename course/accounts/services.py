"""Account services: the only code that creates, signs in, changes or deletes users.

Each answers the same way whether or not an address is registered, so that nobody can find
out who has an account (sign-up, sign-in and password reset all look alike from outside).
Services flush; the request (or the CLI command) commits.
"""

from __future__ import annotations

import functools
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, render_template, url_for
from flask_babel import LazyString, force_locale, gettext, lazy_gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from .. import mail
from ..clock import iso, now
from ..extensions import db
from .models import Role, User, UserSession

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when an address is unknown, so that a miss costs as much time as a
    hit; made on first use, not at import (an argon2 hash slows every start-up)."""
    return _hasher.hash(secrets.token_urlsafe(16))


class AccountError(Exception):
    """A request about an account that cannot be carried out, with a message for the user."""


class InvalidCredentials(AccountError):
    """Unknown address or wrong password: deliberately the same error."""


class EmailNotConfirmed(AccountError):
    """The password is right but the address is not confirmed yet (a new link was sent)."""


class InvalidToken(AccountError):
    """A confirmation or reset link that is forged, expired, or already used."""


def normalize_email(raw: str) -> str:
    """Return the canonical, lower-cased form of ``raw`` or raise :class:`ValueError`."""
    from email_validator import EmailNotValidError, validate_email  # 15 ms: only when used

    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(str(error)) from None
    return result.normalized.lower()


def hash_password(password: str) -> str:
    """Hash ``password`` with argon2id."""
    return _hasher.hash(password)


def _password_matches(user: User | None, password: str) -> bool:
    # An account made with Wikimedia may have no password: it never matches one.
    stored = user.password_hash if user else None
    try:
        return _hasher.verify(stored or _dummy_hash(), password) and bool(stored)
    except (VerificationError, InvalidHashError):
        return False


def find_user(email: str) -> User | None:
    """The user with this (already normalized) address, if any."""
    return db.session.scalar(select(User).where(User.email == email))


# --- links sent by email -------------------------------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"course.accounts.{purpose}")


def _fingerprint(user: User) -> str:
    # Changes whenever the password does, so a reset link works once and dies with a new password.
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    """A signed link token for ``user``: ``confirm`` or ``reset``."""
    return _serializer(purpose).dumps({"u": user.id, "p": _fingerprint(user)})


def user_from_token(token: str, purpose: str) -> User:
    """The user a valid, unexpired, unused token is for, or :class:`InvalidToken`."""
    config = current_app.config
    days = (
        config["PASSWORD_RESET_HOURS"] / 24 if purpose == "reset" else config["EMAIL_CONFIRM_DAYS"]
    )
    try:
        data = _serializer(purpose).loads(token[:512], max_age=int(days * 86400))
        user = db.session.get(User, int(data["u"]))
        fingerprint = str(data["p"])
    except (BadSignature, KeyError, TypeError, ValueError):
        user, fingerprint = None, ""
    if user is None or not secrets.compare_digest(fingerprint, _fingerprint(user)):
        raise InvalidToken(gettext("This link is invalid, has expired, or was already used."))
    return user


def _send(user: User, subject: LazyString, template: str, **context: object) -> None:
    with force_locale(user.locale or current_app.config["DEFAULT_LANGUAGE"]):
        mail.queue(
            mail.Message(
                to=user.email,
                subject=str(subject),
                body=render_template(template, user=user, **context),
            )
        )


def _send_confirmation(user: User, carry: dict[str, str] | None = None) -> None:
    # ``carry``: more query parameters for the link, e.g. the cohort to join once confirmed.
    token = make_token(user, "confirm")
    link = url_for("accounts.confirm", token=token, _external=True, **(carry or {}))
    _send(user, lazy_gettext("Confirm your email address"), "accounts/email/confirm.txt", link=link)


# --- services ------------------------------------------------------------------------------


def register(
    display_name: str, email: str, password: str, locale: str | None, carry: dict | None = None
) -> None:
    """Create an unconfirmed account and email a confirmation link (its query carries
    ``carry``: the cohort a learner agreed to join, say).

    When the address already has an account, nothing changes and its owner is emailed
    instead; the caller cannot tell the two cases apart.
    """
    existing = find_user(email)
    # Hashed on both paths: the argon2 hash is most of the work, so a taken address must
    # cost as much time as a new one, or timing would tell who has an account.
    password_hash = hash_password(password)
    if existing is None:
        user = User(
            display_name=display_name,
            email=email,
            password_hash=password_hash,
            role=Role.LEARNER,
            locale=locale,
        )
        try:
            with db.session.begin_nested():
                db.session.add(user)
        except IntegrityError:  # the same address signed up at the same moment
            existing = find_user(email)
        else:
            _send_confirmation(user, carry)
            return
    if existing is not None:
        _send(
            existing,
            lazy_gettext("Someone tried to sign up with your email address"),
            "accounts/email/already_registered.txt",
            login=url_for("accounts.login", _external=True),
            reset=url_for("accounts.reset_request", _external=True),
        )


def confirm_email(token: str) -> User:
    """Mark the address of the token's user as confirmed."""
    user = user_from_token(token, "confirm")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now()
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User:
    """The user with this address and password, else :class:`InvalidCredentials`."""
    user = find_user(email)
    if not _password_matches(user, password):
        raise InvalidCredentials(gettext("The email address or password is incorrect."))
    assert user is not None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if user.email_confirmed_at is None:
        _send_confirmation(user)
        raise EmailNotConfirmed(
            gettext("Please confirm your email address first: we have sent you a new link.")
        )
    return user


def request_password_reset(email: str) -> None:
    """Email a reset link if ``email`` has an account; otherwise do nothing, silently."""
    user = find_user(email)
    if user is not None:
        link = url_for("accounts.reset_password", token=make_token(user, "reset"), _external=True)
        hours = current_app.config["PASSWORD_RESET_HOURS"]
        _send(
            user,
            lazy_gettext("Reset your password"),
            "accounts/email/reset.txt",
            link=link,
            hours=hours,
        )


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from an emailed link; this also proves the address is theirs."""
    user = user_from_token(token, "reset")
    _set_password(user, new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now()
    db.session.flush()
    return user


def change_password(user: User, current: str, new_password: str) -> None:
    """Replace the password after checking the current one; signs out every session."""
    if not _password_matches(user, current):
        raise InvalidCredentials(gettext("Your current password is incorrect."))
    _set_password(user, new_password)
    db.session.flush()


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def update_profile(user: User, display_name: str) -> None:
    """Change the name the course shows for ``user``."""
    user.display_name = display_name
    db.session.flush()


def set_locale(user: User, locale: str | None) -> None:
    """Remember the interface language ``user`` chose."""
    user.locale = locale
    db.session.flush()


def export_data(user: User) -> dict[str, object]:
    """Everything the course stores about ``user``, as JSON-ready data."""
    return {
        "account": {
            "display_name": user.display_name,
            "email": user.email,
            "role": user.role.value,
            "language": user.locale,
            "created_at": iso(user.created_at),
            "email_confirmed_at": user.email_confirmed_at and iso(user.email_confirmed_at),
        },
        "sessions": [{"signed_in_at": iso(s.created_at)} for s in user.sessions],
    }


def delete_account(user: User, password: str) -> None:
    """Erase ``user`` and everything attached to them, after checking their password.

    An account made with Wikimedia that has no password is deleted on its owner's word.
    """
    if user.password_hash and not _password_matches(user, password):
        raise InvalidCredentials(gettext("Your password is incorrect."))
    for hook in current_app.extensions.get("course_deletion_hooks", ()):
        hook(user)  # e.g. badges already published are revoked, not left dangling
    db.session.delete(user)
    db.session.flush()


def set_role(user: User, role: Role) -> None:
    """Change what ``user`` may do; their sessions end so the change applies at once."""
    user.role = role
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.flush()


def create_user(email: str, display_name: str, password: str, role: Role) -> User:
    """Create a confirmed account directly (the ``users create`` command)."""
    user = User(
        email=normalize_email(email),
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        email_confirmed_at=now(),
    )
    db.session.add(user)
    db.session.flush()
    return user
