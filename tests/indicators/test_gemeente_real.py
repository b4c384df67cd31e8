"""The gemeente level on the real files, checked against a computation by another route.

The route here shares no code with the pipeline: the csv module reads the DUO exam file,
the row's own GEMEENTENAAM (the 2024 release names today's municipalities) is looked up in
the CBS list of 2023 by name, and only where that name is ambiguous or unknown the DUO
vestigingen file gives the municipality code of the location. Suppressed '<5' cells count
2,5, as docs/methodology.md prescribes for point estimates.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

YEAR = 2023  # schooljaar 2023/24
COLUMN = "EXAMENKANDIDATEN SCHOOLJAAR 2023-2024 - TOTAAL"
IMPUTED = 2.5


def _cbs_2023(shared: Path) -> tuple[dict[str, list[str]], set[str]]:
    """Upper-case name -> codes, and the set of codes, of the CBS 2023 indeling."""
    by_name: dict[str, list[str]] = defaultdict(list)
    with open(shared / "cbs/gemeenten_alfabetisch_2023.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            by_name[row["Gemeentenaam"].upper()].append(row["Gemeentecode"])
    return by_name, {c for codes in by_name.values() for c in codes}


def _locations(shared: Path) -> dict[str, str]:
    """VESTIGINGSCODE (BRIN + number) -> GEMEENTENUMMER of DUO's vestigingen file (2020)."""
    out = {}
    with open(shared / "duo/vo/alle_vestigingen_vo.csv", encoding="latin-1", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            out[row["VESTIGINGSNUMMER"].strip()] = row["GEMEENTENUMMER"].strip().zfill(4)
    return out


def independent_havo_n(shared: Path) -> tuple[dict[str, float], dict[str, float]]:
    """(share, denominator) of havo candidates with an N-profiel per GM code, 2023/24."""
    by_name, current = _cbs_2023(shared)
    locations = _locations(shared)
    num: dict[str, float] = defaultdict(float)
    den: dict[str, float] = defaultdict(float)
    path = shared / "duo/vo/examenkandidaten_geslaagden_2019-2024.csv"
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            if row["ONDERWIJSTYPE VO"] != "HAVO":
                continue
            cell = row[COLUMN].strip()
            if cell == "":
                continue
            value = IMPUTED if cell == "<5" else float(cell)
            codes = by_name.get(row["GEMEENTENAAM"].strip().upper(), [])
            if len(codes) == 1:
                code = codes[0]
            else:  # ambiguous (BERGEN) or spelt otherwise: the location's municipality
                code = locations.get(row["VESTIGINGSCODE"].strip())
                assert code in current, f"row {row['VESTIGINGSCODE']}: no municipality"
            den["GM" + code] += value
            if "N&T" in row["OPLEIDINGSNAAM"] or "N&G" in row["OPLEIDINGSNAAM"]:
                num["GM" + code] += value
    return {c: num[c] / den[c] for c in den if den[c] > 0}, dict(den)


@pytest.fixture(scope="module")
def real_gemeente(real_processed: Path) -> pd.DataFrame:
    table = pd.read_parquet(real_processed / "indicators.parquet")
    return table[(table["region_level"] == "gemeente") & (table["gender"] == "totaal")]


def test_every_municipality_every_vo_indicator_and_year(real_gemeente: pd.DataFrame) -> None:
    vo = real_gemeente[real_gemeente["indicator"].str.startswith("vo_")]
    per = vo.groupby(["indicator", "year"])["region_code"].nunique()
    assert len(per) > 0 and (per == 342).all()
    havo = vo[(vo["indicator"] == "vo_havo_n") & (vo["year"] == YEAR)]
    assert int(havo["share"].notna().sum()) == 218  # municipalities with havo candidates


def test_gemeente_figures_match_an_independent_computation(
    shared_data: Path, real_gemeente: pd.DataFrame
) -> None:
    expected, denominators = independent_havo_n(shared_data)
    rows = real_gemeente[
        (real_gemeente["indicator"] == "vo_havo_n") & (real_gemeente["year"] == YEAR)
    ].set_index("region_code")
    got = rows["share"].dropna().astype(float).to_dict()
    assert set(got) == set(expected)  # the same municipalities have a figure
    worst = max(abs(got[c] - expected[c]) for c in expected)
    assert worst <= 0.005, f"largest difference {worst * 100:.2f} pp"
    for code, den in denominators.items():
        assert rows.loc[code, "denominator"] == pytest.approx(den, abs=0.01)


def test_mbo_has_no_gemeente_figures(real_gemeente: pd.DataFrame) -> None:
    mbo = real_gemeente[real_gemeente["indicator"].str.startswith("mbo_")]
    assert len(mbo) > 0 and mbo["share"].isna().all()
