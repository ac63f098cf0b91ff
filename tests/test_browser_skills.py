"""A learner finds her missing skill's lesson, rates herself and shows the skill; a trainer
reads the group map: without JavaScript, in English and French, axe-core clean."""

from __future__ import annotations

import pytest
from helpers import assert_accessible, browser_complete_tiny_module, browser_sign_in

from course.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.content("tiny")]

MODULE = "/modules/first-edit-a-thon"


def test_my_skills_then_the_group_map_without_javascript(new_context, create_user):
    create_user("awa@example.org")
    create_user("tess@example.org", role=Role.TRAINER)
    page = new_context(java_script_enabled=False).new_page()
    browser_sign_in(page, "awa@example.org")
    page.get_by_role("link", name="My skills").click()
    missing = page.locator(".card", has_text="Find a local partner")
    missing.get_by_role("link", name="Why a local partner").click()
    assert page.url.endswith(f"{MODULE}/lessons/why-a-partner")

    page.go_back()
    page.get_by_label("Before the course: Find a local partner").select_option("1")
    page.get_by_label("Now: Find a local partner").select_option("2")
    page.get_by_label("Let trainers count my ratings").check()
    page.get_by_role("button", name="Save my ratings").click()
    page.get_by_text("Your self-assessment was saved.").wait_for()
    assert page.get_by_label("Now: Find a local partner").input_value() == "2"

    browser_complete_tiny_module(page, "You completed this module")
    page.get_by_role("link", name="My skills").click()
    shown = page.locator("table", has_text="Skills you have shown")
    assert shown.get_by_role("row", name="Find a local partner").is_visible()
    assert "Aware" in shown.inner_text()

    page = new_context(java_script_enabled=False).new_page()  # the trainer's browser
    browser_sign_in(page, "tess@example.org")
    page.get_by_role("link", name="Skills map").click()
    assert page.get_by_role("img", name="Share of learners at each level, per skill").is_visible()
    page.get_by_label("Language answered in").select_option("en")
    page.get_by_role("button", name="Show the map").click()
    assert "language=en" in page.url
    assert page.get_by_text("Fewer than 5 learners counted").is_visible()
    assert (
        page.get_by_role("link", name="Download as CSV")
        .get_attribute("href")
        .startswith("/skills-map.csv?")
    )


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_my_skills_and_the_maps_are_accessible(new_context, create_user, locale):
    create_user("awa@example.org")
    create_user("root@example.org", role=Role.ADMIN)
    page = new_context(locale=locale).new_page()
    browser_sign_in(page, "awa@example.org")
    page.goto("/me/skills")
    assert_accessible(page)
    if locale == "en-GB":  # the page then has both tables; the quiz texts are English
        browser_complete_tiny_module(page, "You completed this module")
    page.goto("/me/skills")
    assert_accessible(page)

    page = new_context(locale=locale).new_page()
    browser_sign_in(page, "root@example.org")
    for path in ("/skills-map", "/skills-map?start=2026-05-02&end=2026-05-01", "/skills-map/site"):
        page.goto(path)
        assert_accessible(page)
