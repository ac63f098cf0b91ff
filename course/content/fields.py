"""Reading typed fields out of YAML mappings, reporting every problem with its line."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import CachedRender, Recorder, RenderCache, render_key, still_valid
from .markup import Rendered, RenderError, Rewriter, render_markdown
from .problems import Report
from .yamlcheck import truncations
from .yamlfile import Map, Seq, YamlError, parse_yaml

ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
#: A language code as it appears in file names (``lesson.fr.md``), as a named group.
LANG = r"(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)"
MAX_TEXT = 5000  # characters in one YAML text field


def file_hash(data: bytes) -> str:
    """The short content hash that translations quote to name their source version."""
    return hashlib.sha256(data).hexdigest()[:12]


def read_text(report: Report, path: Path) -> str | None:
    """The file as text (strict UTF-8, no NUL), or None after reporting why not."""
    try:
        data = path.read_bytes()
    except OSError as error:
        report.error(path, 0, f"cannot read file: {error.strerror}")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        report.error(path, line, "file is not UTF-8 text")
        return None
    if "\x00" in text:
        report.error(path, text[: text.index("\x00")].count("\n") + 1, "file contains a NUL byte")
        return None
    return text.replace("\r\n", "\n")


def read_yaml(report: Report, path: Path) -> Map | None:
    """A YAML file whose top level is a mapping, or None after reporting why not."""
    text = read_text(report, path)
    if text is None:
        return None
    try:
        data = parse_yaml(text)
    except YamlError as error:
        report.error(path, error.line, error.message)
        return None
    if not isinstance(data, Map):
        report.error(path, 1, "expected a mapping of fields (name: value)")
        return None
    for line, message in truncations(text):
        report.error(path, line, message)
    return data


@dataclass(frozen=True)
class FrontMatter:
    fields: Map
    body: str
    #: Line of the file where the body starts, to report body problems at the right line.
    body_line: int


def split_front_matter(report: Report, path: Path, text: str) -> FrontMatter | None:
    """Split ``---`` YAML front matter from a Markdown body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        report.error(path, 1, "file must start with front matter between --- lines")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        report.error(path, 1, "front matter is not closed by a --- line")
        return None
    try:
        data = parse_yaml("\n".join(lines[1:end]))
    except YamlError as error:
        report.error(path, error.line + 1, error.message)
        return None
    if not isinstance(data, Map):
        report.error(path, 2, "front matter must be a mapping of fields (name: value)")
        return None
    for line, message in truncations("\n".join(lines[1:end]), offset=1):
        report.error(path, line, message)
    _shift(data, 1)
    return FrontMatter(data, "\n".join(lines[end + 1 :]), end + 2)


def _shift(node: Any, offset: int) -> None:
    if isinstance(node, Map):
        node.line += offset
        node.lines = {key: line + offset for key, line in node.lines.items()}
        for value in node.values():
            _shift(value, offset)
    elif isinstance(node, Seq):
        node.line += offset
        node.lines = [line + offset for line in node.lines]
        for value in node:
            _shift(value, offset)


