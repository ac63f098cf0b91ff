"""Prepared reads (course.reads) give what SQLAlchemy gives, and SQLAlchemy's errors."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, column, select, table
from sqlalchemy.exc import DBAPIError

from course.accounts import sessions
from course.accounts.models import UserSession
from course.extensions import db
from course.learning.services import records
from course.reads import PreparedRead

pytestmark = pytest.mark.content("tiny")


def test_the_viewer_and_the_record_read_as_sqlalchemy_reads_them(app, completed_learner):
    ada = completed_learner("first-edit-a-thon")  # a completion, lessons done, attempts
    with app.test_request_context():
        hashed = db.session.scalar(
            select(UserSession.token_hash).where(UserSession.user_id == ada.id)
        )
        for prepared, params in (
            (sessions._VIEWER, {"hash": hashed}),
            (records._RECORD, {"user": ada.id}),
        ):
            expected = [tuple(row) for row in db.session.execute(prepared.statement, params)]
            assert expected
            assert sorted(prepared.rows(params), key=repr) == sorted(expected, key=repr)


def test_a_refused_prepared_read_raises_sqlalchemys_error(app):
    """What the error handlers tell apart (a storage fault answers 503) is SQLAlchemy's."""
    missing = PreparedRead(select(column("x")).select_from(table("no_such_table")))
    with app.test_request_context(), pytest.raises(DBAPIError):
        missing.rows({})


def test_a_prepared_read_takes_no_in_list(app):
    things = table("things", column("x"))
    listed = PreparedRead(select(things.c.x).where(things.c.x.in_(bindparam("x", expanding=True))))
    with app.test_request_context(), pytest.raises(ValueError, match="IN lists"):
        listed.rows({"x": [1, 2]})
