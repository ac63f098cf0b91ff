"""Two app servers on one PostgreSQL and one Redis behave as one site.

This is how the README says to grow past one machine: each server is ``scripts/serve`` in a
process of its own, on its own port, with its own instance folder holding the same
``config.py`` and badge keys; the database and the rate-limit counters are shared. A session
started on one server works on the other, rate limits count requests to both, and twenty
passing answers to a module's last quiz sent at once, half to each server, complete the
module and award its badge exactly once.
"""

from __future__ import annotations

import re
import secrets
import shutil
from pathlib import Path

import pytest
import requests
from helpers import (
    PASSWORD,
    PG_URL,
    Served,
    course_command,
    empty_database,
    http_signed_in,
    redis_server,
    run_together,
    serving,
    tiny_course,
)
from sqlalchemy import create_engine, text

from course.content.loader import load_course

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(
        not PG_URL,
        reason="two servers need a database server: make test-postgresql runs this on PostgreSQL",
    ),
]

EMAIL = "ada@example.org"
MODULE = "first-edit-a-thon"
VERIFY_LIMIT = 4
COMPLETIONS = 20


def lesson_paths(session: requests.Session, url: str) -> list[str]:
    page = session.get(f"{url}/modules/{MODULE}", timeout=10).text
    return sorted(set(re.findall(rf'href="(/modules/{MODULE}/lessons/[^"/]+)"', page)))


def quiz_paths(session: requests.Session, url: str) -> list[str]:
    page = session.get(f"{url}/modules/{MODULE}", timeout=10).text
    return sorted(set(re.findall(rf'href="(/modules/{MODULE}/quizzes/[^"/]+)"', page)))


def passing_form(session: requests.Session, url: str, path: str, files: dict[str, str]) -> dict:
    """Open the quiz at ``path`` and answer every question it drew rightly."""
    course, _ = load_course(
        Path(files["COURSE_MODULES_DIR"]), Path(files["COURSE_BADGES_DIR"]), ("en", "fr")
    )
    quiz = course.module(MODULE).quiz(path.rsplit("/", 1)[1])
    page = session.get(f"{url}{path}", timeout=10).text
    fields: dict = dict(re.findall(r'name="(csrf_token|form_token|version)" value="([^"]+)"', page))
    for question_id in set(re.findall(r'name="q-([^"]+)"', page)):
        question = next(q for q in quiz.questions if q.id == question_id)
        fields[f"q-{question_id}"] = [o.id for o in question.options if o.correct]
    return fields


def mark_lessons_done(session: requests.Session, url: str, paths: list[str]) -> None:
    for path in paths:
        page = session.get(f"{url}{path}", timeout=10).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert token, f"no form on {path}"
        done = session.post(
            f"{url}{path}/done",
            data={"csrf_token": token.group(1)},
            allow_redirects=False,
            timeout=20,
        )
        assert done.status_code == 303, f"{path} not marked done"


def count(sql: str) -> int:
    engine = create_engine(PG_URL)
    with engine.connect() as connection:
        found = connection.execute(text(sql)).scalar_one()
    engine.dispose()
    return found


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    """Servers A and B: same settings and keys, one PostgreSQL database, one Redis.

    Started once for this file's three tests (two server starts take most of its time); the
    tests share one learner and touch different things: sessions, the verify limit of the
    loopback address, one module's completion.
    """
    empty_database(PG_URL)
    tmp_path = tmp_path_factory.mktemp("two-servers")
    files = tiny_course(tmp_path / "content")
    first, second = tmp_path / "a" / "instance", tmp_path / "b" / "instance"
    first.mkdir(parents=True)
    (first / "config.py").write_text(
        f"SECRET_KEY = {secrets.token_urlsafe(48)!r}\n"
        f"VERIFY_LIMIT_PER_ADDRESS = '{VERIFY_LIMIT} per minute'\n"
    )
    with redis_server(tmp_path) as redis_url:
        env = {**files, "COURSE_RATELIMIT_STORAGE": redis_url, "WORKERS": "2"}
        with serving(first, **env) as a:
            # The second machine gets the first one's settings and badge keys, as an
            # administrator copies instance/ (or mounts it) when adding a server.
            shutil.copytree(first, second, ignore=shutil.ignore_patterns("*.sqlite3*"))
            with serving(second, **env) as b:
                course_command(first, "users", "create", EMAIL, "--password", PASSWORD)
                yield a, b, files


def test_a_session_started_on_one_server_works_on_the_other(two_servers):
    a, b, _ = two_servers
    with http_signed_in(a.url, EMAIL) as on_a, requests.Session() as on_b:
        on_b.cookies.update(on_a.cookies)
        response = on_b.get(f"{b.url}/api/v1/me/progress", timeout=10)
    assert response.status_code == 200
    assert response.json()["modules"]
    assert requests.get(f"{b.url}/api/v1/me/progress", timeout=10).status_code == 401


def test_rate_limits_count_requests_to_both_servers(two_servers):
    a, b, _ = two_servers
    statuses = []
    for n in range(VERIFY_LIMIT + 2):
        server: Served = (a, b)[n % 2]
        response = requests.post(
            f"{server.url}/api/v1/verify", json={"jwt": "not.a.jwt"}, timeout=10
        )
        statuses.append(response.status_code)
    assert statuses == [200] * VERIFY_LIMIT + [429, 429]


def test_twenty_simultaneous_completions_across_both_servers_award_once(two_servers):
    """Half the requests send the module's last quiz (its one open form), half mark its last
    lesson done; every one of them can complete the module, on either server."""
    a, b, files = two_servers
    with http_signed_in(a.url, EMAIL) as session:
        complete_at_once(a, b, files, session)
    assert count("SELECT count(*) FROM module_completion") == 1
    assert count("SELECT count(*) FROM award") == 1


def complete_at_once(a: Served, b: Served, files: dict[str, str], session: requests.Session):
    """Do all of the module but its last lesson and quiz, then send those twenty times."""
    *lessons, last_lesson = lesson_paths(session, a.url)
    mark_lessons_done(session, b.url, lessons)
    *quizzes, last_quiz = quiz_paths(session, a.url)
    for path in quizzes:
        form = passing_form(session, a.url, path, files)
        assert (
            session.post(f"{a.url}{path}", data=form, allow_redirects=False, timeout=20).status_code
            == 303
        )
    quiz_form = passing_form(session, b.url, last_quiz, files)
    lesson_form = {"csrf_token": quiz_form["csrf_token"]}
    requests_to_send = [
        (
            (a, b)[n % 2],
            *((last_quiz, quiz_form) if n // 2 % 2 else (last_lesson + "/done", lesson_form)),
        )
        for n in range(COMPLETIONS)
    ]

    def send(server: Served, path: str, form: dict) -> int:
        with requests.Session() as client:
            client.cookies.update(session.cookies)
            response = client.post(
                f"{server.url}{path}", data=form, allow_redirects=False, timeout=20
            )
            return response.status_code

    statuses = run_together([lambda r=r: send(*r) for r in requests_to_send])
    assert statuses == [303] * COMPLETIONS
    assert count("SELECT count(*) FROM quiz_attempt WHERE passed") == len(quizzes) + 1
    awards = session.get(f"{b.url}/api/v1/me/awards", timeout=10).json()["awards"]
    assert len(awards) == 1
