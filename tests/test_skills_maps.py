"""Maps of skills (issue 14 items 6 to 8): my skills, the group map, the site-wide view.

The course is the tiny one with a second skill, ``run-the-day``, taught by the lesson "On
the day" and assessed by no question: a learner who completes the module shows
``find-a-partner`` (its badge certifies it, its questions are right) and misses
``run-the-day``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from content_examples import write_course
from helpers import complete_module, csrf_token, form_fields, signed_in

from course.accounts.models import Role, User
from course.content.model import Question, QuestionType
from course.extensions import db
from course.learning.outcomes import FirstAndLatest, QuestionOutcome, first_and_latest
from course.skills.aggregate import hide_row, hide_small
from course.skills.forms import InvalidSelfAssessment, parse_self_assessment
from course.skills.models import SelfAssessment
from course.skills.rules import Answered, shown_levels
from course.skills.services import month_ends

SECOND_SKILL = """  - id: run-the-day
    group: partners
    identifier: 5b0f3f53-8f3c-4b8e-9a51-0c1c7f1c2d11
"""
SECOND_TEXTS = {
    "en": "  run-the-day:\n    name: Run the day\n    statement: Can welcome people who never edited.\n",
    "fr": "  run-the-day:\n    name: Animer la journée\n    statement: Sait accueillir qui n'a jamais contribué.\n",
}


def write_skills_course(root: Path) -> dict[str, str]:
    """The tiny course with a second skill that a lesson teaches and no question assesses."""
    settings = write_course(root)
    badges, modules = Path(settings["BADGES_DIR"]), Path(settings["MODULES_DIR"])
    framework = badges / "skills.yaml"
    framework.write_text(framework.read_text() + SECOND_SKILL)
    for language, texts in SECOND_TEXTS.items():
        path = badges / f"skills.{language}.yaml"
        path.write_text(path.read_text() + texts)
    lesson = modules / "01-first-edit-a-thon" / "02-on-the-day.en.md"  # translations follow
    lesson.write_text(lesson.read_text().replace("minutes: 4\n", "minutes: 4\nskills: [run-the-day]\n"))
    return settings


@pytest.fixture
def app_settings(tmp_path: Path) -> dict[str, Any]:
    """This module's apps serve the course above."""
    return write_skills_course(tmp_path / "content")


def my_skills(client: Any) -> dict[str, dict[str, Any]]:
    """``GET /api/v1/me/skills``, by skill id."""
    response = client.get("/api/v1/me/skills")
    assert response.status_code == 200
    return {skill["id"]: skill for skill in response.get_json()["skills"]}


def rows_of(app: Any, user_id: int | None = None) -> list[tuple[int, str, Any, Any, bool]]:
    """Every stored self-assessment (or one learner's), as plain tuples."""
    with app.app_context():
        query = db.session.query(SelfAssessment).order_by(SelfAssessment.id)
        if user_id is not None:
            query = query.filter_by(user_id=user_id)
        return [(r.user_id, r.skill_id, r.before, r.after, r.share) for r in query]


def post_ratings(client: Any, data: dict[str, Any]) -> Any:
    """Send the self-assessment form of ``/me/skills`` with ``data`` and a valid token."""
    return client.post("/me/skills", data={"csrf_token": csrf_token(client, "/me/skills"), **data})


# --- my skills -----------------------------------------------------------------------------


@pytest.mark.content("tiny")
def test_a_new_learner_sees_the_skill_her_badge_certifies_and_the_lesson_for_the_missing_one(
    app, completed_learner
):
    ada = completed_learner("first-edit-a-thon")
    page = ada.client.get("/me/skills").get_data(as_text=True)
    shown, missing = page.split('id="missing"')[0], page.split('id="missing"')[1]
    assert "Find a local partner" in shown and "Aware" in shown
    assert "First edit-a-thon with a partner" in shown  # the badge that shows it
    assert "Run the day" in missing.split('id="self-assessment"')[0]
    assert '/modules/first-edit-a-thon/lessons/on-the-day"' in missing

    skills = my_skills(ada.client)
    assert skills["find-a-partner"]["level"] == "aware"
    assert skills["find-a-partner"]["badges"] == ["first-edit-a-thon"]
    assert skills["find-a-partner"]["questions"] == {
        "assessing": 2, "asked": 2, "right_first_try": 2, "right_latest": 2
    }
    assert skills["run-the-day"]["level"] is None
    assert [lesson["lesson"] for lesson in skills["run-the-day"]["lessons"]] == ["on-the-day"]
    assert skills["run-the-day"]["lessons"][0]["url"].endswith("/lessons/on-the-day")


@pytest.mark.content("tiny")
def test_quiz_answers_alone_show_aware_when_most_are_right_the_latest_time(app, create_user):
    """No badge (a lesson is left undone), so the level comes from the questions only."""
    create_user()
    client = signed_in(app)
    quiz = "/modules/first-edit-a-thon/quizzes/first-edit-a-thon-check"
    wrong = {**form_fields(client, quiz), "q-q-host": "alone", "q-q-partner": "false"}
    assert client.post(quiz, data=wrong).status_code == 303
    first = my_skills(client)["find-a-partner"]
    assert first["level"] is None and first["badges"] == []
    assert first["questions"]["right_latest"] == 0

    half = {**form_fields(client, quiz), "q-q-host": "embassy", "q-q-partner": "false"}
    assert client.post(quiz, data=half).status_code == 303
    assert my_skills(client)["find-a-partner"]["level"] is None  # 1 of 2 is not most

    right = {**form_fields(client, quiz), "q-q-host": "embassy", "q-q-partner": "true"}
    assert client.post(quiz, data=right).status_code == 303
    after = my_skills(client)["find-a-partner"]
    assert after["level"] == "aware" and after["badges"] == []
    assert after["questions"] == {
        "assessing": 2, "asked": 2, "right_first_try": 0, "right_latest": 2
    }


