"""Privacy: deleting an account forgets the person, the export holds everything, logs no email.

After deletion, the published forms of a badge say "revoked" and nothing more: no salted hash
of the address that someone holding the address could check, no evidence of what the person
completed and when. Nothing the server keeps (database rows, rate-limit keys, logs) holds the
address in clear.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import re
import smtplib

import pytest
from helpers import PASSWORD, csrf_token, login, submit
from sqlalchemy import select, text

from course.badges.models import Award
from course.extensions import db

pytestmark = pytest.mark.content("tiny")

EMAIL = "ada@example.org"
DELETED = "The holder deleted their account."


def delete_account(client) -> None:
    response = submit(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 303


@pytest.fixture
def deleted(completed_learner):
    """Ada earned a badge, kept a copy of its credential, then deleted her account."""
    ada = completed_learner("first-edit-a-thon")
    award = ada.award()
    kept = ada.client.get(f"/badges/credentials/{award.uid}").get_json(force=True)
    delete_account(ada.client)
    return award, kept


def status_bit(client, index: int) -> bool:
    encoded = client.get("/badges/status/1").get_json(force=True)["credentialSubject"][
        "encodedList"
    ][1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def test_after_deletion_assertion_and_credential_answer_gone_with_the_revocation(app, deleted):
    award, kept = deleted
    visitor = app.test_client()
    for path in (f"/badges/ob2/assertions/{award.uid}", f"/badges/credentials/{award.uid}"):
        response = visitor.get(path)
        body = response.get_data(as_text=True)
        assert response.status_code == 410, path
        assert json.loads(body)["revoked"] is True
        assert json.loads(body)["revocationReason"] == DELETED
        assert award.salt not in body and award.recipient_hash not in body
    index = int(kept["credentialStatus"]["statusListIndex"])
    assert status_bit(visitor, index)
    gone = visitor.get(f"/badges/credentials/{award.uid}").get_json(force=True)
    assert gone["credentialStatus"] == kept["credentialStatus"]


def test_after_deletion_evidence_is_gone_and_nothing_links_to_it(app, deleted):
    award, _ = deleted
    visitor = app.test_client()
    assert visitor.get(f"/awards/{award.uid}/evidence").status_code in (404, 410)
    for path in (f"/awards/{award.uid}", f"/awards/{award.uid}/certificate"):
        page = visitor.get(path).get_data(as_text=True)
        assert "/evidence" not in page and "Ada" not in page
        assert "Revoked" in page


def test_after_deletion_no_row_holds_the_address_its_hash_or_salt(app, deleted):
    """Every table, the rate limiter's included, is searched for what could identify Ada."""
    award, _ = deleted
    with app.app_context():
        row = db.session.scalars(select(Award).where(Award.uid == award.uid)).one()
        assert (row.salt, row.recipient_hash, row.credential) == ("", "", "")
        assert json.loads(row.evidence or "[]") == []
        assert row.revocation_reason == DELETED
        everything = []
        for table in db.metadata.sorted_tables:  # rate_limit included
            everything += [str(tuple(r)) for r in db.session.execute(select(table))]
    dump = "\n".join(everything).lower()
    for secret in (EMAIL, award.salt, award.recipient_hash.removeprefix("sha256$")):
        assert secret.lower() not in dump


def test_a_kept_copy_of_a_deleted_award_verifies_as_revoked_and_matches_no_one(app, deleted):
    award, kept = deleted
    api = app.test_client()
    for body in ({"credential": kept}, {"url": f"http://localhost/awards/{award.uid}"}):
        verdict = api.post("/api/v1/verify", json={**body, "email": EMAIL}).get_json()
        assert verdict["status"] == "revoked"
        assert EMAIL not in json.dumps(verdict)


