"""Prepared reads: the few SELECTs on the path of every signed-in page, run without
SQLAlchemy's execution machinery.

Reading the session's row and the learner's record through ``Session.execute`` took more
Python time (execution context, events, result objects) than the indexed queries took in the
database: stubbing the two reads removed 43 % of a kept lesson page's CPU. A
:class:`PreparedRead` compiles its statement once per dialect and runs it straight on the
DBAPI connection of the request's transaction (which ``db.session.connection()`` begins as
every other read does), turning the columns into Python values as SQLAlchemy would.

If the database refuses, the statement runs again the usual way, so the error that reaches
the handlers is SQLAlchemy's, told apart by ``course.db.is_storage_fault`` (a 503 for a lost
connection or an unreadable file) like any other. Only SELECTs with plain parameters (no
``IN`` lists) qualify, and only for statements run on every request: elsewhere the usual
``db.session.execute`` is the clearer choice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Select

from .extensions import db


class _Compiled:
    """A statement as one dialect runs it: its SQL, how to pass its parameters, how to read
    its columns."""

    def __init__(self, statement: Select[Any], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("a prepared read takes plain parameters only (no IN lists)")
        self.sql = compiled.string
        self.positions = compiled.positiontup  # None where the driver takes names
        self.compiled = compiled
        self.readers = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        ]

    def arguments(self, params: dict[str, Any]) -> Any:
        values = self.compiled.construct_params(params)
        return values if self.positions is None else [values[n] for n in self.positions]

    def row(self, raw: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            read(value) if read else value for read, value in zip(self.readers, raw, strict=True)
        )


class PreparedRead:
    """A SELECT compiled once per dialect and read on the request's DBAPI connection."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def rows(self, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Every row of the statement with ``params``, as plain tuples."""
        connection = db.session.connection()
        dialect = connection.dialect
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            compiled = self._by_dialect[dialect.name] = _Compiled(self.statement, dialect)
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute(compiled.sql, compiled.arguments(params))
            raw = cursor.fetchall()
        except dialect.loaded_dbapi.Error:
            # Again through SQLAlchemy, whose error (or success) is what the request gets.
            return [tuple(row) for row in db.session.execute(self.statement, params)]
        finally:
            cursor.close()
        return [compiled.row(row) for row in raw]
