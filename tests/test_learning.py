"""The learner journey through the test client: pages, quizzes, progress, integrity."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from content_examples import POOL, write_course, write_pool_module
from helpers import (
    PASSWORD,
    PG_URL,
    csrf_token,
    form_fields,
    login,
    run_together,
    shown_questions,
    signed_in,
    submit,
)

from course import clock
from course.accounts import services as accounts
from course.accounts.models import Role
from course.content.model import Option, OptionText, Question, QuestionText, QuestionType, Quiz
from course.contentstore import content, course
from course.extensions import db
from course.learning import quizflow, services
from course.learning.models import LessonDone, ModuleCompletion, QuizAttempt
from course.learning.services import recording
from course.learning.statistics import QuestionStat, summarize

MODULE = "/modules/first-edit-a-thon"
QUIZ = f"{MODULE}/quizzes/first-edit-a-thon-check"
RIGHT = {"q-q-host": "embassy", "q-q-partner": "true"}
WRONG = {"q-q-host": "alone", "q-q-partner": "false"}
LESSONS = ("why-a-partner", "on-the-day", "english-only")


pytestmark = pytest.mark.content("tiny")

POOL_QUIZ = "/modules/pools/quizzes/pool-check"
LIMITED_QUIZ = "/modules/pools/quizzes/limited-check"
PROMPTS = {qid: prompt for qid, _group, prompt, _options in POOL}
#: Each pool question's right option's text: the first option of each.
RIGHT_TEXT = {qid: options[0] for qid, _group, _prompt, options in POOL}


@pytest.fixture
def content_dirs(tmp_path):
    """The tiny course and a second module, "pools", whose quizzes draw from pools."""
    dirs = write_course(tmp_path / "content")
    write_pool_module(Path(dirs["MODULES_DIR"]))
    return dirs


@pytest.fixture
def learner(client, create_user):
    """Ada, a learner, signed in on ``client``; her account id."""
    user_id = create_user()
    login(client)
    return user_id


def quiz_form(client) -> dict[str, str]:
    """The hidden fields of a freshly opened quiz form: CSRF token, form token, version."""
    return form_fields(client, QUIZ)


def answer(client, answers: dict[str, str | list[str]], form: dict[str, str] | None = None):
    return client.post(QUIZ, data={**(form or quiz_form(client)), **answers})


def csrf(client) -> str:
    """The CSRF token of this browser's session, from the lesson page's form."""
    return csrf_token(client, f"{MODULE}/lessons/why-a-partner")


def mark_done(client, lesson_id: str):
    return client.post(f"{MODULE}/lessons/{lesson_id}/done", data={"csrf_token": csrf(client)})


def count(app, model, **filters) -> int:
    with app.app_context():
        return db.session.query(model).filter_by(**filters).count()


def test_the_catalogue_shows_outcomes_duration_and_languages(client):
    page = client.get("/modules").get_data(as_text=True)
    assert "Your first edit-a-thon with a partner" in page
    assert "explain what a local partner brings to an edit-a-thon" in page
    assert "About 20 minutes" in page and "3 lessons" in page
    assert "English, French" in page


def test_the_quiz_page_never_contains_answers_or_feedback(client):
    page = client.get(QUIZ).get_data(as_text=True)
    assert "Right, that is how the organizers describe it." not in page
    assert "correct" not in page.lower()
    assert "Embassies host with Wikimedia" not in page  # the explanation


def test_a_lesson_missing_in_french_is_shown_in_english_with_a_notice(client):
    page = client.get(f"{MODULE}/lessons/english-only", headers={"Accept-Language": "fr"})
    text = page.get_data(as_text=True)
    assert '<html lang="fr"' in text
    assert '<article lang="en">' in text
    assert "This lesson has no translation yet." in text
    assert "anglais" in text  # the notice names the language in French


def test_a_whole_module_signed_in_fail_then_pass_then_complete(app, client, learner):
    for lesson in LESSONS:
        response = mark_done(client, lesson)
        assert response.status_code == 303
    assert count(app, ModuleCompletion) == 0  # the quiz is not passed yet

    failed = client.get(answer(client, WRONG).headers["Location"])
    assert "0 % (0 of 2 right)" in failed.get_data(as_text=True)
    assert "The organizers describe events held with partners." in failed.get_data(as_text=True)
    assert count(app, ModuleCompletion) == 0

    passed = answer(client, RIGHT)
    assert "attempt=" in passed.headers["Location"]
    page = client.get(passed.headers["Location"]).get_data(as_text=True)
    assert "Passed: well done!" in page and "You completed this module" in page
    assert count(app, QuizAttempt) == 2 and count(app, ModuleCompletion) == 1

    mine = client.get("/my-learning").get_data(as_text=True)
    assert "4 of 4 steps done (100 %)" in mine and "Completed on" in mine

    progress = client.get("/api/v1/me/progress").get_json()["modules"][0]
    assert progress["percent"] == 100 and progress["lessons_done"] == 3
    assert progress["quizzes"][0] == {
        "id": "first-edit-a-thon-check",
        "best_score": 100,
        "passed": True,
        "pass_mark": 50,
    }
    assert progress["completed_at"]


def test_continue_goes_to_the_first_unfinished_step(client, learner):
    assert client.get(f"{MODULE}/continue").headers["Location"].endswith("/lessons/why-a-partner")
    mark_done(client, "why-a-partner")
    assert client.get(f"{MODULE}/continue").headers["Location"].endswith("/lessons/on-the-day")
    mark_done(client, "on-the-day")
    mark_done(client, "english-only")
    assert client.get(f"{MODULE}/continue").headers["Location"].endswith(QUIZ)


def test_lessons_read_in_french_count_like_lessons_read_in_english(app, client, learner):
    client.post("/language", data={"lang": "fr", "csrf_token": csrf(client)})
    for lesson in LESSONS:
        mark_done(client, lesson)
    answer(client, RIGHT)
    assert count(app, ModuleCompletion) == 1
    with app.app_context():
        assert {row.language for row in db.session.query(LessonDone)} == {"fr", "en"}


@pytest.mark.parametrize(
    "answers",
    [
        {"q-q-host": "forged"},
        {"q-q-host": ["embassy", "alone"]},
        {"q-q-partner": ["true", "true"]},
        {"q-some-other-quiz-question": "a"},
        {"q-q-host": "x" * 5000},
    ],
)
def test_dishonest_answers_get_a_400_and_store_nothing(app, client, learner, answers):
    response = answer(client, answers)
    assert response.status_code == 400
    assert "nothing was recorded" in response.get_data(as_text=True)
    assert count(app, QuizAttempt) == 0


def test_an_empty_submission_is_not_an_attempt(app, client, learner):
    response = answer(client, {})
    assert response.status_code == 400
    assert "Answer at least one question" in response.get_data(as_text=True)
    assert count(app, QuizAttempt) == 0


def test_the_same_form_sent_twice_is_recorded_once(app, client, learner):
    form = quiz_form(client)
    first = answer(client, RIGHT, form)
    second = answer(client, RIGHT, form)
    assert first.headers["Location"] == second.headers["Location"]
    assert count(app, QuizAttempt) == 1


def test_a_form_from_an_older_quiz_version_is_not_graded(app, client, learner):
    form = quiz_form(client)
    form["version"] = "000000000000"
    response = answer(client, RIGHT, form)
    assert response.status_code == 303 and response.headers["Location"].endswith(QUIZ)
    assert "This quiz was updated after you opened it" in client.get(QUIZ).get_data(as_text=True)
    assert count(app, QuizAttempt) == 0


def test_a_quiz_changed_while_its_form_is_open_is_drawn_again_and_the_old_form_refused(
    app, client, learner
):
    """The quiz file changes while the learner has its form open: the page then shows a form
    drawn from the new version, and the form opened before is refused, nothing recorded."""
    old = quiz_form(client)
    with app.app_context():
        quizzes = Path(content().modules_dir) / "01-first-edit-a-thon" / "quizzes"
        path = quizzes / "check.en.yaml"
        path.write_text(path.read_text().replace("A volunteer alone", "A volunteer on their own"))
        content().load()
    new = quiz_form(client)
    assert new["form_token"] != old["form_token"] and new["version"] != old["version"]
    assert answer(client, RIGHT, old).headers["Location"].endswith(QUIZ)
    assert count(app, QuizAttempt) == 0
    assert "/result?attempt=" in answer(client, RIGHT, new).headers["Location"]
    assert count(app, QuizAttempt) == 1


def test_a_grading_error_records_neither_a_pass_nor_a_zero(app, client, learner, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args, **kwargs):
        raise RuntimeError("corrupt question")

    monkeypatch.setattr(recording, "grade", broken)
    response = answer(client, RIGHT)
    assert response.status_code == 500
    assert count(app, QuizAttempt) == 0 and count(app, ModuleCompletion) == 0


def test_learners_never_see_each_others_attempts_or_progress(app, client, learner, create_user):
    answer(client, RIGHT)
    with app.app_context():
        attempt_id = db.session.query(QuizAttempt).one().id
    create_user("grace@example.org")
    other = signed_in(app, "grace@example.org")
    assert other.get(f"{QUIZ}/result?attempt={attempt_id}").status_code == 404
    assert other.get(f"{QUIZ}/result").status_code == 404
    assert (
        other.get("/api/v1/me/progress").get_json()["modules"][0]["quizzes"][0]["best_score"]
        is None
    )
    assert "0 of 4 steps" in other.get("/my-learning").get_data(as_text=True)
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/me/progress").status_code == 401
    assert anonymous.get(f"{QUIZ}/result?attempt={attempt_id}").status_code == 404
    assert anonymous.get("/my-learning").status_code == 302


def test_answers_given_before_signing_up_are_kept(app, client, mailbox):
    mark_done(client, "why-a-partner")
    answer(client, WRONG)
    answer(client, RIGHT)
    submit(
        client,
        "/register",
        {"display_name": "Awa", "email": "awa@example.org", "password": PASSWORD},
    )
    link = mailbox.last_link("awa@example.org").split("localhost")[1]
    client.get(link)
    submit(client, link, {})
    client.get("/my-learning")
    assert count(app, QuizAttempt) == 2
    assert count(app, LessonDone) == 1
    progress = client.get("/api/v1/me/progress").get_json()["modules"][0]
    assert progress["quizzes"][0]["best_score"] == 100 and progress["lessons_done"] == 1


def test_fifty_concurrent_submissions_record_one_attempt_and_one_completion(app, client, learner):
    """Fifty tabs of one learner show the one form open for the quiz; sent at once, it counts
    once, and each tab is sent to the same result."""
    for lesson in LESSONS:
        mark_done(client, lesson)
    cookie = client.get_cookie("course_session").value
    calls, forms = [], []
    for _ in range(50):
        tab = app.test_client()
        tab.set_cookie("course_session", cookie)
        forms.append(quiz_form(tab))
        calls.append(lambda tab=tab, form=forms[-1]: answer(tab, RIGHT, form))
    assert len({form["form_token"] for form in forms}) == 1
    responses = run_together(calls)
    assert [response.status_code for response in responses] == [303] * 50
    assert len({response.headers["Location"] for response in responses}) == 1
    assert count(app, QuizAttempt) == 1
    assert count(app, ModuleCompletion) == 1


def test_the_api_is_described_by_an_openapi_document(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/me/progress" in document["paths"]


def test_export_includes_learning_data(app, client, learner):
    mark_done(client, "why-a-partner")
    answer(client, RIGHT)
    data = client.get("/account/export").get_json()
    assert data["lessons_done"][0]["lesson"] == "why-a-partner"
    assert data["quiz_attempts"][0]["answers"] == {"q-host": ["embassy"], "q-partner": ["true"]}
    assert {q for q, _options in data["quiz_attempts"][0]["questions"]} == {"q-host", "q-partner"}


def test_trainers_see_how_learners_do_without_anyones_answers(app, client, learner, trainer):
    answer(client, WRONG)
    answer(client, RIGHT)
    path = "/trainer/modules/first-edit-a-thon/quizzes/first-edit-a-thon-check/results"
    assert client.get(path).status_code == 403  # a learner
    page = trainer.get(path).get_data(as_text=True)
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert facts["Learners who took it"] == "1" and facts["Learners who passed"] == "1"
    assert facts["Average first-attempt score"] == "0 %" and facts["Average best score"] == "100 %"
    assert facts["Learners who passed on their first attempt"] == "0"
    assert "ada@example.org" not in page and "Ada" not in page


@pytest.mark.skipif(bool(PG_URL), reason="the SQLite write lock")
def test_answers_given_before_signing_in_are_kept_while_another_request_writes(app, client):
    """Keeping a visitor's answers waits for SQLite's write lock instead of failing."""
    mark_done(client, "why-a-partner")
    answer(client, RIGHT)
    with app.app_context():
        accounts.create_user("ada@example.org", "Ada", PASSWORD, Role.LEARNER)
        db.session.commit()
    login(client)
    locked, released = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:  # another request writing, as a second connection
        other = sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
        other.isolation_level = None
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(1)
        other.execute("COMMIT")
        other.close()
        released.set()

    writer = threading.Thread(target=hold_the_write_lock)
    writer.start()
    locked.wait(10)
    try:
        response = client.get("/my-learning")  # the first page after signing in
    finally:
        writer.join()
    assert released.is_set()
    assert response.status_code == 200
    assert count(app, QuizAttempt) == 1 and count(app, LessonDone) == 1
    progress = client.get("/api/v1/me/progress").get_json()["modules"][0]
    assert progress["quizzes"][0]["best_score"] == 100 and progress["lessons_done"] == 1


def first(version: str, answers: dict, score: int, passed: bool = False, questions=None):
    """A first attempt as statistics read it (``questions``: what it asked; None: all)."""
    return SimpleNamespace(
        content_hash=version * 64, answers=answers, score=score, passed=passed, questions=questions
    )


def test_quiz_statistics_leave_older_versions_and_blank_questions_out_of_the_rates():
    """Trainers' figures are a pure function of first attempts and best scores (no app)."""
    questions = tuple(
        Question(
            id=qid,
            type=QuestionType.SINGLE,
            options=tuple(Option(o, o == "a", {"en": OptionText(o, "")}) for o in "ab"),
            texts={"en": QuestionText(qid, "")},
        )
        for qid in ("one", "two")
    )
    quiz = Quiz(
        id="check",
        module_id="m",
        pass_mark=50,
        questions=questions,
        languages=("en",),
        content_hash="1" * 64,
    )
    firsts = [
        first("1", {"one": ["a"], "two": ["b"]}, 50, passed=True),
        first("0", {"one": ["b"], "two": ["b"]}, 0),
        first("1", {"one": ["b"]}, 0),
    ]
    results = summarize(quiz, firsts, [(100, True), (50, False), (0, False)])
    assert (results.learners, results.passed, results.passed_first) == (3, 1, 1)
    assert (results.first_attempt_average, results.best_average) == (16, 50)
    assert results.questions == (QuestionStat("one", 1, 2, 2), QuestionStat("two", 0, 1, 2))
    assert [stat.percent for stat in results.questions] == [50, 0]
    assert summarize(quiz, [], []).first_attempt_average is None


