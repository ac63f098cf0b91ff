"""A visitor's progress before signing in, kept in this browser's session cookie.

The cookie is small, so only ids, chosen option ids and scores are kept, and only the last
few attempts. When the visitor signs up or in, it is recorded in their account.
"""

from __future__ import annotations

from typing import Any

from flask import session

from ..accounts.models import User
from ..content.model import Course, Lesson, Module, Quiz
from .grading import Answers, Grade
from .progress import Record
from .services import mark_lesson_done, record_attempt

KEY = "guest"
MAX_LESSONS = 200
MAX_ATTEMPTS = 6


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
    module: Module, quiz: Quiz, answers: Answers, form_token: str, grade: Grade, language: str
) -> None:
    """Keep a graded attempt, once per form token; only the last ``MAX_ATTEMPTS`` stay."""
    data = _data()
    if any(saved["t"] == form_token for saved in data["a"]):
        return  # the same form sent twice
    data["a"].append(
        {
            "m": module.id,
            "q": quiz.id,
            "a": {question: list(chosen) for question, chosen in answers.items()},
            "t": form_token,
            "s": grade.score,
            "p": grade.passed,
            "g": language,
        }
    )
    data["a"] = data["a"][-MAX_ATTEMPTS:]
    session[KEY] = data


def latest_attempt(quiz: Quiz) -> dict[str, Any] | None:
    """The visitor's last attempt at ``quiz`` as kept in the session, if any."""
    return next((saved for saved in reversed(_data()["a"]) if saved["q"] == quiz.id), None)


def take() -> tuple[list[tuple[str, str, str]], list[dict[str, Any]]]:
    """Remove the visitor's data from the session and return (lessons, attempts)."""
    data = session.pop(KEY, None)
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
        record_attempt(user, module, quiz, valid, str(saved.get("t"))[:64], str(saved.get("g")))
