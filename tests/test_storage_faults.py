"""Storage faults: a read-only or full database, a write lock held too long, a failed commit.

Each answers 503 with ``Retry-After`` and says nothing was saved; a quiz or account form
comes back with what was chosen or typed (never the password); API routes answer JSON; and
the server recovers by itself once the fault is gone, the rate limiter's connections too.

SQLite is where these faults can be reproduced in a test: the database file's state is
applied to every connection the app and the rate limiter open (``PRAGMA query_only`` for a
read-only file, ``PRAGMA max_page_count`` for a full disk, another connection holding the
write lock), as the real fault would be.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
from helpers import PASSWORD, PG_URL, csrf_token, form_fields, login, user_count
from sqlalchemy import Engine, event

from course.extensions import db
from course.learning.models import QuizAttempt
from course.ratelimit import limiter

pytestmark = pytest.mark.content("tiny")
sqlite_only = pytest.mark.skipif(
    bool(PG_URL),
    reason="reproduces SQLite faults (query_only, max_page_count, the file lock); "
    "PostgreSQL reports the same faults through SQLSTATEs classified in course.db",
)

QUIZ = "/modules/first-edit-a-thon/quizzes/first-edit-a-thon-check"
RIGHT = {"q-q-host": "embassy", "q-q-partner": "true"}


@dataclass
class Storage:
    """Switches for faults on every connection of the app and of the rate limiter."""

    engines: list[Engine]
    path: str
    read_only: bool = False
    max_pages: int | None = None
    listeners: list[tuple[Any, str, Any]] = field(default_factory=list)

    def break_writes(self) -> None:
        """The database file becomes read-only: connections opened from now on cannot write."""
        self.read_only = True
        for engine in self.engines:
            engine.dispose()

    def fill_disk(self) -> None:
        """No room left: the database cannot grow by a single page."""
        with sqlite3.connect(self.path) as connection:
            self.max_pages = connection.execute("PRAGMA page_count").fetchone()[0]

    def repair(self) -> None:
        """The file is writable again and the disk has room; no connection is reset."""
        self.read_only = False
        self.max_pages = None


@pytest.fixture
def storage(app) -> Iterator[Storage]:
    with app.app_context():
        engines = [db.engine, limiter.storage.engine]
        path = db.engine.url.database
    state = Storage(engines, path)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if state.read_only:
            dbapi_connection.execute("PRAGMA query_only = ON")

    def on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        pages = state.max_pages or 1_000_000_000
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    for engine in engines:
        for name, listener in (("connect", on_connect), ("checkout", on_checkout)):
            event.listen(engine, name, listener)
            state.listeners.append((engine, name, listener))
    yield state
    for engine, name, listener in state.listeners:
        event.remove(engine, name, listener)


def hold_write_lock(path: str) -> sqlite3.Connection:
    """Another process takes SQLite's write lock (a long write, a backup, a stuck script)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    return connection


@pytest.fixture
def learner(client, create_user) -> int:
    user_id = create_user()
    login(client)
    return user_id


def attempts(app) -> int:
    with app.app_context():
        return db.session.query(QuizAttempt).count()


def submit_quiz(client, form=None, answers=RIGHT):
    """Send answers with the quiz form ``form`` (opened before), or one opened now."""
    return client.post(QUIZ, data={**(form or form_fields(client, QUIZ)), **answers})


def sign_up(client, email="grace@example.org", token=None):
    data = {"display_name": "Grace Hopper", "email": email, "password": PASSWORD}
    token = token or csrf_token(client, "/register")
    return client.post("/register", data={"csrf_token": token, **data})


def assert_not_saved(response) -> str:
    """The 503 a person sees: when to retry, and that nothing was saved."""
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page or "nothing was saved" in page
    assert "Traceback" not in page
    return page


def assert_quiz_comes_back(response) -> None:
    page = assert_not_saved(response)
    assert re.search(r'value="embassy" checked', page), "the chosen answer is lost"
    assert re.search(r'value="true" checked', page), "the chosen answer is lost"
    assert 'name="form_token"' in page and 'name="csrf_token"' in page


def assert_sign_up_comes_back(response) -> None:
    page = assert_not_saved(response)
    assert 'value="Grace Hopper"' in page and 'value="grace@example.org"' in page
    assert PASSWORD not in page


