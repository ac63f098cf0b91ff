"""Translations name the version of their source they were made from (``source:``)."""

from __future__ import annotations

from pathlib import Path

from .fields import Fields, file_hash
from .problems import Report


def check_source_version(report: Report, path: Path, fields: Fields, source_path: Path) -> bool:
    """Warn when a translation does not name, or no longer matches, its source's version."""
    current = file_hash(source_path.read_bytes())
    named = fields.text("source", required=False, max_length=64)
    if not named:
        hint = f"add 'source: {current}' once it matches {source_path.name}"
        report.warn(path, fields.data.line, f"translation does not name its source version: {hint}")
        return True
    if named != current:
        report.warn(
            path,
            fields.line("source"),
            f"translation is outdated: {source_path.name} changed since (now 'source: {current}')",
        )
        return True
    return False
