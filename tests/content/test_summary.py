""" "In één oogopslag": each tile shows the latest figure, the five-year change, the target
distance and Nederland, read here straight from the parquet tables."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import yaml

from analysis import data, paths
from analysis.content import summary
from analysis.present import text


def _tiles(page: str) -> dict[str, str]:
    found = re.findall(r'<div class="tp-tile"><h3>(.*?)</h3>(.*?)</div>', page)
    return dict(found)


def test_tiles_show_the_derived_figures(processed: Path, utrecht: data.ReportContext) -> None:
    page = summary.summary_html(utrecht).html
    assert page.startswith('<section class="tp-glance"><h2 id="in-een-oogopslag">In één oogopslag')
    tiles = _tiles(page)
    derived = pd.read_parquet(processed / "derived.parquet")
    indicators = pd.read_parquet(processed / "indicators.parquet")
    checked = 0
    tiles_in_file = yaml.safe_load((paths.CONFIG_DIR / "publication.yaml").read_text("utf-8"))
    for indicator in tiles_in_file["summary"]["tiles"]:
        rows = indicators[
            (indicators["indicator"] == indicator)
            & (indicators["region_code"] == "PV26")
            & (indicators["gender"] == "totaal")
            & indicators["share"].notna()
        ]
        if rows.empty:
            continue
        last = rows.sort_values("year").iloc[-1]
        d = derived[
            (derived["indicator"] == indicator)
            & (derived["region_code"] == "PV26")
            & (derived["gender"] == "totaal")
            & (derived["year"] == last["year"])
        ].iloc[0]
        name = utrecht.config.indicators[indicator].naam
        body = tiles[name]
        value = text.pct_range(last["share"], last["share_low"], last["share_high"])
        assert value in body
        assert f"Nederland: {text.pct(d['national_share'])}" in body
        shares = dict(zip(rows["year"], rows["share"], strict=True))
        year = int(last["year"])
        if year - 5 in shares:  # derived's own five-year change, in the tile's words
            assert f"{text.pp(d['change_5y_pp'])} in vijf jaar" in body
        elif earlier := [y for y in shares if year - 5 < y <= year - 2]:
            start = min(earlier)
            moved = (shares[year] - shares[start]) * 100
            assert f"{text.pp(moved)} sinds {text.schooljaar(start)}" in body
        else:
            assert "geen vergelijking over vijf jaar" in body
        judged = pd.isna(d.get("judged")) or bool(d["judged"])
        if pd.notna(d["target"]) and not judged:  # e.g. HO inflow at provincie level
            assert "geen oordeel over de streefwaarde op dit niveau" in body
        elif pd.notna(d["target"]) and d["gap_pp"] > 0:
            assert f"nog {text.pp_abs(d['gap_pp'])} tot de streefwaarde" in body
        assert "<svg" in body
        checked += 1
    assert checked >= 4


def test_nederland_has_no_comparison_with_itself(processed: Path) -> None:
    ctx = data.context(processed, "nederland", "Nederland", "2026-01-02")
    page = summary.summary_html(ctx).html
    assert "tp-tile" in page and "Nederland: " not in page and "gestippeld" not in page


def test_sparkline_scales_region_and_nederland_together() -> None:
    svg = summary.sparkline([(2019, 0.2), (2020, 0.4)], [(2019, 0.3), (2020, 0.3)])
    region = re.search(r'class="region" points="([^"]+)"', svg).group(1).split()
    nl = re.search(r'class="nl" points="([^"]+)"', svg).group(1).split()
    # lowest value (0.2) at the bottom (y = 34), highest (0.4) at the top (y = 2), 0.3 between
    assert region == ["2.0,34.0", "138.0,2.0"] and nl == ["2.0,18.0", "138.0,18.0"]
    assert summary.sparkline([(2019, 0.2)], []) == ""


def test_change_falls_back_to_the_earliest_year_within_five() -> None:
    assert summary.change([(2019, 0.30), (2024, 0.25)], 2024) == (
        "↓",
        "−5,0 procentpunt in vijf jaar",
    )
    assert summary.change([(2020, 0.30), (2021, 0.31), (2023, 0.32)], 2023) == (
        "↑",
        "+2,0 procentpunt sinds 2020/21",
    )
    assert summary.change([(2022, 0.3), (2023, 0.3)], 2023) == (
        "",
        "geen vergelijking over vijf jaar",
    )


def test_target_distance_only_where_the_target_is_judged() -> None:
    row = {"target": 0.4, "gap_pp": 9.5}
    assert summary.target_text(row) == "nog 9,5 procentpunt tot de streefwaarde van 40%"
    assert summary.target_text({**row, "judged": False}).startswith("geen oordeel")
    assert summary.target_text({**row, "gap_pp": -1.0}) == "streefwaarde 40% gehaald"
    assert summary.target_text({"target": None}) == "geen streefwaarde voor deze regio"


def test_the_analyst_chooses_the_tiles_and_their_order(
    utrecht: data.ReportContext, tmp_path: Path, monkeypatch
) -> None:
    """Issue 13: the headline tiles come from config/publication.yaml, in its order."""
    folder = tmp_path / "config"
    folder.mkdir()
    shutil.copy(paths.CONFIG_DIR / "indicators.yaml", folder)
    (folder / "publication.yaml").write_text(
        "summary:\n  tiles: [wo_beta_instroom, mbo_techniek_niveau2, vo_havo_n]\n", "utf-8"
    )
    monkeypatch.setattr(paths, "CONFIG_DIR", folder)
    names = list(_tiles(summary.summary_html(utrecht).html))
    config = utrecht.config.indicators
    expected = ["wo_beta_instroom", "mbo_techniek_niveau2", "vo_havo_n"]
    assert names == [config[i].naam for i in expected]
    (folder / "publication.yaml").write_text("summary:\n  tiles: []\n", "utf-8")
    assert summary.summary_html(utrecht).html == ""


def test_target_distance_is_from_the_value_the_tile_shows() -> None:
    """A passed target's derived gap is taken in the target year (23.6% in 2020/21); the
    tile shows the latest share (23.7%), so its distance is 40 - 23.7 = 16.3 points."""
    row = {"target": 0.40, "share": 0.237, "gap_pp": 16.4}
    assert summary.target_text(row) == "nog 16,3 procentpunt tot de streefwaarde van 40%"
    assert summary.target_text({**row, "share": 0.41}) == "streefwaarde 40% gehaald"


def test_a_region_without_a_university_shows_no_programme_not_zero(real_processed: Path) -> None:
    """Zeeland has no wo institution (students are counted where they study): the tile says
    'geen opleiding', as the scorecard does, instead of 0,0% 'gelijk sinds ...'."""
    ctx = data.context(real_processed, "provincie", "Zeeland", "2026-12-01")
    tile = summary.tile(ctx, "wo_beta_instroom")
    assert tile is not None
    assert "geen opleiding" in tile and "0,0%" not in tile and "gelijk sinds" not in tile
    assert "tp-spark" not in tile  # no flat line at zero either
    assert "0,0%" not in (summary.tile(ctx, "vo_havo_n") or "geen")  # a real figure stays
