"""The scorecard and targets (analysis.content.scorecard) on the fake processed folder."""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
from pathlib import Path

import pandas as pd
import yaml
from report_fixtures import make_processed, report_context

from analysis import data, paths
from analysis.content import cover, scorecard
from analysis.indicators.derived import derive
from analysis.indicators.rules import WOMEN_SHARE_SUFFIX, load_indicator_config
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


def test_a_sub_indicator_with_its_own_target_is_in_the_targets_table(tmp_path: Path) -> None:
    """Issue 16: ``parent`` keeps an indicator out of the scorecard, not its target out of
    the targets table (nor does the cover then say it has no figures)."""
    sub = "mbo_techniek_niveau2"
    raw = yaml.safe_load(paths.INDICATORS_CONFIG.read_text(encoding="utf-8"))
    assert raw["indicators"][sub]["parent"] == "mbo_techniek"
    raw["targets"][sub] = {
        "value": 0.30,
        "year": 2020,
        "levels": "all",
        "bron": "Regionaal convenant",
        "omschrijving": "aandeel techniek op niveau 2",
    }
    config_dir = tmp_path / "config"
    shutil.copytree(paths.CONFIG_DIR, config_dir)
    (config_dir / "indicators.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    config = load_indicator_config(config_dir / "indicators.yaml")
    processed = make_processed(tmp_path / "processed")
    table = pd.read_parquet(processed / paths.INDICATORS_FILE)
    regions = pd.read_parquet(processed / paths.REGIONS_FILE)
    derive(table, regions, config).to_parquet(processed / paths.DERIVED_FILE)
    ctx = dataclasses.replace(report_context(processed, "provincie", "Utrecht"), config=config)

    out = scorecard.scorecard_html(ctx)
    card, targets = out.split("</table>")[:2]
    naam = raw["indicators"][sub]["naam"]
    assert naam not in card
    assert targets.count("<tr>") == 1 + 1 + sum(  # header, the sub-indicator, the main ones
        1 for i in ctx.main_indicators() if i in raw["targets"]
    )
    own = table[
        (table.indicator == sub) & (table.region_code == "PV26") & (table.gender == "totaal")
    ]
    latest = own.loc[own["year"].idxmax()]
    # mbo data end in 2019/20, before the target year 2020/21: judged on that year.
    assert latest["year"] == 2019 and latest["share"] < 0.30
    gap = text.pp_abs((0.30 - latest["share"]) * 100)
    row = re.search(rf"<tr><td>{re.escape(naam)}</td>(.*?)</tr>", targets).group(1)
    assert "30% in 2020" in row
    assert f"niet gehaald: {html.escape(text.pct(latest['share']))} in 2019/20" in row
    assert f"{gap} onder het doel" in row
    assert f"{naam}: aandeel techniek op niveau 2 (bron: Regionaal convenant)." in out
    assert naam.lower() not in " ".join(cover.kernboodschappen(ctx)).lower()


def test_a_target_without_data_near_its_year_gets_no_verdict(utrecht: data.ReportContext) -> None:
    """A share from long before a passed target year: 'geen oordeel', naming the year."""
    row = {"status": "geen gegevens", "share": 0.31, "target_year": 2020, "level": "mbo"}
    assert scorecard.verdict_text(row, utrecht) == (
        "geen oordeel: geen cijfers voor het doeljaar 2020/21 of het schooljaar ervoor"
    )
    assert scorecard.verdict_text({**row, "share": None}, utrecht) == text.MISSING
