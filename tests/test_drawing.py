"""What each attempt asks, and when the next one opens: pure functions, tested without an app."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from course.content.model import Option, OptionText, Question, QuestionText, QuestionType, Quiz
from course.content.problems import Report
from course.content.quizzes import read_source_quiz
from course.learning.drawing import (
    apply_layout,
    decode,
    draw_layout,
    encode,
    full_layout,
    layout_of,
)
from course.learning.grading import InvalidAnswers, grade, parse_answers
from course.learning.retakes import next_attempt_at

DRAWS = 1000


def question(qid: str, options: int = 4, group: str | None = None, shuffle: bool = True):
    """A single-choice question whose first option, ``o0``, is the right one."""
    return Question(
        id=qid,
        type=QuestionType.SINGLE,
        options=tuple(
            Option(f"o{i}", i == 0, {"en": OptionText(f"text {i}", "")}) for i in range(options)
        ),
        texts={"en": QuestionText(qid, "")},
        shuffle=shuffle,
        group=group,
    )


def quiz(*questions: Question, **settings_: object) -> Quiz:
    return Quiz(
        id="check",
        module_id="m",
        pass_mark=50,
        questions=questions,
        languages=("en",),
        content_hash="0" * 64,
        **settings_,
    )


@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), options=st.integers(2, 6))
def test_over_1000_draws_each_position_holds_the_correct_option_within_a_binomial_bound(
    seed, options
):
    """Position tells nothing: the correct option lands at each place about 1/k of the time.

    The bound is six standard deviations of Binomial(1000, 1/k), which an honest shuffle
    leaves with probability under 1e-8; a server that kept the file's order, or favoured a
    place, would put the correct option there far more often.
    """
    rng = random.Random(seed)
    only = quiz(question("q", options))
    counts = [0] * options
    for _ in range(DRAWS):
        ((_qid, order),) = draw_layout(only, rng)
        counts[order.index("o0")] += 1
    p = 1 / options
    bound = 6 * math.sqrt(DRAWS * p * (1 - p))
    assert all(abs(count - DRAWS * p) <= bound for count in counts), counts


def test_the_same_seed_draws_the_same_attempt():
    pool = quiz(*(question(f"q{i}") for i in range(12)), draw=8)
    assert draw_layout(pool, random.Random(7)) == draw_layout(pool, random.Random(7))
    assert draw_layout(pool, random.Random(7)) != draw_layout(pool, random.Random(8))


def test_draw_n_asks_n_distinct_questions_and_retakes_draw_again():
    pool = quiz(*(question(f"q{i}") for i in range(12)), draw=8)
    rng = random.Random(1)
    draws = [[qid for qid, _ in draw_layout(pool, rng)] for _ in range(50)]
    assert all(len(asked) == len(set(asked)) == 8 for asked in draws)
    assert len({tuple(sorted(asked)) for asked in draws}) > 1
    assert set().union(*draws) == {f"q{i}" for i in range(12)}


def test_draw_per_group_keeps_each_topics_share_and_asks_ungrouped_questions_always():
    pool = quiz(
        question("always", shuffle=False),
        *(question(f"a{i}", group="a") for i in range(4)),
        *(question(f"b{i}", group="b") for i in range(3)),
        draw_groups={"a": 2, "b": 1},
    )
    rng = random.Random(2)
    for _ in range(100):
        layout = draw_layout(pool, rng)
        asked = [qid for qid, _ in layout]
        assert "always" in asked and len(asked) == 4
        assert sum(qid.startswith("a") and qid != "always" for qid in asked) == 2
        assert sum(qid.startswith("b") for qid in asked) == 1
        assert dict(layout)["always"] == ("o0", "o1", "o2", "o3")  # shuffle: false


def test_without_shuffle_questions_the_drawn_questions_keep_the_files_order():
    pool = quiz(*(question(f"q{i}") for i in range(10)), draw=5, shuffle_questions=False)
    rng = random.Random(3)
    for _ in range(50):
        asked = [int(qid[1:]) for qid, _ in draw_layout(pool, rng)]
        assert asked == sorted(asked)


def test_a_layout_travels_as_indices_and_comes_back_only_if_it_fits_the_quiz():
    pool = quiz(*(question(f"q{i}") for i in range(5)), draw=3)
    layout = draw_layout(pool, random.Random(4))
    assert decode(pool, encode(pool, layout)) == layout
    index = encode(pool, layout)[0][0]
    for forged in (
        [[index, 0, 1, 2]],  # an option missing
        [[index, 0, 1, 2, 2]],  # an option twice
        [[index, 0, 1, 2, 3], [index, 3, 2, 1, 0]],  # a question twice
        [[9, 0, 1, 2, 3]],  # no such question
        [[index, 0, 1, 2, True]],
        "[[0, 0, 1, 2, 3]]",
        [],
        None,
    ):
        assert decode(pool, forged) is None, forged


def test_a_quiz_as_asked_grades_only_its_questions_and_refuses_answers_to_others():
    pool = quiz(*(question(f"q{i}", options=3) for i in range(4)), draw=2)
    layout = (("q2", ("o1", "o0", "o2")), ("q0", ("o2", "o1", "o0")))
    asked = apply_layout(pool, layout)
    assert [q.id for q in asked.questions] == ["q2", "q0"]
    assert [o.id for o in asked.questions[0].options] == ["o1", "o0", "o2"]
    result = grade(asked, {"q2": ("o0",)})
    assert (result.correct, result.total, result.score) == (1, 2, 50)
    with pytest.raises(InvalidAnswers):
        parse_answers(asked, MultiDict([("q-q2", "o0"), ("q-q1", "o0")]))


def test_an_attempt_before_pools_asked_every_question_and_old_ids_are_dropped():
    pool = quiz(question("q0"), question("q1"))
    assert apply_layout(pool, full_layout(pool)) == pool
    stored = [["gone", ["x"]], ["q1", ["o3", "o2", "o1", "o0", "new"]]]
    layout = layout_of(stored)
    assert [q.id for q in apply_layout(pool, layout).questions] == ["q1"]
    assert layout_of(None) is None and layout_of("q1") is None


NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("limits", "minutes_ago", "opens_in"),
    [
        ({}, [0, 1, 2, 3], None),  # unlimited by default
        ({"retake_after": 10}, [], None),
        ({"retake_after": 10}, [4], 6),
        ({"retake_after": 10}, [10], None),
        ({"max_attempts_per_day": 2}, [30], None),
        ({"max_attempts_per_day": 2}, [30, 60], 24 * 60 - 60),
        ({"max_attempts_per_day": 2}, [30, 24 * 60 + 1], None),
        ({"retake_after": 60, "max_attempts_per_day": 2}, [30, 90], 24 * 60 - 90),
        ({"retake_after": 60, "max_attempts_per_day": 3}, [30, 90], 30),
    ],
)
def test_the_next_attempt_opens_after_the_wait_and_within_the_daily_allowance(
    limits, minutes_ago, opens_in
):
    times = [NOW - timedelta(minutes=m) for m in minutes_ago]
    expected = NOW + timedelta(minutes=opens_in) if opens_in is not None else None
    assert next_attempt_at(quiz(question("q"), **limits), times, NOW) == expected


QUIZ_FILE = """id: grouped
pass_mark: 50
draw: {people: 1}
shuffle_questions: false
reveal: always
retake_after: 5
max_attempts_per_day: 4
questions:
  - id: scale
    type: single
    shuffle: false
    prompt: How often?
    explanation: E.
    options:
      - {id: never, text: Never, correct: true, feedback: F.}
      - {id: often, text: Often, correct: false, feedback: F.}
  - id: who
    type: true_false
    group: people
    prompt: P?
    explanation: E.
    options:
      - {id: "true", correct: true, feedback: F.}
      - {id: "false", correct: false, feedback: F.}
