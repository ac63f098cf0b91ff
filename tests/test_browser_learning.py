"""A learner takes a whole module in a real browser, in English and in French."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_examples import POOL, write_course, write_pool_module
from helpers import PASSWORD, assert_accessible, browser_sign_in, settle

pytestmark = [pytest.mark.browser, pytest.mark.content("tiny")]

MODULE = "/modules/first-edit-a-thon"
POOL_QUIZ = "/modules/pools/quizzes/pool-check"


@pytest.fixture
def pools() -> None:
    """Serve the tiny course with a second module, "pools", whose quiz draws from a pool."""


@pytest.fixture
def content_dirs(request, tmp_path):
    """The tiny course, and the "pools" module for tests that ask for ``pools``."""
    dirs = write_course(tmp_path / "content")
    if "pools" in request.fixturenames:
        write_pool_module(Path(dirs["MODULES_DIR"]))
    return dirs


def text_of(page, selector: str) -> str:
    """Visible text with French non-breaking spaces as plain spaces."""
    return page.locator(selector).inner_text().replace("\xa0", " ")


def sign_up(page, mailbox, email: str) -> None:
    page.goto("/register")
    page.fill("#display_name", "Awa")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(mailbox.last_link(email))
    page.click("main form button[type=submit]")


def answer_quiz(page, choices: dict[str, str]) -> None:
    for question, option in choices.items():
        page.check(f"#q-{question}-{option}")
    page.click("form.quiz button[type=submit]")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_learner_takes_a_whole_module_fails_once_and_completes_it(new_context, mailbox, language):
    page = new_context(locale=language, extra_http_headers={"Accept-Language": language}).new_page()
    sign_up(page, mailbox, f"awa-{language}@example.org")
    assert page.locator("html").get_attribute("lang") == language
    page.goto(MODULE)
    assert_accessible(page)
    page.click(f"a[href='{MODULE}/continue']")
    for _ in range(3):  # every lesson, in order
        assert "/lessons/" in page.url
        assert_accessible(page)
        page.click("form.lesson-done button")
    assert page.url.endswith("/quizzes/first-edit-a-thon-check")
    assert_accessible(page)

    answer_quiz(page, {"q-host": "alone", "q-partner": "false"})
    assert page.locator(".result.failed").is_visible()
    assert "0 %" in text_of(page, ".score")
    assert_accessible(page)
    page.click(f"a[href='{MODULE}/quizzes/first-edit-a-thon-check']")
    answer_quiz(page, {"q-host": "embassy", "q-partner": "true"})
    assert page.locator(".result.passed").is_visible()
    assert "100 %" in text_of(page, ".score")

    page.goto("/my-learning")
    assert "100 %" in text_of(page, ".progress-text")
    assert page.locator(".done-mark").count() == 1
    assert_accessible(page)


def test_a_learner_who_closes_the_browser_resumes_at_the_next_lesson(new_context, mailbox):
    context = new_context()
    page = context.new_page()
    sign_up(page, mailbox, "ines@example.org")
    page.goto(f"{MODULE}/lessons/why-a-partner")
    page.click("form.lesson-done button")
    settle(context)
    context.close()  # the browser is closed mid-module

    page = new_context().new_page()
    browser_sign_in(page, "ines@example.org")
    assert page.url.endswith("/my-learning")
    assert "1 of 4 steps done" in text_of(page, ".progress-text")
    page.get_by_role("link", name="Continue: Your first edit-a-thon with a partner").click()
    assert page.url.endswith(f"{MODULE}/lessons/on-the-day")
    assert page.get_by_role("heading", name="On the day").is_visible()


def test_a_whole_module_on_a_320_pixel_screen_without_javascript(new_context, mailbox):
    page = new_context(java_script_enabled=False, viewport={"width": 320, "height": 640}).new_page()
    page.goto(MODULE)
    page.click(f"a[href='{MODULE}/continue']")
    for _ in range(3):
        page.click("form.lesson-done button")
    answer_quiz(page, {"q-host": "embassy", "q-partner": "true"})
    assert "100 %" in text_of(page, ".score")
    page.goto(MODULE)
    assert page.locator(".done-mark").count() == 4  # three lessons and the quiz, for the visitor
    page = new_context(viewport={"width": 320, "height": 640}).new_page()  # with JavaScript
    for path in (
        "/modules",
        MODULE,
        f"{MODULE}/lessons/why-a-partner",
        f"{MODULE}/quizzes/first-edit-a-thon-check",
        "/initiatives/wikigap",
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def shown_choices(page) -> list[tuple[str, str]]:
    """(question id, option id) of each choice of the quiz form, in the order shown."""
    pairs = page.eval_on_selector_all(
        "form.quiz input[name^='q-']", "inputs => inputs.map(i => [i.name.slice(2), i.value])"
    )
    return [tuple(pair) for pair in pairs]


def answer_all(page, option: str) -> list[str]:
    """Choose ``option`` (``o0`` is right) in every question shown; send; the questions."""
    questions = list(dict.fromkeys(question for question, _ in shown_choices(page)))
    answer_quiz(page, dict.fromkeys(questions, option))
    return questions


def test_in_french_a_learner_fails_sees_only_their_feedback_retakes_a_new_draw_and_passes(
    pools, new_context, mailbox
):
    right = {qid: f"FR {options[0]}" for qid, _group, _prompt, options in POOL}
    page = new_context(locale="fr", extra_http_headers={"Accept-Language": "fr"}).new_page()
    sign_up(page, mailbox, "lea@example.org")
    page.goto(POOL_QUIZ)
    assert_accessible(page)
    first_draw = shown_choices(page)
    failed_questions = answer_all(page, "o1")
    assert page.locator(".result.failed").is_visible()
    failed_url = page.url
    text = text_of(page, "main")
    assert "Retour sur FR" in text  # the feedback on what they chose
    assert "une fois le quiz réussi" in text
    assert not any(right[qid] in text for qid in failed_questions)
    assert "Explication" not in text
    assert_accessible(page)

    page.click(f"a[href='{POOL_QUIZ}']")
    assert shown_choices(page) != first_draw  # a retake draws again
    answer_all(page, "o0")
    assert page.locator(".result.passed").is_visible()
    assert "100 %" in text_of(page, ".score")
    assert_accessible(page)

    page.goto(failed_url)  # passing unlocks the full review of the failed attempt
    review = text_of(page, "main")
    assert all(right[qid] in review for qid in failed_questions)
    assert "Bonne réponse" in review and "Explication" in review
    assert_accessible(page)

    page.goto("/modules/pools/quizzes/limited-check")  # a quiz with a retake limit
    answer_all(page, "o1")
    page.goto("/modules/pools/quizzes/limited-check")
    assert "Votre prochaine tentative à ce quiz sera possible le" in text_of(page, "main")
    assert_accessible(page)
