"""What learners do, written: lessons marked done, attempts graded and recorded, modules
completed. Each write is one short transaction that the unique constraints keep exact."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ...accounts.models import User
from ...clock import now
from ...content.model import Lesson, Module, Quiz
from ...db import insert_ignoring_duplicates
from ...extensions import db
from ...transactions import write_transaction
from .. import draws
from ..drawing import Layout, apply_layout, full_layout, layout_of
from ..grading import Answers, Grade, grade
from ..models import LessonDone, ModuleCompletion, QuizAttempt
from .records import attempt_by_token, best_per_quiz


def mark_lesson_done(user: User, module: Module, lesson: Lesson, language: str) -> bool:
    """Record that ``user`` finished ``lesson``; True if this completed the module."""
    with write_transaction():  # the mark and the completion decision, under the write lock
        insert_ignoring_duplicates(
            LessonDone,
            user_id=user.id,
            module_id=module.id,
            lesson_id=lesson.id,
            language=language,
            done_at=now(),
        )
        return complete_if_done(user, module)


@dataclass(frozen=True)
class AttemptResult:
    """A recorded attempt with its grade."""

    attempt: QuizAttempt
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
) -> AttemptResult:
    """Grade ``answers`` over the questions ``layout`` asked and append the attempt, once per
    form token; the form's draw is used up, so the next attempt draws again.

    Sending the same form again returns the attempt recorded the first time. Grading happens
    before the write transaction, which holds only the inserts and the completion decision.
    """
    layout = layout or full_layout(quiz)
    result = grade(apply_layout(quiz, layout), answers)
    with write_transaction():  # the inserts and the completion decision, no more
        added = insert_ignoring_duplicates(
            QuizAttempt,
            user_id=user.id,
            module_id=module.id,
            quiz_id=quiz.id,
            content_hash=quiz.content_hash,
            form_token=form_token,
            answers={question: list(chosen) for question, chosen in answers.items()},
            questions=[[question, list(options)] for question, options in layout],
            correct=result.correct,
            total=result.total,
            score=result.score,
            passed=result.passed,
            language=language,
            submitted_at=now(),
        )
        draws.use_up(user, form_token)
        attempt = attempt_by_token(user, form_token)
        assert attempt is not None  # inserted now or before
        # Only a new pass can complete the module; a failed attempt changes nothing there.
        completed = added and result.passed and complete_if_done(user, module)
    if not added and attempt.content_hash == quiz.content_hash:
        # The same form again: answer with what was recorded the first time.
        result = grade(asked(quiz, attempt), {q: tuple(c) for q, c in attempt.answers.items()})
    return AttemptResult(attempt, result, completed)


def asked(quiz: Quiz, attempt: QuizAttempt) -> Quiz:
    """``quiz`` as ``attempt`` asked it: its questions and options, in its order."""
    return apply_layout(quiz, layout_of(attempt.questions) or full_layout(quiz))


def complete_if_done(user: User, module: Module) -> bool:
    """Record the module's completion if every lesson is done and every quiz passed.

    True only for the request that recorded it.
    """
    done = set(
        db.session.scalars(
            select(LessonDone.lesson_id).where(
                LessonDone.user_id == user.id, LessonDone.module_id == module.id
            )
        )
    )
    if any(lesson.id not in done for lesson in module.lessons):
        return False
    quiz_ids = [quiz.id for quiz in module.quizzes]
    if quiz_ids:
        passed = {quiz_id for quiz_id, _best, ok in best_per_quiz(user, quiz_ids) if ok}
        if set(quiz_ids) - passed:
            return False
    completed = insert_ignoring_duplicates(
        ModuleCompletion,
        user_id=user.id,
        module_id=module.id,
        content_hash=module.content_hash,
        completed_at=now(),
    )
    if completed:  # other features react in the same transaction (badges are awarded)
        for hook in current_app.extensions.get("course_completion_hooks", ()):
            hook(user, module)
    return completed
