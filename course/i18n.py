"""Interface language: the learner's saved choice, else this browser's choice (a cookie),
else the browser's Accept-Language, else the default language."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, request
from flask_babel import get_locale

from .extensions import babel

LANGUAGE_COOKIE = "course_lang"


def supported(code: str | None) -> str | None:
    """``code`` if it is one of the configured languages, else None."""
    return code if code in current_app.config["LANGUAGES"] else None


def select_locale(saved_language: Callable[[], str | None]) -> str:
    """The language of this request (see the module docstring for the order)."""
    return (
        supported(saved_language())
        or supported(request.cookies.get(LANGUAGE_COOKIE))
        or request.accept_languages.best_match(current_app.config["LANGUAGES"])
        or current_app.config["DEFAULT_LANGUAGE"]
    )


def language_choices(languages: list[str]) -> list[tuple[str, str]]:
    """Each language with its own name for itself, as in "Français"."""
    return [(code, Locale.parse(code).get_display_name(code).capitalize()) for code in languages]


def init_i18n(app: Flask, saved_language: Callable[[], str | None]) -> None:
    """Bind Flask-Babel and give templates the language, its direction and the choices.

    ``saved_language`` answers the signed-in person's saved choice, if any: the factory
    passes it in, so that this shared module depends on no feature.
    """
    babel.init_app(app, locale_selector=lambda: select_locale(saved_language))
    choices = language_choices(app.config["LANGUAGES"])  # the same for every request

    @app.context_processor
    def inject_language() -> dict[str, Any]:
        language = str(get_locale())
        return {
            "language": language,
            "text_direction": text_direction(language),
            "language_choices": choices,
        }


@lru_cache(maxsize=64)
def text_direction(language: str) -> str:
    """Whether ``language`` is written "ltr" or "rtl", computed once per process."""
    try:
        return Locale.parse(language).text_direction
    except (UnknownLocaleError, ValueError):
        return "ltr"
