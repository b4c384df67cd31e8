"""Tables for an analyst's own work: one indicator as a tidy long table, and the values of a
store column.

``long_table`` is what an own chart or an export needs (one row per region and year, with
bounds and denominators); ``values`` answers "what is this column called in the data?"
before a rule is written (a rule value that matches nothing stops ``process``).
"""

from __future__ import annotations

import pandas as pd

from analysis.data import ProcessedData, ReportParameterError, match_level
from analysis.explore.overview import read_store
from analysis.indicators.engine import indicator_meta, load_indicator_config
from analysis.indicators.rules import IndicatorConfig
from analysis.store import schema
from analysis.suggest import did_you_mean, match

LONG_COLUMNS = [
    "indicator",
    "naam",
    "region_level",
    "region",
    "region_code",
    "year",
    "schooljaar",
    "gender",
    "share",
    "share_low",
    "share_high",
    "numerator",
    "denominator",
    "suppressed_cells",
    "target",
]


def long_table(
    data: ProcessedData,
    indicator: str,
    region_level: str | None = None,
    *,
    gender: str = "totaal",
    config: IndicatorConfig | None = None,
) -> pd.DataFrame:
    """One indicator over regions and years: one row per region, year (and gender).

    ``region_level=None`` gives every level (Nederland included); ``gender='all'`` every
    gender view. ``share_low``/``share_high`` are the bounds where suppressed cells count;
    ``target`` is the region's target share (or <NA>). Sorted by level, region, year.
    """
    config = config or load_indicator_config()
    table = data.indicators
    known = table["indicator"].unique().tolist()
    chosen = match(indicator, known)
    if chosen is None:
        raise ReportParameterError(
            f"indicator {indicator!r} is not in the processed data{did_you_mean(indicator, known)}"
        )
    rows = table[table["indicator"] == chosen]
    if region_level is not None:
        rows = rows[rows["region_level"] == match_level(data.regions, region_level)]
    if gender != "all":
        if gender not in schema.GENDERS:
            raise ReportParameterError(
                f"gender {gender!r}: one of {', '.join(schema.GENDERS)} or 'all'"
            )
        rows = rows[rows["gender"] == gender]
    out = rows.assign(naam=indicator_meta(chosen, config)["naam"])
    targets = {}
    for code, name in out[["region_code", "region"]].drop_duplicates().itertuples(index=False):
        target = config.target(chosen, str(code), str(name))
        targets[code] = target.value if target else pd.NA
    out["target"] = out["region_code"].map(targets).astype("Float64")
    out["schooljaar"] = schema.schooljaar_column(out["year"])
    out = out.sort_values(["region_level", "region", "year", "gender"], kind="stable")
    return out[LONG_COLUMNS].reset_index(drop=True)


def values(data: ProcessedData, dataset: str, column: str) -> pd.DataFrame:
    """The values of one store column in one dataset, most counted first.

    Per value: ``cells`` (store rows), ``count`` (the sum of known counts) and
    ``suppressed_cells``; empty cells show as <NA>. ``column`` is the store's name (the
    guide maps raw columns to it: DOMEIN is ``subfield``).
    """
    if column not in schema.STORE_COLUMNS:
        raise ReportParameterError(
            f"column {column!r} is not a store column{did_you_mean(column, schema.STORE_COLUMNS)}"
        )
    store = read_store(data, ["dataset", column, "count", "suppressed"])
    datasets = store["dataset"].dropna().unique().tolist()
    if dataset not in datasets:
        raise ReportParameterError(
            f"dataset {dataset!r} is not in the store (there: {', '.join(sorted(datasets))})"
            f"{did_you_mean(dataset, datasets)}"
        )
    rows = store[store["dataset"] == dataset]
    grouped = rows.groupby(column, dropna=False, sort=False).agg(
        cells=("count", "size"), count=("count", "sum"), suppressed_cells=("suppressed", "sum")
    )
    grouped = grouped.astype({"cells": "Int64", "count": "Int64", "suppressed_cells": "Int64"})
    return grouped.sort_values("count", ascending=False).reset_index()
