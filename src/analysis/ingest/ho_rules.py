"""Content rules for DUO higher-education files: hbo or wo per row, and which measure a file holds.

DUO publishes hbo and wo in separate files with the same columns, and the old portal's
"01. Ingeschrevenen" and "03b Eerstejaars ingeschrevenen" files have identical headers
apart from the year columns. Files are recognised by content, so these rules decide from
the rows themselves; the file name is only a documented, warned-about tie-breaker.

Level, per row, first rule that applies:

1. SOORT DIPLOMA names it: ``hbo bachelor`` / ``wo master`` ...
2. The CROHO opleidingscode range: hbo 30000-49999 (bachelor, master) and 80000-89999
   (associate degree); wo 50000-69999 (bachelor, master) and below 30000 (the old
   undivided wo programmes, e.g. ``06551`` Geneeskunde). Institutions do not decide: a
   hogeschool can run a wo (joint) programme, and it is then counted in the wo file.
3. TYPE HOGER ONDERWIJS ``associate degree`` is hbo only; ``postmaster`` and SOORT
   INSTELLING ``WO kleine univ.`` are wo only.
4. Rows still undecided (only in long-format files without an opleidingscode) take the
   level of the file's decided rows when those all agree (DUO never mixes hbo and wo in
   one file; their number is ``attrs["level_from_other_rows"]``); otherwise ``hbo`` / ``wo``
   in the file name decides, with a warning.

Measure of an "ingeschrevenen or eerstejaars" file: national totals. A national file
(enough distinct institutions at that level) has, per year, a total in a band that only
one of the two measures reaches: enrolled hbo students number 350-500 thousand against
~100 thousand first-years; wo 200-340 thousand against ~90-120 thousand. The bands leave a
wide margin around every published year since 2005. Degree mix was examined too: first-
years hold more masters than the enrolled (wo 45-49% vs 32-37%, hbo 4-5% vs 3%), but the
gap is too narrow to trust on releases we have not seen.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.errors import DataError

HBO_CODES = ((30000, 49999), (80000, 89999))
WO_CODES = ((1, 29999), (50000, 69999))
HBO_ONLY_DEGREES = {"associate degree"}
WO_ONLY_DEGREES = {"postmaster"}
WO_ONLY_INSTITUTION_TYPES = {"wo kleine univ."}

# Per-year national totals that only one measure reaches (persons), and the institution
# counts from which a file is taken to be national (2019: 36 hbo, 21 wo in these files).
BANDS: dict[str, dict[str, tuple[int, int]]] = {
    "hbo": {"first_years": (50_000, 170_000), "enrolled": (250_000, 900_000)},
    "wo": {"first_years": (30_000, 160_000), "enrolled": (180_000, 700_000)},
}
MIN_INSTITUTIONS = {"hbo": 20, "wo": 10}

FIRST_YEARS_NAME = re.compile(r"eerstejaars|1ejrs|(?:^|\D)03b")
ENROLLED_NAME = re.compile(r"ingeschreven|inges|(?:^|\D)01[.\-_ ]")
HBO_NAME = re.compile(r"hbo")
WO_NAME = re.compile(r"(?:^|[^a-z])wo(?:[^a-z]|$)|wo$")


def _in(values: pd.Series, ranges: tuple[tuple[int, int], ...]) -> pd.Series:
    return pd.concat([values.between(lo, hi) for lo, hi in ranges], axis=1).any(axis=1)


def row_levels(code: pd.Series, degree: pd.Series, institution_type: pd.Series) -> pd.Series:
    """Rules 1-3: 'hbo' / 'wo' per row, <NA> where the row itself does not say."""
    level = pd.Series(pd.NA, index=code.index, dtype="string")
    deg = degree.astype("string").str.strip().str.lower()
    number = pd.to_numeric(code.astype("string").str.strip(), errors="coerce")
    kind = institution_type.astype("string").str.strip().str.lower()
    rules = [
        deg.str.match(r"hbo\b").fillna(False),
        deg.str.match(r"wo\b").fillna(False),
        _in(number, HBO_CODES).fillna(False),
        _in(number, WO_CODES).fillna(False),
        deg.isin(HBO_ONLY_DEGREES).fillna(False),
        deg.isin(WO_ONLY_DEGREES).fillna(False)
        | kind.isin(WO_ONLY_INSTITUTION_TYPES).fillna(False),
    ]
    for mask, value in zip(rules, ["hbo", "wo"] * 3, strict=True):
        level = level.mask(level.isna() & mask, value)
    return level


def decide_levels(
    code: pd.Series,
    degree: pd.Series,
    institution_type: pd.Series,
    rows: pd.Series,
    path: Path,
) -> tuple[pd.Series, list[str], int]:
    """Levels for every row (rules 1-4), the warnings, and how many rows took the file's level."""
    level = row_levels(code, degree, institution_type)
    undecided = level.isna()
    if not undecided.any():
        return level, [], 0
    decided = set(level.dropna().unique())
    if len(decided) == 1:
        (value,) = decided
        return level.fillna(value), [], int(undecided.sum())
    name = path.stem.lower()
    by_name = {lv for lv, rx in (("hbo", HBO_NAME), ("wo", WO_NAME)) if rx.search(name)}
    if len(by_name) == 1:
        (value,) = by_name
        warning = (
            f"{int(undecided.sum())} row(s) could not be placed in hbo or wo from their "
            f"content; the file name says {value} (file-name tie-breaker)"
        )
        return level.fillna(value), [warning], int(undecided.sum())
    first = rows[undecided].iloc[0]
    raise DataError(
        path,
        f"{int(undecided.sum())} row(s), the first at line/record {int(first)}, show no level "
        "(no SOORT DIPLOMA, no CROHO opleidingscode, no associate degree/postmaster) and "
        "neither the other rows nor the file name decide between hbo and wo",
        expected="a file of one level, or 'hbo' or 'wo' in the file name",
    )


