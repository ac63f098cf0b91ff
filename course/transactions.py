"""When a request's transaction writes: from its first query, or only where it must.

The transaction of a state-changing request (POST and the like) is a write transaction from
its first query (``BEGIN IMMEDIATE`` on SQLite, see course.db). Views marked
:func:`reads_first` (a quiz submission, a lesson marked done, the quiz page) hold the write
lock only for their writes: they read, check and grade in a deferred (read) transaction,
then write in :func:`write_transaction`, which ends the read, begins a write transaction
and commits it as soon as the writes are done, before anything is rendered. So one
learner's slow page never makes another learner's submission wait. The unique constraints
(``course.db.insert_ignoring_duplicates``) keep "only once" exact across the gap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, g, has_request_context, request

from .extensions import db

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
#: Execution options of a connection whose transaction is to write.
WRITE = {"sqlite_begin": "IMMEDIATE"}
#: The attribute :func:`reads_first` sets on a view.
_READS_FIRST = "reads_before_writing"


def begin_write() -> None:
    """Start the session's transaction as a write transaction (``BEGIN IMMEDIATE`` on SQLite).

    Call it before the first query of a unit of work that will write; it does nothing if
    a transaction is already open.
    """
    if not db.session().in_transaction():
        db.session.connection(execution_options=WRITE)


def reads_first(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that reads before it writes, and writes only in :func:`write_transaction`.

    Its request's transaction begins deferred, as a read, even for a POST; the write lock is
    taken only for the writes themselves.
    """
    setattr(view, _READS_FIRST, True)
    return view


def request_writes() -> bool:
    """Whether a transaction this request begins now is to write."""
    if g.get("reads_only"):
        return False
    return bool(g.get("writing")) or (request.method not in SAFE_METHODS and not _reading_first())


def _reading_first() -> bool:
    """Whether this request's view reads first and has not begun writing."""
    view = current_app.view_functions.get(request.endpoint or "")
    return not g.get("writing") and getattr(view, _READS_FIRST, False)


@contextmanager
def write_transaction() -> Iterator[None]:
    """The writes of a unit of work, under the write lock for no longer than they take.

    In a request whose view is marked :func:`reads_first`, this ends the reading transaction
    (nothing is expired: what was read stays usable); the block's first query begins a write
    transaction (``BEGIN IMMEDIATE`` on SQLite; a block that queries nothing takes no lock),
    committed when the block ends, or rolled back if it raises; a storage fault then
    propagates as from any query (503, see course.errors). Anywhere else (a command, a
    request that writes from its first query, a refused request being shown again) the block
    is part of the transaction that is open or opens, which its owner commits.
    """
    if not (has_request_context() and not g.get("reads_only") and _reading_first()):
        yield
        return
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False  # keep what was read
    try:
        session.commit()  # the read: nothing to store
        g.writing = True
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        g.writing, session.expire_on_commit = False, expire