@pytest.mark.content("tiny")
def test_my_skills_needs_a_sign_in(app, client):
    assert client.get("/me/skills").status_code == 302
    response = client.get("/api/v1/me/skills")
    assert response.status_code == 401 and response.get_json()["error"] == "not_signed_in"


@pytest.mark.content("tiny")
def test_my_skills_in_french(app, completed_learner):
    ada = completed_learner("first-edit-a-thon")
    page = ada.client.get("/me/skills", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Mes compétences" in page and "Trouver un partenaire local" in page
    assert "Connaît" in page and "Animer la journée" in page


# --- self-assessment -----------------------------------------------------------------------


@pytest.mark.content("tiny")
def test_a_self_assessment_is_saved_edited_and_cleared_and_private_until_shared(
    app, create_user
):
    ada_id = create_user()
    client = signed_in(app)
    response = post_ratings(client, {"before-find-a-partner": "1", "after-find-a-partner": "3"})
    assert response.status_code == 303
    assert rows_of(app) == [(ada_id, "find-a-partner", 1, 3, False)]
    assert my_skills(client)["find-a-partner"]["self_assessment"] == {"before": 1, "after": 3}
    assert client.get("/api/v1/me/skills").get_json()["share_self_assessment"] is False

    post_ratings(client, {"after-find-a-partner": "4", "before-run-the-day": "2", "share": "1"})
    assert rows_of(app) == [
        (ada_id, "find-a-partner", None, 4, True),
        (ada_id, "run-the-day", 2, None, True),
    ]
    page = client.get("/me/skills").get_data(as_text=True)
    assert re.search(r'id="share" name="share" value="1" checked', page)

    post_ratings(client, {"after-find-a-partner": "", "before-run-the-day": "2"})
    assert rows_of(app) == [(ada_id, "run-the-day", 2, None, False)]


BAD_RATINGS = {
    "above the scale": {"before-find-a-partner": "5"},
    "below the scale": {"after-find-a-partner": "0"},
    "not a number": {"after-find-a-partner": "three"},
    "a negative number": {"after-find-a-partner": "-1"},
    "unknown skill": {"before-no-such-skill": "2"},
    "for another learner": {"before-find-a-partner": "2", "user_id": "1"},
    "for another learner, by field name": {"before-find-a-partner-1": "2"},
    "share that is not a checkbox": {"before-find-a-partner": "2", "share": "everyone"},
}


@pytest.mark.content("tiny")
@pytest.mark.parametrize("data", BAD_RATINGS.values(), ids=BAD_RATINGS.keys())
def test_a_bad_self_assessment_is_a_400_and_stores_nothing(app, create_user, data):
    ada_id = create_user()
    create_user("bob@example.org")
    ada, bob = signed_in(app), signed_in(app, "bob@example.org")
    post_ratings(ada, {"before-find-a-partner": "1", "after-find-a-partner": "2"})
    before = rows_of(app)
    data = {k: str(ada_id) if k == "user_id" else v for k, v in data.items()}
    response = post_ratings(bob, {"after-run-the-day": "3", **data})
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert rows_of(app) == before  # Ada's rows untouched, nothing stored for Bob


@pytest.mark.content("tiny")
def test_a_learner_can_only_ever_rate_herself(app, create_user):
    """Bob's form changes Bob's ratings, whatever Ada has; neither sees the other's."""
    ada_id, bob_id = create_user(), create_user("bob@example.org")
    ada, bob = signed_in(app), signed_in(app, "bob@example.org")
    post_ratings(ada, {"before-find-a-partner": "1"})
    post_ratings(bob, {"before-find-a-partner": "4"})
    assert rows_of(app, ada_id) == [(ada_id, "find-a-partner", 1, None, False)]
    assert rows_of(app, bob_id) == [(bob_id, "find-a-partner", 4, None, False)]
    assert my_skills(ada)["find-a-partner"]["self_assessment"]["before"] == 1
    assert my_skills(bob)["find-a-partner"]["self_assessment"]["before"] == 4


@pytest.mark.content("tiny")
def test_a_self_assessment_without_a_csrf_token_stores_nothing(app, create_user):
    create_user()
    client = signed_in(app)
    response = client.post("/me/skills", data={"before-find-a-partner": "2"})
    assert response.status_code == 400
    assert rows_of(app) == []


@pytest.mark.content("tiny")
def test_self_assessments_are_exported_and_deleted_with_the_account(app, create_user):
    ada_id = create_user()
    client = signed_in(app)
    post_ratings(client, {"before-find-a-partner": "2", "after-find-a-partner": "3"})
    export = json.loads(client.get("/account/export").get_data(as_text=True))
    [row] = export["skills_self_assessment"]
    assert row["skill"] == "find-a-partner" and (row["before"], row["after"]) == (2, 3)
    assert row["shared"] is False and row["updated_at"]

    token = csrf_token(client, "/account/delete")
    response = client.post(
        "/account/delete",
        data={"csrf_token": token, "password": "correct horse battery staple", "understood": "y"},
    )
    assert response.status_code == 303
    assert rows_of(app) == []
    with app.app_context():
        assert db.session.get(User, ada_id) is None
