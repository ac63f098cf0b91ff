"""Error pages: translated, helpful, and never a traceback."""

from __future__ import annotations

import re

import pytest
from helpers import PASSWORD, csrf_token, form_fields, login

from course.extensions import db
from course.learning.models import QuizAttempt


@pytest.fixture
def broken_app(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production, not as in tests

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    return app


@pytest.mark.parametrize("language", ["en", "fr"])
def test_page_not_found(client, language):
    response = client.get("/no/such/page", headers={"Accept-Language": language})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert f'<html lang="{language}"' in page
    assert ("Page not found" in page) == (language == "en")


def test_unexpected_errors_show_a_reference_not_a_traceback(broken_app, caplog):
    client = broken_app.test_client()
    response = client.get("/boom", headers={"Accept-Language": "fr"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in page and "Traceback" not in page
    assert '<html lang="fr"' in page
    reference = page.split("référence ")[1][:12] if "référence " in page else None
    assert reference and reference in caplog.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_unknown_methods_are_refused(client, method):
    response = client.open("/login", method=method)
    assert response.status_code == 405
    assert "Method not allowed" in response.get_data(as_text=True)


def test_a_ten_megabyte_post_is_refused_before_it_is_read(client):
    response = client.post(
        "/login",
        data={"email": "a@example.org", "password": "x" * (10 * 1024 * 1024)},
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 413
    assert '<html lang="fr"' in response.get_data(as_text=True)


def test_forbidden_and_bad_request_pages(app, client):
    from werkzeug.exceptions import abort

    @app.get("/staff-only")
    def staff_only():
        abort(403)

    assert client.get("/staff-only").status_code == 403
    assert "Not allowed" in client.get("/staff-only").get_data(as_text=True)
    bad = client.post("/language", data={"lang": "fr"})  # no CSRF token
    assert bad.status_code == 400
    assert "This form has expired" in bad.get_data(as_text=True)


def test_too_many_requests_page_says_when_to_retry(app, client):
    app.config["RESET_LIMIT_PER_ADDRESS"] = "1 per minute"
    token = csrf_token(client, "/reset")
    client.post("/reset", data={"email": "a@example.org", "csrf_token": token})
    response = client.post("/reset", data={"email": "a@example.org", "csrf_token": token})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many attempts" in response.get_data(as_text=True)
    assert PASSWORD not in response.get_data(as_text=True)


QUIZ = "/modules/first-edit-a-thon/quizzes/first-edit-a-thon-check"


@pytest.mark.content("tiny")
def test_a_quiz_sent_with_an_expired_token_comes_back_with_the_choices(app, client, create_user):
    create_user()
    opened = form_fields(client, QUIZ)  # opened before signing in again in another tab
    login(client)
    answers = {"q-q-host": "embassy", "q-q-partner": "true"}
    response = client.post(QUIZ, data={**opened, **answers}, headers={"Accept-Language": "fr"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Cette page avait expiré" in page
    assert re.search(r'value="embassy" checked', page) and re.search(r'value="true" checked', page)
    again = dict(re.findall(r'name="(csrf_token|form_token|version)" value="([^"]+)"', page))
    assert again["csrf_token"] != opened["csrf_token"]
    with app.app_context():
        assert db.session.query(QuizAttempt).count() == 0
    assert client.post(QUIZ, data={**again, **answers}).status_code == 303


@pytest.mark.content("tiny")
@pytest.mark.parametrize(
    "attempt", ["99999999999999999999999", "9223372036854775808", "2147483648", "-1", "0"]
)
def test_a_result_for_an_impossible_attempt_number_is_not_found(client, create_user, attempt):
    """Beyond the database's integers (PostgreSQL's stop at 2**31 - 1) is not a 500."""
    create_user()
    login(client)
    response = client.get(f"{QUIZ}/result?attempt={attempt}")
    assert response.status_code == 404
