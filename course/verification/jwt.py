"""VC-JWT: Open Badges 3.0 credentials as JSON Web Tokens.

We never issue these, so one that claims to be ours is altered; other issuers' keys live on
their sites, which are not contacted, so only the token's form, dates and recipient are
checked here. The token's ``nbf`` and ``exp`` (RFC 7519 NumericDate: seconds since 1970, a
JSON number) count as well as the credential's own dates: it is valid only where both agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from ..badges.public import issuer
from .claims import (
    BAD_DATES,
    Period,
    describe_credential,
    finish_foreign,
    is_open_badge,
    issuer_id,
)
from .reading import NotABadge, Unreadable, b64url_json
from .verdict import Verdict

#: Public-key algorithms only: with HS256 and the like, anyone holding the secret signs.
ALLOWED_JWT_ALGORITHMS = {"RS256", "ES256", "EdDSA"}


def _decode(token: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The token's header, payload and the Open Badges credential it carries."""
    parts = token.split(".")
    if len(parts) != 3:
        raise Unreadable("a JWT has three parts")
    header, payload = b64url_json(parts[0]), b64url_json(parts[1])
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise Unreadable("the JWT header or payload is not an object")
    credential = payload.get("vc", payload)
    if not is_open_badge(credential):
        raise NotABadge("this JWT does not carry an Open Badges credential")
    return header, payload, credential


def _numeric_date(payload: dict[str, Any], name: str) -> datetime | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unreadable(f"the JWT's {name} is not a number", reason=BAD_DATES)
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise Unreadable(f"the JWT's {name} is out of range", reason=BAD_DATES) from None


def token_period(payload: dict[str, Any]) -> Period:
    """The period the token's own claims state: from ``nbf`` until ``exp``."""
    return Period(_numeric_date(payload, "nbf"), _numeric_date(payload, "exp"))


def _record_key(verdict: Verdict, header: dict[str, Any]) -> None:
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


def verify_jwt(token: str, email: str | None) -> Verdict:
    """A VC-JWT. We never issue these; other issuers' keys are not fetched."""
    header, payload, credential = _decode(token)
    verdict = Verdict("foreign_issuer")
    describe_credential(verdict, credential)
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
    claimed_issuer = issuer_id(credential) or payload.get("iss")
    if claimed_issuer == issuer().ob3_id:
        verdict.status = "altered"
        verdict.add(
            "key", False, _l("It claims to come from us, but we never issue badges in this form.")
        )
        return verdict
    _record_key(verdict, header)
    verdict.check_at = (
        claimed_issuer
        if isinstance(claimed_issuer, str) and claimed_issuer.startswith("https://")
        else None
    )
    return finish_foreign(verdict, credential, email, also=token_period(payload))
