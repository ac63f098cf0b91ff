"""``course init`` prepares an installation and can be run again safely."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys

import pytest
from helpers import PG_URL, empty_database
from sqlalchemy import create_engine, inspect

from course.config import PROJECT_ROOT


@pytest.fixture
def flask_cli(tmp_path):
    """Run the real ``course`` command (or, with ``flask=True``, ``flask --app course``)
    against a fresh instance folder and database.

    The database is the default SQLite file in instance/, or the PostgreSQL test database.
    """
    translations = tmp_path / "translations"
    shutil.copytree(
        PROJECT_ROOT / "translations", translations, ignore=shutil.ignore_patterns("*.mo")
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("COURSE_")},
        "COURSE_INSTANCE_PATH": str(tmp_path / "instance"),
        "COURSE_TRANSLATIONS_DIR": str(translations),
    }
    if PG_URL:
        empty_database(PG_URL)
        env["COURSE_DATABASE_URL"] = PG_URL

    def run(*args: str, flask: bool = False) -> subprocess.CompletedProcess[str]:
        command = ["flask", "--app", "course"] if flask else ["course.commandline"]
        return subprocess.run(
            [sys.executable, "-m", *command, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run, tmp_path


pytestmark = pytest.mark.db


def test_init_writes_a_private_random_key_once_and_creates_the_database(flask_cli):
    run, tmp_path = flask_cli
    first = run("init")
    assert first.returncode == 0, first.stderr
    config = tmp_path / "instance" / "config.py"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    key_line = next(
        line for line in config.read_text().splitlines() if line.startswith("SECRET_KEY")
    )
    assert len(key_line) > 50
    assert (tmp_path / "translations" / "fr" / "LC_MESSAGES" / "messages.mo").exists()

    engine = create_engine(PG_URL or f"sqlite:///{tmp_path / 'instance' / 'course.sqlite3'}")
    assert {"user", "user_session", "rate_limit", "alembic_version"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()

    second = run("init")
    assert second.returncode == 0, second.stderr
    assert "Kept" in second.stdout
    assert key_line in config.read_text()


def test_users_command_works_after_init(flask_cli):
    run, _ = flask_cli
    assert run("init").returncode == 0
    created = run(
        "users",
        "create",
        "admin@example.org",
        "--role",
        "admin",
        "--password",
        "a long admin passphrase",
    )
    assert created.returncode == 0, created.stderr
    assert "admin@example.org as admin" in created.stdout


def test_the_development_server_refuses_to_run_without_a_key(flask_cli):
    run, _ = flask_cli
    result = run("run", "--port", "0", flask=True)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_course_command_offers_no_server_that_could_run_without_a_key(flask_cli):
    run, _ = flask_cli
    result = run("run", "--port", "0")
    assert result.returncode != 0
    assert "No such command 'run'" in result.stderr
