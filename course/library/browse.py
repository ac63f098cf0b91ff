"""The library as readers browse it: every entry, searched, filtered, counted and paged."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from .. import clock
from ..content.loader import initiatives_citing
from ..contentstore import course
from ..templating import language_name
from . import choices, services
from .entries import (
    FACETS,
    Entry,
    counts,
    from_contribution,
    from_initiative,
    matches,
    search_text,
)
from .search import search, words
from .vocabulary import REGION_NAMES

PER_PAGE = 20
QUERY_MAX = 200


@dataclass(frozen=True)
class Option:
    """One value of a facet: its name, how many results have it, and the link that picks it."""

    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass(frozen=True)
class Results:
    """One page of results with the facets of all results."""

    entries: list[Entry]
    found: int
    total: int
    page: int
    pages: int
    facets: list[tuple[str, str, list[Option]]]
    chosen: dict[str, str]
    query: str


def all_entries() -> list[Entry]:
    """The curated initiatives, then the accepted contributions."""
    loaded = course()
    this_year = clock.now().year
    curated = [
        from_initiative(item, bool(initiatives_citing(loaded, item.id)), this_year)
        for item in loaded.initiatives.values()
    ]
    return curated + [from_contribution(item) for item in services.accepted()]


def facet_title(facet: str) -> str:
    """The heading of a facet's list."""
    return {
        "region": _("Region"),
        "country": _("Country"),
        "format": _("Format"),
        "partner": _("Kind of partner"),
        "language": _("Language of the activities"),
        "year": _("Year"),
        "cited": _("In the course"),
    }[facet]


def value_label(facet: str, value: str) -> str:
    """A facet value's name in the reader's language."""
    names: Mapping[str, Any] = {
        "region": REGION_NAMES,
        "format": choices.format_names(),
        "partner": choices.PARTNER_KINDS,
    }.get(facet, {})
    if facet == "country":
        return choices.country_name(value)
    if facet == "language":
        return language_name(value)
    if facet == "cited":
        return _("Cited in a lesson")
    return str(names.get(value, value))


def _link(chosen: dict[str, str], query: str, facet: str, value: str | None) -> str:
    args = {**chosen, facet: value or ""}
    args = {name: v for name, v in args.items() if v}
    return url_for("library.catalogue", **({"q": query} if query else {}), **args)


def _facets(results: list[Entry], chosen: dict[str, str], query: str) -> list[Any]:
    facets = []
    for facet in FACETS:
        tally = counts(results, facet)
        options = [
            Option(
                value,
                value_label(facet, value),
                count,
                chosen[facet] == value,
                _link(chosen, query, facet, None if chosen[facet] == value else value),
            )
            for value, count in tally.items()
        ]
        order = (lambda o: o.value) if facet == "year" else (lambda o: o.label.casefold())
        options.sort(key=order, reverse=facet == "year")
        if options:
            facets.append((facet, facet_title(facet), options))
    return facets


def _sort_key(language: str) -> Any:
    def key(entry: Entry) -> str:
        return (entry.names.get(language) or entry.names[entry.source_language]).casefold()

    return key


def browse(args: Mapping[str, str], language: str) -> Results:
    """The page of results that the query string ``args`` asks for."""
    chosen = {facet: args.get(facet, "")[:40] for facet in FACETS}
    query = args.get("q", "")[:QUERY_MAX].strip()
    entries = all_entries()
    if words(query):  # a query of punctuation alone searches nothing: show everything
        by_key = {entry.key: entry for entry in entries}
        keys = search([(e.key, search_text(e, language)) for e in entries], query, language)
        ordered = [by_key[key] for key in keys]
    else:
        ordered = sorted(entries, key=_sort_key(language))
    found = [entry for entry in ordered if matches(entry, chosen)]
    pages = max(1, math.ceil(len(found) / PER_PAGE))
    page = min(max(1, _int(args.get("page", "1"))), pages)
    return Results(
        entries=found[(page - 1) * PER_PAGE : page * PER_PAGE],
        found=len(found),
        total=len(entries),
        page=page,
        pages=pages,
        facets=_facets(found, chosen, query),
        chosen=chosen,
        query=query,
    )


def page_url(results: Results, page: int) -> str:
    """The link to another page of the same results."""
    args = {name: value for name, value in results.chosen.items() if value}
    if results.query:
        args["q"] = results.query
    return url_for("library.catalogue", page=page, **args)


def _int(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 6 else 1
