"""Modules: ``module.yaml`` (id, order, source language, prerequisites...) and each
language's ``module.<language>.yaml`` (title, summary, outcomes, audience)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from .fields import LANG, LANGUAGE_RE, Fields, read_yaml
from .lessonfiles import ModuleMeta
from .model import ModuleText
from .problems import Report
from .translation import check_source_version

MODULE = {"id", "order", "language", "minutes", "prerequisites", "tags", "initiatives"}
MODULE_TEXT = {"source", "title", "summary", "outcomes", "audience"}
MODULE_TEXT_RE = re.compile(rf"^module\.{LANG}\.yaml$")


def read_module_metadata(report: Report, folder: Path) -> ModuleMeta | None:
    """What ``module.yaml`` says, or None if it has no usable id."""
    path = folder / "module.yaml"
    if not path.is_file():
        report.error(folder, 0, "a module folder needs a module.yaml file")
        return None
    data = read_yaml(report, path)
    if data is None:
        return None
    errors_before = len(report.errors)
    fields = Fields(report, path, data, MODULE)
    meta = ModuleMeta(
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


def read_module_texts(
    report: Report, folder: Path, meta: ModuleMeta, languages: tuple[str, ...]
) -> dict[str, ModuleText]:
    """The module's title, summary and outcomes in each language, by language."""
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
