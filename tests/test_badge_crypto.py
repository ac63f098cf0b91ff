"""Open Badges 3.0 proofs and baking, checked against 1EdTech's own vectors."""

from __future__ import annotations

import html
import io
import json
import re

import openbadges_bakery
import pytest
from content_examples import tiny_png
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from course.badges import baking, dataintegrity, multibase
from course.badges.jsonld import ContextError, context_document
from course.config import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared" / "openbadges"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="1EdTech's vectors are read from ../shared/openbadges, absent here"
)


def vector() -> tuple[dict, str]:
    """The credential and expected proofValue of 1EdTech's eddsa-rdfc-2022 test vector."""
    page = html.unescape(
        re.sub(r"<[^>]+>", "", (SHARED / "spec/ob_v3p0/impl/linked-data-proof-ob.html").read_text())
    )
    start = page.index("The credential used in the example is:") + len(
        "The credential used in the example is:"
    )
    document = json.loads(page[start : page.index("Document before signing")].strip())
    proof_value = re.search(r"Proof value \(hex\)\s+(z\w+)", page).group(1)
    return document, proof_value


@needs_shared
def test_signing_reproduces_1edtechs_eddsa_rdfc_2022_test_vector():
    document, expected = vector()
    key = Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex("6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4")
    )
    assert (
        multibase.multikey_from_public(key.public_key())
        == "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    )
    signed = dataintegrity.sign(
        document,
        key,
        "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        "2010-01-01T19:23:24Z",
    )
    assert signed["proof"][0]["proofValue"] == expected


def test_a_signature_covers_every_field():
    key = Ed25519PrivateKey.generate()
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "https://example.org/c/1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://example.org/issuer", "type": ["Profile"], "name": "Example"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Badge",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/a",
                "type": ["Achievement"],
                "name": "A",
                "description": "D",
                "criteria": {"narrative": "N"},
            },
        },
    }
    signed = dataintegrity.sign(
        document, key, "https://example.org/issuer#k", "2026-01-01T00:00:00Z"
    )
    dataintegrity.verify(signed, key.public_key())
    for change in ({"validFrom": "2027-01-01T00:00:00Z"}, {"name": "Other"}):
        with pytest.raises(dataintegrity.ProofError):
            dataintegrity.verify({**signed, **change}, key.public_key())
    with pytest.raises(dataintegrity.ProofError):
        dataintegrity.verify(signed, Ed25519PrivateKey.generate().public_key())
    assert not dataintegrity.undefined_terms(document)
    assert dataintegrity.undefined_terms({**document, "smuggled": "unsigned"})


def test_contexts_come_only_from_pinned_local_copies():
    assert "@context" in context_document("https://www.w3.org/ns/credentials/v2")
    with pytest.raises(ContextError):
        context_document("https://evil.example/context.json")


def test_a_baked_png_carries_both_formats_once_and_stays_a_valid_png():
    credential = json.dumps({"name": "“Femmes” <b>&</b> ]]> مرحبا 🎉"}, ensure_ascii=False)
    assertion = json.dumps({"id": "https://example.org/a/1", "type": "Assertion"})
    baked = baking.bake_png(tiny_png(), assertion, credential)
    baked_again = baking.bake_png(baked, assertion, credential)
    kinds = [kind for kind, _ in baking.png_chunks(baked_again)]
    assert kinds.count(b"iTXt") == 2  # one openbadges, one openbadgecredential
    assert baking.read_png_itxt(baked_again, baking.OB3_KEYWORD) == credential
    unbaked = openbadges_bakery.unbake(io.BytesIO(baked_again))
    assert json.loads(unbaked)["id"] == "https://example.org/a/1"


def test_a_baked_svg_carries_both_formats_and_stays_well_formed():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>x</title></svg>'
    credential = json.dumps({"name": "<script>alert(1)</script> ]]> \u202eevil"})
    baked = baking.bake_svg(svg, json.dumps({"id": "https://example.org/a/1"}), credential)
    assert baking.read_svg_element(baked, baking.OB3_NAMESPACE, "credential") == credential
    assert baking.read_svg_element(baked, "http://openbadges.org", "assertion") is not None
    assert b"<script>" not in baked.replace(b"<![CDATA[", b"").split(b"]]>")[-1]


@needs_shared
@pytest.mark.parametrize(
    "name", ["simple-json.png", "simple-jwt.png", "simple-json.svg", "simple-jwt.svg"]
)
def test_1edtechs_baked_ob3_images_can_be_read(name):
    data = (SHARED / "vectors" / name).read_bytes()
    if name.endswith(".png"):
        text = baking.read_png_itxt(data, baking.OB3_KEYWORD)
    else:
        text = baking.read_svg_element(data, baking.OB3_NAMESPACE, "credential")
    if "json" in name:
        assert "OpenBadgeCredential" in json.loads(text)["type"]
    else:
        assert text.count(".") == 2  # header.payload.signature


@pytest.mark.parametrize(
    "data",
    [
        b"not an image",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR",  # truncated
        tiny_png()[:-5],
    ],
)
def test_broken_pngs_are_refused_cleanly(data):
    with pytest.raises(baking.BakingError):
        baking.read_png_itxt(data, baking.OB3_KEYWORD)


def test_hostile_svgs_are_refused_cleanly():
    xxe = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
    laughs = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>'
    for data in (xxe, laughs, b"<svg", b"<html></html>"):
        with pytest.raises(baking.BakingError):
            baking.read_svg_element(data, baking.OB3_NAMESPACE, "credential")
