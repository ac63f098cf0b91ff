"""Open Badges 2.0: hosted assertions, pasted as JSON or baked into an image.

The baked data only identifies the award; the hosted original (for ours, our records) decides.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from .links import verify_url
from .reading import NotABadge, strict_json
from .verdict import Verdict


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
        verdict.add_first(
            "identified",
            True,
            _l(
                "The image names one of our awards; our records were checked, not the copy in the image."
            ),
        )
    return verdict
