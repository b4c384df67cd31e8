"""Low-level reading of raw files: encoding, BOM, separator, stray lines, truncation.

Every DUO/CBS reader goes through ``sniff`` (to be recognised by its header) and
``read_rows`` (to get all cells as text), so the quirks listed in docs/data-log.md are
handled once.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import DataError

# A UTF-8 encoded letter such as 'â' (C3 A2); in Latin-1 text these byte pairs do not occur.
_UTF8_SEQUENCE = re.compile(rb"[\xc3-\xc5][\x80-\xbf]")
_EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx (zip) and legacy xls (OLE2)


@dataclass(frozen=True)
class Sniffed:
    """What a file looks like from its first bytes."""

    path: Path
    kind: str  # 'csv' | 'json'
    encoding: str = "utf-8"  # as passed to open(); 'utf-8-sig' when a BOM is present
    delimiter: str = ";"
    header: tuple[str, ...] = field(default_factory=tuple)
    json_keys: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SourceFormat:
    """One release format of one publisher dataset."""

    id: str  # e.g. 'duo_vo_exam_2019' (dataset + release)
    dataset: str  # e.g. 'duo_vo_exam'
    # 'counts' (tidy COUNT_COLUMNS frame) | 'reference' (lookup) | 'geometry' | 'metadata'
    role: str
    description: str  # what the file is, for the manifest and error messages
    signature: str  # the header columns that identify it, for error messages
    matches: Callable[[Sniffed], bool]
    read: Callable[[Sniffed], pd.DataFrame]


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Decode raw bytes; UTF-8 (with or without BOM) first, then Latin-1 (old DUO releases)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:  # a doubled BOM (a file re-saved as UTF-8 twice) carries no data either
            return data[3:].decode("utf-8").lstrip("\ufeff"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start + 3) + 1
            raise DataError(
                path,
                "starts with a UTF-8 BOM but holds bytes that are not UTF-8",
                line=line,
                expected="one encoding for the whole file",
            ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(
            path, "UTF-16 text is not a DUO/CBS release format", expected="UTF-8 or Latin-1"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    if b"\x00" in data:
        raise DataError(path, "binary content (NUL bytes)", expected="a text CSV or JSON file")
    utf8_sequence = _UTF8_SEQUENCE.search(data)
    if utf8_sequence is not None:  # read as Latin-1, every UTF-8 'â' would become 'Ã¢'
        utf8_line, bad_line = (
            data.count(b"\n", 0, at) + 1 for at in (utf8_sequence.start(), bad_at)
        )
        raise DataError(
            path,
            f"mixed encodings: UTF-8 text (line {utf8_line}) and bytes that are not UTF-8 "
            f"(line {bad_line})",
            expected="one encoding for the whole file, UTF-8 or Latin-1",
        )
    return data.decode("latin-1"), "latin-1"


def sniff(path: str | Path) -> Sniffed:
    """Recognise the container (CSV/JSON) and read the header, without parsing the body."""
    path = Path(path)
    data = path.read_bytes()
    if not data.strip():
        raise DataError(path, "the file is empty", expected="a header line and data rows")
    if data.startswith(_EXCEL_MAGIC):
        raise DataError(
            path,
            "this is an Excel workbook",
            expected="the CSV release of the dataset (DUO publishes both; download the .csv)",
        )
    text, encoding = decode(path, data)
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(
                path,
                f"invalid or truncated JSON: {exc.msg}",
                line=exc.lineno,
                expected="a JSON array of records",
            ) from exc
        if isinstance(records, dict):  # GeoJSON / TopoJSON / other documents: top-level keys
            return Sniffed(path, "json", encoding=encoding, json_keys=tuple(records.keys()))
        if not isinstance(records, list) or not records or not isinstance(records[0], dict):
            raise DataError(
                path,
                "JSON is neither a document nor a non-empty array of records",
                expected="[{...}, ...] or {...}",
            )
        return Sniffed(path, "json", encoding=encoding, json_keys=tuple(records[0].keys()))
    first_line = text.splitlines()[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    header = next(csv.reader([first_line], delimiter=delimiter))
    return Sniffed(
        path, "csv", encoding=encoding, delimiter=delimiter, header=tuple(h.strip() for h in header)
    )


def read_rows(sniffed: Sniffed) -> pd.DataFrame:
    """Read a CSV's body as text cells, with a ``source_row`` column (1-based physical line).

    Lines that hold only ``""`` or nothing (a re-write artefact in some DUO copies) are
    skipped. A row with a different number of fields than the header is an error that
    names the line: it means a truncated or corrupted file. A row repeated verbatim is an
    error naming both lines: no real DUO/CBS release has one, and counting it twice would
    inflate every total silently.
    """
    path = sniffed.path
    text, _ = decode(path, path.read_bytes())
    width = len(sniffed.header)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniffed.delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    seen: dict[tuple[str, ...], int] = {}
    try:
        next(reader)
        for fields in reader:
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            if len(fields) != width:
                raise DataError(
                    path,
                    f"row has {len(fields)} fields",
                    line=reader.line_num,
                    expected=f"{width} fields as in the header (truncated or corrupted file?)",
                )
            key = tuple(fields)
            if key in seen:
                raise _duplicate(path, seen[key], reader.line_num, "line")
            seen[key] = reader.line_num
            rows.append(fields)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise DataError(path, f"malformed CSV: {exc}", line=reader.line_num) from exc
    frame = pd.DataFrame(rows, columns=list(sniffed.header), dtype="string")
    frame["source_row"] = pd.array(lines, dtype="Int64")
    return frame


def read_records(sniffed: Sniffed) -> pd.DataFrame:
    """Read a JSON array of records as text cells, with ``source_row`` = record number.

    A record repeated verbatim is an error naming both record numbers (see ``read_rows``).
    """
    records = json.loads(sniffed.path.read_bytes().decode(sniffed.encoding))
    seen: dict[str, int] = {}
    for number, record in enumerate(records, start=1):
        key = json.dumps(record, sort_keys=True, ensure_ascii=False)
        if key in seen:
            raise _duplicate(sniffed.path, seen[key], number, "record")
        seen[key] = number
    frame = pd.DataFrame.from_records(records)
    frame = frame.astype("string")
    frame["source_row"] = pd.array(range(1, len(frame) + 1), dtype="Int64")
    return frame


def _duplicate(path: Path, first: int, again: int, unit: str) -> DataError:
    """The error for a row that repeats an earlier one verbatim."""
    return DataError(
        path,
        f"{unit} {again} repeats {unit} {first} exactly (duplicate row)",
        line=again if unit == "line" else None,
        expected="each row once; remove the duplicate or download the file again",
    )


def require_columns(sniffed: Sniffed, columns: list[str] | tuple[str, ...]) -> None:
    """Fail with the missing column names when a recognised file lacks some columns."""
    present = set(sniffed.header or sniffed.json_keys)
    missing = [c for c in columns if c not in present]
    if missing:
        raise DataError(
            sniffed.path,
            f"missing column(s) {missing}",
            column=missing[0],
            expected=f"all of {list(columns)}",
        )
