"""Accounts as a visitor meets them: sign-up, confirmation, sign-in, reset, settings, privacy."""

from __future__ import annotations

import json
import re
import statistics
import time
from urllib.parse import urlsplit

import pytest
from helpers import PASSWORD, csrf_token, login, submit, user_count

from course.accounts.models import User, UserSession
from course.extensions import db


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def register(client, email="ada@example.org", name="Ada", password=PASSWORD):
    return submit(client, "/register", {"display_name": name, "email": email, "password": password})


def confirm_from_mail(client, mailbox, email="ada@example.org"):
    link = path_of(mailbox.last_link(email))
    page = client.get(link)
    assert page.status_code == 200
    return submit(client, link, {})


def test_sign_up_confirms_by_email_then_signs_in(client, app, mailbox):
    response = register(client, email="  Ada@Example.ORG ")
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    assert "Check your inbox" in client.get(response.headers["Location"]).get_data(as_text=True)

    # Opening the link (as a mail scanner would) changes nothing; the button does.
    link = path_of(mailbox.last_link("ada@example.org"))
    client.get(link)
    with app.app_context():
        assert db.session.query(User).one().email_confirmed_at is None

    response = confirm_from_mail(client, mailbox)
    assert response.status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert "Signed in as Ada" in home
    with app.app_context():
        assert db.session.query(User).one().email_confirmed_at is not None


def test_unconfirmed_account_cannot_sign_in_and_gets_a_new_link(client, mailbox):
    register(client)
    response = login(client)
    assert "confirm your email address first" in response.get_data(as_text=True)
    assert len(mailbox.to("ada@example.org")) == 2
    assert "Signed in" not in client.get("/").get_data(as_text=True)


def test_sign_up_with_a_registered_address_looks_the_same_and_changes_nothing(
    client, app, mailbox, create_user
):
    create_user(email="ada@example.org")
    fresh = register(client, email="new@example.org")
    taken = register(client, email="ADA@example.org", name="Impostor", password="another password")
    assert (fresh.status_code, fresh.headers["Location"]) == (
        taken.status_code,
        taken.headers["Location"],
    )
    assert user_count(app) == 2
    with app.app_context():
        assert db.session.query(User).filter_by(email="ada@example.org").one().display_name == "Ada"
    assert "already have an account" in mailbox.to("ada@example.org")[-1].get_payload()
    assert login(client).status_code == 303  # the old password still works


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "Enter an email address"),
        ("email", "a" * 300 + "@example.org", "at most 254 characters"),
        ("password", "short", "between 8 and 256 characters"),
        ("password", "x" * 1_000_000, "between 8 and 256 characters"),
        ("display_name", "n" * 10_000, "at most 80 characters"),
        ("display_name", "Ada\u202eevil", "visible characters"),
        ("display_name", "   ", "Enter the name"),
    ],
)
def test_sign_up_rejects_bad_input_clearly_and_keeps_the_rest(client, app, field, value, message):
    data = {"display_name": "Ada", "email": "ada@example.org", "password": PASSWORD, field: value}
    response = submit(client, "/register", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    if field != "email":
        assert 'value="ada@example.org"' in page
    assert 'aria-invalid="true"' in page
    assert user_count(app) == 0


def test_sign_in_answers_alike_for_unknown_address_and_wrong_password(client, create_user):
    create_user()
    wrong = login(client, password="not the password")
    unknown = login(client, email="nobody@example.org")
    assert wrong.status_code == unknown.status_code == 400
    assert without_values(wrong) == without_values(unknown)
    assert "The email address or password is incorrect." in wrong.get_data(as_text=True)


def without_values(response) -> str:
    """The page with field values (CSRF token, typed address) blanked out."""
    return re.sub(r'value="[^"]*"', 'value=""', response.get_data(as_text=True))


def test_sign_in_goes_back_only_to_pages_of_this_site(client, create_user):
    create_user()
    assert client.get("/account").headers["Location"].startswith("/login?next=")
    response = submit(
        client, "/login", {"email": "ada@example.org", "password": PASSWORD, "next": "/account"}
    )
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "////evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/%09/evil.example",
        "https:evil.example",
        "http://localhost@evil.example",
        "javascript:alert(1)",
        " /account",
        "/account\r\nLocation: https://evil.example",
        "/no-such-page",
    ],
)
def test_sign_in_refuses_to_redirect_elsewhere(client, create_user, target):
    create_user()
    client.get("/login", query_string={"next": target})
    response = submit(
        client, "/login", {"email": "ada@example.org", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/my-learning"


@pytest.mark.settings(LOGIN_LIMIT_PER_ACCOUNT="5 per 2 seconds")
def test_twenty_wrong_passwords_are_throttled_without_locking_the_owner_out(client, create_user):
    create_user()
    statuses = [login(client, password=f"guess {n}").status_code for n in range(20)]
    assert statuses[:5] == [400] * 5
    assert set(statuses[5:]) == {429}
    throttled = login(client)
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) <= 2
    assert "Too many attempts" in throttled.get_data(as_text=True)
    time.sleep(2.1)
    assert login(client).status_code == 303


@pytest.mark.settings(LOGIN_LIMIT_PER_ADDRESS="3 per minute")
def test_many_accounts_from_one_address_are_throttled(client):
    statuses = [login(client, email=f"user{n}@example.org").status_code for n in range(5)]
    assert statuses == [400, 400, 400, 429, 429]


def sign_out(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})


