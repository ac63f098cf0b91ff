"""JSON-LD for Open Badges 3.0 proofs: contexts pinned by SHA-256, canonicalization bounded.

Canonicalizing a credential resolves every ``@context`` it names. Fetching them while
serving would let a context host change what a signature covers and would open the server
to request forgery, so the documents come from the ``openbadgeslib`` package (which ships
exactly these bytes) and are checked against the hashes below; any other URL is refused.

RDF canonicalization (URDNA2015, now RDFC-1.0) takes time exponential in the number of blank
nodes that look alike: a 1.9 kB credential whose 8 blank nodes all reference one another
keeps PyLD busy for minutes. :func:`canonize` therefore refuses, before any JSON-LD work, a
document larger, deeper or with more objects than any credential needs, then one with too many
RDF statements or blank nodes, and runs what remains with a budget of deep-hashing steps
(calls of Hash N-Degree Quads per blank node, as rdf-canonize and RDF.ex bound them against
the specification's "poison graphs") and a deadline. Every refusal is :class:`TooComplex`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import time
from pathlib import Path
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
    data = _contexts_folder().joinpath(name).read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        raise ContextError(f"the bundled copy of {url} does not match its pinned SHA-256")
    return json.loads(data)


@functools.cache
def _contexts_folder() -> Path:
    """PACKAGE's folder, found without importing openbadgeslib: its ``__init__`` loads the
    whole library (about 50 ms at every start-up) when only these files are wanted."""
    top, *inner = PACKAGE.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"No module named {top!r}", name=top)
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*inner)


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A PyLD document loader that serves only pinned contexts (never the network)."""
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}


def check_pins() -> None:
    """Load every pinned context now, so a bad installation fails at start-up."""
    for url in PINNED:
        context_document(url)


class TooComplex(ValueError):
    """A document bigger or more tangled than any credential needs: not canonicalized."""


# Budgets with a wide margin over real credentials. Measured (compact JSON): ours 2.2 kB,
# 6 levels, 11 objects, 39 RDF statements, 4 blank nodes, no deep hashing; the largest of
# 1EdTech's examples (complete.json) 16 kB, 10 levels, 87 objects, 356 statements, 40 blank
# nodes, 20 deep hashes. The README's Verification section repeats these numbers.
MAX_BYTES = 256 * 1024
MAX_DEPTH = 20
MAX_OBJECTS = 300
MAX_QUADS = 2000
MAX_BLANK_NODES = 200
#: Runs of the Hash N-Degree Quads step allowed per blank node: the real credentials we measured
#: need at most one each; alike blank nodes that all reference one another need factorially many.
DEEP_HASHES_PER_BLANK_NODE = 4
#: Wall-clock bound on one canonicalization, checked at every deep hash.
DEADLINE_SECONDS = 2.0


def check_size(document: Any) -> None:
    """Refuse (:class:`TooComplex`) a document over the depth, object or size budget."""
    objects, stack = 0, [(document, 1)]
    while stack:  # iterative: a deep document must not exhaust the interpreter's stack
        value, depth = stack.pop()
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise TooComplex(f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            objects += 1
            if objects > MAX_OBJECTS:
                raise TooComplex(f"more than {MAX_OBJECTS} objects")
            value = list(value.values())
        stack.extend((item, depth + 1) for item in value)
    size = len(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode())
    if size > MAX_BYTES:
        raise TooComplex(f"larger than {MAX_BYTES // 1024} KiB")


@functools.cache
def _bounded_urdna2015() -> type[Any]:
    """PyLD's URDNA2015 with a budget of deep-hashing steps and a deadline.

    Made on first use: PyLD imports requests for a document loader never used here, which
    took about 35 ms of every start-up.
    """
    from pyld.canon import URDNA2015

    class BoundedURDNA2015(URDNA2015):
        def __init__(self, max_deep_hashes: int, deadline: float) -> None:
            super().__init__()
            self.deep_hashes_left = max_deep_hashes
            self.deadline = deadline

        def hash_n_degree_quads(self, id_: str, issuer: Any) -> dict[str, Any]:
            self.deep_hashes_left -= 1
            if self.deep_hashes_left < 0:
                raise TooComplex("its blank nodes are too alike and too interlinked")
            if time.monotonic() > self.deadline:
                raise TooComplex(f"canonicalization took over {DEADLINE_SECONDS:g} s")
            return super().hash_n_degree_quads(id_, issuer)

    return BoundedURDNA2015


def _blank_nodes(dataset: dict[str, list[dict[str, Any]]]) -> set[str]:
    found = {name for name in dataset if name.startswith("_:")}
    for triples in dataset.values():
        for triple in triples:
            for term in (triple["subject"], triple["object"]):
                if term["type"] == "blank node":
                    found.add(term["value"])
    return found


def canonize(document: dict[str, Any]) -> str:
    """``document`` as canonical N-Quads (URDNA2015), within the budgets above.

    Gives exactly what ``pyld.jsonld.normalize`` gives with the URDNA2015 algorithm and the
    pinned loader. Raises :class:`TooComplex` over a budget, and PyLD's ``JsonLdError`` when
    the document is not valid JSON-LD.
    """
    from pyld import jsonld as pyld_jsonld  # here, as in _bounded_urdna2015

    check_size(document)
    dataset = pyld_jsonld.to_rdf(
        document, {"documentLoader": document_loader, "produceGeneralizedRdf": False}
    )
    if sum(len(triples) for triples in dataset.values()) > MAX_QUADS:
        raise TooComplex(f"more than {MAX_QUADS} RDF statements")
    blank_nodes = len(_blank_nodes(dataset))
    if blank_nodes > MAX_BLANK_NODES:
        raise TooComplex(f"more than {MAX_BLANK_NODES} blank nodes")
    algorithm = _bounded_urdna2015()(
        DEEP_HASHES_PER_BLANK_NODE * blank_nodes, time.monotonic() + DEADLINE_SECONDS
    )
    return algorithm.main(dataset, {"format": "application/n-quads"})
