"""``course content check`` and ``content show --json``."""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from ..content.audit import audit_course
from ..content.coverage import coverage
from ..content.loader import load_course
from ..contentstore import cache_folder, load_cached


@click.group("content")
def content_group() -> None:
    """Check and inspect the course files."""


def _folders(modules: str | None, badges: str | None) -> tuple[Path, Path]:
    config = current_app.config
    return Path(modules or config["MODULES_DIR"]), Path(badges or config["BADGES_DIR"])


_MODULES = click.option("--modules", type=click.Path(), help="Modules folder (default: config).")
_BADGES = click.option("--badges", type=click.Path(), help="Badges folder (default: config).")


@content_group.command("check")
@_MODULES
@_BADGES
@click.option("--strict", is_flag=True, help="Count warnings as errors (exit 1 on any).")
@click.option("--no-cache", is_flag=True, help="Render every document, ignoring the cache.")
@with_appcontext
def check(modules: str | None, badges: str | None, strict: bool, no_cache: bool) -> None:
    """Report every problem as path:line: message; exit 1 when there are errors.

    Besides what the server checks when it loads the course, this checks the glossary's
    terms and warns about quizzes whose answers can be guessed (modules/README.md). Rendered
    Markdown is read from and written to the server's cache (instance/cache/content/).
    """
    languages = current_app.config["LANGUAGES"]
    modules_dir, badges_dir = _folders(modules, badges)
    if no_cache:
        course, report = load_course(modules_dir, badges_dir, languages)
    else:
        folder = cache_folder(current_app)
        course, report, _ = load_cached(modules_dir, badges_dir, languages, folder, write=True)
    audit_course(report, modules_dir, course, languages)
    for problem in report.problems:
        click.echo(str(problem))
    click.echo(
        f"{len(course.modules)} modules, {sum(len(m.lessons) for m in course.modules)} lessons, "
        f"{sum(len(m.quizzes) for m in course.modules)} quizzes, "
        f"{len(course.initiatives)} initiatives, {len(course.badges)} badges"
    )
    for language in languages:
        click.echo(str(coverage(course, language)))
    click.echo(f"{len(report.errors)} errors, {len(report.warnings)} warnings")
    if strict and report.warnings:
        click.echo("--strict: warnings count as errors")
    sys.exit(1 if report.errors or (strict and report.warnings) else 0)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, timedelta):
        return {"days": value.days}
    return value


@content_group.command("show")
@click.option("--json", "as_json", is_flag=True, default=True, help="Print JSON (the default).")
@_MODULES
@_BADGES
@with_appcontext
def show(as_json: bool, modules: str | None, badges: str | None) -> None:
    """Print the loaded course, answer keys included, as JSON."""
    course, report = load_course(*_folders(modules, badges), current_app.config["LANGUAGES"])
    data = _plain(course)
    data["problems"] = [str(problem) for problem in report.problems]
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
