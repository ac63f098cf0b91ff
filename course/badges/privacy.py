"""What badges keep about a person: handed over in "download my data", forgotten on deletion.

An award published as OB 2.0 and OB 3.0 identifies its holder only by a salted SHA-256 of
their address, but anyone who knows the address can check that hash. So when a holder deletes
their account, their awards are revoked (verifiers must learn that they no longer count) and
everything that could tie them to the person is erased: the salt and the hash, the signed
credential that carries both, and the evidence of which modules they completed and when.
What stays is the award's public id, badge, dates and its bit in the status list.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import or_, select

from ..accounts.models import User
from ..extensions import db
from . import documents
from .models import AuditEntry, Award
from .services import awards_of, issuer, revoke, status

#: The revocation reason of the awards of a deleted account, as verifiers see it.
HOLDER_DELETED = "The holder deleted their account."


def forget_holder(user: User) -> None:
    """Before ``user`` is deleted: revoke their awards and erase what identifies them."""
    for award in awards_of(user):
        revoke(award, None, HOLDER_DELETED)
        award.salt = award.recipient_hash = award.credential = ""
        award.evidence = "[]"
        award.show_name = False
    db.session.flush()


def forgotten(award: Award) -> bool:
    """Whether ``award``'s holder deleted their account (its documents are then gone)."""
    return award.revoked_at is not None and not award.recipient_hash


def _moment(value: Any) -> str | None:
    return documents.timestamp(value) if value else None


def _award(award: Award) -> dict[str, Any]:
    return {
        "id": award.uid,
        "badge": award.badge_id,
        "public_page": issuer().url(f"/awards/{award.uid}"),
        "issued_at": _moment(award.issued_at),
        "expires_at": _moment(award.expires_at),
        "status": status(award),
        "revoked_at": _moment(award.revoked_at),
        "revocation_reason": award.revocation_reason,
        "show_name": award.show_name,
        "salt": award.salt,
        "identity_hash": award.recipient_hash,
        "evidence": json.loads(award.evidence or "[]"),
        "credential": json.loads(award.credential) if award.credential else None,
    }


def export_data(user: User) -> dict[str, object]:
    """The badges part of "download my data": every award with all it holds, and its audit log.

    The audit log lists what was done to the user's awards and what the user did as a trainer;
    who else acted is left out (that is their data, not this user's).
    """
    awards = awards_of(user)
    entries = db.session.scalars(
        select(AuditEntry)
        .where(or_(AuditEntry.target.in_([a.uid for a in awards]), AuditEntry.actor_id == user.id))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return {
        "awards": [_award(award) for award in awards],
        "badge_audit_log": [
            {
                "at": _moment(entry.at),
                "action": entry.action,
                "award": entry.target,
                "detail": entry.detail,
                "by_you": entry.actor_id == user.id,
            }
            for entry in entries
        ],
    }
