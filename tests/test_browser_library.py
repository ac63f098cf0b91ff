"""Done when for the initiatives library, as new users would try it, with JavaScript off:
an organizer shares an initiative in French, a trainer asks for a change, the organizer
edits, the trainer accepts; the entry is then found, filtered, published as open data and
exported to files that ``content check`` accepts. Every page is scanned with axe-core."""

from __future__ import annotations

import csv
import io

import pytest
from defusedxml import ElementTree
from helpers import assert_accessible, browser_sign_in

from course.accounts.models import Role
from course.cli.content import content_group

pytestmark = [pytest.mark.browser, pytest.mark.content("readme")]

DASHBOARD = "https://outreachdashboard.wmflabs.org/courses/WikiGap/Lome_2026"
EVENT = "https://meta.wikimedia.org/wiki/Event:WikiGap_Lome_2026"


def browser(new_context, locale: str):
    page = new_context(java_script_enabled=False, locale=locale).new_page()
    page.set_default_timeout(10_000)
    page.scan = lambda: scan(new_context, page, locale)
    return page


def scan(new_context, page, locale: str) -> None:
    """axe-core needs JavaScript: scan the same page, signed in as the same person, in a
    second browser that has it (the person's own browser keeps it off)."""
    seeing = new_context(locale=locale, storage_state=page.context.storage_state()).new_page()
    seeing.goto(page.url)
    assert_accessible(seeing)
    seeing.close()


def write_in_french(page) -> None:
    """Fill the share form as a French-speaking organizer would."""
    page.select_option("#written_in", "fr")
    page.fill("#title", "WikiGap à Lomé")
    page.fill(
        "#summary", "Deux jours d’écriture sur des Togolaises, avec la bibliothèque nationale."
    )
    page.fill("#start_date", "2026-03-07")
    page.fill("#end_date", "2026-03-08")
    page.get_by_label("Pays").select_option("TG")
    page.fill("#city", "Lomé")
    page.select_option("#region", "africa")
    page.select_option("#languages", ["fr", "ee"])
    page.check("#format-edit-a-thon")
    page.fill("#wikimedia", "Wikimedia Togo")
    page.fill("#partners-0-name", "Bibliothèque nationale du Togo")
    page.select_option("#partners-0-kind", "library")
    page.fill("#activities", "Nous avons écrit des biographies de bibliothécaires togolaises.")
    for row, (metric, figure, url) in enumerate(
        [("articles-created", "25", DASHBOARD), ("participants", "18", EVENT)]
    ):
        page.select_option(f"#outcomes-{row}-metric", metric)
        page.fill(f"#outcomes-{row}-figure", figure)
        page.fill(f"#outcomes-{row}-url", url)
        page.fill(f"#outcomes-{row}-measured", "2026-03-09")
    page.fill("#self_reported", "Trois participantes éditent encore un mois plus tard.")
    page.fill("#advice", "Prévoyez des clés 4G.")
    page.check("#show_name")
    page.check("#licence")


def trainer_decides(page, decision: str, comment: str = "") -> None:
    page.goto("/")
    page.get_by_role("link", name="Initiatives to review").click()
    page.scan()
    page.get_by_role("link", name="WikiGap à Lomé").click()
    page.scan()
    if comment:
        page.get_by_label("Comment for the contributor").fill(comment)
    page.get_by_role("button", name=decision).click()
    page.get_by_text("Decision recorded.").wait_for()


def test_an_initiative_goes_from_an_organizer_to_the_library_and_back_into_git(
    new_context, create_user, live_server, tmp_path
):
    create_user("awa@example.org", name="Awa")
    create_user("tess@example.org", role=Role.TRAINER, name="Tess")
    awa, tess = browser(new_context, "fr-FR"), browser(new_context, "en-GB")
    browser_sign_in(awa, "awa@example.org")
    browser_sign_in(tess, "tess@example.org")

    awa.goto("/initiatives")
    awa.get_by_role("link", name="Partagez votre initiative").click()
    awa.get_by_role("heading", name="Partagez votre initiative").wait_for()
    awa.scan()
    write_in_french(awa)
    awa.get_by_role("button", name="Soumettre pour relecture").click()
    awa.get_by_text("Envoyé pour relecture.").wait_for()
    assert "En attente de relecture" in awa.content()
    awa.scan()

    trainer_decides(tess, "Request changes", "Ajoutez un conseil sur le matériel.")

    awa.get_by_role("link", name="Mes initiatives").first.click()
    awa.get_by_role("link", name="WikiGap à Lomé").click()
    awa.get_by_text("Ajoutez un conseil sur le matériel.").wait_for()
    assert "Modifications demandées" in awa.content()
    awa.get_by_role("link", name="Modifier").click()
    awa.fill("#advice", "Prévoyez des clés 4G et des rallonges.")
    awa.check("#licence")
    awa.get_by_role("button", name="Soumettre pour relecture").click()
    awa.get_by_text("Envoyé pour relecture.").wait_for()

    trainer_decides(tess, "Accept and publish")

    awa.goto("/initiatives")
    awa.get_by_label("Mots").fill("togolaises")
    awa.get_by_role("button", name="Afficher").click()
    awa.get_by_role("link", name="WikiGap à Lomé").wait_for()
    awa.scan()
    awa.goto("/initiatives")
    awa.get_by_role("link", name="Togo").click()
    awa.get_by_role("link", name="Edit-a-thon").first.click()
    assert "country=TG" in awa.url and "format=edit-a-thon" in awa.url
    awa.get_by_role("link", name="WikiGap à Lomé").click()
    awa.get_by_text("Proposé par Awa, relu le").wait_for()
    assert "Déclaré par les organisateur·rices, sans source publique." in awa.content()
    awa.scan()
    tess.goto(awa.url)  # the same page in English
    tess.get_by_text("Contributed by Awa, reviewed on").wait_for()
    tess.scan()

    rows = list(csv.DictReader(io.StringIO(awa.request.get("/initiatives.csv").text())))
    assert [row["title"] for row in rows] == ["WikiGap à Lomé"]
    data = awa.request.get("/initiatives.json").json()
    assert data["licence"]["name"] == "CC BY-SA 4.0"
    assert data["initiatives"][0]["advice"] == "Prévoyez des clés 4G et des rallonges."
    feed = ElementTree.fromstring(awa.request.get("/initiatives/feed.atom").body())
    assert "WikiGap à Lomé" in ElementTree.tostring(feed, encoding="unicode")

    runner = live_server.app.test_cli_runner()
    folder = tmp_path / "content" / "modules" / "initiatives"
    entry_id = data["initiatives"][0]["id"]
    exported = runner.invoke(args=["initiatives", "export", str(entry_id), "--to", str(folder)])
    assert exported.exit_code == 0, exported.output
    assert "## Ce qui a été fait" in (folder / "wikigap-a-lome.fr.md").read_text()
    check = runner.invoke(content_group, ["check", "--modules", str(folder.parent)])
    assert "0 errors" in check.output, check.output
