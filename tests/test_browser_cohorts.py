"""Issue 15's "done when", tried as new users would, with JavaScript off and axe-core on every
page: a trainer creates a French cohort for two modules in a hub and projects its QR code;
forty learners behind one address join (three in the browser, the rest through the test
client), take both modules and earn the badge; the trainer sees the funnel, the item
analysis and the CSV; the hub's coordinator sees the cohort on the hub dashboard; a learner
leaves and disappears from the views."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from content_examples import write_course, write_pool_module
from helpers import PASSWORD, assert_accessible, browser_sign_in, complete_module, csrf_token

from course.accounts.models import Role
from course.badges.models import Award
from course.extensions import db

pytestmark = pytest.mark.browser
WORKSHOP = 40
IN_BROWSER = 3
TODAY = date.today()


@pytest.fixture
def content_dirs(tmp_path):
    """The tiny course and the "pools" module: a cohort follows both."""
    dirs = write_course(tmp_path / "content")
    write_pool_module(Path(dirs["MODULES_DIR"]))
    return dirs


def browser(new_context, locale: str = "en"):
    page = new_context(
        java_script_enabled=False, locale=locale, extra_http_headers={"Accept-Language": locale}
    ).new_page()
    page.set_default_timeout(15_000)
    return page


def scan(new_context, page, locale: str = "en") -> None:
    """axe-core needs JavaScript: scan the page this JavaScript-less browser shows in a twin
    browser that has JavaScript and the same cookies (so the same account)."""
    twin = new_context(locale=locale, extra_http_headers={"Accept-Language": locale})
    twin.add_cookies(page.context.cookies())
    copy = twin.new_page()
    copy.goto(page.url)
    assert_accessible(copy)
    twin.close()


def create_cohort(new_context, page) -> str:
    """Tess fills the form; returns the projector page's join link."""
    page.goto("/cohorts")
    page.get_by_role("link", name="Start a cohort").click()
    scan(new_context, page, "en")
    page.fill("#name", "WikiGap Lyon")
    page.select_option("#hub", label="WikiGap France")
    page.select_option("#language", "fr")
    page.check("#module-first-edit-a-thon")
    page.check("#module-pools")
    page.fill("#due-pools", (TODAY + timedelta(days=7)).isoformat())
    page.fill("#starts_on", TODAY.isoformat())
    page.fill("#ends_on", (TODAY + timedelta(days=14)).isoformat())
    page.fill("#max_size", str(WORKSHOP))
    page.get_by_role("button", name="Create the cohort").click()
    page.get_by_role("heading", name="Join WikiGap Lyon").wait_for()
    assert page.locator(".qr svg").is_visible()
    scan(new_context, page, "en")
    return page.locator("main p.lead a").get_attribute("href")


def join_in_browser(new_context, page, mailbox, link: str, n: int) -> None:
    """A learner opens the projected link, reads what leads see, signs up and confirms."""
    page.goto(link)
    assert "Ce que les responsables verront de vous" in page.content()
    scan(new_context, page, "fr")
    page.get_by_role("link", name="Créer un compte et rejoindre la cohorte").click()
    scan(new_context, page, "fr")
    page.fill("#display_name", f"Apprenante {n:02d}")
    page.fill("#email", f"learner{n:02d}@example.org")
    page.fill("#password", PASSWORD)
    page.check("#cohort_consent")
    page.click("main form button[type=submit]")
    page.goto(mailbox.last_link(f"learner{n:02d}@example.org"))
    page.click("main form button[type=submit]")
    page.get_by_role("button", name="Quitter cette cohorte").wait_for()
    scan(new_context, page, "fr")


def join_with_test_client(app, mailbox, code: str, n: int):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    path = f"/register?cohort={code}"
    client.post(
        "/register",
        data={
            "csrf_token": csrf_token(client, path),
            "display_name": f"Apprenante {n:02d}",
            "email": f"learner{n:02d}@example.org",
            "password": PASSWORD,
            "cohort": code,
            "cohort_consent": "y",
        },
    )
    confirm = mailbox.last_link(f"learner{n:02d}@example.org").removeprefix(app.config["BASE_URL"])
    landed = client.post(confirm, data={"csrf_token": csrf_token(client, confirm)})
    assert landed.status_code == 303 and landed.headers["Location"].startswith("/cohorts/")
    return client


