"""The course an application serves: loaded once, reloaded in debug mode when files change.

Rendered Markdown is kept in ``instance/cache/content/`` (:func:`cache_folder`) between
loads and restarts, keyed by each document's content; see :mod:`course.content.cache`. The
server only reads it (the factory writes nothing); ``course init``, which scripts/serve runs
before every start, and ``course content check`` write it (:func:`write_cache`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

from flask import Flask, current_app

from .content.cache import FolderCache, course_key
from .content.loader import load_course
from .content.model import Course
from .content.problems import Report

EXTENSION_KEY = "course_content"


def cache_folder(app: Flask) -> Path:
    """Where ``app`` keeps rendered Markdown between loads (safe to delete at any time)."""
    return Path(app.instance_path) / "cache" / "content"


def load_cached(
    modules_dir: Path, badges_dir: Path, languages: Sequence[str], folder: Path, write: bool
) -> tuple[Course, Report, FolderCache]:
    """The course as :func:`load_course` reads it, through the cache in ``folder``.

    When no file changed since the last load that wrote the cache (same files, languages,
    renderer and content code: :func:`course_key`), the whole course is read back at once;
    otherwise it is loaded, reusing each unchanged document's rendering, and (with
    ``write``) kept for next time.
    """
    cache = FolderCache(folder, write=write)
    key = course_key((modules_dir, badges_dir), languages)
    found = cache.get_course(key)
    if found is not None:
        return found[0], Report(found[1]), cache
    course, report = load_course(modules_dir, badges_dir, languages, cache)
    cache.put_course(key, course, report.problems)
    return course, report, cache


def write_cache(app: Flask) -> FolderCache:
    """Load ``app``'s course once, rendering into its cache what it lacks; the cache's counts."""
    config = app.config
    folders = Path(config["MODULES_DIR"]), Path(config["BADGES_DIR"])
    return load_cached(*folders, config["LANGUAGES"], cache_folder(app), write=True)[2]


class ContentError(RuntimeError):
    """The course files have errors; the message lists them as ``content check`` does."""


def _signature(*folders: Path) -> tuple[tuple[str, int, int], ...]:
    files = []
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file():
                    stat = path.stat()
                    files.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(files))


class ContentStore:
    """Holds the loaded course; ``auto_reload`` re-reads changed files (at most once a second)."""

    def __init__(
        self,
        modules_dir: Path,
        badges_dir: Path,
        languages: Sequence[str],
        auto_reload: bool,
        cache_dir: Path | None = None,
    ) -> None:
        self.modules_dir, self.badges_dir = modules_dir, badges_dir
        self.languages = tuple(languages)
        self.auto_reload = auto_reload
        self.cache_dir = cache_dir
        #: The render cache of the last load (its counts say what was reused), if any.
        self.cache: FolderCache | None = None
        self._lock = threading.Lock()
        self._course: Course | None = None
        self._report = Report()
        self._signature: tuple[tuple[str, int, int], ...] = ()
        self._checked = 0.0

    def load(self) -> Report:
        """(Re)read the files if they changed since the last load; return the report."""
        with self._lock:
            signature = _signature(self.modules_dir, self.badges_dir)
            if self._course is None or signature != self._signature:
                course, report = self._load()
                self._signature = signature
                if self._course is None or not report.errors:
                    # A broken edit in debug mode keeps the last good course on screen.
                    self._course = course
                self._report = report
            self._checked = time.monotonic()
            return self._report

    def _load(self) -> tuple[Course, Report]:
        """Read the course, through the cache (read only: the server writes nothing) if any."""
        if self.cache_dir is None:
            self.cache = None
            return load_course(self.modules_dir, self.badges_dir, self.languages)
        folders = self.modules_dir, self.badges_dir
        course, report, self.cache = load_cached(
            *folders, self.languages, self.cache_dir, write=False
        )
        return course, report

    def ensure_loaded(self) -> None:
        """Load now, or raise :class:`ContentError` with every error found."""
        report = self.load()
        if report.errors:
            raise ContentError(
                "The course content has errors (run `course content check`):\n"
                + "\n".join(str(problem) for problem in report.errors)
            )

    @property
    def course(self) -> Course:
        if self._course is None or (self.auto_reload and time.monotonic() - self._checked > 1.0):
            self.load()
        assert self._course is not None
        return self._course

    @property
    def report(self) -> Report:
        return self._report


def content() -> ContentStore:
    """The content store of the current application."""
    return current_app.extensions[EXTENSION_KEY]


def course() -> Course:
    """The course the current application serves."""
    return content().course


def init_content(app: Flask, load_now: bool) -> None:
    """Give ``app`` its content store; with ``load_now``, refuse broken content at once."""
    store = ContentStore(
        Path(app.config["MODULES_DIR"]),
        Path(app.config["BADGES_DIR"]),
        app.config["LANGUAGES"],
        auto_reload=app.debug,
        cache_dir=cache_folder(app),
    )
    app.extensions[EXTENSION_KEY] = store
    if load_now:
        store.ensure_loaded()
