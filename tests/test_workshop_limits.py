"""Forty people behind one address (issue 15, item 7), and a 429 that keeps what was typed
(item 8), with the default limits: a valid, open cohort code raises the address's budget
for sign-up and sign-in to the cohort's size; requests without one still meet the plain
limit, on the same counter; per-account limits do not change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from helpers import PASSWORD, csrf_token

from course.accounts.models import Role, User
from course.cohorts import services
from course.cohorts.models import Membership
from course.extensions import db

WORKSHOP = 40


@pytest.fixture
def cohort_code(app, create_user) -> str:
    """An open cohort of 40 places, led by Tess."""
    create_user("tess@example.org", role=Role.TRAINER, name="Tess")
    with app.app_context():
        tess = db.session.query(User).filter_by(email="tess@example.org").one()
        cohort = services.create_cohort(
            tess,
            "WikiGap Dakar",
            "fr",
            ["first-edit-a-thon"],
            date.today(),
            date.today() + timedelta(days=1),
            max_size=WORKSHOP,
        )
        db.session.commit()
        return cohort.code


def sign_up(client, n: int, code: str | None):
    path = f"/register?cohort={code}" if code else "/register"
    data = {
        "csrf_token": csrf_token(client, path),
        "display_name": f"Learner {n}",
        "email": f"learner{n}@example.org",
        "password": PASSWORD,
    }
    if code:
        data |= {"cohort": code, "cohort_consent": "y"}
    return client.post("/register", data=data)


def sign_in(client, n: int, code: str | None):
    path = f"/login?cohort={code}" if code else "/login"
    data = {
        "csrf_token": csrf_token(client, path),
        "email": f"learner{n}@example.org",
        "password": PASSWORD,
        "cohort": code or "",
    }
    return client.post("/login", data=data)


@pytest.mark.content("tiny")
def test_forty_people_behind_one_address_sign_up_confirm_and_sign_in_with_a_code(
    app, mailbox, cohort_code
):
    browsers = [app.test_client() for _ in range(WORKSHOP)]  # one address: 127.0.0.1
    assert [sign_up(b, n, cohort_code).status_code for n, b in enumerate(browsers)] == [
        303
    ] * WORKSHOP
    for n, browser in enumerate(browsers):
        path = mailbox.last_link(f"learner{n}@example.org").removeprefix("http://localhost")
        confirmed = browser.post(path, data={"csrf_token": csrf_token(browser, path)})
        assert confirmed.status_code == 303 and confirmed.headers["Location"].startswith(
            "/cohorts/"
        )
    with app.app_context():
        assert db.session.query(Membership).count() == WORKSHOP
    later = [app.test_client() for _ in range(WORKSHOP)]  # the next morning, other browsers
    assert [sign_in(b, n, cohort_code).status_code for n, b in enumerate(later)] == [303] * WORKSHOP

    # The address has spent its budget: a 41st sign-up without a code is refused, and its
    # form comes back with what was typed, except the password.
    refused = sign_up(app.test_client(), WORKSHOP, None)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    page = refused.get_data(as_text=True)
    assert "Too many attempts" in page
    assert 'value="Learner 40"' in page and 'value="learner40@example.org"' in page
    assert PASSWORD not in page
    with app.app_context():
        assert db.session.query(User).filter_by(email="learner40@example.org").count() == 0
    assert sign_in(app.test_client(), 0, None).status_code == 429


@pytest.mark.content("tiny")
def test_without_a_code_the_default_limits_still_hold(app, mailbox):
    statuses = [sign_up(app.test_client(), n, None).status_code for n in range(11)]
    assert statuses == [303] * 10 + [429]


@pytest.mark.content("tiny")
@pytest.mark.parametrize("problem", ["forged", "closed", "full"])
def test_a_forged_closed_or_full_code_raises_nothing(app, mailbox, cohort_code, problem):
    code = cohort_code
    with app.app_context():
        cohort = services.find_cohort(1)
        if problem == "closed":
            cohort.joining_open = False
        elif problem == "full":
            cohort.max_size = 1
        db.session.commit()
    if problem == "forged":
        code = "ACDEFHJK" if code != "ACDEFHJK" else "KJHFEDCA"
    statuses = [sign_up(app.test_client(), n, code).status_code for n in range(11)]
    # A full cohort of one raises nothing beyond the plain 10 either.
    assert statuses[-1] == 429 and statuses.count(429) == 1


@pytest.mark.content("tiny")
def test_the_code_does_not_change_the_per_account_limit(app, mailbox, cohort_code, create_user):
    create_user("learner0@example.org")
    client = app.test_client()
    wrong = []
    for _ in range(11):
        data = {
            "csrf_token": csrf_token(client, "/login"),
            "email": "learner0@example.org",
            "password": "not the password",
            "cohort": cohort_code,
        }
        wrong.append(client.post("/login", data=data).status_code)
    assert wrong == [400] * 10 + [429]


@pytest.mark.content("tiny")
def test_a_throttled_sign_in_keeps_the_address_but_not_the_password(app, create_user):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "1 per minute"
    create_user()
    client = app.test_client()
    token = csrf_token(client, "/login")
    data = {"csrf_token": token, "email": "ada@example.org", "password": "wrong password"}
    client.post("/login", data=data)
    refused = client.post("/login", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and 'value="ada@example.org"' in page
    assert "wrong password" not in page and "Too many attempts" in page
