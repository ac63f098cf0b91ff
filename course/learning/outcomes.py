"""Per-question outcomes of quiz attempts: pure functions, no request, no database.

An attempt stores what the learner chose, not which questions they got right, so each is
graded again against the questions as the course files now define them: the questions it
asked (every question of the quiz for attempts from before pools), in its order. A question
removed from the file since is left out; one whose options changed is graded against the
new ones, as the quiz page would grade the same choices today.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..content.model import Quiz
from .drawing import full_layout, layout_of
from .grading import grade_question


@dataclass(frozen=True)
class QuestionOutcome:
    """Whether a learner got one question right in one attempt, and when."""

    user_id: int
    question_id: str
    right: bool
    at: datetime


@dataclass(frozen=True)
class Window:
    """Which attempts count: submitted from ``since`` (included) to ``until`` (excluded),
    in ``language``; None leaves that side open."""

    since: datetime | None = None
    until: datetime | None = None
    language: str | None = None


ANY_TIME = Window()


@dataclass(frozen=True)
class FirstAndLatest:
    """A learner's correctness on one question: the first time it was asked, the latest."""

    first: bool
    latest: bool


def graded(
    quiz: Quiz, user_id: int, asked: Any, answers: Mapping[str, Any], at: datetime
) -> Iterator[QuestionOutcome]:
    """Each question an attempt asked (``asked`` as stored), right or not."""
    questions = {question.id: question for question in quiz.questions}
    for question_id, _options in layout_of(asked) or full_layout(quiz):
        if question := questions.get(question_id):
            chosen = tuple(str(option) for option in answers.get(question_id, ()))
            yield QuestionOutcome(user_id, question_id, grade_question(question, chosen), at)


def first_and_latest(history: Iterable[QuestionOutcome]) -> dict[str, FirstAndLatest]:
    """Per question id, from one learner's outcomes oldest first: first and latest results."""
    results: dict[str, FirstAndLatest] = {}
    for outcome in history:
        earlier = results.get(outcome.question_id)
        first = outcome.right if earlier is None else earlier.first
        results[outcome.question_id] = FirstAndLatest(first, outcome.right)
    return results
