"""Open Badges 2.0: hosted assertions, pasted as JSON or baked into an image.

The baked data only identifies the award; the hosted original (for ours, our records) decides.
Another issuer's original is not fetched, but its copy's ``expires`` is read (strictly, as
OB 2.0 types it ``xsd:dateTime``): an unsigned copy proves nothing in the badge's favour, yet
one that says the badge is over is believed, since nobody edits a badge to expire it.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l

from ..clock import now
from .claims import CLOCK_SKEW, parse_date_time, stamp
from .links import verify_url
from .reading import NotABadge, strict_json
from .verdict import Verdict


def verify_ob2(data: str, email: str | None) -> Verdict:
    """OB 2.0 baked data only identifies the award; the hosted original decides."""
    text = data.strip()
    assertion_id = text
    assertion: Any = None
    if text.startswith("{"):
        assertion = strict_json(text)
        if not isinstance(assertion, dict) or not isinstance(assertion.get("id"), str):
            raise NotABadge("the Open Badges 2.0 data has no id")
        assertion_id = assertion["id"]
    if not re.match(r"^https?://", assertion_id):
        raise NotABadge("the Open Badges 2.0 data does not name a hosted assertion")
    verdict = verify_url(assertion_id, email)
    if verdict.status == "foreign_issuer" and isinstance(assertion, dict):
        _check_copy_expiry(verdict, assertion)
    elif verdict.status not in {"foreign_issuer", "not_a_badge"}:
        verdict.add_first(
            "identified",
            True,
            _l(
                "The image names one of our awards; our records were checked, not the copy in the image."
            ),
        )
    return verdict


def _check_copy_expiry(verdict: Verdict, assertion: dict[str, Any]) -> None:
    """Another issuer's copy: an ``expires`` already past decides; Unreadable if malformed."""
    if assertion.get("expires") is None:
        return
    expires = parse_date_time(assertion["expires"], "expires")
    verdict.expires_on = stamp(expires)
    if expires + CLOCK_SKEW <= now():
        verdict.status = "expired"
        verdict.add(
            "in_validity_period",
            False,
            _l("The copy in the image says its validity period is over."),
        )
