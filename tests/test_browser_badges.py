"""A learner earns a badge, downloads it and shows its page; a trainer revokes it."""

from __future__ import annotations

import pytest
from helpers import assert_accessible, browser_complete_tiny_module, browser_sign_in

from course.accounts.models import Role
from course.badges import baking

pytestmark = [pytest.mark.browser, pytest.mark.content("tiny")]


def test_earn_download_show_then_revoke(new_context, create_user, tmp_path):
    create_user("awa@example.org")
    create_user("tess@example.org", role=Role.TRAINER)
    page = new_context(accept_downloads=True).new_page()
    browser_sign_in(page, "awa@example.org")
    browser_complete_tiny_module(page, "You completed this module")

    page.get_by_role("link", name="My badges").click()
    assert_accessible(page)
    page.get_by_role("link", name="First edit-a-thon with a partner").click()
    page.get_by_text("Valid").wait_for()
    assert_accessible(page)
    public_url = page.url
    with page.expect_download() as download:
        page.get_by_role("link", name="Badge image (PNG) with the badge data inside").click()
    saved = tmp_path / "badge.png"
    download.value.save_as(saved)
    credential = baking.read_png_itxt(saved.read_bytes(), baking.OB3_KEYWORD)
    assert public_url.split("/awards/")[1] in credential

    page = new_context().new_page()  # the trainer's browser
    browser_sign_in(page, "tess@example.org")
    page.get_by_role("link", name="Badges awarded").click()
    page.get_by_role("link", name="First edit-a-thon with a partner").click()
    assert_accessible(page)
    page.get_by_role("link", name="Revoke").click()
    assert_accessible(page)
    page.get_by_label("Reason, shown to anyone who checks this badge").fill("Awarded by mistake")
    page.get_by_label("I confirm: this badge is revoked for good.").check()
    page.get_by_role("button", name="Revoke this badge").click()
    page.get_by_text("The badge is revoked.").wait_for()

    page = new_context().new_page()  # a visitor's browser
    page.goto(public_url)
    assert page.get_by_text("Revoked on").is_visible()
    assert page.get_by_text("Reason: Awarded by mistake").is_visible()
