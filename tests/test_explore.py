"""analysis.explore (overview, compare) on tiny hand-made tables (expected values by hand)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.data import ProcessedData, ReportParameterError
from analysis.explore import compare, overview
from analysis.store import schema

IND = "hbo_techniek_instroom"


def _store(rows: list[dict]) -> pd.DataFrame:
    base = {"dataset": "d", "release": "r", "measure": "first_years", "gender": "man"}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["schooljaar"] = [f"{y}/{(y + 1) % 100:02d}" for y in frame["year"]]
    frame["attribution"] = frame.get("attribution", "municipality_code")
    return schema.conform(frame, schema.STORE_COLUMNS)


STORE = _store(
    [
        # hbo: 3 cells in Utrecht (one suppressed), 1 in Zeeland; wo: 1 in Utrecht, 1 unplaced
        dict(level="hbo", year=2018, count=10, suppressed=False, province="Utrecht"),
        dict(level="hbo", year=2019, count=None, suppressed=True, province="Utrecht"),
        dict(level="hbo", year=2019, count=7, suppressed=False, province="Utrecht"),
        dict(level="hbo", year=2019, count=None, suppressed=True, province="Zeeland"),
        dict(level="wo", year=2019, count=20, suppressed=False, province="Utrecht", corop="U"),
        dict(
            level="wo",
            year=2019,
            count=3,
            suppressed=False,
            province=None,
            attribution="unplaced",
            unplaced_reason="unknown place",
            source_file="f.csv",
        ),
    ]
)


def test_coverage_counts_cells_suppressed_cells_and_known_counts() -> None:
    out = overview.coverage_table(STORE).set_index("level")
    assert out.loc["hbo", ["eerste_jaar", "laatste_jaar", "jaren"]].tolist() == [
        "2018/19",
        "2019/20",
        2,
    ]
    assert out.loc["hbo", ["cellen", "afgeschermd", "som_bekende_aantallen"]].tolist() == [
        4,
        2,
        10 + 7,
    ]
    assert out.loc["wo", ["cellen", "afgeschermd", "som_bekende_aantallen"]].tolist() == [2, 0, 23]
    assert out.loc["hbo", "provincies"] == 2
    assert out.loc["wo", "provincies"] == 1  # the unplaced row has no province


def test_suppression_per_region_and_level_loses_no_cell() -> None:
    out = overview.suppression_table(STORE, "provincie").set_index("regio")
    assert list(out.index) == ["Utrecht", "Zeeland", overview.UNPLACED]
    assert out.loc["Utrecht", "hbo"] == 1 and out.loc["Utrecht", "hbo %"] == pytest.approx(1 / 3)
    assert out.loc["Zeeland", "hbo"] == 1 and out.loc["Zeeland", "hbo %"] == 1.0
    assert out.loc[overview.UNPLACED, "wo"] == 0
    assert pd.isna(out.loc[overview.UNPLACED, "hbo %"])  # no hbo cells there: unknown, not 0 %
    assert int(out[["hbo", "wo"]].to_numpy().sum()) == int(STORE["suppressed"].sum())


def test_suppression_table_rejects_a_level_without_a_store_column() -> None:
    with pytest.raises(ReportParameterError, match="regiopact"):
        overview.suppression_table(STORE, "regiopact")


def test_unplaced_rows_are_listed_with_file_reason_and_count() -> None:
    out = overview.unplaced_table(STORE)
    assert out.to_dict("records") == [
        {
            "source_file": "f.csv",
            "unplaced_reason": "unknown place",
            "cellen": 1,
            "afgeschermd": 0,
            "aantal": 3,
        }
    ]
    assert "Alle tellingen" in overview.unplaced_block(STORE[STORE["province"].notna()]).markdown


def test_sources_table_reads_the_manifest_entries() -> None:
    manifest = {
        "inputs": [
            {"path": "a.csv", "role": "counts", "dataset": "x", "cells": 9, "suppressed_cells": 2,
             "counts_total": 50, "share_attributed_province": 0.5},
            {"path": "b.csv", "role": "reference", "dataset": "y"},
        ]
    }  # fmt: skip
    out = overview.sources_table(manifest)
    assert out["bestand"].tolist() == ["a.csv", "b.csv"]
    assert out.loc[0, "afgeschermd"] == 2 and out.loc[0, "aandeel_provincie"] == 0.5
    assert pd.isna(out.loc[1, "aandeel_provincie"])


def test_frame_html_writes_dutch_numbers_percentages_and_missing() -> None:
    frame = pd.DataFrame(
        {"naam": ["a", None], "n": pd.array([12345, None], "Int64"), "aandeel": [0.372, None]}
    )
    html = overview.frame_html(frame, "t").html
    assert ">12.345<" in html and ">37,2%<" in html
    assert html.count(">n.b.<") == 3  # the missing name, count and share


# --- compare -----------------------------------------------------------------------------------


def _indicator_rows() -> pd.DataFrame:
    """Nederland and three provinces; 2018 and 2019; women's share view in 2019 only."""
    rows = []
    shares = {
        "NL": {2018: 0.20, 2019: 0.22},
        "PV26": {2018: 0.30, 2019: 0.31},
        "PV29": {2018: 0.10, 2019: 0.12},
        "PV20": {2018: 0.25, 2019: None},
    }
    names = {"NL": "Nederland", "PV26": "Utrecht", "PV29": "Zeeland", "PV20": "Groningen"}
    for code, by_year in shares.items():
        level = "nederland" if code == "NL" else "provincie"
        for year, share in by_year.items():
            for gender in ("totaal", "vrouw", "man"):
                rows.append((IND, level, names[code], code, year, gender, share))
        rows.append((IND + "__aandeel_vrouwen", level, names[code], code, 2019, "totaal", 0.15))
    frame = pd.DataFrame(
        rows,
        columns=["indicator", "region_level", "region", "region_code", "year", "gender", "share"],
    )
    frame["share_low"] = frame["share"]
    frame["share_high"] = frame["share"]
    frame["denominator"] = 100.0
    frame["suppressed_cells"] = 0
    frame["schooljaar"] = ""
    return schema.conform(frame, schema.INDICATOR_COLUMNS)


