"""Low-level reading of raw files: encoding, BOM, separator, line ends, key names, footers.

Every DUO/CBS reader goes through ``sniff`` (to be recognised by its header) and
``read_rows`` (to get all cells as text), so the quirks listed in docs/data-log.md, and those
of DUO releases not at hand, are handled once:

* UTF-8 (with or without BOM), else Windows-1252: DUO's old releases are "Latin-1", but
  bytes 0x80-0x9F in them are Windows characters (’ – €), never C1 control characters.
  A byte that is undefined in Windows-1252 is an error naming its line.
* LF, CRLF or CR line ends.
* Key columns renamed between releases (``BRIN NUMMER`` -> ``INSTELLINGSCODE``, ...) are
  read under one name (``KEY_ALIASES``); ``Sniffed.renamed`` keeps the file's own name.
* DUO's footer rows: blank rows (also ``;;;;``) and a totals row are never data; a totals
  row that does not add up to the column sums is an error naming the file and line.
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
# Bytes that Windows-1252 leaves undefined: in a "Latin-1" DUO file they are corruption.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_C1_RANGE = re.compile(rb"[\x80-\x9f]")

# A key column renamed between DUO releases -> the name the readers use. DUO renamed BRIN
# to INSTELLINGSCODE (and vestigingsnummer to vestigingscode) around 2019, and dropped the
# word CROHO from the HO onderdeel columns; the meaning of the column did not change.
KEY_ALIASES: dict[str, str] = {
    "INSTELLINGSCODE": "BRIN NUMMER",
    "VESTIGINGSCODE": "VESTIGINGSNUMMER",
    "INSTELLINGSCODE ACTUEEL": "BRIN NUMMER ACTUEEL",
    "ONDERDEEL": "CROHO ONDERDEEL",
    "SUBONDERDEEL": "CROHO SUBONDERDEEL",
    "KWALIFICATIECODE": "KWALIFICATIE CODE",
    "KWALIFICATIENAAM": "KWALIFICATIE NAAM",
}
# What DUO writes in the label cell of a totals row (compared case-insensitively).
TOTAL_LABELS = {"totaal", "total", "totalen", "eindtotaal", "totaal generaal", "generaal totaal"}
_EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx (zip) and legacy xls (OLE2)


@dataclass(frozen=True)
class Sniffed:
    """What a file looks like from its first bytes."""

    path: Path
    kind: str  # 'csv' | 'json'
    encoding: str = "utf-8"  # as passed to open(); 'utf-8-sig' when a BOM is present
    delimiter: str = ";"
    header: tuple[str, ...] = field(default_factory=tuple)  # key columns under KEY_ALIASES names
    json_keys: tuple[str, ...] = field(default_factory=tuple)
    renamed: dict[str, str] = field(default_factory=dict)  # reader's name -> the file's own name

    def source_name(self, column: str) -> str:
        """The file's own name for a column, for error messages."""
        return self.renamed.get(column, column)


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

    def load(self, sniffed: Sniffed) -> pd.DataFrame:
        """``read``, with an error naming a renamed key column as the file calls it."""
        try:
            return self.read(sniffed)
        except DataError as exc:
            if exc.column is not None and exc.column in sniffed.renamed:
                raise exc.naming_column(sniffed.renamed[exc.column]) from exc
            raise


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
    return _decode_single_byte(path, data)


def _decode_single_byte(path: Path, data: bytes) -> tuple[str, str]:
    """An old DUO release: Latin-1, with 0x80-0x9F read as Windows-1252 (’ – € ...)."""
    if _C1_RANGE.search(data) is None:
        return data.decode("latin-1"), "latin-1"
    undefined = _CP1252_UNDEFINED.search(data)
    if undefined is not None:
        raise DataError(
            path,
            f"byte 0x{data[undefined.start()]:02X} is neither UTF-8 text nor a Windows-1252 "
            "character (a control character in Latin-1: corrupted text?)",
            line=data.count(b"\n", 0, undefined.start()) + 1,
            expected="UTF-8, or Latin-1/Windows-1252 text",
        )
    return data.decode("cp1252"), "cp1252"


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
        keys, renamed = canonical_names(tuple(records[0].keys()))
        return Sniffed(path, "json", encoding=encoding, json_keys=keys, renamed=renamed)
    first_line = text.lstrip("\r\n").splitlines()[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    header = next(csv.reader([first_line], delimiter=delimiter))
    names, renamed = canonical_names(tuple(h.strip() for h in header))
    return Sniffed(
        path, "csv", encoding=encoding, delimiter=delimiter, header=names, renamed=renamed
    )


def canonical_names(columns: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, str]]:
    """Renamed key columns under the readers' names (``KEY_ALIASES``), and what was renamed.

    A name is only taken over when the file does not also carry the old name itself.
    """
    present = set(columns)
    names, renamed = [], {}
    for column in columns:
        target = KEY_ALIASES.get(column)
        if target is not None and target not in present:
            names.append(target)
            renamed[target] = column
        else:
            names.append(column)
    return tuple(names), renamed


