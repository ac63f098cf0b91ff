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

import jsonschema
import pytest
from content_examples import write_course
from helpers import complete_module, csrf_token, form_fields, signed_in

from course.accounts.models import Role, User
from course.content.loader import load_course
from course.extensions import db
from course.learning.outcomes import FirstAndLatest, QuestionOutcome, first_and_latest
from course.skills.aggregate import hide_row, hide_small, levels_over_time
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
    lesson.write_text(
        lesson.read_text().replace("minutes: 4\n", "minutes: 4\nskills: [run-the-day]\n")
    )
    return settings


@pytest.fixture
def app_settings(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """This module's apps serve the course above, or the shipped one when a test asks."""
    marker = request.node.get_closest_marker("content")
    if marker and marker.args[0] == "shipped":
        return request.getfixturevalue("content_dirs")
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
        "assessing": 2,
        "asked": 2,
        "right_first_try": 2,
        "right_latest": 2,
    }
    assert skills["run-the-day"]["level"] is None
    assert [lesson["lesson"] for lesson in skills["run-the-day"]["lessons"]] == ["on-the-day"]
    assert skills["run-the-day"]["lessons"][0]["url"].endswith("/lessons/on-the-day")


@pytest.mark.content("shipped")
def test_after_module_1_of_the_shipped_course_its_badge_skills_are_shown_and_others_missing(
    app, completed_learner
):
    """Issue 14's "done when": the skills the first badge certifies, the rest with lessons."""
    ada = completed_learner("gender-gap")
    skills = my_skills(ada.client)
    shown = {skill for skill, mine in skills.items() if mine["level"]}
    assert shown == {"explain-the-gap", "explain-slow-change"}
    assert all(skills[skill]["badges"] == ["understanding-the-gap"] for skill in shown)
    missing = [mine for skill, mine in skills.items() if skill not in shown]
    assert len(missing) >= 10 and all(mine["lessons"] for mine in missing)
    page = ada.client.get("/me/skills").get_data(as_text=True)
    assert page.count("/lessons/") >= len(missing)


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
        "assessing": 2,
        "asked": 2,
        "right_first_try": 0,
        "right_latest": 2,
    }


@pytest.mark.content("tiny")
def test_the_api_answers_as_its_openapi_document_says(app, completed_learner):
    ada = completed_learner("first-edit-a-thon")
    post_ratings(ada.client, {"before-find-a-partner": "2"})
    document = ada.client.get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/v1/me/skills"]["get"]
    assert set(operation["responses"]) == {"200", "401"}
    schema = document["components"]["schemas"]["Skills"]
    jsonschema.Draft202012Validator(schema).validate(ada.client.get("/api/v1/me/skills").get_json())


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
def test_a_self_assessment_is_saved_edited_and_cleared_and_private_until_shared(app, create_user):
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


# --- the group map -------------------------------------------------------------------------


def complete_as(app: Any, create_user: Any, email: str, locale: str | None = None) -> int:
    """A learner who completed the module through the forms (in ``locale``, if given)."""
    user_id = create_user(email)
    if locale:
        with app.app_context():
            db.session.get(User, user_id).locale = locale
            db.session.commit()
    client = signed_in(app, email)
    complete_module(app, client, "first-edit-a-thon")
    if email.startswith("sharer"):  # rates herself "4: leads" now, and shares it
        post_ratings(client, {"after-find-a-partner": "4", "share": "1"})
    return user_id


def map_table(page: str) -> dict[str, list[str]]:
    """The group map's table: skill name -> its cells, as shown."""
    body = page.split('id="map-table-caption"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', body, re.S)
    return {name: re.findall(r"<td>([^<]*)</td>", cells) for name, cells in rows}


@pytest.mark.content("tiny")
@pytest.mark.parametrize("path", ["/skills-map", "/skills-map.csv", "/skills-map/site"])
def test_a_learner_asking_for_a_skills_map_gets_a_403(app, create_user, path):
    create_user()
    assert signed_in(app).get(path).status_code == 403
    assert app.test_client().get(path).status_code == 302  # signed out: the sign-in page


@pytest.mark.content("tiny")
def test_the_site_view_is_for_admins_only(app, trainer, create_user):
    assert trainer.get("/skills-map/site").status_code == 403
    create_user("root@example.org", role=Role.ADMIN)
    assert signed_in(app, "root@example.org").get("/skills-map/site").status_code == 200


