"""What ``content check`` reports: a file, a line and a sentence, as an error or a warning."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a content file. ``line`` counts from 1; 0 means the whole file."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


@dataclass
class Report:
    """Collects the problems of one load, in the order files were read."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(str(path), line, message))

    def warn(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(str(path), line, message, warning=True))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]
