"""The scorecard and targets (analysis.content.scorecard) on the fake processed folder."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
from report_fixtures import report_context

from analysis import data, paths
from analysis.content import scorecard
from analysis.indicators.rules import WOMEN_SHARE_SUFFIX
from analysis.present import text


def test_scorecard_frame_matches_the_tables(utrecht: data.ReportContext) -> None:
    frame = scorecard.scorecard_frame(utrecht)
    table = pd.read_parquet(utrecht.data.path / paths.INDICATORS_FILE)
    derived = pd.read_parquet(utrecht.data.path / paths.DERIVED_FILE)
    assert list(frame["indicator"]) == utrecht.main_indicators()
    for _, row in frame.iterrows():
        own = table[
            (table.indicator == row.indicator)
            & (table.region == "Utrecht")
            & (table.region_level == "provincie")
            & (table.gender == "totaal")
        ]
        latest = own.loc[own["year"].idxmax()]
        assert row["year"] == latest["year"]
        assert row["share"] == latest["share"]
        assert row["denominator"] == latest["denominator"]
        d = derived[
            (derived.indicator == row.indicator)
            & (derived.region_code == "PV26")
            & (derived.year == latest["year"])
            & (derived.gender == "totaal")
        ].iloc[0]
        for column in ("change_1y_pp", "national_share", "rank_landsdeel", "gap_pp", "status"):
            assert (pd.isna(row[column]) and pd.isna(d[column])) or row[column] == d[column]
        women = table[
            (table.indicator == row.indicator + WOMEN_SHARE_SUFFIX)
            & (table.region_code == "PV26")
            & (table.year == latest["year"])
        ]["share"].iloc[0]
        assert row["women_share"] == women


def test_scorecard_html_rows_and_formatting(utrecht: data.ReportContext) -> None:
    out = scorecard.scorecard_html(utrecht)
    frame = scorecard.scorecard_frame(utrecht)
    card, targets = out.split("</table>")[:2]
    assert card.count("<tr>") == len(frame) + 1
    assert "Plaats in Noordvleugel" in card and "Plaats onder de provincies" in card
    assert 'class="num count"' not in card  # shares only; counts are in the sections
    mbo = frame[frame.indicator == "mbo_techniek"].iloc[0]
    assert html.escape(text.pct(mbo["share"])) in card
    place = f"{int(mbo['rank_landsdeel'])} van {int(mbo['regions_in_landsdeel'])}"
    assert f'<td class="num">{place}</td>' in card
    assert targets.count("<tr>") == int(frame["target"].notna().sum()) + 1
    assert "40% in 2020" in targets
    # mbo data end in 2019/20, before the target year 2020/21: judged on that last year.
    assert f"{text.pp_abs(mbo['gap_pp'])} onder het doel" in targets


def test_scorecard_intro_and_caption_fit_the_level(processed: Path) -> None:
    nl = scorecard.scorecard_html(report_context(processed, "nederland", "Nederland"))
    intro = re.search(r'<p class="tp-intro">(.*?)</p>', nl).group(1)
    assert "landelijke waarde" in intro and "plaats" not in intro
    assert "Plaats 1" not in nl and "Nederland</th>" not in nl
    ld = scorecard.scorecard_html(report_context(processed, "landsdeel", "Noord"))
    assert "plaats van Noord onder de landsdelen." in ld and "binnen landsdeel" not in ld
    pv = scorecard.scorecard_html(report_context(processed, "provincie", "Utrecht"))
    assert "onder de provincies, ook binnen landsdeel Noordvleugel." in pv
