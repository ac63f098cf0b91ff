"""The skills framework: ``badges/skills.yaml`` with its texts in ``skills.<language>.yaml``.

``skills.yaml`` holds what never changes with the wording: the source language, the levels
in order, the groups and the skills with their ids and stable UUIDs (the CASE identifiers
others import). Each ``skills.<language>.yaml`` gives the texts: a title, a description, and
per id a level's, group's or skill's name with its description or statement. A translation
names the version of the source texts it was made from with ``source:``, as everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from .fields import LANG, Fields, read_yaml
from .model import Skill, SkillGroup, SkillLevel, SkillsFramework, frozen_map
from .problems import Report
from .translation import check_source_version
from .yamlfile import Map

FRAMEWORK = {"language", "identifier", "updated", "levels", "groups", "skills"}
GROUP = {"id", "identifier"}
SKILL = {"id", "group", "identifier"}
TEXTS = {"source", "title", "description", "levels", "groups", "skills"}
KINDS = {"levels": ("name", "description"), "groups": ("name", "description")}
KINDS["skills"] = ("name", "statement")
TEXTS_RE = re.compile(rf"^skills\.{LANG}\.yaml$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
FRAMEWORK_FILE = "skills.yaml"


def is_framework_file(path: Path) -> bool:
    """Whether a file of the badges folder belongs to the framework (and is no badge)."""
    return path.name == FRAMEWORK_FILE or bool(TEXTS_RE.fullmatch(path.name))


@dataclass
class FrameworkFile:
    """A framework as read, with the lines of its skills to report problems at."""

    framework: SkillsFramework
    path: Path
    lines: dict[str, int] = field(default_factory=dict)
    ok: bool = True


def _entries(fields: Fields, key: str, allowed: set[str], seen: dict[str, str]) -> list[Fields]:
    """The entries of a list of ``id``/``identifier`` mappings, duplicates reported."""
    kept = []
    for index, entry in enumerate(fields.items(key)):
        entry_fields = Fields(fields.report, fields.path, entry, allowed)
        entry_id = entry_fields.identifier("id")
        uuid = entry_fields.text("identifier", max_length=36).lower()
        if uuid and not UUID_RE.fullmatch(uuid):
            entry_fields.error("identifier", f"'{uuid}' is not a UUID (uuidgen makes one)")
        line = fields.item_line(key, index)
        if not entry_id:
            continue
        if f"{key}:{entry_id}" in seen:
            fields.report.error(fields.path, line, f"duplicate {key[:-1]} id '{entry_id}'")
            continue
        if uuid and uuid in seen:
            fields.report.error(fields.path, line, f"identifier {uuid} is also {seen[uuid]}'s")
            continue
        seen[f"{key}:{entry_id}"] = seen[uuid] = entry_id
        kept.append(entry_fields)
    return kept


def _texts(report: Report, folder: Path, source: str, known: dict[str, set[str]]) -> dict[str, Map]:
    """Each language's texts file, checked against the ids of ``skills.yaml``."""
    texts: dict[str, Map] = {}
    source_path = folder / f"skills.{source}.yaml"
    for path in sorted(folder.glob("skills.*.yaml")):
        match = TEXTS_RE.fullmatch(path.name)
        data = read_yaml(report, path) if match else None
        if data is None:
            continue
        fields = Fields(report, path, data, TEXTS)
        if match["lang"] != source and source_path.is_file():
            check_source_version(report, path, fields, source_path)
        is_source = match["lang"] == source
        fields.text("title", required=is_source, max_length=200)
        fields.text("description", required=is_source)
        for kind, keys in KINDS.items():
            entries = fields.mapping(kind, required=is_source) or Map()
            for entry_id, entry in entries.items():
                line = entries.line_of(entry_id)
                if entry_id not in known[kind]:
                    report.error(path, line, f"unknown {kind[:-1]} '{entry_id}'")
                elif not isinstance(entry, Map):
                    report.error(path, line, f"'{entry_id}' needs {' and '.join(keys)}")
                else:
                    entry_fields = Fields(report, path, entry, set(keys))
                    entry_fields.text(keys[0], max_length=200)
                    entry_fields.text(keys[1], max_length=1000)
            for entry_id in sorted(known[kind] - set(entries)):
                (report.error if is_source else report.warn)(
                    path, entries.line or data.line, f"no text for {kind[:-1]} '{entry_id}'"
                )
        texts[match["lang"]] = data
    return texts


def _per_language(texts: dict[str, Map], kind: str, entry_id: str, key: str) -> dict[str, str]:
    found = {}
    for language, data in texts.items():
        entry = data.get(kind, {}).get(entry_id) if isinstance(data.get(kind), Map) else None
        value = entry.get(key) if isinstance(entry, Map) else None
        if isinstance(value, str) and value.strip():
            found[language] = value.strip()
    return found