@pytest.mark.content("tiny")
def test_a_map_of_fewer_than_5_learners_shows_no_count_in_page_chart_or_csv(
    app, trainer, create_user
):
    for n in range(3):
        complete_as(app, create_user, f"learner{n}@example.org")
    page = trainer.get("/skills-map").get_data(as_text=True)
    assert "Fewer than 5 learners counted" in page
    table = map_table(page)
    assert set(table["Find a local partner"][:6]) == {"fewer than 5"}
    assert set(table["Run the day"][:6]) == {"fewer than 5"}  # even zeros: 0 and 3 tell
    chart = page.split("<svg")[1].split("</svg>")[0]
    assert "fewer than 5" in chart and " %" not in chart
    assert re.search(r'role="img"[^>]*aria-labelledby="map-chart-title"', page)
    rows = list(csv.reader(io.StringIO(trainer.get("/skills-map.csv").get_data(as_text=True))))
    assert rows[0][:5] == ["skill", "aware", "practised", "leads", "missing"]
    assert rows[1][:6] == ["find-a-partner", *["fewer than 5"] * 5]


@pytest.mark.content("tiny")
def test_a_map_of_5_learners_counts_levels_shares_and_the_gap_of_shared_ratings(
    app, trainer, create_user
):
    for n in range(5):
        complete_as(app, create_user, f"sharer{n}@example.org")
    complete_as(app, create_user, "private@example.org")  # rates herself 1, does not share
    private = signed_in(app, "private@example.org")
    post_ratings(private, {"after-find-a-partner": "1"})
    page = trainer.get("/skills-map").get_data(as_text=True)
    assert "6 learners counted." in page
    table = map_table(page)
    # aware, practised, leads, not shown, share, shared ratings, self, shown, gap
    assert table["Find a local partner"] == ["6", "0", "0", "0", "100 %", "5", "4.0", "2.0", "+2.0"]
    assert table["Run the day"] == ["0", "0", "0", "6", "0 %", "0", "–", "–", "–"]
    assert re.search(r"<svg[^>]*>.*100 %.*</svg>", page, re.S)

    rows = list(csv.reader(io.StringIO(trainer.get("/skills-map.csv").get_data(as_text=True))))
    assert rows[1] == [
        "find-a-partner",
        "6",
        "0",
        "0",
        "0",
        "6",
        "100",
        "5",
        "4.00",
        "2.00",
        "2.00",
        "6",
    ]


@pytest.mark.content("tiny")
def test_the_map_filters_by_language_and_period(app, trainer, create_user):
    first_day = datetime.now(UTC).date().isoformat()  # the test may run across midnight
    for n in range(5):
        complete_as(app, create_user, f"fr{n}@example.org", locale="fr")
    complete_as(app, create_user, "en@example.org", locale="en")
    assert "6 learners counted." in trainer.get("/skills-map").get_data(as_text=True)
    assert "5 learners counted." in trainer.get("/skills-map?language=fr").get_data(as_text=True)
    english = trainer.get("/skills-map?language=en").get_data(as_text=True)
    assert "Fewer than 5 learners counted" in english
    today = datetime.now(UTC).date().isoformat()
    period = trainer.get(f"/skills-map?start={first_day}&end={today}").get_data(as_text=True)
    assert "6 learners counted." in period
    future = trainer.get("/skills-map?start=2999-01-01").get_data(as_text=True)
    assert "0 learners counted." in future
    assert set(map_table(future)["Find a local partner"][:6]) == {"fewer than 5"}
    csv_fr = trainer.get("/skills-map.csv?language=fr").get_data(as_text=True)
    assert csv_fr.splitlines()[1].endswith(",5")


@pytest.mark.content("tiny")
@pytest.mark.parametrize(
    "query",
    ["start=yesterday", "start=2026-02-30", "start=2026-05-02&end=2026-05-01", "language=xx"],
)
def test_a_bad_map_filter_is_a_400_that_says_what_is_wrong(app, trainer, query):
    response = trainer.get(f"/skills-map?{query}")
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    assert trainer.get(f"/skills-map.csv?{query}").status_code == 303


