"""A generated course of 50 modules in English and French, for start-up and `content check`."""

from __future__ import annotations

import random
from pathlib import Path

WORDS = [
    "partner",
    "museum",
    "library",
    "archive",
    "women",
    "biography",
    "edit",
    "source",
    "image",
    "licence",
    "event",
    "volunteer",
    "report",
    "metric",
    "gap",
    "wiki",
    "commons",
    "data",
    "history",
]


def generated_course(folder: Path, modules: int = 50) -> tuple[Path, Path]:
    """50 modules of 4 lessons and an 8-question quiz, in English and French; the two folders."""
    random.seed(3)
    root = folder / "modules"
    for m in range(modules):
        _module(root / f"{m:02d}-m{m}", m)
    badges = folder / "badges"
    badges.mkdir()
    return root, badges


def _module(d: Path, m: int) -> None:
    """Module ``m``: its description, four lessons and a quiz, in both languages."""
    (d / "quizzes").mkdir(parents=True)
    (d / "module.yaml").write_text(f"id: m{m}\norder: {m}\nlanguage: en\nminutes: 40\n")
    for lang in ("en", "fr"):
        (d / f"module.{lang}.yaml").write_text(
            f"title: Module {m}\nsummary: Generated.\noutcomes:\n  - do {m}\naudience: Bench\n"
        )
        for n in range(1, 5):
            paragraphs = "\n\n".join(
                " ".join(random.choice(WORDS) for _ in range(80)) for _ in range(8)
            )
            (d / f"{n:02d}-l{n}.{lang}.md").write_text(
                f"---\ntitle: Lesson {n}\nminutes: 5\n---\n## Part\n\n{paragraphs}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
            )
    _quiz(d / "quizzes", m)


def _quiz(folder: Path, m: int) -> None:
    """Module ``m``'s quiz of 8 single-choice questions, in English and French."""
    questions = "".join(
        f"  - id: q{q}\n    type: single\n    prompt: Question {q}\n    explanation: Because.\n    options:\n"
        f"      - {{id: a, text: A, correct: true, feedback: Yes.}}\n"
        f"      - {{id: b, text: B, correct: false, feedback: No.}}\n"
        for q in range(8)
    )
    (folder / "check.en.yaml").write_text(f"id: m{m}-check\npass_mark: 70\nquestions:\n{questions}")
    translated = "".join(
        f"  - id: q{q}\n    prompt: Question {q}\n    explanation: Parce que.\n    options:\n"
        f"      - {{id: a, text: A, feedback: Oui.}}\n      - {{id: b, text: B, feedback: Non.}}\n"
        for q in range(8)
    )
    (folder / "check.fr.yaml").write_text(f"questions:\n{translated}")
