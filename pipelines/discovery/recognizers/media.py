"""Recognizers for binary values, by their content: images by their magic bytes, points by their WKB.

Binary values are never decoded as text by force: a value that is valid UTF-8 is text (and goes
through the text recognizers); any other is recognised here or left as opaque bytes. Each entry
of ``BINARY_CONTENT`` declares what it finds (the entity, as in mappings/categories.yaml), how it
is told (a check on the bytes), and what the evidence says about it.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BinaryContent:
    """One kind of binary content: the entity it is, the format's name, and how the bytes show it."""

    entity: str
    format: str
    matches: Callable[[bytes], bool]
    note: str = ""


def _starts(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda data: any(data.startswith(s) for s in signatures)


def _webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


_WKB_POINT = 1
_EWKB_SRID = 0x20000000


def wkb_point(data: bytes) -> tuple[float, float] | None:
    """(x, y) of a point in WKB, PostGIS EWKB, or MySQL's internal form (4-byte SRID + WKB), else None."""
    for offset in (0, 4):
        body = data[offset:]
        if len(body) < 21 or body[0] not in (0, 1):
            continue
        order = "<" if body[0] == 1 else ">"
        (kind,) = struct.unpack(order + "I", body[1:5])
        start = 5
        if kind & _EWKB_SRID:
            kind, start = kind & ~_EWKB_SRID, 9
        if kind != _WKB_POINT or len(body) != start + 16:
            continue
        x, y = struct.unpack(order + "dd", body[start : start + 16])
        if math.isfinite(x) and math.isfinite(y):
            return x, y
    return None


BIOMETRIC_NOTE = "a photo of a person: a candidate biometric (1798.140(c)) if processed into a face template"
BINARY_CONTENT: tuple[BinaryContent, ...] = (
    BinaryContent("PHOTO", "PNG", _starts(b"\x89PNG\r\n\x1a\n"), BIOMETRIC_NOTE),
    BinaryContent("PHOTO", "JPEG", _starts(b"\xff\xd8\xff"), BIOMETRIC_NOTE),
    BinaryContent("PHOTO", "GIF", _starts(b"GIF87a", b"GIF89a"), BIOMETRIC_NOTE),
    BinaryContent("PHOTO", "WebP", _webp, BIOMETRIC_NOTE),
    BinaryContent("GEO_COORDINATES", "WKB point", lambda data: wkb_point(data) is not None),
)


def binary_content(data: bytes) -> BinaryContent | None:
    """What the bytes are, when one of ``BINARY_CONTENT`` recognises them."""
    return next((content for content in BINARY_CONTENT if content.matches(data)), None)
