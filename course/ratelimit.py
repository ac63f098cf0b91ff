"""Rate limits whose counters every gunicorn worker shares.

Flask-Limiter keeps counters in a ``limits`` storage. Its in-memory storage is per process,
so with several workers each would allow the full limit. By default the counters live in
the application database (table ``rate_limit``), written through a connection of their own
in short autocommitted statements; ``RATELIMIT_STORAGE = "redis://…"`` uses Redis instead.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import time
from typing import Any

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from limits import parse
from limits.storage import Storage
from sqlalchemy import Float, Integer, String, create_engine, delete, select, text
from sqlalchemy.orm import Mapped, mapped_column

from .db import SQLITE_BUSY_TIMEOUT_MS, configure_engine
from .extensions import db


class RateLimitCounter(db.Model):
    """One fixed-window counter of the rate limiter."""

    __tablename__ = "rate_limit"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    #: Unix time at which the window closes and the count starts again from zero.
    expires_at: Mapped[float] = mapped_column(Float, index=True)


_INCREMENT = text(
    """
    INSERT INTO rate_limit (key, count, expires_at) VALUES (:key, :amount, :now + :expiry)
    ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN rate_limit.expires_at <= :now
                     THEN :amount ELSE rate_limit.count + :amount END,
        expires_at = CASE WHEN rate_limit.expires_at <= :now
                          THEN :now + :expiry ELSE rate_limit.expires_at END
    RETURNING count
    """
)


class DatabaseStorage(Storage):
    """A ``limits`` fixed-window storage in a SQL table, atomic on SQLite and PostgreSQL."""

    STORAGE_SCHEME = ["course-db"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.engine = create_engine(options["url"], pool_pre_ping=True)
        configure_engine(
            self.engine,
            requests_write=False,
            busy_timeout_ms=options.get("busy_timeout_ms", SQLITE_BUSY_TIMEOUT_MS),
        )

    @property
    def base_exceptions(self) -> type[Exception]:
        return Exception

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self.engine.begin() as conn:
            count = conn.execute(
                _INCREMENT, {"key": key, "amount": amount, "now": now, "expiry": expiry}
            ).scalar_one()
            if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
                conn.execute(delete(RateLimitCounter).where(RateLimitCounter.expires_at < now))
        return count

    def _row(self, key: str) -> RateLimitCounter | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(RateLimitCounter.count, RateLimitCounter.expires_at).where(
                    RateLimitCounter.key == key, RateLimitCounter.expires_at > time.time()
                )
            ).first()
        return row

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(delete(RateLimitCounter)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))


def client_address() -> str:
    """The client's address as the last trusted proxy saw it (see ``PROXY_HOPS``)."""
    return request.remote_addr or "unknown"


def hashed_key(kind: str, value: str) -> str:
    """A rate-limit key for ``value`` (an email address, say) that does not contain it.

    Counters, and the log line Flask-Limiter writes when one is exceeded, then hold
    ``kind:`` and an HMAC-SHA256 of the value under the app's secret key: the same value
    always gives the same key, and nobody without the secret can tell whose key it is.
    """
    secret = str(current_app.secret_key).encode()
    digest = hmac.new(secret, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:40]}"


limiter = Limiter(key_func=client_address, strategy="fixed-window")

#: An address's budget for one flow in shares: a request spends ``SHARES // allowed``, so the
#: same counter allows the setting's number of plain requests, or more with a cohort code.
SHARES = 1_000_000_000


def address_budget(setting: str) -> dict[str, Any]:
    """``limiter.limit`` arguments for the per-address limit ``setting`` ("10 per hour"),
    raised to the cohort's size for requests that carry a valid, open cohort code.

    A workshop's forty people behind one address then all get in, while requests without a
    code still meet the plain limit, counted on the same counter: after forty coded sign-ups
    the address has spent its budget, and an eleventh plain one is refused. The code is the
    form's ``cohort`` field; the factory names who checks it (``course_code_budget``).
    """

    def limit_value() -> str:
        item = parse(current_app.config[setting])
        return f"{SHARES} per {item.multiples} {item.GRANULARITY.name}"

    def cost() -> int:
        return SHARES // max(parse(current_app.config[setting]).amount, code_budget() or 0)

    return {"limit_value": limit_value, "cost": cost}


def code_budget() -> int | None:
    """The size of the cohort whose valid, open code this request carries, if any."""
    if "code_budget" not in g:
        check = current_app.extensions.get("course_code_budget")
        code = request.form.get("cohort") if request.method == "POST" else None
        g.code_budget = check(code) if check and code else None
    return g.code_budget


def init_ratelimit(app: Flask) -> None:
    """Bind the limiter to the storage that ``RATELIMIT_STORAGE`` names."""
    storage = app.config["RATELIMIT_STORAGE"]
    if storage == "db":
        app.config["RATELIMIT_STORAGE_URI"] = "course-db://"
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {
            "url": app.config["SQLALCHEMY_DATABASE_URI"],
            "busy_timeout_ms": app.config["SQLITE_BUSY_TIMEOUT_MS"],
        }
    elif storage == "memory":
        app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    else:
        app.config["RATELIMIT_STORAGE_URI"] = storage
    # Flask-Limiter merges each app's storage options into the one shared limiter, so a
    # second app in a process (tests, a shell) would hand Redis the database's options.
    limiter._storage_options = {}  # no public way to reset them
    limiter.init_app(app)
