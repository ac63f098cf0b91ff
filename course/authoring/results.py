"""How learners do on a quiz, for trainers: counts and rates only, never one person's answers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..content.model import Quiz
from ..extensions import db
from ..learning.grading import grade
from ..learning.models import QuizAttempt


@dataclass(frozen=True)
class QuestionStat:
    question_id: str
    right: int
    answered: int

    @property
    def percent(self) -> int | None:
        return 100 * self.right // self.answered if self.answered else None


@dataclass(frozen=True)
class QuizResults:
    learners: int
    passed: int
    first_attempt_average: int | None
    best_average: int | None
    #: Per question, on first attempts made to the current version of the quiz.
    questions: tuple[QuestionStat, ...]


def quiz_results(quiz: Quiz) -> QuizResults:
    """Aggregate every learner's first and best attempt at ``quiz``."""
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
    ).all()
    right = {q.id: 0 for q in quiz.questions}
    answered = {q.id: 0 for q in quiz.questions}
    for attempt in firsts:
        if attempt.content_hash != quiz.content_hash:
            continue  # answered an older version: its questions may differ
        chosen = {q: tuple(c) for q, c in attempt.answers.items()}
        for result in grade(quiz, chosen).results:
            if result.chosen:
                answered[result.question.id] += 1
                right[result.question.id] += result.right
    return QuizResults(
        learners=len(firsts),
        passed=sum(1 for _, passed in best if passed),
        first_attempt_average=sum(a.score for a in firsts) // len(firsts) if firsts else None,
        best_average=sum(score for score, _ in best) // len(best) if best else None,
        questions=tuple(QuestionStat(q.id, right[q.id], answered[q.id]) for q in quiz.questions),
    )
