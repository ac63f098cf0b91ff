"""The initiatives library: ``initiatives/<id>.yaml`` for facts and sources, and
``initiatives/<id>.<lang>.md`` for the text in each language (front matter: name, summary,
places; body: what happened, figures and lessons learned, citing the sources)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from .cache import RenderCache
from .fields import (
    LANGUAGE_RE,
    Fields,
    FrontMatter,
    line_of,
    read_text,
    read_yaml,
    render_body,
    split_front_matter,
)
from .markup import Rewriter
from .model import Initiative, InitiativeText, Source, frozen_map
from .problems import Report
from .quizzes import check_source_version
from .vocabulary import FORMATS, REGIONS

FACTS = {"language", "years", "regions", "formats", "languages", "wikimedia", "partners", "sources"}
TEXT = {"source", "name", "summary", "places"}
SOURCE = {"id", "title", "url"}
TEXT_FILE_RE = re.compile(r"^(?P<id>[a-z0-9-]+)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]+)?)\.md$")


def is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _facts(report: Report, path: Path) -> tuple[Fields, str] | None:
    data = read_yaml(report, path)
    if data is None:
        return None
    fields = Fields(report, path, data, FACTS)
    language = fields.text("language")
    return fields, language


def _check_vocabulary(fields: Fields, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    values = fields.texts(key, required=True, min_items=1)
    for index, value in enumerate(values):
        if value not in allowed:
            fields.report.error(
                fields.path,
                fields.item_line(key, index),
                f"unknown {key[:-1]} '{value}' (use one of: {', '.join(allowed)})",
            )
    return values


def _languages(fields: Fields) -> tuple[str, ...]:
    """The languages an initiative worked in, each checked."""
    worked_in = fields.texts("languages", required=True, min_items=1)
    for index, code in enumerate(worked_in):
        if not LANGUAGE_RE.fullmatch(code):
            fields.report.error(
                fields.path,
                fields.item_line("languages", index),
                f"'{code}' is not a language code such as fr or pt-BR",
            )
    return worked_in


def _sources(report: Report, path: Path, fields: Fields) -> tuple[Source, ...]:
    sources = []
    for entry in fields.items("sources"):
        source = Fields(report, path, entry, SOURCE)
        url = source.text("url", max_length=2000)
        if url and not is_web_url(url):
            source.error("url", "a source url must start with https:// or http://")
        sources.append(Source(source.identifier("id", required=False), source.text("title"), url))
    if not sources and "sources" in fields.data:
        fields.error("sources", "an initiative needs at least one source")
    return tuple(sources)


def read_initiative(
    report: Report,
    path: Path,
    languages: tuple[str, ...],
    known: set[str],
    cache: RenderCache | None = None,
) -> Initiative | None:
    """Read one initiative and its texts (rendered through ``cache`` when given); None if its
    facts file has errors."""
    errors_before = len(report.errors)
    facts = _facts(report, path)
    if facts is None:
        return None
    fields, source_language = facts
    regions = _check_vocabulary(fields, "regions", REGIONS)
    formats = _check_vocabulary(fields, "formats", FORMATS)
    worked_in = _languages(fields)
    initiative_id = path.name.removesuffix(".yaml")
    texts = {}
    source_text = path.with_name(f"{initiative_id}.{source_language}.md")
    for text_path in sorted(path.parent.glob(f"{initiative_id}.*.md")):
        match = TEXT_FILE_RE.fullmatch(text_path.name)
        if match is None or match["id"] != initiative_id:
            continue
        language = match["lang"]
        source = source_text if language != source_language else None
        text = _read_text(report, text_path, known, language, source, cache)
        if text is not None:
            texts[language] = text
    if source_language and not source_text.exists():
        report.error(
            path, fields.line("language"), f"no text in the source language: add {source_text.name}"
        )
    for language in languages:
        if language not in texts and language != source_language:
            report.warn(path, 0, f"no {language} text for this initiative")
    initiative = Initiative(
        id=initiative_id,
        years=fields.text("years", max_length=40),
        regions=regions,
        formats=formats,
        languages=worked_in,
        wikimedia=fields.texts("wikimedia", required=True, min_items=1),
        partners=fields.texts("partners"),
        sources=_sources(report, path, fields),
        texts=frozen_map(texts),
    )
    return None if len(report.errors) > errors_before or not texts else initiative


def _rewriter(report: Report, path: Path, document: FrontMatter, known: set[str]) -> Rewriter:
    """Initiative texts link to web pages and to other initiatives (``initiative:<id>``)."""

    def rewrite(kind: str, target: str) -> str | None:
        parts = urlsplit(target)
        line = line_of(document, target)
        if parts.scheme == "initiative" and kind == "link":
            if parts.path in known:
                return f"/initiatives/{parts.path}"
            report.error(path, line, f"link to unknown initiative '{parts.path}'")
            return None
        if kind == "link" and (parts.scheme in {"http", "https", "mailto"} or parts.scheme):
            return target  # the sanitizer drops unsafe schemes and the audit reports them
        report.error(
            path,
            line,
            f"'{target}': initiative texts link only to web pages and "
            "initiative:<id>, and show no images",
        )
        return None

    return rewrite


def _read_text(
    report: Report,
    path: Path,
    known: set[str],
    language: str,
    source: Path | None,
    cache: RenderCache | None,
) -> InitiativeText | None:
    raw = read_text(report, path)
    if raw is None:
        return None
    document = split_front_matter(report, path, raw)
    if document is None:
        return None
    fields = Fields(report, path, document.fields, TEXT)
    if source is not None and source.exists():
        check_source_version(report, path, fields, source)
    rewrite = _rewriter(report, path, document, known)
    html = render_body(report, path, document, rewrite, language, cache)
    if html is None:
        return None
    return InitiativeText(
        name=fields.text("name", max_length=200),
        summary=fields.text("summary", max_length=1000),
        places=fields.text("places", required=False, max_length=500),
        html=html,
    )
