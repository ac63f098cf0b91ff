"""Learning services: mark lessons done, record graded attempts, complete modules, progress.

This package owns the tables of what learners did (``LessonDone``, ``QuizAttempt``,
``ModuleCompletion``): other features ask these functions (``best_scores``,
``completed_modules``, ``quiz_statistics``, ``export_data``) and never query them. The open
quiz draws (``QuizDraw``) are ``draws``'s.

"Only once" is the database's job: lesson marks, attempts (per form) and completions have
unique constraints, and inserts that would break one do nothing instead of failing, so two
tabs, a double click or fifty concurrent submissions never record anything twice.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from ..accounts.models import User
from ..clock import iso, now
from ..content.model import Lesson, Module, Quiz
from ..db import insert_ignoring_duplicates
from ..extensions import db
from ..transactions import write_transaction
from . import draws
from .drawing import Layout, apply_layout, full_layout, layout_of
from .grading import Answers, Grade, grade
from .models import LessonDone, ModuleCompletion, QuizAttempt
from .outcomes import ANY_TIME, FirstAndLatest, QuestionOutcome, Window, first_and_latest, graded
from .progress import Record
from .statistics import QuizResults, summarize


def _best_per_quiz(user: User, quiz_ids: Iterable[str] | None = None) -> list[Any]:
    """(quiz id, best score, passed at least once) for each quiz ``user`` tried."""
    query = select(
        QuizAttempt.quiz_id,
        func.max(QuizAttempt.score),
        func.max(QuizAttempt.passed.cast(db.Integer)),
    ).where(QuizAttempt.user_id == user.id)
    if quiz_ids is not None:
        query = query.where(QuizAttempt.quiz_id.in_(list(quiz_ids)))
    return list(db.session.execute(query.group_by(QuizAttempt.quiz_id)))


def best_scores(user: User, quiz_ids: Iterable[str]) -> dict[str, int]:
    """``user``'s best score at each of these quizzes they tried (untried ones are absent)."""
    return {quiz_id: best for quiz_id, best, _passed in _best_per_quiz(user, quiz_ids)}


def completed_modules(user: User) -> dict[str, datetime]:
    """When ``user`` completed each module they completed, by module id."""
    rows = db.session.execute(
        select(ModuleCompletion.module_id, ModuleCompletion.completed_at).where(
            ModuleCompletion.user_id == user.id
        )
    )
    return {module_id: completed_at for module_id, completed_at in rows}


def load_record(user: User) -> Record:
    """Everything ``user`` did, in three queries."""
    record = Record(completed=completed_modules(user))
    record.lessons = {
        (module_id, lesson_id)
        for module_id, lesson_id in db.session.execute(
            select(LessonDone.module_id, LessonDone.lesson_id).where(LessonDone.user_id == user.id)
        )
    }
    for quiz_id, best, passed in _best_per_quiz(user):
        record.best_scores[quiz_id] = best
        if passed:
            record.passed.add(quiz_id)
    return record


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


def attempt_by_token(user: User, form_token: str) -> QuizAttempt | None:
    """``user``'s attempt recorded from the form with this token, if any."""
    return db.session.scalars(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user.id, QuizAttempt.form_token == form_token
        )
    ).first()


def recent_attempt_times(user: User, quiz: Quiz) -> list[datetime]:
    """When ``user`` made their latest attempts at ``quiz``, as many as its limits need."""
    if not (quiz.retake_after or quiz.max_attempts_per_day):
        return []
    return list(
        db.session.scalars(
            select(QuizAttempt.submitted_at)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id)
            .order_by(QuizAttempt.id.desc())
            .limit(quiz.max_attempts_per_day or 1)
        )
    )


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
        passed = {quiz_id for quiz_id, _best, ok in _best_per_quiz(user, quiz_ids) if ok}
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


def attempts(user: User, quiz_id: str) -> list[QuizAttempt]:
    """``user``'s attempts at a quiz, newest first."""
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz_id)
            .order_by(QuizAttempt.id.desc())
        )
    )


def own_attempt(user: User, attempt_id: int) -> QuizAttempt | None:
    """The attempt with this id if it is ``user``'s, else None (never someone else's)."""
    return db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user.id)
    ).first()


def quiz_statistics(quiz: Quiz) -> QuizResults:
    """How every learner did on ``quiz``: first attempts and best scores, for trainers."""
    first_ids = (
        select(func.min(QuizAttempt.id))
        .where(QuizAttempt.quiz_id == quiz.id)
        .group_by(QuizAttempt.user_id)
        .scalar_subquery()
    )
    firsts = list(db.session.scalars(select(QuizAttempt).where(QuizAttempt.id.in_(first_ids))))
    best = db.session.execute(
        select(func.max(QuizAttempt.score), func.max(QuizAttempt.passed.cast(db.Integer)))
        .where(QuizAttempt.quiz_id == quiz.id)
        .group_by(QuizAttempt.user_id)
    )
    return summarize(quiz, firsts, [(score, bool(passed)) for score, passed in best])


def question_history(
    user_ids: Collection[int], quizzes: Iterable[Quiz], window: Window = ANY_TIME
) -> Iterator[QuestionOutcome]:
    """Every answer ``user_ids`` gave to these quizzes' questions within ``window``, graded
    again as :mod:`.outcomes` says, oldest first."""
    by_id = {quiz.id: quiz for quiz in quizzes}
    a = QuizAttempt
    where = [a.quiz_id.in_(list(by_id)), a.user_id.in_(list(user_ids))]
    where += [a.submitted_at >= window.since] if window.since else []
    where += [a.submitted_at < window.until] if window.until else []
    where += [a.language == window.language] if window.language else []
    columns = (a.quiz_id, a.user_id, a.questions, a.answers, a.submitted_at)  # rows: faster
    for quiz_id, *rest in db.session.execute(select(*columns).where(*where).order_by(a.id)):
        yield from graded(by_id[quiz_id], *rest)


def question_results(user: User, quizzes: Iterable[Quiz]) -> dict[str, FirstAndLatest]:
    """Per question id ``user`` was asked: right the first time, and the latest time."""
    return first_and_latest(question_history({user.id}, quizzes))


def export_data(user: User) -> dict[str, object]:
    """The learning part of "download my data"."""
    lessons = db.session.scalars(select(LessonDone).where(LessonDone.user_id == user.id))
    tries = db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.id)
    )
    done = db.session.scalars(select(ModuleCompletion).where(ModuleCompletion.user_id == user.id))
    return {
        "lessons_done": [
            {
                "module": r.module_id,
                "lesson": r.lesson_id,
                "language": r.language,
                "done_at": iso(r.done_at),
            }
            for r in lessons
        ],
        "quiz_attempts": [
            {
                "module": a.module_id,
                "quiz": a.quiz_id,
                "answers": a.answers,
                "questions": a.questions,
                "score": a.score,
                "passed": a.passed,
                "language": a.language,
                "submitted_at": iso(a.submitted_at),
            }
            for a in tries
        ],
        "modules_completed": [
            {"module": c.module_id, "completed_at": iso(c.completed_at)} for c in done
        ],
    }
