"""Item analysis of a group's first attempts: per question, how often it was asked, answered
right, and each option chosen. Pure: works on attempts already read (``learning.services``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..content.model import Quiz
from ..learning.drawing import apply_layout, full_layout, layout_of
from ..learning.grading import grade


@dataclass
class QuestionCounts:
    """One question over a group's first attempts at the current version of its quiz."""

    question_id: str
    asked: int = 0
    right: int = 0
    #: {option id: how many first attempts chose it}
    chosen: dict[str, int] = field(default_factory=dict)


def count(quiz: Quiz, firsts: Iterable[Any], language: str | None = None) -> list[QuestionCounts]:
    """Count ``firsts`` (first attempts at ``quiz``, as stored), only those in ``language``
    when it is given. Attempts at an older version of the quiz are left out."""
    counts = {
        q.id: QuestionCounts(q.id, chosen={o.id: 0 for o in q.options}) for q in quiz.questions
    }
    for attempt in firsts:
        if attempt.content_hash != quiz.content_hash:
            continue  # an older version: its questions and options may differ
        if language and attempt.language != language:
            continue
        layout = layout_of(attempt.questions) or full_layout(quiz)
        answers = {q: tuple(c) for q, c in attempt.answers.items()}
        for result in grade(apply_layout(quiz, layout), answers).results:
            item = counts[result.question.id]
            item.asked += 1
            item.right += int(result.right)
            for option_id in result.chosen:
                if option_id in item.chosen:
                    item.chosen[option_id] += 1
    return [counts[q.id] for q in quiz.questions]
