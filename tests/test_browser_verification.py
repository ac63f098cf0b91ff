"""An affiliate with no account checks a learner's badge image in a real browser."""

from __future__ import annotations

import pytest
from helpers import assert_accessible

from course.badges import services as badges
from course.badges.models import Award
from course.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.content("tiny")]


def check(page, image, email: str = "") -> str:
    page.goto("/verify")
    page.set_input_files("#file", str(image))
    if email:
        page.fill("#email", email)
    page.click("main form button[type=submit]")
    return page.locator("#verdict-title").inner_text()


def test_an_affiliate_checks_a_badge_before_and_after_revocation(
    new_context, live_server, completed_learner, tmp_path
):
    uid = completed_learner("first-edit-a-thon", "ada@example.org").award().uid
    image = tmp_path / "badge.png"
    page = new_context().new_page()
    image.write_bytes(page.request.get(f"/badges/awards/{uid}/baked.png").body())

    assert check(page, image) == "Valid"
    assert page.get_by_text("This badge is real and valid").is_visible()
    assert page.get_by_text("It is exactly the credential we issued and signed").is_visible()
    assert_accessible(page)

    assert check(page, image, "someone.else@example.org") == "Not issued to this email"
    assert_accessible(page)

    with live_server.app.test_request_context():
        award = db.session.query(Award).filter_by(uid=uid).one()
        badges.revoke(award, None, "Awarded by mistake")
        db.session.commit()
    assert check(page, image) == "Revoked"
    assert page.get_by_text("Reason given by the issuer: Awarded by mistake").is_visible()
    assert_accessible(page)


def test_the_qr_code_link_checks_the_award_in_french(new_context, completed_learner):
    uid = completed_learner("first-edit-a-thon", "ines@example.org").award().uid
    page = new_context(locale="fr-FR", extra_http_headers={"Accept-Language": "fr"}).new_page()
    page.goto(f"/awards/{uid}")
    assert page.locator("figure.qr svg").count() == 1
    page.goto(f"/verify?award={uid}")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#verdict-title").inner_text() == "Valide"