def test_the_export_holds_everything_kept_about_my_awards(app, completed_learner, trainer):
    ada = completed_learner("first-edit-a-thon")
    award = ada.award()
    path = f"/trainer/awards/{award.uid}/revoke"
    assert submit(trainer, path, {"reason": "Shared answers", "confirm": "y"}).status_code == 303
    data = json.loads(ada.client.get("/account/export").get_data(as_text=True))
    (entry,) = data["awards"]
    assert entry["id"] == award.uid
    assert entry["salt"] == award.salt
    assert entry["identity_hash"] == award.recipient_hash
    assert entry["expires_at"].startswith(str(award.expires_at.year))
    assert entry["revocation_reason"] == "Shared answers" and entry["revoked_at"]
    assert [e["module"] for e in entry["evidence"]] == ["first-edit-a-thon"]
    assert entry["evidence"][0]["completed_at"]
    assert entry["credential"]["id"].endswith(award.uid)
    (audit,) = data["badge_audit_log"]
    assert (audit["action"], audit["award"], audit["detail"]) == (
        "revoke-award",
        award.uid,
        "Shared answers",
    )
    assert "tess" not in json.dumps(data).lower()  # who revoked it is a trainer's own data


def test_the_delete_page_says_what_happens_to_badges(client, create_user):
    create_user()
    login(client)
    page = client.get("/account/delete").get_data(as_text=True)
    assert "revoked" in page and "evidence" in page
    french = client.get("/account/delete", headers={"Accept-Language": "fr"})
    assert "révoqués" in french.get_data(as_text=True)


def test_rate_limit_keys_hold_no_address(app, client, create_user):
    create_user()
    for password in ("wrong one", PASSWORD):
        login(client, password=password)
    submit(client, "/reset", {"email": EMAIL})
    with app.app_context():
        keys = list(db.session.scalars(text("SELECT key FROM rate_limit")))
    assert any("accounts.login" in key for key in keys)
    assert not [key for key in keys if "example.org" in key.lower()]


@pytest.mark.settings(MAIL_SERVER=None, LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
def test_no_address_reaches_the_logs(app, client, caplog):
    """Sign-up (new and taken), confirmation, failed and throttled sign-in, reset, deletion."""
    caplog.set_level(logging.DEBUG)
    register = {"display_name": "Ada", "email": EMAIL, "password": PASSWORD}
    assert submit(client, "/register", register).status_code == 303
    link = re.findall(r"https?://localhost(/confirm\S+)", caplog.text)[-1]  # as the README says
    assert submit(client, link, {}).status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert submit(client, "/register", register).status_code == 303
    statuses = [login(client, password=f"guess {n}").status_code for n in range(3)]
    assert statuses == [400, 400, 429]
    assert submit(client, "/reset", {"email": EMAIL}).status_code == 303
    owner = app.test_client()
    link = re.findall(r"https?://localhost(/reset/password\S+)", caplog.text)[-1]
    assert submit(owner, link, {"password": "a new passphrase"}).status_code == 303
    response = submit(owner, "/account/delete", {"password": "a new passphrase", "understood": "y"})
    assert response.status_code == 303
    assert EMAIL not in caplog.text.lower()


@pytest.mark.settings(PROPAGATE_EXCEPTIONS=False)
def test_a_database_error_logs_no_address(app, client, caplog):
    """The failing statement is logged, but not the values it was given."""
    caplog.set_level(logging.DEBUG)
    token = csrf_token(client, "/register")
    data = {"csrf_token": token, "display_name": "Ada", "email": EMAIL, "password": PASSWORD}
    rename(app, '"user"', "user_gone")
    try:
        assert client.post("/register", data=data).status_code >= 500
    finally:
        rename(app, "user_gone", '"user"')  # the next test's database starts clean
    assert caplog.records, "the error was not logged at all"
    assert EMAIL not in caplog.text.lower()


def rename(app, table: str, to: str) -> None:
    with app.app_context():
        db.session.execute(text(f"ALTER TABLE {table} RENAME TO {to}"))
        db.session.commit()


def test_a_refused_recipient_is_logged_without_the_address(client, caplog, monkeypatch):
    def refuse(self, message, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({EMAIL: (550, f"<{EMAIL}>: no such user".encode())})

    monkeypatch.setattr(smtplib.SMTP, "send_message", refuse)
    caplog.set_level(logging.DEBUG)
    register = {"display_name": "Ada", "email": EMAIL, "password": PASSWORD}
    assert submit(client, "/register", register).status_code == 303
    assert "Could not send email" in caplog.text and "SMTPRecipientsRefused" in caplog.text
    assert EMAIL not in caplog.text.lower()