@sqlite_only
@pytest.mark.settings(SIGNUP_LIMIT_PER_ADDRESS="1000 per hour")
def test_a_read_only_database_answers_503_keeps_the_input_and_recovers(
    app, client, learner, storage
):
    opened, guest = form_fields(client, QUIZ), app.test_client()
    token = csrf_token(guest, "/register")
    storage.break_writes()
    assert_quiz_comes_back(submit_quiz(client, opened))
    assert_sign_up_comes_back(sign_up(guest, token=token))
    assert client.get("/healthz").status_code == 503
    api = guest.post("/api/v1/verify", json={"url": "https://example.org/badge"})
    assert api.status_code == 503 and api.is_json and api.headers["Retry-After"]
    page = guest.post("/verify", data={"csrf_token": token, "text": "https://example.org/b"})
    # The verify page counts its requests in the database; what was pasted comes back.
    assert ">https://example.org/b</textarea>" in assert_not_saved(page)
    # Reading still works while nothing can be written.
    assert client.get("/modules").status_code == 200
    assert attempts(app) == 0 and user_count(app) == 1

    storage.repair()  # every pooled connection was opened read-only: none is reset here
    assert client.get("/healthz").status_code == 200
    assert submit_quiz(client).status_code == 303
    assert sign_up(guest).status_code == 303  # the rate limiter's connections recovered too
    assert attempts(app) == 1 and user_count(app) == 2


@sqlite_only
@pytest.mark.settings(SIGNUP_LIMIT_PER_ADDRESS="1000 per hour")
def test_a_full_disk_answers_503_keeps_the_input_and_recovers(app, client, learner, storage):
    storage.fill_disk()
    for _ in range(200):  # each attempt takes a little room, until there is none
        response = submit_quiz(client)
        if response.status_code != 303:
            break
    assert_quiz_comes_back(response)
    recorded = attempts(app)
    guest = app.test_client()
    for number in range(100):  # long addresses fill the pages of accounts sooner
        email = f"grace{number}.{'h' * 50}@{'i' * 60}.{'j' * 60}.example.org"
        response = sign_up(guest, email=email)
        if response.status_code != 303:
            break
    assert response.status_code == 503
    assert f'value="{email}"' in assert_not_saved(response)
    accounts = user_count(app)

    storage.repair()
    assert submit_quiz(client).status_code == 303
    assert sign_up(guest).status_code == 303
    assert attempts(app) == recorded + 1 and user_count(app) == accounts + 1


