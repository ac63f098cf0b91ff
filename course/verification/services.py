"""What the verification views call: decide on a submission, or on an award named by its id.

For this server's own badges, the database and the signatures decide: data baked into an
OB 2.0 image only says *which* award it is. For other issuers, only what can be checked here
is checked (an eddsa-rdfc-2022 proof with a did:key, dates, the recipient hash); nothing is
ever fetched from another host on a visitor's request, so this page cannot be used to reach
internal addresses. Links to this server are resolved internally, not over HTTP. Each format
has its module (``ob2``, ``ob3``, ``jwt``, ``links``); ``ours`` holds what our records decide.
"""

from __future__ import annotations

from ..badges.public import find_award
from .jwt import verify_jwt
from .links import verify_url
from .ob2 import verify_ob2
from .ob3 import verify_credential
from .ours import verdict_for_award
from .reading import NotABadge, Submission, Unreadable, read_text, read_upload, strict_json
from .verdict import Verdict, is_url


def _unreadable(error: Unreadable) -> Verdict:
    verdict = Verdict("unreadable", detail=str(error))
    if error.reason is not None:
        verdict.add("readable", False, error.reason)
    return verdict


def normal_email(email: str | None) -> str | None:
    """The claimed holder as compared with recipients; None when empty.

    An email is trimmed and lower-cased; a user page URL (``https://…``) only trimmed, since
    a wiki title keeps its case.
    """
    email = (email or "").strip()
    return (email if is_url(email) else email.lower()) or None


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
        return _unreadable(error)
    except NotABadge as error:
        return Verdict("not_a_badge", detail=str(error))
    return Verdict("not_a_badge")


def verify_sent(data: bytes | None, text: str | None, email: str | None) -> Verdict:
    """Read an uploaded image's bytes (``data``), or else pasted ``text``, and decide.

    Bad input becomes a verdict (unreadable, not a badge), never an error.
    """
    try:
        submission = read_upload(data) if data is not None else read_text(text or "")
    except Unreadable as error:
        return _unreadable(error)
    except NotABadge as error:
        return Verdict("not_a_badge", detail=str(error))
    return verify_submission(submission, email)


def verify_award_id(uid: str) -> Verdict:
    """The verdict on one of our awards named by its public id (from a QR code), no email."""
    award = find_award(uid)
    return verdict_for_award(award, None) if award else Verdict("not_a_badge")