# --- draws, pools, reveal, retakes (issue 13) ----------------------------------------------

SHOWN_RE = re.compile(r'name="q-([^"]+)" value="([^"]+)"')


def shown_layout(page: str) -> list[tuple[str, str]]:
    """(question id, option id) of every choice on a quiz page, in the order shown."""
    return SHOWN_RE.findall(page)


def pool_answers(page: str, option: str = "o0") -> dict[str, str]:
    """The hidden fields of a pool quiz page and ``option`` to each question it shows
    (``o0`` is right)."""
    return {
        **dict(HIDDEN_FIELDS.findall(page)),
        **{f"q-{q}": option for q in shown_questions(page)},
    }


HIDDEN_FIELDS = re.compile(r'name="(csrf_token|form_token|version)" value="([^"]+)"')


def result_prompts(page: str) -> list[str]:
    return re.findall(r"<p><strong>([^<]+)</strong></p>", page)


def test_an_attempt_shows_the_same_draw_on_reload_error_and_result(app, client, learner):
    first = client.get(POOL_QUIZ).get_data(as_text=True)
    layout = shown_layout(first)
    questions = shown_questions(first)
    assert len(questions) == 4 and "q-scale" in questions  # drawn: 4 of the 8 questions
    assert sum(q.startswith("q-people") for q in questions) == 2
    assert sum(q.startswith("q-places") for q in questions) == 1
    scale = [option for q, option in layout if q == "q-scale"]
    assert scale == ["o0", "o1", "o2", "o3"]  # shuffle: false keeps an ordered scale
    reload = client.get(POOL_QUIZ).get_data(as_text=True)
    assert shown_layout(reload) == layout
    assert (
        dict(HIDDEN_FIELDS.findall(reload))["form_token"]
        == (dict(HIDDEN_FIELDS.findall(first))["form_token"])
    )
    empty = client.post(POOL_QUIZ, data=dict(HIDDEN_FIELDS.findall(first)))
    assert empty.status_code == 400
    assert shown_layout(empty.get_data(as_text=True)) == layout
    result = client.get(client.post(POOL_QUIZ, data=pool_answers(first)).headers["Location"])
    assert result_prompts(result.get_data(as_text=True)) == [PROMPTS[q] for q in questions]
    with app.app_context():
        attempt = db.session.query(QuizAttempt).one()
        assert attempt.questions == [[q, [o for p, o in layout if p == q]] for q in questions]
        assert (attempt.total, attempt.correct, attempt.score) == (4, 4, 100)
    again = client.get(POOL_QUIZ).get_data(as_text=True)
    assert (
        dict(HIDDEN_FIELDS.findall(again))["form_token"]
        != (dict(HIDDEN_FIELDS.findall(first))["form_token"])
    )  # the draw was used up: a retake draws again


