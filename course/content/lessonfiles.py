"""Lessons: ``NN-lesson-id.<language>.md`` files of a module, their front matter, their
Markdown rendered and sanitized, and their links checked and rewritten to site paths."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .cache import RenderCache
from .fields import (
    LANG,
    LANGUAGE_RE,
    Fields,
    FrontMatter,
    file_hash,
    line_of,
    read_text,
    render_body,
    split_front_matter,
)
from .markup import Rewriter
from .model import Lesson, LessonVersion, frozen_map
from .problems import Report
from .skillfiles import check_skills
from .translation import check_source_version

LESSON = {"source", "title", "minutes", "initiatives", "skills"}
LESSON_RE = re.compile(
    rf"^(?P<order>\d{{1,3}})-(?P<id>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.{LANG}\.md$"
)


@dataclass
class CourseIndex:
    """What pass one learns about every module, so that pass two can check links."""

    modules_dir: Path
    initiatives: set[str] = field(default_factory=set)
    #: (folder, "01-lesson-name") -> (module id, lesson id)
    lessons: dict[tuple[Path, str], tuple[str, str]] = field(default_factory=dict)
    #: Ids of the skills framework's skills, which lessons may list.
    skills: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ModuleMeta:
    id: str
    order: int
    source: str
    minutes: int
    prerequisites: tuple[str, ...]
    tags: tuple[str, ...]
    initiatives: tuple[str, ...]
    line: dict[str, int]
    #: False when module.yaml has errors: the rest is still checked, but not served.
    ok: bool = True


def read_lessons(
    report: Report,
    folder: Path,
    meta: ModuleMeta,
    index: CourseIndex,
    languages: tuple[str, ...],
    cache: RenderCache | None = None,
) -> list[Lesson]:
    """The module's lessons in every language, rendered (through ``cache`` when given)."""
    by_id: dict[str, dict[str, Path]] = {}
    orders: dict[str, int] = {}
    for path in sorted(folder.glob("*.md")):
        match = LESSON_RE.fullmatch(path.name)
        if match is None:
            continue
        lesson_id, order = match["id"], int(match["order"])
        if orders.setdefault(lesson_id, order) != order:
            report.error(
                path, 0, f"duplicate lesson id '{lesson_id}' (also numbered {orders[lesson_id]})"
            )
            continue
        by_id.setdefault(lesson_id, {})[match["lang"]] = path
    lessons = []
    for lesson_id, paths in by_id.items():
        source = paths.get(meta.source)
        if source is None:
            first = next(iter(paths.values()))
            report.error(
                first,
                0,
                f"lesson '{lesson_id}' has no {meta.source} version, the module's source language",
            )
            continue
        versions, cited, skills = {}, (), ()
        for language, path in sorted(paths.items(), key=lambda item: item[0] != meta.source):
            original = None if language == meta.source else source
            version = _read_lesson(report, path, language, meta, index, original, cache)
            if version is not None:
                versions[language], initiatives, taught = version
                cited, skills = cited or initiatives, skills or taught
        for language in languages:
            if language not in paths:
                report.warn(source, 0, f"no {language} translation of this lesson")
        if meta.source in versions:
            lessons.append(
                Lesson(lesson_id, orders[lesson_id], cited, frozen_map(versions), skills)
            )
    lessons.sort(key=lambda lesson: lesson.order)
    return lessons


def _read_lesson(
    report: Report,
    path: Path,
    language: str,
    meta: ModuleMeta,
    index: CourseIndex,
    source: Path | None,
    cache: RenderCache | None,
) -> tuple[LessonVersion, tuple[str, ...], tuple[str, ...]] | None:
    raw = read_text(report, path)
    document = split_front_matter(report, path, raw) if raw is not None else None
    if document is None:
        return None
    errors_before = len(report.errors)
    fields = Fields(report, path, document.fields, LESSON)
    outdated = check_source_version(report, path, fields, source) if source else False
    initiatives = fields.identifiers("initiatives")
    for position, initiative in enumerate(initiatives):
        if initiative not in index.initiatives:
            report.error(
                path,
                fields.item_line("initiatives", position),
                f"unknown initiative '{initiative}'",
            )
    skills = check_skills(fields, "skills", index.skills)
    if skills and source:
        fields.error("skills", "a translation takes its skills from the source; remove 'skills'")
    title = fields.text("title", max_length=200)
    minutes = fields.integer("minutes", minimum=1, maximum=600)
    rewrite = lesson_rewriter(report, path, document, meta, index)
    html = render_body(report, path, document, rewrite, language, cache)
    if html is None or len(report.errors) > errors_before:
        return None
    version = LessonVersion(
        language, title, minutes or 0, html, str(path), file_hash(path.read_bytes()), outdated
    )
    return version, initiatives, skills


def lesson_rewriter(
    report: Report, path: Path, document: FrontMatter, meta: ModuleMeta, index: CourseIndex
) -> Rewriter:
    folder = path.parent.resolve()
    media = folder / "media"

    def problem(target: str, message: str) -> None:
        report.error(path, line_of(document, target), message)

    def rewrite(kind: str, target: str) -> str | None:
        parts = urlsplit(target)
        if parts.scheme in {"http", "https", "mailto"}:
            if kind == "image":
                problem(
                    target,
                    f"'{target}': images must be files in this module's media/ "
                    "folder (pages may only load images from this site)",
                )
                return None
            return target
        if parts.scheme == "initiative":
            if parts.path in index.initiatives:
                return f"/initiatives/{parts.path}"
            problem(target, f"link to unknown initiative '{parts.path}'")
            return None
        if parts.scheme or parts.netloc:
            return target  # the sanitizer removes it and the audit reports it
        resolved = (folder / unquote(parts.path)).resolve()
        if kind == "link" and parts.path.endswith(".md"):
            stem = resolved.name.removesuffix(".md")
            head, _, tail = stem.rpartition(".")
            if head and LANGUAGE_RE.fullmatch(tail):
                stem = head
            found = index.lessons.get((resolved.parent, stem))
            if found is None:
                problem(target, f"link to unknown lesson '{target}'")
                return None
            fragment = f"#{parts.fragment}" if parts.fragment else ""
            return f"/modules/{found[0]}/lessons/{found[1]}{fragment}"
        if media not in resolved.parents or not resolved.is_file():
            noun = "image" if kind == "image" else "file"
            problem(target, f"unknown {noun} '{target}' (put it in this module's media/ folder)")
            return None
        return f"/modules/{meta.id}/media/{resolved.relative_to(media).as_posix()}"

    return rewrite
