"""Verification stays cheap whatever is sent: bounded canonicalization, bounded CSV cells, and
one rate-limit budget for the page, the API and bulk checks (issue 12 items 1 and 8)."""

from __future__ import annotations

import io
import json
import secrets
from pathlib import Path

import pytest
from content_examples import tiny_png
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers import csrf_token

from course.badges import baking, dataintegrity, jsonld, multibase

API = "/api/v1/verify"
VECTORS = Path(__file__).resolve().parents[2] / "shared" / "openbadges" / "vectors"

pytestmark = pytest.mark.content("tiny")


def did_key_credential(**changes: object) -> dict:
    """Another issuer's credential with a did:key and a random proof value (not a signature)."""
    key = Ed25519PrivateKey.generate()
    did = "did:key:" + multibase.multikey_from_public(key.public_key())
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:9c1b7f6e-2222-4d2a-9b6e-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Someone"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:9c1b7f6e-2222-4d2a-9b6e-000000000002",
                "type": ["Achievement"],
                "name": "Tangled",
                "description": "D",
                "criteria": {"narrative": "N"},
            },
        },
        "proof": [
            {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "created": "2025-01-01T00:00:00Z",
                "verificationMethod": f"{did}#{did.removeprefix('did:key:')}",
                "proofPurpose": "assertionMethod",
                "proofValue": multibase.encode(secrets.token_bytes(64)),
            }
        ],
    }
    credential.update(changes)
    return credential


def interlinked(count: int) -> list[dict]:
    """``count`` blank nodes, alike, each referencing all the others: RDFC-1.0's worst case."""
    return [
        {
            "@id": f"_:n{i}",
            "https://example.org/knows": [{"@id": f"_:n{j}"} for j in range(count) if j != i],
        }
        for i in range(count)
    ]


def tangled_credential(count: int = 8) -> dict:
    credential = did_key_credential()
    credential["credentialSubject"]["https://example.org/nodes"] = interlinked(count)
    return credential


def test_interlinked_blank_nodes_are_refused_as_too_complex_not_canonicalized_for_minutes(app):
    """8 such nodes took PyLD over 100 s (a worker killed); now the answer comes at once."""
    credential = tangled_credential(8)
    assert len(json.dumps(credential)) < 3000  # a small document
    result = app.test_client().post(API, json={"credential": credential}).get_json()
    assert result["status"] == "unreadable"
    assert result["badge"] is None and result["issuer"] is None
    assert [(c["check"], c["passed"]) for c in result["checks"]] == [("readable", False)]
    assert result["checks"][0]["description"].startswith("Too complex to check")