@pytest.fixture
def data() -> ProcessedData:
    indicators = _indicator_rows()
    regions = indicators[["region_level", "region", "region_code"]].drop_duplicates()
    return ProcessedData(Path("."), indicators, pd.DataFrame(), regions.reset_index(drop=True), {})


def test_select_defaults_to_latest_year_and_highest_and_lowest_region(data: ProcessedData) -> None:
    sel = compare.select(data, IND, "provincie")
    assert sel.year == 2019
    assert sel.regions == (
        ("PV26", "Utrecht"),
        ("PV29", "Zeeland"),
    )  # 31 % and 12 %; Groningen n.b.


def test_select_keeps_named_regions_and_year(data: ProcessedData) -> None:
    sel = compare.select(data, IND, "provincie", 2018, ["Groningen"])
    assert (sel.year, sel.regions) == (2018, (("PV20", "Groningen"),))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"indicator": "hbo_techniek_instrom"}, "did you mean: hbo_techniek_instroom"),
        ({"region_level": "provinsie"}, "did you mean: provincie"),
        ({"region_level": "nederland"}, "not a level to compare"),
        ({"year": 2015}, "years: 2018-2019"),
        ({"regions": ["Utrech"]}, "did you mean: Utrecht"),
    ],
)
def test_select_names_the_wrong_parameter(data: ProcessedData, kwargs: dict, message: str) -> None:
    args = {"indicator": IND, "region_level": "provincie", "year": None, "regions": ()} | kwargs
    with pytest.raises(ReportParameterError, match=message):
        compare.select(data, **args)


def test_ranked_chart_ranks_the_regions_with_a_value(data: ProcessedData) -> None:
    chart = compare.ranked_chart(data, compare.select(data, IND, "provincie"))
    assert "2 regio's van hoog naar laag" in chart.alt
    assert "hoogste Utrecht (31,0%)" in chart.alt and "Nederland 22,0%" in chart.alt


def test_women_share_table_takes_each_indicator_in_its_latest_year(data: ProcessedData) -> None:
    out = compare.women_share_table(data, "provincie", [IND])
    assert list(out.columns) == ["region_code", "region", f"{IND} 2019/20"]
    assert out["region"].tolist()[0] == "Nederland"
    assert out[f"{IND} 2019/20"].tolist() == [0.15] * 4


def test_gender_views_reject_a_region_of_another_level(data: ProcessedData) -> None:
    with pytest.raises(ReportParameterError, match="Nederland"):
        compare.gender_table(data, "provincie", "Nederland", [IND])
