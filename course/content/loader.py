"""Read ``modules/`` and ``badges/`` into a :class:`~course.content.model.Course`.

Everything is checked while reading and every problem is reported (never only the first),
with its file and line; see ``modules/README.md`` for the format. A course with errors is
still returned, as far as it could be read, so that tools can show what they have.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .badges import read_badge
from .fields import (
    LANGUAGE_RE,
    Fields,
    FrontMatter,
    file_hash,
    line_of,
    read_text,
    read_yaml,
    render_body,
    split_front_matter,
)
from .library import read_initiative
from .markup import Rewriter
from .model import Course, Initiative, Lesson, LessonVersion, Module, ModuleText, Quiz, frozen_map
from .problems import Report
from .quizzes import add_translation, check_source_version, read_source_quiz

MODULE = {"id", "order", "language", "minutes", "prerequisites", "tags", "initiatives"}
MODULE_TEXT = {"source", "title", "summary", "outcomes", "audience"}
LESSON = {"source", "title", "minutes", "initiatives"}
LANG = r"(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)"
LESSON_RE = re.compile(
    rf"^(?P<order>\d{{1,3}})-(?P<id>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.{LANG}\.md$"
)
MODULE_TEXT_RE = re.compile(rf"^module\.{LANG}\.yaml$")
QUIZ_RE = re.compile(rf"^(?P<name>[a-z0-9][a-z0-9-]*)\.{LANG}\.yaml$")
LIBRARY = "initiatives"
MAX_FILES_PER_MODULE = 500


@dataclass
class _Index:
    """What pass one learns about every module, so that pass two can check links."""

    modules_dir: Path
    initiatives: set[str] = field(default_factory=set)
    #: (folder, "01-lesson-name") -> (module id, lesson id)
    lessons: dict[tuple[Path, str], tuple[str, str]] = field(default_factory=dict)


def load_course(
    modules_dir: Path, badges_dir: Path, languages: Sequence[str]
) -> tuple[Course, Report]:
    """Read and check the whole course; see the module docstring."""
    report = Report()
    languages = tuple(languages)
    if not modules_dir.is_dir():
        report.error(modules_dir, 0, "modules folder not found")
        return Course(), report
    index = _Index(modules_dir)
    library = modules_dir / LIBRARY
    if library.is_dir():
        index.initiatives = {p.name.removesuffix(".yaml") for p in library.glob("*.yaml")}
    folders = sorted(p for p in modules_dir.iterdir() if p.is_dir() and _is_module_folder(p))
    metadata = {folder: _read_module_metadata(report, folder) for folder in folders}
    for folder, meta in metadata.items():
        if meta is not None:
            for path in folder.glob("*.md"):
                match = LESSON_RE.fullmatch(path.name)
                if match:
                    key = (folder.resolve(), f"{match['order']}-{match['id']}")
                    index.lessons[key] = (meta.id, match["id"])

    initiatives = {}
    for path in sorted(library.glob("*.yaml")) if library.is_dir() else []:
        initiative = read_initiative(report, path, languages, index.initiatives)
        if initiative is not None:
            initiatives[initiative.id] = initiative

    modules = []
    for folder, meta in metadata.items():
        if meta is not None:
            module = _read_module(report, folder, meta, index, languages)
            if module is not None:
                modules.append(module)
    modules.sort(key=lambda m: (m.order, m.id))
    _check_modules(report, modules, metadata, index)

    badges = []
    if badges_dir.is_dir():
        for path in sorted(badges_dir.glob("*.yaml")):
            known = {meta.id for meta in metadata.values() if meta}
            badge = read_badge(report, path, languages, known)
            if badge is not None:
                badges.append(badge)
    elif badges_dir.exists():
        report.error(badges_dir, 0, "badges path is not a folder")

    report.problems.sort(key=lambda p: (p.path, p.line))
    return Course(tuple(modules), tuple(badges), frozen_map(initiatives)), report


def _is_module_folder(path: Path) -> bool:
    return path.name != LIBRARY and not path.name.startswith((".", "_"))


@dataclass(frozen=True)
class _Meta:
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


def _read_module_metadata(report: Report, folder: Path) -> _Meta | None:
    path = folder / "module.yaml"
    if not path.is_file():
        report.error(folder, 0, "a module folder needs a module.yaml file")
        return None
    data = read_yaml(report, path)
    if data is None:
        return None
    errors_before = len(report.errors)
    fields = Fields(report, path, data, MODULE)
    meta = _Meta(
        id=fields.identifier("id"),
        order=fields.integer("order", minimum=0, maximum=999) or 0,
        source=fields.text("language", max_length=16),
        minutes=fields.integer("minutes", minimum=1, maximum=6000) or 0,
        prerequisites=fields.identifiers("prerequisites"),
        tags=fields.texts("tags"),
        initiatives=fields.identifiers("initiatives"),
        line={key: data.line_of(key) for key in MODULE},
    )
    if meta.source and not LANGUAGE_RE.fullmatch(meta.source):
        fields.error("language", f"'{meta.source}' is not a language code such as en or fr")
    if len(report.errors) > errors_before:
        meta = dataclasses.replace(meta, ok=False)
    return meta if meta.id else None


def _read_module(
    report: Report, folder: Path, meta: _Meta, index: _Index, languages: tuple[str, ...]
) -> Module | None:
    errors_before = len(report.errors)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    if len(files) > MAX_FILES_PER_MODULE:
        report.error(folder, 0, f"a module has at most {MAX_FILES_PER_MODULE} files")
        return None
    module_yaml = folder / "module.yaml"
    for initiative in meta.initiatives:
        if initiative not in index.initiatives:
            report.error(
                module_yaml, meta.line["initiatives"], f"unknown initiative '{initiative}'"
            )
    texts = _read_module_texts(report, folder, meta, languages)
    lessons = _read_lessons(report, folder, meta, index, languages)
    quizzes = _read_quizzes(report, folder, meta, languages)
    for path in files:
        relative = path.relative_to(folder)
        if relative.parts[0] in {"media", "quizzes"} or path.name == "module.yaml":
            continue
        if not (LESSON_RE.fullmatch(path.name) or MODULE_TEXT_RE.fullmatch(path.name)):
            report.warn(path, 0, "unexpected file: lessons are named like 01-title.en.md")
    if meta.source not in texts:
        report.error(
            module_yaml,
            meta.line["language"],
            f"no module.{meta.source}.yaml with the module's title and outcomes",
        )
    if not any(LESSON_RE.fullmatch(path.name) for path in folder.glob("*.md")):
        report.error(module_yaml, 0, "a module needs at least one lesson")
    if len(report.errors) > errors_before or not meta.ok:
        return None
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return Module(
        id=meta.id,
        order=meta.order,
        source=meta.source,
        minutes=meta.minutes,
        prerequisites=meta.prerequisites,
        tags=meta.tags,
        initiatives=meta.initiatives,
        texts=frozen_map(texts),
        lessons=tuple(lessons),
        quizzes=tuple(quizzes),
        folder=str(folder.resolve()),
        content_hash=digest.hexdigest(),
    )


def _read_module_texts(
    report: Report, folder: Path, meta: _Meta, languages: tuple[str, ...]
) -> dict[str, ModuleText]:
    texts = {}
    source_path = folder / f"module.{meta.source}.yaml"
    for path in sorted(folder.glob("module.*.yaml")):
        match = MODULE_TEXT_RE.fullmatch(path.name)
        data = read_yaml(report, path) if match else None
        if data is None:
            continue
        fields = Fields(report, path, data, MODULE_TEXT)
        if match["lang"] != meta.source and source_path.is_file():
            check_source_version(report, path, fields, source_path)
        texts[match["lang"]] = ModuleText(
            title=fields.text("title", max_length=200),
            summary=fields.text("summary", max_length=1000),
            outcomes=fields.texts("outcomes", required=True, min_items=1),
            audience=fields.text("audience", max_length=1000),
        )
    for language in languages:
        if language not in texts and language != meta.source:
            report.warn(
                folder / "module.yaml", 0, f"no {language} translation (module.{language}.yaml)"
            )
    return texts


def _read_lessons(
    report: Report, folder: Path, meta: _Meta, index: _Index, languages: tuple[str, ...]
) -> list[Lesson]:
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
        versions, cited = {}, ()
        for language, path in sorted(paths.items(), key=lambda item: item[0] != meta.source):
            version = _read_lesson(
                report, path, language, meta, index, None if language == meta.source else source
            )
            if version is not None:
                versions[language], initiatives = version
                cited = cited or initiatives
        for language in languages:
            if language not in paths:
                report.warn(source, 0, f"no {language} translation of this lesson")
        if meta.source in versions:
            lessons.append(Lesson(lesson_id, orders[lesson_id], cited, frozen_map(versions)))
    lessons.sort(key=lambda lesson: lesson.order)
    return lessons


def _read_lesson(
    report: Report, path: Path, language: str, meta: _Meta, index: _Index, source: Path | None
) -> tuple[LessonVersion, tuple[str, ...]] | None:
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
    title = fields.text("title", max_length=200)
    minutes = fields.integer("minutes", minimum=1, maximum=600)
    html = render_body(
        report, path, document, _lesson_rewriter(report, path, document, meta, index), language
    )
    if html is None or len(report.errors) > errors_before:
        return None
    version = LessonVersion(
        language, title, minutes or 0, html, str(path), file_hash(path.read_bytes()), outdated
    )
    return version, initiatives


def _read_quizzes(
    report: Report, folder: Path, meta: _Meta, languages: tuple[str, ...]
) -> list[Quiz]:
    quiz_folder = folder / "quizzes"
    if not quiz_folder.is_dir():
        return []
    files: dict[str, dict[str, Path]] = {}
    for path in sorted(quiz_folder.iterdir()):
        match = QUIZ_RE.fullmatch(path.name)
        if match is None:
            report.warn(path, 0, "unexpected file: quizzes are named like check.en.yaml")
            continue
        files.setdefault(match["name"], {})[match["lang"]] = path
    quizzes = []
    for name, paths in files.items():
        source = paths.get(meta.source)
        if source is None:
            report.error(
                next(iter(paths.values())),
                0,
                f"quiz '{name}' has no {meta.source} version, the module's source language",
            )
            continue
        quiz = read_source_quiz(report, source, meta.id, meta.source)
        if quiz is None:
            continue
        for language, path in paths.items():
            if language != meta.source:
                quiz = add_translation(report, path, quiz, language, source)
        for language in languages:
            if language not in paths:
                report.warn(source, 0, f"no {language} translation of this quiz")
        quizzes.append(quiz)
    return quizzes


def _check_modules(
    report: Report, modules: list[Module], metadata: dict[Path, _Meta | None], index: _Index
) -> None:
    seen: dict[str, Path] = {}
    quiz_ids: dict[str, str] = {}
    for folder, meta in metadata.items():
        if meta is None:
            continue
        path = folder / "module.yaml"
        if meta.id in seen:
            report.error(
                path,
                meta.line["id"],
                f"duplicate module id '{meta.id}' (also in {seen[meta.id].name})",
            )
        seen.setdefault(meta.id, folder)
    known = {meta.id: meta for meta in metadata.values() if meta}
    for folder, meta in metadata.items():
        if meta is None:
            continue
        for prerequisite in meta.prerequisites:
            if prerequisite not in known:
                report.error(
                    folder / "module.yaml",
                    meta.line["prerequisites"],
                    f"unknown prerequisite module '{prerequisite}'",
                )
        if _in_cycle(meta.id, known):
            report.error(
                folder / "module.yaml",
                meta.line["prerequisites"],
                "prerequisites go round in a circle back to this module",
            )
    for module in modules:
        for quiz in module.quizzes:
            if quiz.id in quiz_ids:
                report.error(
                    Path(module.folder) / "quizzes",
                    0,
                    f"duplicate quiz id '{quiz.id}' (also in module {quiz_ids[quiz.id]})",
                )
            quiz_ids.setdefault(quiz.id, module.id)


def _in_cycle(start: str, known: dict[str, _Meta]) -> bool:
    stack, seen = list(known[start].prerequisites), set()
    while stack:
        current = stack.pop()
        if current == start:
            return True
        if current in seen or current not in known:
            continue
        seen.add(current)
        stack.extend(known[current].prerequisites)
    return False


# --- links ---------------------------------------------------------------------------------


def _lesson_rewriter(
    report: Report, path: Path, document: FrontMatter, meta: _Meta, index: _Index
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


def initiatives_citing(course: Course, initiative_id: str) -> list[tuple[Module, Lesson]]:
    """Every lesson that draws on ``initiative_id``, in course order."""
    return [
        (module, lesson)
        for module in course.modules
        for lesson in module.lessons
        if initiative_id in lesson.initiatives
    ]


__all__ = ["Initiative", "initiatives_citing", "load_course"]
