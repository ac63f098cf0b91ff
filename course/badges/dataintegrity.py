"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C VC Data Integrity EdDSA).

The document and the proof options are canonicalized to RDF (URDNA2015, contexts from the
pinned loader only), hashed with SHA-256 each, and the two hashes (proof first) are signed
with Ed25519. Verifiers also refuse documents carrying terms their contexts do not define:
canonicalization drops such terms, so they would otherwise ride along unsigned.

Canonicalization is bounded (see :mod:`.jsonld`) when signing as when verifying: a document
over the budgets raises :class:`~.jsonld.TooComplex`, which is not a :class:`ProofError`
(nothing says the proof is wrong; it was not checked).
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import multibase
from .jsonld import canonize, check_size, document_loader

CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofError(ValueError):
    """A proof that is missing, malformed, or does not verify."""


def _canonize(document: dict[str, Any]) -> bytes:
    from pyld import jsonld  # here, not at start-up: see .jsonld._bounded_urdna2015

    try:
        text = canonize(document)
    except jsonld.JsonLdError as error:
        raise ProofError(f"the document is not valid JSON-LD: {str(error)[:200]}") from None
    return text.encode()


def _hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    options = {**proof_options, "@context": document["@context"]}
    return (
        hashlib.sha256(_canonize(options)).digest() + hashlib.sha256(_canonize(document)).digest()
    )


def sign(
    document: dict[str, Any], key: Ed25519PrivateKey, verification_method: str, created: str
) -> dict[str, Any]:
    """``document`` with an eddsa-rdfc-2022 proof added (as a one-item list, as OB 3.0 wants)."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {
        "type": "DataIntegrityProof",
        "created": created,
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(unsecured, options))
    return {**unsecured, "proof": [{**options, "proofValue": multibase.encode(signature)}]}


def undefined_terms(document: dict[str, Any]) -> bool:
    """Whether expanding and compacting again loses anything (terms no context defines).

    Raises :class:`~.jsonld.TooComplex` for a document over the size budgets.
    """
    from pyld import jsonld  # here, not at start-up: see .jsonld._bounded_urdna2015

    check_size(document)
    try:
        expanded = jsonld.expand(copy.deepcopy(document), {"documentLoader": document_loader})
        compacted = jsonld.compact(
            expanded, {"@context": document["@context"]}, {"documentLoader": document_loader}
        )
    except jsonld.JsonLdError:
        return True
    compacted.pop("@context", None)
    original = {k: v for k, v in document.items() if k != "@context"}
    return _normal(compacted) != _normal(original)


def _normal(value: Any) -> Any:
    # Compaction turns one-item lists into values; compare modulo that.
    if isinstance(value, list):
        items = [_normal(item) for item in value]
        return items[0] if len(items) == 1 else items
    if isinstance(value, dict):
        return {key: _normal(item) for key, item in value.items()}
    return value


def verify(document: dict[str, Any], public_key: Ed25519PublicKey) -> dict[str, Any]:
    """Check the document's eddsa-rdfc-2022 proof with ``public_key``; return the proof."""
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    proof = next(
        (p for p in proofs if isinstance(p, dict) and p.get("cryptosuite") == CRYPTOSUITE), None
    )
    if proof is None or proof.get("type") != "DataIntegrityProof":
        raise ProofError("no eddsa-rdfc-2022 Data Integrity proof")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("the proof is not for assertions")
    try:
        signature = multibase.decode(str(proof.get("proofValue", "")))
    except ValueError as error:
        raise ProofError(str(error)) from None
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    try:
        public_key.verify(signature, _hash_data(unsecured, options))
    except InvalidSignature:
        raise ProofError("the signature does not match the document") from None
    return proof