def read_rows(
    sniffed: Sniffed, *, sums: tuple[str, ...] = (), values: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Read a CSV's body as text cells, with a ``source_row`` column (1-based physical line).

    Blank lines, lines of empty fields only (``;;;;``) and lines that hold only ``""`` (a
    re-write artefact in some DUO copies) are skipped. ``sums`` names the count columns that
    add up; ``values`` other value columns (percentages). A row whose other (key) fields are
    all blank, a total label (``Totaal``) or a number, with a count in some ``sums`` column,
    is DUO's totals row: it is checked against the column sums (``check_totals``) and never
    returned as data; ``attrs["footer_rows"]`` lists the lines of such rows.

    A row with a different number of fields than the header is an error that names the
    line: it means a truncated or corrupted file. A row repeated verbatim is an error
    naming both lines: no real DUO/CBS release has one, and counting it twice would
    inflate every total silently.
    """
    path = sniffed.path
    text, _ = decode(path, path.read_bytes())
    width = len(sniffed.header)
    columns = list(sniffed.header)
    not_keys = set(sums) | set(values)
    key_positions = [i for i, c in enumerate(columns) if c not in not_keys]
    sum_positions = [i for i, c in enumerate(columns) if c in set(sums)]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniffed.delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    totals: list[tuple[int, list[str]]] = []
    seen: dict[tuple[str, ...], int] = {}
    try:
        for fields in reader:  # the header: the first line that is not blank (as in ``sniff``)
            if any(f.strip() for f in fields):
                break
        for fields in reader:
            if not "".join(fields).strip():  # blank, or empty fields only (";;;;")
                continue
            if len(fields) != width:
                raise DataError(
                    path,
                    f"row has {len(fields)} fields",
                    line=reader.line_num,
                    expected=f"{width} fields as in the header (truncated or corrupted file?)",
                )
            if sum_positions and _is_totals_row(fields, key_positions, sum_positions):
                totals.append((reader.line_num, fields))
                continue
            key = tuple(fields)
            if key in seen:
                raise _duplicate(path, seen[key], reader.line_num, "line")
            seen[key] = reader.line_num
            rows.append(fields)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise DataError(path, f"malformed CSV: {exc}", line=reader.line_num) from exc
    frame = pd.DataFrame(rows, columns=columns, dtype="string")
    frame["source_row"] = pd.array(lines, dtype="Int64")
    for line, fields in totals:
        check_totals(sniffed, frame, line, fields, key_positions, sum_positions)
    frame.attrs["footer_rows"] = [line for line, _ in totals]
    return frame


def _is_totals_row(fields: list[str], keys: list[int], sums: list[int]) -> bool:
    """No key text but a total label or a number (a year, a code), and some count filled."""
    for i in keys:  # a data row has text in its first key fields: decided at once
        cell = fields[i].strip()
        if cell and not cell.isdigit() and cell.casefold() not in TOTAL_LABELS:
            return False
    return any(fields[i].strip() for i in sums)


# DUO's suppression markers: '<5' (old portal) and '-1' (new portal), each 1..4 students.
_SUPPRESSED_CELLS = ("<5", "-1")
_SUPPRESSED_MAX = 4


def check_totals(
    sniffed: Sniffed,
    frame: pd.DataFrame,
    line: int,
    fields: list[str],
    keys: list[int],
    sums: list[int],
) -> None:
    """A totals row must equal the sum of the data rows it covers, in every count column.

    The rows it covers are those that agree with its filled key fields (e.g. its year in a
    long file; all rows when its keys are blank). A suppressed cell among them (1..4) widens
    the sum to a range. Cells that are not numbers are left to the reader, which names them.
    """
    columns = list(sniffed.header)
    covered = pd.Series(True, index=frame.index)
    for i in keys:
        value = fields[i].strip()
        if value and value.casefold() not in TOTAL_LABELS:
            covered &= frame[columns[i]].str.strip() == value
    for i in sums:
        total = fields[i].strip()
        if not total.isdigit():
            continue
        cells = frame.loc[covered, columns[i]].str.strip()
        numbers = cells[cells.str.fullmatch(r"\d+").fillna(False)]
        low = int(numbers.astype("int64").sum())
        hidden = int(cells.isin(_SUPPRESSED_CELLS).sum())
        high = low + _SUPPRESSED_MAX * hidden
        if not low + hidden <= int(total) <= high:
            summed = f"{low + hidden:,}-{high:,}" if hidden else f"{low:,}"
            raise DataError(
                sniffed.path,
                f"the totals row says {int(total):,} but the data rows sum to {summed}",
                line=line,
                column=sniffed.source_name(columns[i]),
                expected="a totals row equal to the column sum (it is DUO's footer, never data)",
            )


def read_records(sniffed: Sniffed) -> pd.DataFrame:
    """Read a JSON array of records as text cells, with ``source_row`` = record number.

    A record repeated verbatim is an error naming both record numbers (see ``read_rows``).
    """
    records = json.loads(sniffed.path.read_bytes().decode(sniffed.encoding))
    records = [{_json_key(sniffed, k): v for k, v in record.items()} for record in records]
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


def _json_key(sniffed: Sniffed, key: str) -> str:
    """A record key under the readers' name (``KEY_ALIASES``), as in ``Sniffed.json_keys``."""
    target = KEY_ALIASES.get(key)
    return target if target is not None and sniffed.renamed.get(target) == key else key


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
        aliases = {canonical: alias for alias, canonical in KEY_ALIASES.items()}
        named = [f"{c} (or {aliases[c]})" if c in aliases else c for c in missing]
        raise DataError(
            sniffed.path,
            f"missing column(s) {named}",
            column=missing[0],
            expected=f"all of {list(columns)}",
        )
