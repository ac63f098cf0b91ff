"""The answer to "is this badge real?": a status, what was checked, and what it says.

The statuses are the API's ``status`` values; their titles and plain-word explanations are
translated when shown (lazy strings, as they are built at import time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

#: Every status a verdict can have, as the JSON API names them (and /api/openapi.json lists).
STATUSES = (
    "valid",
    "revoked",
    "expired",
    "not_yet_valid",
    "recipient_mismatch",
    "altered",
    "foreign_issuer",
    "not_a_badge",
    "unreadable",
)

#: What each status means, in plain words, for the page.
EXPLANATIONS = {
    "valid": _l(
        "This badge is real and valid: we issued it, nobody changed it, and it was not revoked."
    ),
    "revoked": _l("This badge was issued by us but has been revoked: it no longer counts."),
    "expired": _l("This badge's validity period is over: it no longer counts."),
    "not_yet_valid": _l("This badge is not valid yet: its validity starts later."),
    "recipient_mismatch": _l("This badge is real, but it was not issued to this email address."),
    "altered": _l(
        "This badge has been altered or forged: its data does not match what was signed or issued."
    ),
    "foreign_issuer": _l(
        "This badge was issued by someone else. We checked what can be checked here; ask its issuer to confirm the rest."
    ),
    "not_a_badge": _l("This is not a badge: we found no badge data in it."),
    "unreadable": _l(
        "We could not read this: the file or text is damaged, or in a form we do not accept."
    ),
}

TITLES = {
    "valid": _l("Valid"),
    "revoked": _l("Revoked"),
    "expired": _l("Expired"),
    "not_yet_valid": _l("Not yet valid"),
    "recipient_mismatch": _l("Not issued to this email"),
    "altered": _l("Altered"),
    "foreign_issuer": _l("Issued by another issuer"),
    "not_a_badge": _l("Not a badge"),
    "unreadable": _l("Unreadable"),
}


@dataclass
class Check:
    """One thing checked (or not checkable here), for the "what was checked" list."""

    code: str
    passed: bool | None  #: None: could not be checked here
    label: str

    def as_dict(self) -> dict[str, object]:
        """The check as the JSON API gives it."""
        return {"check": self.code, "passed": self.passed, "description": str(self.label)}


@dataclass
class Verdict:
    """What was decided about one submission; built up check by check, then shown or sent."""

    status: str
    checks: list[Check] = field(default_factory=list)
    badge: dict[str, Any] | None = None
    issuer: dict[str, Any] | None = None
    issued_on: str | None = None
    expires_on: str | None = None
    revocation_reason: str | None = None
    evidence_url: str | None = None
    award_url: str | None = None
    #: For other issuers: where the holder's badge can be checked.
    check_at: str | None = None
    detail: str | None = None

    def add(self, code: str, passed: bool | None, label: Any) -> None:
        """Append one check; ``label`` (often a lazy string) is translated now."""
        self.checks.append(Check(code, passed, str(label)))

    def add_first(self, code: str, passed: bool | None, label: Any) -> None:
        """Put one check at the top of the list (what was found before anything was checked)."""
        self.checks.insert(0, Check(code, passed, str(label)))

    def as_dict(self) -> dict[str, object]:
        """The verdict as the JSON API gives it."""
        return {
            "status": self.status,
            "explanation": str(EXPLANATIONS[self.status]),
            "badge": self.badge,
            "issuer": self.issuer,
            "issued_on": self.issued_on,
            "expires_on": self.expires_on,
            "revocation_reason": self.revocation_reason,
            "evidence": self.evidence_url,
            "award": self.award_url,
            "check_at": self.check_at,
            "checks": [check.as_dict() for check in self.checks],
        }


def is_url(identity: str) -> bool:
    """Whether a claimed holder is a user page URL rather than an email address."""
    return identity.lower().startswith(("https://", "http://"))


def record_recipient(verdict: Verdict, matches: bool, url: bool = False) -> bool:
    """Note whether the badge is the given email's (or user page's); a mismatch decides."""
    if matches:
        verdict.add("recipient", True, _RECIPIENT[url, True])
    else:
        verdict.add("recipient", False, _RECIPIENT[url, False])
        verdict.status = "recipient_mismatch"
    return matches


_RECIPIENT = {
    (False, True): _l("It was issued to the email address given."),
    (False, False): _l("It was not issued to the email address given."),
    (True, True): _l("It was issued to the user page given."),
    (True, False): _l("It was not issued to the user page given."),
}


def record_no_email(verdict: Verdict) -> None:
    """Note that the holder was not checked, as no email address was given."""
    verdict.add("recipient", None, _l("No email address was given, so the holder was not checked."))
