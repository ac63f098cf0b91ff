"""Read ``modules/`` and ``badges/`` into a :class:`~course.content.model.Course`.

Everything is checked while reading and every problem is reported (never only the first),
with its file and line; see ``modules/README.md`` for the format. A course with errors is
still returned, as far as it could be read, so that tools can show what they have.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from .badgefiles import read_badge
from .cache import RenderCache
from .initiativefiles import read_initiative
from .lessonfiles import LESSON_RE, CourseIndex, ModuleMeta, read_lessons
from .model import Badge, Course, Initiative, Lesson, Module, SkillsFramework, frozen_map
from .modulefiles import MODULE_TEXT_RE, read_module_metadata, read_module_texts
from .problems import Report
from .quizzes import read_quizzes
from .skillfiles import check_assessed, is_framework_file, read_framework

LIBRARY = "initiatives"
MAX_FILES_PER_MODULE = 500


def load_course(
    modules_dir: Path,
    badges_dir: Path,
    languages: Sequence[str],
    cache: RenderCache | None = None,
) -> tuple[Course, Report]:
    """Read and check the whole course; see the module docstring. Markdown is rendered
    through ``cache`` when given (see :mod:`course.content.cache`)."""
    report = Report()
    languages = tuple(languages)
    if not modules_dir.is_dir():
        report.error(modules_dir, 0, "modules folder not found")
        return Course(), report
    index = CourseIndex(modules_dir)
    library = modules_dir / LIBRARY
    if library.is_dir():
        index.initiatives = {p.name.removesuffix(".yaml") for p in library.glob("*.yaml")}
    folders = sorted(p for p in modules_dir.iterdir() if p.is_dir() and _is_module_folder(p))
    metadata = {folder: read_module_metadata(report, folder) for folder in folders}
    for folder, meta in metadata.items():
        if meta is not None:
            for path in folder.glob("*.md"):
                match = LESSON_RE.fullmatch(path.name)
                if match:
                    key = (folder.resolve(), f"{match['order']}-{match['id']}")
                    index.lessons[key] = (meta.id, match["id"])

    initiatives = _read_initiatives(report, library, languages, index.initiatives, cache)

    found = read_framework(report, badges_dir, languages) if badges_dir.is_dir() else None
    framework = found.framework if found else None
    index.skills = frozenset(skill.id for skill in framework.skills) if framework else frozenset()
    modules = []
    for folder, meta in metadata.items():
        if meta is not None:
            module = _read_module(report, folder, meta, index, languages, cache)
            if module is not None:
                modules.append(module)
    modules.sort(key=lambda m: (m.order, m.id))
    _check_modules(report, modules, metadata, index)

    known = {meta.id for meta in metadata.values() if meta}
    badges = _read_badges(report, badges_dir, languages, known, framework)
    if found and not report.errors:
        assessed = {q.skill for m in modules for quiz in m.quizzes for q in quiz.questions}
        check_assessed(report, found, {skill for skill in assessed if skill})
    report.problems.sort(key=lambda p: (p.path, p.line))
    course = Course(tuple(modules), tuple(badges), frozen_map(initiatives), framework)
    return course, report


def _read_initiatives(
    report: Report,
    library: Path,
    languages: tuple[str, ...],
    known: set[str],
    cache: RenderCache | None,
) -> dict[str, Initiative]:
    """Every initiative of the library folder, by id."""
    initiatives = {}
    for path in sorted(library.glob("*.yaml")) if library.is_dir() else []:
        initiative = read_initiative(report, path, languages, known, cache)
        if initiative is not None:
            initiatives[initiative.id] = initiative
    return initiatives


def _read_badges(
    report: Report,
    badges_dir: Path,
    languages: tuple[str, ...],
    modules: set[str],
    framework: SkillsFramework | None,
) -> list[Badge]:
    """Every badge file of ``badges_dir`` (the skills framework's files are not badges)."""
    if not badges_dir.is_dir():
        if badges_dir.exists():
            report.error(badges_dir, 0, "badges path is not a folder")
        return []
    badges = []
    for path in sorted(badges_dir.glob("*.yaml")):
        if not is_framework_file(path):
            badge = read_badge(report, path, languages, modules, framework)
            if badge is not None:
                badges.append(badge)
    return badges


def _is_module_folder(path: Path) -> bool:
    return path.name != LIBRARY and not path.name.startswith((".", "_"))


def _read_module(
    report: Report,
    folder: Path,
    meta: ModuleMeta,
    index: CourseIndex,
    languages: tuple[str, ...],
    cache: RenderCache | None,
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
    texts = read_module_texts(report, folder, meta, languages)
    lessons = read_lessons(report, folder, meta, index, languages, cache)
    quizzes = read_quizzes(report, folder, meta.id, meta.source, languages, index.skills)
    _warn_unexpected(report, folder, files)
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
        content_hash=_content_hash(folder, files),
    )


def _warn_unexpected(report: Report, folder: Path, files: list[Path]) -> None:
    for path in files:
        relative = path.relative_to(folder)
        if relative.parts[0] in {"media", "quizzes"} or path.name == "module.yaml":
            continue
        if not (LESSON_RE.fullmatch(path.name) or MODULE_TEXT_RE.fullmatch(path.name)):
            report.warn(path, 0, "unexpected file: lessons are named like 01-title.en.md")


def _content_hash(folder: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _check_modules(
    report: Report,
    modules: list[Module],
    metadata: dict[Path, ModuleMeta | None],
    index: CourseIndex,
) -> None:
    seen: dict[str, Path] = {}
    quiz_ids: dict[str, str] = {}
    for folder, meta in metadata.items():
        if meta is None:
            continue
        path = folder / "module.yaml"
        if meta.id in seen:
            also = seen[meta.id].name
            report.error(path, meta.line["id"], f"duplicate module id '{meta.id}' (also in {also})")
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
            message = "prerequisites go round in a circle back to this module"
            report.error(folder / "module.yaml", meta.line["prerequisites"], message)
    for module in modules:
        for quiz in module.quizzes:
            if quiz.id in quiz_ids:
                report.error(
                    Path(module.folder) / "quizzes",
                    0,
                    f"duplicate quiz id '{quiz.id}' (also in module {quiz_ids[quiz.id]})",
                )
            quiz_ids.setdefault(quiz.id, module.id)


def _in_cycle(start: str, known: dict[str, ModuleMeta]) -> bool:
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


def initiatives_citing(course: Course, initiative_id: str) -> list[tuple[Module, Lesson]]:
    """Every lesson that draws on ``initiative_id``, in course order."""
    return [
        (module, lesson)
        for module in course.modules
        for lesson in module.lessons
        if initiative_id in lesson.initiatives
    ]


__all__ = ["Initiative", "initiatives_citing", "load_course"]
