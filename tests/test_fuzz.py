"""The JSON API, fuzzed from its own OpenAPI document: no 5xx, answers as documented.

Schemathesis reads ``/api/openapi.json`` from the real server (``scripts/serve``), generates
requests for every operation (valid ones, then malformed ones), sends them as a signed-in
learner, and checks each answer: never a server error, a status code, content type and body
that the document describes. The number of examples per operation is bounded, and so is
the time each may take.
"""

from __future__ import annotations

import secrets

import pytest
import requests
import schemathesis
from helpers import PASSWORD, course_command, http_signed_in, serving, tiny_course
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EMAIL = "ada@example.org"
#: Examples per operation: enough to reach each branch of the request parsers, few
#: enough for the whole file to run in well under a minute.
EXAMPLES = 60
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory):
    """The real server with a learner signed in; the verify limit is raised for the fuzzing."""
    folder = tmp_path_factory.mktemp("fuzz")
    instance = folder / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        f"SECRET_KEY = {secrets.token_urlsafe(48)!r}\n"
        "VERIFY_LIMIT_PER_ADDRESS = '100000 per minute'\n"
    )
    with serving(instance, WORKERS="2", **tiny_course(folder / "content")) as server:
        course_command(instance, "users", "create", EMAIL, "--password", PASSWORD)
        with http_signed_in(server.url, EMAIL) as session:
            yield server, session


def fuzz(operation, mode: GenerationMode, session: requests.Session) -> None:
    """Send ``EXAMPLES`` generated requests for ``operation``; fail on the first bad answer."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=5000,  # ms per example; the server answers these in milliseconds
        database=None,  # no .hypothesis/ folder in the work tree
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def send(case) -> None:
        case.call_and_validate(session=session, checks=CHECKS, timeout=10)

    send()


@pytest.mark.parametrize(
    ("mode", "signed_in"),
    [
        (GenerationMode.POSITIVE, True),
        (GenerationMode.NEGATIVE, True),
        (GenerationMode.POSITIVE, False),  # the documented 401s
    ],
)
def test_every_operation_answers_as_documented(fuzzed_server, mode, signed_in):
    server, learner = fuzzed_server
    schema = schemathesis.openapi.from_url(f"{server.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 3
    with requests.Session() as anonymous:
        for operation in operations:
            fuzz(operation, mode, learner if signed_in else anonymous)