def content_measure(frame: pd.DataFrame) -> str | None:
    """'enrolled' / 'first_years' from national totals, or None when content cannot tell.

    ``frame`` has the tidy columns level, year, count and institution_code.
    """
    votes: set[str | None] = set()
    for (level, _year), group in frame.groupby(["level", "year"]):
        if group["institution_code"].nunique() < MIN_INSTITUTIONS[level]:
            votes.add(None)
            continue
        total = int(group["count"].fillna(0).sum())
        hits = [m for m, (lo, hi) in BANDS[level].items() if lo <= total <= hi]
        votes.add(hits[0] if len(hits) == 1 else None)
    return votes.pop() if len(votes) == 1 else None


def name_measure(path: Path) -> str | None:
    """DUO's own file names: '03b-eerstejaars-ingeschrevenen-...', '01.ingeschrevenen-...'."""
    name = path.name.lower()
    if FIRST_YEARS_NAME.search(name):
        return "first_years"
    if ENROLLED_NAME.search(name):
        return "enrolled"
    return None


def decide_measure(frame: pd.DataFrame, path: Path) -> tuple[str, list[str]]:
    """Enrolled or first-years for a file whose header does not say; content first."""
    by_content = content_measure(frame)
    by_name = name_measure(path)
    if by_content is not None:
        warnings = []
        if by_name is not None and by_name != by_content:
            warnings.append(
                f"the file name suggests {by_name} but the national totals are those of "
                f"{by_content}; read as {by_content}"
            )
        return by_content, warnings
    if by_name is not None:
        return by_name, [
            f"enrolled and first-year files share this header and the totals are not those of "
            f"a national file; read as {by_name} because of the file name (tie-breaker)"
        ]
    raise DataError(
        path,
        "cannot tell whether this file holds enrolled students (DUO '01. Ingeschrevenen') "
        "or first-years (DUO '03b Eerstejaars ingeschrevenen'): their headers are identical, "
        "the totals are not those of a national file and the file name names neither",
        expected="candidates duo_ho_enrolled or duo_ho_first_years; keep DUO's file name "
        "('ingeschrevenen' / 'eerstejaars') for a partial file",
    )
