"""A visitor's progress before signing in, kept in this browser's session cookie.

The cookie is small, so only ids, chosen option ids, scores and draws as indices are kept,
and only the last few attempts. When the visitor signs up or in, it is recorded in their
account. The quiz forms a visitor has open, with what each drew, are kept under ``DRAWS``.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from random import Random
from typing import Any

from flask import session

from ..accounts.models import User
from ..clock import now
from ..content.model import Course, Lesson, Module, Quiz
from .drawing import Layout, decode, draw_layout, encode, full_layout
from .grading import Answers, Grade
from .progress import Record
from .services import mark_lesson_done, record_attempt

KEY = "guest"
DRAWS = "draws"
MAX_LESSONS = 200
MAX_ATTEMPTS = 6
MAX_DRAWS = 4
#: Attempt times kept per quiz, for its retake limits.
MAX_TIMES = 10


def _data() -> dict[str, Any]:
    data = session.get(KEY)
    return data if isinstance(data, dict) else {"l": [], "a": []}


def has_guest_data() -> bool:
    """Whether this browser's session holds a visitor's progress."""
    return KEY in session


def record() -> Record:
    """The visitor's progress as a :class:`Record`."""
    data, result = _data(), Record()
    for module_id, lesson_id, _language in data.get("l", []):
        result.lessons.add((module_id, lesson_id))
    for saved in data.get("a", []):
        quiz_id = saved["q"]
        result.best_scores[quiz_id] = max(saved["s"], result.best_scores.get(quiz_id, 0))
        if saved["p"]:
            result.passed.add(quiz_id)
    return result


def mark_done(module: Module, lesson: Lesson, language: str) -> None:
    """Keep that the visitor finished ``lesson`` (once, up to ``MAX_LESSONS``)."""
    data = _data()
    entry = [module.id, lesson.id, language]
    if entry[:2] not in [saved[:2] for saved in data["l"]] and len(data["l"]) < MAX_LESSONS:
        data["l"].append(entry)
    session[KEY] = data


def add_attempt(
    module: Module,
    quiz: Quiz,
    answers: Answers,
    form_token: str,
    grade: Grade,
    language: str,
    layout: Layout,
) -> None:
    """Keep a graded attempt and what it asked, once per form token, and use up its draw.

    Only the last ``MAX_ATTEMPTS`` stay.
    """
    data = _data()
    if attempt_by_token(form_token) is not None:
        return  # the same form sent twice
    data["a"].append(
        {
            "m": module.id,
            "q": quiz.id,
            "a": {question: list(chosen) for question, chosen in answers.items()},
            "o": encode(quiz, layout),
            "v": quiz.content_hash[:12],
            "t": form_token,
            "s": grade.score,
            "p": grade.passed,
            "g": language,
        }
    )
    data["a"] = data["a"][-MAX_ATTEMPTS:]
    times = data.setdefault("r", {})
    times[quiz.id] = [*times.get(quiz.id, []), int(now().timestamp())][-MAX_TIMES:]
    session[KEY] = data
    session[DRAWS] = {q: d for q, d in _draws().items() if d[0] != form_token}


def attempt_by_token(form_token: str) -> dict[str, Any] | None:
    """The visitor's attempt sent from the form with this token, if it is still kept."""
    return next((saved for saved in _data()["a"] if saved.get("t") == form_token), None)


def attempt_layout(quiz: Quiz, saved: dict[str, Any]) -> Layout:
    """What a kept attempt asked; every question if the quiz changed since."""
    same = saved.get("v") == quiz.content_hash[:12]
    return (decode(quiz, saved.get("o")) if same else None) or full_layout(quiz)


def attempt_times(quiz: Quiz) -> list[datetime]:
    """When the visitor made their latest attempts at ``quiz``, in this session."""
    times = _data().get("r", {}).get(quiz.id, [])
    return [datetime.fromtimestamp(moment, UTC) for moment in times if isinstance(moment, int)]


def _draws() -> dict[str, list[Any]]:
    draws = session.get(DRAWS)
    return draws if isinstance(draws, dict) else {}


def open_draw(quiz: Quiz, rng: Random) -> tuple[str, Layout]:
    """The visitor's open form for ``quiz``: its token and draw, drawn now if none is open."""
    draws = _draws()
    saved = draws.get(quiz.id)
    layout = _saved_layout(quiz, saved)
    if saved is not None and layout is not None:
        return saved[0], layout
    layout, token = draw_layout(quiz, rng), secrets.token_urlsafe(24)
    draws.pop(quiz.id, None)
    draws[quiz.id] = [token, quiz.content_hash[:12], encode(quiz, layout)]
    session[DRAWS] = dict(list(draws.items())[-MAX_DRAWS:])
    return token, layout


def pending_draw(quiz: Quiz, form_token: str) -> Layout | None:
    """The draw of the visitor's open form for ``quiz`` if it has this token."""
    saved = _draws().get(quiz.id)
    return _saved_layout(quiz, saved) if saved and saved[0] == form_token else None


def _saved_layout(quiz: Quiz, saved: object) -> Layout | None:
    if not (isinstance(saved, list) and len(saved) == 3 and saved[1] == quiz.content_hash[:12]):
        return None
    return decode(quiz, saved[2])


def latest_attempt(quiz: Quiz) -> dict[str, Any] | None:
    """The visitor's last attempt at ``quiz`` as kept in the session, if any."""
    return next((saved for saved in reversed(_data()["a"]) if saved["q"] == quiz.id), None)


def take() -> tuple[list[tuple[str, str, str]], list[dict[str, Any]]]:
    """Remove the visitor's data from the session and return (lessons, attempts)."""
    data = session.pop(KEY, None)
    session.pop(DRAWS, None)
    if not isinstance(data, dict):
        return [], []
    return [tuple(entry) for entry in data.get("l", [])], list(data.get("a", []))


def move_to_account(user: User, course: Course) -> None:
    """Record what the visitor did in ``user``'s account, and clear it from the session.

    Lessons first, then attempts, regraded on the server against the quiz as it is now.
    """
    lessons, attempts = take()
    for module_id, lesson_id, language in lessons:
        module = course.module(module_id)
        lesson = module.lesson(lesson_id) if module else None
        if module and lesson:
            mark_lesson_done(user, module, lesson, language)
    for saved in attempts:
        module = course.module(str(saved.get("m")))
        quiz = module.quiz(str(saved.get("q"))) if module else None
        answers = saved.get("a")
        if module is None or quiz is None or not isinstance(answers, dict):
            continue
        valid = {
            q.id: tuple(c for c in answers.get(q.id, ()) if q.option(c))
            for q in quiz.questions
            if q.id in answers
        }
        token, language = str(saved.get("t"))[:64], str(saved.get("g"))
        record_attempt(user, module, quiz, valid, token, language, attempt_layout(quiz, saved))
