"""Synthetic DUO vo files in exactly the real formats and quirks, on fictional schools.

Three writers, each deterministic from a seed: exam candidates (release 2019+ and the
older 2013-2018 / 2014-2019 layout), pupils per vestiging, and all vo locations. The
same ``seed`` and ``municipalities`` give the same schools in every file, so the files
join like the real ones. Each writer also takes hand-made rows, so a test can build a
tiny file whose expected sums are worked out by hand.

Schools have institution codes like ``9D01``: digit, letter, two digits. Real BRIN
codes are two digits and two letters (``00AH``, ``18BR``), so a demo code can never be
mistaken for a real school. Names start with ``Demo-``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.atomic import write_bytes
from analysis.demo.geography import COROPS, PROVINCES, DemoMunicipality, municipalities

Cell = int | str  # a count, or text written as is ('<5', or a deliberately bad value)

# How DUO spells provinces in the vo files (not the official 'Fryslân').
DUO_PROVINCE = {**PROVINCES, "PV21": "Friesland"}
_SCHOOL_KINDS = ("Lyceum", "College", "Scholengemeenschap Coörnhert", "Atheneum Mariënburg")
_LEVEL_MIXES = (("vmbo",), ("havo", "vwo"), ("vmbo", "havo", "vwo"), ("vmbo", "havo"))


@dataclass(frozen=True)
class DemoSchool:
    """One fictional school location."""

    institution_code: str  # '9D01': a pattern no real BRIN has
    vestiging: int  # 0 for the main location, 1 for a second one
    name: str
    municipality: DemoMunicipality
    levels: tuple[str, ...]  # what it offers: vmbo / havo / vwo

    @property
    def location_code(self) -> str:
        return f"{self.institution_code}{self.vestiging:02d}"


def _institution_code(number: int) -> str:
    letters = "DEFGHJKLMNPRSTUVWXYZ"
    return f"9{letters[number // 99]}{number % 99 + 1:02d}"


def demo_schools(
    seed: int = 0, municipalities_: Sequence[DemoMunicipality] | None = None
) -> tuple[DemoSchool, ...]:
    """One to three schools per municipality; some institutions have a second location."""
    rng = np.random.default_rng([seed, 1])
    out: list[DemoSchool] = []
    number = 0
    for municipality in municipalities_ or municipalities():
        for i in range(int(rng.integers(1, 4))):
            previous = out[-1] if out else None
            second = (
                i > 0
                and previous is not None
                and previous.vestiging == 0
                and previous.municipality == municipality
                and rng.random() < 0.3
            )
            code = previous.institution_code if second and previous else _institution_code(number)
            number += 0 if second else 1
            kind = _SCHOOL_KINDS[int(rng.integers(len(_SCHOOL_KINDS)))]
            out.append(
                DemoSchool(
                    institution_code=code,
                    vestiging=1 if second else 0,
                    name=f"Demo-{kind} {municipality.name.removeprefix('Demo-')} {'ABC'[i]}",
                    municipality=municipality,
                    levels=_LEVEL_MIXES[int(rng.integers(len(_LEVEL_MIXES)))],
                )
            )
    return tuple(out)


def _write_csv(
    path: str | Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    encoding: str,
    line_end: str,
    quote_all: bool,
    bom: bool = False,
    stray_lines: int = 0,
) -> Path:
    """Write a ';'-separated file with the given quirks, atomically.

    ``bom`` writes a UTF-8 BOM and UTF-8 text whatever ``encoding`` says. ``stray_lines``
    inserts that many lines holding only ``""`` (the re-write artefact of some DUO copies)
    between rows, the first right after the header.
    """
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_NONE
    writer = csv.writer(buffer, delimiter=";", lineterminator=line_end, quoting=quoting)
    writer.writerow(header)
    body = [list(map(str, row)) for row in rows]
    stray_at = (
        set(np.linspace(0, len(body), stray_lines, dtype=int).tolist()) if stray_lines else ()
    )
    for i, row in enumerate(body):
        if i in stray_at:
            buffer.write('""' + line_end)
        writer.writerow(row)
    if len(body) in stray_at:
        buffer.write('""' + line_end)
    # A BOM only exists in UTF-8: such a copy was re-saved as UTF-8 (as Excel does).
    data = buffer.getvalue().encode("utf-8" if bom else encoding)
    write_bytes(path, (b"\xef\xbb\xbf" if bom else b"") + data)
    return Path(path)


# --- exam candidates ------------------------------------------------------------------

# OPLEIDINGSNAAM -> INSPECTIECODE as in the real 2019-2024 release; intersectoraal
# (older releases only) has codes of this demo's own.
PROGRAMME_CODES = {
    "VMBO LWT - techniek": "30",
    "VMBO LWT - zorg & welzijn": "31",
    "VMBO LWT - economie": "32",
    "VMBO LWT - landbouw": "33",
    "VMBO B - techniek": "34",
    "VMBO B - zorg en welzijn": "35",
    "VMBO B - economie": "36",
    "VMBO B - landbouw": "37",
    "VMBO K - techniek": "38",
    "VMBO K - zorg en welzijn": "39",
    "VMBO K - economie": "40",
    "VMBO K - landbouw": "41",
    "VMBO G - techniek": "42",
    "VMBO G - zorg en welzijn": "43",
    "VMBO G - economie": "44",
    "VMBO G - landbouw": "45",
    "VMBO T": "46",
    "VMBO T - techniek": "90",
    "VMBO T - zorg en welzijn": "91",
    "VMBO T - economie": "92",
    "VMBO T - landbouw": "93",
    "VMBO B - intersectoraal": "70",
    "VMBO K - intersectoraal": "71",
    "VMBO G - intersectoraal": "72",
    "VMBO LWT - intersectoraal": "73",
    "HAVO - N&T": "50",
    "HAVO - N&G": "51",
    "HAVO - E&M": "52",
    "HAVO - C&M": "53",
    "HAVO - N&T / N&G": "54",
    "HAVO - N&G / E&M": "58",
    "HAVO - E&M / C&M": "59",
    "VWO - N&T": "60",
    "VWO - N&G": "61",
    "VWO - E&M": "62",
    "VWO - C&M": "63",
    "VWO - N&T / N&G": "64",
    "VWO - N&T / E&M": "65",
    "VWO - N&G / C&M": "67",
    "VWO - N&G / E&M": "68",
    "VWO - E&M / C&M": "69",
}
# Profile choice per gender (man, vrouw). Tuned to the published picture: about 35-45%
# of havo and 60% of vwo candidates with an N-profile, women less often in N&T.
_HAVO = {
    "N&T": (0.18, 0.03),
    "N&T / N&G": (0.10, 0.05),
    "N&G": (0.08, 0.22),
    "N&G / E&M": (0.04, 0.05),
    "E&M": (0.44, 0.22),
    "C&M": (0.08, 0.28),
    "E&M / C&M": (0.08, 0.15),
}
_VWO = {
    "N&T": (0.25, 0.06),
    "N&T / N&G": (0.22, 0.15),
    "N&G": (0.08, 0.30),
    "N&T / E&M": (0.03, 0.01),
    "N&G / E&M": (0.02, 0.03),
    "N&G / C&M": (0.01, 0.03),
    "E&M": (0.29, 0.18),
    "C&M": (0.04, 0.16),
    "E&M / C&M": (0.06, 0.08),
}
# vmbo: about a quarter in sector techniek, mostly men.
_VMBO_SECTORS = {
    "techniek": (0.42, 0.06),
    "economie": (0.33, 0.38),
    "zorg en welzijn": (0.08, 0.43),
    "landbouw": (0.12, 0.08),
    "intersectoraal": (0.05, 0.05),
}
_VMBO_TRACKS = {"T": 0.45, "K": 0.22, "B": 0.18, "G": 0.10, "LWT": 0.05}
_MEAN_CANDIDATES = {"vmbo": 60.0, "havo": 45.0, "vwo": 35.0}
_PASS_RATE = {"vmbo": 0.95, "havo": 0.88, "vwo": 0.91}
EXAM_RELEASE_YEARS = {"2019": range(2019, 2024), "2013": range(2013, 2018)}
EXAM_GENDERS = {"2019": ("MAN", "VROUW", "TOTAAL"), "2013": ("MAN", "VROUW", "ONBEKEND", "TOTAAL")}


@dataclass(frozen=True)
class ExamRow:
    """One row of an exam file: a programme at a location, all school years.

    ``candidates`` maps (start year, 'MAN'|'VROUW'|'ONBEKEND'|'TOTAAL') to a count or
    text; a missing gender is 0 and a missing TOTAAL is the sum of the genders. ``passed``
    defaults to every candidate passing; ``pass_rates`` overrides a SLAAGPERC cell.
    """

    institution_code: str
    vestiging: int | str
    school_name: str
    municipality_name: str  # as DUO writes it: upper case
    programme: str  # OPLEIDINGSNAAM, e.g. 'HAVO - N&T'
    candidates: Mapping[tuple[int, str], Cell]
    passed: Mapping[tuple[int, str], Cell] | None = None
    pass_rates: Mapping[tuple[int, str], str] | None = None  # SLAAGPERC text, else computed


def _programme_names(level: str, release: str) -> list[str]:
    if level == "havo":
        return [f"HAVO - {p}" for p in _HAVO]
    if level == "vwo":
        return [f"VWO - {p}" for p in _VWO]
    names = []
    for track in _VMBO_TRACKS:
        for sector in _VMBO_SECTORS:
            if sector == "intersectoraal" and (release == "2019" or track == "T"):
                continue
            label = "zorg & welzijn" if (track, sector) == ("LWT", "zorg en welzijn") else sector
            names.append(f"VMBO {track} - {label}")
    return names


def _programme_weights(level: str, names: list[str], gender: int) -> np.ndarray:
    """Probability of each programme for one gender (0 = man, 1 = vrouw)."""
    if level in ("havo", "vwo"):
        table = _HAVO if level == "havo" else _VWO
        weights = [table[n.split(" - ", 1)[1]][gender] for n in names]
    else:
        weights = []
        for name in names:
            track, label = name.removeprefix("VMBO ").split(" - ", 1)
            sector = "zorg en welzijn" if label == "zorg & welzijn" else label
            weights.append(_VMBO_TRACKS[track] * _VMBO_SECTORS[sector][gender])
    array = np.asarray(weights)
    return array / array.sum()


def _suppress(value: int) -> Cell:
    return "<5" if 1 <= value <= 4 else value


def generate_exam_rows(
    *,
    release: str = "2019",
    seed: int = 0,
    years: Iterable[int] | None = None,
    municipalities_: Sequence[DemoMunicipality] | None = None,
) -> list[ExamRow]:
    """Plausible exam candidates for every demo school; release 2019+ hides 1-4 as '<5'."""
    years = list(years if years is not None else EXAM_RELEASE_YEARS[release])
    rng = np.random.default_rng([seed, 2, int(release)])
    rows = []
    for school in demo_schools(seed, municipalities_):
        size = rng.lognormal(0.0, 0.35)
        for level in school.levels:
            names = _programme_names(level, release)
            if level == "vmbo" and release == "2019" and rng.random() < 0.1:
                names.append("VMBO T")  # the rare bare row without a sector
            cells: dict[str, dict[tuple[int, str], Cell]] = {n: {} for n in names}
            passed: dict[str, dict[tuple[int, str], Cell]] = {n: {} for n in names}
            for year in years:
                counts = {}
                for g, gender in enumerate(("MAN", "VROUW")):
                    total = rng.poisson(_MEAN_CANDIDATES[level] * size * (1 + 0.01 * (year - 2019)))
                    weights = _programme_weights(level, [n for n in names if n != "VMBO T"], g)
                    split = list(rng.multinomial(total, weights))
                    if "VMBO T" in names:
                        split.append(int(rng.integers(0, 3)))
                    counts[gender] = np.asarray(split)
                counts["ONBEKEND"] = (rng.random(len(names)) < 0.01).astype(int)
                if release == "2019":
                    counts["ONBEKEND"][:] = 0  # no such column: they only show in TOTAAL
                counts["TOTAAL"] = counts["MAN"] + counts["VROUW"] + counts["ONBEKEND"]
                for i, name in enumerate(names):
                    for gender in EXAM_GENDERS[release]:
                        n = int(counts[gender][i])
                        ok = n if gender == "TOTAAL" else int(rng.binomial(n, _PASS_RATE[level]))
                        cells[name][(year, gender)] = n
                        passed[name][(year, gender)] = ok
                    passed[name][(year, "TOTAAL")] = sum(
                        int(passed[name][(year, g)]) for g in EXAM_GENDERS[release][:-1]
                    )
            for name in names:
                if not any(int(v) for v in cells[name].values()):
                    continue
                wrap = _suppress if release == "2019" else int
                rows.append(
                    ExamRow(
                        institution_code=school.institution_code,
                        vestiging=school.vestiging,
                        school_name=school.name,
                        municipality_name=school.municipality.name.upper(),
                        programme=name,
                        candidates={k: wrap(int(v)) for k, v in cells[name].items()},
                        passed={k: wrap(int(v)) for k, v in passed[name].items()},
                    )
                )
    return rows


def _pass_rate(candidates: Cell, passed: Cell, release: str) -> str:
    """SLAAGPERC as the release writes it: '87.5' (2019+) or '87,5%' with ',0%' for zero."""
    if isinstance(candidates, int) and isinstance(passed, int):
        rate = round(100 * passed / candidates, 1) if candidates else 0.0
    else:
        rate = 100.0  # suppressed: DUO still publishes a rate computed from exact numbers
    if release == "2019":
        return f"{rate:g}"
    text = f"{rate:.1f}".replace(".", ",")
    return text.removeprefix("0") + "%"


def _cell(cells: Mapping[tuple[int, str], Cell], year: int, gender: str, genders: tuple) -> Cell:
    if (year, gender) in cells:
        return cells[(year, gender)]
    if gender != "TOTAAL":
        return 0
    parts = [cells.get((year, g), 0) for g in genders if g != "TOTAAL"]
    if not all(isinstance(p, int) for p in parts):
        raise ValueError(f"give TOTAAL for {year} explicitly: its parts are not all numbers")
    return sum(int(p) for p in parts)


def write_vo_exam(
    path: str | Path,
    rows: Sequence[ExamRow] | None = None,
    *,
    release: str = "2019",
    seed: int = 0,
    years: Iterable[int] | None = None,
    municipalities: Sequence[DemoMunicipality] | None = None,
    bom: bool = False,
    line_end: str | None = None,
    stray_lines: int = 0,
) -> Path:
    """Write an exam candidates file of ``release`` '2019' (2019-2024 layout) or '2013'.

    '2019': UTF-8, CRLF, every field quoted, INSTELLINGSCODE + VESTIGINGSCODE, no
    ONBEKEND, SLAAGPERC '87.5'. '2013': Latin-1, LF, unquoted, BRIN NUMMER +
    VESTIGINGSNUMMER (a bare number, no leading zero), ONBEKEND, SLAAGPERC '87,5%'.
    Without ``rows`` the demo schools are generated from ``seed``.
    """
    years = list(years if years is not None else EXAM_RELEASE_YEARS[release])
    genders = EXAM_GENDERS[release]
    if rows is None:
        rows = generate_exam_rows(
            release=release, seed=seed, years=years, municipalities_=municipalities
        )
    new = release == "2019"
    header = [
        "INSTELLINGSCODE" if new else "BRIN NUMMER",
        "VESTIGINGSCODE" if new else "VESTIGINGSNUMMER",
        "INSTELLINGSNAAM VESTIGING",
        "GEMEENTENAAM",
        "ONDERWIJSTYPE VO",
        "INSPECTIECODE",
        "OPLEIDINGSNAAM",
    ]
    for year in years:
        for gender in genders:
            for measure in ("EXAMENKANDIDATEN", "GESLAAGDEN", "SLAAGPERC"):
                header.append(f"{measure} SCHOOLJAAR {year}-{year + 1} - {gender}")
    body = []
    for row in rows:
        vestiging = (
            f"{row.institution_code}{int(row.vestiging):02d}"
            if new and isinstance(row.vestiging, int)
            else row.vestiging
        )
        line: list[object] = [
            row.institution_code,
            vestiging,
            row.school_name,
            row.municipality_name,
            row.programme.split(" ", 1)[0],
            PROGRAMME_CODES.get(row.programme, "99"),
            row.programme,
        ]
        for year in years:
            for gender in genders:
                n = _cell(row.candidates, year, gender, genders)
                ok = _cell(row.passed, year, gender, genders) if row.passed is not None else n
                rates = row.pass_rates or {}
                rate = rates.get((year, gender), _pass_rate(n, ok, release))
                line += [n, ok, rate]
        body.append(line)
    return _write_csv(
        path,
        header,
        body,
        encoding="utf-8" if new else "latin-1",
        line_end=line_end or ("\r\n" if new else "\n"),
        quote_all=new,
        bom=bom,
        stray_lines=stray_lines,
    )


# --- pupils per vestiging -------------------------------------------------------------

PUPIL_HEADER = [
    "BRIN NUMMER",
    "VESTIGINGSNUMMER",
    "INSTELLINGSNAAM VESTIGING",
    "PLAATSNAAM VESTIGING",
    "PROVINCIE VESTIGING",
    "ONDERWIJSTYPE VO EN LEER- OF VERBLIJFSJAAR",
    "VMBO SECTOR",
    "AFDELING",
    "ELEMENTCODE",
    "OPLEIDINGSNAAM",
] + [f"LEER- OF VERBLIJFSJAAR {lj} - {g}" for lj in range(1, 7) for g in ("MAN", "VROUW")]


@dataclass(frozen=True)
class PupilRow:
    """One row of the pupils file; ``counts`` maps (leerjaar, 'MAN'|'VROUW') to a cell (else 0)."""

    institution_code: str
    vestiging: int | str
    school_name: str
    place: str  # upper case
    province: str  # as DUO writes it ('Friesland')
    onderwijstype: str  # 'HAVO lj 4-5', 'Brugjaar 1-2', ...
    sector: str  # VMBO SECTOR or 'N.v.t.'
    afdeling: str  # profile or 'N.v.t.'
    elementcode: str  # 4 digits, leading zeros kept
    programme: str  # OPLEIDINGSNAAM
    counts: Mapping[tuple[int, str], Cell]


# (onderwijstype, sector, afdeling, elementcode, opleidingsnaam, leerjaren, share man, vrouw)
_PUPIL_PROGRAMMES = {
    "lower": [
        ("Brugjaar 1-2", "N.v.t.", "N.v.t.", "0016", "Ljvb op VWO/HAVO/VMBO-Th/Gm Lw", (1, 2)),
        ("HAVO/VWO lj 3", "N.v.t.", "N.v.t.", "0300", "HAVO", (3,)),
        ("HAVO/VWO lj 3", "N.v.t.", "N.v.t.", "0100", "VWO-ATHENEUMSTROOM", (3,)),
    ],
    "havo": [
        ("HAVO lj 4-5", "N.v.t.", afdeling, code, label, (4, 5))
        for afdeling, code, label in (
            ("Natuur en Techniek", "0370", "HAVO Prf Nat/Tech"),
            ("Natuur en Gezondheid", "0371", "HAVO Prf Nat/Gezond"),
            ("Natuur en Techniek / Natuur en Gezondheid", "0374", "HAVO Prf Nat/Tech & Nat/Gezond"),
            ("Economie en Maatschappij", "0372", "HAVO Prf Ec/Maat"),
            ("Cultuur en Maatschappij", "0373", "HAVO Prf Cul/Maat"),
        )
    ],
    "vwo": [
        ("VWO lj 4-6", "N.v.t.", afdeling, code, label, (4, 5, 6))
        for afdeling, code, label in (
            ("Natuur en Techniek", "0170", "VWO-ATH Prf Nat/Tech"),
            ("Natuur en Gezondheid", "0171", "VWO-ATH Prf Nat/Gezond"),
            (
                "Natuur en Techniek / Natuur en Gezondheid",
                "0174",
                "VWO-ATH Prf Nat/Tech & Nat/Gezond",
            ),
            ("Economie en Maatschappij", "0172", "VWO-ATH Prf Ec/Maat"),
            ("Cultuur en Maatschappij", "0173", "VWO-ATH Prf Cul/Maat"),
        )
    ],
    "vmbo": [
        (
            "VMBO BL lj 3-4",
            "Techniek",
            "Bouwen, wonen en interieur",
            "6011",
            "VMBO BB Bouwen, wonen en interieur",
            (3, 4),
        ),
        (
            "VMBO KL lj 3-4",
            "Techniek",
            "Produceren, installeren en energie",
            "6121",
            "VMBO KB Produceren, installeren en energie",
            (3, 4),
        ),
        (
            "VMBO KL lj 3-4",
            "Techniek",
            "Media, vormgeving en ICT",
            "6321",
            "VMBO KB Media, vormgeving en ICT",
            (3, 4),
        ),
        (
            "VMBO KL lj 3-4",
            "Economie",
            "Economie en ondernemen",
            "6421",
            "VMBO KB Economie en ondernemen",
            (3, 4),
        ),
        (
            "VMBO BL lj 3-4",
            "Zorg & Welzijn",
            "Zorg en welzijn",
            "6611",
            "VMBO BB Zorg en welzijn",
            (3, 4),
        ),
        (
            "VMBO GL lj 3-4",
            "Intersect. programma",
            "Dienstverlening en producten",
            "6931",
            "VMBO GL Dienstverlening en producten",
            (3, 4),
        ),
        ("VMBO TL lj 3-4", "Techniek", "N.v.t.", "0470", "MAVO/Theor Lw-Profiel Techniek", (3, 4)),
        ("VMBO TL lj 3-4", "Economie", "N.v.t.", "0472", "MAVO/Theor Lw-Profiel Economie", (3, 4)),
        (
            "VMBO TL lj 3-4",
            "Zorg & Welzijn",
            "N.v.t.",
            "0471",
            "MAVO/Theor Lw-Profiel Zorg en Welzijn",
            (3, 4),
        ),
        ("VMBO uitbest. aan VAVO", "N.v.t.", "N.v.t.", "4040", "VMBO-TL naar VAVO", (4,)),
        (
            "Praktijkonderwijs alle vj",
            "N.v.t.",
            "N.v.t.",
            "0090",
            "Praktijkonderwijs",
            (1, 2, 3, 4),
        ),
    ],
}
# Mean pupils per row, leerjaar and gender (man, vrouw), by keyword in the profile.
_PUPIL_MEANS = {
    "Natuur en Techniek": (14, 5),
    "Natuur en Gezondheid": (6, 14),
    "Natuur en Techniek / Natuur en Gezondheid": (8, 7),
    "Techniek": (14, 2),
    "Bouwen, wonen en interieur": (12, 1),
    "Produceren, installeren en energie": (12, 1),
    "Media, vormgeving en ICT": (7, 4),
    "Zorg & Welzijn": (3, 14),
}


def generate_pupil_rows(
    *,
    seed: int = 0,
    municipalities_: Sequence[DemoMunicipality] | None = None,
    suppress: bool = False,
) -> list[PupilRow]:
    """Plausible pupil counts for every demo school; ``suppress`` writes 1-4 as '<5'."""
    rng = np.random.default_rng([seed, 3])
    rows = []
    for school in demo_schools(seed, municipalities_):
        size = rng.lognormal(0.0, 0.35)
        programmes = list(_PUPIL_PROGRAMMES["lower"]) if set(school.levels) - {"vmbo"} else []
        for level in school.levels:
            programmes += _PUPIL_PROGRAMMES[level]
        for pathway, sector, afdeling, code, label, leerjaren in programmes:
            if pathway.startswith(("Praktijk", "VMBO uitbest")) and rng.random() < 0.7:
                continue
            man, vrouw = _PUPIL_MEANS.get(afdeling, _PUPIL_MEANS.get(sector, (10, 10)))
            if pathway == "Brugjaar 1-2":
                man, vrouw = 80, 80
            elif pathway == "HAVO/VWO lj 3":
                man, vrouw = 40, 40
            counts: dict[tuple[int, str], Cell] = {}
            for lj in leerjaren:
                for gender, mean in (("MAN", man), ("VROUW", vrouw)):
                    n = int(rng.poisson(mean * size))
                    counts[(lj, gender)] = _suppress(n) if suppress else n
            rows.append(
                PupilRow(
                    institution_code=school.institution_code,
                    vestiging=school.vestiging,
                    school_name=school.name,
                    place=school.municipality.place,
                    province=DUO_PROVINCE[school.municipality.province_code],
                    onderwijstype=pathway,
                    sector=sector,
                    afdeling=afdeling,
                    elementcode=code,
                    programme=label,
                    counts=counts,
                )
            )
    return rows


def write_vo_pupils(
    path: str | Path,
    rows: Sequence[PupilRow] | None = None,
    *,
    seed: int = 0,
    municipalities: Sequence[DemoMunicipality] | None = None,
    suppress: bool = False,
    bom: bool = False,
    line_end: str = "\n",
    stray_lines: int = 0,
) -> Path:
    """Write a pupils-per-vestiging file: Latin-1, LF, unquoted, vestigingsnummer '00'.

    Like the real 2019 file it carries no school year. ``suppress`` mimics newer
    releases that write 1-4 as '<5'.
    """
    if rows is None:
        rows = generate_pupil_rows(seed=seed, municipalities_=municipalities, suppress=suppress)
    body = []
    for row in rows:
        vestiging = f"{row.vestiging:02d}" if isinstance(row.vestiging, int) else row.vestiging
        line: list[object] = [
            row.institution_code,
            vestiging,
            row.school_name,
            row.place,
            row.province,
            row.onderwijstype,
            row.sector,
            row.afdeling,
            row.elementcode,
            row.programme,
        ]
        line += [row.counts.get((lj, g), 0) for lj in range(1, 7) for g in ("MAN", "VROUW")]
        body.append(line)
    return _write_csv(
        path,
        PUPIL_HEADER,
        body,
        encoding="latin-1",
        line_end=line_end,
        quote_all=False,
        bom=bom,
        stray_lines=stray_lines,
    )


# --- all vo locations -----------------------------------------------------------------

LOCATION_HEADER = [
    "PROVINCIE",
    "BEVOEGD GEZAG NUMMER",
    "BRIN NUMMER",
    "VESTIGINGSNUMMER",
    "VESTIGINGSNAAM",
    "STRAATNAAM",
    "HUISNUMMER-TOEVOEGING",
    "POSTCODE",
    "PLAATSNAAM",
    "GEMEENTENUMMER",
    "GEMEENTENAAM",
    "DENOMINATIE",
    "TELEFOONNUMMER",
    "INTERNETADRES",
    "ONDERWIJSSTRUCTUUR",
    "STRAATNAAM CORRESPONDENTIEADRES",
    "HUISNUMMER-TOEVOEGING CORRESPONDENTIEADRES",
    "POSTCODE CORRESPONDENTIEADRES",
    "PLAATSNAAM CORRESPONDENTIEADRES",
    "NODAAL GEBIED CODE",
    "NODAAL GEBIED NAAM",
    "RPA-GEBIED CODE",
    "RPA-GEBIED NAAM",
    "WGR-GEBIED CODE",
    "WGR-GEBIED NAAM",
    "COROPGEBIED CODE",
    "COROPGEBIED NAAM",
    "ONDERWIJSGEBIED CODE",
    "ONDERWIJSGEBIED NAAM",
    "RMC-REGIO CODE",
    "RMC-REGIO NAAM",
]


@dataclass(frozen=True)
class LocationRow:
    """One school location; ``municipality_code`` is written as given (leading zeros kept)."""

    institution_code: str
    vestiging: int | str
    name: str
    place: str  # upper case
    municipality_code: str
    municipality_name: str  # upper case
    province: str  # as DUO writes it ('Friesland')
    corop_code: str  # 2 digits, '07'
    corop_name: str
    structure: str = "VMBO/HAVO/VWO"


def location_rows(
    seed: int = 0, municipalities_: Sequence[DemoMunicipality] | None = None
) -> list[LocationRow]:
    """The locations of every demo school, as in DUO's 'alle vestigingen vo'."""
    return [
        LocationRow(
            institution_code=s.institution_code,
            vestiging=s.vestiging,
            name=s.name,
            place=s.municipality.place,
            municipality_code=s.municipality.code,
            municipality_name=s.municipality.name.upper(),
            province=DUO_PROVINCE[s.municipality.province_code],
            corop_code=s.municipality.corop_code.removeprefix("CR"),
            corop_name=COROPS[s.municipality.corop_code][0],
            structure="/".join(level.upper() for level in s.levels),
        )
        for s in demo_schools(seed, municipalities_)
    ]


