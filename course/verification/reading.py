"""Reading what a visitor submits for verification, without trusting any of it.

Uploads are sniffed by their bytes (never by name or declared type), parsed in memory (no
temporary file), and every parser is bounded: JSON by size and nesting depth and with
duplicate keys refused, XML by defusedxml, PNG chunk by chunk with CRCs checked.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

from ..badges.public import PNG_SIGNATURE, BakingError, read_baked_png, read_baked_svg

MAX_JSON_BYTES = 512 * 1024
MAX_JSON_DEPTH = 32
JWT_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$")


class Unreadable(ValueError):
    """Something that might be a badge but cannot be read (broken, hostile or odd).

    The message is for logs and tests; ``reason``, when given, says why in words the page and
    the API show (a translated label, often lazy).
    """

    def __init__(self, message: str, reason: Any = None) -> None:
        super().__init__(message)
        self.reason = reason


class NotABadge(ValueError):
    """Something readable that is not a badge at all."""


@dataclass(frozen=True)
class Submission:
    """What was found: an OB 3.0 credential (JSON text or VC-JWT) and/or OB 2.0 data."""

    ob3: str | None = None
    ob2: str | None = None
    url: str | None = None


def _depth_ok(text: str) -> bool:
    """Whether brackets outside strings nest at most MAX_JSON_DEPTH deep (no recursion)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif char in "]}":
            depth -= 1
    return True


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise Unreadable(f"the key {key[:40]!r} appears twice in one object")
        result[key] = value
    return result


def strict_json(text: str) -> Any:
    """Parse JSON bounded in size and depth, refusing duplicate keys and NaN."""
    if len(text.encode("utf-8", "replace")) > MAX_JSON_BYTES:
        raise Unreadable("the JSON is too large")
    if not _depth_ok(text):
        raise Unreadable("the JSON is nested too deeply")

    def no_constants(name: str) -> None:
        raise Unreadable(f"{name} is not valid JSON")

    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=no_constants)
    except (json.JSONDecodeError, RecursionError):
        raise Unreadable("the JSON is malformed") from None


def b64url_json(part: str) -> Any:
    """Parse one base64url part of a JWT as strict JSON."""
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        return strict_json(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        if isinstance(error, Unreadable):
            raise
        raise Unreadable("a part of the token is not base64url JSON") from None


def read_upload(data: bytes) -> Submission:
    """The badge data inside an uploaded PNG or SVG."""
    if not data:
        raise NotABadge("the file is empty")
    try:
        if data.startswith(PNG_SIGNATURE):
            baked = read_baked_png(data)
        elif _looks_like_svg(data):
            baked = read_baked_svg(data)
        else:
            raise NotABadge("the file is neither a PNG nor an SVG image")
    except BakingError as error:
        raise Unreadable(str(error)) from None
    if not baked.credential and not baked.assertion:
        raise NotABadge("the image carries no badge data")
    return Submission(ob3=baked.credential or None, ob2=baked.assertion or None)


def _looks_like_svg(data: bytes) -> bool:
    head = data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head


def read_text(text: str) -> Submission:
    """A pasted link, OB 3.0 JSON credential or VC-JWT (or an OB 2.0 assertion's JSON)."""
    text = text.strip()
    if not text:
        raise NotABadge("nothing was entered")
    if text.startswith(("{", "[")):
        data = strict_json(text)
        if isinstance(data, dict) and "OpenBadgeCredential" in credential_types(data):
            return Submission(ob3=text)
        if isinstance(data, dict) and credential_types(data) & {"Assertion"}:
            return Submission(ob2=text)
        if isinstance(data, dict) and "AchievementCredential" in credential_types(data):
            return Submission(ob3=text)
        raise NotABadge("this JSON is not an Open Badges credential or assertion")
    if JWT_RE.fullmatch(text):
        return Submission(ob3=text)
    if re.match(r"^https?://", text, re.IGNORECASE) and len(text) <= 2000 and " " not in text:
        return Submission(url=text)
    raise NotABadge("this is neither a link, a JSON credential nor a JWT")


def credential_types(data: dict[str, Any]) -> set[str]:
    """The ``type`` strings of a JSON-LD object (one string or a list of them)."""
    value = data.get("type", [])
    return {value} if isinstance(value, str) else {v for v in value if isinstance(v, str)}
