"""The quiz forms learners have open: what each one drew, until its attempt is recorded.

This module alone reads and writes ``QuizDraw``. A draw is made when the quiz page is first
served and kept with the form's token, so a reload, an error page and the result show the
same questions in the same order; recording the attempt uses it up.
"""

from __future__ import annotations

import secrets
from random import Random

from sqlalchemy import delete, select

from ..accounts.models import User
from ..clock import now
from ..content.model import Quiz
from ..db import insert_ignoring_duplicates
from ..extensions import db
from .drawing import Layout, decode, draw_layout, encode
from .models import QuizDraw


def open_draw(user: User, quiz: Quiz, rng: Random) -> tuple[str, Layout]:
    """The form ``user`` has open for ``quiz``: its token and draw, drawn now if none is open.

    Reloading the page gives the same form; a draw from another version of the quiz is
    replaced. Two first requests at once keep one draw (the unique constraint decides).
    """
    row = _draw(user, quiz.id)
    layout = _current_layout(quiz, row)
    if row is not None and layout is not None:
        return row.form_token, layout
    layout, token = draw_layout(quiz, rng), secrets.token_urlsafe(24)
    values = {"content_hash": quiz.content_hash, "form_token": token, "drawn_at": now()}
    if row is not None:
        for name, value in {**values, "layout": encode(quiz, layout)}.items():
            setattr(row, name, value)
        return token, layout
    insert_ignoring_duplicates(
        QuizDraw, user_id=user.id, quiz_id=quiz.id, layout=encode(quiz, layout), **values
    )
    row = _draw(user, quiz.id)  # ours, or the one a request running at the same time drew
    assert row is not None
    return row.form_token, _current_layout(quiz, row) or layout


def pending_draw(user: User, quiz: Quiz, form_token: str) -> Layout | None:
    """The draw of the form with this token, if it is the one ``user`` has open."""
    row = _draw(user, quiz.id)
    return _current_layout(quiz, row) if row and row.form_token == form_token else None


def _draw(user: User, quiz_id: str) -> QuizDraw | None:
    return db.session.scalars(
        select(QuizDraw).where(QuizDraw.user_id == user.id, QuizDraw.quiz_id == quiz_id)
    ).first()


def _current_layout(quiz: Quiz, row: QuizDraw | None) -> Layout | None:
    if row is None or row.content_hash != quiz.content_hash:
        return None
    return decode(quiz, row.layout)


def use_up(user: User, form_token: str) -> None:
    """Forget the draw of the form with this token: its attempt is recorded."""
    db.session.execute(
        delete(QuizDraw).where(QuizDraw.user_id == user.id, QuizDraw.form_token == form_token)
    )
