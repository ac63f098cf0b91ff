"""Badge definitions: ``badges/<id>.yaml`` with artwork beside it (SVG, PNG or both)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from .fields import Fields, read_yaml
from .initiativefiles import is_web_url
from .model import Alignment, Badge, BadgeSkill, SkillsFramework, frozen_map
from .problems import Report
from .yamlfile import Map

BADGE = {
    "id",
    "name",
    "description",
    "criteria",
    "requires",
    "image",
    "valid_for_days",
    "tags",
    "alignments",
    "skills",
}
REQUIRES = {"modules", "min_score"}
IMAGE = {"svg", "png"}
ALIGNMENT = {"name", "url", "description", "framework", "code"}
CLAIM = {"skill", "level"}
MAX_ARTWORK_BYTES = 512 * 1024


def _per_language(
    report: Report,
    path: Path,
    fields: Fields,
    key: str,
    languages: tuple[str, ...],
    max_length: int,
) -> dict[str, str]:
    """A text given once per language: ``name: {en: …, fr: …}``."""
    value = fields.mapping(key)
    if value is None:
        return {}
    texts = {}
    for language, text in value.items():
        if not isinstance(text, str) or not text.strip():
            report.error(path, value.line_of(language), f"'{key}.{language}' must be a text")
        elif len(text) > max_length:
            report.error(
                path,
                value.line_of(language),
                f"'{key}.{language}' is longer than {max_length} characters",
            )
        else:
            texts[language] = text.strip()
    for language in languages:
        if language not in texts:
            report.warn(path, value.line, f"'{key}' has no {language} text")
    return texts


def _artwork(report: Report, path: Path, fields: Fields) -> dict[str, str]:
    image = fields.mapping("image")
    if image is None:
        return {}
    Fields(report, path, image, IMAGE, what="image format")
    files = {}
    for kind in IMAGE & set(image):
        name = image[kind]
        target = (path.parent / str(name)).resolve()
        line = image.line_of(kind)
        if not isinstance(name, str) or not name.endswith(f".{kind}"):
            report.error(path, line, f"'image.{kind}' must name a .{kind} file")
        elif path.parent.resolve() not in target.parents:
            report.error(path, line, f"'{name}' is outside the badges folder")
        elif not target.is_file():
            report.error(path, line, f"unknown image '{name}'")
        elif target.stat().st_size > MAX_ARTWORK_BYTES:
            report.error(path, line, f"'{name}' is larger than {MAX_ARTWORK_BYTES // 1024} KB")
        else:
            files[kind] = str(target)
    if not image:
        report.error(path, image.line, "give the artwork as svg, png or both")
    return files


def _alignments(report: Report, path: Path, fields: Fields) -> tuple[Alignment, ...]:
    alignments = []
    for entry in fields.items("alignments", required=False):
        alignment = Fields(report, path, entry, ALIGNMENT)
        url = alignment.text("url", max_length=2000)
        if url and not is_web_url(url):
            alignment.error("url", "an alignment url must start with https:// or http://")
        alignments.append(
            Alignment(
                name=alignment.text("name", max_length=200),
                url=url,
                description=alignment.text("description", required=False),
                framework=alignment.text("framework", required=False, max_length=200),
                code=alignment.text("code", required=False, max_length=100),
            )
        )
    return tuple(alignments)


def _skills(
    report: Report, path: Path, fields: Fields, framework: SkillsFramework | None
) -> tuple[BadgeSkill, ...]:
    """The skills a badge certifies, each at a level the framework has."""
    claims = []
    for entry in fields.items("skills", required=False):
        claim = Fields(report, path, entry, CLAIM)
        skill, level = claim.identifier("skill"), claim.identifier("level")
        if skill and (framework is None or framework.skill(skill) is None):
            claim.error("skill", f"unknown skill '{skill}' (skills are listed in skills.yaml)")
        if level and (framework is None or framework.level(level) is None):
            claim.error("level", f"unknown level '{level}': the skills framework has no such level")
        if any(skill == known.skill for known in claims):
            claim.error("skill", f"the badge lists skill '{skill}' twice")
        claims.append(BadgeSkill(skill, level))
    return tuple(claims)


def read_badge(
    report: Report,
    path: Path,
    languages: tuple[str, ...],
    modules: set[str],
    framework: SkillsFramework | None = None,
) -> Badge | None:
    """Read one badge file; None when it has errors (all of them reported).

    ``modules`` are the ids of the course's modules, which the badge may require;
    ``framework`` the skills framework, whose skills and levels it may certify.
    """
    data = read_yaml(report, path)
    if data is None:
        return None
    errors_before = len(report.errors)
    fields = Fields(report, path, data, BADGE)
    badge_id = fields.identifier("id")
    if badge_id and badge_id != path.stem:
        fields.error("id", f"the id '{badge_id}' must match the file name '{path.stem}.yaml'")
    requires = fields.mapping("requires") or Map()
    needs = Fields(report, path, requires, REQUIRES)
    required = needs.identifiers("modules", required=True)
    if not required and "modules" in requires:
        needs.error("modules", "a badge requires at least one module")
    for index, module_id in enumerate(required):
        if module_id not in modules:
            report.error(
                path,
                needs.item_line("modules", index),
                f"the badge requires unknown module '{module_id}'",
            )
    days = fields.integer("valid_for_days", required=False, minimum=1, maximum=36500)
    badge = Badge(
        id=badge_id,
        names=frozen_map(_per_language(report, path, fields, "name", languages, 100)),
        descriptions=frozen_map(
            _per_language(report, path, fields, "description", languages, 2000)
        ),
        criteria=frozen_map(_per_language(report, path, fields, "criteria", languages, 5000)),
        modules=required,
        min_score=needs.integer("min_score", required=False, minimum=1, maximum=100),
        images=frozen_map(_artwork(report, path, fields)),
        valid_for=timedelta(days=days) if days else None,
        tags=fields.texts("tags"),
        alignments=_alignments(report, path, fields),
        skills=_skills(report, path, fields, framework),
    )
    return None if len(report.errors) > errors_before else badge
