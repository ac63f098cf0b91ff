"""The accepted contributions as open data: CSV, JSON (with their licence) and an Atom feed.

Curated entries are the course's own files (``modules/initiatives/``); these documents carry
what organizers contributed, published under CC BY-SA 4.0 as they agreed when submitting.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Response, current_app, render_template, url_for
from flask_babel import gettext as _

from .. import clock
from . import services
from .blueprint import bp
from .entries import years_label
from .models import Contribution

LICENCE_NAME = "CC BY-SA 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
COLUMNS = (
    *("id", "url", "title", "summary", "language", "years", "start_date", "end_date"),
    *("country", "city", "region", "languages", "formats", "partners", "wikimedia"),
    *("audience", "activities", "outcomes", "self_reported", "worked", "did_not_work"),
    *("advice", "contact", "contributor", "accepted_at", "licence"),
)


def public_url(path: str) -> str:
    """An absolute address on this site (``BASE_URL``)."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def record(item: Contribution) -> dict[str, Any]:
    """One accepted contribution as open data."""
    lists = item.lists()
    return {
        "id": item.id,
        "url": public_url(url_for("library.contributed", contribution_id=item.id)),
        "title": item.title,
        "summary": item.summary,
        "language": item.written_in,
        "years": years_label(item),
        "start_date": item.start_date.isoformat() if item.start_date else None,
        "end_date": item.end_date.isoformat() if item.end_date else None,
        "country": item.country,
        "city": item.city,
        "region": item.region,
        "languages": lists["languages"],
        "formats": lists["formats"],
        "partners": lists["partners"],
        "wikimedia": item.wikimedia,
        "audience": item.audience,
        "activities": item.activities,
        "outcomes": lists["outcomes"],
        "self_reported": item.self_reported,
        "worked": item.worked,
        "did_not_work": item.did_not_work,
        "advice": item.advice,
        "contact": item.contact,
        "contributor": item.contributor_name or "a contributor",
        "accepted_at": clock.iso(item.reviewed_at) if item.reviewed_at else None,
        "licence": LICENCE_NAME,
    }


def _cell(value: Any) -> str:
    if isinstance(value, list):
        value = json.dumps(value, ensure_ascii=False)
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell starting with = + - @ as a formula: quote it as text.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/initiatives.csv")
def as_csv() -> Response:
    """Every accepted contribution, one row each; list-valued columns hold JSON."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for item in services.accepted():
        row = record(item)
        writer.writerow([_cell(row[name]) for name in COLUMNS])
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'inline; filename="initiatives.csv"',
            "Link": f'<{LICENCE_URL}>; rel="license"',
        },
    )


@bp.get("/initiatives.json")
def as_json() -> Response:
    """Every accepted contribution, with the licence they are published under."""
    document = {
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "initiatives": [record(item) for item in services.accepted()],
    }
    return current_app.response_class(
        json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json"
    )


@bp.get("/initiatives/feed.atom")
def feed() -> Response:
    """An Atom feed of the latest accepted contributions."""
    items = services.accepted()[:50]
    body = render_template(
        "library/feed.xml",
        items=[record(item) for item in items],
        updated=clock.iso(items[0].reviewed_at) if items else clock.iso(clock.now()),
        self_url=public_url(url_for("library.feed")),
        home_url=public_url(url_for("library.catalogue")),
        licence_url=LICENCE_URL,
        feed_title=_("Initiatives library: newly accepted"),
        site_name=_("GLAM and gender course"),
    )
    return Response(body, mimetype="application/atom+xml")
