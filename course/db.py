"""Database set-up: SQLite pragmas, write transactions, and one transaction per request.

SQLite allows one writer at a time. A deferred transaction that reads and then writes fails
at once with "database is locked" when another writer got there first, whatever the busy
timeout, so the transaction of every state-changing request (POST and the like) begins with
``BEGIN IMMEDIATE``: it waits for the write lock up front (up to the busy timeout) instead of
failing half-way. The transaction opens at the request's first query, so that work done
before it (the rate limiter's own short writes) does not wait behind it.

Views marked ``reads_first`` hold the write lock only for their writes (see
course.transactions). A writer waiting for the lock tries again every 2 ms at most.

Storage faults (a read-only or full database, a write lock held past the busy timeout, a
lost connection) are told apart from bugs by :func:`is_storage_fault`; the error handlers
answer them with 503. A connection that SQLite (or PostgreSQL) opened while the database
was read-only stays read-only after the database becomes writable again, so after such a
fault each checkout gets a newly opened connection until one proves it can write, and then
every connection opened before that moment is replaced (see ``course.pool``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context
from sqlalchemy import Engine, event, exc
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db, migrate
from .pool import ping_when_idle, recover_from_read_only
from .transactions import SAFE_METHODS as SAFE_METHODS  # course.errors imports it from here
from .transactions import WRITE, request_writes

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000


def configure_engine(
    engine: Engine, requests_write: bool = True, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS
) -> None:
    """Give an engine recovery from read-only faults and, on SQLite, WAL, foreign keys,
    a busy timeout and explicit BEGINs.

    With ``requests_write``, transactions opened during a state-changing request are
    write transactions from their start, unless the request is being answered with an error
    (``g.reads_only``, see course.errors): then it only reads, to render its answer.
    """
    recover_from_read_only(engine)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (below) instead of pysqlite's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if requests_write and has_request_context() and request_writes():
            mode = "IMMEDIATE"
        if mode == "IMMEDIATE":
            _begin_immediate(connection, busy_timeout_ms)
        else:
            connection.exec_driver_sql(f"BEGIN {mode}")


def _begin_immediate(connection: Any, timeout_ms: int) -> None:
    """BEGIN IMMEDIATE, trying again every 2 ms at most until ``timeout_ms`` have passed.

    SQLite's own busy handler sleeps up to 100 ms between tries, so under load waiting
    writers miss the lock as it passes from one to the next and queue for a second.
    """
    deadline, pause = time.monotonic() + timeout_ms / 1000, 0.0001
    pragma = connection.connection.dbapi_connection.execute  # no events: nothing to wrap
    pragma("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except exc.OperationalError as error:
                busy = getattr(error.orig, "sqlite_errorcode", 0) & 0xFF == _SQLITE_BUSY
                if not busy or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(2 * pause, 0.002)
    finally:
        pragma(f"PRAGMA busy_timeout = {int(timeout_ms)}")


#: SQLite primary result codes of storage faults: BUSY, LOCKED, READONLY, IOERR, FULL,
#: CANTOPEN, PROTOCOL.
_SQLITE_FAULTS = {5, 6, 8, 10, 13, 14, 15}
_SQLITE_BUSY = 5
#: PostgreSQL SQLSTATEs: read-only transaction, lock not available, and the classes of
#: connection exceptions (08), insufficient resources such as a full disk (53) and
#: operator intervention such as a shutdown (57).
_PG_FAULTS = {"25006", "55P03"}
_PG_FAULT_CLASSES = {"08", "53", "57"}


def is_storage_fault(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot store anything right now (retry later),
    as opposed to a bug or a constraint."""
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    code = getattr(error.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _SQLITE_FAULTS
    state = getattr(error.orig, "sqlstate", None)
    if state:
        return state in _PG_FAULTS or state[:2] in _PG_FAULT_CLASSES
    return isinstance(error, exc.OperationalError)  # no connection at all


def check_writable() -> None:
    """Raise unless the database accepts a write right now; stores nothing.

    It takes the write lock (``BEGIN IMMEDIATE`` on SQLite; on PostgreSQL a table created in
    a transaction) and rolls back, so a read-only or full database, or a lock held past the
    busy timeout, fails here as the requests that write would.
    """
    with db.engine.connect() as connection:
        connection.execution_options(**WRITE)
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("SELECT 1")  # its transaction began IMMEDIATE
        else:
            connection.exec_driver_sql("CREATE TEMPORARY TABLE course_health (n integer)")
            connection.exec_driver_sql("INSERT INTO course_health VALUES (1)")
        connection.rollback()


def init_db(app: Flask) -> None:
    """Bind SQLAlchemy and Alembic, and wrap every request in one transaction."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    with app.app_context():
        for engine in db.engines.values():
            configure_engine(engine, busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"])
            if engine.dialect.name != "sqlite":  # a file has no server that could restart
                ping_when_idle(engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])

    @app.after_request
    def end_request_transaction(response: Response) -> Response:
        # The one place where a request's work is committed: services only flush.
        if response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except exc.DBAPIError as error:
            # The view already answered (often a redirect) but nothing was stored: answer
            # as if the fault had happened in the view (see course.errors).
            db.session.rollback()
            if not is_storage_fault(error):
                raise
            return current_app.make_response(current_app.handle_user_exception(error))
        for callback in _after_commit_callbacks():
            callback()
        return response


def after_commit(callback: Any) -> None:
    """Run ``callback`` once this request's transaction has committed (emails, for one)."""
    g.setdefault("after_commit", []).append(callback)


def _after_commit_callbacks() -> list[Any]:
    return g.pop("after_commit", [])


def insert_ignoring_duplicates(model: type[Any], **values: Any) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when a row was added.

    How "only once" is enforced: the unique constraint decides, atomically, on SQLite and
    PostgreSQL alike, and a duplicate is not an error. Objects the session holds are
    flushed first, so that the row may refer to them.
    """
    db.session.flush()
    return insert_once(model, values) is not None


#: INSERT … ON CONFLICT DO NOTHING RETURNING id per (table, dialect), built on first use.
_INSERTS_ONCE: dict[tuple[str, str], Any] = {}


def insert_once(model: type[Any], values: dict[str, Any]) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the new row's id, None when a unique
    constraint kept the row out (see :func:`insert_ignoring_duplicates`).

    The statement is a Core INSERT on the table, built once per table and dialect: no ORM
    insert and no statement built per call, so the write lock is held for less. Its
    columns are the keys of ``values``.
    """
    connection = db.session.connection()
    key = (model.__tablename__, connection.dialect.name)
    statement = _INSERTS_ONCE.get(key)
    if statement is None:
        insert = postgresql.insert if key[1] == "postgresql" else sqlite.insert
        table = model.__table__
        statement = insert(table).on_conflict_do_nothing().returning(table.c.id)
        _INSERTS_ONCE[key] = statement
    return connection.execute(statement, values).scalar()
