"""Open Badges 3.0 credentials as JSON, secured with Data Integrity proofs (eddsa-rdfc-2022).

Ours: checked against the keys we publish, then our records decide. Other issuers': the proof
is checked only when its key travels in a ``did:key`` (nothing is fetched), then the dates
and the recipient hash.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask_babel import lazy_gettext as _l

from ..badges.public import (
    ProofError,
    TooComplex,
    check_proof,
    find_award,
    has_undefined_terms,
    issuer,
    issuer_keys,
    public_key_from_multikey,
)
from .claims import describe_credential, finish_foreign, is_open_badge, issuer_id
from .links import our_award_uid
from .ours import verdict_for_award
from .reading import NotABadge, Unreadable
from .verdict import Verdict


def verify_credential(credential: Any, email: str | None) -> Verdict:
    """An OB 3.0 credential as JSON."""
    if not is_open_badge(credential):
        raise NotABadge("this JSON is not an Open Badges 3.0 credential")
    verdict = Verdict("valid")
    describe_credential(verdict, credential)
    claimed_issuer = issuer_id(credential)
    method = _proof_method(credential)
    if claimed_issuer == issuer().ob3_id:
        return _verify_ours(verdict, credential, method, email)
    return _verify_foreign(verdict, credential, claimed_issuer, method, email)


def _proof_method(credential: dict[str, Any]) -> str | None:
    proofs = credential.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    for proof in proofs:
        if isinstance(proof, dict) and isinstance(proof.get("verificationMethod"), str):
            return proof["verificationMethod"]
    return None


#: Why a credential over the canonicalization budgets gets no other answer.
TOO_COMPLEX = _l(
    "Too complex to check: it is far larger or more tangled than any real badge, so we stopped before checking its signature."
)


def _signature_holds(verdict: Verdict, credential: dict[str, Any], key: Ed25519PublicKey) -> bool:
    """Whether the proof holds and covers everything; raises Unreadable when too complex."""
    try:
        return _check_signature(verdict, credential, key)
    except TooComplex as error:
        raise Unreadable(f"too complex to check: {error}", reason=TOO_COMPLEX) from None


def _check_signature(verdict: Verdict, credential: dict[str, Any], key: Ed25519PublicKey) -> bool:
    try:
        check_proof(credential, key)
    except ProofError as error:
        verdict.status = "altered"
        verdict.detail = str(error)
        verdict.add(
            "signature", False, _l("The signature does not match the data: something was changed.")
        )
        return False
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    if has_undefined_terms(unsigned):
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
    award = find_award(uid) if uid else None
    if award is not None and award.is_credential(credential):
        # Exactly what we issued and signed: our records decide, no need to re-derive the proof.
        verdict.add(
            "signature",
            True,
            _l("It is exactly the credential we issued and signed: nothing was changed."),
        )
        return verdict_for_award(award, email, verdict)
    key = issuer_keys().get(method) if method else None
    if key is None:
        verdict.status = "altered"
        verdict.add(
            "key", False, _l("It claims to come from us but is not signed with any key we publish.")
        )
        return verdict
    verdict.add("key", True, _l("It is signed with a key we publish."))
    if not _signature_holds(verdict, credential, key):
        return verdict
    if award is None:
        verdict.status = "altered"
        verdict.add("issued_here", False, _l("It is not in our records."))
        return verdict
    return verdict_for_award(award, email, verdict)


def _did_key(method: str) -> Ed25519PublicKey | None:
    did = method.split("#", 1)[0]
    if not did.startswith("did:key:z6Mk"):
        return None
    try:
        return public_key_from_multikey(did.removeprefix("did:key:"))
    except ValueError:
        return None


def _verify_foreign(
    verdict: Verdict,
    credential: dict[str, Any],
    claimed_issuer: str | None,
    method: str | None,
    email: str | None,
) -> Verdict:
    verdict.check_at = (
        claimed_issuer if claimed_issuer and claimed_issuer.startswith("https://") else None
    )
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
    elif method and claimed_issuer and method.split("#", 1)[0] != claimed_issuer:
        verdict.status = "altered"
        verdict.add("key", False, _l("It is signed with a key that does not belong to its issuer."))
        return verdict
    elif not _signature_holds(verdict, credential, key):
        return verdict
    return finish_foreign(verdict, credential, email)
