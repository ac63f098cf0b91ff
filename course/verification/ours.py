"""Our own awards: the records decide whether one is valid, revoked or expired, and whose it is.

Whatever form a badge of ours arrives in (a link, a baked image, a credential), once it is
known *which* award it is, the award's record decides; the copy submitted only identifies it.
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from ..badges.public import AwardRecord, issuer
from ..clock import now
from ..contentstore import course
from .verdict import Verdict, is_url, record_no_email, record_recipient


def _describe_award(verdict: Verdict, award: AwardRecord) -> None:
    badge = course().badge(award.badge_id)
    ours = issuer()
    verdict.issuer = {"name": ours.name, "url": ours.base_url, "id": ours.ob3_id}
    if badge is not None:
        language = current_app.config["DEFAULT_LANGUAGE"]
        verdict.badge = {
            "id": badge.id,
            "name": badge.names.get(language) or next(iter(badge.names.values()), ""),
            "description": badge.descriptions.get(language)
            or next(iter(badge.descriptions.values()), ""),
            "criteria": url_for("badges.badge_page", badge_id=badge.id, _external=True),
        }
    verdict.issued_on = award.issued_on
    verdict.expires_on = award.expires_on
    verdict.evidence_url = url_for("badges.evidence", uid=award.uid, _external=True)
    verdict.award_url = url_for("badges.award_page", uid=award.uid, _external=True)


def verdict_for_award(
    award: AwardRecord, email: str | None, verdict: Verdict | None = None
) -> Verdict:
    """The database decides: revoked, expired, whose it is.

    ``verdict`` carries the checks already made on the submitted copy (its signature, say);
    the award's description and the record's checks are added to it.
    """
    verdict = verdict or Verdict("valid")
    _describe_award(verdict, award)
    verdict.add("issued_here", True, _l("We issued this badge: it is in our records."))
    if award.revoked_at:
        verdict.status = "revoked"
        verdict.revocation_reason = award.revocation_reason
        verdict.add("not_revoked", False, _l("It has been revoked."))
        return verdict
    verdict.add("not_revoked", True, _l("It has not been revoked."))
    if award.expires_at and award.expires_at <= now():
        verdict.status = "expired"
        verdict.add("in_validity_period", False, _l("Its validity period is over."))
        return verdict
    verdict.add("in_validity_period", True, _l("It is within its validity period."))
    if email:
        if not record_recipient(verdict, award.issued_to(email), is_url(email)):
            return verdict
    else:
        record_no_email(verdict)
    verdict.status = "valid"
    return verdict