def test_a_visitor_keeps_the_same_draw_until_they_send_it(client):
    first = shown_layout(client.get(POOL_QUIZ).get_data(as_text=True))
    assert shown_layout(client.get(POOL_QUIZ).get_data(as_text=True)) == first
    page = client.get(POOL_QUIZ).get_data(as_text=True)
    result = client.get(client.post(POOL_QUIZ, data=pool_answers(page)).headers["Location"])
    assert "100 % (4 of 4 right)" in result.get_data(as_text=True)
    questions = shown_questions(page)
    assert result_prompts(result.get_data(as_text=True)) == [PROMPTS[q] for q in questions]


@pytest.mark.parametrize("signed", [True, False])
def test_an_answer_to_a_question_not_drawn_is_refused_and_stores_nothing(
    app, client, create_user, signed
):
    if signed:
        create_user()
        login(client)
    page = client.get(POOL_QUIZ).get_data(as_text=True)
    undrawn = next(qid for qid in PROMPTS if qid not in shown_questions(page))
    response = client.post(POOL_QUIZ, data={**pool_answers(page), f"q-{undrawn}": "o0"})
    assert response.status_code == 400
    assert "nothing was recorded" in response.get_data(as_text=True)
    assert shown_layout(response.get_data(as_text=True)) == shown_layout(page)
    assert count(app, QuizAttempt) == 0


