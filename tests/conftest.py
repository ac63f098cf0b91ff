"""Shared fixtures: a fresh app and database per test, a real SMTP sink, accounts, browsers.

Tests run on SQLite by default. When ``COURSE_TEST_DATABASE_URL`` names a PostgreSQL
database (``make test`` starts a throwaway server for it), every test that uses the ``app``
or ``live_server`` fixture runs there instead: those tests carry the ``db`` marker.

The app a test gets is chosen with two markers:

- ``@pytest.mark.content("tiny")`` serves course files: ``"readme"`` (the example files of
  modules/README.md and badges/README.md), ``"tiny"`` (that example with two more lessons
  and PNG artwork, see ``content_examples.write_course``) or ``"shipped"`` (the real
  course). Without it the app serves no course at all.
- ``@pytest.mark.settings(NAME=value)`` adds settings the app starts with.

Plain helpers (forms, sign-in, completing a module) are in ``helpers.py``.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from content_examples import write_course, write_examples
from flask import Flask
from flask.testing import FlaskClient
from helpers import (
    PASSWORD,
    PG_URL,
    Learner,
    complete_module,
    dispose,
    free_port,
    settle,
    signed_in,
)

from course import create_app
from course.accounts import services
from course.accounts.models import Role
from course.badges.keys import KeyStore
from course.cli import compile_translations
from course.config import PROJECT_ROOT
from course.extensions import db

CHROMIUM = "/usr/bin/chromium"
#: Fixtures that make an app on a fresh database: tests using them are marked ``db``.
DATABASE_FIXTURES = {"app", "live_server", "app_under_test"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "content(name): the course files the app serves: readme, tiny or shipped"
    )
    config.addinivalue_line("markers", "settings(**overrides): settings the app starts with")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
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


def build_app(tmp_path: Path, smtp_port: int, **overrides: Any) -> Flask:
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


@pytest.fixture
def content_dirs(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """Settings pointing the app at the course files the test's ``content`` marker names."""
    marker = request.node.get_closest_marker("content")
    if marker is None:
        return {}
    name = marker.args[0]
    if name == "readme":
        modules, badges = write_examples(tmp_path / "content")
        return {"MODULES_DIR": str(modules), "BADGES_DIR": str(badges)}
    if name == "tiny":
        return write_course(tmp_path / "content")
    if name == "shipped":
        return {
            "MODULES_DIR": str(PROJECT_ROOT / "modules"),
            "BADGES_DIR": str(PROJECT_ROOT / "badges"),
        }
    raise ValueError(f"unknown course {name!r}: readme, tiny or shipped")


@pytest.fixture
def app_settings(request: pytest.FixtureRequest, content_dirs: dict[str, str]) -> dict[str, Any]:
    """Every setting the test's app starts with: its course files, then ``settings`` markers."""
    settings = dict(content_dirs)
    for marker in reversed(list(request.node.iter_markers("settings"))):
        settings.update(marker.kwargs)  # the marker closest to the test wins
    return settings


@pytest.fixture
def app(
    tmp_path: Path,
    smtp_server: tuple[Controller, Mailbox],
    mailbox: Mailbox,
    app_settings: dict[str, Any],
) -> Iterator[Flask]:
    app = build_app(tmp_path, smtp_server[0].port, **app_settings)
    yield app
    dispose(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def app_under_test(request: pytest.FixtureRequest) -> Flask:
    """The app this test talks to: the live server's when it drives a browser, else ``app``."""
    if "live_server" in request.fixturenames:
        return request.getfixturevalue("live_server").app
    return request.getfixturevalue("app")


# --- accounts ------------------------------------------------------------------------------


@pytest.fixture
def create_user(app_under_test: Flask) -> Callable[..., int]:
    """Make a confirmed (or unconfirmed) account directly in the database; return its id.

    The display name defaults to the address's local part, capitalised: Ada for
    ada@example.org.
    """

    def create(
        email: str = "ada@example.org",
        password: str = PASSWORD,
        role: Role = Role.LEARNER,
        name: str | None = None,
        confirmed: bool = True,
    ) -> int:
        with app_under_test.app_context():
            display_name = name or email.split("@")[0].capitalize()
            user = services.create_user(email, display_name, password, role)
            if not confirmed:
                user.email_confirmed_at = None
            db.session.commit()
            return user.id

    return create


@pytest.fixture
def trainer(app_under_test: Flask, create_user: Callable[..., int]) -> FlaskClient:
    """A test client signed in as Tess (tess@example.org), a trainer."""
    create_user("tess@example.org", role=Role.TRAINER, name="Tess")
    return signed_in(app_under_test, "tess@example.org")


@pytest.fixture
def completed_learner(
    app_under_test: Flask, create_user: Callable[..., int]
) -> Callable[..., Learner]:
    """Make a learner who completed a module through the site's forms, signed in on a client.

    ``completed_learner("first-edit-a-thon")`` is Ada, who read every lesson and passed every
    quiz of that module, and so holds the badges it completes.
    """

    def complete(
        module_id: str, email: str = "ada@example.org", name: str | None = None
    ) -> Learner:
        user_id = create_user(email, name=name)
        client = signed_in(app_under_test, email)
        complete_module(app_under_test, client, module_id)
        return Learner(app_under_test, user_id, email, client)

    return complete


# --- browser -------------------------------------------------------------------------------


@dataclass
class LiveServer:
    """The app served over real HTTP on a loopback port, in a thread of this process."""

    app: Flask
    url: str


@pytest.fixture
def live_server(
    tmp_path: Path,
    smtp_server: tuple[Controller, Mailbox],
    mailbox: Mailbox,
    app_settings: dict[str, Any],
) -> Iterator[LiveServer]:
    from werkzeug.serving import make_server

    port = free_port()
    app = build_app(
        tmp_path, smtp_server[0].port, **{**app_settings, "BASE_URL": f"http://127.0.0.1:{port}"}
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


@pytest.fixture
def new_context(browser: Any, live_server: LiveServer) -> Iterator[Callable[..., Any]]:
    """Open a browser context (a fresh browser profile) on the live server.

    Options go to Playwright's ``new_context``. Every context still open at the end of the
    test has its pages settled and is closed, even when the test fails first.
    """
    contexts: list[Any] = []

    def new(**options: Any) -> Any:
        context = browser.new_context(**{"base_url": live_server.url, **options})
        contexts.append(context)
        return context

    yield new
    for context in contexts:
        settle(context)
        context.close()


@pytest.fixture
def page(new_context: Callable[..., Any]) -> Any:
    page = new_context(locale="en-GB").new_page()
    page.set_default_timeout(10_000)
    return page
