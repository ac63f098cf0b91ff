"""The glossary, ``modules/glossary.yaml``: one term per concept, and variants to avoid.

Each entry has an ``id``, the preferred term per language (``en: edit-a-thon``), optional
``avoid`` variants per language and an optional ``note`` per language. :func:`check_terms`
warns where a text in a language uses one of that language's variants to avoid (whole
words, any case): lessons, module texts, quizzes and initiative texts. Web addresses and
YAML ids are not texts and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .fields import Fields, read_text, read_yaml
from .lessonfiles import LESSON_RE
from .loader import LIBRARY, MODULE_TEXT_RE
from .problems import Report
from .quizzes import QUIZ_RE
from .yamlcheck import scalars
from .yamlfile import Map

GLOSSARY_FILE = "glossary.yaml"
TERM = {"id", "avoid", "note"}
#: Addresses: in angle brackets, in a Markdown link target, or bare.
_ADDRESS = re.compile(r"<[a-z][a-z0-9+.-]*:[^>\s]*>|\]\([^)\s]*\)|\b[a-z][a-z0-9+.-]*://\S+", re.I)
_NOT_TEXT = {"id", "source"}


@dataclass(frozen=True)
class Term:
    id: str
    preferred: dict[str, str]
    avoid: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    #: language -> one pattern matching any variant to avoid in that language
    patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)

    def preferred(self, variant: str, language: str) -> Term | None:
        """The term whose variant to avoid in ``language`` is ``variant`` (any case)."""
        lowered = variant.casefold()
        for term in self.terms:
            if lowered in (v.casefold() for v in term.avoid.get(language, ())):
                return term
        return None


def read_glossary(report: Report, path: Path, languages: tuple[str, ...]) -> Glossary:
    """Read and check the glossary; an empty one when the file is absent or unreadable."""
    if not path.is_file():
        return Glossary()
    data = read_yaml(report, path)
    if data is None:
        return Glossary()
    fields = Fields(report, path, data, {"terms"})
    terms, seen = [], set()
    for index, entry in enumerate(fields.items("terms")):
        term = _read_term(report, path, entry, languages)
        if term.id in seen:
            report.error(path, fields.item_line("terms", index), f"duplicate term id '{term.id}'")
            continue
        seen.add(term.id)
        terms.append(term)
    patterns = {}
    for language in languages:
        variants = sorted({v for t in terms for v in t.avoid.get(language, ())}, key=len)
        if variants:
            alternatives = "|".join(re.escape(v) for v in reversed(variants))
            patterns[language] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I)
    return Glossary(tuple(terms), patterns)


def _read_term(report: Report, path: Path, entry: Map, languages: tuple[str, ...]) -> Term:
    fields = Fields(report, path, entry, TERM | set(languages), what="term field")
    term_id = fields.identifier("id")
    preferred = {lang: fields.text(lang, max_length=200) for lang in languages if lang in entry}
    avoid: dict[str, tuple[str, ...]] = {}
    variants = fields.mapping("avoid", required=False)
    if variants is not None:
        per_language = Fields(report, path, variants, set(languages), what="language")
        avoid = {lang: per_language.texts(lang) for lang in languages if lang in variants}
    notes = fields.mapping("note", required=False)
    if notes is not None:
        note = Fields(report, path, notes, set(languages), what="language")
        for lang in languages:
            note.text(lang, required=False)
    return Term(term_id, preferred, avoid)


def check_terms(report: Report, modules_dir: Path, glossary: Glossary) -> None:
    """Warn on each variant to avoid in the texts of its language, with its line."""
    for path, language in _text_files(modules_dir):
        pattern = glossary.patterns.get(language)
        text = read_text(Report(), path) if pattern else None
        if text is None:
            continue
        lines = text.split("\n")
        numbers = _yaml_lines(text) if path.suffix == ".yaml" else range(1, len(lines) + 1)
        for number in numbers:
            for match in pattern.finditer(_ADDRESS.sub(" ", lines[number - 1])):
                term = glossary.preferred(match.group(), language)
                better = term.preferred.get(language) if term else None
                advice = f": write '{better}'" if better else ""
                report.warn(
                    path, number, f"'{match.group()}' is a variant to avoid (glossary){advice}"
                )


def _yaml_lines(text: str) -> list[int]:
    """The lines of a YAML file's texts, in order (ids, source codes and comments left out)."""
    lines = set()
    for scalar in scalars(text):
        if not scalar.is_key and scalar.value and not set(scalar.keys[-1:]) & _NOT_TEXT:
            lines.update(range(scalar.line, scalar.end_line + 1))
    return sorted(lines)


def _text_files(modules_dir: Path) -> Iterator[tuple[Path, str]]:
    """Each file of texts under ``modules_dir`` with its language."""
    library = modules_dir / LIBRARY
    for path in sorted(library.glob("*.md")) if library.is_dir() else []:
        stem = path.name.removesuffix(".md")
        if "." in stem:
            yield path, stem.rpartition(".")[2]
    folders = [p for p in sorted(modules_dir.iterdir()) if p.is_dir() and p != library]
    for folder in folders:
        for path in sorted(folder.iterdir()):
            match = LESSON_RE.fullmatch(path.name) or MODULE_TEXT_RE.fullmatch(path.name)
            if match:
                yield path, match["lang"]
        quizzes = folder / "quizzes"
        for path in sorted(quizzes.glob("*.yaml")) if quizzes.is_dir() else []:
            match = QUIZ_RE.fullmatch(path.name)
            if match:
                yield path, match["lang"]
