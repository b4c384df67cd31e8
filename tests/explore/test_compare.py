"""analysis.explore.compare on tiny hand-made tables (expected values by hand)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.data import ProcessedData, ReportParameterError
from analysis.explore import compare
from analysis.store import schema

IND = "hbo_techniek_instroom"


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