def test_statistics_count_each_question_over_the_attempts_that_asked_it(app, create_user, trainer):
    asked: dict[str, int] = dict.fromkeys(PROMPTS, 0)
    for n in range(6):
        create_user(f"learner{n}@example.org")
        learner = signed_in(app, f"learner{n}@example.org")
        page = learner.get(POOL_QUIZ).get_data(as_text=True)
        for qid in shown_questions(page):
            asked[qid] += 1
        learner.post(POOL_QUIZ, data=pool_answers(page, "o0" if n % 2 else "o1"))
    with app.app_context():
        quiz = course().module("pools").quiz("pool-check")
        stats = {stat.question_id: stat for stat in services.quiz_statistics(quiz).questions}
    assert {qid: stat.asked for qid, stat in stats.items()} == asked
    assert {qid: stat.answered for qid, stat in stats.items()} == asked
    assert stats["q-scale"].asked == 6 and stats["q-scale"].right == 3
    assert sum(stat.asked for stat in stats.values()) == 6 * 4
    page = trainer.get("/trainer/modules/pools/quizzes/pool-check/results").get_data(as_text=True)
    assert "Asked" in page and "Learners who passed on their first attempt" in page


def test_a_failed_attempt_hides_the_right_answers_until_a_pass(app, client, learner):
    page = client.get(POOL_QUIZ).get_data(as_text=True)
    failed_questions = shown_questions(page)
    failed = client.get(client.post(POOL_QUIZ, data=pool_answers(page, "o1")).headers["Location"])
    text = failed.get_data(as_text=True)
    assert "Not passed yet" in text
    assert "Feedback on Sure." in text  # feedback on the option chosen, always
    assert text.count('class="wrong"') == 4  # which questions were wrong, always
    for qid in failed_questions:
        assert RIGHT_TEXT[qid] not in text
    assert "Explanation of" not in text
    assert "appear once you pass the quiz" in text
    with app.app_context():
        failed_id = db.session.query(QuizAttempt).one().id

    page = client.get(POOL_QUIZ).get_data(as_text=True)
    client.post(POOL_QUIZ, data=pool_answers(page))
    review = client.get(f"{POOL_QUIZ}/result?attempt={failed_id}").get_data(as_text=True)
    for qid in failed_questions:  # passing unlocks the review of the earlier attempt
        assert RIGHT_TEXT[qid] in review
        assert f"Explanation of {qid}." in review


