"""Template helpers for course texts kept per language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Flask
from flask_babel import format_date, format_datetime, get_locale

from .caching import init_caching
from .contentstore import course


@dataclass(frozen=True)
class Localized:
    """A text in the reader's language, or in the fallback language when it is missing."""

    value: Any
    language: str
    is_fallback: bool


def localized(texts: Mapping[str, Any], fallback: str, language: str | None = None) -> Localized:
    """Pick from ``texts`` for ``language`` (default: the interface language)."""
    wanted = language or str(get_locale())
    if wanted in texts:
        return Localized(texts[wanted], wanted, False)
    used = fallback if fallback in texts else next(iter(texts))
    return Localized(texts[used], used, True)


def language_name(code: str) -> str:
    """``code``'s name in the interface language: "French" or "français"."""
    return _language_name(code, str(get_locale()))


@lru_cache(maxsize=4096)
def _language_name(code: str, in_language: str) -> str:
    """Computed once per process for each pair: Babel parses locale data on every call."""
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(in_language) or code
    except (UnknownLocaleError, ValueError):
        return code


def init_templating(app: Flask) -> None:
    """Give templates the helpers above and the ``{% cache %}`` tag (see course.caching)."""
    init_caching(app)
    app.jinja_env.globals.update(
        localized=localized,
        language_name=language_name,
        course_module=lambda module_id: course().module(module_id),
        format_date=format_date,
        format_datetime=format_datetime,
    )
    app.jinja_env.filters["language_name"] = language_name