def write_vo_locations(
    path: str | Path,
    rows: Sequence[LocationRow] | None = None,
    *,
    seed: int = 0,
    municipalities: Sequence[DemoMunicipality] | None = None,
    bom: bool = False,
    line_end: str = "\n",
    stray_lines: int = 0,
) -> Path:
    """Write 'alle vestigingen vo': Latin-1, LF, unquoted, blank-padded phone and web fields.

    VESTIGINGSNUMMER is the full 6-character code ('9D0100'), as in the real file.
    """
    if rows is None:
        rows = location_rows(seed, municipalities)
    body = []
    for i, row in enumerate(rows):
        vestiging = (
            f"{row.institution_code}{row.vestiging:02d}"
            if isinstance(row.vestiging, int)
            else row.vestiging
        )
        address = ["Demostraat", str(i + 1), "9999 ZZ", row.place]
        body.append(
            [
                row.province,
                f"{90000 + i}",
                row.institution_code,
                vestiging,
                row.name,
                *address,
                row.municipality_code,
                row.municipality_name,
                "Openbaar",
                " " * 10,  # DUO pads empty fields with blanks
                f"{'www.demo.invalid':<80}",
                row.structure,
                *address,
                "99",
                "Demo-nodaal gebied",
                "99",
                "Demo-RPA-gebied",
                "99",
                "Demo-WGR-gebied",
                row.corop_code,
                f"{row.corop_name} ",
                "99",
                "Demo-onderwijsgebied",
                "99",
                "Demo-RMC-regio",
            ]
        )
    return _write_csv(
        path,
        LOCATION_HEADER,
        body,
        encoding="latin-1",
        line_end=line_end,
        quote_all=False,
        bom=bom,
        stray_lines=stray_lines,
    )