def read_framework(
    report: Report, folder: Path, languages: tuple[str, ...]
) -> FrameworkFile | None:
    """Read ``skills.yaml`` and its texts from ``folder``; None when absent or unreadable.

    With errors (all reported), the framework holds what could be read, so that lessons,
    questions and badges are still checked against its ids; ``ok`` is then False.
    """
    path = folder / FRAMEWORK_FILE
    if not path.is_file():
        return None
    data = read_yaml(report, path)
    if data is None:
        return None
    errors_before = len(report.errors)
    fields = Fields(report, path, data, FRAMEWORK)
    source = fields.text("language", max_length=16)
    identifier = fields.text("identifier", max_length=36).lower()
    if identifier and not UUID_RE.fullmatch(identifier):
        fields.error("identifier", f"'{identifier}' is not a UUID (uuidgen makes one)")
    updated = fields.text("updated", max_length=10)
    if updated and not DATE_RE.fullmatch(updated):
        fields.error("updated", "'updated' is a date written 2026-11-30")
    level_ids = fields.identifiers("levels", required=True)
    for index, level in enumerate(level_ids):
        if level in level_ids[:index]:
            report.error(path, fields.item_line("levels", index), f"duplicate level id '{level}'")
    seen: dict[str, str] = {identifier: "the framework"}
    groups = _entries(fields, "groups", GROUP, seen)
    skills = _entries(fields, "skills", SKILL, seen)
    group_ids = [g.data["id"] for g in groups]
    for skill in skills:
        group = skill.identifier("group")
        if group and group not in group_ids:
            skill.error("group", f"unknown group '{group}'")
    known = {
        "levels": set(level_ids),
        "groups": set(group_ids),
        "skills": {s.data["id"] for s in skills},
    }
    texts = _texts(report, folder, source, known)
    if source and source not in texts:
        fields.error("language", f"no skills.{source}.yaml with the framework's texts")
    for language in languages:
        if language not in texts and language != source:
            report.warn(path, 0, f"no {language} translation (skills.{language}.yaml)")
    framework = _framework(data, source, updated, level_ids, groups, skills, texts)
    lines = {skill.data["id"]: skill.data.line for skill in skills}
    return FrameworkFile(framework, path, lines, ok=len(report.errors) == errors_before)


def _framework(
    data: Map,
    source: str,
    updated: str,
    level_ids: tuple[str, ...],
    groups: list[Fields],
    skills: list[Fields],
    texts: dict[str, Map],
) -> SkillsFramework:
    def text(kind: str, entry_id: str, key: str) -> object:
        return frozen_map(_per_language(texts, kind, entry_id, key))

    return SkillsFramework(
        identifier=str(data.get("identifier", "")).lower(),
        source=source,
        updated=updated,
        titles=frozen_map(
            {lang: str(t["title"]).strip() for lang, t in texts.items() if "title" in t}
        ),
        descriptions=frozen_map(
            {lang: str(t["description"]).strip() for lang, t in texts.items() if "description" in t}
        ),
        levels=tuple(
            SkillLevel(lid, order, text("levels", lid, "name"), text("levels", lid, "description"))
            for order, lid in enumerate(level_ids, start=1)
        ),
        groups=tuple(
            SkillGroup(
                id=g.data["id"],
                identifier=str(g.data.get("identifier", "")).lower(),
                names=text("groups", g.data["id"], "name"),
                descriptions=text("groups", g.data["id"], "description"),
                skills=tuple(s.data["id"] for s in skills if s.data.get("group") == g.data["id"]),
            )
            for g in groups
        ),
        skills=tuple(
            Skill(
                id=s.data["id"],
                group=str(s.data.get("group", "")),
                identifier=str(s.data.get("identifier", "")).lower(),
                names=text("skills", s.data["id"], "name"),
                statements=text("skills", s.data["id"], "statement"),
            )
            for s in skills
        ),
    )


def check_skills(fields: Fields, key: str, skills: Collection[str] | None) -> tuple[str, ...]:
    """The skill ids listed under ``key``, each unknown one reported at its line."""
    ids = fields.identifiers(key)
    for index, skill in enumerate(ids):
        if skill not in (skills or ()):
            fields.report.error(fields.path, fields.item_line(key, index), unknown_skill(skill))
    return ids


def unknown_skill(skill: str) -> str:
    return f"unknown skill '{skill}' (skills are listed in badges/skills.yaml)"


def check_assessed(report: Report, found: FrameworkFile, assessed: set[str]) -> None:
    """Warn about each skill that no quiz question assesses."""
    for skill in found.framework.skills:
        if skill.id not in assessed:
            report.warn(found.path, found.lines[skill.id], f"no question assesses '{skill.id}'")
