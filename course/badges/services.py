"""Badge services: award on completion (once), sign, bake, revoke, and read awards back.

An award is created in the same transaction as the completion that earned it; the unique
constraint on (learner, badge) makes concurrent completions give one award.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app, flash, has_request_context
from flask_babel import force_locale, gettext
from sqlalchemy import select

from .. import clock
from ..accounts.models import User
from ..accounts.recipients import badge_recipient
from ..clock import aware
from ..content.model import Badge, Course
from ..contentstore import course as current_course
from ..db import insert_ignoring_duplicates
from ..extensions import db
from ..learning.services import best_scores, completed_modules
from . import dataintegrity, documents, editions, recipients
from .baking import bake_png, bake_svg
from .keys import KeyStore
from .models import AuditEntry, Award


def issuer() -> documents.Issuer:
    config = current_app.config
    return documents.Issuer(
        base_url=config["BASE_URL"],
        name=config["ISSUER_NAME"],
        email=config["ISSUER_EMAIL"],
        language=config["DEFAULT_LANGUAGE"],
    )


def keystore() -> KeyStore:
    return KeyStore(Path(current_app.instance_path) / "keys")


def earned_badges(user: User, course: Course) -> list[Badge]:
    """Badges whose modules ``user`` completed (with the badge's minimum score, if any)."""
    completed = set(completed_modules(user))
    earned = []
    for badge in course.badges:
        if not set(badge.modules) <= completed:
            continue
        if badge.min_score is not None and not _scores_reach(user, course, badge):
            continue
        earned.append(badge)
    return earned


def _scores_reach(user: User, course: Course, badge: Badge) -> bool:
    quiz_ids = [q.id for m in badge.modules if (mod := course.module(m)) for q in mod.quizzes]
    best = best_scores(user, quiz_ids)
    return all(best.get(quiz_id, 0) >= (badge.min_score or 0) for quiz_id in quiz_ids)


def award_earned(user: User, module: Any = None) -> list[Award]:
    """Award every badge ``user`` has earned and does not hold yet; return the new awards.

    A learner whom no badge can name yet (a Wikimedia account without a confirmed email,
    that did not choose its user page) is told that a badge waits; accounts calls this
    again once they chose (``course_recipient_hooks``).
    """
    course = current_course()
    if badge_recipient(user) is None:
        if earned_badges(user, course) and has_request_context():
            flash(gettext("A badge is waiting: choose on “My account” how it names you."), "info")
        return []
    new = []
    for badge in earned_badges(user, course):
        award = issue(user, badge, course)
        if award is not None:
            new.append(award)
    return new


def issue(user: User, badge: Badge, course: Course) -> Award | None:
    """Create and sign the award of ``badge`` for ``user``; None if they already hold it."""
    recipient = badge_recipient(user)
    if recipient is None:
        return None
    kind, identity = recipient
    issued_at = clock.now().replace(microsecond=0)
    salt = secrets.token_hex(16)
    uid = secrets.token_hex(16)
    hash_of = recipients.url_recipient_hash if kind == "url" else documents.recipient_hash
    added = insert_ignoring_duplicates(
        Award,
        uid=uid,
        user_id=user.id,
        badge_id=badge.id,
        issued_at=issued_at,
        expires_at=issued_at + badge.valid_for if badge.valid_for else None,
        salt=salt,
        recipient_hash=hash_of(identity, salt),
        recipient_type=kind,
        show_name=False,
        credential="",
        evidence=json.dumps(_evidence(user, badge)),
    )
    if not added:
        return None
    award = db.session.scalars(select(Award).where(Award.uid == uid)).one()
    # Issued in the learner's language when the badge has an edition in it.
    language = user.locale if user.locale in badge.names else None
    award.credential = json.dumps(sign_credential(award, badge, language), ensure_ascii=False)
    db.session.flush()
    return award


def _evidence(user: User, badge: Badge) -> list[dict[str, str]]:
    completed = completed_modules(user)
    return [
        {"module": module_id, "completed_at": documents.timestamp(completed[module_id])}
        for module_id in badge.modules
        if module_id in completed
    ]


def facts(
    award: Award, badge: Badge, course: Course | None = None, language: str | None = None
) -> documents.AwardFacts:
    """What the documents of ``award`` say, in its edition's language (read from its
    credential once signed; ``language`` while signing it)."""
    course = course or current_course()
    names = []
    for entry in json.loads(award.evidence or "[]"):
        module = course.module(entry["module"])
        texts = module.texts if module else {}
        title = texts.get(current_app.config["DEFAULT_LANGUAGE"]) or next(
            iter(texts.values()), None
        )
        with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
            names.append(
                gettext(
                    "Completed the module “%(title)s”",
                    title=title.title if title else entry["module"],
                )
            )
    return documents.AwardFacts(
        index=award.id,
        uid=award.uid,
        badge=badge,
        salt=award.salt,
        recipient_hash=award.recipient_hash,
        issued_at=aware(award.issued_at),
        expires_at=aware(award.expires_at),
        evidence_names=tuple(names),
        recipient_type=award.recipient_type or "email",
        language=language or editions.award_language(award.credential, issuer().language),
    )


def sign_credential(award: Award, badge: Badge, language: str | None = None) -> dict[str, Any]:
    key = keystore().current()
    unsigned = documents.ob3_credential(issuer(), facts(award, badge, language=language))
    method = f"{issuer().ob3_id}#{key.multikey}"
    return dataintegrity.sign(unsigned, key.private, method, documents.timestamp(award.issued_at))


def baked_png(award: Award, badge: Badge) -> bytes:
    artwork = Path(badge.images["png"]).read_bytes()
    assertion = json.dumps(documents.ob2_assertion(issuer(), facts(award, badge)))
    return bake_png(artwork, assertion, award.credential)


def baked_svg(award: Award, badge: Badge) -> bytes:
    artwork = Path(badge.images["svg"]).read_bytes()
    assertion = json.dumps(documents.ob2_assertion(issuer(), facts(award, badge)))
    return bake_svg(artwork, assertion, award.credential)


def find(uid: str) -> Award | None:
    """The award with this public id."""
    if len(uid) > 64:
        return None
    return db.session.scalars(select(Award).where(Award.uid == uid)).first()


def awards_of(user: User) -> list[Award]:
    return list(
        db.session.scalars(
            select(Award).where(Award.user_id == user.id).order_by(Award.issued_at.desc())
        )
    )


def held_badges(user_ids: Collection[int]) -> list[tuple[int, str, datetime]]:
    """(holder id, badge id, issued at) of every valid award (not revoked nor expired) these
    users hold, oldest first: what the skills maps count."""
    rows = db.session.scalars(
        select(Award)
        .where(Award.user_id.in_(list(user_ids)), Award.revoked_at.is_(None))
        .order_by(Award.issued_at)
    )
    return [(a.user_id, a.badge_id, aware(a.issued_at)) for a in rows if status(a) == "valid"]


def awards_of_badge(badge_id: str) -> list[tuple[Award, User | None]]:
    return list(
        db.session.execute(
            select(Award, User)
            .outerjoin(User, User.id == Award.user_id)
            .where(Award.badge_id == badge_id)
            .order_by(Award.issued_at.desc())
        ).all()
    )


def status(award: Award, now: datetime | None = None) -> str:
    """ "valid", "revoked" or "expired"."""
    if award.revoked_at:
        return "revoked"
    expires = aware(award.expires_at)
    if expires and expires <= (now or clock.now()):
        return "expired"
    return "valid"


def revoke(award: Award, actor: User | None, reason: str) -> None:
    """Revoke ``award`` for good, with a reason that verifiers will see; audit-logged."""
    if award.revoked_at:
        return
    award.revoked_at = clock.now()
    award.revocation_reason = reason
    db.session.add(
        AuditEntry(
            at=award.revoked_at,
            actor_id=actor.id if actor else None,
            action="revoke-award",
            target=award.uid,
            detail=reason,
        )
    )
    db.session.flush()


def holder_name(award: Award) -> str | None:
    """The holder's display name, only if they chose to show it."""
    if not award.show_name or award.user_id is None:
        return None
    user = db.session.get(User, award.user_id)
    return user.display_name if user else None


def set_show_name(award: Award, show: bool) -> None:
    award.show_name = show
    db.session.flush()


@dataclass
class _StatusCache:
    key: tuple[int, str] | None = None
    document: dict[str, Any] | None = None


_status_lock = threading.Lock()


def status_list() -> dict[str, Any]:
    """The signed revocation status list; signed again only when a revocation happened."""
    revoked = set(db.session.scalars(select(Award.id).where(Award.revoked_at.is_not(None))))
    key = (len(revoked), str(max(revoked, default=0)))
    cache: _StatusCache = current_app.extensions.setdefault("course_status_list", _StatusCache())
    with _status_lock:
        if cache.key != key or cache.document is None:
            signer = keystore().current()
            now = clock.now().replace(microsecond=0)
            unsigned = documents.status_list_credential(issuer(), revoked, now)
            cache.document = dataintegrity.sign(
                unsigned,
                signer.private,
                f"{issuer().ob3_id}#{signer.multikey}",
                documents.timestamp(now),
            )
            cache.key = key
        return cache.document
