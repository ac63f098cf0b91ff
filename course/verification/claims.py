"""What an Open Badges 3.0 credential claims, read without trusting it: its kind, issuer,
validity dates and recipient, whether it arrived as JSON (Data Integrity) or as a VC-JWT.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from ..clock import now
from .reading import credential_types
from .verdict import Verdict, record_no_email, record_recipient

#: The types that make a credential an Open Badge (either suffices).
BADGE_TYPES = {"OpenBadgeCredential", "AchievementCredential"}


def is_open_badge(credential: Any) -> bool:
    """Whether ``credential`` is a JSON object typed as an Open Badges 3.0 credential."""
    return isinstance(credential, dict) and bool(credential_types(credential) & BADGE_TYPES)


def issuer_id(credential: dict[str, Any]) -> str | None:
    """The id the credential gives its issuer, if it gives one as a string."""
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not re.fullmatch(
        r"\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)", value
    ):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _hash_matches(identity: str, salt: str | None, email: str) -> bool:
    algorithm, _, expected = identity.partition("$")
    if algorithm.lower() not in {"sha256", "md5"}:
        return identity.strip().lower() == email  # an unhashed identity
    digest = hashlib.new(algorithm.lower(), (email + (salt or "")).encode()).hexdigest()
    return digest == expected.lower()


def check_dates(verdict: Verdict, credential: dict[str, Any]) -> bool:
    """Record whether the credential is within its validity period; False decides the verdict."""
    moment = now()
    valid_from = _parse_time(credential.get("validFrom") or credential.get("issuanceDate"))
    valid_until = _parse_time(credential.get("validUntil") or credential.get("expirationDate"))
    verdict.issued_on = credential.get("validFrom") if valid_from else None
    verdict.expires_on = credential.get("validUntil") if valid_until else None
    if valid_from and valid_from > moment:
        verdict.status = "not_yet_valid"
        verdict.add("in_validity_period", False, _l("Its validity has not started yet."))
        return False
    if valid_until and valid_until <= moment:
        verdict.status = "expired"
        verdict.add("in_validity_period", False, _l("Its validity period is over."))
        return False
    verdict.add("in_validity_period", True, _l("It is within its validity period."))
    return True


def check_recipient(verdict: Verdict, credential: dict[str, Any], email: str | None) -> bool:
    """Record whether the credential names ``email`` (if given); False decides the verdict."""
    if not email:
        record_no_email(verdict)
        return True
    subject = credential.get("credentialSubject")
    identifiers = subject.get("identifier", []) if isinstance(subject, dict) else []
    identifiers = identifiers if isinstance(identifiers, list) else [identifiers]
    matches = any(
        isinstance(i, dict)
        and isinstance(i.get("identityHash"), str)
        and i.get("identityType") == "emailAddress"
        and _hash_matches(i["identityHash"], i.get("salt"), email)
        for i in identifiers
    )
    return record_recipient(verdict, matches)


def describe_credential(verdict: Verdict, credential: dict[str, Any]) -> None:
    """Copy the badge and issuer the credential names into the verdict, cut to size."""
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if isinstance(achievement, dict):
        verdict.badge = {
            "id": achievement.get("id") if isinstance(achievement.get("id"), str) else None,
            "name": str(achievement.get("name", ""))[:200],
            "description": str(achievement.get("description", ""))[:1000],
        }
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        verdict.issuer = {
            "id": issuer_id(credential),
            "name": str(issuer.get("name", ""))[:200],
            "url": issuer.get("url") if isinstance(issuer.get("url"), str) else None,
        }
    else:
        verdict.issuer = {"id": issuer_id(credential)}


def finish_foreign(verdict: Verdict, credential: dict[str, Any], email: str | None) -> Verdict:
    """What is left to check of another issuer's credential once its signature is settled."""
    verdict.add("revocation", None, _l("Revocation can only be checked with the issuer."))
    if check_dates(verdict, credential) and check_recipient(verdict, credential, email):
        verdict.status = "foreign_issuer"
    return verdict
