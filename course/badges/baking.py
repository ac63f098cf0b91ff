"""Baking: putting a badge's data inside its image, PNG or SVG.

Open Badges 2.0 goes in a PNG ``iTXt`` chunk ``openbadges`` or an SVG
``<openbadges:assertion>`` (written by openbadges-bakery); Open Badges 3.0 goes in an
``iTXt`` chunk ``openbadgecredential`` or an SVG ``<openbadges:credential>`` (written here,
as the bakery knows only 2.0). One image carries both, so it works with either kind of
backpack. Each chunk or element appears once: baking again replaces it.
"""

from __future__ import annotations

import io
import struct
import zlib

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB2_KEYWORD = b"openbadges"
OB3_KEYWORD = b"openbadgecredential"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"


class BakingError(ValueError):
    """The artwork is not an image this code can bake."""


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, checking signature, lengths and CRCs."""
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG file")
    chunks, position = [], len(PNG_SIGNATURE)
    while position < len(data):
        if position + 8 > len(data):
            raise BakingError("truncated PNG chunk header")
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        if end > len(data):
            raise BakingError("PNG chunk longer than the file")
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            raise BakingError("PNG chunk with a bad CRC")
        chunks.append((kind, body))
        position = end
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise BakingError("PNG without IHDR or IEND")
    return chunks


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def itxt_keyword(body: bytes) -> bytes:
    return body.split(b"\0", 1)[0]


def bake_png_itxt(data: bytes, keyword: bytes, text: str) -> bytes:
    """``data`` with one uncompressed iTXt ``keyword`` chunk holding ``text`` after IHDR."""
    chunks = [
        c for c in png_chunks(data) if not (c[0] == b"iTXt" and itxt_keyword(c[1]) == keyword)
    ]
    # keyword, NUL, compression flag 0, method 0, empty language tag, NUL, empty translation, NUL
    itxt = keyword + b"\0\0\0" + b"\0" + b"\0" + text.encode("utf-8")
    out = [PNG_SIGNATURE, _chunk(*chunks[0]), _chunk(b"iTXt", itxt)]
    out.extend(_chunk(kind, body) for kind, body in chunks[1:])
    return b"".join(out)


def _cdata(text: str) -> str:
    # "]]>" cannot appear inside CDATA: split it across two sections.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def bake_svg_credential(svg: str, credential_json: str) -> str:
    """``svg`` with one ``<openbadges:credential>`` element (OB 3.0) right inside ``<svg>``."""
    start = svg.find("<svg")
    end = svg.find(">", start)
    if start < 0 or end < 0:
        raise BakingError("not an SVG file")
    element = (
        f'<openbadges:credential xmlns:openbadges="{OB3_NAMESPACE}">'
        f"{_cdata(credential_json)}</openbadges:credential>"
    )
    return svg[: end + 1] + element + svg[end + 1 :]


def _ob2_bake(artwork: bytes, assertion_json: str) -> bytes:
    # Imported here: it loads rfc3986 and more (~20 ms), needed only when a badge is baked.
    import openbadges_bakery

    baked = openbadges_bakery.bake(io.BytesIO(artwork), assertion_json)
    if baked is None:
        raise BakingError(
            "openbadges-bakery could not bake this image (for SVG: is <svg near the start?)"
        )
    with baked:  # the bakery hands back an open temporary file
        return baked.read()


def bake_png(artwork: bytes, assertion_json: str, credential_json: str) -> bytes:
    """A PNG carrying the OB 2.0 assertion and the OB 3.0 credential."""
    return bake_png_itxt(_ob2_bake(artwork, assertion_json), OB3_KEYWORD, credential_json)


def bake_svg(artwork: bytes, assertion_json: str, credential_json: str) -> bytes:
    """An SVG carrying the OB 2.0 assertion and the OB 3.0 credential."""
    svg = _ob2_bake(artwork, assertion_json).decode("utf-8")
    return bake_svg_credential(svg, credential_json).encode("utf-8")


def read_png_itxt(data: bytes, keyword: bytes) -> str | None:
    """The text of the (single) uncompressed iTXt chunk ``keyword``; None if absent.

    Raises :class:`BakingError` for a broken PNG, a compressed or language-tagged chunk,
    non-UTF-8 text or a duplicated chunk: none of these is an honest baked badge.
    """
    found = [
        body for kind, body in png_chunks(data) if kind == b"iTXt" and itxt_keyword(body) == keyword
    ]
    if not found:
        return None
    if len(found) > 1:
        raise BakingError("the badge data appears more than once")
    body = found[0][len(keyword) + 1 :]
    if len(body) < 2 or body[0] != 0:
        raise BakingError("compressed badge data is not accepted")
    language, _, rest = body[2:].partition(b"\0")
    if language:
        raise BakingError("language-tagged badge data is not accepted")
    _translated, _, text = rest.partition(b"\0")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError("badge data is not UTF-8") from None


def read_svg_element(data: bytes, namespace: str, name: str) -> str | None:
    """The text of the single ``name`` element in ``namespace`` of an SVG; None if absent.

    Parsed with defusedxml: entity declarations and external references are refused.
    """
    try:
        root = ElementTree.fromstring(data)  # no entities, no external references
    except (DefusedXmlException, ElementTree.ParseError, ValueError) as error:
        raise BakingError(f"not a readable SVG: {type(error).__name__}") from None
    if not root.tag.endswith("}svg") and root.tag != "svg":
        raise BakingError("not an SVG file")
    found = root.findall(f".//{{{namespace}}}{name}")
    if not found:
        return None
    if len(found) > 1:
        raise BakingError("the badge data appears more than once")
    # A VC-JWT is baked in the verify attribute, a JSON credential as the element's text.
    return (found[0].text or "").strip() or found[0].get("verify", "").strip()
