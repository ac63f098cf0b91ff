"""``content check`` reports every planted problem of tests/data/broken with its exact line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course.config import PROJECT_ROOT
from course.content.problems import Report
from course.content.quizzes import read_source_quiz

BROKEN = PROJECT_ROOT / "tests" / "data" / "broken"


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """The broken course, plus a lesson over the size cap (too big to keep in git)."""
    root = tmp_path / "broken"
    shutil.copytree(BROKEN, root, ignore=shutil.ignore_patterns("expected.txt"))
    huge = "---\ntitle: Huge\nminutes: 1\n---\n" + ("A long paragraph. " * 40 + "\n\n") * 300
    (root / "modules" / "03-duplicate" / "02-huge.en.md").write_text(huge)
    return root


def run_check(runner, root: Path):
    result = runner.invoke(
        args=[
            "content",
            "check",
            "--modules",
            str(root / "modules"),
            "--badges",
            str(root / "badges"),
        ]
    )
    return result.exit_code, result.output.replace(f"{root}/", "")


def test_every_problem_is_reported_with_its_file_and_line(runner, broken):
    exit_code, output = run_check(runner, broken)
    expected = (BROKEN / "expected.txt").read_text()
    assert output == expected
    assert exit_code == 1


def test_the_shipped_content_passes(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_yaml_coercions_never_change_a_text(broken):
    """no, on, 1.10 and dates stay the words the author wrote."""
    quiz_file = broken / "modules" / "04-translated" / "quizzes" / "check.en.yaml"
    quiz = read_source_quiz(Report(), quiz_file, "translated", "en")
    options = {o.id: o.texts["en"] for o in quiz.questions[0].options}
    assert (options["a"].text, options["a"].feedback) == ("no", "1.10")
    assert (options["b"].text, options["b"].feedback) == ("2024-01-01", "on")
    assert quiz.questions[0].texts["en"].prompt == "Answer: no"
