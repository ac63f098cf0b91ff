"""One shape for every entry of the library, curated (files) or contributed (database), and
the facets readers filter it by. Pure: no request, no database."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ..content.model import Initiative
from .models import Contribution

#: The facets, in the order the page shows them, with the query parameter of each.
FACETS = ("region", "country", "format", "partner", "language", "year", "cited")
TAG_RE = re.compile(r"<[^>]+>")
YEARS_RE = re.compile(r"(\d{4})\s*(?:[–-]\s*(\d{4})?)?")


@dataclass(frozen=True)
class Entry:
    """An initiative as the library lists, searches and filters it."""

    key: str
    contributed: bool
    names: Mapping[str, str]
    summaries: Mapping[str, str]
    source_language: str
    #: language -> everything searchable in that language.
    texts: Mapping[str, str]
    years_label: str
    facets: Mapping[str, tuple[str, ...]]
    reviewed_at: datetime | None = None
    contributor: str | None = None
    places: Mapping[str, str] = field(default_factory=dict)

    def values(self, facet: str) -> tuple[str, ...]:
        """This entry's values for ``facet`` (several for most facets)."""
        return self.facets.get(facet, ())


def _year_span(label: str, this_year: int) -> tuple[str, ...]:
    match = YEARS_RE.search(label)
    if match is None:
        return ()
    first = int(match[1])
    last = int(match[2]) if match[2] else (this_year if "–" in label or "-" in label else first)
    return tuple(str(year) for year in range(first, max(first, min(last, this_year)) + 1))


def from_initiative(initiative: Initiative, cited: bool, this_year: int) -> Entry:
    """A curated initiative read from the course files."""
    texts = initiative.texts
    return Entry(
        key=initiative.id,
        contributed=False,
        names={lang: t.name for lang, t in texts.items()},
        summaries={lang: t.summary for lang, t in texts.items()},
        source_language=next(iter(texts)),
        texts={
            lang: " ".join((t.name, t.summary, t.places, html.unescape(TAG_RE.sub(" ", t.html))))
            for lang, t in texts.items()
        },
        years_label=initiative.years,
        facets={
            "region": initiative.regions,
            "format": initiative.formats,
            "language": initiative.languages,
            "year": _year_span(initiative.years, this_year),
            "cited": ("yes",) if cited else (),
        },
        places={lang: t.places for lang, t in texts.items()},
    )


def contribution_years(item: Contribution) -> tuple[str, ...]:
    """The calendar years a contribution's dates cover."""
    if item.start_date is None:
        return ()
    last = item.end_date or item.start_date
    return tuple(str(year) for year in range(item.start_date.year, last.year + 1))


def years_label(item: Contribution) -> str:
    """``2026`` or ``2025–2026``."""
    years = contribution_years(item)
    return years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}" if years else ""


def from_contribution(item: Contribution) -> Entry:
    """An accepted contribution."""
    lists = item.lists()
    language = item.written_in
    searchable = (
        item.title,
        item.summary,
        item.city,
        item.wikimedia,
        *(partner["name"] for partner in lists["partners"]),
        item.audience,
        item.activities,
        item.self_reported,
        item.worked,
        item.did_not_work,
        item.advice,
    )
    return Entry(
        key=f"c{item.id}",
        contributed=True,
        names={language: item.title},
        summaries={language: item.summary},
        source_language=language,
        texts={language: " ".join(searchable)},
        years_label=years_label(item),
        facets={
            "region": (item.region,) if item.region else (),
            "country": (item.country,) if item.country else (),
            "format": tuple(lists["formats"]),
            "partner": tuple(sorted({p["kind"] for p in lists["partners"] if p.get("kind")})),
            "language": tuple(lists["languages"]),
            "year": contribution_years(item),
        },
        reviewed_at=item.reviewed_at,
        contributor=item.contributor_name,
        places={language: item.city},
    )


def matches(entry: Entry, chosen: Mapping[str, str]) -> bool:
    """Whether ``entry`` has every chosen facet value."""
    return all(not value or value in entry.values(facet) for facet, value in chosen.items())


def counts(entries: Iterable[Entry], facet: str) -> Counter[str]:
    """How many of ``entries`` have each value of ``facet``."""
    return Counter(value for entry in entries for value in set(entry.values(facet)))


def search_text(entry: Entry, language: str) -> str:
    """What the search engine reads: the reader's language first, then the others."""
    ordered = sorted(entry.texts.items(), key=lambda item: item[0] != language)
    return " ".join(text for _, text in ordered)
