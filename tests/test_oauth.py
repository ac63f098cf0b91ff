"""Sign in with Wikimedia, against a real OAuth 2.0 provider on a loopback port.

The provider (``oauth_provider.py``) is built with Authlib's server components and serves
Wikimedia's endpoints and profile fields; the course talks to it over HTTP with its real
client. Nothing is mocked, and nothing reaches any host but 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from helpers import csrf_token, free_port, login, submit, user_count
from oauth_provider import Running, origin

from course.accounts.models import User, WikimediaIdentity
from course.badges.models import Award
from course.config import ConfigError
from course.extensions import db

CALLBACK = "http://localhost/login/wikimedia/callback"


@pytest.fixture
def wiki() -> Iterator[Running]:
    """The test provider, with the course registered as its consumer."""
    running = Running(free_port())
    running.register_client(CALLBACK)
    running.provider.add_user("1001", "Zoé Dupont")
    running.provider.signed_in = "1001"
    yield running
    running.stop()


@pytest.fixture
def app_settings(app_settings: dict[str, Any], wiki: Running) -> dict[str, Any]:
    """The course configured for the test provider (a ``settings`` marker still wins)."""
    return {**wiki.course_settings(), **app_settings}


def start(client: Any, path: str = "/login/wikimedia", page: str = "/login") -> str:
    """Press a Wikimedia button; return the provider URL the course sends the browser to."""
    answer = client.post(path, data={"csrf_token": csrf_token(client, page)})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return answer.headers["Location"]


def back(client: Any, location: str) -> Any:
    """Follow the provider's redirect back to the course's callback."""
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return client.get(f"{parts.path}?{parts.query}")


def wikimedia_sign_in(client: Any, wiki: Running, path: str = "/login/wikimedia") -> Any:
    page = "/account" if "account" in path else "/login"
    return back(client, wiki.provider.consent(start(client, path, page)))


def identities(app: Any) -> list[tuple[str, str, bool, int]]:
    with app.app_context():
        rows = db.session.scalars(db.select(WikimediaIdentity).order_by(WikimediaIdentity.sub))
        return [(r.sub, r.username, r.blocked, r.user_id) for r in rows]


def refused(answer: Any, words: str) -> None:
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "Nothing was changed" in page and words in page, page


# --- unconfigured --------------------------------------------------------------------------


@pytest.mark.settings(WIKIMEDIA_CLIENT_ID=None, WIKIMEDIA_CLIENT_SECRET=None)
def test_unconfigured_the_server_has_no_wikimedia_button_nor_pages(app, client, create_user):
    from course.security import CONTENT_SECURITY_POLICY

    assert "Sign in with Wikimedia" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert client.post("/login/wikimedia").status_code == 404
    assert client.get("/login/wikimedia/callback?state=x&code=y").status_code == 404
    create_user()
    login(client)
    settings = client.get("/account").get_data(as_text=True)
    assert "Wikimedia account" not in settings and "identify me" not in settings
    assert client.get("/account/badges-identity").status_code == 404
    assert client.post("/account/wikimedia/link").status_code == 404
    assert client.get("/admin/wikimedia-accounts").status_code == 404


def test_half_or_unsafe_configuration_is_refused_at_start(tmp_path):
    from course import create_app

    base = {"TESTING": True, "SECRET_KEY": "k" * 40}
    with pytest.raises(ConfigError, match="WIKIMEDIA_CLIENT_SECRET"):
        create_app({**base, "WIKIMEDIA_CLIENT_ID": "abc"}, load_content=False)
    with pytest.raises(ConfigError, match="WIKIMEDIA_OAUTH_BASE"):
        create_app(
            {
                **base,
                "WIKIMEDIA_CLIENT_ID": "a",
                "WIKIMEDIA_CLIENT_SECRET": "b",
                "WIKIMEDIA_OAUTH_BASE": "http://wiki.example/oauth2/",
            },
            load_content=False,
        )


# --- signing in ----------------------------------------------------------------------------


def test_first_sign_in_creates_an_account_keyed_by_sub_with_the_username(app, client, wiki):
    authorize = start(client)
    query = dict(parse_qsl(urlsplit(authorize).query))
    assert authorize.startswith(wiki.provider.url + "authorize?")
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) >= 43
    assert query["redirect_uri"] == CALLBACK and query["state"]
    answer = back(client, wiki.provider.consent(authorize))
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/my-learning")
    with app.app_context():
        user = db.session.scalars(db.select(User)).one()
        assert (user.display_name, user.email, user.password_hash) == ("Zoé Dupont", None, None)
    assert identities(app) == [("1001", "Zoé Dupont", False, user.id)]
    assert "Zoé Dupont" in client.get("/account").get_data(as_text=True)
    with client.session_transaction() as session:  # no state, verifier nor token left
        assert not [key for key in session if "state" in key or "wikimedia" in key]
    data = json.loads(client.get("/account/export").data)
    assert data["wikimedia"]["sub"] == "1001" and data["account"]["email"] is None


def test_second_sign_in_finds_the_account_renews_the_session_and_updates_name_and_block(
    app, client, wiki
):
    wikimedia_sign_in(client, wiki)
    with client.session_transaction() as session:
        first = session["sid"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    wiki.provider.users["1001"].username = "Zoé D."
    wiki.provider.users["1001"].blocked = True
    assert wikimedia_sign_in(client, wiki).status_code == 303
    with client.session_transaction() as session:
        assert session["sid"] != first
    assert user_count(app) == 1
    assert identities(app)[0][1:3] == ("Zoé D.", True)
    assert client.get("/modules").status_code == 200  # a block does not stop learning


def test_same_email_never_merges_into_the_email_account(app, client, wiki, create_user):
    ada = create_user("zoe@example.org")
    wiki.provider.users["1001"].email = "zoe@example.org"
    wiki.provider.email_granted = True
    wikimedia_sign_in(client, wiki)
    assert user_count(app) == 2
    assert identities(app)[0][3] != ada
    with app.app_context():
        assert db.session.get(User, ada).wikimedia is None


def test_an_email_learner_links_signs_in_either_way_and_unlinks(app, client, wiki, create_user):
    ada = create_user()
    login(client)
    linked = wikimedia_sign_in(client, wiki, "/account/wikimedia/link")
    assert linked.status_code == 303 and linked.headers["Location"].endswith("/account")
    assert identities(app) == [("1001", "Zoé Dupont", False, ada)]
    other = client.application.test_client()
    assert wikimedia_sign_in(other, wiki).status_code == 303
    assert "ada@example.org" in other.get("/account").get_data(as_text=True)
    assert user_count(app) == 1
    token = csrf_token(client, "/account")
    assert client.post("/account/wikimedia/unlink", data={"csrf_token": token}).status_code == 303
    assert identities(app) == []
    third = client.application.test_client()
    wikimedia_sign_in(third, wiki)  # a new account now: never merged into Ada's
    assert user_count(app) == 2
    assert login(client).status_code == 303


def test_a_wikimedia_only_account_cannot_unlink_its_only_way_in(app, client, wiki):
    wikimedia_sign_in(client, wiki)
    page = client.get("/account").get_data(as_text=True)
    assert "Unlink" not in page and "set a password" in page
    client.post("/account/wikimedia/unlink", data={"csrf_token": csrf_token(client, "/account")})
    assert len(identities(app)) == 1


def test_admins_see_the_blocked_flag_others_do_not(app, client, wiki, trainer, create_user):
    wiki.provider.users["1001"].blocked = True
    wikimedia_sign_in(client, wiki)
    assert client.get("/admin/wikimedia-accounts").status_code == 403
    assert trainer.get("/admin/wikimedia-accounts").status_code == 403
    assert "blocked" not in client.get("/account").get_data(as_text=True).lower()
    from course.accounts.models import Role

    create_user("root@example.org", role=Role.ADMIN)
    admin = client.application.test_client()
    login(admin, "root@example.org")
    page = admin.get("/admin/wikimedia-accounts").get_data(as_text=True)
    assert "Zoé Dupont" in page and "<td>yes</td>" in page


# --- refusals: each with a message, nothing changed ------------------------------------------


def test_a_mismatched_state_is_refused(app, client, wiki):
    location = wiki.provider.consent(start(client))
    parts = urlsplit(location)
    query = dict(parse_qsl(parts.query), state="forged")
    refused(client.get(f"{parts.path}?{urlencode(query)}"), "not started in this browser")
    assert user_count(app) == 0
    refused(back(client, location), "not started in this browser")  # the flow was spent
    assert wiki.provider.calls == []


def test_a_callback_from_another_browser_is_refused(app, client, wiki):
    location = wiki.provider.consent(start(client))
    refused(back(app.test_client(), location), "not started in this browser")
    assert user_count(app) == 0


def test_a_reused_code_is_refused(app, client, wiki):
    first = wiki.provider.consent(start(client))
    back(client, first)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    code = dict(parse_qsl(urlsplit(first).query))["code"]
    fresh = dict(parse_qsl(urlsplit(start(client)).query))["state"]
    refused(
        client.get(f"/login/wikimedia/callback?{urlencode({'code': code, 'state': fresh})}"),
        "may have been used already",
    )
    with client.session_transaction() as session:
        assert "sid" not in session
    assert user_count(app) == 1


def test_an_error_from_the_provider_is_refused(app, client, wiki):
    location = wiki.provider.consent(start(client), allow=False)
    assert "error=access_denied" in location
    refused(back(client, location), "You did not allow")
    assert user_count(app) == 0


@pytest.mark.parametrize("fault", ["no_access_token", "wrong_type"])
def test_a_token_response_without_the_expected_fields_is_refused(app, client, wiki, fault):
    wiki.provider.token_fault = fault
    refused(wikimedia_sign_in(client, wiki), "answer was incomplete")
    assert user_count(app) == 0 and "profile" not in wiki.provider.calls


def test_a_profile_other_than_the_linked_one_is_refused(app, client, wiki, create_user):
    ada = create_user()
    login(client)
    wikimedia_sign_in(client, wiki, "/account/wikimedia/link")
    wiki.provider.add_user("2002", "Someone Else")
    wiki.provider.signed_in = "2002"
    refused(wikimedia_sign_in(client, wiki, "/account/wikimedia/link"), "not the Wikimedia")
    assert identities(app) == [("1001", "Zoé Dupont", False, ada)]


def test_an_identity_linked_elsewhere_is_not_linked_again(app, client, wiki, create_user):
    wikimedia_sign_in(app.test_client(), wiki)  # Zoé's own account
    create_user()
    login(client)
    refused(wikimedia_sign_in(client, wiki, "/account/wikimedia/link"), "another account")
    assert len(identities(app)) == 1


# --- badges for an account without an email ------------------------------------------------


def award_of(app: Any) -> Award | None:
    with app.app_context():
        return db.session.scalars(db.select(Award)).first()


def complete(app: Any, client: Any) -> None:
    from helpers import complete_module

    complete_module(app, client, "first-edit-a-thon")


@pytest.mark.content("tiny")
def test_no_email_award_waits_until_an_address_is_confirmed(app, client, wiki, mailbox):
    wikimedia_sign_in(client, wiki)
    complete(app, client)
    assert award_of(app) is None
    assert "A badge is waiting" in client.get("/my-learning").get_data(as_text=True)
    page = client.get("/account/badges-identity").get_data(as_text=True)
    assert "cannot be issued until" in page
    sent = submit(client, "/account/badges-identity", {"email": "Zoe@Example.org"})
    assert sent.status_code == 303 and award_of(app) is None
    link = urlsplit(mailbox.last_link("zoe@example.org"))
    assert link.path == "/account/badges-identity/confirm"
    stranger = app.test_client()
    assert stranger.get(f"{link.path}?{link.query}").status_code == 302  # signed in only
    confirmed = submit(client, f"{link.path}?{link.query}", {})
    assert confirmed.status_code == 303
    award = award_of(app)
    assert award is not None and award.recipient_type == "email"
    verdict = client.post(
        "/api/v1/verify",
        json={"url": f"http://localhost/awards/{award.uid}", "email": "zoe@example.org"},
    ).get_json()
    assert verdict["status"] in {"valid"}, verdict


@pytest.mark.content("tiny")
def test_no_email_award_by_user_page_is_hashed_and_verifies(app, client, wiki):
    wikimedia_sign_in(client, wiki)
    complete(app, client)
    token = csrf_token(client, "/account/badges-identity")
    chosen = client.post("/account/badges-identity/user-page", data={"csrf_token": token})
    assert chosen.status_code == 303
    award = award_of(app)
    assert award is not None and award.recipient_type == "url"
    page_url = origin(wiki.provider) + "wiki/User:Zo%C3%A9_Dupont"
    assertion = client.get(f"/badges/ob2/assertions/{award.uid}").get_json()
    assert assertion["recipient"]["type"] == "url" and assertion["recipient"]["hashed"] is True
    assert page_url not in json.dumps(assertion)
    subject = json.loads(award.credential)["credentialSubject"]["identifier"][0]
    assert subject["identityType"] == "ext:url"
    link = f"http://localhost/awards/{award.uid}"
    for claimed, status in [
        (page_url, "valid"),
        (origin(wiki.provider) + "wiki/User:Zoé Dupont", "valid"),  # as an address bar shows it
        (origin(wiki.provider) + "wiki/User:Someone_Else", "recipient_mismatch"),
        ("zoe@example.org", "recipient_mismatch"),
    ]:
        verdict = client.post("/api/v1/verify", json={"url": link, "email": claimed}).get_json()
        assert verdict["status"] == status, (claimed, verdict)
    page = client.post(
        "/verify",
        data={"csrf_token": csrf_token(client, "/verify"), "text": link, "email": page_url},
    ).get_data(as_text=True)
    assert "It was issued to the user page given." in page


@pytest.mark.content("tiny")
def test_a_user_page_credential_still_validates_against_1edtechs_schema(app, client, wiki):
    import jsonschema

    from course.config import PROJECT_ROOT

    schema_file = (
        PROJECT_ROOT.parent / "shared/openbadges/schemas/ob_v3p0_achievementcredential_schema.json"
    )
    if not schema_file.exists():
        pytest.skip(f"1EdTech's schema is not at {schema_file}")
    wikimedia_sign_in(client, wiki)
    token = csrf_token(client, "/account/badges-identity")
    client.post("/account/badges-identity/user-page", data={"csrf_token": token})
    complete(app, client)  # chosen first: the award comes with the completion
    award = award_of(app)
    assert award is not None and award.recipient_type == "url"
    credential = client.get(f"/badges/credentials/{award.uid}").get_json()
    jsonschema.validate(
        credential, json.loads(schema_file.read_text()), cls=jsonschema.Draft201909Validator
    )


def test_only_the_button_pages_may_post_forms_to_the_provider(client, wiki):
    from course.security import CONTENT_SECURITY_POLICY

    allowed = f"form-action 'self' {origin(wiki.provider).rstrip('/')}"
    assert allowed in client.get("/login").headers["Content-Security-Policy"]
    assert client.get("/register").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.settings(RESET_LIMIT_PER_ADDRESS="2 per hour")
def test_asking_for_badge_email_links_is_rate_limited(app, client, wiki, mailbox):
    wikimedia_sign_in(client, wiki)
    for n in range(2):
        assert (
            submit(client, "/account/badges-identity", {"email": f"z{n}@example.org"}).status_code
            == 303
        )
    assert (
        submit(client, "/account/badges-identity", {"email": "z9@example.org"}).status_code == 429
    )
    assert not mailbox.to("z9@example.org")


def test_a_wikimedia_only_account_is_deleted_with_the_box_alone(app, client, wiki):
    wikimedia_sign_in(client, wiki)
    page = client.get("/account/delete").get_data(as_text=True)
    assert 'type="password"' not in page
    assert submit(client, "/account/delete", {"understood": "y"}).status_code == 303
    assert user_count(app) == 0 and identities(app) == []
    wikimedia_sign_in(client, wiki)  # signing in again makes a new, empty account
    assert user_count(app) == 1
