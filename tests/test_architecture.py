"""The shape of the code holds: layers enforced by import-linter, small modules and functions,
and one owner for each of learning's tables."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKED = [ROOT / "course", ROOT / "bench"]
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 50
#: Literal tables (the OpenAPI document, the credential template): data, not logic.
LITERAL_TABLES = {"document", "ob3_credential"}
LEARNING_TABLES = ("QuizAttempt", "LessonDone", "ModuleCompletion")


def python_files() -> list[Path]:
    return [
        path
        for folder in CHECKED
        for path in sorted(folder.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_no_module_is_over_300_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in python_files()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_is_over_50_lines_except_literal_tables():
    long = {}
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES and node.name not in LITERAL_TABLES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = length
    assert long == {}


@pytest.mark.parametrize("table", LEARNING_TABLES)
def test_only_learnings_services_query_each_of_learnings_tables(table):
    users = {
        path.relative_to(ROOT)
        for path in python_files()
        if path.is_relative_to(ROOT / "course")
        and path.name != "models.py"
        and re.search(rf"\b{table}\b", path.read_text())
    }
    assert users, table
    assert all(path.parent == Path("course/learning/services") for path in users), users


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_layers_hold_and_an_import_the_wrong_way_breaks_them(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "course", project / "course", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", project)
    assert lint_imports(project).returncode == 0

    # A shared module reaching up into a feature, as i18n once did with accounts.
    i18n = project / "course" / "i18n.py"
    i18n.write_text(i18n.read_text() + "\nfrom .accounts.auth import current_user  # noqa\n")
    result = lint_imports(project)
    assert result.returncode != 0
    assert "course.i18n -> course.accounts.auth" in result.stdout


def test_the_pure_core_breaks_its_contract_when_it_imports_flask(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "course", project / "course", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", project)
    grading = project / "course" / "learning" / "grading.py"
    grading.write_text(grading.read_text() + "\nfrom flask import request  # noqa\n")
    result = lint_imports(project)
    assert result.returncode != 0
    assert "course.learning.grading is not allowed to import flask" in result.stdout
