"""Deciding whether a badge is real, still valid, and this person's.

For this server's own badges, the database and the signatures decide: data baked into an
OB 2.0 image only says *which* award it is. For other issuers, only what can be checked here
is checked (an eddsa-rdfc-2022 proof with a did:key, dates, the recipient hash); nothing is
ever fetched from another host on a visitor's request, so this page cannot be used to reach
internal addresses. Links to this server are resolved internally, not over HTTP.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from ..badges import dataintegrity, documents, multibase
from ..badges import services as badges
from ..badges.jsonld import ContextError
from ..badges.models import Award
from ..content.store import course
from .reading import NotABadge, Submission, Unreadable, b64url_json, strict_json

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
    "expired": _l("This badge was issued by us but its validity period is over."),
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
        return {"check": self.code, "passed": self.passed, "description": str(self.label)}


@dataclass
class Verdict:
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
        self.checks.append(Check(code, passed, str(label)))

    def as_dict(self) -> dict[str, object]:
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


def _now() -> datetime:
    return datetime.now(UTC)


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


def _record_recipient(verdict: Verdict, matches: bool) -> bool:
    """Note whether the badge is the given email's; a mismatch decides the verdict."""
    if matches:
        verdict.add("recipient", True, _l("It was issued to the email address given."))
    else:
        verdict.add("recipient", False, _l("It was not issued to the email address given."))
        verdict.status = "recipient_mismatch"
    return matches


def normal_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    return email or None


# --- our own awards --------------------------------------------------------------------------


def _our_origin() -> tuple[str, str]:
    base = urlsplit(current_app.config["BASE_URL"])
    return base.scheme, base.netloc


def our_award_uid(url: str) -> str | None:
    """The award id a URL of this server names (page, assertion, credential, image), if any."""
    parts = urlsplit(url.strip())
    if (parts.scheme, parts.netloc) != _our_origin():
        return None
    for pattern in (
        r"/awards/([0-9a-f]{32})(?:/evidence|/certificate)?",
        r"/badges/ob2/assertions/([0-9a-f]{32})",
        r"/badges/credentials/([0-9a-f]{32})",
        r"/badges/awards/([0-9a-f]{32})/baked\.(?:png|svg)",
    ):
        match = re.fullmatch(pattern, parts.path)
        if match:
            return match.group(1)
    match = re.fullmatch(r"award=([0-9a-f]{32})", parts.query or "")
    if parts.path == "/verify" and match:
        return match.group(1)
    return None


def _describe_award(verdict: Verdict, award: Award) -> None:
    badge = course().badge(award.badge_id)
    issuer = badges.issuer()
    verdict.issuer = {"name": issuer.name, "url": issuer.base_url, "id": issuer.ob3_id}
    if badge is not None:
        language = current_app.config["DEFAULT_LANGUAGE"]
        verdict.badge = {
            "id": badge.id,
            "name": badge.names.get(language) or next(iter(badge.names.values()), ""),
            "description": badge.descriptions.get(language)
            or next(iter(badge.descriptions.values()), ""),
            "criteria": url_for("badges.badge_page", badge_id=badge.id, _external=True),
        }
    verdict.issued_on = documents.timestamp(award.issued_at)
    verdict.expires_on = documents.timestamp(award.expires_at) if award.expires_at else None
    verdict.evidence_url = url_for("badges.evidence", uid=award.uid, _external=True)
    verdict.award_url = url_for("badges.award_page", uid=award.uid, _external=True)


def verdict_for_award(award: Award, email: str | None, verdict: Verdict | None = None) -> Verdict:
    """The database decides: revoked, expired, whose it is."""
    verdict = verdict or Verdict("valid")
    _describe_award(verdict, award)
    verdict.add("issued_here", True, _l("We issued this badge: it is in our records."))
    if award.revoked_at:
        verdict.status = "revoked"
        verdict.revocation_reason = award.revocation_reason
        verdict.add("not_revoked", False, _l("It has been revoked."))
        return verdict
    verdict.add("not_revoked", True, _l("It has not been revoked."))
    expires = badges.aware(award.expires_at)
    if expires and expires <= _now():
        verdict.status = "expired"
        verdict.add("in_validity_period", False, _l("Its validity period is over."))
        return verdict
    verdict.add("in_validity_period", True, _l("It is within its validity period."))
    if email:
        if not _record_recipient(
            verdict, documents.recipient_hash(email, award.salt) == award.recipient_hash
        ):
            return verdict
    else:
        verdict.add(
            "recipient", None, _l("No email address was given, so the holder was not checked.")
        )
    verdict.status = "valid"
    return verdict


# --- submissions -----------------------------------------------------------------------------


def verify_submission(submission: Submission, email: str | None) -> Verdict:
    """Decide on whatever was submitted; never raises for bad input."""
    email = normal_email(email)
    try:
        if submission.ob3:
            text = submission.ob3.strip()
            if text.startswith("{"):
                return verify_credential(strict_json(text), email)
            return verify_jwt(text, email)
        if submission.ob2:
            return verify_ob2(submission.ob2, email)
        if submission.url:
            return verify_url(submission.url, email)
    except Unreadable as error:
        return Verdict("unreadable", detail=str(error))
    except NotABadge as error:
        return Verdict("not_a_badge", detail=str(error))
    return Verdict("not_a_badge")


