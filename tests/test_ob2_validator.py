"""1EdTech's own Open Badges 2.0 validator accepts our hosted assertions, and sees revocation."""

from __future__ import annotations

import json
import subprocess

import pytest
from content_examples import write_course

from course.accounts import services as accounts
from course.accounts.models import User
from course.badges.models import Award
from course.config import PROJECT_ROOT
from course.content.store import course
from course.extensions import db
from course.learning import services as learning

VALIDATOR_PYTHON = PROJECT_ROOT / ".venv-ob2" / "bin" / "python"
CONTEXT = PROJECT_ROOT.parent / "shared" / "openbadges" / "contexts" / "ob-v2p0.json"

pytestmark = [
    pytest.mark.skipif(
        not VALIDATOR_PYTHON.exists(), reason="the validator's venv is made by `make test`"
    ),
    pytest.mark.skipif(
        not CONTEXT.exists(), reason="the OB 2.0 context is read from ../shared/openbadges"
    ),
]


@pytest.fixture
def content_dirs(tmp_path):
    return write_course(tmp_path / "content")


def validate(url: str, email: str) -> dict:
    result = subprocess.run(
        [
            str(VALIDATOR_PYTHON),
            str(PROJECT_ROOT / "tests/tools/ob2_validator.py"),
            str(CONTEXT),
            url,
            email,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def award_for(live_server, email: str) -> str:

    with live_server.app.test_request_context():
        user = accounts.create_user(email, "Ada", "a long passphrase", accounts.Role.LEARNER)
        module = course().module("first-edit-a-thon")
        for lesson in module.lessons:
            learning.mark_lesson_done(user, module, lesson, "en")
        quiz = module.quizzes[0]
        learning.record_attempt(
            user, module, quiz, {"q-host": ("embassy",), "q-partner": ("true",)}, "t" * 32, "en"
        )
        db.session.commit()
        return (
            db.session.query(Award)
            .join(User, User.id == Award.user_id)
            .filter(User.email == email)
            .one()
            .uid
        )


def test_the_reference_validator_accepts_the_hosted_assertion(live_server):
    uid = award_for(live_server, "ada@example.org")
    report = validate(f"{live_server.url}/badges/ob2/assertions/{uid}", "ada@example.org")
    assert report["valid"], report["messages"]
    assert report["errorCount"] == 0


def test_the_reference_validator_refuses_another_recipient(live_server):
    uid = award_for(live_server, "ada@example.org")
    report = validate(f"{live_server.url}/badges/ob2/assertions/{uid}", "someone.else@example.org")
    assert not report["valid"]
