"""Badges as learners, trainers and outside verifiers meet them."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from helpers import PASSWORD, complete_module, form_fields, run_together, signed_in, submit

from course.badges import baking, dataintegrity, multibase
from course.badges.models import AuditEntry, Award
from course.config import PROJECT_ROOT
from course.extensions import db

MODULE = "/modules/first-edit-a-thon"
QUIZ = f"{MODULE}/quizzes/first-edit-a-thon-check"
SHARED = PROJECT_ROOT.parent / "shared" / "openbadges"

pytestmark = pytest.mark.content("tiny")


def only_award(app) -> Award:
    with app.app_context():
        award = db.session.query(Award).one()
        db.session.expunge(award)
        return award


@pytest.fixture
def awarded(completed_learner):
    """Ada completed the module: a client signed in as her, and her award."""
    ada = completed_learner("first-edit-a-thon")
    return ada.client, ada.award()


def test_completing_the_module_awards_the_badge_once(app, awarded):
    client, award = awarded
    assert award.badge_id == "first-edit-a-thon"
    complete_module(app, client, "first-edit-a-thon")  # doing it all again awards nothing more
    with app.app_context():
        assert db.session.query(Award).count() == 1
    page = client.get("/my-badges").get_data(as_text=True)
    assert "First edit-a-thon with a partner" in page and "Valid" in page


def test_two_tabs_completing_at_once_give_one_award(app, create_user):
    create_user()
    client = signed_in(app)
    for lesson in ("why-a-partner", "on-the-day", "english-only"):
        token = form_fields(client, f"{MODULE}/lessons/{lesson}")["csrf_token"]
        client.post(f"{MODULE}/lessons/{lesson}/done", data={"csrf_token": token})
    cookie = client.get_cookie("course_session").value
    calls = []
    for _ in range(6):
        tab = app.test_client()
        tab.set_cookie("course_session", cookie)
        data = {**form_fields(tab, QUIZ), "q-q-host": "embassy", "q-q-partner": "true"}
        calls.append(lambda tab=tab, data=data: tab.post(QUIZ, data=data).status_code)
    assert run_together(calls) == [303] * 6
    with app.app_context():
        assert db.session.query(Award).count() == 1


def test_the_hosted_ob2_assertion_hides_the_email_and_names_its_badge(app, awarded):
    client, award = awarded
    response = client.get(f"/badges/ob2/assertions/{award.uid}")
    assertion = response.get_json()
    assert response.mimetype == "application/ld+json"
    assert assertion["id"] == f"http://localhost/badges/ob2/assertions/{award.uid}"
    recipient = assertion["recipient"]
    expected = (
        "sha256$" + hashlib.sha256(("ada@example.org" + recipient["salt"]).encode()).hexdigest()
    )
    assert recipient == {
        "type": "email",
        "hashed": True,
        "salt": recipient["salt"],
        "identity": expected,
    }
    assert len(recipient["salt"]) >= 32
    assert assertion["verification"] == {"type": "HostedBadge"}
    assert assertion["issuedOn"].endswith("Z") and assertion["expires"].endswith("Z")
    badge_class = client.get(assertion["badge"].removeprefix("http://localhost")).get_json()
    assert badge_class["issuer"] == "http://localhost/badges/ob2/issuer"
    issuer = client.get("/badges/ob2/issuer").get_json()
    assert issuer["type"] == "Issuer" and issuer["url"] == "http://localhost"
    for path in (
        f"/badges/ob2/assertions/{award.uid}",
        f"/badges/credentials/{award.uid}",
        f"/awards/{award.uid}",
    ):
        text = client.get(path).get_data(as_text=True)
        assert "ada@example.org" not in text and "Ada" not in text


def credential_of(client, award) -> dict:
    return json.loads(client.get(f"/badges/credentials/{award.uid}").get_data(as_text=True))


def issuer_key(client, credential) -> Ed25519PublicKey:
    profile = client.get("/badges/issuer").get_json()
    method = credential["proof"][0]["verificationMethod"]
    entry = next(m for m in profile["verificationMethod"] if m["id"] == method)
    issuer = credential["issuer"]
    assert (
        entry["controller"]
        == (issuer["id"] if isinstance(issuer, dict) else issuer)
        == profile["id"]
    )
    return multibase.public_from_multikey(entry["publicKeyMultibase"])


def test_the_ob3_credential_is_signed_by_a_key_the_issuer_publishes(app, awarded):
    client, award = awarded
    credential = credential_of(client, award)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["validUntil"] > credential["validFrom"]
    dataintegrity.verify(credential, issuer_key(client, credential))
    assert not dataintegrity.undefined_terms({k: v for k, v in credential.items() if k != "proof"})


@pytest.mark.skipif(
    not SHARED.is_dir(), reason="1EdTech's JSON Schema is read from ../shared/openbadges"
)
def test_the_ob3_credential_validates_against_1edtechs_json_schema(app, awarded):
    import jsonschema

    client, award = awarded
    schema = json.loads((SHARED / "schemas/ob_v3p0_achievementcredential_schema.json").read_text())
    jsonschema.validate(credential_of(client, award), schema, cls=jsonschema.Draft201909Validator)
    profile = json.loads((SHARED / "schemas/ob_v3p0_profile_schema.json").read_text())
    jsonschema.validate(
        client.get("/badges/issuer").get_json(), profile, cls=jsonschema.Draft201909Validator
    )


def test_an_independent_implementation_verifies_the_proof(app, awarded):
    """openbadgeslib, written by others, checks our eddsa-rdfc-2022 proof."""
    from cryptography.hazmat.primitives import serialization
    from openbadgeslib.ob3.ldp import verify_data_integrity_proof

    client, award = awarded
    credential = credential_of(client, award)
    pem = issuer_key(client, credential).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    verify_data_integrity_proof(credential, pem)
    tampered = {**credential, "name": "Something else"}
    with pytest.raises(Exception, match="(?i)signature|verif"):
        verify_data_integrity_proof(tampered, pem)


def test_baked_images_carry_the_award(app, awarded):
    client, award = awarded
    png = client.get(f"/badges/awards/{award.uid}/baked.png")
    assert png.mimetype == "image/png" and "attachment" in png.headers["Content-Disposition"]
    assert json.loads(baking.read_png_itxt(png.data, baking.OB3_KEYWORD))["id"].endswith(award.uid)
    assert award.uid in baking.read_png_itxt(png.data, baking.OB2_KEYWORD)
    svg = client.get(f"/badges/awards/{award.uid}/baked.svg")
    assert json.loads(baking.read_svg_element(svg.data, baking.OB3_NAMESPACE, "credential"))[
        "id"
    ].endswith(award.uid)


def test_revocation_shows_everywhere_on_the_next_request(app, awarded, trainer):
    client, award = awarded
    path = f"/trainer/awards/{award.uid}/revoke"
    refused = submit(trainer, path, {"reason": "Shared answers"})  # not confirmed
    assert refused.status_code == 400 and only_award(app).revoked_at is None
    response = submit(trainer, path, {"reason": "Shared answers", "confirm": "y"})
    assert response.status_code == 303

    gone = client.get(f"/badges/ob2/assertions/{award.uid}")
    assert gone.status_code == 410
    assert gone.get_json() == {
        **gone.get_json(),
        "revoked": True,
        "revocationReason": "Shared answers",
    }
    status_list = client.get("/badges/status/1").get_json()
    dataintegrity.verify(status_list, issuer_key(client, status_list))
    credential = credential_of(client, award)
    index = int(credential["credentialStatus"]["statusListIndex"])
    # The award's bit in the status list (gzip, multibase base64url "u…", first bit leftmost).
    encoded = status_list["credentialSubject"]["encodedList"]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert encoded.startswith("u") and bits[index // 8] & (0x80 >> (index % 8))
    page = client.get(f"/awards/{award.uid}").get_data(as_text=True)
    assert "Revoked on" in page and "Shared answers" in page
    assert client.get(f"/badges/awards/{award.uid}/baked.png").status_code == 404
    with app.app_context():
        entry = db.session.query(AuditEntry).one()
        assert (entry.action, entry.target, entry.detail) == (
            "revoke-award",
            award.uid,
            "Shared answers",
        )


def test_only_trainers_and_admins_see_awards_and_revoke(app, awarded):
    client, award = awarded
    for path in (
        "/trainer/badges",
        "/trainer/badges/first-edit-a-thon",
        f"/trainer/awards/{award.uid}/revoke",
    ):
        assert client.get(path).status_code == 403
        assert app.test_client().get(path).status_code == 302
    assert client.post(
        f"/trainer/awards/{award.uid}/revoke", data={"reason": "x", "confirm": "y"}
    ).status_code in (400, 403)
    assert only_award(app).revoked_at is None


def test_the_public_page_shows_the_name_only_when_the_learner_allows_it(app, awarded, create_user):
    client, award = awarded
    anonymous = app.test_client()
    assert "Ada" not in anonymous.get(f"/awards/{award.uid}").get_data(as_text=True)
    client.post(
        f"/my-badges/{award.uid}/name",
        data={"csrf_token": form_fields(client, "/my-badges")["csrf_token"], "show_name": "y"},
    )
    assert "<bdi>Ada</bdi>" in anonymous.get(f"/awards/{award.uid}").get_data(as_text=True)
    create_user("grace@example.org")
    other = signed_in(app, "grace@example.org")
    token = form_fields(other, "/my-badges")["csrf_token"]
    assert other.post(f"/my-badges/{award.uid}/name", data={"csrf_token": token}).status_code == 404
    assert "<bdi>Ada</bdi>" in anonymous.get(f"/awards/{award.uid}").get_data(as_text=True)


def test_my_awards_api_lists_every_form_of_each_award(app, awarded):
    client, award = awarded
    entry = client.get("/api/v1/me/awards").get_json()["awards"][0]
    assert entry["status"] == "valid"
    for key in ("ob2_assertion", "ob3_credential", "baked_png", "baked_svg", "public_page"):
        assert client.get(entry[key].removeprefix("http://localhost")).status_code == 200
    assert app.test_client().get("/api/v1/me/awards").status_code == 401


def test_deleting_the_account_revokes_its_awards(app, awarded):
    client, award = awarded
    submit(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert client.get(f"/badges/ob2/assertions/{award.uid}").status_code == 410
    assert only_award(app).user_id is None


def test_rotating_the_key_keeps_old_awards_verifying(app, awarded, runner):
    client, award = awarded
    result = runner.invoke(args=["badges", "keygen", "--rotate"])
    assert result.exit_code == 0 and "Created the badge signing key" in result.output
    credential = credential_of(client, award)
    dataintegrity.verify(
        credential, issuer_key(client, credential)
    )  # the old key is still published
    assert len(client.get("/badges/issuer").get_json()["verificationMethod"]) == 2


def test_keygen_keeps_keys_private_and_is_idempotent(app, runner, tmp_path):
    keys = tmp_path / "instance" / "keys"
    assert "Kept the badge signing key" in runner.invoke(args=["badges", "keygen"]).output
    for path in keys.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
