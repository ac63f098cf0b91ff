"""How learners did, for trainers and the skills maps: per quiz, per question."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from sqlalchemy import func, select

from ...accounts.models import User
from ...content.model import Quiz
from ...extensions import db
from ..models import QuizAttempt
from ..outcomes import ANY_TIME, FirstAndLatest, QuestionOutcome, Window, first_and_latest, graded
from ..statistics import QuizResults, summarize


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
