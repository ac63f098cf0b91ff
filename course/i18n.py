"""Interface language: the learner's saved choice, else this browser's choice (a cookie),
else the browser's Accept-Language, else the default language."""

from __future__ import annotations

from typing import Any

from babel import Locale
from flask import Flask, current_app, request
from flask_babel import get_locale

from .accounts.auth import current_user
from .extensions import babel

LANGUAGE_COOKIE = "course_lang"


def supported(code: str | None) -> str | None:
    """``code`` if it is one of the configured languages, else None."""
    return code if code in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    """The language of this request (see the module docstring for the order)."""
    user = current_user()
    return (
        supported(user.locale if user else None)
        or supported(request.cookies.get(LANGUAGE_COOKIE))
        or request.accept_languages.best_match(current_app.config["LANGUAGES"])
        or current_app.config["DEFAULT_LANGUAGE"]
    )


def language_choices() -> list[tuple[str, str]]:
    """Each configured language with its own name for itself, as in "Français"."""
    return [
        (code, Locale.parse(code).get_display_name(code).capitalize())
        for code in current_app.config["LANGUAGES"]
    ]


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel and give templates the language, its direction and the choices."""
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def inject_language() -> dict[str, Any]:
        locale = get_locale()
        return {
            "language": str(locale),
            "text_direction": locale.text_direction if locale else "ltr",
            "language_choices": language_choices(),
        }