def test_a_practice_quiz_reveals_the_right_answer_at_once(client, learner):
    page = client.get(LIMITED_QUIZ).get_data(as_text=True)
    result = client.get(
        client.post(LIMITED_QUIZ, data=pool_answers(page, "o1")).headers["Location"]
    )
    text = result.get_data(as_text=True)
    assert "Not passed yet" in text and "Right answer:" in text and "Yes" in text
    assert "Explanation of q-limited." in text


@pytest.mark.parametrize("signed", [True, False])
def test_a_retake_limit_shows_the_waiting_page_then_the_next_attempt(
    app, client, create_user, monkeypatch, signed
):
    if signed:
        create_user()
        login(client)
    start = clock.now()
    later = {"minutes": 0}
    monkeypatch.setattr(quizflow, "now", lambda: start + timedelta(minutes=later["minutes"]))
    assert "10 minutes later" in client.get(LIMITED_QUIZ).get_data(as_text=True)

    def attempt() -> None:
        page = client.get(LIMITED_QUIZ).get_data(as_text=True)
        assert 'name="q-q-limited"' in page, "the quiz form is open"
        assert client.post(LIMITED_QUIZ, data=pool_answers(page, "o1")).status_code == 303

    attempt()
    waiting = client.get(LIMITED_QUIZ)
    assert waiting.status_code == 200
    text = waiting.get_data(as_text=True)
    assert "Your next attempt at this quiz opens on" in text and 'name="q-q-limited"' not in text
    result = client.get(f"{LIMITED_QUIZ}/result").get_data(as_text=True)
    assert "You can take the quiz again from" in result
    later["minutes"] = 11
    attempt()  # ten minutes later it opens again
    later["minutes"] = 22
    attempt()
    later["minutes"] = 33  # three attempts in 24 hours: closed until a day after the first
    assert "opens on" in client.get(LIMITED_QUIZ).get_data(as_text=True)
    later["minutes"] = 24 * 60 + 12
    attempt()


def test_trainers_preview_says_how_many_questions_each_attempt_draws(trainer):
    page = trainer.get("/trainer/modules/pools").get_data(as_text=True)
    assert "Each attempt asks, per group: people 2, places 1" in page
    assert "q-people-1; people)" in page


def test_a_result_page_lists_only_the_latest_attempts(app, client, learner):
    for _ in range(quizflow.HISTORY + 2):
        assert answer(client, WRONG).status_code == 303
    page = client.get(f"{QUIZ}/result").get_data(as_text=True)
    listed = re.findall(r"result\?attempt=(\d+)", page)
    with app.app_context():
        newest = [a.id for a in db.session.query(QuizAttempt).order_by(QuizAttempt.id.desc())]
    assert [int(n) for n in listed] == newest[: quizflow.HISTORY]
    assert f"Only your {quizflow.HISTORY} latest attempts are listed." in page
