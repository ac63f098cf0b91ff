"""What learners did, read: a learner's whole record for every page, attempts, their data."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, cast, func, literal_column, null, select, union_all

from ...accounts.models import User
from ...clock import iso
from ...content.model import Quiz
from ...extensions import db
from ...reads import PreparedRead
from ..models import LessonDone, ModuleCompletion, QuizAttempt
from ..progress import Record


def best_per_quiz(user: User, quiz_ids: Iterable[str] | None = None) -> list[Any]:
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
    return {quiz_id: best for quiz_id, best, _passed in best_per_quiz(user, quiz_ids)}


def completed_modules(user: User) -> dict[str, datetime]:
    """When ``user`` completed each module they completed, by module id."""
    rows = db.session.execute(
        select(ModuleCompletion.module_id, ModuleCompletion.completed_at).where(
            ModuleCompletion.user_id == user.id
        )
    )
    return {module_id: completed_at for module_id, completed_at in rows}


def load_record(user: User) -> Record:
    """Everything ``user`` did, in one statement: every page of the course reads it."""
    return _records(_RECORD.rows({"user": user.id}), [user.id])[user.id]


def load_records(user_ids: Collection[int]) -> dict[int, Record]:
    """Everything each of these users did, by user id, in one statement (dashboards)."""
    ids = list(set(user_ids))
    return _records(db.session.execute(_RECORDS, {"users": ids}), ids) if ids else {}


def _records(rows: Iterable[Any], user_ids: Iterable[int]) -> dict[int, Record]:
    records = {user_id: Record() for user_id in user_ids}
    for user_id, kind, item, lesson, best, passed, at in rows:
        record = records[user_id]
        if kind == _COMPLETED:
            record.completed[item] = at
        elif kind == _LESSON:
            record.lessons.add((item, lesson))
        else:
            record.best_scores[item] = best
            if passed:
                record.passed.add(item)
    return records


def _record_statement(whose: Callable[[Any], Any]) -> Any:
    """Completions, lessons done and best score per quiz of the users ``whose`` selects from
    a table's ``user_id``, as one UNION ALL over the tables (Core, not ORM entities): a third
    of the statements and a tenth of the time of three ORM queries, on the path of every
    signed-in page. Each NULL is cast to its column's type: PostgreSQL types the branches
    pairwise and would take two bare NULLs for text."""
    completed, lessons, attempts = (
        ModuleCompletion.__table__.c,
        LessonDone.__table__.c,
        QuizAttempt.__table__.c,
    )
    no_lesson, no_number = cast(null(), lessons.lesson_id.type), cast(null(), db.Integer)
    no_time = cast(null(), completed.completed_at.type)
    return union_all(
        select(
            completed.user_id,
            literal_column(str(_COMPLETED)),
            completed.module_id,
            no_lesson,
            no_number,
            no_number,
            completed.completed_at,
        ).where(whose(completed.user_id)),
        select(
            lessons.user_id,
            literal_column(str(_LESSON)),
            lessons.module_id,
            lessons.lesson_id,
            no_number,
            no_number,
            no_time,
        ).where(whose(lessons.user_id)),
        select(
            attempts.user_id,
            literal_column(str(_QUIZ)),
            attempts.quiz_id,
            no_lesson,
            func.max(attempts.score),
            func.max(attempts.passed.cast(db.Integer)),
            no_time,
        )
        .where(whose(attempts.user_id))
        .group_by(attempts.user_id, attempts.quiz_id),
    )


_COMPLETED, _LESSON, _QUIZ = range(3)
#: Prepared (course.reads): every signed-in page reads it.
_RECORD = PreparedRead(_record_statement(lambda user_id: user_id == bindparam("user")))
_RECORDS = _record_statement(lambda user_id: user_id.in_(bindparam("users", expanding=True)))


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


def attempts(user: User, quiz_id: str, latest: int | None = None) -> list[QuizAttempt]:
    """``user``'s attempts at a quiz, newest first; only the ``latest`` few, if given."""
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz_id)
            .order_by(QuizAttempt.id.desc())
            .limit(latest)
        )
    )


def first_attempts(
    user_ids: Collection[int], quiz_ids: Collection[str]
) -> dict[tuple[int, str], QuizAttempt]:
    """Each of these users' first attempt at each of these quizzes they tried, by (user id,
    quiz id), in one query however many users and quizzes (dashboards)."""
    if not user_ids or not quiz_ids:
        return {}
    firsts = (
        select(func.min(QuizAttempt.id))
        .where(QuizAttempt.user_id.in_(list(user_ids)), QuizAttempt.quiz_id.in_(list(quiz_ids)))
        .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id)
    )
    found = db.session.scalars(select(QuizAttempt).where(QuizAttempt.id.in_(firsts)))
    return {(attempt.user_id, attempt.quiz_id): attempt for attempt in found}


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
