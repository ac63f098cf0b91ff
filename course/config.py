"""Configuration: defaults in code, then ``instance/config.py``, then ``COURSE_*`` variables.

Everything is validated once in :func:`validate`, which returns every problem found
(not only the first) so that an operator fixes them in one go.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: The folder that holds ``course/``, ``modules/``, ``badges/`` and ``translations/``.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Keys that have been published somewhere (docs, tutorials) and must never sign anything.
KNOWN_BAD_KEYS = {
    "dev",
    "development",
    "secret",
    "secret-key",
    "changeme",
    "change-me",
    "your-secret-key",
    "super-secret",
    "thisisasecretkey",
    "\x02\xf3\x5d\xd4\x4e\xe7\x0e\xd9",  # Apache Superset's default (CVE-2023-27524)
    "CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET",
}
MIN_SECRET_KEY_LENGTH = 32

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,
    "BASE_URL": "http://127.0.0.1:5000",
    "DATABASE_URL": None,  # None means instance/course.sqlite3
    "MODULES_DIR": str(PROJECT_ROOT / "modules"),
    "BADGES_DIR": str(PROJECT_ROOT / "badges"),
    "TRANSLATIONS_DIR": str(PROJECT_ROOT / "translations"),
    "LANGUAGES": ["en", "fr"],
    "DEFAULT_LANGUAGE": "en",
    # Mail: with no MAIL_SERVER the message is written to the server log instead.
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_STARTTLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_SENDER": "course@localhost",
    "MAIL_TIMEOUT": 10,
    # Rate limits: "db" shares counters through the application database, so that they
    # hold across gunicorn workers without any other service; a redis:// URL uses Redis.
    "RATELIMIT_STORAGE": "db",
    # Sign-in: browsers that signed in to the account before (a signed device cookie) each
    # have their own budget; every other browser shares the account's (accounts/devices.py).
    "LOGIN_LIMIT_PER_ACCOUNT": "10 per 10 minutes",
    "LOGIN_LIMIT_PER_DEVICE": "10 per 10 minutes",
    "TRUSTED_DEVICE_DAYS": 180,
    "LOGIN_LIMIT_PER_ADDRESS": "30 per 10 minutes",
    "SIGNUP_LIMIT_PER_ADDRESS": "10 per hour",
    "RESET_LIMIT_PER_ADDRESS": "10 per hour",
    "VERIFY_LIMIT_PER_ADDRESS": "60 per minute",
    # Cohorts: a valid, open cohort code raises an address's sign-up and sign-in budget to
    # the cohort's size (course/ratelimit.py); a cohort with no size counts as this many.
    "COHORT_DEFAULT_BUDGET": 50,
    "COHORT_CODE_LIMIT_PER_ADDRESS": "300 per 10 minutes",
    "COHORT_ANNOUNCE_LIMIT": "10 per day",
    # An archived cohort keeps its member views this long, then only its counts.
    "COHORT_RETENTION_DAYS": 90,
    # Number of reverse proxies in front of the server that set X-Forwarded-* headers.
    "PROXY_HOPS": 0,
    "SESSION_DAYS": 30,
    "PASSWORD_RESET_HOURS": 1,
    "EMAIL_CONFIRM_DAYS": 3,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # How long a SQLite write waits for another writer before the request answers 503.
    "SQLITE_BUSY_TIMEOUT_MS": 15_000,
    # A PostgreSQL connection unused for longer is tested before it serves (course.pool).
    "DATABASE_PING_AFTER_IDLE_SECONDS": 10,
    # The badge issuer, as verifiers and backpacks show it.
    "ISSUER_NAME": "GLAM and gender course",
    "ISSUER_EMAIL": None,
    # Sign in with Wikimedia (OAuth 2.0 on Meta-Wiki): off until a client id and secret are set.
    "WIKIMEDIA_CLIENT_ID": None,
    "WIKIMEDIA_CLIENT_SECRET": None,
    "WIKIMEDIA_OAUTH_BASE": "https://meta.wikimedia.org/w/rest.php/oauth2/",
}

#: Settings that may come from ``COURSE_<NAME>`` environment variables, and their types.
ENVIRONMENT: dict[str, type] = {
    "SECRET_KEY": str,
    "BASE_URL": str,
    "DATABASE_URL": str,
    "MODULES_DIR": str,
    "BADGES_DIR": str,
    "TRANSLATIONS_DIR": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_STARTTLS": bool,
    "MAIL_USE_SSL": bool,
    "MAIL_SENDER": str,
    "RATELIMIT_STORAGE": str,
    "PROXY_HOPS": int,
    "ISSUER_NAME": str,
    "ISSUER_EMAIL": str,
    "WIKIMEDIA_CLIENT_ID": str,
    "WIKIMEDIA_CLIENT_SECRET": str,
    "WIKIMEDIA_OAUTH_BASE": str,
}


class ConfigError(RuntimeError):
    """The configuration cannot run a server; the message says what to change."""


def _parse(name: str, raw: str, kind: type) -> Any:
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"COURSE_{name} must be true or false, not {raw!r}")
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"COURSE_{name} must be a whole number, not {raw!r}") from None
    return raw


def from_environment(environ: dict[str, str] | os._Environ[str]) -> dict[str, Any]:
    """Read the ``COURSE_*`` variables that are set, converted to their types."""
    found = {}
    for name, kind in ENVIRONMENT.items():
        raw = environ.get(f"COURSE_{name}")
        if raw is not None:
            found[name] = _parse(name, raw, kind)
    return found


def validate(config: dict[str, Any]) -> list[str]:
    """Return every problem with ``config`` as a sentence saying what to fix."""
    problems = []
    key = config.get("SECRET_KEY")
    if not key:
        problems.append(
            "SECRET_KEY is not set: run `course init` to write one to "
            "instance/config.py, or set COURSE_SECRET_KEY."
        )
    elif key in KNOWN_BAD_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            f"SECRET_KEY is too short or publicly known: use at least "
            f"{MIN_SECRET_KEY_LENGTH} random characters, for example from "
            '`python -c "import secrets; print(secrets.token_urlsafe(48))"`.'
        )
    base = urlsplit(config.get("BASE_URL") or "")
    if base.scheme not in {"http", "https"} or not base.hostname:
        problems.append(
            "BASE_URL must be the public origin, such as https://course.example.org "
            f"(got {config.get('BASE_URL')!r})."
        )
    elif base.path not in {"", "/"} or base.query or base.fragment:
        problems.append("BASE_URL must be an origin only, with no path, query or fragment.")
    if config.get("DEFAULT_LANGUAGE") not in config.get("LANGUAGES", []):
        problems.append("DEFAULT_LANGUAGE must be one of LANGUAGES.")
    if config.get("MAIL_USE_SSL") and config.get("MAIL_USE_STARTTLS"):
        problems.append("Choose one of MAIL_USE_SSL and MAIL_USE_STARTTLS, not both.")
    storage = config.get("RATELIMIT_STORAGE", "")
    if storage not in {"db", "memory"} and not storage.startswith(("redis://", "rediss://")):
        problems.append("RATELIMIT_STORAGE must be db, memory, or a redis:// URL.")
    if int(config.get("PROXY_HOPS", 0)) < 0:
        problems.append("PROXY_HOPS cannot be negative.")
    problems.extend(_wikimedia_problems(config))
    return problems


def wikimedia_configured(config: dict[str, Any]) -> bool:
    """Whether "Sign in with Wikimedia" is on: a client id and a secret are both set."""
    return bool(config.get("WIKIMEDIA_CLIENT_ID") and config.get("WIKIMEDIA_CLIENT_SECRET"))


def _wikimedia_problems(config: dict[str, Any]) -> list[str]:
    problems = []
    if bool(config.get("WIKIMEDIA_CLIENT_ID")) != bool(config.get("WIKIMEDIA_CLIENT_SECRET")):
        problems.append(
            "Set both WIKIMEDIA_CLIENT_ID and WIKIMEDIA_CLIENT_SECRET (the consumer's key and "
            "secret from Meta-Wiki's Special:OAuthConsumerRegistration), or neither."
        )
    base = urlsplit(config.get("WIKIMEDIA_OAUTH_BASE") or "")
    loopback = base.hostname in {"127.0.0.1", "localhost", "::1"}
    if (
        not base.hostname
        or base.scheme not in {"https", "http"}
        or (base.scheme == "http" and not loopback)
        or base.query
        or base.fragment
        or not base.path.endswith("/")
    ):
        problems.append(
            "WIKIMEDIA_OAUTH_BASE must be an https:// URL ending in /, such as "
            "https://meta.wikimedia.org/w/rest.php/oauth2/ (plain http only on loopback, "
            f"for tests; got {config.get('WIKIMEDIA_OAUTH_BASE')!r})."
        )
    return problems


def _engine_options(database_url: str, wait_ms: int) -> dict[str, Any]:
    """Pool and connection options; a PostgreSQL write waits for a lock as long as a SQLite
    write waits for the write lock, then the request answers 503 instead of hanging."""
    options: dict[str, Any] = {"hide_parameters": True}
    if database_url.startswith("postgresql"):
        options["connect_args"] = {"options": f"-c lock_timeout={int(wait_ms)}"}
    return options


def derived(config: dict[str, Any], instance_path: str) -> dict[str, Any]:
    """Flask and extension settings that follow from the course settings."""
    secure = urlsplit(config["BASE_URL"]).scheme == "https"
    database_url = config["DATABASE_URL"] or (
        "sqlite:///" + str(Path(instance_path) / "course.sqlite3")
    )
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        # hide_parameters: a database error logged with its statement shows no value typed
        # by a person (an email address, say).
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(
            database_url, config["SQLITE_BUSY_TIMEOUT_MS"]
        ),
        "BABEL_TRANSLATION_DIRECTORIES": config["TRANSLATIONS_DIR"],
        "BABEL_DEFAULT_LOCALE": config["DEFAULT_LANGUAGE"],
        # Cookies: the __Host- prefix pins the cookie to this origin, but browsers only
        # accept it (and Secure) over HTTPS, so plain-HTTP installations keep a plain name.
        "SESSION_COOKIE_NAME": "__Host-course_session" if secure else "course_session",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(days=config["SESSION_DAYS"]),
        # A signed-in session ends SESSION_DAYS after sign-in on the server whatever the
        # cookie says, so re-signing and re-sending the cookie on every page bought nothing
        # (and cost a tenth of a lesson page); it is sent when the session changes.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "PREFERRED_URL_SCHEME": "https" if secure else "http",
        # Forms parse up to the request cap, so an oversized field gets a form error that
        # names it instead of a bare 413; the request cap itself stays at MAX_CONTENT_LENGTH.
        "MAX_FORM_MEMORY_SIZE": config["MAX_CONTENT_LENGTH"],
        # Slow links: a form may stay open for a day and still submit.
        "WTF_CSRF_TIME_LIMIT": 24 * 3600,
        "WTF_CSRF_SSL_STRICT": secure,
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_ENABLED": config.get("RATELIMIT_ENABLED", True),
    }
