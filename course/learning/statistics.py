"""How learners do on a quiz, for trainers: counts and rates only, never one person's answers.

Pure: :func:`summarize` works on attempts already read (``services.quiz_statistics`` reads
them), so it needs no request and no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..content.model import Quiz
from .drawing import apply_layout, full_layout, layout_of
from .grading import grade


class GradedAttempt(Protocol):
    """What statistics read of an attempt: the quiz version, what it asked, answers, score."""

    content_hash: str
    #: [[question id, [option ids]], …] as the attempt asked them; None: every question.
    questions: Sequence[Sequence[object]] | None
    answers: Mapping[str, Sequence[str]]
    score: int
    passed: bool


@dataclass(frozen=True)
class QuestionStat:
    """How often one question was answered, and answered right, on first attempts that
    asked it (a question a pool did not draw counts neither way)."""

    question_id: str
    right: int
    answered: int
    #: First attempts that asked this question, answered or left blank.
    asked: int = 0

    @property
    def percent(self) -> int | None:
        """The share of answers that were right, rounded down; None if nobody answered."""
        return 100 * self.right // self.answered if self.answered else None


@dataclass(frozen=True)
class QuizResults:
    """A quiz's results over every learner who took it."""

    learners: int
    passed: int
    #: Learners who passed on their first attempt.
    passed_first: int
    first_attempt_average: int | None
    best_average: int | None
    #: Per question, on first attempts made to the current version of the quiz.
    questions: tuple[QuestionStat, ...]


def summarize(
    quiz: Quiz, firsts: Sequence[GradedAttempt], best: Iterable[tuple[int, bool]]
) -> QuizResults:
    """Aggregate each learner's first attempt and (best score, passed) at ``quiz``."""
    bests = list(best)
    return QuizResults(
        learners=len(firsts),
        passed=sum(1 for _, passed in bests if passed),
        passed_first=sum(1 for a in firsts if a.passed),
        first_attempt_average=sum(a.score for a in firsts) // len(firsts) if firsts else None,
        best_average=sum(score for score, _ in bests) // len(bests) if bests else None,
        questions=_question_stats(quiz, firsts),
    )


def _question_stats(quiz: Quiz, firsts: Sequence[GradedAttempt]) -> tuple[QuestionStat, ...]:
    right = {q.id: 0 for q in quiz.questions}
    answered = {q.id: 0 for q in quiz.questions}
    asked = {q.id: 0 for q in quiz.questions}
    for attempt in firsts:
        if attempt.content_hash != quiz.content_hash:
            continue  # answered an older version: its questions may differ
        layout = layout_of(attempt.questions) or full_layout(quiz)
        chosen = {q: tuple(c) for q, c in attempt.answers.items()}
        for result in grade(apply_layout(quiz, layout), chosen).results:
            asked[result.question.id] += 1
            if result.chosen:
                answered[result.question.id] += 1
                right[result.question.id] += result.right
    return tuple(
        QuestionStat(q.id, right[q.id], answered[q.id], asked[q.id]) for q in quiz.questions
    )
