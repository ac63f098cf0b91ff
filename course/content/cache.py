"""Rendered Markdown kept between loads, so that a restart does not render unchanged files again.

An entry is keyed by what rendering depends on: the document's body, its language, and the
renderer (:data:`RENDERER_VERSION`, bumped whenever the markup rules in ``markup.py`` change,
and the versions of Python-Markdown and nh3). It holds the sanitized HTML, what the sanitizer
removed (reported again, with lines found in the current file, on every load), and every link
or image target the rewriter was asked about with the URL it answered. Those answers depend on
the rest of the course (does the linked lesson or media file still exist?), so before an entry
is reused the rewriter is asked again about each target: if any answer differs, the document
is rendered anew. Asking again also reports the rewriter's problems, exactly as rendering does.

The loader takes any object with ``get`` and ``put`` (:class:`RenderCache`); the application
passes a :class:`FolderCache` under its ``instance/`` folder, which ``course init`` and
``course content check`` write and the server only reads. Deleting that folder is always
safe: the next load renders everything, and the next of those commands writes it again. An
entry that cannot be read or does not have the expected shape is ignored and replaced.
"""

from __future__ import annotations

import copyreg
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

import markdown

from .markup import Rendered, Rewriter
from .model import Course, frozen_map
from .problems import Problem

#: Bump when the markup rules change (extensions, allowed tags, link rewriting).
RENDERER_VERSION = 1
_RENDERER = (
    f"{RENDERER_VERSION}/markdown-{markdown.__version__}/nh3-{version('nh3')}"
    f"/pyyaml-{version('pyyaml')}"
)
#: The whole course as last loaded (one file, replaced by the next load that writes).
COURSE_FILE = "course.pickle"
#: This package's source: a whole course kept by older code is never reused.
_CODE = hashlib.sha256(
    b"".join(path.read_bytes() for path in sorted(Path(__file__).parent.glob("*.py")))
).hexdigest()

# The course's read-only mappings (frozen_map) are kept as what they wrap.
copyreg.pickle(MappingProxyType, lambda mapping: (frozen_map, (dict(mapping),)))

#: (kind, target, the URL the rewriter answered or None when it dropped the target)
Link = tuple[str, str, str | None]


@dataclass(frozen=True)
class CachedRender:
    """One rendered document and the rewriter's answers it was rendered with."""

    html: str
    removed: tuple[tuple[str, str], ...]
    links: tuple[Link, ...]

    @property
    def rendered(self) -> Rendered:
        return Rendered(self.html, self.removed)


class RenderCache(Protocol):
    """Where rendered documents are kept: any object with these two methods."""

    def get(self, key: str) -> CachedRender | None:
        """The entry stored under ``key``, or None."""

    def put(self, key: str, entry: CachedRender) -> None:
        """Store ``entry`` under ``key`` (failing silently: a cache is optional)."""


def render_key(body: str, language: str) -> str:
    """The key of a document's rendering: body, language and renderer."""
    return hashlib.sha256(f"{_RENDERER}\0{language}\0{body}".encode()).hexdigest()


class Recorder:
    """Wraps a rewriter and remembers every question it was asked, with its answer."""

    def __init__(self, rewrite: Rewriter) -> None:
        self.rewrite = rewrite
        self.links: list[Link] = []

    def __call__(self, kind: str, target: str) -> str | None:
        answer = self.rewrite(kind, target)
        self.links.append((kind, target, answer))
        return answer


def still_valid(entry: CachedRender, rewrite: Rewriter) -> bool:
    """Ask ``rewrite`` about each of the entry's targets again; True if every answer is the same."""
    return all(rewrite(kind, target) == answer for kind, target, answer in entry.links)


class FolderCache:
    """One small JSON file per entry in ``folder`` (created when first written).

    Writes go to a temporary file renamed into place, so concurrent processes (two servers,
    a server and ``content check``) never read half an entry. ``reused`` and ``rendered``
    count the entries read and written by this object, for ``content check`` and the tests.
    """

    def __init__(self, folder: Path, write: bool = True) -> None:
        self.folder = folder
        #: False only reads: the application factory writes nothing (``course init`` does).
        self.write = write
        self.reused = 0
        self.rendered = 0
        #: Whether the whole course came from the bundle (nothing was read or rendered).
        self.whole = False

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> CachedRender | None:
        try:
            entry = _entry(json.loads(self._path(key).read_bytes()), key)
        except (OSError, ValueError):
            return None
        if entry is not None:
            self.reused += 1
        return entry

    def put(self, key: str, entry: CachedRender) -> None:
        self.rendered += 1
        data = {"key": key, "html": entry.html, "removed": entry.removed, "links": entry.links}
        if self.write:
            _write(self._path(key), json.dumps(data, ensure_ascii=False).encode())

    def get_course(self, key: str) -> tuple[Course, list[Problem]] | None:
        """The whole course and its problems as last loaded with ``key`` (:func:`course_key`)."""
        try:
            data = pickle.loads((self.folder / COURSE_FILE).read_bytes())  # noqa: S301 - ours
        except Exception:  # an unreadable, damaged or foreign bundle is only a miss
            return None
        if not (isinstance(data, tuple) and len(data) == 3 and data[0] == key):
            return None
        if not (isinstance(data[1], Course) and isinstance(data[2], list)):
            return None
        self.whole = True
        return data[1], data[2]

    def put_course(self, key: str, course: Course, problems: list[Problem]) -> None:
        """Keep the whole course under ``key``, replacing the one kept before."""
        if self.write:
            _write(self.folder / COURSE_FILE, pickle.dumps((key, course, problems)))


def course_key(folders: Sequence[Path], languages: Sequence[str]) -> str:
    """What a whole load depends on: every file under ``folders`` (path and content), the
    folders' names, the languages, the renderer and the source of this package."""
    digest = hashlib.sha256(f"{_RENDERER}\0{_CODE}\0{','.join(languages)}".encode())
    for folder in folders:
        digest.update(f"\0{folder}\0{folder.resolve()}\0{folder.is_dir()}".encode())
        files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
        for path in files:
            content = hashlib.sha256(path.read_bytes()).hexdigest()
            digest.update(f"\0{path.relative_to(folder).as_posix()}\0{content}".encode())
    return digest.hexdigest()


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place; never raise."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError:
        return  # a read-only instance: the course is served all the same
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)  # a full disk: the same


def _entry(data: Any, key: str) -> CachedRender | None:
    """The entry in ``data`` if it is one, for ``key``, of the expected shape; else None."""
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    if not isinstance(data.get("html"), str):
        return None
    removed, links = data.get("removed"), data.get("links")
    if not isinstance(removed, list) or not isinstance(links, list):
        return None
    if not all(_strings(item, 2) for item in removed) or not all(
        isinstance(item, list) and len(item) == 3 and _strings(item[:2], 2)
        and (item[2] is None or isinstance(item[2], str))
        for item in links
    ):  # fmt: skip
        return None
    return CachedRender(
        data["html"],
        tuple((message, needle) for message, needle in removed),
        tuple((kind, target, answer) for kind, target, answer in links),
    )


def _strings(item: Any, count: int) -> bool:
    return isinstance(item, list) and len(item) == count and all(isinstance(s, str) for s in item)
