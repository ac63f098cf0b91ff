"""The JSON-LD documents of an award: Open Badges 2.0 (hosted) and 3.0 (signed credential).

Functions of the badge definition, the award's facts and the issuer settings (and, for the
skills a badge certifies and its language editions, of the loaded course: see editions.py). The
recipient appears only as a salted SHA-256 of their email address, never the address or name.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..content.model import Badge
from . import editions
from .jsonld import CREDENTIALS_V2, OB_V3
from .recipients import OB3_IDENTITY_TYPES

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
STATUS_LIST_BITS = 131_072  # 16 KB, the minimum size that hides who was revoked


@dataclass(frozen=True)
class Issuer:
    """Who issues the badges, and where its documents live."""

    base_url: str
    name: str
    email: str | None
    language: str

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    @property
    def ob3_id(self) -> str:
        return self.url("/badges/issuer")

    @property
    def ob2_id(self) -> str:
        return self.url("/badges/ob2/issuer")

    @property
    def status_list(self) -> str:
        return self.url("/badges/status/1")


@dataclass(frozen=True)
class AwardFacts:
    """What documents need to know about one award."""

    index: int
    uid: str
    badge: Badge
    salt: str
    recipient_hash: str
    issued_at: datetime
    expires_at: datetime | None
    evidence_names: tuple[str, ...]
    #: "email", or "url" when the holder chose to be named by their Wikimedia user page.
    recipient_type: str = "email"
    #: The edition (language) it was issued in; None: the issuer's language.
    language: str | None = None


def timestamp(moment: datetime) -> str:
    """UTC with a Z, to the second, as both specifications recommend."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def recipient_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def _text(texts: Any, issuer: Issuer, language: str | None = None) -> str:
    return texts.get(language or issuer.language) or next(iter(texts.values()), "")


def image_url(issuer: Issuer, badge: Badge) -> str:
    kind = "png" if "png" in badge.images else "svg"
    return issuer.url(f"/badges/classes/{badge.id}/image.{kind}")


# --- Open Badges 2.0 ---------------------------------------------------------------------


def ob2_issuer(issuer: Issuer) -> dict[str, Any]:
    profile = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer.ob2_id,
        "name": issuer.name,
        "url": issuer.base_url,
    }
    if issuer.email:
        profile["email"] = issuer.email
    return profile


def ob2_badge_class(issuer: Issuer, badge: Badge, language: str | None = None) -> dict[str, Any]:
    """The BadgeClass in ``language`` (default: the issuer's), linking its other editions."""
    language = language or issuer.language
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": editions.ob2_class_id(issuer, badge, language),
        "name": _text(badge.names, issuer, language),
        "description": _text(badge.descriptions, issuer, language),
        "image": image_url(issuer, badge),
        "criteria": {
            "id": editions.achievement_id(issuer, badge, language),
            "narrative": editions.criteria(issuer, badge, language),
        },
        "issuer": issuer.ob2_id,
        "tags": list(badge.tags),
        **editions.ob2_editions(issuer, badge, language),
    }


def ob2_assertion(issuer: Issuer, facts: AwardFacts) -> dict[str, Any]:
    assertion = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": issuer.url(f"/badges/ob2/assertions/{facts.uid}"),
        "recipient": {
            "type": facts.recipient_type,
            "hashed": True,
            "salt": facts.salt,
            "identity": facts.recipient_hash,
        },
        "badge": editions.ob2_class_id(issuer, facts.badge, facts.language or issuer.language),
        "verification": {"type": "HostedBadge"},
        "issuedOn": timestamp(facts.issued_at),
        "image": issuer.url(f"/badges/awards/{facts.uid}/baked.png"),
        "evidence": [
            {
                "id": issuer.url(f"/awards/{facts.uid}/evidence"),
                "narrative": "; ".join(facts.evidence_names),
            }
        ],
    }
    if facts.expires_at:
        assertion["expires"] = timestamp(facts.expires_at)
    return assertion


