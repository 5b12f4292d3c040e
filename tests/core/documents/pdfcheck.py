"""Reading a PDF's metadata without a PDF library: inflate its streams and look for the entries."""

from __future__ import annotations

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def pdf_objects(data: bytes) -> bytes:
    """The PDF's plain objects and the inflated contents of its compressed streams."""
    parts = [data]
    for match in _STREAM.finditer(data):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue  # an image or a font, not an object stream
    return b"\n".join(parts)


def pdf_info(data: bytes, entry: str) -> str | None:
    """A document-information entry (``Title``, ``Author``) when written as a literal string."""
    found = re.search(rb"/" + entry.encode() + rb" \((.*?)\)", pdf_objects(data))
    return found.group(1).decode("latin-1") if found else None