@pytest.mark.content("tiny")
def test_the_group_map_in_french(app, trainer, create_user):
    complete_as(app, create_user, "ada@example.org")
    page = trainer.get("/skills-map", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Carte des compétences des apprenant·es" in page and "moins de 5" in page
    assert "Trouver un partenaire local" in page
    french = {"Accept-Language": "fr"}
    wrong = trainer.get("/skills-map?start=2026-05-02&end=2026-05-01", headers=french)
    assert "La fin de la période précède son début." in wrong.get_data(as_text=True)
    bad = trainer.get("/skills-map?start=hier", headers=french).get_data(as_text=True)
    assert re.findall(r'<li><a href="#start">([^<]*)<', bad) == ["N&#39;est pas une date valide."]


# --- the site view -------------------------------------------------------------------------


@pytest.mark.content("tiny")
def test_the_site_view_shows_present_and_missing_skills_by_month(app, create_user):
    for n in range(5):
        complete_as(app, create_user, f"learner{n}@example.org")
    create_user("root@example.org", role=Role.ADMIN)
    page = signed_in(app, "root@example.org").get("/skills-map/site").get_data(as_text=True)
    body = page.split('id="site-table-caption"')[1]
    month = datetime.now(UTC).strftime("%Y-%m")
    assert f">{month}</th>" in body
    find = re.search(r"Find a local partner</th>(.*?)</tr>", body, re.S).group(1)
    assert "Present" in find and find.rstrip().endswith("<td>5</td>")
    run = re.search(r"Run the day</th>(.*?)</tr>", body, re.S).group(1)
    assert "Missing" in run
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="timeline-chart-title"', page)


# --- pure rules ----------------------------------------------------------------------------


def test_a_skill_is_shown_by_most_latest_answers_or_by_a_badge_at_its_level():
    assert shown_levels({"a": Answered(3, 0, 2, 3)}, {}) == {"a": 1}
    assert shown_levels({"a": Answered(2, 2, 1, 2)}, {}) == {}  # half is not most
    assert shown_levels({"a": Answered(1, 1, 1, 4)}, {}) == {}  # 3 questions never asked
    assert shown_levels({"a": Answered(0, 0, 0, 2)}, {"a": 3}) == {"a": 3}
    assert shown_levels({"a": Answered(1, 1, 1, 1)}, {"a": 2, "b": 1}) == {"a": 2, "b": 1}


def test_first_and_latest_follow_the_order_of_answers():
    at = datetime(2026, 1, 1, tzinfo=UTC)
    history = [QuestionOutcome(1, "q", right, at) for right in (False, True, False, True)]
    assert first_and_latest(history) == {"q": FirstAndLatest(False, True)}


def test_levels_over_time_count_only_what_came_before_each_moment(tmp_path):
    settings = write_skills_course(tmp_path)
    content, _report = load_course(
        Path(settings["MODULES_DIR"]), Path(settings["BADGES_DIR"]), ["en", "fr"]
    )
    jan, feb, mar = (datetime(2026, month, 10, tzinfo=UTC) for month in (1, 2, 3))
    outcomes = [
        QuestionOutcome(1, "q-host", False, jan),
        QuestionOutcome(1, "q-host", True, feb),
        QuestionOutcome(1, "q-partner", True, feb),
        QuestionOutcome(2, "q-host", False, feb),
    ]
    held = [(3, "first-edit-a-thon", mar)]
    ends = [datetime(2026, month, 1, tzinfo=UTC) for month in (2, 3, 4)]
    assert levels_over_time(content, outcomes, held, ends) == [
        (1, {1: {}}),
        (2, {1: {"find-a-partner": 1}, 2: {}}),
        (2, {1: {"find-a-partner": 1}, 2: {}, 3: {"find-a-partner": 1}}),
    ]


def test_small_counts_are_hidden_and_a_lone_hidden_cell_takes_another_with_it():
    assert hide_small(0) == 0 and hide_small(4) is None and hide_small(5) == 5
    assert hide_row([10, 0, 7], 17) == [10, 0, 7]
    assert hide_row([10, 3, 7], 20) == [10, None, None]  # 3 alone could be subtracted out
    assert hide_row([10, 3, 2, 7], 22) == [10, None, None, 7]
    assert hide_row([3, 0, 7], 10) == [None, 0, None]  # 7 without: 3 with it
    assert hide_row([3, 0, 0], 3) == [None, None, None]  # fewer than 5 in all: nothing


def test_month_ends_cover_the_last_months_across_a_new_year():
    ends = month_ends(date(2026, 2, 10), 3)
    assert [label for label, _end in ends] == ["2025-12", "2026-01", "2026-02"]
    assert ends[-1][1] == datetime(2026, 3, 1, tzinfo=UTC)


def test_the_self_assessment_parser_refuses_a_whole_form_for_one_bad_field():
    class Form(dict):
        def getlist(self, key: str) -> list[str]:
            return self[key]

    ok = Form({"before-a": ["1"], "after-a": [""], "share": ["1"], "csrf_token": ["x"]})
    assert parse_self_assessment(ok, {"a"}) == ({"a": (1, None)}, True)
    for bad in ({"before-a": ["1", "2"]}, {"before-a": ["²"]}, {"during-a": ["1"]}):
        with pytest.raises(InvalidSelfAssessment):
            parse_self_assessment(Form(bad), {"a"})


@pytest.mark.content("tiny")
def test_cohorts_and_hubs_get_the_map_of_their_members_through_a_hook(app, create_user):
    """``course_group_skills_map`` maps only the learners it is given."""
    ids = [complete_as(app, create_user, f"learner{n}@example.org") for n in range(6)]
    group_map_html = app.extensions["course_group_skills_map"]
    with app.test_request_context():
        five = str(group_map_html(set(ids[:5])))
        two = str(group_map_html(set(ids[:2])))
    assert "5 learners counted." in five and 'role="img"' in five
    assert map_table(five)["Find a local partner"][:4] == ["5", "0", "0", "0"]
    assert "Download as CSV" not in five
    assert "Fewer than 5 learners counted" in two
    assert set(map_table(two)["Find a local partner"]) <= {"fewer than 5", "–"}
