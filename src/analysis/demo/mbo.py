"""Synthetic DUO mbo file "03 Deelnemers per instelling, plaats, ... niveau, geslacht".

Same header and quirks as the 2015-2019 release: ``;``, CRLF, UTF-8, blank-padded
KENNISCENTRUM fields, stray ``""`` lines, an empty cell where a year has no students,
TOTAAL = MAN + VROUW. Fictional institutions (``9M01``...: never a real BRIN, which is two
digits and two letters) in the places of ``analysis.demo.geography``. About 480k students
a year, ~25% in sector techniek, of whom ~12% women. ``suppress=True`` writes ``<5`` for
counts 1-4, as a suppressing release would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from analysis.demo.csvfile import write_csv
from analysis.demo.geography import municipalities

ID_HEADER = [
    "BRIN NUMMER", "SOORTINS", "INSTELLINGSNAAM", "PLAATSNAAM", "TYPE MBO",
    "KWALIFICATIENIVEAU", "KWALIFICATIE CODE", "KWALIFICATIE NAAM", "MBO SECTOR", "DOMEIN",
    "SECTORUNIT SBB", "BRIN NUMMER KENNISCENTRUM", "NAAM KENNISCENTRUM",
]  # fmt: skip
# sector -> (share of students, share of women, domeinen)
SECTORS: dict[str, tuple[float, float, tuple[str, ...]]] = {
    "techniek": (
        0.25,
        0.12,
        (
            "Techniek en procesindustrie",
            "Bouw en infra",
            "Mobiliteit en voertuigen",
            "Informatie en communicatietechnologie",
        ),
    ),
    "economie": (0.27, 0.45, ("Handel en ondernemerschap", "Zakelijke dienstverlening")),
    "zorg en welzijn": (0.33, 0.85, ("Zorg en welzijn", "Uiterlijke verzorging")),
    "groen": (0.07, 0.45, ("Voedsel, natuur en leefomgeving",)),
    "combinatie van sectoren": (0.08, 0.45, ("niet toebedeeld aan Opleidingsdomeinen",)),
}
PATHWAYS = (("BOLVT", 0.70), ("BBL", 0.29), ("BOLDT", 0.01))
TOTAL = 480_000
N_INSTITUTIONS = 30
# A fixed blank-padded KENNISCENTRUM pair, as in the real file (widths 4 and 24).
BLANK_KENNISCENTRUM = (" " * 4, " " * 24)


def gender_year_header(years: Sequence[int]) -> list[str]:
    return [f"{g}{y}" for y in years for g in ("MAN", "VROUW", "TOTAAL")]


def _cell(n: int, suppress: bool) -> object:
    if n == 0:
        return ""  # DUO leaves a year without students blank
    return "<5" if suppress and n < 5 else n


def _generated(years: list[int], seed: int, suppress: bool) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    places = municipalities()
    offers = []
    for i in range(N_INSTITUTIONS):
        place = places[(i * 29 + 5) % len(places)].place
        for s_index, (sector, (share, women, domains)) in enumerate(SECTORS.items()):
            for d_index, domain in enumerate(domains):
                for level in ("1", "2", "3", "4"):
                    if sector == "combinatie van sectoren" and level != "1":
                        continue
                    for pathway, p_share in PATHWAYS:
                        if rng.random() < 0.5:
                            weight = share / len(domains) * p_share * rng.lognormal(0.0, 0.8)
                            code = 20000 + 1000 * s_index + 100 * d_index + int(level)
                            offers.append(
                                (i, place, sector, domain, level, pathway, code, women, weight)
                            )
    total_weight = sum(o[-1] for o in offers)
    rows = []
    for i, place, sector, domain, level, pathway, code, women, weight in offers:
        row: dict[str, object] = {
            "BRIN NUMMER": f"9M{i + 1:02d}",
            "SOORTINS": "AOC" if i % 10 == 9 else "ROC",
            "INSTELLINGSNAAM": f"Demo ROC {i + 1}",
            "PLAATSNAAM": place,
            "TYPE MBO": pathway,
            "KWALIFICATIENIVEAU": level,
            "KWALIFICATIE CODE": code,
            "KWALIFICATIE NAAM": f"Demo-{domain} niveau {level}",
            "MBO SECTOR": sector,
            "DOMEIN": domain,
            "SECTORUNIT SBB": f"Demo-unit {sector}",
            "BRIN NUMMER KENNISCENTRUM": BLANK_KENNISCENTRUM[0],
            "NAAM KENNISCENTRUM": BLANK_KENNISCENTRUM[1],
        }
        for y in years:
            mean = TOTAL * (1.015 ** (y - years[0])) * weight / total_weight
            men = int(rng.poisson(mean * (1 - women)))
            wom = int(rng.poisson(mean * women))
            row[f"MAN{y}"] = _cell(men, suppress)
            row[f"VROUW{y}"] = _cell(wom, suppress)
            row[f"TOTAAL{y}"] = _cell(men + wom, suppress)
        rows.append(row)
    return rows


def write_mbo_students(
    path: str | Path,
    *,
    seed: int = 0,
    years: Iterable[int] = range(2015, 2020),
    rows: Sequence[dict[str, object]] | None = None,
    suppress: bool = False,
) -> Path:
    """Write the mbo file. ``rows``: hand-chosen dicts (column -> cell, e.g. ``"MAN2015": 3``
    or ``""``); missing id columns get fixed demo values, missing counts are blank."""
    years = list(years)
    header = ID_HEADER + gender_year_header(years)
    if rows is None:
        source = _generated(years, seed, suppress)
        stray = 29
    else:
        place = municipalities()[0].place
        default = {
            "BRIN NUMMER": "9M01",
            "SOORTINS": "ROC",
            "INSTELLINGSNAAM": "Demo ROC 1",
            "PLAATSNAAM": place,
            "TYPE MBO": "BOLVT",
            "KWALIFICATIENIVEAU": "4",
            "KWALIFICATIE CODE": "20001",
            "KWALIFICATIE NAAM": "Demo-Techniek niveau 4",
            "MBO SECTOR": "techniek",
            "DOMEIN": "Techniek en procesindustrie",
            "SECTORUNIT SBB": "Demo-unit techniek",
            "BRIN NUMMER KENNISCENTRUM": BLANK_KENNISCENTRUM[0],
            "NAAM KENNISCENTRUM": BLANK_KENNISCENTRUM[1],
        }
        source = [{**default, **r} for r in rows]
        stray = 1
    body = [[r.get(c, "") for c in header] for r in source]
    return write_csv(path, header, body, line_end="\r\n", stray_lines=stray)
