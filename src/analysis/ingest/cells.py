"""Cell-level rules shared by the DUO count readers (mbo, ho): counts, codes, gender, checks.

Kept in one place so that every reader treats ``<5``, empty cells, negative numbers and
lost leading zeros the same way, and reports a bad cell with its file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import DataError
from analysis.store import schema

SUPPRESSED = "<5"
YEAR_COLUMN = r"^(?:19|20)\d{2}$"


@dataclass(frozen=True)
class Where:
    """How to name a position in the file: 'line' (CSV) or 'record' (JSON)."""

    path: Path
    unit: str = "line"

    def error(self, problem: str, row: int, column: str, expected: str) -> DataError:
        if self.unit == "line":
            return DataError(self.path, problem, line=row, column=column, expected=expected)
        return DataError(self.path, f"record {row}: {problem}", column=column, expected=expected)


def parse_counts(
    values: pd.Series,
    rows: pd.Series,
    columns: pd.Series,
    where: Where,
    *,
    suppressed_markers: tuple[str, ...] = (SUPPRESSED,),
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Text cells -> (count Int64, suppressed boolean, empty boolean).

    A suppressed cell (``<5``, or ``-1`` where the caller says so) is unknown: <NA> with
    ``suppressed=True``. An empty cell is reported as empty, and the caller decides what it
    means. Anything else that is not a whole number >= 0 is a DataError naming the cell.
    """
    text = values.astype("string").str.strip()
    empty = text.isna() | (text == "")
    suppressed = text.isin(list(suppressed_markers)).fillna(False) & ~empty
    number = text.str.fullmatch(r"\d+").fillna(False) & ~suppressed
    bad = ~(empty | suppressed | number)
    if bad.any():
        i = bad[bad].index[0]
        value = text[i]
        negative = bool(pd.Series([value]).str.fullmatch(r"-\d+").iloc[0])
        problem = f"negative count {value!r}" if negative else f"count {value!r} is not a number"
        markers = " or ".join(repr(m) for m in suppressed_markers)
        raise where.error(
            problem, int(rows[i]), str(columns[i]), f"a whole number >= 0, {markers}, or empty"
        )
    counts = pd.Series(pd.NA, index=values.index, dtype="Int64")
    counts[number] = text[number].astype("int64")
    return counts, suppressed.astype("boolean"), empty.astype(bool)


def municipality_codes(values: pd.Series, rows: pd.Series, column: str, where: Where) -> pd.Series:
    """CBS municipality codes as 4 digits; leading zeros restored when a release lost them."""
    text = values.astype("string").str.strip().replace("", pd.NA)
    text = text.str.replace(r"\.0$", "", regex=True)  # a float-typed release: '106.0'
    padded = text.str.zfill(4)
    bad = padded.notna() & ~padded.str.fullmatch(r"\d{4}").fillna(False)
    if bad.any():
        i = bad[bad].index[0]
        raise where.error(
            f"municipality code {values[i]!r} is not a CBS code",
            int(rows[i]),
            column,
            "a number of at most 4 digits (e.g. '0014')",
        )
    return padded


def genders(values: pd.Series, rows: pd.Series, column: str, where: Where) -> pd.Series:
    """GESLACHT as man / vrouw / onbekend, whatever the case of the release."""
    norm = values.astype("string").str.strip().str.lower()
    bad = ~norm.isin(["man", "vrouw", "onbekend"]).fillna(False)
    if bad.any():
        i = bad[bad].index[0]
        raise where.error(
            f"unknown gender {values[i]!r}", int(rows[i]), column, "man, vrouw or onbekend"
        )
    return norm


def text(values: pd.Series) -> pd.Series:
    """A text column with DUO's blank padding stripped; blank becomes <NA>."""
    return values.astype("string").str.strip().replace("", pd.NA)


def validate(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Conform to COUNT_COLUMNS and validate; a failure names the column and a source row."""
    out = schema.conform(frame, schema.COUNT_COLUMNS)
    out.attrs = dict(frame.attrs)
    check_contract(out, schema.COUNT_SCHEMA, path)
    return out


def check_contract(frame: pd.DataFrame, contract: Any, path: Path) -> None:
    """Validate ``frame`` against a contract of ``analysis.store.schema`` (``COUNT_SCHEMA``,
    or ``STORE_SCHEMA`` for an attributed frame); a failure is a ``DataError`` naming the
    file, the column, a source row and the check."""
    import pandera.errors  # here, not at import: sniffing files must not load pandera

    try:
        contract.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        case = cases.iloc[0]
        column = case.get("column") if isinstance(case.get("column"), str) else None
        index = case.get("index")
        row = None
        if column in frame and index is not None and not pd.isna(index) and index in frame.index:
            row = frame.at[index, "source_row"]
        raise DataError(
            path,
            f"value {case.get('failure_case')!r} breaks the {contract.name} "
            f"({len(cases)} failing value(s) in all)",
            line=int(row) if row is not None and not pd.isna(row) else None,
            column=column,
            expected=f"check {case.get('check')!r} of the {contract.name}",
        ) from exc
