"""Helpers that test modules import: forms, sign-in, completing a module, threads, browsers.

Fixtures live in ``conftest.py``; plain functions live here, so that no test module imports
from ``conftest`` or from another test module.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from content_examples import write_course
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, create_engine

from course.accounts.models import User
from course.badges.models import Award
from course.config import PROJECT_ROOT
from course.contentstore import course
from course.extensions import db
from course.ratelimit import DatabaseStorage, limiter

#: The PostgreSQL database tests run on instead of SQLite, when ``make test`` starts one.
PG_URL = os.environ.get("COURSE_TEST_DATABASE_URL")
#: The password of every account the fixtures make.
PASSWORD = "correct horse battery staple"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dispose(app: Flask) -> None:
    """Close every database connection ``app`` and the rate limiter hold."""
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    storage = limiter.storage if limiter.initialized else None
    if isinstance(storage, DatabaseStorage):
        storage.engine.dispose()


# --- forms ---------------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
HIDDEN_RE = re.compile(r'name="(csrf_token|form_token|version)" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the form on ``path``, as a browser would read it."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(page) or re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def form_fields(client: FlaskClient, path: str) -> dict[str, str]:
    """The hidden fields (CSRF token, quiz form token and version) of the page at ``path``."""
    return dict(HIDDEN_RE.findall(client.get(path).get_data(as_text=True)))


def submit(client: FlaskClient, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Post ``data`` to the form at ``path`` with a valid CSRF token."""
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data}, **kwargs)


# --- accounts ------------------------------------------------------------------------------


def login(client: FlaskClient, email: str = "ada@example.org", password: str = PASSWORD) -> Any:
    """Sign ``client`` in through the sign-in form."""
    return submit(client, "/login", {"email": email, "password": password})


def signed_in(app: Flask, email: str = "ada@example.org") -> FlaskClient:
    """A new test client (a browser of its own), signed in as ``email``."""
    client = app.test_client()
    login(client, email)
    return client


def user_count(app: Flask) -> int:
    """How many accounts the database holds."""
    with app.app_context():
        return db.session.query(User).count()


# --- learning ------------------------------------------------------------------------------


def complete_module(app: Flask, client: FlaskClient, module_id: str) -> None:
    """Mark every lesson of a module done and pass each of its quizzes, through the site's forms.

    The right answers come from the course files the app serves, so this works for any module.
    """
    with app.app_context():
        module = course().module(module_id)
    assert module is not None, f"no module {module_id}"
    base = f"/modules/{module.id}"
    for lesson in module.lessons:
        token = form_fields(client, f"{base}/lessons/{lesson.id}")["csrf_token"]
        done = client.post(f"{base}/lessons/{lesson.id}/done", data={"csrf_token": token})
        assert done.status_code == 303, f"lesson {lesson.id} not marked done"
    for quiz in module.quizzes:
        path = f"{base}/quizzes/{quiz.id}"
        passed = client.post(path, data=right_answers(client, path, quiz))
        assert passed.status_code == 303, f"quiz {quiz.id} not submitted"


def shown_questions(page: str) -> list[str]:
    """The ids of the questions a quiz page asks, in the order it shows them."""
    return list(dict.fromkeys(re.findall(r'name="q-([^"]+)"', page)))


def right_answers(client: FlaskClient, path: str, quiz: Any) -> dict[str, Any]:
    """The quiz form at ``path`` filled with the right answers to the questions it shows.

    Each attempt draws its own questions, so the page says which ones to answer.
    """
    page = client.get(path).get_data(as_text=True)
    questions = {question.id: question for question in quiz.questions}
    return {
        **dict(HIDDEN_RE.findall(page)),
        **{
            f"q-{qid}": [option.id for option in questions[qid].options if option.correct]
            for qid in shown_questions(page)
        },
    }


@dataclass
class Learner:
    """A learner's account, with a test client signed in as them."""

    app: Flask
    id: int
    email: str
    client: FlaskClient

    def award(self) -> Award:
        """This learner's only award, detached from the session so it can be read anywhere."""
        with self.app.app_context():
            award = db.session.query(Award).filter_by(user_id=self.id).one()
            db.session.expunge(award)
            return award


# --- threads -------------------------------------------------------------------------------


def run_together(calls: list[Callable[[], Any]], timeout: float = 120) -> list[Any]:
    """Start every call in its own thread at the same moment; return their results in order."""
    results: list[Any] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index: int) -> None:
        start.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


# --- browser -------------------------------------------------------------------------------


