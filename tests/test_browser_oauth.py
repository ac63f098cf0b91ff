"""In French: a new learner signs in with Wikimedia, earns a badge named by their user page,
and an affiliate checks it on /verify. Against the real test provider on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers import assert_accessible, browser_complete_tiny_module, free_port
from oauth_provider import Running, origin

pytestmark = [pytest.mark.browser, pytest.mark.content("tiny")]

FRENCH = {"locale": "fr-FR", "extra_http_headers": {"Accept-Language": "fr"}}


@pytest.fixture
def wiki() -> Iterator[Running]:
    running = Running(free_port())
    running.register_client("set once the live server has its port")
    running.provider.add_user("3003", "Awa Traoré")
    running.provider.signed_in = "3003"
    yield running
    running.stop()


@pytest.fixture
def app_settings(app_settings: dict[str, Any], wiki: Running) -> dict[str, Any]:
    return {**wiki.course_settings(), **app_settings}


def test_sign_in_with_wikimedia_earn_a_badge_by_user_page_and_have_it_verified(
    new_context, live_server, wiki
):
    assert wiki.provider.client is not None
    wiki.provider.client.redirect_uri = live_server.url + "/login/wikimedia/callback"
    page = new_context(**FRENCH).new_page()
    page.set_default_timeout(15_000)
    page.goto("/login")
    assert_accessible(page)
    page.get_by_role("button", name="Se connecter avec Wikimedia").click()
    page.get_by_role("button", name="Allow").click()  # the provider's consent page
    page.wait_for_url(f"{live_server.url}/my-learning")

    browser_complete_tiny_module(page, "Un badge vous attend")

    page.get_by_role("link", name="Mon compte").click()
    assert_accessible(page)
    page.get_by_role("link", name="Choisir comment mes badges m’identifient").click()
    page.get_by_text("Vos badges ne peuvent pas être délivrés").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="M’identifier par ma page utilisateur Wikimedia").click()
    page.get_by_text("Votre choix est enregistré").wait_for()
    user_page = origin(wiki.provider) + "wiki/User:Awa_Traor%C3%A9"
    page.get_by_text(user_page).wait_for()

    page.get_by_role("link", name="Mes badges").click()
    page.locator("main a[href^='/awards/']").first.click()
    award_url = page.url
    assert "/awards/" in award_url

    affiliate = new_context(**FRENCH).new_page()
    affiliate.goto("/verify")
    affiliate.fill("#text", award_url)
    affiliate.fill("#email", origin(wiki.provider) + "wiki/User:Awa Traoré")
    affiliate.get_by_role("button", name="Vérifier").click()
    affiliate.get_by_text("Il a été délivré à la page utilisateur indiquée.").wait_for()
    assert_accessible(affiliate)
    assert wiki.provider.calls == ["token", "profile"]
