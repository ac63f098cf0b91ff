"""Headers and storage settings that protect every page."""

from __future__ import annotations

from helpers import PASSWORD, csrf_token, login, run_together
from sqlalchemy import text

from course.accounts.models import User
from course.extensions import db


def test_every_page_forbids_inline_script_framing_and_sniffing(client):
    for path in ("/", "/login", "/no-such-page"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_never_carry_inline_scripts_or_styles(client):
    for path in ("/", "/login", "/register", "/reset"):
        page = client.get(path).get_data(as_text=True)
        assert "<script" not in page and "style=" not in page


def test_signed_in_pages_are_not_cached_by_shared_caches(client, create_user):
    create_user()
    login(client)
    response = client.get("/account")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Cookie" in response.headers["Vary"]


def test_passwords_are_hashed_with_argon2id(app, create_user):
    create_user()
    with app.app_context():
        stored = db.session.scalar(db.select(User.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            pragma = lambda name: db.session.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") >= 5000


def sign_up_call(app, index: int, email: str):
    """A visitor with their own browser session, ready to send the sign-up form."""
    client = app.test_client()
    data = {
        "csrf_token": csrf_token(client, "/register"),
        "display_name": f"Learner {index}",
        "email": email,
        "password": PASSWORD,
    }
    return lambda: client.post("/register", data=data).status_code


def test_concurrent_sign_ups_never_hit_a_locked_database(app, mailbox):
    """Twenty visitors sign up at the same moment: every one succeeds, none gets a 500."""
    app.config["SIGNUP_LIMIT_PER_ADDRESS"] = "1000 per hour"
    calls = [sign_up_call(app, i, f"learner{i}@example.org") for i in range(20)]
    assert run_together(calls) == [303] * 20
    with app.app_context():
        assert db.session.query(User).count() == 20
    assert len(mailbox.messages) == 20


def test_the_same_address_signing_up_twice_at_once_makes_one_account(app, mailbox):
    calls = [sign_up_call(app, i, "ada@example.org") for i in range(8)]
    assert run_together(calls) == [303] * 8
    with app.app_context():
        assert db.session.query(User).count() == 1
