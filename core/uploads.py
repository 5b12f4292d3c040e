"""Files people upload: what they really are, how large they may be, and the name shown for them.

A file's type is decided from its first bytes (and, for ZIP-based Office files, from the parts
inside), never from its name or the Content-Type the browser sent: a page named ``report.pdf``
is still a page. Types that a browser could run as script (HTML, SVG, XML) and programs are
refused outright. The name a client sent is kept only to show and to offer on download; storage
keys are made by the server (:mod:`core.storage`).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from core.settings import Settings

#: Room for the multipart framing and the other form fields around an uploaded file.
MULTIPART_OVERHEAD = 64 * 1024
DISPLAY_NAME_MAX = 120


@dataclass(frozen=True)
class FileKind:
    """A type of file the portal accepts: its content type, the extension it is stored and
    offered with, and a short label for people ("PDF document")."""

    content_type: str
    extension: str
    label: str


PDF = FileKind("application/pdf", ".pdf", "PDF document")
PNG = FileKind("image/png", ".png", "PNG image")
JPEG = FileKind("image/jpeg", ".jpg", "JPEG image")
GIF = FileKind("image/gif", ".gif", "GIF image")
WEBP = FileKind("image/webp", ".webp", "WebP image")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word document")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel workbook")
PPTX = FileKind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx", "PowerPoint presentation"
)
ZIP = FileKind("application/zip", ".zip", "ZIP archive")
TEXT = FileKind("text/plain; charset=utf-8", ".txt", "Text file")
CSV = FileKind("text/csv; charset=utf-8", ".csv", "CSV table")

#: Other extensions a client's name may keep for a kind (``photo.jpeg`` stays ``photo.jpeg``).
_SAME_KIND = {".jpeg": JPEG, ".jpe": JPEG, ".text": TEXT, ".log": TEXT, ".md": TEXT}

_MAGIC: tuple[tuple[bytes, FileKind], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
# Office Open XML: the main part's name and its content type in [Content_Types].xml.
_OOXML = "application/vnd.openxmlformats-officedocument."
_OFFICE = (
    ("word/document.xml", _OOXML + "wordprocessingml.document.main+xml", DOCX),
    ("xl/workbook.xml", _OOXML + "spreadsheetml.sheet.main+xml", XLSX),
    ("ppt/presentation.xml", _OOXML + "presentationml.presentation.main+xml", PPTX),
)
_CONTENT_TYPES_MAX = 1024 * 1024
# Markup a browser could render and run script in, wherever it sits in a "text" file.
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)\b", re.IGNORECASE)


def sniff(data: bytes) -> FileKind | None:
    """The kind of ``data`` judged by its content, or None when the portal does not accept it."""
    if not data:
        return None
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _zip_kind(data)
    return _text_kind(data)


def _zip_kind(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return ZIP
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX:
                return None
            types = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        # Truncated, corrupt or compressed with a method zipfile lacks: not a file we can vouch for.
        return None
    if "macroEnabled" in types:  # .docm/.xlsm: Office files that carry macros
        return None
    for part, content_type, kind in _OFFICE:
        if part in names and content_type in types:
            return kind
    return ZIP


def _text_kind(data: bytes) -> FileKind | None:
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.lstrip("\ufeff \t\r\n").startswith("#!") or _MARKUP.search(data):
        return None  # a script, or a page in disguise
    return CSV if _looks_like_csv(text) else TEXT


def _looks_like_csv(text: str) -> bool:
    """At least two lines split into the same number (>1) of fields by one of , ; or tab."""
    lines = [line for line in text.lstrip("\ufeff").splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    for separator in (",", ";", "\t"):
        counts = {line.count(separator) for line in lines}
        if len(counts) == 1 and counts.pop() >= 1:
            return True
    return False


def max_upload_bytes(settings: Settings) -> int:
    return settings.max_upload_mb * 1024 * 1024


def request_body_limit(settings: Settings) -> int:
    """The most a request body may carry: one upload and its form, never below Litestar's 10 MB."""
    return max(10_000_000, max_upload_bytes(settings) + MULTIPART_OVERHEAD)


def display_name(client_name: str | None, kind: FileKind) -> str:
    """A name to show and to offer on download, from what the client sent.

    Folders are dropped (``C:\\Users\\x\\report.pdf`` → ``report.pdf``), control characters
    removed, the length capped, and the extension made to match what the content really is.
    """
    name = re.split(r"[\\/]", client_name or "")[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    name = " ".join(name.split()).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = f".{suffix.lower()}" if suffix else ""
    if suffix != kind.extension and _SAME_KIND.get(suffix) != kind:
        stem, suffix = name, kind.extension  # "report.pdf" that is a page image: "report.pdf.png"
    stem = stem.strip(" .")[: DISPLAY_NAME_MAX - len(suffix)] or "file"
    return stem + suffix


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name in RFC 5987 form."""
    from urllib.parse import quote

    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in name) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
