"""A trainer previews a module with its answer keys; anyone browses the initiatives library."""

from __future__ import annotations

import pytest
from helpers import assert_accessible, browser_sign_in

from course.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.content("readme")]


def test_a_trainer_previews_a_module_in_french_with_answer_keys(page, create_user):
    create_user("tess@example.org", role=Role.TRAINER)
    browser_sign_in(page, "tess@example.org")
    page.get_by_role("link", name="Course files").click()
    page.get_by_role("heading", name="Course files").wait_for()
    assert page.get_by_role("cell", name="up to date").count() >= 2
    assert_accessible(page)
    page.get_by_role("link", name="French").first.click()
    page.get_by_role(
        "heading", name="Votre premier atelier d'écriture avec un partenaire"
    ).wait_for()
    assert page.get_by_text("Exact, c'est ainsi que les organisateurs le décrivent.").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="#WikiGap").first.click()
    page.get_by_role("heading", name="#WikiGap").wait_for()


def test_anyone_filters_the_initiatives_library(page):
    page.goto("/")
    page.get_by_role("link", name="Initiatives").click()
    page.get_by_role("heading", name="Initiatives library").wait_for()
    assert_accessible(page)
    page.get_by_label("Region").select_option("oceania")
    page.get_by_role("button", name="Show").click()
    page.get_by_text("No initiative matches these filters.").wait_for()
    page.get_by_label("Region").select_option("africa")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="#WikiGap").click()
    page.get_by_role("heading", name="All sources on this initiative").wait_for()
    assert_accessible(page)
