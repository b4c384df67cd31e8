"""DUO higher education (hbo, wo): enrolled, first-years and graduates, in three release formats.

1. Old portal (duo.nl/open_onderwijsdata), wide CSV, one column per year: "01. Ingeschrevenen",
   "03b Eerstejaars ingeschrevenen ... domein" (same header as 01) and "05 Gediplomeerden"
   (SOORT DIPLOMA instead of TYPE HOGER ONDERWIJS). Later releases renamed key columns
   (``INSTELLINGSCODE ACTUEEL``, ``ONDERDEEL``, ``SUBONDERDEEL``: see ``rawfile.KEY_ALIASES``)
   and may write a year column as ``2019`` or as a school year ``2019-2020``.
2. The same wide table as a JSON array of records (a third-party conversion of the hbo
   ingeschrevenen release 2024): ``INSTELLINGSCODE ACTUEEL``, ``ONDERDEEL``, integer codes.
3. New portal (onderwijsdata.duo.nl, CKAN datasets p01hoinges, p02ho1ejrs, p04hogdipl):
   long CSV, comma-separated, one row per year, ``-1`` for a suppressed count: ``STUDIEJAAR``
   (``DIPLOMAJAAR`` for graduates), ``PROVINCIENAAM, GEMEENTENUMMER, GEMEENTENAAM,
   SOORT_INSTELLING, TYPE_HOGER_ONDERWIJS`` (``SOORT_DIPLOMA``), ``INSTELLINGSCODE_ACTUEEL,
   INSTELLINGSNAAM_ACTUEEL, ONDERDEEL, SUBONDERDEEL``, then ``GESLACHT`` (the gender cut),
   ``OPLEIDINGSCODE_ACTUEEL, OPLEIDINGSNAAM_ACTUEEL`` (the programme cut) or
   ``OPLEIDINGSVORM``, and ``AANTAL_INGESCHREVENEN`` / ``AANTAL_EERSTEJAARS_INGESCHREVENEN`` /
   ``AANTAL_GEDIPLOMEERDEN``. Checked against three real resources (2026-02).

The resources of one new-portal release are *cuts* (cross-tabulations) of the same
students; every row carries its file's cut (``CUTS``) so that indicators never add two up.
ONDERDEEL is stored in the old portal's spelling in every release (``TECHNIEK`` and
``LANDBOUW_EN_NATUURLIJKE_OMGEVING`` become ``techniek`` and ``landbouw en natuurlijke
omgeving``), and CROHO programme codes as 5 digits (``6551`` and ``06551`` are one code).

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
from dataclasses import replace

import pandas as pd

from analysis.errors import DataError
from analysis.ingest import ho_rules
from analysis.ingest.cells import (
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
DEGREE_COLUMNS = ("TYPE HOGER ONDERWIJS", "SOORT DIPLOMA")
# What a wide release must carry to be counted and placed; the other WIDE_COLUMNS are read
# where a release has them (an older or narrower release may lack OPLEIDINGSVORM, ...).
WIDE_REQUIRED = ("PROVINCIE", "GEMEENTENAAM", "BRIN NUMMER ACTUEEL", "CROHO ONDERDEEL", "GESLACHT")
# Names of the same columns in releases that do not say ACTUEEL.
WIDE_ALTERNATIVES = {
    "BRIN NUMMER": "BRIN NUMMER ACTUEEL",
    "INSTELLINGSNAAM": "INSTELLINGSNAAM ACTUEEL",
    "OPLEIDINGSCODE": "OPLEIDINGSCODE ACTUEEL",
    "OPLEIDINGSNAAM": "OPLEIDINGSNAAM ACTUEEL",
}

# New-portal long CSV.
LONG_COLUMNS = {
    "PROVINCIENAAM": "province_raw",
    "GEMEENTENUMMER": "municipality_code_raw",
    "GEMEENTENAAM": "municipality_name_raw",
    "SOORT_INSTELLING": "institution_type",
    "INSTELLINGSCODE_ACTUEEL": "institution_code",
    "INSTELLINGSNAAM_ACTUEEL": "institution_name",
    "CROHO ONDERDEEL": "field",  # ONDERDEEL in the file (rawfile.KEY_ALIASES)
    "CROHO SUBONDERDEEL": "subfield",
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

# The cross-tabulation a file is, by the dimensions it carries (see analysis.store.schema.CUTS).
CUT_COLUMNS = {
    "gender": "GESLACHT",
    "programme": "OPLEIDINGSCODE_ACTUEEL",
    "pathway": "OPLEIDINGSVORM",
}
# A year column of the wide layout: '2019', or the school year '2019-2020' / '2019/20'.
WIDE_YEAR = re.compile(r"^((?:19|20)\d{2})(?:\s*[-/]\s*(\d{2}|(?:19|20)\d{2}))?$")


def _years(columns: tuple[str, ...]) -> dict[str, int]:
    """Year column -> start year; a school year that does not span one year is not one."""
    found = {}
    for column in columns:
        match = WIDE_YEAR.match(column)
        if match is None:
            continue
        start, end = int(match.group(1)), match.group(2)
        if end is None or int(end) % 100 == (start + 1) % 100:
            found[column] = start
    return found


def _looks_wide(columns: tuple[str, ...]) -> bool:
    """Year columns plus most of the old-portal HO columns (the rest is checked on read)."""
    names = {WIDE_ALTERNATIVES.get(c, c) for c in columns}
    return bool(_years(columns)) and len(names & set(WIDE_COLUMNS)) >= 6


def long_cut(header: tuple[str, ...]) -> str:
    """'full' when a resource carries gender and programme, else the one it carries."""
    carried = [cut for cut, column in CUT_COLUMNS.items() if column in header]
    if {"gender", "programme"} <= set(carried):
        return "full"
    return carried[0] if carried else "sector"


def fields(values: pd.Series) -> pd.Series:
    """CROHO onderdeel in the old portal's spelling: 'LANDBOUW_EN_NATUURLIJKE_OMGEVING' ->
    'landbouw en natuurlijke omgeving', so one rule matches every release."""
    return text(values).str.replace("_", " ", regex=False).str.lower()


def programme_codes(values: pd.Series) -> pd.Series:
    """CROHO codes as 5 digits: a release (or its JSON conversion) may drop leading zeros."""
    codes = text(values).str.replace(r"\.0$", "", regex=True)
    digits = codes.str.fullmatch(r"\d{1,5}").fillna(False)
    return codes.where(~digits, codes.str.zfill(5))


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
        and "CROHO ONDERDEEL" in header
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
    if "field" in out:
        out["field"] = fields(out["field"])
    if "programme_code" in out:
        out["programme_code"] = programme_codes(out["programme_code"])
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
    cut: str = "full",
    footer_rows: list[int] | None = None,
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
    frame = frame.assign(measure=measure, dataset=DATASETS[measure], release=release, cut=cut)
    frame["schooljaar"] = schema.schooljaar_column(frame["year"])
    if empty_cells:
        warnings.append(f"{empty_cells} empty count cell(s) were not stored (read as no count)")
    frame = frame.sort_values(["source_row", "year"], kind="stable").reset_index(drop=True)
    frame.attrs.update(
        dataset=DATASETS[measure],
        empty_cells=empty_cells,
        level_from_other_rows=inferred,
        levels=sorted(frame["level"].unique()),
        cut=cut,
        footer_rows=footer_rows or [],
        warnings=warnings,
    )
    return validate(frame, sniffed.path)


def _read_wide_frame(sniffed: Sniffed, raw: pd.DataFrame, where: Where, release: str):
    """Shared body of the wide CSV and JSON readers: melt the year columns."""
    columns = tuple(raw.columns)
    years = _years(columns)
    degree_column = next((c for c in DEGREE_COLUMNS if c in columns), None)
    ids = _tidy(raw, WIDE_COLUMNS, degree_column, where)
    values = raw[list(years)].copy()
    values["source_row"] = raw["source_row"]
    long = values.melt(id_vars="source_row", var_name="column", value_name="cell")
    count, suppressed, empty = parse_counts(long["cell"], long["source_row"], long["column"], where)
    year = long["column"].map(years).astype("Int64")
    long = long.assign(count=count, suppressed=suppressed, year=year)
    long = long[~empty]
    frame = ids.merge(long[["source_row", "year", "count", "suppressed"]], on="source_row")
    measure = "graduates" if degree_column == "SOORT DIPLOMA" else None
    footer = raw.attrs.get("footer_rows", [])
    return _finish(frame, sniffed, measure, release, [], int(empty.sum()), footer_rows=footer)


def _wide_names(sniffed: Sniffed) -> Sniffed:
    """The header with WIDE_ALTERNATIVES under their ACTUEEL names (the file's own names
    kept in ``renamed`` for error messages)."""
    columns = sniffed.header or sniffed.json_keys
    renamed = dict(sniffed.renamed)
    names = []
    for column in columns:
        target = WIDE_ALTERNATIVES.get(column)
        if target is not None and target not in columns:
            renamed[target] = sniffed.source_name(column)
            column = target
        names.append(column)
    field = "header" if sniffed.header else "json_keys"
    return replace(sniffed, **{field: tuple(names)}, renamed=renamed)


def read_wide(sniffed: Sniffed) -> pd.DataFrame:
    """Old-portal wide CSV (ingeschrevenen, eerstejaars or gediplomeerden)."""
    sniffed = _wide_names(sniffed)
    require_columns(sniffed, WIDE_REQUIRED)
    raw = read_rows(sniffed, sums=tuple(_years(sniffed.header)))
    release = WIDE_GRADUATES.id if "SOORT DIPLOMA" in raw else WIDE.id
    return _read_wide_frame(sniffed, raw, Where(sniffed.path), release)


def read_json(sniffed: Sniffed) -> pd.DataFrame:
    """The wide table as JSON records: values int or '<5', OPLEIDINGSCODE an int."""
    sniffed = _wide_names(sniffed)
    require_columns(sniffed, WIDE_REQUIRED)
    raw = read_records(sniffed).rename(columns={v: k for k, v in sniffed.renamed.items()})
    return _read_wide_frame(sniffed, raw, Where(sniffed.path, unit="record"), JSON.id)


def read_long(sniffed: Sniffed) -> pd.DataFrame:
    """New-portal long CSV: one row per year, measure named by the AANTAL_* column."""
    header = sniffed.header
    unused = [c for c in LONG_NOT_USED if c in header]
    if unused:
        raise DataError(sniffed.path, LONG_NOT_USED[unused[0]], column=unused[0])
    measure_column = next(c for c in header if c in LONG_MEASURES)
    year_column = next(c for c in header if c in LONG_YEARS)
    require_columns(sniffed, [year_column, *LONG_REQUIRED, "CROHO ONDERDEEL", measure_column])
    where = Where(sniffed.path)
    raw = read_rows(sniffed, sums=(measure_column,))
    degree_column = next((c for c in LONG_DEGREES if c in header), None)
    frame = _tidy(raw, LONG_COLUMNS, degree_column, where)
    values = text(raw[year_column])
    distinct = _years(tuple(values.dropna().unique()))
    years = values.map(distinct)
    bad = years.isna()
    if bad.any():
        i = bad[bad].index[0]
        raise where.error(
            f"year {raw[year_column][i]!r} is not a year",
            int(raw["source_row"][i]),
            year_column,
            "a 4-digit year (1 October peildatum) or a school year such as '2019-2020'",
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
    cut = long_cut(header)
    if "GESLACHT" not in header:
        frame["gender"] = "totaal"  # the programme cut: counts of men and women together
    measure = LONG_MEASURES[measure_column]
    footer = raw.attrs["footer_rows"]
    return _finish(frame, sniffed, measure, LONG.id, [], int(empty.sum()), cut, footer)


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
