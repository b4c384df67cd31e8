"""Bounds from published row totals, checked against brute-force enumeration.

Each scenario is a handful of published rows (one school, one profile, one year: cells
man, vrouw, totaal on one line). The true counts are drawn at random and suppressed as
DUO does (1..4 -> '<5'). The brute force tries every value 1..4 of every suppressed cell,
keeps the assignments in which every row's cells add up to its TOTAAL (a '<5' TOTAAL
included), and computes each view by its definition; the engine's bounds must be the
minimum and maximum of those shares.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.indicators import suppression
from analysis.indicators.engine import compute_indicators
from analysis.indicators.rules import parse_indicator_config
from analysis.store import schema

CONFIG = parse_indicator_config(
    {
        "indicators": {
            "nt": {
                "naam": "Test N&T",
                "omschrijving": "test",
                "level": "havo",
                "dataset": "duo_vo_exam",
                "measure": "exam_candidates",
                "numerator": {"column": "programme", "regex": "N&T"},
                "bron": "test",
            }
        }
    },
    Path("test.yaml"),
)
REGIONS = pd.DataFrame(
    [("nederland", "Nederland", "NL")], columns=["region_level", "region", "region_code"]
)


def store_of(rows: list[tuple[str, int, int, bool]]) -> tuple[pd.DataFrame, list[dict]]:
    """rows: (programme, man, vrouw, total_suppressible). Returns the store and the truth."""
    records, truth = [], []
    for line, (programme, man, vrouw, _) in enumerate(rows, start=1):
        cells = {"man": man, "vrouw": vrouw, "totaal": man + vrouw}
        truth.append({"programme": programme, **cells})
        for gender, value in cells.items():
            hidden = 1 <= value <= 4
            records.append(
                {
                    "dataset": "duo_vo_exam",
                    "release": "test",
                    "level": "havo",
                    "measure": "exam_candidates",
                    "schooljaar": "2023/24",
                    "year": 2023,
                    "programme": programme,
                    "gender": gender,
                    "count": None if hidden else value,
                    "suppressed": hidden,
                    "source_file": "duo/vo/test.csv",
                    "source_row": line,
                    "attribution": "unplaced",
                    "unplaced_reason": "test",
                }
            )
    return schema.conform(pd.DataFrame(records), schema.STORE_COLUMNS), truth


def brute_force(truth: list[dict]) -> dict[str, tuple[float, float]]:
    """(min, max) of every view over all assignments consistent with the row totals."""
    slots = [
        (i, g)
        for i, row in enumerate(truth)
        for g in ("man", "vrouw", "totaal")
        if 1 <= row[g] <= 4
    ]
    views: dict[str, list[float]] = {"totaal": [], "man": [], "vrouw": [], "aandeel": []}
    for values in itertools.product(range(1, 5), repeat=len(slots)):
        rows = [dict(r) for r in truth]
        for (i, g), v in zip(slots, values, strict=True):
            rows[i][g] = v
        if any(r["man"] + r["vrouw"] != r["totaal"] for r in rows):
            continue
        num = [r for r in rows if "N&T" in r["programme"]]
        for view, key in (("totaal", "totaal"), ("man", "man"), ("vrouw", "vrouw")):
            den = sum(r[key] for r in rows)
            if den:
                views[view].append(sum(r[key] for r in num) / den)
        both = sum(r["man"] + r["vrouw"] for r in num)
        if both:
            views["aandeel"].append(sum(r["vrouw"] for r in num) / both)
    return {k: (min(v), max(v)) for k, v in views.items() if v}


def engine_bounds(store: pd.DataFrame) -> dict[str, tuple[float, float, float]]:
    membership = pd.DataFrame(
        {"row": range(len(store)), "region_level": "nederland", "region_code": "NL"}
    )
    table = compute_indicators(store, REGIONS, CONFIG, membership=membership)
    out = {}
    for view, (indicator, gender) in {
        "totaal": ("nt", "totaal"),
        "man": ("nt", "man"),
        "vrouw": ("nt", "vrouw"),
        "aandeel": ("nt__aandeel_vrouwen", "totaal"),
    }.items():
        row = table[(table["indicator"] == indicator) & (table["gender"] == gender)].iloc[0]
        if not pd.isna(row["share"]):
            out[view] = (float(row["share_low"]), float(row["share_high"]), float(row["share"]))
    return out


def scenario(seed: int) -> list[tuple[str, int, int, bool]]:
    """Four to five rows, at most six suppressed cells, many small counts."""
    rng = random.Random(seed)
    while True:
        rows = [
            (
                rng.choice(["HAVO - N&T", "HAVO - N&G", "HAVO - E&M"]),
                *rng.choices([0, 1, 2, 3, 4, 5, 6, 9, 20], k=2),
                False,
            )
            for _ in range(rng.randint(4, 5))
        ]
        hidden = sum(1 <= v <= 4 for _, m, w, _ in rows for v in (m, w, m + w))
        if 3 <= hidden <= 6 and any("N&T" in r[0] for r in rows):
            return rows


@pytest.mark.parametrize("seed", range(40))
def test_bounds_equal_brute_force(seed: int) -> None:
    store, truth = store_of(scenario(seed))
    expected = brute_force(truth)
    got = engine_bounds(store)
    cellwise = cell_by_cell(truth)
    for view, (low, high) in expected.items():
        g_low, g_high, point = got[view]
        assert g_low - 1e-12 <= _true_share(truth, view) <= g_high + 1e-12
        assert g_low - 1e-12 <= point <= g_high + 1e-12
        if (g_low, g_high) == pytest.approx(cellwise[view]) and (low, high) != pytest.approx(
            cellwise[view]
        ):
            # The documented exception: the totals would pin a count below 5 that the
            # source suppressed, so the share keeps the cell-by-cell bounds.
            assert g_low <= low + 1e-12 and g_high >= high - 1e-12
            continue
        assert (g_low, g_high) == pytest.approx((low, high)), (view, truth)


def cell_by_cell(truth: list[dict]) -> dict[str, tuple[float, float]]:
    """The old worst case, each '<5' cell 1..4 on its own (the TOTAAL cells for totaal)."""
    num = [r for r in truth if "N&T" in r["programme"]]
    rest = [r for r in truth if "N&T" not in r["programme"]]

    def parts(rows: list[dict], keys: tuple[str, ...]) -> tuple[int, int]:
        known = sum(r[k] for r in rows for k in keys if not 1 <= r[k] <= 4)
        return known, sum(1 <= r[k] <= 4 for r in rows for k in keys)

    out = {}
    for view, (num_rows, num_keys, rest_rows, rest_keys) in {
        "totaal": (num, ("totaal",), rest, ("totaal",)),
        "man": (num, ("man",), rest, ("man",)),
        "vrouw": (num, ("vrouw",), rest, ("vrouw",)),
        "aandeel": (num, ("vrouw",), num, ("man",)),
    }.items():
        (a, kn), (b, ko) = parts(num_rows, num_keys), parts(rest_rows, rest_keys)
        r = suppression.share_bounds([a], [b], [kn], [ko])
        out[view] = (float(r["share_low"][0]), float(r["share_high"][0]))
    return out


def _true_share(truth: list[dict], view: str) -> float:
    num = [r for r in truth if "N&T" in r["programme"]]
    if view == "aandeel":
        return sum(r["vrouw"] for r in num) / sum(r["man"] + r["vrouw"] for r in num)
    return sum(r[view] for r in num) / sum(r[view] for r in truth)


def test_bounds_are_exact_where_no_small_count_is_pinned() -> None:
    """Large known parts beside the suppressed ones: the engine equals the brute force."""
    rows = [
        ("HAVO - N&T", 20, 3, False),  # vrouw <5, totaal 23: vrouw is exactly 3
        ("HAVO - N&T", 2, 4, False),  # both <5, totaal 6: each 2..4
        ("HAVO - N&T", 1, 2, False),  # totaal <5 too: man + vrouw in 2..4
        ("HAVO - N&G", 30, 40, False),
        ("HAVO - N&G", 3, 9, False),
    ]
    store, truth = store_of(rows)
    expected = brute_force(truth)
    got = engine_bounds(store)
    for view in ("totaal", "man", "vrouw", "aandeel"):
        assert got[view][0] == pytest.approx(expected[view][0]), view
        assert got[view][1] == pytest.approx(expected[view][1]), view


def test_aandeel_by_hand() -> None:
    """Women among N&T rows: vrouw = 3 exactly (23 - 20); 2 + 4 -> vrouw 2..4 of 6;
    1 + 2 -> vrouw 1..3 of 2..4 (total < 5). Low: (3+2+1)/(23+6+4) = 6/33, high:
    (3+4+3)/(23+6+4) = 10/33; the cell-by-cell bounds would be 6/38 and 12/33... wider."""
    rows = [
        ("HAVO - N&T", 20, 3, False),
        ("HAVO - N&T", 2, 4, False),
        ("HAVO - N&T", 1, 2, False),
        ("HAVO - N&G", 30, 40, False),
    ]
    low, high, _ = engine_bounds(store_of(rows)[0])["aandeel"]
    assert low == pytest.approx(6 / 33)
    assert high == pytest.approx(10 / 33)


def test_revealed_small_count_is_not_printed() -> None:
    """A region whose only women are one '<5' cell pinned by its TOTAAL (13 - 10 = 3):
    the count stays unprinted and the share keeps the cell-by-cell margin (no exact 3)."""
    store, _ = store_of([("HAVO - N&T", 10, 3, False), ("HAVO - N&G", 30, 0, False)])
    membership = pd.DataFrame(
        {"row": range(len(store)), "region_level": "nederland", "region_code": "NL"}
    )
    table = compute_indicators(store, REGIONS, CONFIG, membership=membership)
    women = table[(table["indicator"] == "nt") & (table["gender"] == "vrouw")].iloc[0]
    assert pd.isna(women["numerator"]) and pd.isna(women["denominator"])
    assert women["share_low"] == women["share_high"] == 1.0  # all women are in N&T
    share = table[table["indicator"] == "nt__aandeel_vrouwen"].iloc[0]
    assert pd.isna(share["numerator"])
    assert share["share_low"] == pytest.approx(1 / 11)  # cell by cell: vrouw 1..4
    assert share["share_high"] == pytest.approx(4 / 14)


def test_cell_intervals_by_hand() -> None:
    """Row 0: man 20, vrouw <5, totaal 23 -> vrouw 3. Row 1: both <5, totaal 7 -> 3..4.
    Row 2: both <5, totaal <5 -> 1..3 each, the total 2..4. Row 3: totaal 30 published, one
    '<5' part and nothing else -> does not fit: 1..4 kept. Cell 11 belongs to no row (-1)."""
    group = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, -1]
    is_total = [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0]
    count = [20, 0, 23, 0, 0, 7, 0, 0, 0, 0, 30, 0]
    suppressed = [0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1]
    point, low, high, constrained = suppression.cell_intervals(
        group, np.array(is_total, bool), count, np.array(suppressed, bool)
    )
    assert list(low[[1, 3, 4, 6, 7, 9, 11]]) == [3, 3, 3, 1, 1, 1, 1]
    assert list(high[[1, 3, 4, 6, 7, 9, 11]]) == [3, 4, 4, 3, 3, 4, 4]
    assert point[1] == 3 and point[3] == 3.5 and point[6] == 2.5 and point[11] == 2.5
    assert list(constrained[[1, 3, 6, 8, 9, 11]]) == [True, True, True, True, False, False]
    assert (low[8], high[8]) == (2, 4)
    assert list(low[[0, 2, 5]]) == [20, 23, 7]


def test_real_national_bounds_are_the_tightest_the_published_totals_allow(
    real_processed: Path, shared_data: Path
) -> None:
    """Women among havo N&T candidates, Nederland 2023/24: the engine's bounds equal the
    minimum and maximum over every assignment the raw rows allow (men + women = TOTAAL, '<5'
    = 1..4), found with the csv module and Dinkelbach's method by scripts/havo_nt_band.py."""
    import csv
    import importlib.util

    script = Path(__file__).resolve().parents[2] / "scripts" / "havo_nt_band.py"
    spec = importlib.util.spec_from_file_location("havo_nt_band", script)
    assert spec is not None and spec.loader is not None
    band = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(band)
    exam = shared_data / "duo" / "vo" / "examenkandidaten_geslaagden_2019-2024.csv"
    with exam.open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            r
            for r in csv.DictReader(handle, delimiter=";")
            if r["ONDERWIJSTYPE VO"].startswith("HAVO") and "N&T" in r["OPLEIDINGSNAAM"]
        ]
    total = "EXAMENKANDIDATEN SCHOOLJAAR 2023-2024 - TOTAAL"
    options = [band.feasible(r, "2023-2024", False) for r in rows if r[total].strip()]
    low, high = band.extreme(options, -1), band.extreme(options, +1)
    table = pd.read_parquet(real_processed / "indicators.parquet")
    ours = table[
        (table["indicator"] == "vo_havo_nt__aandeel_vrouwen")
        & (table["region_level"] == "nederland")
        & (table["year"] == 2023)
    ].iloc[0]
    assert 0.30 < low < high < 0.45
    assert ours["share_low"] == pytest.approx(low, abs=1e-9)
    assert ours["share_high"] == pytest.approx(high, abs=1e-9)
