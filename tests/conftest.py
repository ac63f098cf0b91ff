"""Shared fixtures: a fresh app and database per test, a real SMTP sink, form helpers.

Tests run on SQLite by default. When ``COURSE_TEST_DATABASE_URL`` names a PostgreSQL
database (``make test`` starts a throwaway server for it), every test that uses the ``app``
fixture runs there instead: those tests carry the ``db`` marker.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient

from course import create_app
from course.accounts import services
from course.accounts.models import Role, User
from course.badges.keys import KeyStore
from course.cli import compile_translations
from course.config import PROJECT_ROOT
from course.extensions import db
from course.ratelimit import DatabaseStorage, limiter

PG_URL = os.environ.get("COURSE_TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if {"app", "live_server"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    compile_translations(PROJECT_ROOT / "translations")


# --- mail ----------------------------------------------------------------------------------


@dataclass
class Mailbox:
    """Messages received by the SMTP sink during one test."""

    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def last_link(self, address: str) -> str:
        """The last URL in the last message sent to ``address``."""
        body = self.to(address)[-1].get_payload(decode=True).decode()
        return re.findall(r"https?://\S+", body)[-1]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Controller, Mailbox]]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: tuple[Controller, Mailbox]) -> Mailbox:
    _, box = smtp_server
    with box.lock:
        box.messages.clear()
    return box


# --- application ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_app(tmp_path: Path, smtp_port: int, **overrides: Any) -> Flask:
    """An app on a fresh database (a new SQLite file, or a wiped PostgreSQL database)."""
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    (tmp_path / "no-modules").mkdir(exist_ok=True)
    config = {
        "TESTING": True,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
        "DATABASE_URL": PG_URL or f"sqlite:///{instance / 'course.sqlite3'}",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        # Tests bring their own course files; the shipped course has tests of its own.
        "MODULES_DIR": str(tmp_path / "no-modules"),
        "BADGES_DIR": str(tmp_path / "no-badges"),
    }
    config.update(overrides)
    os.environ["COURSE_INSTANCE_PATH"] = str(instance)
    try:
        app = create_app(config)
    finally:
        del os.environ["COURSE_INSTANCE_PATH"]
    with app.app_context():
        db.drop_all()
        db.create_all()
    keys = KeyStore(instance / "keys")
    if not keys.all():
        keys.generate()
    return app


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    storage = limiter.storage if limiter.initialized else None
    if isinstance(storage, DatabaseStorage):
        storage.engine.dispose()


@pytest.fixture
def app(
    tmp_path: Path, smtp_server: tuple[Controller, Mailbox], mailbox: Mailbox
) -> Iterator[Flask]:
    app = make_app(tmp_path, smtp_server[0].port)
    yield app
    dispose(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


# --- helpers -------------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the form on ``path``, as a browser would read it."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(page) or re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def submit(client: FlaskClient, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Post ``data`` to the form at ``path`` with a valid CSRF token."""
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data}, **kwargs)


@pytest.fixture
def create_user(app: Flask) -> Any:
    """Make a confirmed (or unconfirmed) account directly in the database."""

    def create(
        email: str = "ada@example.org",
        password: str = PASSWORD,
        role: Role = Role.LEARNER,
        name: str = "Ada",
        confirmed: bool = True,
    ) -> int:
        with app.app_context():
            user = services.create_user(email, name, password, role)
            if not confirmed:
                user.email_confirmed_at = None
            db.session.commit()
            return user.id

    return create


def login(client: FlaskClient, email: str = "ada@example.org", password: str = PASSWORD) -> Any:
    return submit(client, "/login", {"email": email, "password": password})


def user_count(app: Flask) -> int:
    with app.app_context():
        return db.session.query(User).count()


# --- browser -------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


@dataclass
class LiveServer:
    """The app served over real HTTP on a loopback port, in a thread of this process."""

    app: Flask
    url: str


@pytest.fixture
def content_dirs() -> dict[str, str]:
    """Settings pointing the live server at other course files; a test module may override it."""
    return {}


@pytest.fixture
def live_server(
    tmp_path: Path,
    smtp_server: tuple[Controller, Mailbox],
    mailbox: Mailbox,
    content_dirs: dict[str, str],
) -> Iterator[LiveServer]:
    from werkzeug.serving import make_server

    port = free_port()
    app = make_app(
        tmp_path, smtp_server[0].port, BASE_URL=f"http://127.0.0.1:{port}", **content_dirs
    )
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{port}")
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    dispose(app)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # As root Chromium needs --no-sandbox; the rest keep it off the closed network.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


def settle(context: Any) -> None:
    """Let every page finish loading (stylesheets too) before its browser closes.

    Closing mid-request leaves the test server's file handle open, which the suite treats as
    an error; a person closing a tab mid-load is tested by what they see next, not by that.
    """
    for page in context.pages:
        page.wait_for_load_state("load")


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    settle(context)
    context.close()


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


@pytest.fixture
def create_user_live(live_server: LiveServer) -> Any:
    """Make a confirmed account in the live server's database."""

    def create(email: str, password: str = PASSWORD, role: Role = Role.LEARNER) -> None:
        with live_server.app.app_context():
            services.create_user(email, email.split("@")[0].capitalize(), password, role)
            db.session.commit()

    return create


def run_together(calls: list[Any], timeout: float = 120) -> list[Any]:
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


def browser_sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form, as a person would."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main form button[type=submit]")
