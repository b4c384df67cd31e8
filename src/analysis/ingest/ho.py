"""DUO higher education (hbo, wo): enrolled, first-years and graduates, in three release formats.

1. Old portal (duo.nl/open_onderwijsdata), wide CSV, one column per year: "01. Ingeschrevenen",
   "03b Eerstejaars ingeschrevenen ... domein" (same header as 01) and "05 Gediplomeerden"
   (SOORT DIPLOMA instead of TYPE HOGER ONDERWIJS).
2. The same wide table as a JSON array of records (a third-party conversion of the hbo
   ingeschrevenen release 2024): ``INSTELLINGSCODE ACTUEEL``, ``ONDERDEEL``, integer codes.
3. New portal (onderwijsdata.duo.nl, CKAN datasets p01hoinges, p02ho1ejrs, p04hogdipl):
   long CSV, comma-separated, one row per year, ``-1`` for a suppressed count. No real copy is
   at hand: the header follows the field list of the public "Metagegevenscatalogus: DUO Open
   Onderwijsdata - HBO" (A. Leemans, 2026-02-19, found in the public code corpus) and
   third-party loaders of these files: ``STUDIEJAAR`` (``DIPLOMAJAAR`` for graduates),
   ``PROVINCIENAAM, GEMEENTENUMMER, GEMEENTENAAM, SOORT_INSTELLING,
   TYPE_HOGER_ONDERWIJS`` (``SOORT_DIPLOMA``), ``INSTELLINGSCODE_ACTUEEL,
   INSTELLINGSNAAM_ACTUEEL, ONDERDEEL, SUBONDERDEEL``, then ``GESLACHT`` (resource "a"),
   ``OPLEIDINGSCODE_ACTUEEL, OPLEIDINGSNAAM_ACTUEEL`` ("b") or ``OPLEIDINGSVORM`` ("c"), and
   ``AANTAL_INGESCHREVENEN`` / ``AANTAL_EERSTEJAARS_INGESCHREVENEN`` / ``AANTAL_GEDIPLOMEERDEN``.
   ONDERDEEL is upper case (``TECHNIEK``, ``GEDRAG_EN_MAATSCHAPPIJ``) and kept verbatim.

Year: DUO's peildatum is 1 October of the year in the column, so column ``2019`` is school
year 2019/20 (year 2019). For graduates the same label is used, but the diplomas counted at
peildatum 1 October 2019 were mostly awarded in the academic year that ended just before
(2018/19): read a graduates year as "counted in autumn of that year".

hbo or wo, and enrolled or first-years where the header does not say: see
``analysis.ingest.ho_rules``. Empty cells (not seen in any real HO release) are not
stored; their number is in ``attrs["empty_cells"]`` with a warning.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.errors import DataError
from analysis.ingest import ho_rules
from analysis.ingest.cells import (
    YEAR_COLUMN,
    Where,
    genders,
    municipality_codes,
    parse_counts,
    text,
    validate,
)
from analysis.ingest.rawfile import Sniffed, SourceFormat, read_records, read_rows, require_columns
from analysis.store import schema

DATASETS = {
    "enrolled": "duo_ho_enrolled",
    "first_years": "duo_ho_first_years",
    "graduates": "duo_ho_graduates",
}

# Old-portal wide CSV and its JSON conversion: source column -> tidy column.
WIDE_COLUMNS = {
    "PROVINCIE": "province_raw",
    "GEMEENTENUMMER": "municipality_code_raw",
    "GEMEENTENAAM": "municipality_name_raw",
    "SOORT INSTELLING": "institution_type",
    "BRIN NUMMER ACTUEEL": "institution_code",
    "INSTELLINGSNAAM ACTUEEL": "institution_name",
    "CROHO ONDERDEEL": "field",
    "CROHO SUBONDERDEEL": "subfield",
    "OPLEIDINGSCODE ACTUEEL": "programme_code",
    "OPLEIDINGSNAAM ACTUEEL": "programme",
    "OPLEIDINGSVORM": "pathway",
    "GESLACHT": "gender",
}
JSON_RENAMES = {
    "INSTELLINGSCODE ACTUEEL": "BRIN NUMMER ACTUEEL",
    "ONDERDEEL": "CROHO ONDERDEEL",
    "SUBONDERDEEL": "CROHO SUBONDERDEEL",
}
DEGREE_COLUMNS = ("TYPE HOGER ONDERWIJS", "SOORT DIPLOMA")

# New-portal long CSV.
LONG_COLUMNS = {
    "PROVINCIENAAM": "province_raw",
    "GEMEENTENUMMER": "municipality_code_raw",
    "GEMEENTENAAM": "municipality_name_raw",
    "SOORT_INSTELLING": "institution_type",
    "INSTELLINGSCODE_ACTUEEL": "institution_code",
    "INSTELLINGSNAAM_ACTUEEL": "institution_name",
    "ONDERDEEL": "field",
    "SUBONDERDEEL": "subfield",
    "OPLEIDINGSCODE_ACTUEEL": "programme_code",
    "OPLEIDINGSNAAM_ACTUEEL": "programme",
    "OPLEIDINGSVORM": "pathway",
    "GESLACHT": "gender",
}
LONG_REQUIRED = ("PROVINCIENAAM", "GEMEENTENUMMER", "GEMEENTENAAM", "INSTELLINGSCODE_ACTUEEL")
LONG_MEASURES = {
    "AANTAL_INGESCHREVENEN": "enrolled",
    "AANTAL_EERSTEJAARS_INGESCHREVENEN": "first_years",
    "AANTAL_EERSTEJAARS": "first_years",
    "AANTAL_GEDIPLOMEERDEN": "graduates",
}
LONG_NOT_USED = {
    "AANTAL_INSCHRIJVINGEN": "p03hoinschr counts registrations (a student with two "
    "programmes counts twice), not persons; use p01hoinges (AANTAL_INGESCHREVENEN)"
}
LONG_YEARS = ("STUDIEJAAR", "DIPLOMAJAAR")
LONG_DEGREES = ("TYPE_HOGER_ONDERWIJS", "SOORT_DIPLOMA")


def _years(columns: tuple[str, ...]) -> list[str]:
    return [c for c in columns if re.match(YEAR_COLUMN, c)]


def _looks_wide(columns: tuple[str, ...]) -> bool:
    """Year columns plus most of the old-portal HO columns (the rest is checked on read)."""
    names = set(columns) | {JSON_RENAMES.get(c, c) for c in columns}
    return bool(_years(columns)) and len(names & set(WIDE_COLUMNS)) >= 6


def _wide_kind(columns: tuple[str, ...]) -> str:
    return "graduates" if "SOORT DIPLOMA" in columns else "enrolled_or_first_years"


def _matches_wide(kind: str):
    def matches(sniffed: Sniffed) -> bool:
        return (
            sniffed.kind == "csv"
            and _looks_wide(sniffed.header)
            and _wide_kind(sniffed.header) == kind
        )

    return matches


def _matches_json(sniffed: Sniffed) -> bool:
    return sniffed.kind == "json" and _looks_wide(sniffed.json_keys)


def _matches_long(sniffed: Sniffed) -> bool:
    header = set(sniffed.header)
    measures = set(LONG_MEASURES) | set(LONG_NOT_USED)
    return (
        sniffed.kind == "csv"
        and bool(header & measures)
        and bool(header & set(LONG_YEARS))
        and "ONDERDEEL" in header
    )


def _tidy(
    frame: pd.DataFrame,
    columns: dict[str, str],
    degree_column: str | None,
    where: Where,
) -> pd.DataFrame:
    """Source columns -> tidy id columns (text cleaned, codes and gender normalised)."""
    out = pd.DataFrame(index=frame.index)
    for source, target in columns.items():
        if source in frame:
            out[target] = text(frame[source])
    rows = frame["source_row"]
    if "municipality_code_raw" in out:
        code_col = next(s for s, t in columns.items() if t == "municipality_code_raw")
        out["municipality_code_raw"] = municipality_codes(frame[code_col], rows, code_col, where)
    if "gender" in out:
        gender_col = next(s for s, t in columns.items() if t == "gender")
        out["gender"] = genders(frame[gender_col], rows, gender_col, where)
    out["degree"] = text(frame[degree_column]) if degree_column else pd.NA
    out["source_row"] = rows
    return out


def _finish(
    frame: pd.DataFrame,
    sniffed: Sniffed,
    measure: str | None,
    release: str,
    warnings: list[str],
    empty_cells: int,
) -> pd.DataFrame:
    """Level and measure rules, constant columns, attrs; then the schema check."""
    institution_type = frame.get("institution_type", pd.Series(pd.NA, index=frame.index))
    code = frame.get("programme_code", pd.Series(pd.NA, index=frame.index))
    level, level_warnings, inferred = ho_rules.decide_levels(
        code, frame["degree"], institution_type, frame["source_row"], sniffed.path
    )
    frame = frame.assign(level=level)
    warnings = [*warnings, *level_warnings]
    if measure is None:
        measure, measure_warnings = ho_rules.decide_measure(frame, sniffed.path)
        warnings += measure_warnings
    frame = frame.assign(measure=measure, dataset=DATASETS[measure], release=release)
    frame["schooljaar"] = schema.schooljaar_column(frame["year"])
    if empty_cells:
        warnings.append(f"{empty_cells} empty count cell(s) were not stored (read as no count)")
    frame = frame.sort_values(["source_row", "year"], kind="stable").reset_index(drop=True)
    frame.attrs.update(
        dataset=DATASETS[measure],
        empty_cells=empty_cells,
        level_from_other_rows=inferred,
        levels=sorted(frame["level"].unique()),
        warnings=warnings,
    )
    return validate(frame, sniffed.path)


def _read_wide_frame(sniffed: Sniffed, raw: pd.DataFrame, where: Where, release: str):
    """Shared body of the wide CSV and JSON readers: melt the year columns."""
    columns = tuple(raw.columns)
    years = _years(columns)
    degree_column = next((c for c in DEGREE_COLUMNS if c in columns), None)
    ids = _tidy(raw, WIDE_COLUMNS, degree_column, where)
    values = raw[years].copy()
    values["source_row"] = raw["source_row"]
    long = values.melt(id_vars="source_row", var_name="column", value_name="cell")
    count, suppressed, empty = parse_counts(long["cell"], long["source_row"], long["column"], where)
    long = long.assign(count=count, suppressed=suppressed, year=long["column"].astype("Int64"))
    long = long[~empty]
    frame = ids.merge(long[["source_row", "year", "count", "suppressed"]], on="source_row")
    measure = "graduates" if degree_column == "SOORT DIPLOMA" else None
    return _finish(frame, sniffed, measure, release, [], int(empty.sum()))


def _require_wide(sniffed: Sniffed, columns: tuple[str, ...]) -> None:
    degree = "SOORT DIPLOMA" if "SOORT DIPLOMA" in columns else "TYPE HOGER ONDERWIJS"
    present = [JSON_RENAMES.get(c, c) for c in columns]
    missing = [c for c in [*WIDE_COLUMNS, degree] if c not in present]
    if missing:
        raise DataError(
            sniffed.path,
            f"missing column(s) {missing}",
            column=missing[0],
            expected=f"the DUO HO columns {[*WIDE_COLUMNS, degree]} and one column per year",
        )


def read_wide(sniffed: Sniffed) -> pd.DataFrame:
    """Old-portal wide CSV (ingeschrevenen, eerstejaars or gediplomeerden)."""
    _require_wide(sniffed, sniffed.header)
    raw = read_rows(sniffed)
    release = WIDE_GRADUATES.id if "SOORT DIPLOMA" in raw else WIDE.id
    return _read_wide_frame(sniffed, raw, Where(sniffed.path), release)


def read_json(sniffed: Sniffed) -> pd.DataFrame:
    """The wide table as JSON records: values int or '<5', OPLEIDINGSCODE an int."""
    _require_wide(sniffed, sniffed.json_keys)
    raw = read_records(sniffed).rename(columns=JSON_RENAMES)
    return _read_wide_frame(sniffed, raw, Where(sniffed.path, unit="record"), JSON.id)


def read_long(sniffed: Sniffed) -> pd.DataFrame:
    """New-portal long CSV: one row per year, measure named by the AANTAL_* column."""
    header = sniffed.header
    unused = [c for c in LONG_NOT_USED if c in header]
    if unused:
        raise DataError(sniffed.path, LONG_NOT_USED[unused[0]], column=unused[0])
    measure_column = next(c for c in header if c in LONG_MEASURES)
    year_column = next(c for c in header if c in LONG_YEARS)
    require_columns(sniffed, [year_column, *LONG_REQUIRED, "ONDERDEEL", measure_column])
    where = Where(sniffed.path)
    raw = read_rows(sniffed)
    degree_column = next((c for c in LONG_DEGREES if c in header), None)
    frame = _tidy(raw, LONG_COLUMNS, degree_column, where)
    years = text(raw[year_column])
    bad = ~years.str.fullmatch(YEAR_COLUMN).fillna(False)
    if bad.any():
        i = bad[bad].index[0]
        raise where.error(
            f"year {raw[year_column][i]!r} is not a year",
            int(raw["source_row"][i]),
            year_column,
            "a 4-digit year (1 October peildatum)",
        )
    frame["year"] = years.astype("Int64")
    count, suppressed, empty = parse_counts(
        raw[measure_column],
        raw["source_row"],
        pd.Series(measure_column, index=raw.index),
        where,
        suppressed_markers=("-1",),
    )
    frame["count"], frame["suppressed"] = count, suppressed
    frame = frame[~empty]
    warnings = []
    if "GESLACHT" not in header:
        frame["gender"] = "totaal"
        warnings.append(
            "this resource has no GESLACHT column; its counts are stored as gender 'totaal'. "
            "DUO's resources of one dataset are cross-tabulations of the same students: "
            "load only one of them"
        )
    return _finish(
        frame, sniffed, LONG_MEASURES[measure_column], LONG.id, warnings, int(empty.sum())
    )


WIDE = SourceFormat(
    id="duo_ho_wide_ingeschrevenen_eerstejaars",
    dataset="duo_ho_enrolled|duo_ho_first_years",
    role="counts",
    description="DUO hbo/wo ingeschrevenen or eerstejaars ingeschrevenen, old portal (wide CSV); "
    "enrolled vs first-years decided by content (national totals)",
    signature="PROVINCIE;GEMEENTENUMMER;...;TYPE HOGER ONDERWIJS;BRIN NUMMER ACTUEEL;"
    "CROHO ONDERDEEL;...;GESLACHT;<yyyy>;<yyyy>...",
    matches=_matches_wide("enrolled_or_first_years"),
    read=read_wide,
)
WIDE_GRADUATES = SourceFormat(
    id="duo_ho_wide_gediplomeerden",
    dataset="duo_ho_graduates",
    role="counts",
    description="DUO hbo/wo gediplomeerden, old portal (wide CSV)",
    signature="PROVINCIE;...;BRIN NUMMER ACTUEEL;CROHO ONDERDEEL;...;SOORT DIPLOMA;GESLACHT;"
    "<yyyy>...",
    matches=_matches_wide("graduates"),
    read=read_wide,
)
JSON = SourceFormat(
    id="duo_ho_json_records",
    dataset="duo_ho_enrolled|duo_ho_first_years|duo_ho_graduates",
    role="counts",
    description="DUO hbo/wo ingeschrevenen as a JSON array of records (wide, one key per year)",
    signature='[{"2020": ..., "PROVINCIE", "INSTELLINGSCODE ACTUEEL", "ONDERDEEL", ...}]',
    matches=_matches_json,
    read=read_json,
)
LONG = SourceFormat(
    id="duo_ho_long_ckan",
    dataset="duo_ho_enrolled|duo_ho_first_years|duo_ho_graduates",
    role="counts",
    description="DUO hbo/wo, new portal onderwijsdata.duo.nl (long CSV, -1 = suppressed)",
    signature="STUDIEJAAR|DIPLOMAJAAR,PROVINCIENAAM,GEMEENTENUMMER,...,ONDERDEEL,...,"
    "AANTAL_INGESCHREVENEN|AANTAL_EERSTEJAARS_INGESCHREVENEN|AANTAL_GEDIPLOMEERDEN",
    matches=_matches_long,
    read=read_long,
)

FORMATS: list[SourceFormat] = [WIDE, WIDE_GRADUATES, JSON, LONG]
