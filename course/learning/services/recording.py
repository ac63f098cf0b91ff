"""What learners do, written: lessons marked done, attempts graded and recorded, modules
completed. Each write is one short transaction that the unique constraints keep exact."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, literal_column, select, union_all

from ...accounts.models import User
from ...clock import now
from ...content.model import Lesson, Module, Quiz
from ...db import insert_once
from ...extensions import db
from ...transactions import write_transaction
from .. import draws
from ..drawing import Layout, apply_layout, full_layout, layout_of
from ..grading import Answers, Grade, grade
from ..models import LessonDone, ModuleCompletion, QuizAttempt
from .records import attempt_by_token


def mark_lesson_done(user: User, module: Module, lesson: Lesson, language: str) -> bool:
    """Record that ``user`` finished ``lesson``; True if this completed the module."""
    with write_transaction():  # the mark and the completion decision, under the write lock
        insert_once(
            LessonDone,
            {
                "user_id": user.id,
                "module_id": module.id,
                "lesson_id": lesson.id,
                "language": language,
                "done_at": now(),
            },
        )
        return complete_if_done(user, module)


@dataclass(frozen=True)
class AttemptResult:
    """A recorded attempt's id with its grade."""

    attempt_id: int
    grade: Grade
    #: Whether this submission completed the module (first time only).
    completed_module: bool


def record_attempt(
    user: User,
    module: Module,
    quiz: Quiz,
    answers: Answers,
    form_token: str,
    language: str,
    layout: Layout | None = None,
    as_asked: Quiz | None = None,
) -> AttemptResult:
    """Grade ``answers`` over the questions ``layout`` asked and append the attempt, once per
    form token; the form's draw is used up, so the next attempt draws again. ``as_asked`` is
    ``apply_layout(quiz, layout)`` when the caller made it already.

    Sending the same form again returns the attempt recorded the first time. Grading happens
    before the write transaction, which holds only the inserts and the completion decision:
    the attempt and the draw used up, two statements built once; for a new pass, what the
    learner did in the module (one statement), and the completion and awards it may bring.
    """
    layout = layout or full_layout(quiz)
    result = grade(apply_layout(quiz, layout) if as_asked is None else as_asked, answers)
    values = {
        "user_id": user.id,
        "module_id": module.id,
        "quiz_id": quiz.id,
        "content_hash": quiz.content_hash,
        "form_token": form_token,
        "answers": {question: list(chosen) for question, chosen in answers.items()},
        "questions": [[question, list(options)] for question, options in layout],
        "correct": result.correct,
        "total": result.total,
        "score": result.score,
        "passed": result.passed,
        "language": language,
        "submitted_at": now(),
    }
    with write_transaction():  # the inserts and the completion decision, no more
        attempt_id = insert_once(QuizAttempt, values)
        draws.use_up(user, form_token)
        # Only a new pass can complete the module; a failed attempt changes nothing there.
        completed = attempt_id is not None and result.passed and complete_if_done(user, module)
    if attempt_id is not None:
        return AttemptResult(attempt_id, result, completed)
    # The same form again: answer with what was recorded the first time.
    attempt = attempt_by_token(user, form_token)
    assert attempt is not None  # it is why this one was not inserted
    if attempt.content_hash == quiz.content_hash:
        result = grade(asked(quiz, attempt), {q: tuple(c) for q, c in attempt.answers.items()})
    return AttemptResult(attempt.id, result, False)


def recorded_attempt(user: User, quiz: Quiz, form_token: str) -> int | None:
    """The id of ``user``'s attempt at ``quiz`` recorded from the form with this token."""
    attempt = attempt_by_token(user, form_token)
    return attempt.id if attempt is not None and attempt.quiz_id == quiz.id else None


def asked(quiz: Quiz, attempt: QuizAttempt) -> Quiz:
    """``quiz`` as ``attempt`` asked it: its questions and options, in its order."""
    return apply_layout(quiz, layout_of(attempt.questions) or full_layout(quiz))


def complete_if_done(user: User, module: Module) -> bool:
    """Record the module's completion if every lesson is done and every quiz passed.

    True only for the request that recorded it. What ``user`` did in the module is read in
    one statement; a module completed before needs nothing more.
    """
    lessons, passed, completed = set(), set(), False
    parameters = {"user": user.id, "module": module.id, "quizzes": [q.id for q in module.quizzes]}
    for kind, item in db.session.execute(_MODULE_STATE, parameters):
        if kind == _COMPLETED:
            completed = True
        (lessons if kind == _LESSON else passed).add(item)
    if completed or any(lesson.id not in lessons for lesson in module.lessons):
        return False
    if any(quiz.id not in passed for quiz in module.quizzes):
        return False
    values = {"content_hash": module.content_hash, "completed_at": now()}
    if insert_once(ModuleCompletion, {"user_id": user.id, "module_id": module.id, **values}):
        for hook in current_app.extensions.get("course_completion_hooks", ()):
            hook(user, module)  # other features react in the same transaction (badges)
        return True
    return False


def _module_state_statement() -> Any:
    """A learner's lessons done and quizzes passed in a module, and whether they completed
    it, as one UNION ALL over the tables' columns."""
    done, tried, completion = (
        LessonDone.__table__.c,
        QuizAttempt.__table__.c,
        ModuleCompletion.__table__.c,
    )
    user, module = bindparam("user"), bindparam("module")
    return union_all(
        select(literal_column(str(_LESSON)), done.lesson_id).where(
            done.user_id == user, done.module_id == module
        ),
        select(literal_column(str(_PASSED)), tried.quiz_id)
        .where(
            tried.user_id == user,
            tried.quiz_id.in_(bindparam("quizzes", expanding=True)),
            tried.passed.is_(True),
        )
        .distinct(),
        select(literal_column(str(_COMPLETED)), completion.module_id).where(
            completion.user_id == user, completion.module_id == module
        ),
    )


_LESSON, _PASSED, _COMPLETED = range(3)
_MODULE_STATE = _module_state_statement()
