"""What an upload really is, judged from its bytes; the name shown for it."""

from __future__ import annotations

import pytest

from core.settings import Settings
from core.uploads import (
    CSV,
    DOCX,
    GIF,
    JPEG,
    PDF,
    PNG,
    TEXT,
    WEBP,
    XLSX,
    ZIP,
    content_disposition,
    display_name,
    max_upload_bytes,
    request_body_limit,
    sniff,
)
from tests.core.comments import files


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (files.png(), PNG),
        (files.pdf(), PDF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", JPEG),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", GIF),
        (b"RIFF\x1a\x00\x00\x00WEBPVP8 ", WEBP),
        (files.docx(), DOCX),
        (files.office("xl/workbook.xml", "application/vnd.ms-excel.spreadsheetml.sheet.main+xml"), ZIP),
        (
            files.office(
                "xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
            ),
            XLSX,
        ),
        (files.plain_zip(), ZIP),
        ("Grüße aus Köln\nzweite Zeile\n".encode(), TEXT),
        (b"part;qty\nA-100;4\nB-200;7\n", CSV),
    ],
)
def test_accepted_files_are_recognised_by_content(data, kind):
    assert sniff(data) == kind


@pytest.mark.parametrize(
    "data",
    [
        files.HTML,
        b"   <html><p>hi</p></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"<svg onload=alert(1)>",
        b"notes\n<script>alert(1)</script>\n",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # a Windows program
        b"\x7fELF\x02\x01\x01\x00\x00\x00",  # a Linux program
        b"#!/bin/sh\nrm -rf /\n",
        "caf\xe9".encode("latin-1"),  # not UTF-8
        b"text with a \x00 byte",
        files.office("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
        b"PK\x03\x04 not really a zip",
        files.docx()[:200],  # a Word file cut short: its parts cannot be read
        files.office_with_unknown_compression(),  # zipfile: "compression method is not supported"
        b"",
    ],
)
def test_script_programs_and_unknown_bytes_are_refused(data):
    assert sniff(data) is None


def test_the_name_never_decides_the_kind():
    # sniff() takes no name at all; the shown name follows the content, not the other way round.
    assert display_name("report.pdf", PNG) == "report.pdf.png"
    assert display_name("report.PDF", PDF) == "report.PDF"[:-4] + ".pdf"
    assert display_name("photo.jpeg", JPEG) == "photo.jpeg"


def test_display_names_lose_folders_control_characters_and_length():
    assert display_name("C:\\Users\\ann\\Desktop\\offer.pdf", PDF) == "offer.pdf"
    assert display_name("../../etc/passwd", TEXT) == "passwd.txt"
    assert display_name("in\x00voice\r\n\u202e.pdf", PDF) == "invoice.pdf"
    assert display_name("", PDF) == "file.pdf"
    assert display_name("...", PDF) == "file.pdf"
    long = display_name("x" * 500 + ".pdf", PDF)
    assert len(long) == 120 and long.endswith(".pdf")


def test_content_disposition_offers_an_ascii_name_and_the_exact_one():
    header = content_disposition('Angebot "März".pdf')
    assert header.startswith('attachment; filename="Angebot _M_rz_.pdf"')
    assert "filename*=UTF-8''Angebot%20%22M%C3%A4rz%22.pdf" in header


def test_the_size_limit_comes_from_the_settings():
    assert Settings().max_upload_mb == 20
    settings = Settings.from_env({"PORTICO_MAX_UPLOAD_MB": "50"})
    assert max_upload_bytes(settings) == 50 * 1024 * 1024
    assert request_body_limit(settings) > max_upload_bytes(settings)
    assert request_body_limit(Settings(max_upload_mb=1)) == 10_000_000  # never below Litestar's default
