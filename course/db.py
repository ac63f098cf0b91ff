"""Database set-up: SQLite pragmas, write transactions, and one transaction per request.

SQLite allows one writer at a time. A deferred transaction that reads and then writes fails
at once with "database is locked" when another writer got there first, whatever the busy
timeout, so the transaction of every state-changing request (POST and the like) begins with
``BEGIN IMMEDIATE``: it waits for the write lock up front (up to the busy timeout) instead of
failing half-way. The transaction opens at the request's first query, so that work done
before it (the rate limiter's own short writes) does not wait behind it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import Engine, event
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db, migrate

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
_WRITE = {"sqlite_begin": "IMMEDIATE"}


def configure_engine(engine: Engine, requests_write: bool = True) -> None:
    """Give a SQLite engine WAL, foreign keys, a busy timeout and explicit BEGINs.

    With ``requests_write``, transactions opened during a state-changing request are
    write transactions from their start.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (below) instead of pysqlite's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if requests_write and has_request_context() and request.method not in SAFE_METHODS:
            mode = "IMMEDIATE"
        connection.exec_driver_sql(f"BEGIN {mode}")


def begin_write() -> None:
    """Start the session's transaction as a write transaction (``BEGIN IMMEDIATE`` on SQLite).

    Call it before the first query of a unit of work that will write; it does nothing if
    a transaction is already open.
    """
    if not db.session().in_transaction():
        db.session.connection(execution_options=_WRITE)


def init_db(app: Flask) -> None:
    """Bind SQLAlchemy and Alembic, and wrap every request in one transaction."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    with app.app_context():
        for engine in db.engines.values():
            configure_engine(engine)

    @app.after_request
    def end_request_transaction(response: Response) -> Response:
        # The one place where a request's work is committed: services only flush.
        if response.status_code < 400:
            db.session.commit()
            for callback in _after_commit_callbacks():
                callback()
        else:
            db.session.rollback()
        return response


def after_commit(callback: Any) -> None:
    """Run ``callback`` once this request's transaction has committed (emails, for one)."""
    g.setdefault("after_commit", []).append(callback)


def _after_commit_callbacks() -> list[Any]:
    return g.pop("after_commit", [])


def insert_ignoring_duplicates(model: type[Any], **values: Any) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when a row was added.

    How "only once" is enforced: the unique constraint decides, atomically, on SQLite and
    PostgreSQL alike, and a duplicate is not an error.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values).on_conflict_do_nothing()
    # RETURNING says for sure whether a row went in (rowcount may be -1, "unknown").
    return db.session.execute(statement.returning(model.id)).first() is not None
