"""Journeys in a real Chromium: sign up, sign out, sign in, switch to French, reset a password.

Every page a journey visits is scanned with axe-core.
"""

from __future__ import annotations

import pytest
from helpers import PASSWORD, assert_accessible, browser_sign_in

pytestmark = pytest.mark.browser


def test_sign_up_sign_out_sign_in_and_switch_to_french(page, live_server, mailbox):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Create a free account").click()
    assert_accessible(page)
    page.get_by_label("Display name").fill("Awa Ndiaye")
    page.get_by_label("Email address").fill("awa@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    assert_accessible(page)

    page.goto(mailbox.last_link("awa@example.org"))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and sign in").click()
    page.get_by_text("Your email address is confirmed").wait_for()
    assert page.get_by_text("Signed in as Awa Ndiaye").is_visible()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You are signed out.").wait_for()
    page.get_by_role("link", name="Sign in").first.click()
    assert_accessible(page)
    page.get_by_label("Email address").fill("awa@example.org")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("The email address or password is incorrect.").wait_for()
    assert page.get_by_label("Email address").input_value() == "awa@example.org"
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My learning").wait_for()

    page.get_by_role("link", name="My account").click()
    assert_accessible(page)
    page.get_by_role("button", name="Français").click()
    page.get_by_role("heading", name="Mon compte").wait_for()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.url.endswith("/account")
    assert_accessible(page)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Mon compte").is_visible()


def test_reset_a_forgotten_password_through_the_emailed_link(
    page, live_server, mailbox, create_user
):
    create_user("grace@example.org")
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill("grace@example.org")
    page.get_by_role("button", name="Send me a link").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()

    page.goto(mailbox.last_link("grace@example.org"))
    assert_accessible(page)
    page.get_by_label("New password").fill("a fresh passphrase")
    page.get_by_role("button", name="Save my new password").click()
    page.get_by_text("Your password has been changed.").wait_for()

    page.get_by_role("button", name="Sign out").click()
    browser_sign_in(page, "grace@example.org", "a fresh passphrase")
    page.get_by_role("heading", name="My learning").wait_for()


def test_pages_fit_a_320_pixel_screen(new_context):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    for path in ("/", "/register", "/login", "/reset", "/no-such-page"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_signing_in_and_switching_language_work_without_javascript(new_context, create_user):
    create_user("grace@example.org")
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/account")
    page.get_by_label("Email address").fill("grace@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My account").wait_for()
    page.get_by_role("button", name="Français").click()
    page.get_by_role("heading", name="Mon compte").wait_for()
    page.get_by_role("button", name="Se déconnecter").click()
    assert page.get_by_role("link", name="Se connecter").first.is_visible()


def test_the_accessibility_scan_does_catch_problems(page):
    """Guard against a scan that silently checks nothing."""
    page.set_content("<html lang='en'><body><main><input type='text'></main></body></html>")
    with pytest.raises(AssertionError, match="accessibility problems"):
        assert_accessible(page)
