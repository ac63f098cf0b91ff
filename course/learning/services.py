"""Learning services: mark lessons done, record graded attempts, complete modules, progress.

"Only once" is the database's job: lesson marks, attempts (per form) and completions have
unique constraints, and inserts that would break one do nothing instead of failing, so two
tabs, a double click or fifty concurrent submissions never record anything twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from ..accounts.models import User
from ..content.model import Course, Lesson, Module, Quiz
from ..db import insert_ignoring_duplicates
from ..extensions import db
from .grading import Answers, Grade, grade
from .models import LessonDone, ModuleCompletion, QuizAttempt


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Record:
    """What one learner (or this browser's visitor) has done, in the course's terms."""

    lessons: set[tuple[str, str]] = field(default_factory=set)  #: (module, lesson)
    best_scores: dict[str, int] = field(default_factory=dict)  #: quiz -> best score
    passed: set[str] = field(default_factory=set)  #: quizzes passed at least once
    completed: dict[str, datetime] = field(default_factory=dict)  #: module -> when


@dataclass(frozen=True)
class ModuleProgress:
    """A module seen through one learner's record."""

    module: Module
    record: Record

    def lesson_done(self, lesson: Lesson) -> bool:
        return (self.module.id, lesson.id) in self.record.lessons

    def quiz_passed(self, quiz: Quiz) -> bool:
        return quiz.id in self.record.passed

    def best_score(self, quiz: Quiz) -> int | None:
        return self.record.best_scores.get(quiz.id)

    @property
    def steps(self) -> int:
        return len(self.module.lessons) + len(self.module.quizzes)

    @property
    def steps_done(self) -> int:
        return sum(map(self.lesson_done, self.module.lessons)) + sum(
            map(self.quiz_passed, self.module.quizzes)
        )

    @property
    def percent(self) -> int:
        return 100 * self.steps_done // self.steps if self.steps else 0

    @property
    def completed_at(self) -> datetime | None:
        return self.record.completed.get(self.module.id)

    @property
    def started(self) -> bool:
        return self.steps_done > 0 or any(
            quiz.id in self.record.best_scores for quiz in self.module.quizzes
        )

    @property
    def next_step(self) -> Lesson | Quiz | None:
        """The first lesson not done, else the first quiz not passed, else None."""
        for lesson in self.module.lessons:
            if not self.lesson_done(lesson):
                return lesson
        for quiz in self.module.quizzes:
            if not self.quiz_passed(quiz):
                return quiz
        return None


def load_record(user: User) -> Record:
    """Everything ``user`` did, in three queries."""
    record = Record()
    record.lessons = {
        (module_id, lesson_id)
        for module_id, lesson_id in db.session.execute(
            select(LessonDone.module_id, LessonDone.lesson_id).where(LessonDone.user_id == user.id)
        )
    }
    for quiz_id, best, passed in db.session.execute(
        select(
            QuizAttempt.quiz_id,
            func.max(QuizAttempt.score),
            func.max(QuizAttempt.passed.cast(db.Integer)),
        )
        .where(QuizAttempt.user_id == user.id)
        .group_by(QuizAttempt.quiz_id)
    ):
        record.best_scores[quiz_id] = best
        if passed:
            record.passed.add(quiz_id)
    record.completed = {
        module_id: completed_at
        for module_id, completed_at in db.session.execute(
            select(ModuleCompletion.module_id, ModuleCompletion.completed_at).where(
                ModuleCompletion.user_id == user.id
            )
        )
    }
    return record


def progress(course: Course, record: Record) -> list[ModuleProgress]:
    """Each module of ``course`` with the learner's progress in it."""
    return [ModuleProgress(module, record) for module in course.modules]


def mark_lesson_done(user: User, module: Module, lesson: Lesson, language: str) -> bool:
    """Record that ``user`` finished ``lesson``; True if this completed the module."""
    insert_ignoring_duplicates(
        LessonDone,
        user_id=user.id,
        module_id=module.id,
        lesson_id=lesson.id,
        language=language,
        done_at=_now(),
    )
    return complete_if_done(user, module)


@dataclass(frozen=True)
class AttemptResult:
    attempt: QuizAttempt
    grade: Grade
    #: Whether this submission completed the module (first time only).
    completed_module: bool


def record_attempt(
    user: User, module: Module, quiz: Quiz, answers: Answers, form_token: str, language: str
) -> AttemptResult:
    """Grade ``answers`` and append the attempt, once per form token.

    Sending the same form again returns the attempt recorded the first time.
    """
    result = grade(quiz, answers)
    added = insert_ignoring_duplicates(
        QuizAttempt,
        user_id=user.id,
        module_id=module.id,
        quiz_id=quiz.id,
        content_hash=quiz.content_hash,
        form_token=form_token,
        answers={question: list(chosen) for question, chosen in answers.items()},
        correct=result.correct,
        total=result.total,
        score=result.score,
        passed=result.passed,
        language=language,
        submitted_at=_now(),
    )
    attempt = db.session.scalars(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user.id, QuizAttempt.form_token == form_token
        )
    ).one()
    if not added:  # the same form again: answer with what was recorded the first time
        if attempt.content_hash == quiz.content_hash:
            result = grade(quiz, {q: tuple(c) for q, c in attempt.answers.items()})
        return AttemptResult(attempt, result, False)
    # Only a new pass can complete the module; a failed attempt changes nothing there.
    completed = result.passed and complete_if_done(user, module)
    return AttemptResult(attempt, result, completed)


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
        passed = set(
            db.session.scalars(
                select(QuizAttempt.quiz_id)
                .where(
                    QuizAttempt.user_id == user.id,
                    QuizAttempt.quiz_id.in_(quiz_ids),
                    QuizAttempt.passed.is_(True),
                )
                .distinct()
            )
        )
        if set(quiz_ids) - passed:
            return False
    completed = insert_ignoring_duplicates(
        ModuleCompletion,
        user_id=user.id,
        module_id=module.id,
        content_hash=module.content_hash,
        completed_at=_now(),
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


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with its offset (SQLite hands back naive datetimes)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def import_guest(
    user: User,
    course: Course,
    lessons: Iterable[tuple[str, str, str]],
    guest_attempts: Iterable[Mapping[str, Any]],
) -> None:
    """Keep what a visitor did before signing up or in: lessons, then attempts, regraded."""
    for module_id, lesson_id, language in lessons:
        module = course.module(module_id)
        lesson = module.lesson(lesson_id) if module else None
        if module and lesson:
            mark_lesson_done(user, module, lesson, language)
    for saved in guest_attempts:
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