class Fields:
    """Typed access to one mapping; each problem is reported once, with its line."""

    def __init__(
        self, report: Report, path: Path, data: Map, allowed: set[str], what: str = "field"
    ) -> None:
        self.report, self.path, self.data = report, path, data
        for key in data:
            if key not in allowed:
                hint = difflib.get_close_matches(key, sorted(allowed), n=1)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                report.error(path, data.line_of(key), f"unknown {what} '{key}'{suggestion}")

    def line(self, key: str) -> int:
        return self.data.line_of(key)

    def error(self, key: str, message: str) -> None:
        self.report.error(self.path, self.line(key), message)

    def _missing(self, key: str, required: bool) -> bool:
        if key not in self.data:
            if required:
                self.report.error(self.path, self.data.line, f"missing required field '{key}'")
            return True
        return False

    def text(self, key: str, required: bool = True, max_length: int = MAX_TEXT) -> str:
        if self._missing(key, required):
            return ""
        value = self.data[key]
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(key, f"'{key}' must be a text")
            return ""
        if len(value) > max_length:
            self.error(key, f"'{key}' is longer than {max_length} characters")
        return value.strip()

    def identifier(self, key: str, required: bool = True) -> str:
        value = self.text(key, required, max_length=64)
        if value and not ID_RE.fullmatch(value):
            self.error(key, f"'{key}' must use lower-case letters, digits and hyphens")
        return value

    def integer(
        self, key: str, required: bool = True, minimum: int = 0, maximum: int = 100_000
    ) -> int | None:
        if self._missing(key, required):
            return None
        value = self.data[key]
        if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
            self.error(key, f"'{key}' must be a whole number")
            return None
        number = int(value)
        if not minimum <= number <= maximum:
            self.error(key, f"'{key}' must be between {minimum} and {maximum}")
            return None
        return number

    def boolean(self, key: str, required: bool = True) -> bool | None:
        if self._missing(key, required):
            return None
        value = self.data[key]
        if value not in ("true", "false"):
            self.error(key, f"'{key}' must be true or false")
            return None
        return value == "true"

    def texts(self, key: str, required: bool = False, min_items: int = 0) -> tuple[str, ...]:
        if self._missing(key, required):
            return ()
        value = self.data[key]
        if not isinstance(value, Seq) or not all(isinstance(item, str) for item in value):
            self.error(key, f"'{key}' must be a list of texts")
            return ()
        if len(value) < min_items:
            self.error(key, f"'{key}' needs at least {min_items} item(s)")
        return tuple(item.strip() for item in value)

    def identifiers(self, key: str, required: bool = False) -> tuple[str, ...]:
        values = self.texts(key, required)
        items = self.data.get(key)
        for index, value in enumerate(values):
            if not ID_RE.fullmatch(value):
                line = items.line_of(index) if isinstance(items, Seq) else self.line(key)
                self.report.error(self.path, line, f"'{value}' is not a valid id")
        return values

    def items(self, key: str, required: bool = True) -> list[Map]:
        """A list of mappings, such as questions or options."""
        if self._missing(key, required):
            return []
        value = self.data[key]
        if not isinstance(value, Seq) or not all(isinstance(item, Map) for item in value):
            self.error(key, f"'{key}' must be a list of entries")
            return []
        return list(value)

    def mapping(self, key: str, required: bool = True) -> Map | None:
        if self._missing(key, required):
            return None
        value = self.data[key]
        if not isinstance(value, Map):
            self.error(key, f"'{key}' must be a mapping")
            return None
        return value

    def item_line(self, key: str, index: int) -> int:
        items = self.data.get(key)
        return items.line_of(index) if isinstance(items, Seq) else self.line(key)


def line_of(document: FrontMatter, needle: str) -> int:
    """The file line of the first body line containing ``needle`` (else the body's start)."""
    lowered = needle.lower()
    for offset, text in enumerate(document.body.split("\n")):
        if lowered in text.lower():
            return document.body_line + offset
    return document.body_line


def render_body(
    report: Report,
    path: Path,
    document: FrontMatter,
    rewrite: Rewriter,
    language: str,
    cache: RenderCache | None = None,
) -> str | None:
    """Render a document's Markdown body, reporting what the sanitizer removes.

    With a ``cache``, a rendering of the same body is reused when the rewriter still gives
    the same answers about its links; the problems are the same either way (see ``cache``).
    """
    rendered = _reuse(report, document.body, language, rewrite, cache) if cache else None
    if rendered is None:
        recorder = Recorder(rewrite)
        try:
            rendered = render_markdown(document.body, recorder, language)
        except RenderError as error:
            report.error(path, document.body_line, str(error))
            return None
        if cache is not None:
            entry = CachedRender(rendered.html, rendered.removed, tuple(recorder.links))
            cache.put(render_key(document.body, language), entry)
    for message, needle in rendered.removed:
        report.error(path, line_of(document, needle), f"{message} (the sanitizer removes it)")
    return rendered.html


def _reuse(
    report: Report, body: str, language: str, rewrite: Rewriter, cache: RenderCache
) -> Rendered | None:
    """The cached rendering of ``body`` if it is still valid, with the rewriter's problems."""
    entry = cache.get(render_key(body, language))
    if entry is None:
        return None
    reported = len(report.problems)
    if still_valid(entry, rewrite):
        return entry.rendered
    del report.problems[reported:]  # rendering again reports them again
    return None