def settle(context: Any) -> None:
    """Let every page finish loading (stylesheets too) before its browser closes.

    Closing mid-request leaves the test server's file handle open, which the suite treats as
    an error; a person closing a tab mid-load is tested by what they see next, not by that.
    """
    for page in context.pages:
        page.wait_for_load_state("load")


def assert_accessible(page: Any) -> None:
    """Run axe-core in the page; fail on any serious or critical violation."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` runs npm ci")
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"accessibility problems on {page.url}"


def browser_complete_tiny_module(page: Any, done_text: str) -> None:
    """In a browser, read every lesson of the tiny course's module and pass its quiz, then
    wait for ``done_text`` on the result page."""
    page.goto("/modules/first-edit-a-thon/continue")
    for _ in range(3):
        page.click("form.lesson-done button")
    page.check("#q-q-host-embassy")
    page.check("#q-q-partner-true")
    page.click("form.quiz button[type=submit]")
    page.get_by_text(done_text).wait_for()


def browser_sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form, as a person would."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main form button[type=submit]")


# --- real servers --------------------------------------------------------------------------

#: What `make serve` runs: `course init`, then gunicorn (see the script for the worker model).
SERVE = PROJECT_ROOT / "scripts" / "serve"
#: The virtual environment running the tests, whose `course` and `gunicorn` the servers use.
VENV_BIN = Path(sys.executable).parent


def _instance_environment(instance: Path) -> dict[str, str]:
    """This process's environment without its COURSE_ settings, pointed at ``instance``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_")}
    environment["COURSE_INSTANCE_PATH"] = str(instance)
    if PG_URL:
        environment["COURSE_DATABASE_URL"] = PG_URL
    return environment


def tiny_course(folder: Path) -> dict[str, str]:
    """Write the tiny course of ``content_examples`` to ``folder``: COURSE_ variables for it."""
    return {f"COURSE_{name}": path for name, path in write_course(folder).items()}


def course_command(instance: Path, *args: str) -> str:
    """Run the real ``course`` command on ``instance`` (and the PostgreSQL test database)."""
    return subprocess.run(
        [str(VENV_BIN / "course"), *args],
        env=_instance_environment(instance),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout


@dataclass
class Served:
    """The real server, master and workers, in a process group of its own."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def kill(self) -> None:
        """``kill -9`` the master and every worker at the same moment, as a power cut would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop at once (SIGQUIT: gunicorn's quick shutdown), or kill after 10 s."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGQUIT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        self.kill()  # workers a dead master left behind, if any


def empty_database(url: str) -> None:
    """Drop every table, so that migrations start from nothing."""
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)
    engine.dispose()


@contextlib.contextmanager
def serving(instance: Path, timeout: float = 60, **env: str) -> Iterator[Served]:
    """Run ``scripts/serve`` on a free loopback port with ``instance`` as its instance folder.

    The database is ``instance/course.sqlite3``, or the PostgreSQL test database. ``env`` adds
    variables (``WORKERS``, ``THREADS``, ``COURSE_…``). Waits until ``/healthz`` answers 200;
    stops master and workers on the way out, even when the test fails.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = _instance_environment(instance)
    environment.update(
        COURSE_BASE_URL=url,
        HOST="127.0.0.1",
        PORT=str(port),
        VENV_BIN=str(VENV_BIN),
    )
    environment.update(env)
    instance.mkdir(parents=True, exist_ok=True)
    log = instance.parent / f"serve-{port}.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(SERVE)],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served = Served(process, url, log)
    try:
        _wait_until_healthy(served, timeout)
        yield served
    finally:
        served.stop()


def _wait_until_healthy(served: Served, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if served.process.poll() is not None:
            pytest.fail(f"scripts/serve exited:\n{served.log.read_text()[-3000:]}")
        try:
            health = f"{served.url}/healthz"  # a loopback URL built above
            with urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"no answer from {served.url} in {timeout} s")
        time.sleep(0.2)


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throwaway ``redis-server`` on a free loopback port; yields its URL."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (make test installs it)")
    port = free_port()
    command = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--dir", str(folder)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def http_signed_in(url: str, email: str, password: str = PASSWORD) -> requests.Session:
    """A ``requests`` session signed in through the sign-in form of the server at ``url``."""
    session = requests.Session()
    page = session.get(f"{url}/login", timeout=10).text
    token = CSRF_RE.search(page)
    assert token, "no CSRF token on /login"
    response = session.post(
        f"{url}/login",
        data={"csrf_token": token.group(1), "email": email, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 303, f"sign-in refused: {response.status_code}"
    return session
