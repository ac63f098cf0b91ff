"""What one attempt asks: the questions drawn from the pool, their order and their options' order.

Pure: :func:`draw_layout` takes its randomness as an argument (``random.Random`` in tests,
``random.SystemRandom`` when serving), so it needs no request and no database. A
:class:`Layout` names questions and options by id, as attempts store it; :func:`encode` and
:func:`decode` turn it into indices, small enough for a guest's session cookie.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence

from ..content.model import Question, Quiz

#: Each asked question's id with its option ids, in the order the learner sees them.
Layout = tuple[tuple[str, tuple[str, ...]], ...]


def draw_layout(quiz: Quiz, rng: random.Random) -> Layout:
    """Draw the questions of one attempt and shuffle them and their options.

    ``draw: N`` picks N questions of the whole pool; ``draw: {group: N}`` picks N of each
    group named and asks every other question. Questions keep the file's order when the quiz
    says ``shuffle_questions: false``; options keep it when their question says
    ``shuffle: false``.
    """
    indices = list(range(len(quiz.questions)))
    if quiz.draw_groups:
        chosen = [i for i in indices if quiz.questions[i].group not in quiz.draw_groups]
        for group, count in quiz.draw_groups.items():
            members = [i for i in indices if quiz.questions[i].group == group]
            chosen += rng.sample(members, min(count, len(members)))
    elif quiz.draw is not None:
        chosen = rng.sample(indices, min(quiz.draw, len(indices)))
    else:
        chosen = indices
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    else:
        chosen.sort()
    return tuple(_options(quiz.questions[i], rng) for i in chosen)


def _options(question: Question, rng: random.Random) -> tuple[str, tuple[str, ...]]:
    ids = [option.id for option in question.options]
    if question.shuffle:
        rng.shuffle(ids)
    return question.id, tuple(ids)


def full_layout(quiz: Quiz) -> Layout:
    """Every question and option in the file's order (attempts made before pools)."""
    return tuple((q.id, tuple(o.id for o in q.options)) for q in quiz.questions)


def apply_layout(quiz: Quiz, layout: Layout) -> Quiz:
    """``quiz`` as one attempt asked it: only the drawn questions, in its order.

    Ids the quiz no longer has are left out; options added since come last. Grading this
    quiz grades exactly the questions the attempt asked.
    """
    questions = []
    for question_id, option_ids in layout:
        question = next((q for q in quiz.questions if q.id == question_id), None)
        if question is None:
            continue
        rank = {option_id: index for index, option_id in enumerate(option_ids)}
        options = sorted(question.options, key=lambda o: rank.get(o.id, len(rank)))
        questions.append(dataclasses.replace(question, options=tuple(options)))
    return dataclasses.replace(quiz, questions=tuple(questions))


def encode(quiz: Quiz, layout: Layout) -> list[list[int]]:
    """``layout`` as indices into ``quiz``: per question, its index then its options'."""
    encoded = []
    for question_id, option_ids in layout:
        index = next(i for i, q in enumerate(quiz.questions) if q.id == question_id)
        positions = {o.id: i for i, o in enumerate(quiz.questions[index].options)}
        encoded.append([index, *(positions[option_id] for option_id in option_ids)])
    return encoded


def decode(quiz: Quiz, data: object) -> Layout | None:
    """The layout ``encode`` gave for this version of ``quiz``; None if ``data`` is not one."""
    if not isinstance(data, list) or not data:
        return None
    layout, seen = [], set()
    for entry in data:
        if not _valid_entry(quiz, entry) or entry[0] in seen:
            return None
        seen.add(entry[0])
        question = quiz.questions[entry[0]]
        layout.append((question.id, tuple(question.options[i].id for i in entry[1:])))
    return tuple(layout)


def _valid_entry(quiz: Quiz, entry: object) -> bool:
    if not isinstance(entry, list) or not entry or not all(type(i) is int for i in entry):
        return False
    if not 0 <= entry[0] < len(quiz.questions):
        return False
    count = len(quiz.questions[entry[0]].options)
    return sorted(entry[1:]) == list(range(count))


def layout_of(data: object) -> Layout | None:
    """A layout as an attempt stores it (``[[question id, [option ids]], …]``), or None."""
    if not isinstance(data, Sequence) or isinstance(data, str):
        return None
    layout = []
    for entry in data:
        if not (isinstance(entry, Sequence) and len(entry) == 2):
            return None
        question_id, option_ids = entry
        if not isinstance(question_id, str) or not isinstance(option_ids, Sequence):
            return None
        layout.append((question_id, tuple(str(option_id) for option_id in option_ids)))
    return tuple(layout)