@pytest.mark.settings(LOGIN_LIMIT_PER_ACCOUNT="5 per minute", LOGIN_LIMIT_PER_DEVICE="5 per minute")
def test_a_stranger_cannot_lock_the_owner_out_of_her_trusted_device(app, create_user):
    """OWASP's device cookies: strangers share the per-account budget; her browser has its own."""
    create_user()
    owner = app.test_client()
    assert login(owner).status_code == 303  # this browser is now trusted for ada@example.org
    sign_out(owner)
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "203.0.113.9"  # another device, another address
    stranger.set_cookie("course_device", owner.get_cookie("course_device").value + "x")  # forged
    statuses = [login(stranger, password=f"guess {n}").status_code for n in range(8)]
    assert statuses == [400] * 4 + [429] * 4  # the owner's first sign-in spent one of five
    assert login(owner).status_code == 303  # the owner still signs in
    assert login(stranger).status_code == 429  # the stranger stays throttled, right password or not
    newcomer = app.test_client()
    newcomer.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert login(newcomer).status_code == 429  # untrusted browsers share one budget
    other = app.test_client()
    other.set_cookie("course_device", owner.get_cookie("course_device").value)
    assert login(other, email="grace@example.org", password="guess").status_code == 400


@pytest.mark.settings(LOGIN_LIMIT_PER_ACCOUNT="5 per minute", LOGIN_LIMIT_PER_DEVICE="3 per minute")
def test_a_trusted_device_that_guesses_wrong_too_often_is_locked_itself(app, create_user):
    create_user()
    device = app.test_client()
    assert login(device).status_code == 303
    sign_out(device)
    statuses = [login(device, password=f"guess {n}").status_code for n in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert login(device).status_code == 429
    assert login(app.test_client()).status_code == 303  # its guesses spent only its own budget


def test_the_device_cookie_is_signed_private_and_names_no_address(app, create_user):
    create_user()
    client = app.test_client()
    response = login(client)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if "course_device=" in h)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie
    assert "ada" not in cookie.lower()


@pytest.mark.settings(SIGNUP_LIMIT_PER_ADDRESS="1000 per hour")
def test_sign_up_takes_as_long_for_a_registered_address_as_for_a_new_one(client, create_user):
    """Both paths hash a password: timing cannot tell who has an account (medians, same run)."""
    create_user()

    def timed(email: str) -> float:
        data = {"display_name": "Ada", "email": email, "password": PASSWORD}
        data["csrf_token"] = csrf_token(client, "/register")
        start = time.perf_counter()
        response = client.post("/register", data=data)
        elapsed = time.perf_counter() - start
        assert response.status_code == 303
        return elapsed

    new, taken = [], []
    for n in range(9):  # interleaved, so a slow moment of the machine hits both kinds
        new.append(timed(f"new{n}@example.org"))
        taken.append(timed("ada@example.org"))
    ratio = statistics.median(taken) / statistics.median(new)
    assert 0.5 <= ratio <= 2, (
        f"registered {statistics.median(taken):.3f} s, new {statistics.median(new):.3f} s"
    )


