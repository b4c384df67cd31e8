"""analysis.explore.overview on tiny hand-made tables (expected values by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data import ReportParameterError
from analysis.explore import overview
from analysis.store import schema


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
