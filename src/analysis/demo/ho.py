"""Synthetic DUO higher-education files, in each real release format with its quirks.

Institutions are fictional and their codes (``9H01`` hbo, ``9W01`` wo: digit, letter, two
digits) can never be real BRINs, which are two digits and two letters. They sit in the
fictional municipalities of ``analysis.demo.geography``. National totals are of the real
order of magnitude (hbo ~105k first-years, ~460k enrolled; wo ~100k and ~280k), so the
content rules of ``analysis.ingest.ho_rules`` recognise the files as they do real ones.
Shares: hbo techniek ~22% of first-years, wo natuur + techniek ~30%, women much less
likely in techniek.

Every writer takes ``rows`` to write a tiny file with hand-chosen values instead: a list
of dicts from source column to cell value; columns left out get a fixed default, years
left out are 0.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from analysis import atomic
from analysis.demo.csvfile import write_csv
from analysis.demo.geography import PROVINCES, DemoMunicipality, municipalities

# PROVINCIE as the old DUO HO files spell it (not the official 'Fryslân').
DUO_PROVINCE = {**PROVINCES, "PV21": "Friesland"}

# onderdeel -> (share of students, share of women, subonderdeel)
FIELDS: dict[str, dict[str, tuple[float, float, str]]] = {
    "hbo": {
        "techniek": (0.22, 0.22, "n.v.t. (techniek)"),
        "economie": (0.30, 0.45, "n.v.t. (economie)"),
        "gezondheidszorg": (0.10, 0.80, "n.v.t. (gezondheidszorg)"),
        "gedrag en maatschappij": (0.12, 0.75, "n.v.t. (gedrag en maatschappij)"),
        "onderwijs": (0.12, 0.72, "leraar basisonderwijs"),
        "taal en cultuur": (0.08, 0.60, "n.v.t. (taal en cultuur)"),
        "landbouw en natuurlijke omgeving": (0.05, 0.50, "n.v.t. (landbouw)"),
        "sectoroverstijgend": (0.01, 0.50, "sectoroverstijgend"),
    },
    "wo": {
        "natuur": (0.13, 0.45, "n.v.t. (natuur)"),
        "techniek": (0.17, 0.28, "n.v.t. (techniek)"),
        "economie": (0.12, 0.38, "n.v.t. (economie)"),
        "gedrag en maatschappij": (0.18, 0.70, "n.v.t. (gedrag en maatschappij)"),
        "gezondheidszorg": (0.10, 0.72, "n.v.t. (gezondheidszorg)"),
        "recht": (0.10, 0.62, "n.v.t. (recht)"),
        "taal en cultuur": (0.12, 0.62, "n.v.t. (taal en cultuur)"),
        "landbouw en natuurlijke omgeving": (0.04, 0.55, "n.v.t. (landbouw)"),
        "onderwijs": (0.01, 0.70, "n.v.t. (onderwijs)"),
        "sectoroverstijgend": (0.03, 0.50, "sectoroverstijgend"),
    },
}
# degree -> (CROHO code base, name prefix, share of students)
DEGREES = {
    "hbo": {
        "bachelor": (34000, "B", 0.88),
        "master": (44000, "M", 0.04),
        "associate degree": (80000, "Ad", 0.08),
    },
    "wo": {
        "bachelor": (50000, "B", 0.58),
        "master": (60000, "M", 0.41),
        "postmaster": (69000, "M", 0.01),
    },
}
DIPLOMA = {"hbo": "hbo {}", "wo": "wo {}"}
# national total in the first default year, growth per year
TOTALS = {
    ("hbo", "first_years"): (105_000, 0.02),
    ("hbo", "enrolled"): (460_000, 0.01),
    ("hbo", "graduates"): (72_000, 0.01),
    ("wo", "first_years"): (100_000, 0.03),
    ("wo", "enrolled"): (280_000, 0.025),
    ("wo", "graduates"): (60_000, 0.02),
}
DEFAULT_YEARS = {
    "enrolled": range(2010, 2020),
    "first_years": range(2015, 2020),
    "graduates": range(2014, 2019),
}
FORMS = (("voltijd onderwijs", 1.0), ("deeltijd onderwijs", 0.12), ("duaal onderwijs", 0.03))
PROGRAMMES_PER_FIELD = 3
N_INSTITUTIONS = {"hbo": 24, "wo": 12}


@dataclass(frozen=True)
class Institution:
    code: str
    name: str
    level: str
    seats: tuple[DemoMunicipality, ...]


@dataclass(frozen=True)
class Programme:
    code: int
    name: str
    field: str
    subfield: str
    degree: str
    share: float  # of the level's students
    women: float


@cache
def institutions(level: str) -> tuple[Institution, ...]:
    """Fixed fictional hogescholen / universities, each in one to three municipalities."""
    places = municipalities()
    out = []
    for i in range(N_INSTITUTIONS[level]):
        first = (i * 37 + (0 if level == "hbo" else 11)) % len(places)
        seats = tuple(places[(first + 17 * k) % len(places)] for k in range(1 + i % 3))
        kind = "Hogeschool" if level == "hbo" else "Universiteit"
        letter = "H" if level == "hbo" else "W"
        out.append(Institution(f"9{letter}{i + 1:02d}", f"Demo {kind} {i + 1}", level, seats))
    return tuple(out)


@cache
def programmes(level: str) -> tuple[Programme, ...]:
    """A CROHO-like catalogue: codes in the real hbo / wo ranges, fictional names."""
    out = []
    for f_index, (field, (share, women, sub)) in enumerate(FIELDS[level].items()):
        for degree, (base, prefix, d_share) in DEGREES[level].items():
            for p in range(PROGRAMMES_PER_FIELD):
                out.append(
                    Programme(
                        code=base + 100 * f_index + p,
                        name=f"{prefix} Demo-{field.capitalize()} {p + 1}",
                        field=field,
                        subfield=sub,
                        degree=degree,
                        share=share * d_share / PROGRAMMES_PER_FIELD,
                        women=women,
                    )
                )
    return tuple(out)


@dataclass(frozen=True)
class Cell:
    """One published row of a synthetic HO table, before formatting."""

    institution: Institution
    seat: DemoMunicipality
    programme: Programme
    form: str
    gender: str
    counts: dict[int, int]


def cells(
    level: str, measure: str, years: Iterable[int], seed: int, *, unknown_gender: bool = False
) -> list[Cell]:
    """Deterministic counts per institution seat x programme x form x gender x year."""
    years = list(years)
    rng = np.random.default_rng(seed)
    base, growth = TOTALS[(level, measure)]
    offers = []
    for inst in institutions(level):
        for seat in inst.seats:
            for prog in programmes(level):
                if rng.random() < 0.45:
                    for form, form_weight in FORMS:
                        if form_weight == 1.0 or rng.random() < 0.4:
                            weight = prog.share * form_weight * rng.lognormal(0.0, 0.6)
                            offers.append((inst, seat, prog, form, weight))
    total_weight = sum(o[4] for o in offers)
    genders = [("man", None), ("vrouw", None)] + ([("onbekend", 0.002)] if unknown_gender else [])
    out = []
    for inst, seat, prog, form, weight in offers:
        for gender, fixed in genders:
            share = (
                fixed
                if fixed is not None
                else (prog.women if gender == "vrouw" else 1 - prog.women)
            )
            counts = {}
            for y in years:
                mean = base * (1 + growth) ** (y - years[0]) * weight / total_weight * share
                counts[y] = int(rng.poisson(mean))
            out.append(Cell(inst, seat, prog, form, gender, counts))
    return out


def _default_row(level: str) -> dict[str, object]:
    inst = institutions(level)[0]
    prog = next(p for p in programmes(level) if p.field == "techniek" and p.degree == "bachelor")
    seat = inst.seats[0]
    return {
        "PROVINCIE": DUO_PROVINCE[seat.province_code],
        "GEMEENTENUMMER": seat.code,
        "GEMEENTENAAM": seat.name,
        "SOORT INSTELLING": "reguliere inst.",
        "TYPE HOGER ONDERWIJS": prog.degree,
        "SOORT DIPLOMA": DIPLOMA[level].format(prog.degree),
        "BRIN NUMMER ACTUEEL": inst.code,
        "INSTELLINGSNAAM ACTUEEL": inst.name,
        "CROHO ONDERDEEL": prog.field,
        "CROHO SUBONDERDEEL": prog.subfield,
        "OPLEIDINGSCODE ACTUEEL": prog.code,
        "OPLEIDINGSNAAM ACTUEEL": prog.name,
        "OPLEIDINGSVORM": "voltijd onderwijs",
        "GESLACHT": "man",
    }


def _wide_row(cell: Cell, level: str) -> dict[str, object]:
    return {
        "PROVINCIE": DUO_PROVINCE[cell.seat.province_code],
        "GEMEENTENUMMER": cell.seat.code,
        "GEMEENTENAAM": cell.seat.name,
        "SOORT INSTELLING": "reguliere inst.",
        "TYPE HOGER ONDERWIJS": cell.programme.degree,
        "SOORT DIPLOMA": DIPLOMA[level].format(cell.programme.degree),
        "BRIN NUMMER ACTUEEL": cell.institution.code,
        "INSTELLINGSNAAM ACTUEEL": cell.institution.name,
        "CROHO ONDERDEEL": cell.programme.field,
        "CROHO SUBONDERDEEL": cell.programme.subfield,
        "OPLEIDINGSCODE ACTUEEL": cell.programme.code,
        "OPLEIDINGSNAAM ACTUEEL": cell.programme.name,
        "OPLEIDINGSVORM": cell.form,
        "GESLACHT": cell.gender,
        **{str(y): n for y, n in cell.counts.items()},
    }


def _rows(
    rows: Sequence[dict[str, object]] | None,
    generated: Iterable[dict[str, object]],
    level: str,
    columns: Sequence[str],
    years: Sequence[int],
) -> list[list[object]]:
    """Hand-chosen rows (completed with defaults) or the generated ones, as cell lists."""
    source = list(generated) if rows is None else [{**_default_row(level), **r} for r in rows]
    return [[r.get(c, r.get(str(c), 0)) for c in columns] for r in source]


def wide_header(measure: str, years: Sequence[int]) -> list[str]:
    """The old-portal header: graduates have SOORT DIPLOMA instead of TYPE HOGER ONDERWIJS."""
    head = [
        "PROVINCIE", "GEMEENTENUMMER", "GEMEENTENAAM", "SOORT INSTELLING", "TYPE HOGER ONDERWIJS",
        "BRIN NUMMER ACTUEEL", "INSTELLINGSNAAM ACTUEEL", "CROHO ONDERDEEL", "CROHO SUBONDERDEEL",
        "OPLEIDINGSCODE ACTUEEL", "OPLEIDINGSNAAM ACTUEEL", "OPLEIDINGSVORM", "GESLACHT",
    ]  # fmt: skip
    if measure == "graduates":
        head.remove("TYPE HOGER ONDERWIJS")
        head.insert(head.index("GESLACHT"), "SOORT DIPLOMA")
    return head + [str(y) for y in years]


def write_ho_wide(
    path: str | Path,
    *,
    measure: str,
    level: str = "hbo",
    seed: int = 0,
    years: Iterable[int] | None = None,
    rows: Sequence[dict[str, object]] | None = None,
) -> Path:
    """An old-portal wide CSV: '01. Ingeschrevenen' (UTF-8 BOM, LF), '03b Eerstejaars' or
    '05 Gediplomeerden' (CRLF, stray ``""`` lines). Exact counts, as those releases have."""
    years = list(years if years is not None else DEFAULT_YEARS[measure])
    header = wide_header(measure, years)
    generated = (_wide_row(c, level) for c in cells(level, measure, years, seed))
    body = _rows(rows, generated, level, header, years)
    if measure == "enrolled":
        return write_csv(path, header, body, line_end="\n", bom=True)
    return write_csv(path, header, body, line_end="\r\n", stray_lines=7 if rows is None else 1)


def _suppress(n: object, marker: object) -> object:
    return marker if isinstance(n, int) and 1 <= n <= 4 else n


def write_ho_json(
    path: str | Path,
    *,
    level: str = "hbo",
    seed: int = 0,
    years: Iterable[int] = range(2020, 2025),
    rows: Sequence[dict[str, object]] | None = None,
) -> Path:
    """Enrolled students as JSON records (the 2024 conversion): year keys first, values int
    or ``"<5"``, OPLEIDINGSCODE an int, GEMEENTENUMMER a string except for some
    municipalities where the converter wrote an int, GESLACHT man/vrouw/onbekend."""
    years = list(years)
    keys = [str(y) for y in years] + [
        "PROVINCIE", "GEMEENTENUMMER", "GEMEENTENAAM", "SOORT INSTELLING", "TYPE HOGER ONDERWIJS",
        "INSTELLINGSCODE ACTUEEL", "INSTELLINGSNAAM ACTUEEL", "ONDERDEEL", "SUBONDERDEEL",
        "OPLEIDINGSCODE ACTUEEL", "OPLEIDINGSNAAM ACTUEEL", "OPLEIDINGSVORM", "GESLACHT",
    ]  # fmt: skip
    renames = {
        "INSTELLINGSCODE ACTUEEL": "BRIN NUMMER ACTUEEL",
        "ONDERDEEL": "CROHO ONDERDEEL",
        "SUBONDERDEEL": "CROHO SUBONDERDEEL",
    }
    if rows is None:
        source = []
        for cell in cells(level, "enrolled", years, seed, unknown_gender=True):
            row = _wide_row(cell, level)
            for y in years:
                row[str(y)] = _suppress(row[str(y)], "<5")
            if int(cell.seat.code) % 10 == 3:
                row["GEMEENTENUMMER"] = int(cell.seat.code)
            source.append(row)
    else:
        source = [
            {**_default_row(level), **{renames.get(k, k): v for k, v in r.items()}} for r in rows
        ]
    records = [{k: r.get(renames.get(k, k), 0) for k in keys} for r in source]
    atomic.write_text(path, json.dumps(records, indent=2, ensure_ascii=False) + "\n")
    return Path(path)


LONG_MEASURE_COLUMN = {
    "enrolled": "AANTAL_INGESCHREVENEN",
    "first_years": "AANTAL_EERSTEJAARS_INGESCHREVENEN",
    "graduates": "AANTAL_GEDIPLOMEERDEN",
}
LONG_RESOURCES = {
    "gender": ["GESLACHT"],
    "programme": ["OPLEIDINGSCODE_ACTUEEL", "OPLEIDINGSNAAM_ACTUEEL"],
    "form": ["OPLEIDINGSVORM"],
}


def long_header(measure: str, resource: str = "gender") -> list[str]:
    """The new-portal header of one resource ('gender', 'programme' or 'form')."""
    year = "DIPLOMAJAAR" if measure == "graduates" else "STUDIEJAAR"
    degree = "SOORT_DIPLOMA" if measure == "graduates" else "TYPE_HOGER_ONDERWIJS"
    return [
        year, "PROVINCIENAAM", "GEMEENTENUMMER", "GEMEENTENAAM", "SOORT_INSTELLING", degree,
        "INSTELLINGSCODE_ACTUEEL", "INSTELLINGSNAAM_ACTUEEL", "ONDERDEEL", "SUBONDERDEEL",
        *LONG_RESOURCES[resource], LONG_MEASURE_COLUMN[measure],
    ]  # fmt: skip


def write_ho_long(
    path: str | Path,
    *,
    measure: str = "enrolled",
    level: str = "hbo",
    seed: int = 0,
    years: Iterable[int] = range(2020, 2025),
    resource: str = "gender",
    rows: Sequence[dict[str, object]] | None = None,
) -> Path:
    """A new-portal (CKAN) long CSV: comma-separated, one row per year, ONDERDEEL upper case
    with underscores, GESLACHT MAN/VROUW, ``-1`` for a suppressed count. ``rows`` are dicts
    in the new column names."""
    years = list(years)
    header = long_header(measure, resource)
    if rows is None:
        # The 'programme' and 'form' resources have no gender split: sum the genders (and,
        # for 'programme', the forms) as DUO's cross-tabulation does.
        totals: dict[tuple, dict[int, int]] = {}
        for cell in cells(level, measure, years, seed):
            gender = cell.gender if resource == "gender" else None
            form = cell.form if resource == "form" else None
            key = (cell.institution, cell.seat, cell.programme, form, gender)
            acc = totals.setdefault(key, dict.fromkeys(years, 0))
            for y in years:
                acc[y] += cell.counts[y]
        source = []
        for (inst, seat, prog, form, gender), counts in totals.items():
            for y in years:
                source.append(
                    {
                        header[0]: y,
                        "PROVINCIENAAM": PROVINCES[seat.province_code],
                        "GEMEENTENUMMER": seat.code,
                        "GEMEENTENAAM": seat.name,
                        "SOORT_INSTELLING": "reguliere inst.",
                        "TYPE_HOGER_ONDERWIJS": prog.degree,
                        "SOORT_DIPLOMA": DIPLOMA[level].format(prog.degree),
                        "INSTELLINGSCODE_ACTUEEL": inst.code,
                        "INSTELLINGSNAAM_ACTUEEL": inst.name,
                        "ONDERDEEL": prog.field.upper().replace(" ", "_"),
                        "SUBONDERDEEL": prog.subfield,
                        "GESLACHT": (gender or "").upper(),
                        "OPLEIDINGSCODE_ACTUEEL": prog.code,
                        "OPLEIDINGSNAAM_ACTUEEL": prog.name,
                        "OPLEIDINGSVORM": form,
                        header[-1]: _suppress(counts[y], -1),
                    }
                )
        body = [[r[c] for c in header] for r in source]
    else:
        wide = _default_row(level)
        default = {
            header[0]: years[0],
            "PROVINCIENAAM": PROVINCES[institutions(level)[0].seats[0].province_code],
            "GEMEENTENUMMER": wide["GEMEENTENUMMER"],
            "GEMEENTENAAM": wide["GEMEENTENAAM"],
            "SOORT_INSTELLING": "reguliere inst.",
            "TYPE_HOGER_ONDERWIJS": wide["TYPE HOGER ONDERWIJS"],
            "SOORT_DIPLOMA": wide["SOORT DIPLOMA"],
            "INSTELLINGSCODE_ACTUEEL": wide["BRIN NUMMER ACTUEEL"],
            "INSTELLINGSNAAM_ACTUEEL": wide["INSTELLINGSNAAM ACTUEEL"],
            "ONDERDEEL": "TECHNIEK",
            "SUBONDERDEEL": wide["CROHO SUBONDERDEEL"],
            "GESLACHT": "MAN",
            "OPLEIDINGSCODE_ACTUEEL": wide["OPLEIDINGSCODE ACTUEEL"],
            "OPLEIDINGSNAAM_ACTUEEL": wide["OPLEIDINGSNAAM ACTUEEL"],
            "OPLEIDINGSVORM": "VT",
            header[-1]: 0,
        }
        body = [[{**default, **r}[c] for c in header] for r in rows]
    return write_csv(path, header, body, delimiter=",", line_end="\n")
