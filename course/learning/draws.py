"""The quiz forms learners have open: what each one drew, until its attempt is recorded.

This module alone reads and writes ``QuizDraw``. A draw is made when the quiz page is first
served and kept with the form's token, so a reload, an error page and the result show the
same questions in the same order; recording the attempt uses it up.

Its statements are Core statements on the table's columns, built once: they are on the path
of every quiz page and submission, where an ORM entity query costs three times as much.
"""

from __future__ import annotations

import secrets
from random import Random
from typing import Any

from sqlalchemy import bindparam, delete, select, update

from ..clock import now
from ..content.model import Quiz
from ..db import insert_once
from ..extensions import db
from ..transactions import write_transaction
from .drawing import Layout, decode, draw_layout, encode
from .models import QuizDraw

_DRAW = QuizDraw.__table__.c
_OPEN = select(_DRAW.form_token, _DRAW.content_hash, _DRAW.layout).where(
    _DRAW.user_id == bindparam("user_id"), _DRAW.quiz_id == bindparam("quiz_id")
)
#: Its SET clause is the columns named in its parameters, besides ``user`` and ``quiz``.
_REDRAW = update(QuizDraw.__table__).where(
    _DRAW.user_id == bindparam("user"), _DRAW.quiz_id == bindparam("quiz")
)
_USE_UP = delete(QuizDraw.__table__).where(
    _DRAW.user_id == bindparam("user_id"), _DRAW.form_token == bindparam("form_token")
)


def open_draw(user: Any, quiz: Quiz, rng: Random) -> tuple[str, Layout]:
    """The form ``user`` has open for ``quiz``: its token and draw, drawn now if none is open.

    Reloading the page gives the same form and writes nothing; a draw from another version of
    the quiz is replaced. A new draw is written in a write transaction of its own, committed
    before the page is rendered; two first requests at once keep one draw (the unique
    constraint decides). ``user`` is anything with the user's ``id``.
    """
    row = _open(user.id, quiz.id)
    layout = _current_layout(quiz, row)
    if row is not None and layout is not None:
        return row.form_token, layout
    layout, token = draw_layout(quiz, rng), secrets.token_urlsafe(24)
    drawn = {
        "content_hash": quiz.content_hash,
        "form_token": token,
        "layout": encode(quiz, layout),
        "drawn_at": now(),
    }
    new = {**drawn, "user_id": user.id, "quiz_id": quiz.id}
    with write_transaction():
        if row is None and insert_once(QuizDraw, new) is not None:
            return token, layout
        row = _open(user.id, quiz.id)  # drawn by a request at the same time, or outdated
        current = _current_layout(quiz, row)
        if row is not None and current is not None:
            return row.form_token, current
        if row is None:  # used up meanwhile
            insert_once(QuizDraw, new)
        else:
            db.session.execute(_REDRAW, {**drawn, "user": user.id, "quiz": quiz.id})
    return token, layout


def pending_draw(user: Any, quiz: Quiz, form_token: str) -> Layout | None:
    """The draw of the form with this token, if it is the one ``user`` has open."""
    row = _open(user.id, quiz.id)
    return _current_layout(quiz, row) if row and row.form_token == form_token else None


def _open(user_id: int, quiz_id: str) -> Any:
    return db.session.execute(_OPEN, {"user_id": user_id, "quiz_id": quiz_id}).first()


def _current_layout(quiz: Quiz, row: Any) -> Layout | None:
    if row is None or row.content_hash != quiz.content_hash:
        return None
    return decode(quiz, row.layout)


def use_up(user: Any, form_token: str) -> None:
    """Forget the draw of the form with this token: its attempt is recorded."""
    db.session.execute(_USE_UP, {"user_id": user.id, "form_token": form_token})