@sqlite_only
@pytest.mark.settings(SQLITE_BUSY_TIMEOUT_MS=200, SIGNUP_LIMIT_PER_ADDRESS="1000 per hour")
def test_a_write_lock_held_too_long_answers_503_keeps_the_input_and_recovers(
    app, client, learner, storage
):
    opened, guest = form_fields(client, QUIZ), app.test_client()
    token = csrf_token(guest, "/register")
    sign_in = {"email": "ada@example.org", "password": PASSWORD, "csrf_token": token}
    lock = hold_write_lock(storage.path)
    try:
        assert_quiz_comes_back(submit_quiz(client, opened))
        assert_sign_up_comes_back(sign_up(guest, token=token))  # the limiter waits too
        page = assert_not_saved(guest.post("/login", data=sign_in))
        assert 'value="ada@example.org"' in page and PASSWORD not in page
        assert client.get("/healthz").status_code == 503
        api = guest.post("/api/v1/verify", json={"url": "https://example.org/badge"})
        assert api.status_code == 503 and api.is_json
    finally:
        lock.close()

    assert client.get("/healthz").status_code == 200
    assert submit_quiz(client).status_code == 303
    assert sign_up(guest).status_code == 303
    assert attempts(app) == 1 and user_count(app) == 2


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's default_transaction_read_only")
@pytest.mark.settings(SIGNUP_LIMIT_PER_ADDRESS="1000 per hour")
def test_a_read_only_postgresql_database_answers_503_and_recovers(app, client, learner):
    with app.app_context():
        engines = [db.engine, limiter.storage.engine]
        name = db.engine.url.database
    admin = psycopg.connect(
        PG_URL.replace("postgresql+psycopg://", "postgresql://"),
        autocommit=True,
        options="-c default_transaction_read_only=off",
    )
    opened, guest = form_fields(client, QUIZ), app.test_client()
    token = csrf_token(guest, "/register")
    try:
        # As after a failover to a replica: connections opened from now on cannot write.
        admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        for engine in engines:
            engine.dispose()
        assert_quiz_comes_back(submit_quiz(client, opened))
        assert_sign_up_comes_back(sign_up(guest, token=token))
        assert client.get("/healthz").status_code == 503
    finally:
        admin.execute(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
        admin.close()
    assert client.get("/healthz").status_code == 200
    assert submit_quiz(client).status_code == 303
    assert sign_up(guest).status_code == 303
    assert attempts(app) == 1 and user_count(app) == 2


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL connections ended by the server")
@pytest.mark.settings(DATABASE_PING_AFTER_IDLE_SECONDS=0.2)
def test_postgresql_connections_ended_while_idle_are_replaced_unseen(app, client, learner):
    """As after a server restart at night: the pooled connections are dead, and the first
    pages of the morning are served all the same."""
    assert client.get("/modules").status_code == 200  # the pool holds a connection
    with app.app_context():
        name = db.engine.url.database
    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://")) as admin:
        ended = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchone()[0]
    assert ended >= 1
    time.sleep(0.3)  # longer than the idle time after which a connection is tested
    assert client.get("/modules").status_code == 200
    assert submit_quiz(client).status_code == 303


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's lock_timeout")
@pytest.mark.settings(SQLITE_BUSY_TIMEOUT_MS=200)
def test_a_postgresql_lock_held_too_long_answers_503_keeps_the_answers_and_recovers(
    app, client, learner
):
    opened = form_fields(client, QUIZ)
    holder = psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"))
    try:
        # A migration or a maintenance job holds the table: the write waits, then gives up.
        holder.execute("LOCK TABLE quiz_attempt IN ACCESS EXCLUSIVE MODE")
        assert_quiz_comes_back(submit_quiz(client, opened))
    finally:
        holder.rollback()
        holder.close()
    assert submit_quiz(client).status_code == 303
    assert attempts(app) == 1


def failing_commits(app, monkeypatch, times: int = 1) -> None:
    """The next ``times`` commits of the app's database fail with a disk I/O error."""
    with app.app_context():
        dialect = db.engine.dialect
    commit = dialect.do_commit
    left = [times]

    def do_commit(dbapi_connection: Any) -> None:
        if left[0] > 0:
            left[0] -= 1
            if dialect.name != "sqlite":
                raise dialect.loaded_dbapi.errors.DiskFull("No space left on device")
            error = sqlite3.OperationalError("disk I/O error")
            error.sqlite_errorcode = 10  # SQLITE_IOERR, as SQLite sets it
            raise error
        commit(dbapi_connection)

    monkeypatch.setattr(dialect, "do_commit", do_commit)


def test_a_commit_that_fails_after_the_view_answered_is_a_503_not_a_redirect(
    app, client, learner, monkeypatch
):
    opened = form_fields(client, QUIZ)
    failing_commits(app, monkeypatch)
    assert_quiz_comes_back(submit_quiz(client, opened))
    assert attempts(app) == 0
    assert submit_quiz(client).status_code == 303
    assert attempts(app) == 1


def test_a_sign_up_whose_commit_fails_comes_back_and_sends_no_email(app, mailbox, monkeypatch):
    guest = app.test_client()
    csrf_token(guest, "/register")
    failing_commits(app, monkeypatch)
    assert_sign_up_comes_back(sign_up(guest))
    assert user_count(app) == 0 and mailbox.to("grace@example.org") == []


def test_a_sign_in_whose_commit_fails_does_not_sign_in(app, client, create_user, monkeypatch):
    create_user()
    token = csrf_token(client, "/login")
    failing_commits(app, monkeypatch)
    data = {"email": "ada@example.org", "password": PASSWORD, "csrf_token": token}
    page = assert_not_saved(client.post("/login", data=data))
    assert 'value="ada@example.org"' in page and PASSWORD not in page
    assert "Signed in as" not in client.get("/").get_data(as_text=True)
    assert login(client).status_code == 303
    assert "Signed in as" in client.get("/").get_data(as_text=True)


# Port 1 on loopback: nothing listens there, so every connection is refused at once.
@pytest.mark.settings(RATELIMIT_STORAGE="redis://127.0.0.1:1/0")
def test_a_rate_limit_redis_that_is_down_answers_503_and_keeps_the_sign_up(app):
    """Counters in a Redis nobody listens on: the sign-up cannot be counted, so it is refused
    as a storage fault (503, what was typed kept), never let through uncounted or a 500."""
    guest = app.test_client()
    response = sign_up(guest, token=csrf_token(guest, "/register"))
    assert_sign_up_comes_back(response)
    assert user_count(app) == 0
