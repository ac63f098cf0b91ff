"""Verification for affiliates: clear answers for every kind of badge, and for hostile input."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import struct
import tempfile
import time
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from content_examples import tiny_png
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers import submit

from course.badges import baking, dataintegrity, multibase
from course.badges.models import Award
from course.extensions import db

API = "/api/v1/verify"


pytestmark = pytest.mark.content("tiny")


@pytest.fixture
def award(completed_learner):
    """The badge Ada earned by completing the module."""
    return completed_learner("first-edit-a-thon").award()


def multipart(
    files: list[tuple[str, str, bytes]], fields: dict[str, str] | None = None
) -> tuple[bytes, str]:
    """A multipart body built in memory, as a browser sends it (no spooled temporary file)."""
    boundary = "----course-test-boundary"
    parts = []
    for name, value in (fields or {}).items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for field, filename, data in files:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        parts.append(
            head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(client, data: bytes, name: str = "badge.png", email: str | None = None):
    body, content_type = multipart([("file", name, data)], {"email": email} if email else None)
    return client.post(API, data=body, content_type=content_type)


def status_of(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["status"]


def baked(client, award, kind="png") -> bytes:
    return client.get(f"/badges/awards/{award.uid}/baked.{kind}").data


def test_our_baked_png_and_svg_verify_as_valid_with_their_checks(app, award):
    client = app.test_client()
    for kind in ("png", "svg"):
        result = upload(client, baked(client, award, kind), f"badge.{kind}").get_json()
        assert result["status"] == "valid"
        assert result["badge"]["name"] == "First edit-a-thon with a partner"
        assert result["issuer"]["name"] == "GLAM and gender course"
        assert {c["check"]: c["passed"] for c in result["checks"]}["signature"] is True
        assert result["evidence"].endswith(f"/awards/{award.uid}/evidence")


def test_the_email_given_must_be_the_holders(app, award):
    client = app.test_client()
    image = baked(client, award)
    assert status_of(upload(client, image, email=" ADA@example.org ")) == "valid"
    assert status_of(upload(client, image, email="someone@example.org")) == "recipient_mismatch"


def test_links_credentials_and_ids_of_this_server_are_resolved_without_http(app, award):
    client = app.test_client()
    credential = client.get(f"/badges/credentials/{award.uid}").get_data(as_text=True)
    for body in (
        {"url": f"http://localhost/awards/{award.uid}"},
        {"url": f"http://localhost/badges/ob2/assertions/{award.uid}"},
        {"credential": credential},
        {"credential": json.loads(credential)},
    ):
        assert status_of(client.post(API, json=body)) == "valid", body


def test_revoked_badges_say_so_with_the_reason(app, award, trainer):
    client = app.test_client()
    image = baked(client, award)
    submit(
        trainer, f"/trainer/awards/{award.uid}/revoke", {"reason": "Copied answers", "confirm": "y"}
    )
    result = upload(client, image).get_json()
    assert result["status"] == "revoked" and result["revocation_reason"] == "Copied answers"


def test_expired_badges_say_so(app, award):
    with app.app_context():
        row = db.session.get(Award, award.id)
        row.expires_at = row.issued_at
        db.session.commit()
    client = app.test_client()
    assert (
        status_of(client.post(API, json={"url": f"http://localhost/awards/{award.uid}"}))
        == "expired"
    )


def test_an_edited_credential_is_altered(app, award):
    client = app.test_client()
    credential = json.loads(client.get(f"/badges/credentials/{award.uid}").get_data(as_text=True))
    credential["credentialSubject"]["achievement"]["name"] = "Master of everything"
    assert status_of(client.post(API, json={"credential": credential})) == "altered"


def test_unsigned_terms_riding_on_a_valid_proof_are_refused(app, award):
    client = app.test_client()
    credential = json.loads(client.get(f"/badges/credentials/{award.uid}").get_data(as_text=True))
    credential["credentialSubject"]["extraHonours"] = "summa cum laude"
    assert status_of(client.post(API, json={"credential": credential})) == "altered"


def test_a_credential_signed_with_a_key_we_never_published_is_altered(app, award):
    client = app.test_client()
    credential = json.loads(client.get(f"/badges/credentials/{award.uid}").get_data(as_text=True))
    forger = Ed25519PrivateKey.generate()
    method = f"http://localhost/badges/issuer#{multibase.multikey_from_public(forger.public_key())}"
    forged = dataintegrity.sign(credential, forger, method, "2026-01-01T00:00:00Z")
    assert status_of(client.post(API, json={"credential": forged})) == "altered"


def test_a_baked_ob2_assertion_only_identifies_the_award(app, award):
    """Edited data inside an OB 2.0 image does not change the answer: our records decide."""
    client = app.test_client()
    assertion = client.get(f"/badges/ob2/assertions/{award.uid}").get_json()
    assertion["badge"] = "http://localhost/badges/ob2/classes/something-grander"
    image = baking.bake_png_itxt(tiny_png(), baking.OB2_KEYWORD, json.dumps(assertion))
    result = upload(client, image).get_json()
    assert result["status"] == "valid"
    assert result["badge"]["name"] == "First edit-a-thon with a partner"


def foreign_credential(key: Ed25519PrivateKey, **changes) -> dict:
    did = "did:key:" + multibase.multikey_from_public(key.public_key())
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:3f8e6a2c-1111-4d2a-9b6e-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Another Issuer"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Their badge",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:3f8e6a2c-1111-4d2a-9b6e-000000000002",
                "type": ["Achievement"],
                "name": "Their badge",
                "description": "D",
                "criteria": {"narrative": "N"},
            },
        },
        **changes,
    }
    return dataintegrity.sign(
        credential, key, f"{did}#{did.removeprefix('did:key:')}", "2025-01-01T00:00:00Z"
    )


def test_other_issuers_did_key_credentials_are_checked_offline(app):
    client = app.test_client()
    key = Ed25519PrivateKey.generate()
    result = client.post(API, json={"credential": foreign_credential(key)}).get_json()
    assert result["status"] == "foreign_issuer"
    checks = {c["check"]: c["passed"] for c in result["checks"]}
    assert checks["signature"] is True and checks["revocation"] is None
    tampered = foreign_credential(key)
    tampered["name"] = "Edited"
    assert status_of(client.post(API, json={"credential": tampered})) == "altered"
    future = foreign_credential(key, validFrom="2999-01-01T00:00:00Z")
    assert status_of(client.post(API, json={"credential": future})) == "not_yet_valid"
    past = foreign_credential(key, validUntil="2025-06-01T00:00:00Z")
    assert status_of(client.post(API, json={"credential": past})) == "expired"


def jwt(header: dict, payload: dict, signature: str = "c2ln") -> str:
    encode = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")  # noqa: E731
    return f"{encode(header)}.{encode(payload)}.{signature}"


VC = {
    "vc": {
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://other.example/issuer"},
        "credentialSubject": {"achievement": {"name": "Their badge"}},
    }
}


@pytest.mark.parametrize(
    ("header", "payload", "expected"),
    [
        ({"alg": "none"}, VC, "altered"),
        ({"alg": "HS256"}, VC, "altered"),  # a "public key" used as an HMAC secret
        ({"alg": "RS256", "jwk": {"kty": "RSA", "n": "x", "e": "AQAB"}}, VC, "foreign_issuer"),
        ({"alg": "RS256", "kid": "http://169.254.169.254/key"}, VC, "foreign_issuer"),
        (
            {"alg": "RS256"},
            {"vc": {**VC["vc"], "issuer": {"id": "http://localhost/badges/issuer"}}},
            "altered",
        ),
        ({"alg": "RS256"}, {"hello": "world"}, "not_a_badge"),
    ],
)
def test_jwts_get_a_clear_answer_and_no_key_is_fetched(app, header, payload, expected):
    client = app.test_client()
    assert status_of(client.post(API, json={"jwt": jwt(header, payload)})) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://2130706433/",
        "https://evil.example/assertion.json",
        "http://localhost@evil.example/awards/x",
    ],
)
def test_links_elsewhere_are_never_fetched(app, url):
    client = app.test_client()
    result = client.post(API, json={"url": url}).get_json()
    assert result["status"] == "foreign_issuer"
    assert result["checks"][0]["passed"] is False


def png_with(*chunks: tuple[bytes, bytes]) -> bytes:
    source = baking.png_chunks(tiny_png())
    out = [baking.PNG_SIGNATURE]
    for kind, body in [source[0], *chunks, *source[1:]]:
        out.append(
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )
    return b"".join(out)


def itxt(
    keyword: bytes, text: bytes, compressed: bool = False, language: bytes = b""
) -> tuple[bytes, bytes]:
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    return b"iTXt", keyword + b"\0" + flag + language + b"\0" + b"\0" + (
        zlib.compress(text) if compressed else text
    )


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">%s</svg>'


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "not_a_badge"),
        (b"plain text, not an image", "not_a_badge"),
        (b"%PDF-1.4 not a badge", "not_a_badge"),
        (b"GIF89a<script>alert(1)</script>", "not_a_badge"),
        (tiny_png(), "not_a_badge"),  # an image with no badge inside
        (tiny_png()[:40], "unreadable"),  # truncated
        (tiny_png()[:-6] + b"\x00\x00", "unreadable"),  # bad CRC at the end
        (png_with(itxt(b"openbadgecredential", b'{"a": 1}', compressed=True)), "unreadable"),
        (png_with(itxt(b"openbadgecredential", b'{"a": 1}', language=b"en")), "unreadable"),
        (
            png_with(itxt(b"openbadgecredential", b"{}"), itxt(b"openbadgecredential", b"{}")),
            "unreadable",
        ),
        (png_with(itxt(b"openbadgecredential", b"\xff\xfe not utf-8")), "unreadable"),
        (png_with(itxt(b"openbadgecredential", b'{"a": 1, "a": 2}')), "unreadable"),
        (
            png_with(itxt(b"openbadgecredential", b'{"a":' * 100000 + b"1" + b"}" * 100000)),
            "unreadable",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "unreadable",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;">]><svg xmlns="http://www.w3.org/2000/svg">&c;</svg>',
            "unreadable",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg SYSTEM "http://127.0.0.1:9/evil.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>',
            "not_a_badge",
        ),
        (SVG % b"<script>alert(1)</script><foreignObject><p>x</p></foreignObject>", "not_a_badge"),
        (
            SVG % b'<openbadges:credential verify="javascript:alert(1)"></openbadges:credential>',
            "unreadable",
        ),
        (
            b"<!--"
            + b" " * 5000
            + b"-->"
            + SVG % b"<openbadges:credential>{&quot;a&quot;: 1}</openbadges:credential>",
            "not_a_badge",
        ),
    ],
)
def test_hostile_or_broken_uploads_get_a_clear_status_never_a_500(app, data, expected):
    before = set(os.listdir(tempfile.gettempdir()))
    assert status_of(upload(app.test_client(), data)) == expected
    assert set(os.listdir(tempfile.gettempdir())) <= before  # no temporary file left behind


def test_an_svg_after_a_long_prologue_is_still_read(app, award):
    client = app.test_client()
    image = (
        b"<?xml version='1.0'?>\n<!--"
        + b" padding " * 500
        + b"-->\n"
        + baked(client, award, "svg").split(b"?>", 1)[-1]
    )
    assert status_of(upload(client, image, "badge.svg")) == "valid"


def test_bad_requests_answer_400_or_413_or_415_with_json(app):
    client = app.test_client()
    assert client.post(API, json={}).status_code == 400
    assert client.post(API, json={"url": "a", "jwt": "b"}).status_code == 400
    assert client.post(API, data="x", content_type="text/plain").status_code == 415
    body, content_type = multipart([("file", "x.png", b"\0" * (3 * 1024 * 1024))])
    big = client.post(API, data=body, content_type=content_type)
    assert big.status_code == 413 and big.get_json()["error"]
    assert big.headers["Access-Control-Allow-Origin"] == "*"


def test_the_api_allows_cross_origin_calls_and_is_documented(app):
    client = app.test_client()
    preflight = client.options(
        API, headers={"Origin": "https://partner.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    response = client.post(
        API, json={"url": "https://other.example/b"}, headers={"Origin": "https://partner.example"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = client.get("/api/openapi.json").get_json()
    statuses = document["components"]["schemas"]["Verdict"]["properties"]["status"]["enum"]
    assert set(statuses) == {
        "valid",
        "revoked",
        "expired",
        "not_yet_valid",
        "recipient_mismatch",
        "altered",
        "foreign_issuer",
        "not_a_badge",
        "unreadable",
    }


def test_verification_is_rate_limited_per_address(app):
    app.config["VERIFY_LIMIT_PER_ADDRESS"] = "3 per minute"
    client = app.test_client()
    statuses = [client.post(API, json={"url": "https://x.example/"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    limited = client.post(API, json={"url": "https://x.example/"})
    assert int(limited.headers["Retry-After"]) > 0 and limited.get_json()["error"]


def test_the_page_answers_in_plain_words_and_never_serves_an_uploaded_svg(app, award):
    client = app.test_client()
    page = client.get("/verify").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    svg = SVG % b"<script>alert('x')</script>"
    response = client.post(
        "/verify",
        data={"csrf_token": token, "file": (io.BytesIO(svg), "evil.svg")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "fr"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<script>alert" not in text
    assert '<html lang="fr"' in text
    valid = client.get(f"/verify?award={award.uid}").get_data(as_text=True)
    assert "This badge is real and valid" in valid


def test_bulk_check_of_links_and_csv_download(app, award):
    client = app.test_client()
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/verify/bulk").get_data(as_text=True)
    ).group(1)
    rows = f'link\nhttp://localhost/awards/{award.uid}\n=HYPERLINK("https://evil.example")\nhttps://other.example/x\n'
    response = client.post(
        "/verify/bulk",
        data={
            "csrf_token": token,
            "format": "csv",
            "links": (io.BytesIO(rows.encode()), "links.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert [row[1] for row in table[1:]] == ["valid", "not_a_badge", "foreign_issuer"]
    assert table[2][0].startswith("'=")  # no formula injection in spreadsheets
    html = client.post(
        "/verify/bulk",
        data={
            "csrf_token": token,
            "images": [(io.BytesIO(baked(client, award)), "a.png"), (io.BytesIO(b"nope"), "b.png")],
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "2 items checked" in html and "Valid" in html and "Not a badge" in html


def test_award_pages_carry_a_qr_code_to_their_verification(app, award):
    client = app.test_client()
    for path in (f"/awards/{award.uid}", f"/awards/{award.uid}/certificate"):
        page = client.get(path).get_data(as_text=True)
        assert "<svg" in page and "QR code to check this badge" in page
        assert f"/verify?award={award.uid}" in page


# --- dates of other issuers' credentials (issue 12 item 7) ---------------------------------


def at_run_time(values: dict) -> dict:
    """``values`` with each timedelta made a moment from now (not from collection time)."""

    def when(value):
        if isinstance(value, timedelta):
            return (datetime.now(UTC) + value).strftime("%Y-%m-%dT%H:%M:%SZ")
        return value

    return {name: when(value) for name, value in values.items()}


def seconds_from_now(values: dict) -> dict:
    """``values`` with each timedelta made a JWT NumericDate (seconds since 1970) from now."""
    return {
        name: time.time() + value.total_seconds() if isinstance(value, timedelta) else value
        for name, value in values.items()
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"validUntil": "2020-01-01T00:00:00Z"}, "expired"),
        ({"validUntil": "2020-01-01T02:00:00.123456789+02:00"}, "expired"),
        ({"validUntil": "2999-01-01T00:00:00-14:00"}, "foreign_issuer"),
        ({"validUntil": timedelta(minutes=-2)}, "foreign_issuer"),  # within the clock skew
        ({"validUntil": timedelta(minutes=-10)}, "expired"),
        ({"validFrom": timedelta(minutes=2)}, "foreign_issuer"),  # within the clock skew
        ({"validFrom": timedelta(minutes=10)}, "not_yet_valid"),
        # Not what OB 3.0 (DateTimeZ) and VC 2.0 (dateTimeStamp) allow: never "valid".
        ({"validUntil": "2020-01-01"}, "unreadable"),
        ({"validUntil": "2999-01-01"}, "unreadable"),
        ({"validUntil": "2020-01-01T00:00:00"}, "unreadable"),  # no time zone
        ({"validUntil": "2020-01-01t00:00:00z"}, "unreadable"),
        ({"validUntil": "2020-02-30T00:00:00Z"}, "unreadable"),
        ({"validUntil": "2020-01-01T00:00:00+15:00"}, "unreadable"),
        ({"validUntil": "２０２０-01-01T00:00:00Z"}, "unreadable"),  # full-width digits
        ({"validFrom": 1735689600}, "unreadable"),
    ],
)
def test_other_issuers_dates_are_read_strictly_with_a_small_clock_skew(app, changes, expected):
    credential = foreign_credential(Ed25519PrivateKey.generate(), **at_run_time(changes))
    result = app.test_client().post(API, json={"credential": credential}).get_json()
    assert result["status"] == expected, changes
    if expected == "unreadable":
        assert result["checks"][0]["check"] == "readable"
        assert "validity dates" in result["checks"][0]["description"]


def test_dates_in_a_verdict_are_printed_in_utc(app):
    credential = foreign_credential(
        Ed25519PrivateKey.generate(),
        validFrom="2025-01-01T02:00:00+02:00",
        validUntil="2999-01-01T00:00:00.5-01:00",
    )
    result = app.test_client().post(API, json={"credential": credential}).get_json()
    assert (result["issued_on"], result["expires_on"]) == (
        "2025-01-01T00:00:00Z",
        "2999-01-01T01:00:00Z",
    )


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"exp": 1577836800}, "expired"),  # 2020-01-01
        ({"exp": timedelta(hours=1), "nbf": timedelta(hours=-1)}, "foreign_issuer"),
        ({"nbf": timedelta(hours=1)}, "not_yet_valid"),
        ({"exp": timedelta(minutes=-1)}, "foreign_issuer"),  # within the clock skew
        ({"exp": "1577836800"}, "unreadable"),
        ({"exp": True}, "unreadable"),
        ({"exp": 10**20}, "unreadable"),
    ],
)
def test_a_jwts_exp_and_nbf_are_honoured(app, claims, expected):
    token = jwt({"alg": "RS256"}, {**VC, **seconds_from_now(claims)})
    assert status_of(app.test_client().post(API, json={"jwt": token})) == expected


def test_a_jwt_is_valid_only_where_its_claims_and_its_credential_agree(app):
    expired_inside = {"vc": {**VC["vc"], "validUntil": "2020-01-01T00:00:00Z"}}
    token = jwt({"alg": "RS256"}, {**expired_inside, "exp": time.time() + 3600})
    assert status_of(app.test_client().post(API, json={"jwt": token})) == "expired"


@pytest.mark.parametrize(
    ("expires", "expected"),
    [
        ("2020-01-01T00:00:00Z", "expired"),
        ("2999-01-01T00:00:00Z", "foreign_issuer"),  # an unsigned copy proves nothing more
        ("2020-01-01", "unreadable"),
    ],
)
def test_another_issuers_ob2_image_that_says_it_expired_is_expired(app, expires, expected):
    assertion = {"id": "https://other.example/assertions/1", "type": "Assertion"}
    image = baking.bake_png_itxt(
        tiny_png(), baking.OB2_KEYWORD, json.dumps({**assertion, "expires": expires})
    )
    assert status_of(upload(app.test_client(), image)) == expected
