"""Grading is a pure function of the quiz and the answers; parsing refuses dishonest forms."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from course.content.model import Option, OptionText, Question, QuestionText, QuestionType, Quiz
from course.learning.grading import InvalidAnswers, grade, grade_question, parse_answers


def question(qid: str, kind: QuestionType, correct: set[str], options=("a", "b", "c")) -> Question:
    return Question(
        id=qid,
        type=kind,
        options=tuple(
            Option(o, o in correct, {"en": OptionText(o.upper(), f"feedback {o}")}) for o in options
        ),
        texts={"en": QuestionText(f"prompt {qid}", "explanation")},
    )


QUIZ = Quiz(
    id="check",
    module_id="m",
    pass_mark=67,
    questions=(
        question("one", QuestionType.SINGLE, {"b"}),
        question("many", QuestionType.MULTIPLE, {"a", "c"}),
        question("tf", QuestionType.TRUE_FALSE, {"false"}, options=("true", "false")),
    ),
    languages=("en",),
    content_hash="0" * 64,
)


@pytest.mark.parametrize(
    ("qid", "chosen", "right"),
    [
        ("one", ("b",), True),
        ("one", ("a",), False),
        ("one", (), False),
        ("many", ("a", "c"), True),
        ("many", ("c", "a"), True),
        ("many", ("a",), False),
        ("many", ("a", "b", "c"), False),
        ("tf", ("false",), True),
        ("tf", ("true",), False),
    ],
)
def test_a_question_is_right_only_with_exactly_its_correct_options(qid, chosen, right):
    by_id = {q.id: q for q in QUIZ.questions}
    assert grade_question(by_id[qid], chosen) is right


def test_score_is_the_share_of_right_questions_and_passing_needs_the_pass_mark():
    two_of_three = grade(QUIZ, {"one": ("b",), "many": ("a", "c"), "tf": ("true",)})
    assert (two_of_three.correct, two_of_three.total, two_of_three.score) == (2, 3, 66)
    assert not two_of_three.passed  # 66 % is below 67 %
    everything = grade(QUIZ, {"one": ("b",), "many": ("a", "c"), "tf": ("false",)})
    assert everything.score == 100 and everything.passed
    nothing = grade(QUIZ, {})
    assert nothing.score == 0 and not nothing.passed
    assert [r.right for r in nothing.results] == [False, False, False]


def test_parsing_keeps_answers_and_ignores_the_form_plumbing():
    form = MultiDict(
        [
            ("csrf_token", "x"),
            ("form_token", "y"),
            ("version", "z"),
            ("q-one", "b"),
            ("q-many", "a"),
            ("q-many", "c"),
        ]
    )
    assert parse_answers(QUIZ, form) == {"one": ("b",), "many": ("a", "c")}


@pytest.mark.parametrize(
    "pairs",
    [
        [("q-one", "z")],  # not an option of the question
        [("q-one", "a"), ("q-one", "b")],  # two answers to a single-choice question
        [("q-many", "a"), ("q-many", "a")],  # the same option twice
        [("q-other-quiz-question", "a")],  # a question of another quiz
        [("role", "admin")],  # anything else
        [("q-one", "b" * 65)],  # oversized
        [("q-tf", "true"), ("q-tf", "false")],
    ],
)
def test_dishonest_forms_are_refused(pairs):
    with pytest.raises(InvalidAnswers):
        parse_answers(QUIZ, MultiDict(pairs))
