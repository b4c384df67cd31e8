"""DUO mbo: "03 Deelnemers per instelling, plaats, kenniscentrum, sector, ... niveau, geslacht".

Wide format: one column per gender x year (``MAN2015;VROUW2015;TOTAAL2015;...``). The year
columns are found by pattern, so a 2016-2020 release reads the same way, and so does one
that writes them ``2015 MAN``, ``2015-MAN``, ``MAN 2015``, ``MAN_2015`` or ``man 2015-2016``.

Decisions (also reported in the manifest through ``frame.attrs``):

* An empty cell means "no students that year" (DUO leaves it blank instead of writing 0).
  No row is invented for it: the store holds only published numbers. The number of empty
  cells is kept in ``attrs["empty_cells"]`` so nothing disappears unseen.
* ``<5`` is suppressed: count <NA>, ``suppressed=True``.
* TOTAAL is published, so it is kept as gender ``totaal``: a published total is a better
  denominator than a sum of parts. ``attrs["total_mismatches"]`` counts the rows where, in
  some year, TOTAAL differs from MAN + VROUW (+ ONBEKEND) with every part known (an empty
  part counts as 0). On the 2015-2019 release this is 0.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.ingest.cells import Where, parse_counts, text, validate
from analysis.ingest.rawfile import Sniffed, SourceFormat, read_rows, require_columns
from analysis.store import schema

DATASET = "duo_mbo_students"
_GENDER = r"(MAN|VROUW|ONBEKEND|TOTAAL)"
_YEAR = r"((?:19|20)\d{2})(?:[-/](?:19|20)?\d{2})?"  # 2015, or the school year 2015-2016
GENDER_YEAR = re.compile(rf"^(?:{_GENDER}[\s_-]*{_YEAR}|{_YEAR}[\s_-]*{_GENDER})$", re.IGNORECASE)

ID_COLUMNS = {
    "BRIN NUMMER": "institution_code",
    "INSTELLINGSNAAM": "institution_name",
    "PLAATSNAAM": "place_raw",
    "TYPE MBO": "pathway",
    "KWALIFICATIENIVEAU": "qualification_level",
    "KWALIFICATIE CODE": "programme_code",
    "KWALIFICATIE NAAM": "programme",
    "MBO SECTOR": "field",
    "DOMEIN": "subfield",
}


def gender_year(column: str) -> tuple[str, int] | None:
    """('man', 2015) for 'MAN2015', '2015 MAN', 'man 2015-2016' ...; None for other columns."""
    match = GENDER_YEAR.match(column.strip())
    if match is None:
        return None
    gender, year, year_first, gender_last = match.groups()
    return (gender or gender_last).lower(), int(year or year_first)


def _gender_year_columns(header: tuple[str, ...]) -> list[str]:
    return [c for c in header if gender_year(c) is not None]


def _matches(sniffed: Sniffed) -> bool:
    header = set(sniffed.header)
    return (
        sniffed.kind == "csv"
        and bool(_gender_year_columns(sniffed.header))
        and ("MBO SECTOR" in header or "KWALIFICATIE CODE" in header)
    )


def _total_mismatches(wide: pd.DataFrame, columns: list[str], where: Where) -> int:
    """Rows where a year's TOTAAL differs from the sum of its fully known parts."""
    by_year: dict[int, dict[str, str]] = {}
    for column in columns:
        gender, year = gender_year(column)
        by_year.setdefault(year, {})[gender.upper()] = column
    bad = pd.Series(False, index=wide.index)
    for parts in by_year.values():
        if "TOTAAL" not in parts or not ({"MAN", "VROUW"} <= parts.keys()):
            continue
        counts = {}
        for gender, column in parts.items():
            count, suppressed, _ = parse_counts(
                wide[column], wide["source_row"], pd.Series(column, index=wide.index), where
            )
            counts[gender] = (count.fillna(0), suppressed)
        known = ~pd.concat([s for _, s in counts.values()], axis=1).any(axis=1)
        parts_sum = sum(c for g, (c, _) in counts.items() if g != "TOTAAL")
        bad |= known & (parts_sum != counts["TOTAAL"][0])
    return int(bad.sum())


def read(sniffed: Sniffed) -> pd.DataFrame:
    """The mbo file as tidy counts: one row per published (row, gender, year) cell."""
    require_columns(sniffed, list(ID_COLUMNS))
    where = Where(sniffed.path)
    value_columns = _gender_year_columns(sniffed.header)
    wide = read_rows(sniffed, sums=tuple(value_columns))
    long = wide.melt(
        id_vars=[*ID_COLUMNS, "source_row"],
        value_vars=value_columns,
        var_name="column",
        value_name="cell",
    )
    count, suppressed, empty = parse_counts(long["cell"], long["source_row"], long["column"], where)
    long = long.assign(count=count, suppressed=suppressed)[~empty]
    parts = {column: gender_year(column) for column in value_columns}
    frame = pd.DataFrame(
        {target: text(long[source]) for source, target in ID_COLUMNS.items()}, index=long.index
    )
    frame["gender"] = long["column"].map({c: g for c, (g, _) in parts.items()}).astype("string")
    frame["year"] = long["column"].map({c: y for c, (_, y) in parts.items()}).astype("Int64")
    frame["schooljaar"] = schema.schooljaar_column(frame["year"])
    frame["count"] = long["count"]
    frame["suppressed"] = long["suppressed"]
    frame["source_row"] = long["source_row"]
    frame["dataset"] = DATASET
    frame["release"] = FORMAT.id
    frame["cut"] = "full"
    frame["level"] = "mbo"
    frame["measure"] = "students"
    frame = frame.sort_values(["source_row", "year", "gender"], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs["empty_cells"] = int(empty.sum())
    frame.attrs["footer_rows"] = wide.attrs["footer_rows"]
    mismatches = _total_mismatches(wide, value_columns, where)
    frame.attrs["total_mismatches"] = mismatches
    if mismatches:
        frame.attrs["warnings"] = [
            f"{mismatches} row(s) have a TOTAAL that differs from MAN + VROUW in some year; "
            "the published TOTAAL is kept as gender 'totaal'"
        ]
    return validate(frame, sniffed.path)


FORMAT = SourceFormat(
    id="duo_mbo_students_wide",
    dataset=DATASET,
    role="counts",
    description="DUO mbo deelnemers per instelling, plaats, sector, niveau, geslacht (wide)",
    signature="MBO SECTOR / KWALIFICATIE CODE and MAN<yyyy>;VROUW<yyyy>;TOTAAL<yyyy> columns",
    matches=_matches,
    read=read,
)

FORMATS: list[SourceFormat] = [FORMAT]