def test_the_page_says_too_complex_in_the_visitors_language(app):
    client = app.test_client()
    response = client.post(
        "/verify",
        data={
            "csrf_token": csrf_token(client, "/verify"),
            "text": json.dumps(tangled_credential(8)),
        },
        headers={"Accept-Language": "fr"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "verdict-unreadable" in text
    assert "Trop complexe pour être vérifié" in text


@pytest.mark.parametrize(
    ("name", "grow"),
    [
        (
            "deep",
            lambda c: c.update(extra=json.loads('{"@list": ' + "[" * 22 + "1" + "]" * 22 + "}")),
        ),
        ("many objects", lambda c: c.update(evidence=[{"narrative": "x"}] * 600)),
        ("large", lambda c: c.update(description="x" * (300 * 1024))),
    ],
)
def test_documents_over_the_size_budgets_are_refused_before_any_json_ld_work(app, name, grow):
    credential = did_key_credential()
    grow(credential)
    with pytest.raises(jsonld.TooComplex):
        jsonld.check_size(credential)
    result = app.test_client().post(API, json={"credential": credential}).get_json()
    assert result["status"] == "unreadable", name


def test_signing_is_bounded_by_the_same_limits():
    unsigned = tangled_credential(8)
    del unsigned["proof"]
    with pytest.raises(jsonld.TooComplex):
        dataintegrity.sign(
            unsigned, Ed25519PrivateKey.generate(), "urn:key", "2025-01-01T00:00:00Z"
        )


def test_canonicalization_gives_up_at_its_deadline(monkeypatch):
    """Within the step budget (3 interlinked nodes need deep hashing), a spent deadline stops it."""
    document = tangled_credential(3)
    del document["proof"]
    assert jsonld.canonize(document)  # within every budget
    monkeypatch.setattr(jsonld, "DEADLINE_SECONDS", -1.0)
    with pytest.raises(jsonld.TooComplex, match="took over"):
        jsonld.canonize(document)


def test_real_credentials_are_far_inside_the_budgets(app, completed_learner):
    """Ours, and every 1EdTech example credential when ../shared/openbadges is present."""
    award = completed_learner("first-edit-a-thon").award()
    ours = json.loads(app.test_client().get(f"/badges/credentials/{award.uid}").data)
    unsigned = {k: v for k, v in ours.items() if k != "proof"}
    jsonld.canonize(unsigned)
    examples = sorted(VECTORS.glob("*.json")) if VECTORS.is_dir() else []
    for path in examples:
        document = json.loads(path.read_text())
        jsonld.check_size(document)
        if set(document["@context"]) <= set(jsonld.PINNED):
            jsonld.canonize({k: v for k, v in document.items() if k != "proof"})
        size = len(json.dumps(document, separators=(",", ":")).encode())
        assert size * 10 < jsonld.MAX_BYTES, path.name
    if not examples:
        pytest.skip("1EdTech's example credentials (../shared/openbadges/vectors) are absent")


# --- bulk checks and the shared budget -----------------------------------------------------


def bulk(client, headers: dict | None = None, **files: object):
    data = {"csrf_token": csrf_token(client, "/verify/bulk"), **files}
    return client.post(
        "/verify/bulk", data=data, content_type="multipart/form-data", headers=headers or {}
    )


def test_a_csv_cell_over_pythons_field_limit_is_a_clear_400_not_a_500(app):
    client = app.test_client()
    rows = "link\n" + "https://other.example/" + "x" * 140_000 + "\n"
    response = bulk(client, links=(io.BytesIO(rows.encode()), "links.csv"))
    assert response.status_code == 400
    assert "This CSV file cannot be read" in response.get_data(as_text=True)
    french = bulk(client, {"Accept-Language": "fr"}, links=(io.BytesIO(rows.encode()), "links.csv"))
    assert french.status_code == 400
    assert "Ce fichier CSV ne peut pas être lu" in french.get_data(as_text=True)


@pytest.mark.settings(VERIFY_LIMIT_PER_ADDRESS="3 per minute")
def test_the_api_the_page_and_bulk_share_one_budget(app):
    client = app.test_client()
    token = csrf_token(client, "/verify")
    for _ in range(3):
        assert client.post(API, json={"url": "https://x.example/"}).status_code == 200
    page = client.post("/verify", data={"csrf_token": token, "text": "https://x.example/"})
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    assert ">https://x.example/</textarea>" in page.get_data(as_text=True)  # kept, to resend
    links = (io.BytesIO(b"https://x.example/\n"), "links.csv")
    assert bulk(client, links=links).status_code == 429


@pytest.mark.settings(VERIFY_LIMIT_PER_ADDRESS="3 per minute")
def test_bulk_costs_one_per_image_and_one_per_csv(app):
    client = app.test_client()
    image = baking.bake_png_itxt(tiny_png(), baking.OB2_KEYWORD, '{"id": "https://x.example/a"}')
    images = [(io.BytesIO(image), "a.png"), (io.BytesIO(image), "b.png")]
    assert bulk(client, images=images).status_code == 200  # 2 of 3
    assert client.post(API, json={"url": "https://x.example/"}).status_code == 200  # 3 of 3
    assert client.post(API, json={"url": "https://x.example/"}).status_code == 429
    assert client.get("/verify/bulk").status_code == 200  # the form itself costs nothing


@pytest.mark.settings(VERIFY_LIMIT_PER_ADDRESS="3 per minute")
def test_a_bulk_check_larger_than_the_whole_budget_is_refused(app):
    client = app.test_client()
    images = [(io.BytesIO(tiny_png()), f"{i}.png") for i in range(4)]
    assert bulk(client, images=images).status_code == 429


def test_an_expired_verify_form_comes_back_with_what_was_pasted(app):
    client = app.test_client()
    client.get("/verify")
    page = client.post("/verify", data={"csrf_token": "stale", "text": "https://x.example/b"})
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert ">https://x.example/b</textarea>" in text and "This page had expired" in text