"""


def test_a_quiz_file_sets_drawing_reveal_and_retakes(tmp_path: Path):
    path = tmp_path / "grouped.en.yaml"
    path.write_text(QUIZ_FILE)
    report = Report()
    loaded = read_source_quiz(report, path, "m", "en")
    assert report.errors == [] and loaded is not None
    assert dict(loaded.draw_groups) == {"people": 1} and loaded.draw is None
    assert (loaded.shuffle_questions, loaded.reveal.value) == (False, "always")
    assert (loaded.retake_after, loaded.max_attempts_per_day) == (5, 4)
    assert [(q.shuffle, q.group) for q in loaded.questions] == [(False, None), (True, "people")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("draw: {people: 2}", "'draw' asks 2 of group 'people', which has 1"),
        ("reveal: sometimes", "'reveal' must be passed or always"),
        ("retake_after: 0", "'retake_after' must be between"),
    ],
)
def test_wrong_quiz_settings_are_errors_with_their_line(tmp_path: Path, change, message):
    key = change.split(":")[0]
    text = "\n".join(
        change if line.startswith(f"{key}:") else line for line in QUIZ_FILE.splitlines()
    )
    path = tmp_path / "grouped.en.yaml"
    path.write_text(text + "\n")
    report = Report()
    assert read_source_quiz(report, path, "m", "en") is None
    assert any(message in str(error) for error in report.errors), report.errors