def ob2_revoked(issuer: Issuer, uid: str, reason: str) -> dict[str, Any]:
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": issuer.url(f"/badges/ob2/assertions/{uid}"),
        "revoked": True,
        "revocationReason": reason,
    }


# --- Open Badges 3.0 ---------------------------------------------------------------------


def ob3_issuer_profile(issuer: Issuer, multikeys: list[str]) -> dict[str, Any]:
    """The issuer's Profile, publishing every key (current and retired) as a Multikey."""
    return {
        "@context": [CREDENTIALS_V2, OB_V3],
        "id": issuer.ob3_id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.base_url,
        **({"email": issuer.email} if issuer.email else {}),
        "verificationMethod": [
            {
                "id": f"{issuer.ob3_id}#{key}",
                "type": "Multikey",
                "controller": issuer.ob3_id,
                "publicKeyMultibase": key,
            }
            for key in multikeys
        ],
        "assertionMethod": [f"{issuer.ob3_id}#{key}" for key in multikeys],
    }


def ob3_credential(issuer: Issuer, facts: AwardFacts) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential of an award."""
    badge, language = facts.badge, facts.language or issuer.language
    achievement: dict[str, Any] = {
        "id": editions.achievement_id(issuer, badge, language),
        "type": ["Achievement"],
        "name": _text(badge.names, issuer, language),
        "description": _text(badge.descriptions, issuer, language),
        "criteria": {"narrative": editions.criteria(issuer, badge, language)},
        "image": {"id": image_url(issuer, badge), "type": "Image"},
        **editions.ob3_editions(issuer, badge, language),
    }
    if badge.tags:
        achievement["tag"] = list(badge.tags)
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_V3],
        "id": issuer.url(f"/badges/credentials/{facts.uid}"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer.ob3_id,
            "type": ["Profile"],
            "name": issuer.name,
            "url": issuer.base_url,
        },
        "validFrom": timestamp(facts.issued_at),
        "name": _text(badge.names, issuer, language),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": facts.recipient_hash,
                    "identityType": OB3_IDENTITY_TYPES[facts.recipient_type],
                    "hashed": True,
                    "salt": facts.salt,
                }
            ],
            "achievement": achievement,
        },
        "evidence": [
            {
                "id": issuer.url(f"/awards/{facts.uid}/evidence"),
                "type": ["Evidence"],
                "narrative": "; ".join(facts.evidence_names),
            }
        ],
        "credentialStatus": status_entry(issuer, facts.index),
    }
    if facts.expires_at:
        credential["validUntil"] = timestamp(facts.expires_at)
    return credential


def status_entry(issuer: Issuer, index: int) -> dict[str, str]:
    """Where an award's revocation bit is published: its entry in the status list."""
    return {
        "id": f"{issuer.status_list}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": issuer.status_list,
    }


def ob3_withdrawn(issuer: Issuer, uid: str, index: int, reason: str) -> dict[str, Any]:
    """What a credential's URL answers (410) once its holder deleted their account.

    Not a credential (nothing to sign, nobody to name): the revocation and where its status
    bit is published.
    """
    return {
        "id": issuer.url(f"/badges/credentials/{uid}"),
        "revoked": True,
        "revocationReason": reason,
        "credentialStatus": status_entry(issuer, index),
    }


def encoded_status_list(revoked: set[int]) -> str:
    """The bitstring of revoked indices, gzip-compressed and multibase base64url encoded."""
    bits = bytearray(STATUS_LIST_BITS // 8)
    for index in revoked:
        if 0 <= index < STATUS_LIST_BITS:
            bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def status_list_credential(issuer: Issuer, revoked: set[int], now: datetime) -> dict[str, Any]:
    """The unsigned revocation status list of every award of this issuer."""
    return {
        "@context": [CREDENTIALS_V2],
        "id": issuer.status_list,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.ob3_id,
        "validFrom": timestamp(now),
        "credentialSubject": {
            "id": f"{issuer.status_list}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_status_list(revoked),
        },
    }
