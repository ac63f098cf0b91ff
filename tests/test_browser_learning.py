"""A learner takes a whole module in a real browser, in English and in French."""

from __future__ import annotations

import pytest
from helpers import PASSWORD, assert_accessible, browser_sign_in, settle

pytestmark = [pytest.mark.browser, pytest.mark.content("tiny")]

MODULE = "/modules/first-edit-a-thon"


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
