"""What an Open Badges 3.0 credential claims, read without trusting it: its kind, issuer,
validity dates and recipient, whether it arrived as JSON (Data Integrity) or as a VC-JWT.

Dates are read strictly. OB 3.0 types ``validFrom`` and ``validUntil`` as DateTimeZ and
VC 2.0 as XML Schema ``dateTimeStamp``: a date, a time and a time zone, always. So we accept
exactly what is both an XML Schema dateTimeStamp and an RFC 3339 date-time
(``2025-01-31T09:30:00Z``, ``…:00.5+02:00``); a bare date (``2020-01-01``) or a time without a
zone is not a moment, and makes the credential unreadable rather than valid. Our clock and the
issuer's may disagree by :data:`CLOCK_SKEW` in either direction.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from flask_babel import lazy_gettext as _l

from ..clock import now
from .reading import Unreadable, credential_types
from .verdict import Verdict, is_url, record_no_email, record_recipient

#: A credential counts as started this much before its start, and as over this much after its end.
CLOCK_SKEW = timedelta(minutes=5)

#: RFC 3339 date-time that is also an XML Schema dateTimeStamp (upper-case T and Z only).
DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(?:Z|([+-])([0-9]{2}):([0-9]{2}))"
)

#: Why a credential whose dates cannot be read gets no other answer.
BAD_DATES = _l(
    "Its validity dates are not written as the standard requires (a date, a time and a time zone, as in 2025-01-31T09:30:00Z), so we cannot tell whether it is valid."
)

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


def parse_date_time(value: Any, name: str) -> datetime:
    """``value`` as a timezone-aware moment, read strictly; :class:`Unreadable` otherwise."""
    match = DATE_TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise Unreadable(f"{name} is not a date-time with a time zone", reason=BAD_DATES)
    *fields, fraction, sign, hours, minutes = match.groups()
    offset = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    try:
        if offset > timedelta(hours=14) or int(minutes or 0) > 59:
            raise ValueError("XML Schema allows offsets up to 14:00")
        zone = timezone(-offset if sign == "-" else offset)
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        return datetime(*map(int, fields), micro, tzinfo=zone)
    except ValueError:
        raise Unreadable(f"{name} is not a valid date-time", reason=BAD_DATES) from None


def stamp(moment: datetime) -> str:
    """A moment as the API prints dates: UTC, to the second, with a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Period:
    """When a badge is valid: from ``start`` until ``end`` (None: no bound)."""

    start: datetime | None = None
    end: datetime | None = None

    def within(self, other: Period) -> Period:
        """The part of this period that is also in ``other`` (the latest start, earliest end)."""
        starts = [m for m in (self.start, other.start) if m is not None]
        ends = [m for m in (self.end, other.end) if m is not None]
        return Period(max(starts, default=None), min(ends, default=None))


def _date_field(data: dict[str, Any], *names: str) -> datetime | None:
    # VC 2.0 names first; VC 1.1's issuanceDate and expirationDate only when they are absent.
    for name in names:
        if data.get(name) is not None:
            return parse_date_time(data[name], name)
    return None


def credential_period(credential: dict[str, Any]) -> Period:
    """The validity period a credential states; :class:`Unreadable` if a date is malformed."""
    return Period(
        _date_field(credential, "validFrom", "issuanceDate"),
        _date_field(credential, "validUntil", "expirationDate"),
    )


def _hash_matches(identity: str, salt: str | None, email: str) -> bool:
    algorithm, _, expected = identity.partition("$")
    if algorithm.lower() not in {"sha256", "md5"}:
        return identity.strip().lower() == email  # an unhashed identity
    digest = hashlib.new(algorithm.lower(), (email + (salt or "")).encode()).hexdigest()
    return digest == expected.lower()


def check_dates(verdict: Verdict, period: Period) -> bool:
    """Record whether now is within ``period`` (give or take CLOCK_SKEW); False decides."""
    moment = now()
    verdict.issued_on = stamp(period.start) if period.start else None
    verdict.expires_on = stamp(period.end) if period.end else None
    if period.start and period.start - CLOCK_SKEW > moment:
        verdict.status = "not_yet_valid"
        verdict.add("in_validity_period", False, _l("Its validity has not started yet."))
        return False
    if period.end and period.end + CLOCK_SKEW <= moment:
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
    url = is_url(email)
    kinds = {"ext:url", "url", "identifier"} if url else {"emailAddress"}
    matches = any(
        isinstance(i, dict)
        and isinstance(i.get("identityHash"), str)
        and i.get("identityType") in kinds
        and _hash_matches(i["identityHash"], i.get("salt"), email)
        for i in identifiers
    )
    return record_recipient(verdict, matches, url)


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


def finish_foreign(
    verdict: Verdict, credential: dict[str, Any], email: str | None, also: Period | None = None
) -> Verdict:
    """What is left to check of another issuer's credential once its signature is settled.

    ``also`` is a period stated outside the credential (a JWT's ``nbf`` and ``exp``): the
    badge is valid only where both periods agree. Malformed dates raise :class:`Unreadable`.
    """
    verdict.add("revocation", None, _l("Revocation can only be checked with the issuer."))
    period = credential_period(credential).within(also or Period())
    if check_dates(verdict, period) and check_recipient(verdict, credential, email):
        verdict.status = "foreign_issuer"
    return verdict
