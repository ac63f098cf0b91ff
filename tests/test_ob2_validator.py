"""1EdTech's own Open Badges 2.0 validator accepts our hosted assertions, and sees revocation."""

from __future__ import annotations

import json
import subprocess

import pytest

from course.config import PROJECT_ROOT

VALIDATOR_PYTHON = PROJECT_ROOT / ".venv-ob2" / "bin" / "python"
CONTEXT = PROJECT_ROOT.parent / "shared" / "openbadges" / "contexts" / "ob-v2p0.json"

pytestmark = [
    pytest.mark.skipif(
        not VALIDATOR_PYTHON.exists(), reason="the validator's venv is made by `make test`"
    ),
    pytest.mark.skipif(
        not CONTEXT.exists(), reason="the OB 2.0 context is read from ../shared/openbadges"
    ),
    pytest.mark.content("tiny"),
]


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


def test_the_reference_validator_accepts_the_hosted_assertion(live_server, completed_learner):
    uid = completed_learner("first-edit-a-thon", "ada@example.org").award().uid
    report = validate(f"{live_server.url}/badges/ob2/assertions/{uid}", "ada@example.org")
    assert report["valid"], report["messages"]
    assert report["errorCount"] == 0


def test_the_reference_validator_refuses_another_recipient(live_server, completed_learner):
    uid = completed_learner("first-edit-a-thon", "ada@example.org").award().uid
    report = validate(f"{live_server.url}/badges/ob2/assertions/{uid}", "someone.else@example.org")
    assert not report["valid"]
