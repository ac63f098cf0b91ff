"""``content check`` reports every planted problem of tests/data with its exact line.

``broken``: errors of format; ``truncated``: one text cut by an unquoted `` #`` per kind of
file; ``predictable``: one predictable quiz key per quiz and glossary variants (warnings
only); ``glossary``: a glossary with mistakes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course.config import PROJECT_ROOT
from course.content.problems import Report
from course.content.quizzes import read_source_quiz
from course.content.words import content_words, normalized

DATA = PROJECT_ROOT / "tests" / "data"
BROKEN = DATA / "broken"


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """The broken course, plus a lesson over the size cap (too big to keep in git)."""
    root = tmp_path / "broken"
    shutil.copytree(BROKEN, root, ignore=shutil.ignore_patterns("expected.txt"))
    huge = "---\ntitle: Huge\nminutes: 1\n---\n" + ("A long paragraph. " * 40 + "\n\n") * 300
    (root / "modules" / "03-duplicate" / "02-huge.en.md").write_text(huge)
    return root


def run_check(runner, root: Path, *options: str):
    result = runner.invoke(
        args=[
            "content",
            "check",
            "--modules",
            str(root / "modules"),
            "--badges",
            str(root / "badges"),
            *options,
        ]
    )
    return result.exit_code, result.output.replace(f"{root}/", "")


def test_every_problem_is_reported_with_its_file_and_line(runner, broken):
    exit_code, output = run_check(runner, broken)
    expected = (BROKEN / "expected.txt").read_text()
    assert output == expected
    assert exit_code == 1


@pytest.mark.content("shipped")
def test_the_shipped_content_passes(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


@pytest.mark.content("shipped")
def test_the_shipped_content_passes_strict_with_no_warning_at_all(runner):
    result = runner.invoke(args=["content", "check", "--strict"])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output
    assert " 6 modules, " in f" {result.output}"


@pytest.mark.parametrize("case", ["truncated", "glossary"])
def test_each_planted_error_is_reported_with_its_file_and_line(runner, case):
    """A text cut short by ' #', in each kind of file; a glossary's unknown keys and ids."""
    exit_code, output = run_check(runner, DATA / case)
    assert output == (DATA / case / "expected.txt").read_text()
    assert exit_code == 1


def test_predictable_keys_and_glossary_variants_are_warnings_with_their_lines(runner):
    exit_code, output = run_check(runner, DATA / "predictable")
    assert output == (DATA / "predictable" / "expected.txt").read_text()
    assert exit_code == 0


@pytest.mark.content("readme")
def test_the_readme_example_passes_strict(runner):
    result = runner.invoke(args=["content", "check", "--strict"])
    assert result.exit_code == 0, result.output
    assert "1 modules, 1 lessons, 1 quizzes" in result.output


def test_strict_makes_a_warning_fail_the_check(runner):
    exit_code, output = run_check(runner, DATA / "predictable", "--strict")
    assert exit_code == 1
    assert "modules/01-keys/quizzes/truefalse.en.yaml:3: warning: 3 of 3 true/false" in output
    assert "0 errors, 18 warnings\n--strict: warnings count as errors" in output


def test_yaml_coercions_never_change_a_text(broken):
    """no, on, 1.10 and dates stay the words the author wrote."""
    quiz_file = broken / "modules" / "04-translated" / "quizzes" / "check.en.yaml"
    quiz = read_source_quiz(Report(), quiz_file, "translated", "en")
    options = {o.id: o.texts["en"] for o in quiz.questions[0].options}
    assert (options["a"].text, options["a"].feedback) == ("no", "1.10")
    assert (options["b"].text, options["b"].feedback) == ("2024-01-01", "on")
    assert quiz.questions[0].texts["en"].prompt == "Answer: no"


def test_words_compared_by_the_wording_check():
    """Case, punctuation, apostrophes, stop words and short words out; plurals folded."""
    assert content_words("Which of THESE cities, in the end, prepare it?") == {"city", "prepare"}
    assert content_words("L’archive des villes, avec vous : 2024") == {"archive", "ville", "2024"}
    assert normalized("Who  runs #WikiGap?") == normalized("who runs wikigap")
