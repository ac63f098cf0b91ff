"""Reading a pasted link: one of our awards (resolved internally, never over HTTP), or not ours.

A link to another site is never opened: the verdict says where the holder can check it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..badges.public import find_award
from .ours import verdict_for_award
from .verdict import Verdict

#: The paths of an award on this server: its page, OB 2.0 assertion, credential, images.
AWARD_PATHS = (
    r"/awards/([0-9a-f]{32})(?:/evidence|/certificate)?",
    r"/badges/ob2/assertions/([0-9a-f]{32})",
    r"/badges/credentials/([0-9a-f]{32})",
    r"/badges/awards/([0-9a-f]{32})/baked\.(?:png|svg)",
)


def _our_origin() -> tuple[str, str]:
    base = urlsplit(current_app.config["BASE_URL"])
    return base.scheme, base.netloc


def our_award_uid(url: str) -> str | None:
    """The award id a URL of this server names (page, assertion, credential, image), if any."""
    parts = urlsplit(url.strip())
    if (parts.scheme, parts.netloc) != _our_origin():
        return None
    for pattern in AWARD_PATHS:
        match = re.fullmatch(pattern, parts.path)
        if match:
            return match.group(1)
    match = re.fullmatch(r"award=([0-9a-f]{32})", parts.query or "")
    if parts.path == "/verify" and match:
        return match.group(1)
    return None


def verify_url(url: str, email: str | None) -> Verdict:
    """A link: our award's record decides; another site's link is named, not opened."""
    uid = our_award_uid(url)
    if uid:
        award = find_award(uid)
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
