"""Rendered once, reused: template fragments kept per process, and answers browsers can reuse.

``{% cache key, … %}…{% endcache %}`` keeps what its block rendered, per process, for its
keys and for what every page varies by: the interface language, the script root, and the
course as loaded (a reload of the course files starts afresh). A cached block must depend on
nothing else: no CSRF token, no flashed message, no progress that its keys do not name. So
the lesson body, its sources and its navigation are rendered once per (lesson, language,
course version) and each request renders only the small personal part around them.

:func:`kept_page` goes further for the pages most read (lessons, modules, the catalogue):
the whole page is kept per process for a key that names everything it shows of the
learner, and each request only puts its own CSRF token in.

:func:`conditional` answers a GET with 304 when the browser's copy, named by an ETag made
from what the page depends on (and from this :func:`release`), is still the page it would
get. :func:`static_url` names a static file by its content, so that browsers and proxies may
keep it for a year.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request, session, url_for
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser

from .config import PROJECT_ROOT
from .contentstore import course

#: Characters of rendered fragments a process keeps at most; past that it starts afresh.
MAX_CHARACTERS = 4_000_000
#: Characters of whole pages a process keeps at most; past that the least recently served go.
MAX_PAGE_CHARACTERS = 2_000_000
#: What stands for the request's CSRF token in a kept page: random per process, so that no
#: text of the course can contain it.
TOKEN_MARK = f"csrf-mark-{secrets.token_hex(16)}"
#: Seconds browsers and proxies keep a static file under its fingerprinted and plain address.
YEAR, HOUR = 365 * 24 * 3600, 3600


class FragmentCache(Extension):
    """The ``{% cache %}`` tag (see the module docstring)."""

    tags = {"cache"}

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        self._fragments: dict[Hashable, str] = {}
        self._size = 0
        self._course: object = None
        self._lock = threading.Lock()

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        keys: list[nodes.Expr] = [nodes.Const(f"{parser.name}:{lineno}")]
        while parser.stream.current.type != "block_end":
            if len(keys) > 1:
                parser.stream.expect("comma")
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        call = self.call_method("_render", [nodes.Tuple(keys, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _render(self, keys: tuple[Hashable, ...], caller: Callable[[], str]) -> str:
        key = (keys, _varies_by())
        found = self._fragments.get(key)
        if found is None:
            found = caller()
            self._keep(key, found)
        return found

    def _keep(self, key: Hashable, fragment: str) -> None:
        loaded = course()
        with self._lock:
            if loaded is not self._course or self._size + len(fragment) > MAX_CHARACTERS:
                self._fragments, self._size, self._course = {}, 0, loaded
            self._fragments[key] = fragment
            self._size += len(fragment)


class _KeptPages:
    """Whole pages, least recently served dropped first once over MAX_PAGE_CHARACTERS."""

    def __init__(self) -> None:
        self.pages: OrderedDict[Hashable, str] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()
        self.course: object = None

    def get(self, key: Hashable, loaded: object) -> str | None:
        with self.lock:
            if loaded is not self.course:  # reloaded: an id in a key may be reused
                self.pages, self.size, self.course = OrderedDict(), 0, loaded
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def keep(self, key: Hashable, page: str) -> None:
        with self.lock:
            old = self.pages.pop(key, None)
            self.size += len(page) - (len(old) if old else 0)
            self.pages[key] = page
            while self.size > MAX_PAGE_CHARACTERS and len(self.pages) > 1:
                self.size -= len(self.pages.popitem(last=False)[1])


_kept = _KeptPages()


def kept_page(key: Hashable, render: Callable[[], str]) -> str:
    """``render()``'s page, rendered once per process for ``key``, the request's path and
    query, and what every fragment varies by; each request puts its own CSRF token in.

    ``key`` must name everything the page shows that depends on the visitor (signed in or
    not, role, progress): the page is otherwise the same for everyone. A page with a flashed
    message to show, or rendered while templates reload (debugging), is never kept.
    """
    if "_flashes" in session or current_app.jinja_env.auto_reload:
        return render()
    full_key = (key, request.full_path, _varies_by())
    page = _kept.get(full_key, course())
    if page is None:
        g.keeping_page = True
        try:
            page = render()
        finally:
            g.keeping_page = False
        _kept.keep(full_key, page)
    # Only a page with a form asks for a token, which may start the visitor's session.
    return page.replace(TOKEN_MARK, signed_token()) if TOKEN_MARK in page else page


def csrf_token() -> str:
    """The CSRF token of a form, or its mark in a page rendered to be kept."""
    return TOKEN_MARK if g.get("keeping_page") else signed_token()


def signed_token() -> str:
    """Flask-WTF's CSRF token for this session, signed at most once a minute per process.

    Signing (an HMAC over the token and the time) took a tenth of a kept page's time. A
    token signed a minute ago is as good as a new one: it only expires a minute earlier in
    its WTF_CSRF_TIME_LIMIT (a day). The first token of a session is Flask-WTF's own.
    """
    raw = session.get("csrf_token")
    if not isinstance(raw, str):
        return generate_csrf()  # makes the session's token
    key = (raw, int(time.time() // 60))
    signed = _signed.get(key)
    if signed is None:
        if len(_signed) >= MAX_SIGNED_TOKENS:
            _signed.clear()
        signed = _signed[key] = generate_csrf()
    return signed


#: Signed tokens kept per process (see :func:`signed_token`); past that it starts afresh.
MAX_SIGNED_TOKENS = 10_000
_signed: dict[tuple[str, int], str] = {}


def _varies_by() -> tuple[str, str, int]:
    """What every cached fragment of this request depends on besides its keys."""
    found = g.get("fragment_vary")
    if found is None:
        found = g.fragment_vary = (str(get_locale()), request.script_root, id(course()))
    return found


def etag(*parts: object) -> str:
    """An entity tag made from what a page depends on, and from this release of the code,
    templates, styles and translations."""
    digest = hashlib.blake2b(repr((release(), parts)).encode(), digest_size=12)
    return digest.hexdigest()


def course_version() -> str:
    """What names the course as loaded (its modules' files and its library), computed once
    per load and the same in every process that loaded the same files."""
    loaded = course()
    held = _course_version
    if held[0] is not loaded:
        parts = ([m.content_hash for m in loaded.modules], sorted(loaded.initiatives.items()))
        held = (loaded, hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest())
        _course_version[:] = held
    return held[1]


_course_version: list[Any] = [None, ""]


def conditional(tag: Callable[[], str], render: Callable[[], str]) -> Response:
    """``render()``'s page with the ETag ``tag()``, or 304 if the browser holds that copy.

    ``tag()`` is asked before rendering and again after (rendering may start this visitor's
    session, which the page's forms name). The browser alone may keep the page, and asks
    again each time (``private, no-cache``).
    """
    # Weak comparison, as RFC 9110 asks for If-None-Match: a proxy that compresses the page
    # (nginx's gzip) sends the tag on as a weak one, W/"…".
    if request.if_none_match and request.if_none_match.contains_weak(tag()):
        response = Response(status=304)
    else:
        response = Response(render(), mimetype="text/html")
    response.set_etag(tag())
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.vary.update(("Cookie", "Accept-Language"))
    return response


@lru_cache(maxsize=1)
def release() -> str:
    """What names this release of the package and its translations: their files' sizes and
    times, read once per process."""
    found = []
    for folder in (Path(__file__).parent, PROJECT_ROOT / "translations"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix not in {".pyc", ".po"}:
                stat = path.stat()
                found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return hashlib.blake2b(repr(found).encode(), digest_size=8).hexdigest()


def static_url(filename: str) -> str:
    """The address of a static file with its content's fingerprint, so that browsers and
    proxies may keep it for a year: a new version has a new address. The plain address
    (without ``v``, or with an old one) keeps working, kept for an hour."""
    version = _version(filename)
    if version is None:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=version)


def _version(filename: str) -> str | None:
    path = Path(current_app.static_folder or "", filename)
    try:
        return _fingerprint(str(path), path.stat().st_mtime_ns)
    except OSError:
        return None


@lru_cache(maxsize=256)
def _fingerprint(path: str, _mtime_ns: int) -> str:
    return hashlib.blake2b(Path(path).read_bytes(), digest_size=6).hexdigest()


def _static_lifetime(response: Response) -> Response:
    """Static files are the same for everyone: public, a year when fingerprinted."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    version = request.args.get("v")
    fingerprinted = version is not None and version == _version(
        (request.view_args or {}).get("filename", "")
    )
    response.cache_control.no_cache = None
    response.cache_control.public = True
    response.cache_control.max_age = YEAR if fingerprinted else HOUR
    response.cache_control.immutable = fingerprinted
    return response


def init_caching(app: Flask) -> None:
    """Give ``app``'s templates the ``{% cache %}`` tag and ``static_url``, and static files
    their lifetimes."""
    app.jinja_env.add_extension(FragmentCache)
    # Instead of Flask-WTF's (a global and a context processor, both replaced): see kept_page.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
    app.jinja_env.globals["static_url"] = static_url
    app.after_request(_static_lifetime)
