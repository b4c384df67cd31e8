"""Derived measures: change, national comparison, ranks, gap to target, trend and outlook.

One row per row of the indicator table. Changes and gaps are in percentage points. Rules
(see docs/methodology.md, "Doelen, trends en plaatsen"):

- A share on fewer than ``settings.min_denominator`` pupils/students is *too small*: it
  keeps its value here but is never ranked; reports print "te klein".
- An hbo/wo share that is exactly 0 with no suppressed cell in its numerator means the
  region has no programme of that kind with students (HO is counted where the programme
  is given): *no programme*, not ranked.
- Ranks take the suppression margins into account: ``rank_*`` is the best place the
  region can have (1 + regions certainly higher), ``rank_*_worst`` the worst (regions
  possibly at least as high); equal when the margins do not overlap.
- The trend is the least-squares slope over the last ``settings.trend_years`` school
  years up to the row's year, with its standard error. It is *clear* when it rests on at
  least ``trend_min_points`` years and its 95% confidence interval (Student t) excludes 0.
- Targets apply to gender ``totaal`` only, and are *judged* only at the region levels the
  config names. A target whose year has passed (the school year that starts in the target
  year is in the data, or the calendar year ``as_of`` is later) is judged on the share in
  the target year, or, when the data stop before it, on the last school year before it
  (``judged_year``), at most ``settings.judged_within_years`` earlier: a verdict on older
  data would not hold up, so the status is then *no data*. A target still ahead is
  projected only on a clear rising trend.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analysis import municipal
from analysis.frames import row_groups
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
    "denominator": "Float64",
    "too_small": "boolean",  # denominator below settings.min_denominator (or unknown, < 5)
    "no_programme": "boolean",  # hbo/wo share 0 without suppressed cells: nothing offered
    "change_1y_pp": "Float64",  # share(year) - share(year - 1), percentage points
    "change_5y_pp": "Float64",  # share(year) - share(year - 5)
    "national_share": "Float64",
    "diff_national_pp": "Float64",  # share - national share
    "rank_level": "Int64",  # best place among regions of the same level (1 = highest)
    "rank_level_worst": "Int64",  # worst place the margins allow (= rank_level if none)
    "regions_in_level": "Int64",  # ranked regions of that level
    "landsdeel": "string",  # the region's landsdeel (region table)
    "rank_landsdeel": "Int64",  # the same within the landsdeel
    "rank_landsdeel_worst": "Int64",
    "regions_in_landsdeel": "Int64",
    "target": "Float64",
    "target_year": "Int64",
    "judged": "boolean",  # the target is judged at this region level
    "judged_year": "Int64",  # the year whose share the verdict on a passed target uses
    "judged_share": "Float64",
    "gap_pp": "Float64",  # target - share (passed target: - judged_share); > 0: still to go
    "trend_pp_per_year": "Float64",  # least-squares slope over the last trend_years years
    "trend_se_pp": "Float64",  # its standard error
    "trend_points": "Int64",  # how many years that slope rests on
    "trend_clear": "boolean",  # 95% interval of the slope excludes 0
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
NOT_JUDGED = "geen oordeel"
TOO_SMALL = "te klein"
NO_PROGRAMME = "geen opleiding"
REACHED = "doel bereikt"
MISSED = "doel niet gehaald"
TOO_FEW_YEARS = "te weinig jaren voor een trend"
NO_CLEAR_TREND = "geen duidelijke trend"
FALLING = "dalende trend"
NOT_ON_TREND = "niet bij huidige trend"
ON_TREND = "bereikt bij huidige trend"
STATUSES = (
    NO_TARGET,
    NO_DATA,
    NOT_JUDGED,
    TOO_SMALL,
    NO_PROGRAMME,
    REACHED,
    MISSED,
    TOO_FEW_YEARS,
    NO_CLEAR_TREND,
    FALLING,
    NOT_ON_TREND,
    ON_TREND,
)
# Levels counted where the programme is given: a zero share means nothing is offered.
PROGRAMME_LEVELS = ("hbo", "wo")
_SERIES = ["indicator", "region_level", "region_code", "gender"]
_SERIES_KEY = "_series"
# Two-sided 95% quantiles of Student's t by degrees of freedom (n - 2); 1.96 beyond.
_T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306}


def derive(
    indicators: pd.DataFrame,
    region_table: pd.DataFrame,
    config: IndicatorConfig | None = None,
    *,
    as_of: int | None = None,
) -> pd.DataFrame:
    """The derived measures for every row of ``indicators`` (``DERIVED_COLUMNS``).

    ``as_of``: the calendar year the verdicts are written in (default: this year); a target
    year before it has passed even when the data stop earlier.
    """
    config = config or load_indicator_config()
    config.check_target_regions(region_table)
    as_of = date.today().year if as_of is None else as_of
    out = indicators[
        ["indicator", "region_level", "region", "region_code", "year", "schooljaar", "gender"]
    ].copy()
    for column in ("share", "share_low", "share_high", "denominator", "numerator"):
        out[column] = indicators[column].astype("Float64")
    # One integer per series, carried through the merges (they keep the left order).
    out[_SERIES_KEY] = row_groups(out[_SERIES])
    out = _small(out, config)
    out = _changes(out)
    out = _national(out)
    out = _ranks(out, region_table)
    out = _gemeente_ranks(out, region_table)
    out = _targets(out, config)
    out = _trend(out, config.settings)
    out = _verdicts(out, config.settings, as_of)
    out = out.sort_values(["indicator", "region_level", "region_code", "year", "gender"])
    return pd.DataFrame({c: out[c].astype(t) for c, t in DERIVED_COLUMNS.items()}).reset_index(
        drop=True
    )


def _base_level(config: IndicatorConfig, indicator: str) -> set[str]:
    ind = config.indicators.get(indicator.split("__")[0])
    level = ind.level if ind is not None else ()
    return set(level.split("+")) if isinstance(level, str) else set(level)  # 'hbo+wo'


def _small(out: pd.DataFrame, config: IndicatorConfig) -> pd.DataFrame:
    """Flags ``too_small`` (few pupils) and ``no_programme`` (HO share 0, nothing suppressed)."""
    has = out["share"].notna()
    den = out["denominator"]
    out["too_small"] = has & (den.isna() | (den < config.settings.min_denominator)).fillna(True)
    ho = {i for i in out["indicator"].unique() if _base_level(config, i) & set(PROGRAMME_LEVELS)}
    high = out["share_high"].fillna(out["share"])
    out["no_programme"] = (has & out["indicator"].isin(ho) & (high == 0)).fillna(False)
    return out


def _changes(out: pd.DataFrame) -> pd.DataFrame:
    lagged = _Lagged(out)
    share = out["share"].to_numpy("float64", na_value=np.nan)
    for years in (1, 5):
        out[f"change_{years}y_pp"] = pd.array((share - lagged(share, years)) * 100, "Float64")
    return out


class _Lagged:
    """Values of the same series (indicator, region, gender) some years earlier, by position.

    Looked up through one integer key per row instead of merging on the string keys: the
    gemeente level makes the table long.
    """

    def __init__(self, out: pd.DataFrame) -> None:
        self.key = out[_SERIES_KEY].to_numpy("int64") * 10_000 + out["year"].to_numpy("int64")
        self.index = pd.Index(self.key)
        if not self.index.is_unique:
            raise ValueError("indicator table: more than one row per series and year")

    def __call__(self, values: np.ndarray, years: int) -> np.ndarray:
        position = self.index.get_indexer(self.key - years)
        return np.where(position >= 0, values[position], np.nan)


def _national(out: pd.DataFrame) -> pd.DataFrame:
    national = out.loc[
        out["region_level"] == "nederland", ["indicator", "year", "gender", "share"]
    ].rename(columns={"share": "national_share"})
    out = out.merge(national, on=["indicator", "year", "gender"], how="left")
    out["diff_national_pp"] = (out["share"] - out["national_share"]) * 100
    return out


def _rank(out: pd.DataFrame, keys: list[str], eligible: pd.Series) -> tuple[pd.Series, ...]:
    """(best, worst, ranked regions) per row of ``out`` among the eligible rows of its group.

    Best = 1 + regions whose low bound is above this row's high bound; worst = regions whose
    high bound reaches this row's low bound (itself included). Rows not eligible get <NA>.
    Counted by sorting, not by pairing rows: the gemeente level has 342 regions per group.
    """
    best, worst, total = (np.full(len(out), np.nan) for _ in range(3))
    rows = np.flatnonzero(eligible.to_numpy(dtype=bool, na_value=False))
    if len(rows):
        pool = out.iloc[rows]
        low = pool["share_low"].fillna(pool["share"]).to_numpy("float64")
        high = pool["share_high"].fillna(pool["share"]).to_numpy("float64")
        group = pool.groupby(keys, dropna=False, sort=False).ngroup().to_numpy("float64")
        # Shares lie in [0, 1], so group * 2 + share orders by group, then by share.
        lows, highs = np.sort(group * 2 + low), np.sort(group * 2 + high)
        end_low = np.searchsorted(lows, group * 2 + 1.5)
        end_high = np.searchsorted(highs, group * 2 + 1.5)
        best[rows] = 1 + end_low - np.searchsorted(lows, group * 2 + high, side="right")
        worst[rows] = end_high - np.searchsorted(highs, group * 2 + low, side="left")
        total[rows] = np.bincount(group.astype("int64"))[group.astype("int64")]
    return tuple(pd.Series(values, index=out.index) for values in (best, worst, total))


def _ranks(out: pd.DataFrame, region_table: pd.DataFrame) -> pd.DataFrame:
    """Ranks within the level and within the landsdeel; not for Nederland itself, nor for
    shares that are too small, rest on no programme, or are missing."""
    landsdeel = region_table[["region_level", "region_code", "landsdeel"]].drop_duplicates(
        ["region_level", "region_code"]
    )
    out = out.merge(landsdeel, on=["region_level", "region_code"], how="left")
    keys = ["indicator", "year", "gender", "region_level"]
    national = out["region_level"] == "nederland"
    eligible = out["share"].notna() & ~out["too_small"] & ~out["no_programme"] & ~national
    out["rank_level"], out["rank_level_worst"], out["regions_in_level"] = _rank(out, keys, eligible)
    no_landsdeel = (out["region_level"] == "landsdeel") | out["landsdeel"].isna()
    out["rank_landsdeel"], out["rank_landsdeel_worst"], out["regions_in_landsdeel"] = _rank(
        out, [*keys, "landsdeel"], eligible & ~no_landsdeel
    )
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
    eligible = gm["share"].notna() & ~gm["too_small"] & ~gm["no_programme"]
    for scope, column in (("province", "_pv"), ("corop", "_cr")):
        rank, _, count = _rank(gm, [*keys, column], eligible)
        out.loc[is_gm, f"rank_{scope}"] = rank.to_numpy()
        out.loc[is_gm, f"regions_in_{scope}"] = count.to_numpy()
    return out


def _targets(out: pd.DataFrame, config: IndicatorConfig) -> pd.DataFrame:
    with_target = out["indicator"].isin(list(config.targets))
    keys = out.loc[with_target, ["indicator", "region_level", "region_code", "region"]]
    keys = keys.drop_duplicates()
    found = []
    for ind, level, code, name in keys.itertuples(index=False):
        target = config.target(ind, code, name)
        if target is not None:
            judged = config.judged(ind, level, code, name)
            found.append((ind, level, code, target.value, target.year, judged))
    targets = pd.DataFrame(
        found,
        columns=["indicator", "region_level", "region_code", "target", "target_year", "judged"],
    )
    out = out.merge(targets, on=["indicator", "region_level", "region_code"], how="left")
    out["judged"] = out["judged"].astype("boolean")
    others = out["gender"] != "totaal"
    out.loc[others, ["target", "target_year"]] = np.nan
    out.loc[others, "judged"] = pd.NA
    return out


def _window_sums(out: pd.DataFrame, years: int) -> pd.DataFrame:
    """Per row: n, sums of x, y, xy, xx, yy over the shares of the last ``years`` years."""
    lagged = _Lagged(out)
    share = out["share"].to_numpy("float64", na_value=np.nan)
    year = out["year"].to_numpy("float64")
    sums = pd.DataFrame(0.0, index=out.index, columns=["n", "x", "y", "xy", "xx", "yy"])
    for lag in range(years):
        v = lagged(share, lag)
        ok = ~np.isnan(v)
        v, x = np.where(ok, v, 0.0), np.where(ok, year - lag - 2000, 0.0)
        sums["n"] += ok
        sums["x"] += x
        sums["y"] += v
        sums["xy"] += x * v
        sums["xx"] += x * x
        sums["yy"] += v * v
    return sums


def _trend(out: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Least squares per row over the last ``trend_years`` years up to its year."""
    out = out.reset_index(drop=True)
    s = _window_sums(out, settings.trend_years)
    n = s["n"].to_numpy()
    has = out["share"].notna().to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        sxx = s["xx"] - s["x"] ** 2 / n
        sxy = s["xy"] - s["x"] * s["y"] / n
        syy = s["yy"] - s["y"] ** 2 / n
        slope = (sxy / sxx).to_numpy()
        intercept = ((s["y"] - slope * s["x"]) / n).to_numpy()
        residual = np.maximum((syy - slope * sxy).to_numpy(), 0.0)
        se = np.sqrt(residual / (n - 2) / sxx.to_numpy())
    enough = (n >= max(settings.trend_min_points, 3)) & has
    slope = np.where(enough, slope, np.nan)
    se = np.where(enough, se, np.nan)
    t95_n = np.array([t95(int(k)) if k > 2 else np.nan for k in n])
    clear = enough & (np.abs(slope) > t95_n * se)
    out["trend_pp_per_year"] = slope * 100
    out["trend_se_pp"] = se * 100
    out["trend_points"] = np.where(has, n, np.nan)
    out["trend_clear"] = pd.array(np.where(enough, clear, pd.NA), dtype="boolean")
    out["trend_intercept"] = intercept
    return out


