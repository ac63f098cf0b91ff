"""Quiz grading: pure functions over the loaded quiz and the submitted answers.

A question counts as right when the chosen options are exactly its correct options; the
score is the percentage of questions right, rounded down, and passing needs the quiz's pass
mark. Nothing here touches the request or the database.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

from ..content.model import Question, QuestionType, Quiz

FIELD_PREFIX = "q-"
MAX_VALUE_LENGTH = 64
#: Form fields that travel with the answers and are not answers.
OTHER_FIELDS = {"csrf_token", "form_token", "version"}

Answers = Mapping[str, tuple[str, ...]]


class Form(Protocol):
    """A submitted form, as Werkzeug's ``MultiDict`` offers it: field names and their values."""

    def __iter__(self) -> Iterator[str]: ...
    def getlist(self, key: str) -> list[str]: ...


class InvalidAnswers(ValueError):
    """A submission that cannot be an honest answer to this quiz; nothing is recorded."""


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    chosen: tuple[str, ...]
    right: bool


@dataclass(frozen=True)
class Grade:
    results: tuple[QuestionResult, ...]
    correct: int
    total: int
    score: int
    passed: bool


def parse_answers(quiz: Quiz, form: Form) -> dict[str, tuple[str, ...]]:
    """Check a submitted form against ``quiz``; return {question id: chosen option ids}.

    Raises :class:`InvalidAnswers` for unknown fields or option ids, a value for another
    quiz's question, several values where one is allowed, repeats, or oversized values.
    """
    questions = {f"{FIELD_PREFIX}{q.id}": q for q in quiz.questions}
    answers: dict[str, tuple[str, ...]] = {}
    for name in form:
        if name in OTHER_FIELDS:
            continue
        question = questions.get(name)
        if question is None:
            raise InvalidAnswers(f"unknown field {name[:MAX_VALUE_LENGTH]!r}")
        values = form.getlist(name)
        if any(len(value) > MAX_VALUE_LENGTH for value in values):
            raise InvalidAnswers("an answer is longer than any option id")
        if len(set(values)) != len(values):
            raise InvalidAnswers(f"the same option was sent twice for {question.id}")
        if question.type is not QuestionType.MULTIPLE and len(values) > 1:
            raise InvalidAnswers(f"question {question.id} takes one answer")
        known = {option.id for option in question.options}
        unknown = [value for value in values if value not in known]
        if unknown:
            raise InvalidAnswers(f"{unknown[0]!r} is not an option of question {question.id}")
        answers[question.id] = tuple(values)
    return answers


def grade_question(question: Question, chosen: tuple[str, ...]) -> bool:
    """Right when exactly the correct options are chosen (one for single and true/false)."""
    correct = {option.id for option in question.options if option.correct}
    if question.type is QuestionType.MULTIPLE:
        return set(chosen) == correct
    return len(chosen) == 1 and chosen[0] in correct


def grade(quiz: Quiz, answers: Answers) -> Grade:
    """Grade every question of ``quiz``; unanswered questions count as wrong."""
    results = tuple(
        QuestionResult(q, tuple(answers.get(q.id, ())), grade_question(q, answers.get(q.id, ())))
        for q in quiz.questions
    )
    correct = sum(result.right for result in results)
    total = len(results)
    score = correct * 100 // total if total else 0
    return Grade(results, correct, total, score, total > 0 and score >= quiz.pass_mark)
