"""The rules behind every verdict a report prints: where a target is judged, passed target
years, the trend rule, the minimum denominator, 'no programme' and shared ranks.

Every expected value is worked out by hand in the comments.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import ConfigError
from analysis.indicators import derived as d
from analysis.indicators.rules import parse_indicator_config

REGIONS = pd.DataFrame(
    [
        ("nederland", "Nederland", "NL", None),
        ("landsdeel", "Oost", "Oost", None),
        ("corop", "Twente", "CR12", "Oost"),
        ("corop", "Achterhoek", "CR14", "Oost"),
        ("corop", "Veluwe", "CR13", "Oost"),
    ],
    columns=["region_level", "region", "region_code", "landsdeel"],
)


def config(targets: dict | None = None, settings: dict | None = None):
    ind = {
        "omschrijving": "test",
        "dataset": "duo_ho_first_years",
        "measure": "first_years",
        "numerator": {"column": "field", "in": ["techniek"]},
        "bron": "test",
    }
    raw = {
        "settings": settings or {},
        "indicators": {
            "ho": {**ind, "naam": "Instroom hbo", "level": "hbo"},
            "mbo": {
                **ind,
                "naam": "Mbo",
                "level": "mbo",
                "dataset": "duo_mbo_students",
                "measure": "students",
            },
        },
        "targets": targets
        if targets is not None
        else {"ho": {"value": 0.40, "year": 2020}, "mbo": {"value": 0.40, "year": 2020}},
    }
    return parse_indicator_config(raw, Path("test.yaml"))


def table(series: dict[tuple[str, str], dict[int, float | tuple]]) -> pd.DataFrame:
    """(indicator, region code) -> {year: share or (share, low, high, denominator)}."""
    names = REGIONS.set_index("region_code")
    rows = []
    for (indicator, code), years in series.items():
        for year, value in years.items():
            share, low, high, den = value if isinstance(value, tuple) else (value,) * 3 + (1000,)
            rows.append(
                {
                    "indicator": indicator,
                    "region_level": names.loc[code, "region_level"],
                    "region": names.loc[code, "region"],
                    "region_code": code,
                    "year": year,
                    "schooljaar": f"{year}/{(year + 1) % 100:02d}",
                    "gender": "totaal",
                    "share": share,
                    "share_low": low,
                    "share_high": high,
                    "numerator": share * den,
                    "denominator": den,
                }
            )
    frame = pd.DataFrame(rows)
    for column in ("share", "share_low", "share_high", "numerator", "denominator"):
        frame[column] = frame[column].astype("Float64")
    return frame.astype({"year": "Int64"})


def row(out: pd.DataFrame, indicator: str, code: str, year: int) -> pd.Series:
    hit = out[
        (out["indicator"] == indicator) & (out["region_code"] == code) & (out["year"] == year)
    ]
    assert len(hit) == 1
    return hit.iloc[0]


RISING = {2015: 0.30, 2016: 0.31, 2017: 0.32, 2018: 0.33, 2019: 0.34}  # exactly +1 pp a year


# --- where a target is judged ---------------------------------------------------------------


def test_ho_targets_judged_nationally_and_per_landsdeel_only() -> None:
    series = {("ho", c): RISING for c in ("NL", "Oost", "CR12")}
    series |= {("mbo", "CR12"): RISING}
    out = d.derive(table(series), REGIONS, config(), as_of=2019)
    assert row(out, "ho", "NL", 2019)["judged"] and row(out, "ho", "Oost", 2019)["judged"]
    twente = row(out, "ho", "CR12", 2019)
    assert not twente["judged"] and twente["status"] == d.NOT_JUDGED
    assert twente["target"] == 0.40 and twente["gap_pp"] == pytest.approx(6.0)  # shown beside
    assert pd.isna(twente["projected_year"])
    assert row(out, "mbo", "CR12", 2019)["judged"]  # mbo: every level by default
    assert row(out, "ho", "NL", 2019)["status"] == d.ON_TREND


def test_levels_in_config_and_region_overrides() -> None:
    targets = {
        "ho": {"value": 0.40, "year": 2030, "levels": "all"},
        "mbo": {"value": 0.40, "year": 2030, "levels": ["nederland"], "regions": {"Twente": 0.5}},
    }
    series = {(i, c): RISING for i in ("ho", "mbo") for c in ("NL", "CR12", "CR14")}
    out = d.derive(table(series), REGIONS, config(targets), as_of=2019)
    assert row(out, "ho", "CR14", 2019)["judged"]  # levels: all
    assert row(out, "mbo", "CR12", 2019)["judged"]  # Twente has its own target
    assert row(out, "mbo", "CR12", 2019)["target"] == 0.5
    assert not row(out, "mbo", "CR14", 2019)["judged"]


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ("corop", r"targets\.ho\.levels: expected 'all' or a list"),
        ([], r"targets\.ho\.levels: expected 'all' or a list"),
    ],
)
def test_bad_levels_are_config_errors(levels, message) -> None:
    with pytest.raises(ConfigError, match=message):
        config({"ho": {"value": 0.4, "year": 2020, "levels": levels}})


def test_unknown_level_named() -> None:
    cfg = config({"ho": {"value": 0.4, "year": 2020, "levels": ["landsdelen"]}})
    with pytest.raises(ConfigError, match=r"unknown region level\(s\) \['landsdelen'\]"):
        d.derive(table({("ho", "NL"): RISING}), REGIONS, cfg, as_of=2019)


# --- passed target years ----------------------------------------------------------------------


def test_passed_target_judged_on_the_target_year() -> None:
    # 2020 is in the data: judged on 0.36 (2020), not on 0.42 (2022); 4 pp short.
    series = {("mbo", "NL"): {2018: 0.33, 2019: 0.35, 2020: 0.36, 2021: 0.39, 2022: 0.42}}
    out = d.derive(table(series), REGIONS, config(), as_of=2026)
    last = row(out, "mbo", "NL", 2022)
    assert (last["status"], last["judged_year"]) == (d.MISSED, 2020)
    assert last["judged_share"] == pytest.approx(0.36)
    assert last["gap_pp"] == pytest.approx(4.0)
    assert pd.isna(last["projected_year"])


def test_passed_target_reached_in_target_year() -> None:
    series = {("mbo", "NL"): {2019: 0.39, 2020: 0.41, 2021: 0.38}}
    last = row(d.derive(table(series), REGIONS, config(), as_of=2026), "mbo", "NL", 2021)
    assert (last["status"], last["judged_year"]) == (d.REACHED, 2020)
    assert last["gap_pp"] == pytest.approx(-1.0)  # 40 - 41


def test_data_stop_before_a_passed_target_year() -> None:
    # Data end in 2019/20, target 2020, written in 2026: judged on 2019 (named), no projection.
    out = d.derive(table({("mbo", "NL"): RISING}), REGIONS, config(), as_of=2026)
    last = row(out, "mbo", "NL", 2019)
    assert (last["status"], last["judged_year"]) == (d.MISSED, 2019)
    assert last["gap_pp"] == pytest.approx(6.0)
    assert pd.isna(last["projected_year"])
    # The same data as of 2019: the target is ahead and the clear trend reaches it in 2025.
    ahead = row(
        d.derive(table({("mbo", "NL"): RISING}), REGIONS, config(), as_of=2019), "mbo", "NL", 2019
    )
    assert (ahead["status"], ahead["projected_year"]) == (d.ON_TREND, 2025)


def test_a_passed_target_is_not_judged_on_data_long_before_its_year() -> None:
    # Data end in 2017/18, target 2020, written in 2026. Within one year of 2020 there is
    # nothing (2019, 2020 absent): no verdict, although 2017 has a share (0.32).
    old = {2015: 0.30, 2016: 0.31, 2017: 0.32}
    out = d.derive(table({("mbo", "NL"): old}), REGIONS, config(), as_of=2026)
    last = row(out, "mbo", "NL", 2017)
    assert last["status"] == d.NO_DATA
    assert pd.isna(last["judged_year"]) and pd.isna(last["judged_share"])
    assert last["share"] == pytest.approx(0.32)
    # An analyst who accepts three years: judged on 2017 (2020 - 3), 8 pp short.
    lenient = config(settings={"judged_within_years": 3})
    last = row(
        d.derive(table({("mbo", "NL"): old}), REGIONS, lenient, as_of=2026), "mbo", "NL", 2017
    )
    assert (last["status"], last["judged_year"]) == (d.MISSED, 2017)
    assert last["gap_pp"] == pytest.approx(8.0)


@pytest.mark.parametrize("value", [-1, 1.5, True, "1"])
def test_judged_within_years_must_be_a_whole_number(value) -> None:
    with pytest.raises(
        ConfigError, match=r"settings\.judged_within_years must be a whole number >= 0"
    ):
        config(settings={"judged_within_years": value})


# --- the trend rule -----------------------------------------------------------------------------

AHEAD = {"mbo": {"value": 0.40, "year": 2040}}


def test_trend_uses_the_last_five_years_and_never_projects_a_fall() -> None:
    # Rising to 2017, then falling (like Flevoland 16.6 -> 15.0 -> 14.6): the last five years
    # 2016-2020 are 0.12, 0.15, 0.166, 0.150, 0.146. x centred on 2018: -2..2, mean y 0.1464;
    # Sxy = -2(0.12-0.1464) - (0.15-0.1464) + 0 + (0.150-0.1464) + 2(0.146-0.1464) = 0.052;
    # slope = 0.052 / 10 = +0.0052: positive, but se (residuals up to 0.02) is 0.0053: the 95%
    # interval (t 3.182) spans 0 -> "geen duidelijke trend", no projection.
    series = {
        ("mbo", "NL"): {
            2012: 0.05,
            2013: 0.07,
            2014: 0.09,
            2015: 0.10,
            2016: 0.12,
            2017: 0.15,
            2018: 0.166,
            2019: 0.150,
            2020: 0.146,
        }
    }
    out = d.derive(table(series), REGIONS, config(AHEAD), as_of=2021)
    last = row(out, "mbo", "NL", 2020)
    assert last["trend_points"] == 5
    assert last["trend_pp_per_year"] == pytest.approx(0.52)
    assert last["trend_se_pp"] == pytest.approx(0.53, abs=0.01)
    assert (last["status"], last["trend_clear"]) == (d.NO_CLEAR_TREND, False)
    assert pd.isna(last["projected_year"])


def test_clear_fall_is_never_projected_up() -> None:
    series = {("mbo", "NL"): {2015: 0.20, 2016: 0.19, 2017: 0.18, 2018: 0.17, 2019: 0.16}}
    last = row(d.derive(table(series), REGIONS, config(AHEAD), as_of=2020), "mbo", "NL", 2019)
    assert (last["status"], bool(last["trend_clear"])) == (d.FALLING, True)
    assert pd.isna(last["projected_year"])


def test_clear_rise_projected_and_too_few_years() -> None:
    # +1 pp a year from 0.30 in 2015: 0.40 in 2025 (before the 2040 target year).
    out = d.derive(table({("mbo", "NL"): RISING}), REGIONS, config(AHEAD), as_of=2020)
    assert (
        row(out, "mbo", "NL", 2019)["status"],
        row(out, "mbo", "NL", 2019)["projected_year"],
    ) == (
        d.ON_TREND,
        2025,
    )
    assert row(out, "mbo", "NL", 2016)["status"] == d.TOO_FEW_YEARS  # two years
    assert pd.isna(row(out, "mbo", "NL", 2016)["trend_clear"])


# --- minimum denominator, no programme, shared ranks --------------------------------------------


def test_small_denominator_is_too_small_and_not_ranked() -> None:
    series = {
        ("mbo", "CR12"): {2019: (0.84, 0.84, 0.84, 19)},  # 16 of 19: below 20
        ("mbo", "CR14"): {2019: (0.30, 0.30, 0.30, 20)},  # exactly 20: counts
        ("mbo", "CR13"): {2019: (0.20, 0.20, 0.20, 500)},
    }
    out = d.derive(table(series), REGIONS, config(), as_of=2019)
    small = row(out, "mbo", "CR12", 2019)
    assert small["too_small"] and small["status"] == d.TOO_SMALL
    assert pd.isna(small["rank_level"]) and small["share"] == pytest.approx(0.84)  # kept
    ranked = row(out, "mbo", "CR14", 2019)
    assert (ranked["rank_level"], ranked["regions_in_level"]) == (1, 2)
    assert not ranked["too_small"]
    # The threshold is configuration.
    out = d.derive(table(series), REGIONS, config(settings={"min_denominator": 10}), as_of=2019)
    assert row(out, "mbo", "CR12", 2019)["rank_level"] == 1


def test_no_programme_is_not_ranked() -> None:
    series = {
        ("ho", "CR12"): {2019: 0.30},
        ("ho", "CR14"): {2019: (0.0, 0.0, 0.0, 135)},  # 0 of 135, nothing suppressed
        ("ho", "CR13"): {2019: (0.0, 0.0, 0.02, 200)},  # 0 known, a '<5' cell: not "none"
    }
    out = d.derive(table(series), REGIONS, config(), as_of=2019)
    none = row(out, "ho", "CR14", 2019)
    assert none["no_programme"] and pd.isna(none["rank_level"])
    maybe = row(out, "ho", "CR13", 2019)
    assert not maybe["no_programme"] and maybe["regions_in_level"] == 2


def test_overlapping_margins_share_a_rank() -> None:
    # Twente 37.8 (36.8-38.8) overlaps Achterhoek 37.7 (37.7-37.7): both 1-2; Veluwe 30.0 is 3.
    series = {
        ("mbo", "CR12"): {2019: (0.378, 0.368, 0.388, 1000)},
        ("mbo", "CR14"): {2019: (0.377, 0.377, 0.377, 1000)},
        ("mbo", "CR13"): {2019: (0.300, 0.300, 0.300, 1000)},
    }
    out = d.derive(table(series), REGIONS, config(), as_of=2019)
    ranks = {c: row(out, "mbo", c, 2019) for c in ("CR12", "CR14", "CR13")}
    assert [(r["rank_level"], r["rank_level_worst"]) for r in ranks.values()] == [
        (1, 2),
        (1, 2),
        (3, 3),
    ]
    assert ranks["CR12"]["rank_landsdeel"] == 1 and ranks["CR12"]["rank_landsdeel_worst"] == 2


def test_hbo_plus_wo_target_defaults_to_nederland_and_landsdeel() -> None:
    raw = {
        "indicators": {
            "ho": {
                "naam": "Instroom ho",
                "omschrijving": "test",
                "level": ["hbo", "wo"],
                "dataset": "duo_ho_first_years",
                "measure": "first_years",
                "numerator": {"column": "field", "in": ["techniek"]},
                "bron": "test",
            }
        },
        "targets": {"ho": {"value": 0.4, "year": 2020}},
    }
    cfg = parse_indicator_config(raw, Path("test.yaml"))
    assert cfg.targets["ho"].levels == ("nederland", "landsdeel")
    assert not cfg.judged("ho", "corop", "CR12", "Twente")
    assert cfg.judged("ho", "landsdeel", "Oost", "Oost")
