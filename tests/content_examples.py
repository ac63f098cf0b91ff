"""The example files of modules/README.md and badges/README.md, written out for tests."""

from __future__ import annotations

import re
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
