"""What other features may use of badges: read-only, named for what they ask.

Verification (and anything else outside ``course.badges``) reaches badges only through this
module: an award looked up by its public id, as a frozen record that carries no person; who
the issuer is and the public keys it publishes; checking an eddsa-rdfc-2022 proof; decoding a
Multikey; reading the data baked into a PNG or SVG. Nothing here writes, and the models,
documents, keys and cryptography behind it stay free to change.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..clock import aware
from . import dataintegrity, documents, multibase, recipients
from . import services as _services
from .baking import (
    OB2_KEYWORD,
    OB3_KEYWORD,
    OB3_NAMESPACE,
    PNG_SIGNATURE,
    BakingError,
    read_png_itxt,
    read_svg_element,
)
from .dataintegrity import ProofError
from .documents import Issuer
from .jsonld import ContextError, TooComplex

__all__ = [
    "PNG_SIGNATURE",
    "AwardRecord",
    "BakedData",
    "BakingError",
    "Issuer",
    "ProofError",
    "TooComplex",
    "check_proof",
    "find_award",
    "has_undefined_terms",
    "issuer",
    "issuer_keys",
    "public_key_from_multikey",
    "read_baked_png",
    "read_baked_svg",
]

#: The namespace openbadges-bakery gives the ``<openbadges:assertion>`` of an OB 2.0 SVG.
OB2_NAMESPACE = "http://openbadges.org"


@dataclass(frozen=True)
class AwardRecord:
    """One award as other features may read it: what, when, whether revoked; never who.

    The holder appears only as the salted hash of their email (or of their Wikimedia user
    page URL), which :meth:`issued_to` compares. Moments are timezone-aware (UTC).
    """

    uid: str
    badge_id: str
    issued_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    revocation_reason: str | None
    _salt: str = field(repr=False)
    _recipient_hash: str = field(repr=False)
    #: The signed OB 3.0 credential as issued (JSON text).
    _credential: str = field(repr=False)
    #: What the hash is of: "email" or "url".
    _recipient_type: str = field(default="email", repr=False)

    @property
    def issued_on(self) -> str:
        """When it was issued, as its documents print it (UTC, to the second, with a Z)."""
        return documents.timestamp(self.issued_at)

    @property
    def expires_on(self) -> str | None:
        """When it stops being valid, printed as :attr:`issued_on`; None if never."""
        return documents.timestamp(self.expires_at) if self.expires_at else None

    def issued_to(self, email: str) -> bool:
        """Whether it was issued to ``email``, or to a user page URL (through the salted hash)."""
        if recipients.is_url(email):
            digest, kind = recipients.url_recipient_hash(email, self._salt), "url"
        else:
            digest, kind = documents.recipient_hash(email, self._salt), "email"
        return kind == self._recipient_type and digest == self._recipient_hash

    def is_credential(self, document: Any) -> bool:
        """Whether ``document`` is exactly the OB 3.0 credential signed for this award."""
        return bool(self._credential) and json.loads(self._credential) == document


def find_award(uid: str) -> AwardRecord | None:
    """The award with this public id (the one in its URLs), or None."""
    award = _services.find(uid)
    if award is None:
        return None
    return AwardRecord(
        uid=award.uid,
        badge_id=award.badge_id,
        issued_at=aware(award.issued_at),
        expires_at=aware(award.expires_at),
        revoked_at=aware(award.revoked_at),
        revocation_reason=award.revocation_reason,
        _salt=award.salt,
        _recipient_hash=award.recipient_hash,
        _credential=award.credential,
        _recipient_type=award.recipient_type or "email",
    )


def issuer() -> Issuer:
    """This installation as an issuer: its name, site and the ids of its profiles."""
    return _services.issuer()


def issuer_keys() -> Mapping[str, Ed25519PublicKey]:
    """Every public key the issuer publishes (current and retired), by verification method id.

    The id is the one a proof names in ``verificationMethod``: the issuer's OB 3.0 id, ``#``,
    and the key's Multikey.
    """
    prefix = _services.issuer().ob3_id + "#"
    return {prefix + key.multikey: key.public for key in _services.keystore().all()}


def check_proof(document: dict[str, Any], public_key: Ed25519PublicKey) -> None:
    """Check ``document``'s eddsa-rdfc-2022 proof with ``public_key``.

    Raises :class:`ProofError` when the proof is missing or malformed, does not match, or the
    document names a JSON-LD context that is not pinned here; :class:`TooComplex` (unchecked,
    in bounded time) when the document is larger or more tangled than any credential needs.
    """
    try:
        dataintegrity.verify(document, public_key)
    except ContextError as error:
        raise ProofError(str(error)) from None


def has_undefined_terms(document: dict[str, Any]) -> bool:
    """Whether ``document`` carries terms its contexts do not define (a proof cannot cover them).

    Raises :class:`TooComplex` when the document is over the size budgets.
    """
    return dataintegrity.undefined_terms(document)


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    """The Ed25519 public key a Multikey (``z6Mk…``) encodes; ValueError if it is not one."""
    return multibase.public_from_multikey(value)


@dataclass(frozen=True)
class BakedData:
    """What a badge image carries: OB 3.0 credential text and/or OB 2.0 assertion text."""

    credential: str | None
    assertion: str | None


def read_baked_png(data: bytes) -> BakedData:
    """The badge data baked into a PNG; :class:`BakingError` if the PNG is damaged."""
    return BakedData(read_png_itxt(data, OB3_KEYWORD), read_png_itxt(data, OB2_KEYWORD))


def read_baked_svg(data: bytes) -> BakedData:
    """The badge data baked into an SVG (parsed safely); :class:`BakingError` if unreadable."""
    return BakedData(
        read_svg_element(data, OB3_NAMESPACE, "credential"),
        read_svg_element(data, OB2_NAMESPACE, "assertion"),
    )