def test_a_workshop_of_forty_from_cohort_to_badges_to_the_hub(
    live_server, new_context, mailbox, create_user
):
    app = live_server.app
    create_user("tess@example.org", role=Role.TRAINER, name="Tess")
    create_user("coco@example.org", name="Coco")
    runner = app.test_cli_runner()
    runner.invoke(
        args=[
            "hubs",
            "create",
            "WikiGap France",
            "--kind",
            "regional",
            "--language",
            "fr",
            "--slug",
            "wikigap-fr",
        ]
    )
    for email in ("tess@example.org", "coco@example.org"):
        assert runner.invoke(args=["hubs", "add-coordinator", "wikigap-fr", email]).exit_code == 0

    tess = browser(new_context)
    browser_sign_in(tess, "tess@example.org")
    link = create_cohort(new_context, tess)
    code = re.search(r"code=([A-Z0-9-]+)", link).group(1)

    learners = []
    for n in range(IN_BROWSER):
        page = browser(new_context, "fr")
        join_in_browser(new_context, page, mailbox, link, n)
        learners.append(page)
    for n in range(IN_BROWSER, WORKSHOP):
        client = join_with_test_client(app, mailbox, code, n)
        complete_module(app, client, "first-edit-a-thon")
        complete_module(app, client, "pools")
    for n in range(IN_BROWSER):  # the browser learners take the modules too (signed in here)
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
        client.post(
            "/login",
            data={
                "csrf_token": csrf_token(client, f"/login?cohort={code}"),
                "email": f"learner{n:02d}@example.org",
                "password": PASSWORD,
                "cohort": code,
            },
        )
        complete_module(app, client, "first-edit-a-thon")
        complete_module(app, client, "pools")
    with app.app_context():
        assert db.session.query(Award).count() == WORKSHOP

    learners[0].goto("/my-learning")
    scan(new_context, learners[0], "fr")

    dashboard = tess.url.replace("/projector", "")
    tess.goto(dashboard)
    scan(new_context, tess, "en")
    funnel = tess.locator("table").first.inner_text()
    assert re.findall(r"\d+", funnel) == [str(WORKSHOP)] * 5
    assert "Apprenante 00" in tess.content()
    tess.get_by_role("link", name="Item analysis").click()
    tess.select_option("#language", "fr")
    tess.get_by_role("button", name="Show").click()
    assert f"Right the first time: 100 % of {WORKSHOP}." in tess.content()
    scan(new_context, tess, "en")
    members_csv = tess.context.request.get(f"{dashboard}/members.csv").text()
    rows = list(csv.DictReader(io.StringIO(members_csv)))
    assert len(rows) == WORKSHOP and {r["completed_all"] for r in rows} == {"yes"}
    tess.goto(f"{dashboard}/attendance")
    scan(new_context, tess, "en")

    coco = browser(new_context)
    browser_sign_in(coco, "coco@example.org")
    coco.goto("/hubs/wikigap-fr/dashboard")
    scan(new_context, coco, "en")
    row = coco.get_by_role("row", name=re.compile("WikiGap Lyon")).inner_text()
    assert re.findall(r"\b\d{2}\b", row)[-3:] == [str(WORKSHOP)] * 3  # members, completed, badges
    assert "Apprenante" not in coco.content()

    leaver = learners[0]
    leaver.goto(dashboard)
    leaver.get_by_role("button", name="Quitter cette cohorte").click()
    leaver.get_by_role("heading", name="Mes cohortes").wait_for()
    scan(new_context, leaver, "fr")
    tess.goto(dashboard)
    assert "Apprenante 00" not in tess.content()
    assert re.findall(r"\d+", tess.locator("table").first.inner_text())[0] == str(WORKSHOP - 1)
