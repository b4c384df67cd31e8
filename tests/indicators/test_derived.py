"""Derived measures on a hand-written indicator table; expected values worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.errors import ConfigError
from analysis.indicators.derived import (
    FALLING,
    NO_CLEAR_TREND,
    NO_DATA,
    NO_TARGET,
    NOT_ON_TREND,
    ON_TREND,
    REACHED,
    TOO_FEW_YEARS,
    derive,
)
from analysis.indicators.engine import load_indicator_config

REGIONS = pd.DataFrame(
    [
        ("nederland", "Nederland", "NL", None),
        ("provincie", "Overijssel", "PV23", "Oost"),
        ("provincie", "Gelderland", "PV25", "Oost"),
        ("provincie", "Utrecht", "PV26", "Noordvleugel"),
        ("corop", "Twente", "CR12", "Oost"),
        ("regiopact", "Twente", "Twente", "Oost"),
        ("regiopact", "Grensregio", "Grens", None),
    ],
    columns=["region_level", "region", "region_code", "landsdeel"],
)
SHARES = {  # mbo_techniek, gender totaal; target 0.40 (config/indicators.yaml)
    "NL": {2014: 0.29, 2015: 0.30, 2016: 0.31, 2017: 0.32, 2018: 0.33, 2019: 0.34},
    "PV23": {2015: 0.35, 2016: 0.36, 2017: 0.37, 2018: 0.38, 2019: 0.41},
    "PV25": {2015: 0.30, 2016: 0.29, 2017: 0.28, 2018: 0.27, 2019: 0.26},
    "PV26": {2018: 0.20, 2019: 0.25},
    "CR12": {2017: 0.20, 2018: 0.22, 2019: 0.25},
    "Twente": {2015: 0.100, 2016: 0.101, 2017: 0.102, 2018: 0.103, 2019: 0.104},
    "Grens": {2015: 0.10, 2016: 0.10, 2017: 0.10, 2019: None},
}


def indicator_table() -> pd.DataFrame:
    rows = []
    table = REGIONS.set_index("region_code")
    for code, series in SHARES.items():
        for year, share in series.items():
            for gender in ("totaal", "man"):
                rows.append(
                    {
                        "indicator": "mbo_techniek",
                        "region_level": table.loc[code, "region_level"],
                        "region": table.loc[code, "region"],
                        "region_code": code,
                        "year": year,
                        "schooljaar": f"{year}/{(year + 1) % 100:02d}",
                        "gender": gender,
                        "share": share,
                        "share_low": share,
                        "share_high": share,
                        "numerator": None if share is None else share * 1000,
                        "denominator": None if share is None else 1000.0,
                    }
                )
    frame = pd.DataFrame(rows)
    for column in ("share", "share_low", "share_high", "numerator", "denominator"):
        frame[column] = frame[column].astype("Float64")
    frame["year"] = frame["year"].astype("Int64")
    return frame


def pick(table: pd.DataFrame, code: str, year: int, gender: str = "totaal") -> pd.Series:
    hit = table[
        (table["region_code"] == code) & (table["year"] == year) & (table["gender"] == gender)
    ]
    assert len(hit) == 1
    return hit.iloc[0]


@pytest.fixture(scope="module")
def derived() -> pd.DataFrame:
    # As of 2019 the target year 2020 is still ahead (test_verdicts covers passed years).
    return derive(indicator_table(), REGIONS, load_indicator_config(), as_of=2019)


def test_changes_in_percentage_points(derived) -> None:
    row = pick(derived, "PV23", 2019)
    assert row["change_1y_pp"] == pytest.approx(3.0)  # 0.41 - 0.38
    assert pd.isna(row["change_5y_pp"])  # no 2014 for Overijssel
    assert pick(derived, "NL", 2019)["change_5y_pp"] == pytest.approx(5.0)  # 0.34 - 0.29
    assert pd.isna(pick(derived, "PV26", 2018)["change_1y_pp"])  # no 2017


def test_difference_from_national(derived) -> None:
    assert pick(derived, "PV23", 2019)["diff_national_pp"] == pytest.approx(7.0)  # 41 - 34
    assert pick(derived, "PV25", 2019, "man")["diff_national_pp"] == pytest.approx(-8.0)


def test_ranks_within_level_and_landsdeel(derived) -> None:
    # 2019 provinces: PV23 0.41 > PV25 0.26 > PV26 0.25.
    ranks = {c: pick(derived, c, 2019) for c in ("PV23", "PV25", "PV26")}
    assert [ranks[c]["rank_level"] for c in ("PV23", "PV25", "PV26")] == [1, 2, 3]
    assert all(r["regions_in_level"] == 3 for r in ranks.values())
    # Oost holds PV23 and PV25; Noordvleugel only PV26.
    assert (ranks["PV25"]["rank_landsdeel"], ranks["PV25"]["regions_in_landsdeel"]) == (2, 2)
    assert (ranks["PV26"]["rank_landsdeel"], ranks["PV26"]["regions_in_landsdeel"]) == (1, 1)
    assert pd.isna(pick(derived, "NL", 2019)["rank_level"])
    grens = pick(derived, "Grens", 2019)
    assert pd.isna(grens["rank_level"]) and pd.isna(grens["rank_landsdeel"])
    # Twente (regiopact) is ranked among regiopacts only: Grensregio has no share.
    assert (
        pick(derived, "Twente", 2019)["rank_level"],
        pick(derived, "Twente", 2019)["regions_in_level"],
    ) == (1, 1)


def test_gap_and_status(derived) -> None:
    pv25 = pick(derived, "PV25", 2019)
    assert pv25["target"] == 0.40 and pv25["target_year"] == 2020
    assert pv25["gap_pp"] == pytest.approx(14.0)  # 40 - 26
    assert pv25["status"] == FALLING and pd.isna(pv25["projected_year"])  # never projected up
    assert pick(derived, "PV23", 2019)["status"] == REACHED
    assert pick(derived, "PV23", 2019)["gap_pp"] == pytest.approx(-1.0)
    assert pick(derived, "PV26", 2019)["status"] == TOO_FEW_YEARS  # two years only
    # Twente rises 0.1 pp a year: 0.40 would take until about 2315, past the horizon 2050.
    assert pick(derived, "Twente", 2019)["status"] == NOT_ON_TREND
    grens = pick(derived, "Grens", 2019)
    assert grens["status"] == NO_DATA
    assert pd.isna(grens["trend_pp_per_year"])  # no share of its own in 2019: no trend
    # 2015-2017 flat at 0.10: slope 0, no clear trend.
    assert pick(derived, "Grens", 2017)["trend_pp_per_year"] == pytest.approx(0.0)
    assert pick(derived, "Grens", 2017)["status"] == NO_CLEAR_TREND
    man = pick(derived, "PV25", 2019, "man")
    assert man["status"] == NO_TARGET and pd.isna(man["target"]) and pd.isna(man["gap_pp"])


def test_projected_year_from_least_squares(derived) -> None:
    # Nederland: exactly +1 pp a year from 0.29 in 2014: 0.40 in 2025.
    nl = pick(derived, "NL", 2019)
    assert nl["trend_pp_per_year"] == pytest.approx(1.0)
    assert (nl["status"], nl["projected_year"]) == (ON_TREND, 2025)
    # Trend as known in 2016 (2014-2016, three points) gives the same line; 2015 has 2 points.
    assert pick(derived, "NL", 2016)["projected_year"] == 2025
    assert pick(derived, "NL", 2015)["status"] == TOO_FEW_YEARS
    # CR12: 0.20, 0.22, 0.25 in 2017-2019. Centred on 2018: slope = ((-1)(0.20 - 0.22333)
    # + (1)(0.25 - 0.22333)) / 2 = 0.025. Residuals 1/600, -2/600, 1/600: SSE = 6/360000,
    # se = sqrt(SSE / 1 / 2) = 0.002887; t(1 df) 12.706 x se = 0.0367 > 0.025: not clear.
    cr12 = pick(derived, "CR12", 2019)
    assert cr12["trend_pp_per_year"] == pytest.approx(2.5)
    assert cr12["trend_se_pp"] == pytest.approx(0.2887, abs=1e-4)
    assert (cr12["status"], cr12["trend_clear"]) == (NO_CLEAR_TREND, False)
    assert pd.isna(cr12["projected_year"])


def test_regional_target_override(tmp_path: Path) -> None:
    config = load_indicator_config()
    raw = yaml.safe_load(config.path.read_text(encoding="utf-8"))
    raw["targets"]["mbo_techniek"]["regions"] = {"PV26": {"value": 0.30, "year": 2030}}
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    derived = derive(indicator_table(), REGIONS, load_indicator_config(path), as_of=2019)
    pv26 = pick(derived, "PV26", 2019)
    assert (pv26["target"], pv26["target_year"]) == (0.30, 2030)
    assert pv26["gap_pp"] == pytest.approx(5.0)  # 30 - 25
    assert pick(derived, "PV25", 2019)["target"] == 0.40

    raw["targets"]["mbo_techniek"]["regions"] = {"Atlantis": 0.5}
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"targets\.mbo_techniek\.regions: unknown region 'Atlantis'"
    ):
        derive(indicator_table(), REGIONS, load_indicator_config(path))


def test_one_row_per_indicator_row(derived) -> None:
    assert len(derived) == len(indicator_table())
    assert not derived.duplicated(
        ["indicator", "region_level", "region_code", "year", "gender"]
    ).any()


def test_gemeente_ranks_within_province_and_corop() -> None:
    """Four municipalities: ranked among those with a share, in their province and COROP."""
    gemeenten = pd.DataFrame(
        [  # code, province, COROP, share
            ("GM0153", "PV23", "CR12", 0.30),  # Enschede
            ("GM0164", "PV23", "CR12", 0.40),  # Hengelo
            ("GM0193", "PV23", "CR11", None),  # Zwolle: no share, no rank
            ("GM0200", "PV25", "CR13", 0.20),  # Apeldoorn
        ],
        columns=["region_code", "province_code", "corop_code", "share"],
    )
    regions = pd.concat(
        [
            REGIONS.assign(province_code=None, corop_code=None),
            gemeenten.drop(columns="share").assign(
                region_level="gemeente", region=gemeenten["region_code"], landsdeel="Oost"
            ),
        ],
        ignore_index=True,
    )
    table = gemeenten.assign(
        indicator="mbo_techniek",
        region_level="gemeente",
        region=gemeenten["region_code"],
        year=2019,
        schooljaar="2019/20",
        gender="totaal",
        denominator=100.0,  # above settings.min_denominator: the shares may be ranked
    ).drop(columns=["province_code", "corop_code"])
    table["share"] = table["share"].astype("Float64")
    table["year"] = table["year"].astype("Int64")
    out = derive(pd.concat([indicator_table(), table], ignore_index=True), regions)
    got = {
        c: pick(out, c, 2019)[
            ["rank_province", "regions_in_province", "rank_corop", "regions_in_corop"]
        ].tolist()
        for c in gemeenten["region_code"]
    }
    assert got["GM0164"] == [1, 2, 1, 2]  # Zwolle, without a share, is not counted
    assert got["GM0153"] == [2, 2, 2, 2]
    assert got["GM0200"] == [1, 1, 1, 1]
    assert pd.isna(got["GM0193"][0]) and pd.isna(got["GM0193"][2])
    # not for other levels
    assert pd.isna(pick(out, "PV23", 2019)["rank_province"])
    # ranked among the level only with a share: 3 of the 4 municipalities
    assert pick(out, "GM0164", 2019)["regions_in_level"] == 3
