"""A power cut in the middle of quiz submissions loses nothing that was acknowledged.

The real server (``scripts/serve``, as ``make serve`` runs it) on a fresh instance
(``course init``) takes a burst of quiz submissions from several threads, each on a form (and
form token) of its own; master and workers are killed with SIGKILL mid-burst. After a restart,
every submission that was answered with a redirect to its result is in the database, and
the database is sound (``PRAGMA integrity_check`` on SQLite). Marked ``db``: ``make
test-postgresql`` runs it again on PostgreSQL, where it checks that no committed row is lost.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import requests
from helpers import (
    HIDDEN_RE,
    PASSWORD,
    PG_URL,
    course_command,
    empty_database,
    http_signed_in,
    serving,
    tiny_course,
)
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.db

EMAIL = "ada@example.org"
#: Submissions prepared for the burst (a bound, not a target: the kill comes first).
BURST = 300
#: Acknowledged submissions after which the server is killed.
KILL_AFTER = 40
THREADS = 8


def first_quiz(session: requests.Session, url: str) -> str:
    """The path of the first quiz of the first module the catalogue lists."""
    catalogue = session.get(f"{url}/modules", timeout=10).text
    module = re.search(r'href="(/modules/[^"/]+)"', catalogue)
    assert module, "no module in the catalogue"
    page = session.get(f"{url}{module.group(1)}", timeout=10).text
    quiz = re.search(r'href="(/modules/[^"/]+/quizzes/[^"/]+)"', page)
    assert quiz, f"no quiz on {module.group(1)}"
    return quiz.group(1)


def quiz_form(session: requests.Session, url: str, path: str) -> dict[str, str]:
    """The fields of one filled-in quiz form: hidden fields and a first option chosen."""
    page = session.get(f"{url}{path}", timeout=10).text
    fields = dict(HIDDEN_RE.findall(page))
    choice = re.search(r'name="(q-[^"]+)" value="([^"]+)"', page)
    assert choice and "csrf_token" in fields, f"no quiz form on {path}"
    return {**fields, choice.group(1): choice.group(2)}


class Burst:
    """Up to ``BURST`` quiz submissions from ``THREADS`` threads, each on a form of its own.

    Each submission opens the quiz (the server issues a new form token and draws the
    questions), then sends it answered, as a learner's browser would.
    """

    def __init__(self, session: requests.Session, url: str, path: str) -> None:
        self.session, self.url, self.path = session, url, path
        #: form token -> result URL, for every submission answered with its result.
        self.acknowledged: dict[str, str] = {}
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._send, args=(BURST // THREADS,)) for _ in range(THREADS)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def wait_for(self, count: int, timeout: float = 60) -> None:
        """Until ``count`` submissions are acknowledged."""
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count:
            assert time.monotonic() < deadline, f"only {len(self.acknowledged)} acknowledged"
            time.sleep(0.005)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=120)

    def _send(self, count: int) -> None:
        with requests.Session() as client:
            client.cookies.update(self.session.cookies)
            for _ in range(count):
                self._submit(client)

    def _submit(self, client: requests.Session) -> None:
        try:
            form = quiz_form(client, self.url, self.path)
            response = client.post(
                f"{self.url}{self.path}", data=form, allow_redirects=False, timeout=20
            )
        except (requests.RequestException, AssertionError):
            return  # no answer: not acknowledged, may or may not be recorded
        location = response.headers.get("Location", "")
        if response.status_code == 303 and "attempt=" in location:
            with self.lock:
                self.acknowledged[form["form_token"]] = location


def recorded_tokens() -> set[str]:
    """Form tokens of every attempt the database holds (PostgreSQL)."""
    engine = create_engine(PG_URL)
    with engine.connect() as connection:
        tokens = set(connection.execute(text("SELECT form_token FROM quiz_attempt")).scalars())
    engine.dispose()
    return tokens


def sqlite_state(database: Path) -> tuple[str, set[str]]:
    """``PRAGMA integrity_check`` and every recorded form token of a SQLite database."""
    connection = sqlite3.connect(database)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        tokens = {row[0] for row in connection.execute("SELECT form_token FROM quiz_attempt")}
    finally:
        connection.close()
    return integrity, tokens


def crash_mid_burst(instance: Path, files: dict[str, str]) -> tuple[dict[str, str], dict, str]:
    """Serve, sign Ada in, start the burst, ``kill -9`` every server process mid-burst.

    Returns the acknowledged submissions, Ada's cookies and the quiz's path.
    """
    with serving(instance, **files) as server:
        course_command(instance, "users", "create", EMAIL, "--password", PASSWORD)
        with http_signed_in(server.url, EMAIL) as session:
            path = first_quiz(session, server.url)
            burst = Burst(session, server.url, path)
            burst.start()
            try:
                burst.wait_for(KILL_AFTER)
            finally:
                server.kill()  # SIGKILL to the whole process group: master and workers at once
                burst.join()
            return dict(burst.acknowledged), session.cookies.get_dict(), path


def test_acknowledged_submissions_survive_kill_9_of_master_and_workers(tmp_path):
    """About 15 s: two server starts, the burst, the checks."""
    instance = tmp_path / "instance"
    files = tiny_course(tmp_path / "content")
    if PG_URL:
        empty_database(PG_URL)  # course init migrates from nothing, as on a new machine
    acknowledged, cookies, path = crash_mid_burst(instance, files)
    assert len(acknowledged) >= KILL_AFTER
    assert len(acknowledged) < BURST, "the burst ended before the kill: nothing was cut short"

    with serving(instance, **files) as again, requests.Session() as session:
        if PG_URL:
            recorded = recorded_tokens()
        else:
            integrity, recorded = sqlite_state(instance / "course.sqlite3")
            assert integrity == "ok"
        lost = set(acknowledged) - recorded
        assert lost == set(), f"{len(lost)} acknowledged submissions lost"
        # The restarted server shows an acknowledged result to the same signed-in browser,
        # and records new answers.
        session.cookies.update(cookies)
        result = session.get(f"{again.url}{acknowledged.popitem()[1]}", timeout=10)
        assert result.status_code == 200
        form = quiz_form(session, again.url, path)
        after = session.post(f"{again.url}{path}", data=form, allow_redirects=False, timeout=10)
        assert after.status_code == 303
        assert "attempt=" in after.headers["Location"]
