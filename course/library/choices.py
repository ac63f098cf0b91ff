"""The fixed lists a contribution is filed under, with their names in the reader's language.

Countries are ISO 3166-1 alpha-2 codes and languages ISO 639-1 codes, both named by Babel
(CLDR) in the interface language, so the lists need no translation of their own.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..content.vocabulary import FORMATS, REGIONS
from .vocabulary import FORMAT_NAMES, REGION_NAMES

#: CLDR territory codes that are not ISO 3166-1 assigned codes (groupings, reservations…).
_NOT_COUNTRIES = {
    *("AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ")
}

#: Kinds of partner institution -> their names.
PARTNER_KINDS = {
    "gallery": _l("Gallery"),
    "library": _l("Library"),
    "archive": _l("Archive"),
    "museum": _l("Museum"),
    "university": _l("University"),
    "other": _l("Other"),
}

#: What an outcome counts -> its name.
METRICS = {
    "articles-created": _l("Articles created"),
    "articles-improved": _l("Articles improved"),
    "images-uploaded": _l("Images uploaded"),
    "participants": _l("Participants"),
    "new-editors-retained": _l("New editors retained"),
}

#: The formats of the curated library, plus "other" (which exports as no format).
CONTRIBUTION_FORMATS = (*FORMATS, "other")


@cache
def country_codes() -> tuple[str, ...]:
    """Every ISO 3166-1 alpha-2 code CLDR names, sorted."""
    territories = Locale("en").territories
    return tuple(
        sorted(
            code
            for code in territories
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
        )
    )


@cache
def _language_codes() -> tuple[str, ...]:
    return tuple(sorted(code for code in Locale("en").languages if len(code) == 2))


def _reader() -> Locale:
    return Locale.parse(str(get_locale()).replace("-", "_"))


def country_name(code: str) -> str:
    """``code``'s name in the interface language."""
    return _reader().territories.get(code, code)


def country_choices() -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by name in the interface language."""
    names = _reader().territories
    return sorted(((c, names.get(c, c)) for c in country_codes()), key=lambda p: p[1].casefold())


def language_choices() -> list[tuple[str, str]]:
    """(code, name) for every ISO 639-1 language, sorted by name in the interface language."""
    names = _reader().languages
    pairs = ((c, names.get(c, c)) for c in _language_codes())
    return sorted(pairs, key=lambda p: p[1].casefold())


def language_codes() -> tuple[str, ...]:
    """Every ISO 639-1 code CLDR names."""
    return _language_codes()


def region_choices() -> list[tuple[str, str]]:
    """(code, name) for every region of the library."""
    return [(code, str(REGION_NAMES[code])) for code in REGIONS]


def format_choices() -> list[tuple[str, str]]:
    """(code, name) for every format a contribution can have."""
    return [(code, str(format_names()[code])) for code in CONTRIBUTION_FORMATS]


def format_names() -> dict[str, Any]:
    """Format code -> name, "other" included."""
    return {**FORMAT_NAMES, "other": _l("Other")}
