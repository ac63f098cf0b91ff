"""Markdown to safe HTML, once, at load time.

Python-Markdown passes raw HTML and ``javascript:`` links straight through and has inputs
that take quadratic time, so every document is size-capped, rendered under a deadline, and
sanitized by nh3 afterwards. What the sanitizer would remove is also reported to the author
(``content check``), so that nothing disappears silently.
"""

from __future__ import annotations

import ctypes
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

MAX_MARKDOWN_BYTES = 200 * 1024
RENDER_SECONDS = 2.0

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "div": {"class"},
    "p": {"class"},
}
#: Classes that Markdown's footnotes and admonitions (asides) produce, and nothing else.
ASIDE_KINDS = ("note", "tip", "warning", "case-study")
ALLOWED_CLASSES = {
    "div": {"admonition", "footnote", *ASIDE_KINDS},
    "p": {"admonition-title"},
    "a": {"footnote-ref", "footnote-backref"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "footnotes", "admonition", "sane_lists", "def_list", "abbr"]
EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}
#: The title of a footnote's link back to the text, in the document's language.
BACKLINK_TITLES = {"en": "Back to the text", "fr": "Retour au texte"}

#: Called for each link or image: (kind "link" or "image", target) -> new URL, or None to
#: drop it; the callback records any problem itself.
Rewriter = Callable[[str, str], str | None]


class RenderError(ValueError):
    """A document that cannot be rendered: too large, or too slow."""


@dataclass(frozen=True)
class Rendered:
    """Safe HTML, and what the sanitizer removed from the author's document."""

    html: str
    #: (what was removed, a piece of source text to find the line by)
    removed: tuple[tuple[str, str], ...]


class _Rewrite(Treeprocessor):
    def __init__(self, md: markdown.Markdown, rewrite: Rewriter) -> None:
        super().__init__(md)
        self.rewrite = rewrite

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            target = element.get(attribute) if attribute else None
            if target is None or target.startswith("#"):
                continue
            url = self.rewrite("link" if element.tag == "a" else "image", target)
            if url is None:
                del element.attrib[attribute]
            else:
                element.set(attribute, url)


class _RewriteExtension(Extension):
    def __init__(self, rewrite: Rewriter) -> None:
        super().__init__()
        self.rewrite = rewrite

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        # After inline processing (priority 20), before the footnotes are appended.
        md.treeprocessors.register(_Rewrite(md, self.rewrite), "course-links", 15)


class _Deadline(Exception):
    pass


def _with_deadline(function: Callable[[], str], seconds: float) -> str:
    """Run ``function``, interrupting it once ``seconds`` have passed.

    A watchdog timer raises an exception inside this thread (CPython's async exception),
    which stops the work instead of abandoning it, works in any thread (signals only work in
    the main one) and costs nothing while the work runs, unlike a tracing hook.
    """
    thread = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def interrupt() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, ctypes.py_object(_Deadline))

    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    timer.start()
    try:
        try:
            return function()
        finally:
            timer.cancel()
            with lock:
                state["done"] = True
                if state["fired"]:  # fired as the work ended: drop it if still pending
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, None)
    except _Deadline:  # raised in the work, or delivered during the clean-up just above
        raise RenderError(
            f"this document takes more than {seconds:g} s to render; simplify it "
            "(long runs of [, * or nested lists are the usual cause)"
        ) from None


class _Audit(HTMLParser):
    """Lists what nh3 will remove from rendered HTML, in words an author understands."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removed: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            hint = "# " if tag == "h1" else f"<{tag}"
            self.removed.append((f"<{tag}> is not allowed", hint))
            return
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                self.removed.append((f"the {name}= attribute of <{tag}> is not allowed", name))
            elif name == "class" and not set((value or "").split()) <= ALLOWED_CLASSES[tag]:
                kinds = set((value or "").split()) - ALLOWED_CLASSES[tag]
                self.removed.append((f'class="{value}" on <{tag}> is not allowed', min(kinds)))
            elif name in {"href", "src"} and value is not None:
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme and scheme not in URL_SCHEMES:
                    self.removed.append((f"{scheme}: links are not allowed", value.strip()))

    def handle_comment(self, data: str) -> None:
        self.removed.append(("HTML comments are removed", "<!--"))


def sanitize(html: str) -> str:
    """Keep only the tags, attributes, classes and URL schemes listed above."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        # ammonia takes class only through allowed_classes.
        attributes={tag: names - {"class"} for tag, names in ALLOWED_ATTRIBUTES.items()},
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str, rewrite: Rewriter | None = None, language: str = "en") -> Rendered:
    """Render ``text`` to sanitized HTML; raise :class:`RenderError` if too big or too slow."""
    if len(text.encode()) > MAX_MARKDOWN_BYTES:
        raise RenderError(f"document is larger than {MAX_MARKDOWN_BYTES // 1024} KB")
    extensions: list[Any] = [*EXTENSIONS]
    if rewrite is not None:
        extensions.append(_RewriteExtension(rewrite))
    configs = {
        **EXTENSION_CONFIGS,
        "footnotes": {"BACKLINK_TITLE": BACKLINK_TITLES.get(language, BACKLINK_TITLES["en"])},
    }
    md = markdown.Markdown(extensions=extensions, extension_configs=configs)
    html = _with_deadline(lambda: md.convert(text), RENDER_SECONDS)
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return Rendered(html=sanitize(html), removed=tuple(dict.fromkeys(audit.removed)))
