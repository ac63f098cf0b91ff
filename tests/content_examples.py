"""The example files of modules/README.md and badges/README.md, written out for tests."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

from course.config import PROJECT_ROOT

EXAMPLE_RE = re.compile(r"\*\*File: `(?P<path>[^`]+)`\*\*\n\n```[a-z]*\n(?P<body>.*?)\n```", re.S)


def example_files() -> dict[str, str]:
    """Each example file of the two READMEs: path relative to the project -> contents."""
    files = {}
    for readme in ("modules/README.md", "badges/README.md"):
        text = (PROJECT_ROOT / readme).read_text()
        for match in EXAMPLE_RE.finditer(text):
            files[match["path"]] = match["body"] + "\n"
    return files


def write_examples(root: Path) -> tuple[Path, Path]:
    """Write the example course under ``root``; return its modules and badges folders."""
    for relative, body in example_files().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return root / "modules", root / "badges"


SECOND_LESSON = {
    "en": """---
title: On the day
minutes: 4
---
## Welcome people

Start with a short training for people who never edited.
""",
    "fr": """---
title: Le jour J
minutes: 4
---
## Accueillir

Commencez par une courte formation pour les personnes qui n'ont jamais contribué.
""",
}


def write_course(root: Path) -> dict[str, str]:
    """The README example plus a second lesson: app settings pointing at it."""
    modules, badges = write_examples(root)
    folder = modules / "01-first-edit-a-thon"
    for language, text in SECOND_LESSON.items():
        (folder / f"02-on-the-day.{language}.md").write_text(text)
    badge = badges / "first-edit-a-thon.yaml"
    badge.write_text(
        badge.read_text().replace(
            "  svg: first-edit-a-thon.svg",
            "  svg: first-edit-a-thon.svg\n  png: first-edit-a-thon.png",
        )
    )
    (badges / "first-edit-a-thon.png").write_bytes(tiny_png())
    (folder / "03-english-only.en.md").write_text(
        "---\ntitle: Only in English\nminutes: 2\n---\nThis lesson has no translation yet.\n"
    )
    return {"MODULES_DIR": str(modules), "BADGES_DIR": str(badges)}


def tiny_png(size: int = 64) -> bytes:
    """A plain blue square PNG, standing in for exported badge artwork."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    rows = b"".join(b"\0" + b"\x0b\x57\xa4" * size for _ in range(size))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _pool_question(qid: str, group: str | None, prompt: str, options: list[str]) -> str:
    """A single-choice question whose first option is right, in the YAML of a quiz file."""
    lines = [f"  - id: {qid}", "    type: single", f"    prompt: {prompt}"]
    lines += [f"    group: {group}"] if group else ["    shuffle: false"]
    lines += [f"    explanation: Explanation of {qid}.", "    options:"]
    for index, text in enumerate(options):
        lines += [
            f"      - id: o{index}",
            f"        text: {text}",
            f"        correct: {'true' if index == 0 else 'false'}",
            f"        feedback: Feedback on {text}.",
        ]
    return "\n".join(lines)


WORDS = ("right", "wrong one", "wrong two", "wrong three")
#: The pool quiz's questions: (id, group, prompt, options with the right one first).
POOL = [
    ("q-scale", None, "How sure are you?", ["Very sure", "Sure", "Unsure", "Lost"]),
    *(
        (f"q-people-{n}", "people", f"People question {n}?", [f"P{n} {w}" for w in WORDS])
        for n in range(1, 5)
    ),
    *(
        (f"q-places-{n}", "places", f"Places question {n}?", [f"L{n} {w}" for w in WORDS])
        for n in range(1, 4)
    ),
]
LIMITED = [("q-limited", None, "Limited question?", ["Yes", "No", "Maybe"])]


def _french(entries: list) -> str:
    """The French translation of a quiz made of ``entries``: every text prefixed with FR."""
    lines = ["questions:"]
    for qid, _group, _prompt, options in entries:
        lines += [
            f"  - id: {qid}",
            f"    prompt: Question {qid} ?",
            "    explanation: Explication.",
        ]
        lines.append("    options:")
        for index, text in enumerate(options):
            lines += [f"      - id: o{index}", f"        text: FR {text}"]
            lines.append(f"        feedback: Retour sur FR {text}.")
    return "\n".join(lines) + "\n"


def write_pool_module(modules: Path) -> None:
    """A second module, "pools", in English and French, with two quizzes.

    ``pool-check`` asks the ungrouped ``q-scale`` (options never shuffled), 2 of 4 "people"
    questions and 1 of 3 "places" questions, right answers always ``o0``, pass mark 75.
    ``limited-check`` is a one-question practice quiz (``reveal: always``) that opens again
    10 minutes after an attempt, at most 3 times in 24 hours.
    """
    folder = modules / "02-pools"
    (folder / "quizzes").mkdir(parents=True)
    (folder / "module.yaml").write_text("id: pools\norder: 2\nlanguage: en\nminutes: 10\n")
    for language, title in (("en", "Pools"), ("fr", "Réservoirs")):
        (folder / f"module.{language}.yaml").write_text(
            f"title: {title}\nsummary: {title}.\noutcomes:\n  - {title}\naudience: {title}\n"
        )
        (folder / f"01-read.{language}.md").write_text(
            f"---\ntitle: {title}\nminutes: 2\n---\n{title}.\n"
        )
    questions = "\n".join(_pool_question(*entry) for entry in POOL)
    (folder / "quizzes" / "pool.en.yaml").write_text(
        f"id: pool-check\npass_mark: 75\ndraw:\n  people: 2\n  places: 1\nquestions:\n{questions}\n"
    )
    limited = _pool_question(*LIMITED[0])
    (folder / "quizzes" / "limited.en.yaml").write_text(
        "id: limited-check\npass_mark: 100\nreveal: always\nretake_after: 10\n"
        f"max_attempts_per_day: 3\nquestions:\n{limited}\n"
    )
    (folder / "quizzes" / "pool.fr.yaml").write_text(_french(POOL))
    (folder / "quizzes" / "limited.fr.yaml").write_text(_french(LIMITED))
