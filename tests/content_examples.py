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
