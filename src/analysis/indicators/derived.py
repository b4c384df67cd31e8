"""Derived measures: change, national comparison, ranks, gap to target, projected year.

One row per row of the indicator table. Changes and gaps are in percentage points. The
trend for the projection is an ordinary least-squares line through the shares of the
years up to and including the row's year, so the projection in a past year is what was
known then. Targets apply to gender ``totaal`` only (a target is about all young people).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis import municipal
from analysis.indicators.engine import load_indicator_config
from analysis.indicators.rules import IndicatorConfig, Settings

DERIVED_COLUMNS: dict[str, str] = {
    "indicator": "string",
    "region_level": "string",
    "region": "string",
    "region_code": "string",
    "year": "Int64",
    "schooljaar": "string",
    "gender": "string",
    "share": "Float64",
    "change_1y_pp": "Float64",  # share(year) - share(year - 1), percentage points
    "change_5y_pp": "Float64",  # share(year) - share(year - 5)
    "national_share": "Float64",
    "diff_national_pp": "Float64",  # share - national share
    "rank_level": "Int64",  # 1 = highest share among regions of the same level
    "regions_in_level": "Int64",  # regions of that level with a share
    "landsdeel": "string",  # the region's landsdeel (region table)
    "rank_landsdeel": "Int64",  # rank among regions of the same level in that landsdeel
    "regions_in_landsdeel": "Int64",
    "target": "Float64",
    "target_year": "Int64",
    "gap_pp": "Float64",  # target - share; > 0 means still to go
    "trend_pp_per_year": "Float64",  # least-squares slope over the years up to this one
    "trend_points": "Int64",  # how many years that slope rests on
    "projected_year": "Int64",  # first year the trend line reaches the target
    "status": "string",  # one of STATUSES
    # gemeente level only: rank among the municipalities with a share in its province / COROP
    "rank_province": "Int64",
    "regions_in_province": "Int64",
    "rank_corop": "Int64",
    "regions_in_corop": "Int64",
}
# Dutch status texts, printed in reports as they are.
NO_TARGET = "geen doel"
NO_DATA = "geen gegevens"
REACHED = "doel bereikt"
TOO_FEW_YEARS = "te weinig jaren voor een trend"
NOT_ON_TREND = "niet bij huidige trend"
ON_TREND = "bereikt bij huidige trend"
STATUSES = (NO_TARGET, NO_DATA, REACHED, TOO_FEW_YEARS, NOT_ON_TREND, ON_TREND)
_SERIES = ["indicator", "region_level", "region_code", "gender"]


def derive(
    indicators: pd.DataFrame,
    region_table: pd.DataFrame,
    config: IndicatorConfig | None = None,
) -> pd.DataFrame:
    """The derived measures for every row of ``indicators`` (``DERIVED_COLUMNS``)."""
    config = config or load_indicator_config()
    config.check_target_regions(region_table)
    out = indicators[
        ["indicator", "region_level", "region", "region_code", "year", "schooljaar", "gender"]
    ].copy()
    out["share"] = indicators["share"].astype("Float64")
    out = _changes(out)
    out = _national(out)
    out = _ranks(out, region_table)
    out = _gemeente_ranks(out, region_table)
    out = _targets(out, config)
    out = _trend(out, config.settings)
    out = out.sort_values(["indicator", "region_level", "region_code", "year", "gender"])
    return pd.DataFrame({c: out[c].astype(t) for c, t in DERIVED_COLUMNS.items()}).reset_index(
        drop=True
    )


def _changes(out: pd.DataFrame) -> pd.DataFrame:
    for years in (1, 5):
        earlier = out[[*_SERIES, "year", "share"]].assign(year=out["year"] + years)
        earlier = earlier.rename(columns={"share": "earlier"})
        out = out.merge(earlier, on=[*_SERIES, "year"], how="left")
        out[f"change_{years}y_pp"] = (out["share"] - out.pop("earlier")) * 100
    return out


def _national(out: pd.DataFrame) -> pd.DataFrame:
    national = out.loc[
        out["region_level"] == "nederland", ["indicator", "year", "gender", "share"]
    ].rename(columns={"share": "national_share"})
    out = out.merge(national, on=["indicator", "year", "gender"], how="left")
    out["diff_national_pp"] = (out["share"] - out["national_share"]) * 100
    return out


def _rank(out: pd.DataFrame, keys: list[str]) -> tuple[pd.Series, pd.Series]:
    groups = out.groupby(keys, dropna=False)["share"]
    return groups.rank(ascending=False, method="min"), groups.transform("count")


def _ranks(out: pd.DataFrame, region_table: pd.DataFrame) -> pd.DataFrame:
    """Ranks within the level and within the landsdeel; not for Nederland itself."""
    landsdeel = region_table[["region_level", "region_code", "landsdeel"]].drop_duplicates(
        ["region_level", "region_code"]
    )
    out = out.merge(landsdeel, on=["region_level", "region_code"], how="left")
    keys = ["indicator", "year", "gender", "region_level"]
    out["rank_level"], out["regions_in_level"] = _rank(out, keys)
    out["rank_landsdeel"], out["regions_in_landsdeel"] = _rank(out, [*keys, "landsdeel"])
    national = out["region_level"] == "nederland"
    out.loc[national, ["rank_level", "regions_in_level"]] = np.nan
    no_landsdeel = national | (out["region_level"] == "landsdeel") | out["landsdeel"].isna()
    out.loc[no_landsdeel, ["rank_landsdeel", "regions_in_landsdeel"]] = np.nan
    for column in ("rank_level", "rank_landsdeel"):
        out.loc[out["share"].isna(), column] = np.nan
    return out


def _gemeente_ranks(out: pd.DataFrame, region_table: pd.DataFrame) -> pd.DataFrame:
    """Ranks of a municipality within its province and its COROP region (others: <NA>)."""
    for column in ("rank_province", "regions_in_province", "rank_corop", "regions_in_corop"):
        out[column] = np.nan
    is_gm = (out["region_level"] == municipal.LEVEL).to_numpy()
    if not is_gm.any():
        return out
    within = region_table.loc[
        region_table["region_level"] == municipal.LEVEL,
        ["region_code", "province_code", "corop_code"],
    ].rename(columns={"region_code": "_code", "province_code": "_pv", "corop_code": "_cr"})
    gm = out[is_gm].merge(within, left_on="region_code", right_on="_code", how="left")
    keys = ["indicator", "year", "gender"]
    for scope, column in (("province", "_pv"), ("corop", "_cr")):
        rank, count = _rank(gm, [*keys, column])
        out.loc[is_gm, f"rank_{scope}"] = rank.to_numpy()
        out.loc[is_gm, f"regions_in_{scope}"] = count.to_numpy()
    return out


def _targets(out: pd.DataFrame, config: IndicatorConfig) -> pd.DataFrame:
    keys = out[["indicator", "region_code", "region"]].drop_duplicates()
    found = []
    for ind, code, name in keys.itertuples(index=False):
        target = config.target(ind, code, name)
        if target is not None:
            found.append((ind, code, target.value, target.year))
    targets = pd.DataFrame(found, columns=["indicator", "region_code", "target", "target_year"])
    out = out.merge(targets, on=["indicator", "region_code"], how="left")
    out.loc[out["gender"] != "totaal", ["target", "target_year"]] = np.nan
    out["gap_pp"] = (out["target"] - out["share"]) * 100
    return out


def _trend(out: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Cumulative least squares per series: slope over the years up to each row's year."""
    out = out.sort_values([*_SERIES, "year"]).reset_index(drop=True)
    has = out["share"].notna().to_numpy()
    x = np.where(has, out["year"].to_numpy(dtype="float64") - 2000.0, 0.0)
    y = np.where(has, out["share"].to_numpy(dtype="float64", na_value=0.0), 0.0)
    series = out.groupby(_SERIES, sort=False).ngroup()
    sums = pd.DataFrame({"n": has.astype(float), "x": x, "y": y, "xy": x * y, "xx": x * x})
    cum = sums.groupby(series.to_numpy()).cumsum()
    n, sx, sy, sxy, sxx = (cum[c].to_numpy() for c in ("n", "x", "y", "xy", "xx"))
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)
        intercept = (sy - slope * sx) / n
    # No trend without enough years, nor for a year without a share of its own.
    slope = np.where((n >= settings.trend_min_points) & has, slope, np.nan)
    out["trend_pp_per_year"] = slope * 100
    out["trend_points"] = np.where(has, n, np.nan)
    target = out["target"].to_numpy(dtype="float64", na_value=np.nan)
    share = out["share"].to_numpy(dtype="float64", na_value=np.nan)
    year = out["year"].to_numpy(dtype="int64")
    status, projected = [], []
    for i in range(len(out)):
        s, p = _status(share[i], target[i], slope[i], intercept[i], year[i], settings)
        status.append(s)
        projected.append(p)
    out["status"] = status
    out["projected_year"] = pd.array(projected, dtype="Int64")
    return out


def _status(
    share: float, target: float, slope: float, intercept: float, year: int, settings: Settings
) -> tuple[str, int | None]:
    """(status, projected year) of one row."""
    if math.isnan(target):
        return NO_TARGET, None
    if math.isnan(share):
        return NO_DATA, None
    if share >= target:
        return REACHED, None
    if math.isnan(slope):
        return TOO_FEW_YEARS, None
    if slope <= 0:
        return NOT_ON_TREND, None
    # The tolerance keeps a line that hits the target exactly in a year from rounding up.
    reached = max(math.ceil((target - intercept) / slope + 2000.0 - 1e-9), int(year) + 1)
    if reached > settings.projection_horizon:
        return NOT_ON_TREND, None
    return ON_TREND, reached
