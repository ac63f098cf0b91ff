"""Finding initiatives: full-text search (FTS5 on SQLite, full-text search on PostgreSQL),
facets with counts as plain links, pages of results, and the open data documents."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime

import pytest
from defusedxml import ElementTree

from course.extensions import db
from course.library.models import Contribution, Status

ATOM = "{http://www.w3.org/2005/Atom}"


def add(app, title: str, status: Status = Status.ACCEPTED, **values: object) -> int:
    """An entry straight into the database; return its id."""
    now = datetime(2026, 3, 10, tzinfo=UTC)
    facts = {
        "written_in": "fr",
        "summary": f"Résumé de {title}",
        "country": "TG",
        "city": "Lomé",
        "region": "africa",
        "start_date": date(2026, 3, 7),
        "activities": "Un atelier d’écriture sur des bibliothécaires togolaises.",
        "languages_json": '["fr"]',
        "formats_json": '["edit-a-thon"]',
        "partners_json": '[{"name": "Bibliothèque nationale", "kind": "library"}]',
        "outcomes_json": '[{"metric": "participants", "figure": 18, "url": "https://example.org/x", "measured": null}]',
        "contributor_name": "Ada",
    } | values
    with app.app_context():
        item = Contribution(
            title=title, status=status, created_at=now, updated_at=now, reviewed_at=now, **facts
        )
        db.session.add(item)
        db.session.commit()
        return item.id


def titles(client, query: str) -> list[str]:
    page = client.get(f"/initiatives?{query}").get_data(as_text=True)
    return re.findall(r'<h2><a href="/initiatives/[^"]+">([^<]+)</a></h2>', page)


@pytest.mark.content("readme")
def test_search_finds_curated_and_contributed_entries_by_a_word(app, client):
    add(app, "WikiGap à Lomé")
    add(
        app,
        "Edit-a-thon à Montevideo",
        country="UY",
        region="latin-america",
        activities="Une bibliothèque municipale de Montevideo.",
    )
    add(app, "Brouillon caché", status=Status.SUBMITTED, activities="Montevideo aussi")
    assert titles(client, "q=Montevideo") == ["Edit-a-thon à Montevideo"]
    assert titles(client, "q=togolaise") == ["WikiGap à Lomé"]  # prefix, accents folded
    assert titles(client, "q=bibliothecaires+togolaises") == ["WikiGap à Lomé"]
    assert "#WikiGap" in titles(client, "q=embassies")  # curated, English text
    assert "#WikiGap" in titles(client, "q=ambassades")  # its French text too
    assert titles(client, 'q=" OR * NEAR(') == []  # operators are words, never syntax
    assert len(titles(client, "q=%21%21%21")) == 3  # punctuation alone: everything
    page = client.get("/initiatives?q=nothing+matches+this").get_data(as_text=True)
    assert "No initiative matches these filters." in page


@pytest.mark.content("readme")
def test_facets_count_and_filter_by_plain_links(app, client):
    add(app, "WikiGap à Lomé")
    add(
        app,
        "Edit-a-thon à Montevideo",
        country="UY",
        region="latin-america",
        formats_json='["contest"]',
        partners_json='[{"name": "Museo", "kind": "museum"}]',
        start_date=date(2025, 5, 1),
    )
    page = client.get("/initiatives").get_data(as_text=True)
    assert re.search(r'href="/initiatives\?country=TG">Togo</a> \(1\)', page)
    assert re.search(
        r'href="/initiatives\?format=edit-a-thon">Edit-a-thon</a> \(2\)', page
    )  # WikiGap + Lomé
    assert re.search(r'href="/initiatives\?partner=museum">Museum</a> \(1\)', page)
    assert re.search(r'href="/initiatives\?cited=yes">Cited in a lesson</a> \(1\)', page)
    assert titles(client, "country=TG&format=edit-a-thon") == ["WikiGap à Lomé"]
    assert titles(client, "region=latin-america") == ["Edit-a-thon à Montevideo"]
    assert titles(client, "year=2025") == ["#WikiGap", "Edit-a-thon à Montevideo"]  # 2018–
    assert titles(client, "year=2017") == []
    assert titles(client, "cited=yes") == ["#WikiGap"]
    assert titles(client, "partner=library") == ["WikiGap à Lomé"]
    french = client.get("/initiatives?country=UY", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert "Uruguay" in french


def test_results_come_in_pages(app, client):
    for n in range(45):
        add(app, f"Entrée {n:02d}")
    first = client.get("/initiatives").get_data(as_text=True)
    assert "Page 1 of 3" in first and 'rel="next"' in first and "45 initiatives of 45" in first
    assert len(titles(client, "page=3")) == 5
    assert len(titles(client, "page=99")) == 5  # past the end: the last page
    assert len(titles(client, "page=x")) == 20


def test_open_data_lists_accepted_entries_with_their_licence(app, client):
    accepted = add(app, "WikiGap à Lomé", advice='=HYPERLINK("http://evil")')
    add(app, "Pas encore", status=Status.SUBMITTED)
    data = client.get("/initiatives.json").get_json()
    assert data["licence"]["name"] == "CC BY-SA 4.0"
    assert [i["title"] for i in data["initiatives"]] == ["WikiGap à Lomé"]
    assert data["initiatives"][0]["url"].endswith(f"/initiatives/contributed/{accepted}")
    response = client.get("/initiatives.csv")
    assert response.mimetype == "text/csv" and "creativecommons.org" in response.headers["Link"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["title"] for row in rows] == ["WikiGap à Lomé"]
    assert rows[0]["licence"] == "CC BY-SA 4.0"
    assert rows[0]["advice"].startswith("'=")  # never a spreadsheet formula
    assert json.loads(rows[0]["outcomes"])[0]["figure"] == 18
    feed = client.get("/initiatives/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ElementTree.fromstring(feed.get_data())
    assert [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")] == ["WikiGap à Lomé"]