def verify_url(url: str, email: str | None) -> Verdict:
    uid = our_award_uid(url)
    if uid:
        award = badges.find(uid)
        if award is None:
            return Verdict("not_a_badge", detail="no award has this link")
        return verdict_for_award(award, email)
    parts = urlsplit(url)
    verdict = Verdict("foreign_issuer", check_at=url if parts.scheme in {"http", "https"} else None)
    verdict.add(
        "issued_here",
        False,
        _l(
            "This link is not on this site. We do not open other sites for you: open the link yourself, or ask its issuer."
        ),
    )
    return verdict


def verify_ob2(data: str, email: str | None) -> Verdict:
    """OB 2.0 baked data only identifies the award; the hosted original decides."""
    text = data.strip()
    assertion_id = text
    if text.startswith("{"):
        assertion = strict_json(text)
        if not isinstance(assertion, dict) or not isinstance(assertion.get("id"), str):
            raise NotABadge("the Open Badges 2.0 data has no id")
        assertion_id = assertion["id"]
    if not re.match(r"^https?://", assertion_id):
        raise NotABadge("the Open Badges 2.0 data does not name a hosted assertion")
    verdict = verify_url(assertion_id, email)
    if verdict.status not in {"foreign_issuer", "not_a_badge"}:
        verdict.checks.insert(
            0,
            Check(
                "identified",
                True,
                str(
                    _l(
                        "The image names one of our awards; our records were checked, not the copy in the image."
                    )
                ),
            ),
        )
    return verdict


def _types(data: dict[str, Any]) -> set[str]:
    value = data.get("type", [])
    return {value} if isinstance(value, str) else {v for v in value if isinstance(v, str)}