def test_forged_or_missing_csrf_token_keeps_what_was_typed(client, app):
    for token in ("forged", None):
        data = {"display_name": "Ada Lovelace", "email": "ada@example.org", "password": PASSWORD}
        if token:
            data["csrf_token"] = token
        response = client.post("/register", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "This form had expired" in page
        assert 'value="Ada Lovelace"' in page and 'value="ada@example.org"' in page
        assert PASSWORD not in page
    assert user_count(app) == 0


def test_state_changes_without_a_form_token_are_refused(client, create_user):
    create_user()
    login(client)
    response = client.post("/logout")
    assert response.status_code == 400
    assert "Signed in as Ada" in client.get("/").get_data(as_text=True)


def test_a_new_session_at_sign_in_and_none_after_sign_out(client, app, create_user):
    create_user()
    client.get("/login")
    before = client.get_cookie("course_session").value
    login(client)
    after = client.get_cookie("course_session").value
    assert before != after

    stolen = after
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert "Signed in" not in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.query(UserSession).count() == 0

    replay = app.test_client()
    replay.set_cookie("course_session", stolen)
    assert replay.get("/account").status_code == 302  # the copied cookie no longer signs in


def test_changing_the_password_signs_out_other_devices(app, create_user):
    create_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop)
    login(phone)
    response = submit(
        laptop,
        "/account/password",
        {
            "current_password": PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 303
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302
    assert login(app.test_client(), password=PASSWORD).status_code == 400
    assert login(app.test_client(), password="a brand new passphrase").status_code == 303


def test_changing_the_password_needs_the_current_one(client, create_user):
    create_user()
    login(client)
    response = submit(
        client,
        "/account/password",
        {
            "current_password": "wrong guess",
            "password": "new passphrase!",
            "confirm": "new passphrase!",
        },
    )
    assert response.status_code == 400
    assert "Your current password is incorrect." in response.get_data(as_text=True)
    mismatch = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": "new passphrase!", "confirm": "other one"},
    )
    assert "The two new passwords differ." in mismatch.get_data(as_text=True)


def test_password_reset_by_emailed_link_works_once(client, app, mailbox, create_user):
    create_user()
    response = submit(client, "/reset", {"email": "ada@example.org"})
    assert response.headers["Location"] == "/check-your-inbox?reason=reset"
    link = path_of(mailbox.last_link("ada@example.org"))
    assert client.get(link).status_code == 200
    response = submit(client, link, {"password": "my new passphrase"})
    assert response.status_code == 303
    assert "Signed in as Ada" in client.get("/").get_data(as_text=True)

    again = app.test_client().get(link)
    assert again.status_code == 400
    assert "invalid, has expired, or was already used" in again.get_data(as_text=True)
    assert login(app.test_client(), password=PASSWORD).status_code == 400
    assert login(app.test_client(), password="my new passphrase").status_code == 303


def test_password_reset_link_expires(client, mailbox, create_user, monkeypatch):
    create_user()
    real_time = time.time
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: real_time() - 2 * 3600)
    submit(client, "/reset", {"email": "ada@example.org"})
    monkeypatch.undo()
    response = client.get(path_of(mailbox.last_link("ada@example.org")))
    assert response.status_code == 400


def test_password_reset_for_an_unknown_address_looks_the_same(client, mailbox, create_user):
    create_user()
    known = submit(client, "/reset", {"email": "ada@example.org"})
    unknown = submit(client, "/reset", {"email": "nobody@example.org"})
    assert known.headers["Location"] == unknown.headers["Location"]
    assert mailbox.to("nobody@example.org") == []


def test_forged_reset_links_are_refused(client, create_user):
    create_user()
    for token in ("x", "eyJ1IjoxfQ.forged.sig", "a" * 5000):
        assert client.get("/reset/password", query_string={"token": token}).status_code == 400
    assert client.get("/reset/password").status_code == 400


def test_reset_confirms_a_pending_address(client, app, mailbox):
    register(client)
    submit(client, "/reset", {"email": "ada@example.org"})
    link = path_of(mailbox.last_link("ada@example.org"))
    submit(client, link, {"password": "chosen by the owner"})
    with app.app_context():
        assert db.session.query(User).one().email_confirmed_at is not None


def test_profile_and_export_show_only_my_data(app, create_user):
    create_user()
    create_user(email="grace@example.org", name="Grace")
    client = app.test_client()
    login(client)
    response = submit(client, "/account", {"display_name": "Ada L."})
    assert response.status_code == 303
    export = client.get("/account/export")
    assert export.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(export.get_data(as_text=True))
    assert data["account"]["display_name"] == "Ada L."
    assert data["account"]["email"] == "ada@example.org"
    assert "grace" not in export.get_data(as_text=True).lower()
    assert "password" not in export.get_data(as_text=True)


def test_deleting_the_account_needs_password_and_confirmation(app, create_user):
    create_user()
    client = app.test_client()
    login(client)
    assert submit(client, "/account/delete", {"password": PASSWORD}).status_code == 400
    wrong = submit(client, "/account/delete", {"password": "nope nope", "understood": "y"})
    assert "Your password is incorrect." in wrong.get_data(as_text=True)
    assert user_count(app) == 1

    response = submit(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 303
    assert user_count(app) == 0
    with app.app_context():
        assert db.session.query(UserSession).count() == 0
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize(
    "path", ["/account", "/account/password", "/account/export", "/account/delete"]
)
def test_account_pages_need_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_cli_creates_accounts_and_sets_roles(app, runner):
    result = runner.invoke(
        args=["users", "create", "Trainer@Example.org", "--role", "trainer", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert "trainer@example.org as trainer" in result.output
    again = runner.invoke(args=["users", "create", "trainer@example.org", "--password", PASSWORD])
    assert again.exit_code != 0 and "already has an account" in again.output
    bad = runner.invoke(args=["users", "create", "nope", "--password", PASSWORD])
    assert bad.exit_code != 0
    assert runner.invoke(args=["users", "set-role", "trainer@example.org", "admin"]).exit_code == 0
    with app.app_context():
        assert db.session.query(User).one().role.value == "admin"
    missing = runner.invoke(args=["users", "set-role", "ghost@example.org", "admin"])
    assert missing.exit_code != 0 and "No account" in missing.output
