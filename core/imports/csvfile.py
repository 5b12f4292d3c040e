"""Reading an uploaded CSV file of people: encoding, delimiter, header, size limits.

Nothing here touches the database; a file that cannot be read at all is refused with a
:class:`CsvError` whose message (a msgid with values) is shown above the upload form.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from core.i18n import N_

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
COLUMNS = ("email", "first_name", "last_name", "title", "phone", "site", "role", "send_invitation")
SUFFIXES = (".csv", ".txt")


class CsvError(ValueError):
    """The file as a whole cannot be imported; ``msgid`` and ``values`` make the message."""

    def __init__(self, msgid: str, **values: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.values = values


@dataclass(frozen=True)
class CsvRow:
    """One data line: ``line`` is its line number in the file (the header is line 1)."""

    line: int
    values: dict[str, str] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


def check_upload(filename: str, data: bytes) -> None:
    """Refuse what is plainly not a CSV file before reading it."""
    if not data:
        raise CsvError(N_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise CsvError(N_("The file is larger than {size} MB."), size=MAX_BYTES // (1024 * 1024))
    if not filename.lower().endswith(SUFFIXES):
        raise CsvError(N_("Upload a CSV file (a name ending in .csv)."))


def read_rows(data: bytes) -> list[CsvRow]:
    """The file's data rows, keyed by lower-case column name; blank lines are left out."""
    if len(data) > MAX_BYTES:
        raise CsvError(N_("The file is larger than {size} MB."), size=MAX_BYTES // (1024 * 1024))
    if b"\x00" in data[:8192]:
        raise CsvError(N_("This is not a CSV file: save it from your spreadsheet as CSV (UTF-8)."))
    try:
        text = data.decode("utf-8-sig")  # a BOM, as Excel writes one, is dropped
    except UnicodeDecodeError as exc:
        raise CsvError(N_("The file is not UTF-8 text: save it from your spreadsheet as CSV (UTF-8).")) from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader, None)
        if header is None:
            raise CsvError(N_("The file is empty."))
        columns = [name.strip().lower() for name in header]
        _check_header(columns)
        rows: list[CsvRow] = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise CsvError(N_("The file has more than {count} rows: split it into smaller files."), count=MAX_ROWS)
            rows.append(CsvRow(reader.line_num, {c: v for c, v in zip(columns, values, strict=False) if c}))
    except csv.Error as exc:
        raise CsvError(N_("The file could not be read as CSV (line {line})."), line=reader.line_num) from exc
    return rows


def _delimiter(text: str) -> str:
    """Comma or semicolon (a spreadsheet in a language with decimal commas writes semicolons)."""
    sample = text[:16384]
    header = sample.split("\n", 1)[0]
    try:
        found = csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        found = ""
    # Column names hold neither character, so the header line settles what the sniffer could
    # not (one column) or got wrong (semicolons inside a quoted value).
    if found and found in header:
        return found
    return ";" if header.count(";") > header.count(",") else ","


def _check_header(columns: list[str]) -> None:
    if "email" not in columns:
        raise CsvError(N_("The first line must name the columns, among them “email”."))
    unknown = [c for c in columns if c and c not in COLUMNS]
    if unknown:
        raise CsvError(
            N_("Unknown columns: {columns}. The columns are: {known}."),
            columns=", ".join(unknown),
            known=", ".join(COLUMNS),
        )
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise CsvError(N_("The column “{column}” appears twice."), column=repeated[0])


def sample_csv(site: str, roles: tuple[str, str]) -> str:
    """The sample file offered for download: the header and two example people."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(["jane.doe@example.com", "Jane", "Doe", "Buyer", "+1 555 0100", site, roles[0], "yes"])
    writer.writerow(["john.roe@example.com", "John", "Roe", "Plant manager", "", site, roles[1], "no"])
    return out.getvalue()
