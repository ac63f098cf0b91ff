"""JSON-LD contexts for Open Badges 3.0 proofs, from local files pinned by SHA-256.

Canonicalizing a credential resolves every ``@context`` it names. Fetching them while
serving would let a context host change what a signature covers and would open the server
to request forgery, so the documents come from the ``openbadgeslib`` package (which ships
exactly these bytes) and are checked against the hashes below; any other URL is refused.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from typing import Any

PACKAGE = "openbadgeslib.ob3.contexts"

#: URL -> (file in PACKAGE, SHA-256 of its bytes)
PINNED = {
    "https://www.w3.org/ns/credentials/v2": (
        "credentials-v2.json",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": (
        "ob-v3p0-context-3.0.3.json",
        "3d34f4d4ef1bce691106e63798beb5e7b862ba841423f5ee1e53ab7ddf3bca84",
    ),
    "https://w3id.org/security/data-integrity/v2": (
        "security-data-integrity-v2.json",
        "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
    ),
    "https://w3id.org/security/multikey/v1": (
        "security-multikey-v1.json",
        "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
    ),
}

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


class ContextError(ValueError):
    """A context that is not pinned, or whose bytes differ from the pinned ones."""


@functools.cache
def context_document(url: str) -> dict[str, Any]:
    """The parsed context for ``url``, after checking its bytes against the pin."""
    if url not in PINNED:
        raise ContextError(f"unknown JSON-LD context {url[:200]!r}: only pinned contexts are used")
    name, digest = PINNED[url]
    data = resources.files(PACKAGE).joinpath(name).read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        raise ContextError(f"the bundled copy of {url} does not match its pinned SHA-256")
    return json.loads(data)


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A PyLD document loader that serves only pinned contexts (never the network)."""
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}


def check_pins() -> None:
    """Load every pinned context now, so a bad installation fails at start-up."""
    for url in PINNED:
        context_document(url)