def _issuer_id(credential: dict[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _proof_method(credential: dict[str, Any]) -> str | None:
    proofs = credential.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    for proof in proofs:
        if isinstance(proof, dict) and isinstance(proof.get("verificationMethod"), str):
            return proof["verificationMethod"]
    return None


def _check_dates(verdict: Verdict, credential: dict[str, Any]) -> bool:
    now = _now()
    valid_from = _parse_time(credential.get("validFrom") or credential.get("issuanceDate"))
    valid_until = _parse_time(credential.get("validUntil") or credential.get("expirationDate"))
    verdict.issued_on = credential.get("validFrom") if valid_from else None
    verdict.expires_on = credential.get("validUntil") if valid_until else None
    if valid_from and valid_from > now:
        verdict.status = "not_yet_valid"
        verdict.add("in_validity_period", False, _l("Its validity has not started yet."))
        return False
    if valid_until and valid_until <= now:
        verdict.status = "expired"
        verdict.add("in_validity_period", False, _l("Its validity period is over."))
        return False
    verdict.add("in_validity_period", True, _l("It is within its validity period."))
    return True


def _check_recipient(verdict: Verdict, credential: dict[str, Any], email: str | None) -> bool:
    if not email:
        verdict.add(
            "recipient", None, _l("No email address was given, so the holder was not checked.")
        )
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
    return _record_recipient(verdict, matches)


def _describe_credential(verdict: Verdict, credential: dict[str, Any]) -> None:
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
            "id": _issuer_id(credential),
            "name": str(issuer.get("name", ""))[:200],
            "url": issuer.get("url") if isinstance(issuer.get("url"), str) else None,
        }
    else:
        verdict.issuer = {"id": _issuer_id(credential)}


def verify_credential(credential: Any, email: str | None) -> Verdict:
    """An OB 3.0 credential as JSON."""
    if not isinstance(credential, dict) or not _types(credential) & {
        "OpenBadgeCredential",
        "AchievementCredential",
    }:
        raise NotABadge("this JSON is not an Open Badges 3.0 credential")
    verdict = Verdict("valid")
    _describe_credential(verdict, credential)
    issuer_id = _issuer_id(credential)
    method = _proof_method(credential)
    if issuer_id == badges.issuer().ob3_id:
        return _verify_ours(verdict, credential, method, email)
    return _verify_foreign(verdict, credential, issuer_id, method, email)


def _signature_holds(verdict: Verdict, credential: dict[str, Any], key: Any) -> bool:
    try:
        dataintegrity.verify(credential, key)
    except (dataintegrity.ProofError, ContextError) as error:
        verdict.status = "altered"
        verdict.detail = str(error)
        verdict.add(
            "signature", False, _l("The signature does not match the data: something was changed.")
        )
        return False
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    if dataintegrity.undefined_terms(unsigned):
        verdict.status = "altered"
        verdict.add(
            "signature",
            False,
            _l(
                "It carries data its vocabulary does not define, which the signature does not cover."
            ),
        )
        return False
    verdict.add(
        "signature",
        True,
        _l("The signature matches the data: nothing was changed since it was issued."),
    )
    return True


def _verify_ours(
    verdict: Verdict, credential: dict[str, Any], method: str | None, email: str | None
) -> Verdict:
    uid = our_award_uid(str(credential.get("id", "")))
    award = badges.find(uid) if uid else None
    if award is not None and award.credential and json.loads(award.credential) == credential:
        # Exactly what we issued and signed: our records decide, no need to re-derive the proof.
        verdict.add(
            "signature",
            True,
            _l("It is exactly the credential we issued and signed: nothing was changed."),
        )
        return verdict_for_award(award, email, verdict)
    published = {k.multikey: k for k in badges.keystore().all()}
    prefix = badges.issuer().ob3_id + "#"
    key = (
        published.get(method.removeprefix(prefix)) if method and method.startswith(prefix) else None
    )
    if key is None:
        verdict.status = "altered"
        verdict.add(
            "key", False, _l("It claims to come from us but is not signed with any key we publish.")
        )
        return verdict
    verdict.add("key", True, _l("It is signed with a key we publish."))
    if not _signature_holds(verdict, credential, key.public):
        return verdict
    uid = our_award_uid(str(credential.get("id", "")))
    award = badges.find(uid) if uid else None
    if award is None:
        verdict.status = "altered"
        verdict.add("issued_here", False, _l("It is not in our records."))
        return verdict
    return verdict_for_award(award, email, verdict)


def _did_key(method: str) -> Any:
    did = method.split("#", 1)[0]
    if not did.startswith("did:key:z6Mk"):
        return None
    try:
        return multibase.public_from_multikey(did.removeprefix("did:key:"))
    except ValueError:
        return None


def _verify_foreign(
    verdict: Verdict,
    credential: dict[str, Any],
    issuer_id: str | None,
    method: str | None,
    email: str | None,
) -> Verdict:
    verdict.check_at = issuer_id if issuer_id and issuer_id.startswith("https://") else None
    verdict.add(
        "issued_here",
        False,
        _l("Another issuer signed it; we do not open other sites to check it."),
    )
    key = _did_key(method) if method else None
    if key is None:
        verdict.add(
            "signature",
            None,
            _l(
                "Its signing key is published on the issuer's site, which we do not contact: ask the issuer to confirm it."
            ),
        )
    elif method and issuer_id and method.split("#", 1)[0] != issuer_id:
        verdict.status = "altered"
        verdict.add("key", False, _l("It is signed with a key that does not belong to its issuer."))
        return verdict
    elif not _signature_holds(verdict, credential, key):
        return verdict
    verdict.add("revocation", None, _l("Revocation can only be checked with the issuer."))
    if not _check_dates(verdict, credential) or not _check_recipient(verdict, credential, email):
        return verdict
    verdict.status = "foreign_issuer"
    return verdict


ALLOWED_JWT_ALGORITHMS = {"RS256", "ES256", "EdDSA"}


def verify_jwt(token: str, email: str | None) -> Verdict:
    """A VC-JWT. We never issue these; other issuers' keys are not fetched."""
    parts = token.split(".")
    if len(parts) != 3:
        raise Unreadable("a JWT has three parts")
    header, payload = b64url_json(parts[0]), b64url_json(parts[1])
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise Unreadable("the JWT header or payload is not an object")
    credential = payload.get("vc", payload)
    if not isinstance(credential, dict) or not _types(credential) & {
        "OpenBadgeCredential",
        "AchievementCredential",
    }:
        raise NotABadge("this JWT does not carry an Open Badges credential")
    verdict = Verdict("foreign_issuer")
    _describe_credential(verdict, credential)
    algorithm = header.get("alg")
    if algorithm not in ALLOWED_JWT_ALGORITHMS:
        verdict.status = "altered"
        verdict.add(
            "signature",
            False,
            _l(
                "It is not signed with a public-key algorithm (it says %(alg)s), so anyone could have made it.",
                alg=str(algorithm)[:20],
            ),
        )
        return verdict
    issuer_id = _issuer_id(credential) or payload.get("iss")
    if issuer_id == badges.issuer().ob3_id:
        verdict.status = "altered"
        verdict.add(
            "key", False, _l("It claims to come from us, but we never issue badges in this form.")
        )
        return verdict
    if "jwk" in header:
        verdict.add(
            "key",
            None,
            _l(
                "Its key travels inside the token itself: that only proves the token is consistent, not who made it. Ask the issuer whether they publish this key."
            ),
        )
    else:
        verdict.add(
            "signature",
            None,
            _l(
                "Its signing key is published on the issuer's site, which we do not contact: ask the issuer to confirm it."
            ),
        )
    verdict.check_at = (
        issuer_id if isinstance(issuer_id, str) and issuer_id.startswith("https://") else None
    )
    verdict.add("revocation", None, _l("Revocation can only be checked with the issuer."))
    if not _check_dates(verdict, credential) or not _check_recipient(verdict, credential, email):
        return verdict
    verdict.status = "foreign_issuer"
    return verdict


def verdict_json(verdict: Verdict) -> str:
    return json.dumps(verdict.as_dict(), ensure_ascii=False)