def t95(points: int) -> float:
    """The two-sided 95% Student t quantile for a slope fitted on ``points`` years."""
    return _T95.get(points - 2, 1.96)


def _verdicts(out: pd.DataFrame, settings: Settings, as_of: int) -> pd.DataFrame:
    """Judged year and share of passed targets, the gap, the status and the projection.

    The rules apply in order, the first that holds decides (np.select); vectorised, as the
    gemeente level has well over 100,000 rows.
    """
    share = out["share"].to_numpy("float64", na_value=np.nan)
    target = out["target"].to_numpy("float64", na_value=np.nan)
    year = out["year"].to_numpy("float64")
    target_year = out["target_year"].to_numpy("float64", na_value=np.nan)
    clear = out["trend_clear"]
    slope = out["trend_pp_per_year"].to_numpy("float64", na_value=np.nan) / 100
    with np.errstate(divide="ignore", invalid="ignore"):
        # The tolerance keeps a line that hits the target exactly in a year from rounding up.
        reached = np.ceil((target - out["trend_intercept"]) / slope + 2000.0 - 1e-9)
    reached = np.maximum(reached, year + 1)
    passed = ~np.isnan(target_year) & ((year >= target_year) | (as_of > target_year))
    judged_year, judged_share = _judged_values(out, np.minimum(year, target_year), passed)
    # Measured from the target year (a row of an earlier year has an earlier cutoff).
    too_old = judged_year < target_year - settings.judged_within_years
    judged_year[too_old] = judged_share[too_old] = np.nan
    rules = [
        (np.isnan(target), NO_TARGET),
        (np.isnan(share), NO_DATA),
        (~out["judged"].fillna(False).to_numpy(bool), NOT_JUDGED),
        (out["no_programme"].to_numpy(bool), NO_PROGRAMME),
        (out["too_small"].to_numpy(bool), TOO_SMALL),
        (passed & np.isnan(judged_share), NO_DATA),
        (passed & (judged_share >= target), REACHED),
        (passed, MISSED),
        (share >= target, REACHED),
        (clear.isna().to_numpy(), TOO_FEW_YEARS),
        (~clear.fillna(False).to_numpy(bool), NO_CLEAR_TREND),
        (slope <= 0, FALLING),
        (reached > settings.projection_horizon, NOT_ON_TREND),
    ]
    status = np.select([rule for rule, _ in rules], [name for _, name in rules], ON_TREND)
    is_judged = np.isin(status, [REACHED, MISSED]) & passed
    out["judged_year"] = pd.array(np.where(is_judged, judged_year, np.nan), dtype="Float64")
    out["judged_year"] = out["judged_year"].astype("Int64")
    out["judged_share"] = pd.array(np.where(is_judged, judged_share, np.nan), dtype="Float64")
    out["status"] = status
    projected = np.where(status == ON_TREND, reached, np.nan)
    out["projected_year"] = pd.array(projected, dtype="Float64").astype("Int64")
    verdict_share = out["judged_share"].fillna(out["share"])
    out["gap_pp"] = (out["target"] - verdict_share) * 100
    return out


def _judged_values(
    out: pd.DataFrame, cutoff: np.ndarray, passed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per row with a passed target: the last year up to ``cutoff`` with a share, and that share.

    The target year itself when it has data, else the latest earlier year; NaN without one.
    """
    judged_year = np.full(len(out), np.nan)
    judged_share = np.full(len(out), np.nan)
    rows = np.flatnonzero(passed)
    if len(rows) == 0:
        return judged_year, judged_share
    asked = out.loc[rows, [_SERIES_KEY]].assign(_row=rows, _cutoff=cutoff[rows])
    known = out.loc[out["share"].notna(), [_SERIES_KEY, "year", "share"]]
    known = known.assign(_cutoff=known["year"].astype("float64"))
    found = pd.merge_asof(
        asked.sort_values("_cutoff"),
        known.sort_values("_cutoff"),
        on="_cutoff",
        by=_SERIES_KEY,
        direction="backward",
    )
    judged_year[found["_row"].to_numpy()] = found["year"].to_numpy("float64", na_value=np.nan)
    judged_share[found["_row"].to_numpy()] = found["share"].to_numpy("float64", na_value=np.nan)
    return judged_year, judged_share
