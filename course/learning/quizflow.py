"""A quiz as this request's visitor takes it: their open form, their retake limits, their results.

A signed-in learner's draws and attempts live in the database (``draws``, ``services``); a
visitor's in their session (``guest``). The views ask here and need not know which. The
learner is the request's :func:`~course.accounts.auth.current_viewer`: their id is all these
reads and writes need, read without loading the ORM user.
"""

from __future__ import annotations

from datetime import datetime
from random import SystemRandom
from typing import Any

from ..accounts.auth import current_viewer
from ..accounts.models import User
from ..clock import now
from ..content.model import Quiz, Reveal
from . import draws, guest, services
from .drawing import Layout, apply_layout, full_layout, layout_of
from .grading import Grade, grade
from .progress import Record
from .retakes import next_attempt_at

_RANDOM = SystemRandom()
#: Attempts a result page lists: the latest, however many a learner made.
HISTORY = 20


def learner() -> User | None:
    """The signed-in learner, if any, as a :class:`~course.accounts.auth.Viewer` (read in one Core
    query): services read only their id, and other attributes load the ORM user."""
    return current_viewer()  # type: ignore[return-value]


def open_form(quiz: Quiz) -> tuple[str, Layout]:
    """The form token and draw of the visitor's open form for ``quiz``, drawn if none is open."""
    user = learner()
    if user is None:
        return guest.open_draw(quiz, _RANDOM)
    return draws.open_draw(user, quiz, _RANDOM)


def submitted_draw(quiz: Quiz, form_token: str) -> Layout | None:
    """The draw of the form sent with this token, if it is the visitor's open form."""
    user = learner()
    if user is None:
        return guest.pending_draw(quiz, form_token)
    return draws.pending_draw(user, quiz, form_token)


def already_recorded(quiz: Quiz, form_token: str) -> dict[str, Any] | None:
    """The result page's URL arguments when this form's attempt was recorded already."""
    user = learner()
    if user is None:
        return {} if guest.attempt_by_token(form_token) else None
    attempt_id = services.recorded_attempt(user, quiz, form_token)
    return None if attempt_id is None else {"attempt": attempt_id}


def opens_at(quiz: Quiz) -> datetime | None:
    """When the visitor may take ``quiz`` again, None if they may now."""
    if not (quiz.retake_after or quiz.max_attempts_per_day):
        return None
    user = learner()
    times = services.recent_attempt_times(user, quiz) if user else guest.attempt_times(quiz)
    return next_attempt_at(quiz, times, now())


def shown_attempt(quiz: Quiz, attempt_id: int | None) -> tuple[Any, Layout, list[Any], bool] | None:
    """The visitor's attempt to show: (answers, what it asked, their attempts, quiz changed since).

    A learner's attempt with this id, else their latest; a visitor's latest. None if there is
    none, or if it is someone else's or another quiz's.
    """
    user = learner()
    if user is None:
        saved = guest.latest_attempt(quiz)
        return (saved["a"], guest.attempt_layout(quiz, saved), [], False) if saved else None
    history = services.attempts(user, quiz.id, latest=HISTORY)
    attempt = (
        services.own_attempt(user, attempt_id)
        if attempt_id is not None
        else next(iter(history), None)
    )
    if attempt is None or attempt.quiz_id != quiz.id:
        return None
    layout = layout_of(attempt.questions) or full_layout(quiz)
    return attempt.answers, layout, history, attempt.content_hash != quiz.content_hash


def reveals(quiz: Quiz, record: Record) -> bool:
    """Whether results show correct options and explanations of wrong answers.

    Once the learner passed the quiz (every earlier attempt too), or always for a practice
    quiz (``reveal: always``).
    """
    return quiz.reveal is Reveal.ALWAYS or quiz.id in record.passed


def graded(quiz: Quiz, layout: Layout, answers: dict[str, Any]) -> tuple[Quiz, Grade]:
    """``quiz`` as an attempt asked it, and that attempt graded against it as it is now.

    Answers to options the quiz no longer has are left out.
    """
    asked = apply_layout(quiz, layout)
    valid = {q.id: tuple(c for c in answers.get(q.id, ()) if q.option(c)) for q in asked.questions}
    return asked, grade(asked, valid)
