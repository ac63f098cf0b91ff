"""What ``content check`` adds to loading: the glossary and the predictable-key warnings.

These checks read texts the learner sees for patterns, not for errors of format, so the
server does not run them at start-up; ``content check`` does (``--strict`` makes their
warnings errors).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .glossary import GLOSSARY_FILE, check_terms, read_glossary
from .model import Course
from .problems import Report
from .quizcheck import check_quizzes


def audit_course(
    report: Report, modules_dir: Path, course: Course, languages: Sequence[str]
) -> None:
    """Add the glossary's problems and warnings and the quizzes' predictable keys to ``report``."""
    if modules_dir.is_dir():
        glossary = read_glossary(report, modules_dir / GLOSSARY_FILE, tuple(languages))
        check_terms(report, modules_dir, glossary)
    check_quizzes(report, modules_dir, course)
    report.problems.sort(key=lambda p: (p.path, p.line))
