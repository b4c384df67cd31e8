"""explore.long_table and explore.values on hand-made tables (expected values by hand)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import explore, paths
from analysis.data import ProcessedData, ReportParameterError
from analysis.indicators.rules import load_indicator_config
from analysis.store import schema

IND = "hbo_techniek_instroom"  # target 40% in config/indicators.yaml


def _data(folder: Path) -> ProcessedData:
    rows = [
        (IND, "nederland", "Nederland", "NL", 2019, "totaal", 0.20, 0.19, 0.21, 20.0, 100.0, 2),
        (IND, "provincie", "Zeeland", "PV29", 2019, "totaal", 0.10, 0.10, 0.10, 1.0, 10.0, 0),
        (IND, "provincie", "Zeeland", "PV29", 2018, "totaal", 0.30, 0.30, 0.30, 3.0, 10.0, 0),
        (IND, "provincie", "Zeeland", "PV29", 2019, "vrouw", 0.05, 0.05, 0.05, 0.5, 10.0, 0),
        ("other", "provincie", "Zeeland", "PV29", 2019, "totaal", 0.5, 0.5, 0.5, 5.0, 10.0, 0),
    ]
    columns = ["indicator", "region_level", "region", "region_code", "year", "gender", "share"]
    columns += ["share_low", "share_high", "numerator", "denominator", "suppressed_cells"]
    indicators = schema.conform(pd.DataFrame(rows, columns=columns), schema.INDICATOR_COLUMNS)
    regions = indicators[["region_level", "region", "region_code"]].drop_duplicates()
    store = schema.conform(
        pd.DataFrame(
            {
                "dataset": ["duo_mbo_students"] * 4 + ["duo_vo_exam"],
                "subfield": ["Bouw en infra", "Bouw en infra", "Zorg", None, "Bouw en infra"],
                "count": [10, None, 7, 3, 100],
                "suppressed": [False, True, False, False, False],
            }
        ),
        schema.STORE_COLUMNS,
    )
    store.to_parquet(folder / paths.STORE_FILE)
    return ProcessedData(folder, indicators, pd.DataFrame(), regions.reset_index(drop=True), {})


def test_long_table_one_level_sorted_with_target(tmp_path: Path) -> None:
    out = explore.long_table(_data(tmp_path), IND, "Provincie")
    assert list(out.columns) == explore.tables.LONG_COLUMNS
    assert out[["region", "year", "share"]].values.tolist() == [
        ["Zeeland", 2018, 0.30],
        ["Zeeland", 2019, 0.10],
    ]
    assert out["schooljaar"].tolist() == ["2018/19", "2019/20"]
    assert out["target"].tolist() == [0.40, 0.40]
    assert out["naam"].iloc[0] == load_indicator_config().indicators[IND].naam


def test_long_table_every_level_and_gender(tmp_path: Path) -> None:
    out = explore.long_table(_data(tmp_path), IND, gender="all")
    assert len(out) == 4  # the other indicator's row stays out
    national = out[out["region_code"] == "NL"].iloc[0]
    assert (national["share_low"], national["share_high"], national["denominator"]) == (
        0.19,
        0.21,
        100.0,
    )
    with pytest.raises(ReportParameterError, match="did you mean"):
        explore.long_table(_data(tmp_path), "hbo_techniek_instrom")


def test_values_counts_cells_known_counts_and_suppressed(tmp_path: Path) -> None:
    out = explore.values(_data(tmp_path), "duo_mbo_students", "subfield")
    by_value = {
        (None if pd.isna(r.subfield) else r.subfield): (r.cells, r.count, r.suppressed_cells)
        for r in out.itertuples()
    }
    # Bouw en infra: two cells, one suppressed (unknown, not zero: its count is not summed).
    assert by_value == {"Bouw en infra": (2, 10, 1), "Zorg": (1, 7, 0), None: (1, 3, 0)}
    assert out["subfield"].iloc[0] == "Bouw en infra"  # most counted first


def test_values_names_a_wrong_column_or_dataset(tmp_path: Path) -> None:
    data = _data(tmp_path)
    with pytest.raises(ReportParameterError, match="did you mean: subfield"):
        explore.values(data, "duo_mbo_students", "subfeld")
    with pytest.raises(ReportParameterError, match="did you mean: duo_mbo_students"):
        explore.values(data, "duo_mbo_student", "subfield")


def test_indicator_overview_names_the_parent_of_a_sub_indicator(tmp_path: Path) -> None:
    from analysis.explore import compare

    html = compare.indicator_overview(_data(tmp_path)).html
    assert '<th scope="col">Onderdeel van</th>' in html
    row = next(r for r in html.split("<tr>") if "<td>mbo_techniek_niveau2</td>" in r)
    assert row.endswith("<td>mbo_techniek</td></tr>")
