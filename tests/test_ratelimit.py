"""Rate limits hold across server processes: counters live in the database or in Redis.

Each "worker" here is a separate Python process with its own app and storage connection,
as gunicorn's workers are; the attempts alternate between them.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from helpers import PG_URL, dispose, redis_server

WORKER = """
import json, re, sys
from course import create_app
app = create_app({"TESTING": True, "MAIL_SERVER": None})
client = app.test_client()
statuses = []
for n in range(int(sys.argv[1])):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={
        "csrf_token": token, "email": "ada@example.org", "password": f"guess {n}"})
    statuses.append(response.status_code)
print(json.dumps(statuses))
"""


def run_worker(instance, storage: str, database_url: str, attempts: int) -> list[int]:
    env = {
        **os.environ,
        "COURSE_INSTANCE_PATH": str(instance),
        "COURSE_DATABASE_URL": database_url,
        "COURSE_RATELIMIT_STORAGE": storage,
    }
    result = subprocess.run(
        [sys.executable, "-c", WORKER, str(attempts)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def shared_database(app, tmp_path):
    """A migrated database both workers use, and the settings they read from instance/config.py.

    Like gunicorn's workers they share the secret key, which also keys the (hashed) counters.
    """
    instance = tmp_path / "instance"
    dispose(app)  # the workers are other processes: this one keeps no connection open
    (instance / "config.py").write_text(
        f'LOGIN_LIMIT_PER_ACCOUNT = "4 per minute"\nSECRET_KEY = "{secrets.token_urlsafe(48)}"\n'
    )
    return instance, PG_URL or f"sqlite:///{instance / 'course.sqlite3'}"


def alternate(instance, storage, database_url) -> list[int]:
    first = run_worker(instance, storage, database_url, 3)
    second = run_worker(instance, storage, database_url, 3)
    return first + second


@pytest.mark.db
def test_database_counters_are_shared_between_workers(shared_database):
    assert alternate(shared_database[0], "db", shared_database[1]) == [400] * 4 + [429] * 2


@pytest.mark.db
def test_per_process_memory_counters_are_not_shared(shared_database):
    """Why the default is the database: with memory counters each worker allows the limit."""
    assert alternate(shared_database[0], "memory", shared_database[1]) == [400] * 6


@pytest.fixture
def redis_url(tmp_path):
    with redis_server(tmp_path) as url:
        yield url


@pytest.mark.db
def test_redis_counters_are_shared_between_workers(shared_database, redis_url):
    assert alternate(shared_database[0], redis_url, shared_database[1]) == [400] * 4 + [429] * 2
