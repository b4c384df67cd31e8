"""Readers for DUO voortgezet onderwijs (vo): exam candidates, pupils and school locations.

Formats are recognised by their header only. Every count cell of a file becomes one row
of the tidy count frame; ``<5`` is a suppressed (unknown, 1-4) count, never zero.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.errors import DataError
from analysis.ingest.cells import check_contract
from analysis.ingest.rawfile import Sniffed, SourceFormat, read_rows, require_columns
from analysis.store import schema

SUPPRESSED = "<5"

# --- shared cell parsing ----------------------------------------------------------------


def parse_counts(
    cells: pd.Series, lines: pd.Series, sniffed: Sniffed, column: str
) -> tuple[pd.Series, pd.Series]:
    """Parse count cells to (Int64 counts, suppressed flags); a bad cell names line and column.

    ``<5`` becomes <NA> with ``suppressed=True`` (DUO hides 1-4). An empty, negative or
    non-numeric cell is an error: a count must never silently turn into zero.
    """
    text = cells.str.strip()
    suppressed = (text == SUPPRESSED).astype("boolean")
    whole = text.str.fullmatch(r"\d+").fillna(False).astype(bool)
    bad = ~(whole | suppressed.astype(bool))
    if bad.any():
        first = bad.idxmax()
        value = cells[first]
        problem = (
            f"negative count {value!r}"
            if re.fullmatch(r"\s*-\d+\s*", str(value))
            else f"count {value!r} is not a whole number"
        )
        raise DataError(
            sniffed.path,
            problem,
            line=int(lines[first]),
            column=column,
            expected=f"a whole number >= 0 or {SUPPRESSED!r}",
        )
    counts = text.where(whole).astype("Int64")
    return counts, suppressed


def check_cells(
    cells: pd.Series, lines: pd.Series, sniffed: Sniffed, column: str, pattern: str, what: str
) -> None:
    """Fail on the first cell of ``column`` that does not match ``pattern`` (line + column)."""
    bad = ~cells.str.strip().str.fullmatch(pattern).fillna(False).astype(bool)
    if bad.any():
        first = bad.idxmax()
        raise DataError(
            sniffed.path,
            f"value {cells[first]!r} is not {what}",
            line=int(lines[first]),
            column=column,
            expected=what,
        )


def location_code(
    brin: pd.Series, vestiging: pd.Series, lines: pd.Series, sniffed: Sniffed, column: str
) -> pd.Series:
    """BRIN + 2-digit vestigingsnummer ('18BR' + '0' -> '18BR00').

    Files write the vestigingsnummer as a bare number ('0', '01') or as the full 6-char
    code ('18BR00'); both give the same code. Anything else is an error.
    """
    brin = brin.str.strip().str.upper()
    vest = vestiging.str.strip().str.upper()
    short = vest.str.fullmatch(r"\d{1,2}").fillna(False).astype(bool)
    full = (vest.str.len() == 6) & (vest.str[:4] == brin)
    bad = ~(short | full.fillna(False).astype(bool)) | ~brin.str.fullmatch(r"[0-9A-Z]{4}").fillna(
        False
    ).astype(bool)
    if bad.any():
        first = bad.idxmax()
        raise DataError(
            sniffed.path,
            f"cannot form a location code from BRIN {brin[first]!r} and {vest[first]!r}",
            line=int(lines[first]),
            column=column,
            expected="a 4-character BRIN and a vestigingsnummer of 1-2 digits or BRIN + 2 digits",
        )
    return (brin + vest.str[-2:].str.zfill(2)).where(short, vest)


def map_values(
    cells: pd.Series, mapping: dict[str, str], lines: pd.Series, sniffed: Sniffed, column: str
) -> pd.Series:
    """Map every value through ``mapping``; an unmapped value is an error naming it."""
    mapped = cells.str.strip().map(mapping)
    if mapped.isna().any():
        first = mapped.isna().idxmax()
        raise DataError(
            sniffed.path,
            f"unknown value {cells[first]!r}",
            line=int(lines[first]),
            column=column,
            expected=f"one of {sorted(mapping)}",
        )
    return mapped.astype("string")


def validate_counts(frame: pd.DataFrame, sniffed: Sniffed) -> pd.DataFrame:
    """Conform to the count contract and validate it; a failure names the column and check."""
    frame = schema.conform(frame, schema.COUNT_COLUMNS)
    check_contract(frame, schema.COUNT_SCHEMA, sniffed.path)
    return frame


def _no_rows(sniffed: Sniffed) -> DataError:
    return DataError(sniffed.path, "the file has a header but no data rows", expected="data rows")


# --- exam candidates (Examenkandidaten en geslaagden) ----------------------------------

EXAM_DATASET = "duo_vo_exam"
_EXAM_MEASURE = r"(EXAMENKANDIDATEN|GESLAAGDEN|SLAAGPERC(?:ENTAGE)?)"
_EXAM_YEAR = r"(?:SCHOOLJAAR\s*)?(\d{4})\s*[-/]\s*(\d{2}|\d{4})"
_EXAM_GENDER = r"(MAN|VROUW|ONBEKEND|TOTAAL)"
# 'EXAMENKANDIDATEN SCHOOLJAAR 2014-2015 - ONBEKEND' as DUO writes it, and the other orders
# and separators a release may use ('EXAMENKANDIDATEN MAN 2019-2020', '... 2019/20 MAN').
EXAM_MEASURE_COLUMN = re.compile(
    rf"^{_EXAM_MEASURE}[\s_-]*(?:{_EXAM_YEAR}[\s_-]*{_EXAM_GENDER}"
    rf"|{_EXAM_GENDER}[\s_-]*{_EXAM_YEAR})$",
    re.IGNORECASE,
)
EXAM_LEVELS = {"VMBO": "vmbo", "HAVO": "havo", "VWO": "vwo"}
# Key columns. The 2019-2024 release calls the first two INSTELLINGSCODE and VESTIGINGSCODE
# (read under the old names: rawfile.KEY_ALIASES); it is release '2019', older ones '2013'.
EXAM_KEYS = (
    "BRIN NUMMER",
    "VESTIGINGSNUMMER",
    "INSTELLINGSNAAM VESTIGING",
    "GEMEENTENAAM",
    "ONDERWIJSTYPE VO",
    "INSPECTIECODE",
    "OPLEIDINGSNAAM",
)
# SLAAGPERC as the releases write it: '87.5' (2019+) or '87,5%' / ',0%' (2013-2018, 2014-2019).
EXAM_PERCENT = r"\d+(\.\d+)?|(\d+(,\d+)?|,\d+)%"
EXAM_PERCENT_WHAT = "a percentage like '87.5', '87,5%' or ',0%'"


def exam_columns(sniffed: Sniffed) -> list[tuple[str, str, int, str]]:
    """(column, measure, start year, gender) for every per-year column, found by pattern.

    A column that mentions SCHOOLJAAR but does not follow the pattern is an error, so a
    renamed column in a new release is noticed instead of skipped.
    """
    found = []
    for column in sniffed.header:
        match = EXAM_MEASURE_COLUMN.match(column)
        if match is None:
            if "SCHOOLJAAR" in column:
                raise DataError(
                    sniffed.path,
                    "unrecognised per-year column",
                    column=column,
                    expected="'<EXAMENKANDIDATEN|GESLAAGDEN|SLAAGPERC> SCHOOLJAAR yyyy-yyyy - "
                    "<MAN|VROUW|ONBEKEND|TOTAAL>'",
                )
            continue
        groups = match.groups()
        measure = groups[0].upper().removesuffix("ENTAGE")
        start, end, gender = groups[1:4] if groups[1] else (groups[5], groups[6], groups[4])
        if int(end) % 100 != (int(start) + 1) % 100:
            raise DataError(
                sniffed.path,
                f"school year {start}-{end} does not span one year",
                column=column,
                expected=f"{start}-{int(start) + 1}",
            )
        found.append((column, measure, int(start), gender.lower()))
    return found


def _has_exam_columns(sniffed: Sniffed) -> bool:
    return any(
        EXAM_MEASURE_COLUMN.match(c) and c.upper().startswith("EXAMENKANDIDATEN")
        for c in sniffed.header
    )


def _matches_exam(sniffed: Sniffed) -> bool:
    header = set(sniffed.header)
    return (
        sniffed.kind == "csv"
        and {"BRIN NUMMER", "VESTIGINGSNUMMER"} <= header
        and _has_exam_columns(sniffed)
    )


def read_exam(sniffed: Sniffed) -> pd.DataFrame:
    """Exam candidates per location, programme, school year and gender (every release).

    Only EXAMENKANDIDATEN cells are stored (measure ``exam_candidates``). GESLAAGDEN and
    SLAAGPERC are validated but not stored; their cell counts are in
    ``attrs['cells_not_stored']`` so the manifest can say what was left out and why.
    """
    release = "2019" if "BRIN NUMMER" in sniffed.renamed else "2013"
    institution_col, location_col = "BRIN NUMMER", "VESTIGINGSNUMMER"
    require_columns(sniffed, EXAM_KEYS)
    columns = exam_columns(sniffed)
    rows = read_rows(
        sniffed,
        sums=tuple(c for c, measure, _, _ in columns if measure != "SLAAGPERC"),
        values=tuple(c for c, measure, _, _ in columns if measure == "SLAAGPERC"),
    )
    if rows.empty:
        raise _no_rows(sniffed)
    lines = rows["source_row"]

    programme = rows["OPLEIDINGSNAAM"].str.strip()
    parts = programme.str.split(" - ", n=1)
    keys = pd.DataFrame(
        {
            "dataset": EXAM_DATASET,
            "release": release,
            "cut": "full",
            "measure": "exam_candidates",
            "level": map_values(
                rows["ONDERWIJSTYPE VO"], EXAM_LEVELS, lines, sniffed, "ONDERWIJSTYPE VO"
            ),
            "institution_code": rows[institution_col].str.strip().str.upper(),
            "location_code": location_code(
                rows[institution_col], rows[location_col], lines, sniffed, location_col
            ),
            "institution_name": rows["INSTELLINGSNAAM VESTIGING"].str.strip(),
            "programme_code": rows["INSPECTIECODE"].str.strip(),
            "programme": programme,
            "field": parts.str[1].astype("string"),
            "municipality_name_raw": rows["GEMEENTENAAM"].str.strip(),
            "source_row": lines,
        }
    )

    pieces = []
    not_stored = {"GESLAAGDEN": 0, "SLAAGPERC": 0}
    totals: dict[tuple[int, str], pd.Series] = {}
    for column, measure, year, gender in columns:
        if measure == "SLAAGPERC":
            check_cells(rows[column], lines, sniffed, column, EXAM_PERCENT, EXAM_PERCENT_WHAT)
            not_stored[measure] += len(rows)
            continue
        counts, suppressed = parse_counts(rows[column], lines, sniffed, column)
        if measure == "GESLAAGDEN":
            not_stored[measure] += len(rows)
            continue
        totals[(year, gender)] = counts
        pieces.append(
            keys.assign(
                schooljaar=schema.schooljaar(year),
                year=year,
                gender=gender,
                count=counts,
                suppressed=suppressed,
            )
        )
    frame = validate_counts(pd.concat(pieces, ignore_index=True), sniffed)
    frame.attrs["cells_not_stored"] = not_stored
    frame.attrs["footer_rows"] = rows.attrs["footer_rows"]
    frame.attrs["not_stored_reason"] = (
        "GESLAAGDEN and SLAAGPERC are validated but not used by any indicator"
    )
    frame.attrs["warnings"] = _total_mismatches(totals)
    return frame


def _total_mismatches(totals: dict[tuple[int, str], pd.Series]) -> list[str]:
    """Rows whose published TOTAAL differs from the sum of fully known gender parts.

    Not an error: the 2019+ release has no ONBEKEND column, so candidates of unknown gender
    appear only in TOTAAL. The manifest says how often that happens.
    """
    warnings = []
    for year in sorted({y for y, _ in totals}):
        total = totals.get((year, "totaal"))
        parts = [s for (y, g), s in totals.items() if y == year and g != "totaal"]
        if total is None or not parts:
            continue
        summed = sum(parts[1:], parts[0])
        known = summed.notna() & total.notna()
        differ = int((summed[known] != total[known]).sum())
        if differ:
            warnings.append(
                f"{year}/{(year + 1) % 100:02d}: {differ} row(s) where TOTAAL exam candidates "
                "differ from the sum of the gender columns (gender unknown in the source)"
            )
    return warnings


# --- pupils per vestiging ---------------------------------------------------------------

PUPILS_DATASET = "duo_vo_pupils"
PUPIL_COUNT_COLUMN = re.compile(r"^LEER- OF VERBLIJFSJAAR (\d) - (MAN|VROUW)$")
PUPIL_PATHWAY = "ONDERWIJSTYPE VO EN LEER- OF VERBLIJFSJAAR"
PUPIL_KEYS = (
    "BRIN NUMMER",
    "VESTIGINGSNUMMER",
    "INSTELLINGSNAAM VESTIGING",
    "PLAATSNAAM VESTIGING",
    "PROVINCIE VESTIGING",
    PUPIL_PATHWAY,
    "VMBO SECTOR",
    "AFDELING",
    "ELEMENTCODE",
    "OPLEIDINGSNAAM",
)
# Every ONDERWIJSTYPE value of the 2019 file, mapped on purpose. 'vo' = years or streams
# that belong to no single level (shared lower years, praktijkonderwijs, international
# streams). Pupils whose havo/vwo/vmbo is taught at a VAVO (adult education) keep their level.
PUPIL_LEVELS = {
    "Brugjaar 1-2": "vo",
    "HAVO/VWO lj 3": "vo",
    "Praktijkonderwijs alle vj": "vo",
    "Int. Baccelaureaat": "vo",
    "Engelse Stroom": "vo",
    "European Secondary School": "vo",
    "VMBO BL lj 3-4": "vmbo",
    "VMBO KL lj 3-4": "vmbo",
    "VMBO GL lj 3-4": "vmbo",
    "VMBO TL lj 3-4": "vmbo",
    "VMBO uitbest. aan VAVO": "vmbo",
    "HAVO lj 4-5": "havo",
    "HAVO uitbest. aan VAVO": "havo",
    "VWO lj 4-6": "vwo",
    "VWO uitbest. aan VAVO": "vwo",
}
# A release of this layout carries no date column. DUO names each by its year
# ("...-onderwijstype-2019.csv"); one whose name has no year is taken as the release in
# ../shared/data, the count of 1 October 2019, with a warning.
PUPILS_DEFAULT_YEAR = 2019
_NAME_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _matches_pupils(sniffed: Sniffed) -> bool:
    return sniffed.kind == "csv" and any(PUPIL_COUNT_COLUMN.match(c) for c in sniffed.header)


def pupil_years(
    rows: pd.DataFrame, sniffed: Sniffed, year: int | None
) -> tuple[pd.Series, str, bool]:
    """Start year of the school year per row, the rule that gave it, and whether it was
    assumed (no date column, no year in the file name).

    In order: an explicit ``year``; a SCHOOLJAAR column ('2019-2020' or '2019/20'); a
    PEILDATUM column (its 4-digit year: the peildatum is 1 October, the start of the
    school year); the year in the file name (DUO names each release so; '2019-2020' gives
    2019); else ``PUPILS_DEFAULT_YEAR`` (the warning says it was assumed).
    """
    lines = rows["source_row"]
    if year is not None:
        given = pd.Series(year, index=rows.index, dtype="Int64")
        return given, f"given by the caller: {year}", False
    for column, pattern in (("SCHOOLJAAR", r"(\d{4})\s*[-/]\s*\d{2,4}"), ("PEILDATUM", None)):
        if column not in rows:
            continue
        found = (
            rows[column].str.strip().str.extract(f"^{pattern}$")[0]
            if pattern
            else rows[column].str.extract(r"\b((?:19|20)\d{2})\b")[0]
        )
        if found.isna().any():
            first = found.isna().idxmax()
            raise DataError(
                sniffed.path,
                f"cannot read a year from {rows[column][first]!r}",
                line=int(lines[first]),
                column=column,
                expected="a school year like '2019-2020'" if pattern else "a date with its year",
            )
        return found.astype("Int64"), f"from column {column}", False
    named = sorted({int(y) for y in _NAME_YEAR.findall(sniffed.path.stem)})
    if len(named) == 1 or (len(named) == 2 and named[1] == named[0] + 1):
        return (
            pd.Series(named[0], index=rows.index, dtype="Int64"),
            f"no date column: the year in the file name, school year starting {named[0]}",
            False,
        )
    return (
        pd.Series(PUPILS_DEFAULT_YEAR, index=rows.index, dtype="Int64"),
        "no date column and no single year in the file name: assumed to be the count of "
        f"1 October {PUPILS_DEFAULT_YEAR} (rename the file with its year if it is not)",
        True,
    )


def read_pupils(sniffed: Sniffed, year: int | None = None) -> pd.DataFrame:
    """Pupils per location, onderwijstype, profile, leerjaar (1-6) and gender (man/vrouw)."""
    require_columns(sniffed, PUPIL_KEYS)
    counts = tuple(c for c in sniffed.header if PUPIL_COUNT_COLUMN.match(c))
    rows = read_rows(sniffed, sums=counts)
    if rows.empty:
        raise _no_rows(sniffed)
    lines = rows["source_row"]
    years, rule, assumed = pupil_years(rows, sniffed, year)
    keys = pd.DataFrame(
        {
            "dataset": PUPILS_DATASET,
            "release": years.astype("string"),
            "cut": "full",
            "measure": "pupils",
            "level": map_values(rows[PUPIL_PATHWAY], PUPIL_LEVELS, lines, sniffed, PUPIL_PATHWAY),
            "year": years,
            "schooljaar": schema.schooljaar_column(years),
            "institution_code": rows["BRIN NUMMER"].str.strip().str.upper(),
            "location_code": location_code(
                rows["BRIN NUMMER"], rows["VESTIGINGSNUMMER"], lines, sniffed, "VESTIGINGSNUMMER"
            ),
            "institution_name": rows["INSTELLINGSNAAM VESTIGING"].str.strip(),
            "programme_code": rows["ELEMENTCODE"].str.strip(),
            "programme": rows["OPLEIDINGSNAAM"].str.strip(),
            "field": rows["VMBO SECTOR"].str.strip(),
            "subfield": rows["AFDELING"].str.strip(),
            "pathway": rows[PUPIL_PATHWAY].str.strip(),
            "province_raw": rows["PROVINCIE VESTIGING"].str.strip(),
            "place_raw": rows["PLAATSNAAM VESTIGING"].str.strip(),
            "source_row": lines,
        }
    )
    pieces = []
    for column in sniffed.header:
        match = PUPIL_COUNT_COLUMN.match(column)
        if match is None:
            continue
        counts, suppressed = parse_counts(rows[column], lines, sniffed, column)
        pieces.append(
            keys.assign(
                leerjaar=int(match.group(1)),
                gender=match.group(2).lower(),
                count=counts,
                suppressed=suppressed,
            )
        )
    frame = validate_counts(pd.concat(pieces, ignore_index=True), sniffed)
    frame.attrs["year_rule"] = rule
    if assumed:
        frame.attrs.setdefault("warnings", []).append(f"school year: {rule}")
    frame.attrs["footer_rows"] = rows.attrs["footer_rows"]
    frame.attrs["counting"] = "pupils at the school location (vestiging), not their home"
    return frame


# --- all vo locations (reference) -------------------------------------------------------

LOCATIONS_DATASET = "duo_vo_locations"
LOCATION_KEYS = (
    "PROVINCIE",
    "BRIN NUMMER",
    "VESTIGINGSNUMMER",
    "VESTIGINGSNAAM",
    "PLAATSNAAM",
    "GEMEENTENUMMER",
    "GEMEENTENAAM",
    "COROPGEBIED CODE",
    "COROPGEBIED NAAM",
)
LOCATION_COLUMNS: dict[str, str] = {
    "location_code": "string",
    "institution_code": "string",
    "location_name": "string",
    "place": "string",
    "municipality_code": "string",
    "municipality_name": "string",
    "province_raw": "string",
    "corop_code_raw": "string",
    "corop_name_raw": "string",
    "source_row": "Int64",
}


def _matches_locations(sniffed: Sniffed) -> bool:
    return sniffed.kind == "csv" and {
        "VESTIGINGSNUMMER",
        "VESTIGINGSNAAM",
        "ONDERWIJSSTRUCTUUR",
    } <= set(sniffed.header)


def read_locations(sniffed: Sniffed) -> pd.DataFrame:
    """The bridge from a vo location code to its municipality, province and COROP region.

    Fields are stripped (DUO pads some with blanks). A location listed twice or a
    municipality number that is not 1-4 digits is an error: joins on it must be exact.
    """
    require_columns(sniffed, LOCATION_KEYS)
    rows = read_rows(sniffed)
    if rows.empty:
        raise _no_rows(sniffed)
    lines = rows["source_row"]
    municipality = rows["GEMEENTENUMMER"].str.strip()
    check_cells(municipality, lines, sniffed, "GEMEENTENUMMER", r"\d{1,4}", "a municipality number")
    frame = pd.DataFrame(
        {
            "location_code": location_code(
                rows["BRIN NUMMER"], rows["VESTIGINGSNUMMER"], lines, sniffed, "VESTIGINGSNUMMER"
            ),
            "institution_code": rows["BRIN NUMMER"].str.strip().str.upper(),
            "location_name": rows["VESTIGINGSNAAM"].str.strip(),
            "place": rows["PLAATSNAAM"].str.strip(),
            "municipality_code": municipality.str.zfill(4),
            "municipality_name": rows["GEMEENTENAAM"].str.strip(),
            "province_raw": rows["PROVINCIE"].str.strip(),
            "corop_code_raw": rows["COROPGEBIED CODE"].str.strip(),
            "corop_name_raw": rows["COROPGEBIED NAAM"].str.strip(),
            "source_row": lines,
        }
    )
    duplicated = frame["location_code"].duplicated()
    if duplicated.any():
        first = duplicated.idxmax()
        raise DataError(
            sniffed.path,
            f"location {frame['location_code'][first]!r} is listed more than once",
            line=int(lines[first]),
            column="VESTIGINGSNUMMER",
            expected="one row per location",
        )
    return schema.conform(frame, LOCATION_COLUMNS)


FORMATS: list[SourceFormat] = [
    SourceFormat(
        id="duo_vo_exam",
        dataset=EXAM_DATASET,
        role="counts",
        description="DUO examenkandidaten en geslaagden vo (releases 2013-2018 to 2019-2024 "
        "and later)",
        signature="BRIN NUMMER|INSTELLINGSCODE; VESTIGINGSNUMMER|VESTIGINGSCODE; "
        "EXAMENKANDIDATEN SCHOOLJAAR yyyy-yyyy - MAN...",
        matches=_matches_exam,
        read=read_exam,
    ),
    SourceFormat(
        id="duo_vo_pupils_2019",
        dataset=PUPILS_DATASET,
        role="counts",
        description="DUO leerlingen vo per vestiging naar onderwijstype, leerjaar en geslacht",
        signature="BRIN NUMMER; VESTIGINGSNUMMER; LEER- OF VERBLIJFSJAAR 1 - MAN...",
        matches=_matches_pupils,
        read=read_pupils,
    ),
    SourceFormat(
        id="duo_vo_locations",
        dataset=LOCATIONS_DATASET,
        role="reference",
        description="DUO 02. alle vestigingen vo (locations with municipality and COROP)",
        signature="BRIN NUMMER; VESTIGINGSNUMMER; VESTIGINGSNAAM; ONDERWIJSSTRUCTUUR",
        matches=_matches_locations,
        read=read_locations,
    ),
]
