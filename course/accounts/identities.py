"""Wikimedia identities linked to accounts: found by the stable ``sub``, never by email.

The first sign-in with a Wikimedia account makes a course account (no email, no password,
the username as display name); an email account links one from "My account" and may
unlink it while it can still sign in otherwise. Services flush; the request commits.
"""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..clock import iso, now
from ..extensions import db
from .models import DISPLAY_NAME_MAX, User, WikimediaIdentity
from .services import AccountError
from .wikimedia import Profile, WikimediaRefused


def identity_of(sub: str) -> WikimediaIdentity | None:
    """The linked identity with this ``sub``, if any."""
    return db.session.scalar(select(WikimediaIdentity).where(WikimediaIdentity.sub == sub))


def _refresh(identity: WikimediaIdentity, profile: Profile) -> None:
    identity.username = profile.username
    identity.blocked = profile.blocked


def account_for(profile: Profile, locale: str | None) -> User:
    """The account this Wikimedia identity signs in to, made on its first sign-in.

    Found by ``sub`` only: an email account with the same address is never taken over; its
    owner signs in with the password and links from "My account".
    """
    identity = identity_of(profile.sub)
    if identity is None:
        user = User(
            email=None,
            password_hash=None,
            display_name=profile.username[:DISPLAY_NAME_MAX],
            locale=locale,
        )
        try:
            with db.session.begin_nested():
                db.session.add(user)
                db.session.add(_new_identity(user, profile))
        except IntegrityError:  # the same first sign-in in two tabs: one account wins
            identity = identity_of(profile.sub)
        else:
            return user
    assert identity is not None
    _refresh(identity, profile)
    db.session.flush()
    return identity.user


def _new_identity(user: User, profile: Profile) -> WikimediaIdentity:
    return WikimediaIdentity(
        user=user,
        sub=profile.sub,
        username=profile.username,
        blocked=profile.blocked,
        badges_by_user_page=False,
        linked_at=now(),
    )


def link(user: User, profile: Profile) -> None:
    """Link ``profile`` to ``user`` (or refresh the link), refusing any other identity."""
    if user.wikimedia is not None and user.wikimedia.sub != profile.sub:
        raise WikimediaRefused(
            gettext(
                "This is not the Wikimedia account linked to yours (%(username)s). "
                "Nothing was changed.",
                username=user.wikimedia.username,
            )
        )
    other = identity_of(profile.sub)
    if other is not None and other.user_id != user.id:
        raise WikimediaRefused(
            gettext(
                "This Wikimedia account is already linked to another account on this course. "
                "Nothing was changed."
            )
        )
    if user.wikimedia is None:
        db.session.add(_new_identity(user, profile))
    else:
        _refresh(user.wikimedia, profile)
    db.session.flush()


def can_unlink(user: User) -> bool:
    """Whether ``user`` could still sign in without Wikimedia: a password and an address."""
    return bool(user.password_hash and user.email and user.email_confirmed_at)


def unlink(user: User) -> None:
    """Remove the linked identity, only if another way to sign in remains."""
    if user.wikimedia is None:
        return
    if not can_unlink(user):
        raise AccountError(
            gettext(
                "Set a password first (with “Forgot your password?” once your email is "
                "confirmed): without Wikimedia you would have no way to sign in."
            )
        )
    user.wikimedia = None  # delete-orphan: the row goes
    db.session.flush()


def linked_identities() -> list[WikimediaIdentity]:
    """Every linked identity, for administrators (with the ``blocked`` flag)."""
    return list(db.session.scalars(select(WikimediaIdentity).order_by(WikimediaIdentity.username)))


def export_data(user: User) -> dict[str, object]:
    """What the course keeps about ``user``'s Wikimedia account (for "Download my data")."""
    identity = user.wikimedia
    if identity is None:
        return {}
    return {
        "wikimedia": {
            "sub": identity.sub,
            "username": identity.username,
            "blocked": identity.blocked,
            "badges_identify_me_by_user_page": identity.badges_by_user_page,
            "linked_at": iso(identity.linked_at),
        }
    }
