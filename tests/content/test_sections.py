"""The level, gender, peers and map sections (analysis.content.sections) on the fake folder."""

from __future__ import annotations

import html
import re
from pathlib import Path

import geopandas as gpd
from report_fixtures import SMALL_CASE, SUPPRESSED_CASE, report_context
from shapely.geometry import box

from analysis import data
from analysis.content import scorecard, sections
from analysis.present import plots, style, text
from analysis.present.blocks import Html, Markdown


def test_section_table_prints_small_suppressed_denominator_as_below_five(
    processed: Path,
) -> None:
    level, region, indicator, _year, _gender = SMALL_CASE
    ctx = data.context(processed, level, region, "2026-01-02")
    frame = scorecard.scorecard_frame(ctx)
    assert frame.set_index("indicator").loc[indicator, "denominator"] == 2.5
    out = sections.level_section(ctx, "wo")[0].html
    cells = re.findall(r'<td class="num count">([^<]*)</td>', out)
    assert "&lt;5" in cells
    assert "2,5" not in cells and "3" not in cells


def test_level_section_with_trend_and_peer_charts(utrecht: data.ReportContext) -> None:
    blocks = sections.level_section(utrecht, "vo")
    charts = [b for b in blocks if isinstance(b, plots.Chart)]
    assert len(charts) == 1  # region, landsdeel, Nederland and the peers in one chart
    assert "Landsdeel Noordvleugel" in charts[0].alt and "Nederland" in charts[0].alt
    assert "2 andere regio's in grijs" in charts[0].alt  # Noord-Holland, Flevoland
    notes = [b.markdown for b in blocks if isinstance(b, Markdown)]
    assert any("Havo 4-leerlingen met N-profiel" in n for n in notes)  # one year: no trend


def test_level_section_without_data_says_so(processed: Path) -> None:
    ctx = data.context(processed, "corop", "Twente", "2026-01-02")  # CR12: no hbo in fixture
    blocks = sections.level_section(ctx, "hbo")
    assert blocks == [Markdown("Voor Twente zijn geen cijfers over het hbo beschikbaar.")]


def test_nederland_adapts_peers_and_rank(processed: Path) -> None:
    ctx = data.context(processed, "nederland", "Nederland", "2026-01-02")
    assert sections.peer_codes(ctx) == []
    blocks = sections.peers_section(ctx)
    assert isinstance(blocks[0], Html) and "provincies" in blocks[0].html
    bars = [b for b in blocks if isinstance(b, plots.Chart) and b.alt.startswith("Staaf")]
    assert bars and all("12 regio's" in b.alt and "staat op plaats" not in b.alt for b in bars)
    level_blocks = sections.level_section(ctx, "mbo")
    (chart,) = [b for b in level_blocks if isinstance(b, plots.Chart)]
    assert "andere regio's in grijs" not in chart.alt  # no peers


def test_ranked_bars_are_drawn_once_per_level_and_highlight_each_region(
    processed: Path,
) -> None:
    sections._BAR_CACHE.clear()
    charts = {}
    for region in ("Utrecht", "Zeeland"):
        ctx = data.context(processed, "provincie", region, "2026-01-02")
        blocks = sections.peers_section(ctx)
        charts[region] = next(b for b in blocks if isinstance(b, plots.Chart) and b.svg)
    drawn = len(sections._BAR_CACHE)
    assert drawn == len(sections.HEADLINE)  # the second region drew nothing new
    utrecht, zeeland = (charts[r].svg.decode() for r in ("Utrecht", "Zeeland"))
    blue = style.HIGHLIGHT.lower()
    for svg, own, other in ((utrecht, "Utrecht", "Zeeland"), (zeeland, "Zeeland", "Utrecht")):
        own_bar = re.search(rf'<g id="tp-bar-{own.encode().hex()}">\s*<path [^>]*>', svg)
        other_bar = re.search(rf'<g id="tp-bar-{other.encode().hex()}">\s*<path [^>]*>', svg)
        assert f"fill: {blue}" in own_bar.group(0)
        assert f"fill: {blue}" not in other_bar.group(0)
        assert svg.count(f"fill: {blue}") == 1  # one bar (the legend key is a line)
        assert f">{own}</text>" in svg
        assert f"{own} staat op plaats" in charts[own].alt


def test_gender_table_shows_bounds_of_suppressed_cells(utrecht: data.ReportContext) -> None:
    blocks = sections.gender_section(utrecht)
    table = blocks[0].html
    _l, _r, indicator, year, gender = SUPPRESSED_CASE
    row = utrecht.series(indicator, gender=gender)
    row = row[row.year == year].iloc[0]
    expected = text.pct_range(row["share"], row["share_low"], row["share_high"])
    assert "(" in expected and html.escape(expected) in table
    assert any(isinstance(b, plots.Chart) for b in blocks)


def test_map_note_without_geometry(utrecht: data.ReportContext, monkeypatch) -> None:
    monkeypatch.setattr(sections, "_MAP_CACHE", {})
    monkeypatch.setattr(
        sections, "boundaries", lambda level, raw, table: (None, "geen grenzen gevonden")
    )
    blocks = sections.map_blocks(utrecht, "provincie")
    assert blocks == [Markdown("*Kaart niet beschikbaar: geen grenzen gevonden.*")]


def test_map_with_geometry(utrecht: data.ReportContext, monkeypatch) -> None:
    regions = utrecht.data.regions
    provinces = regions[regions.region_level == "provincie"]
    geometry = gpd.GeoDataFrame(
        {"region_code": provinces["region_code"], "region": provinces["region"]},
        geometry=[box(3.4 + i * 0.3, 51.5, 3.7 + i * 0.3, 52.0) for i in range(len(provinces))],
        crs="EPSG:4326",
    )
    monkeypatch.setattr(sections, "_MAP_CACHE", {})
    monkeypatch.setattr(sections, "boundaries", lambda level, raw, table: (geometry, None))
    (chart,) = sections.map_blocks(utrecht, "provincie")
    assert chart.alt.startswith("Kaart van alle provincies: ")
    assert "12 van 12 provincies hebben een cijfer" in chart.alt
    assert "Utrecht is rood omlijnd" in chart.alt and "vaste schaal 10–70%" in chart.alt


def test_peers_section_heading_fits_the_level(processed: Path) -> None:
    nl = sections.peers_section(report_context(processed, "nederland", "Nederland"))[0].html
    assert "<h2>Verschillen tussen de provincies</h2>" in nl
    assert "Vergelijking" not in nl
    assert html.escape("niet met andere regio's vergeleken") in nl
    ld = sections.peers_heading(report_context(processed, "landsdeel", "Noord")).html
    assert "<h2>Vergelijking met de andere landsdelen</h2>" in ld
    pv = sections.peers_heading(report_context(processed, "provincie", "Utrecht")).html
    assert "<h2>Vergelijking met de andere provincies</h2>" in pv


def test_trend_charts_name_the_peers_by_level(processed: Path) -> None:
    noord = report_context(processed, "landsdeel", "Noord")
    lines = sections._trend_lines(noord, "mbo_techniek")
    peers = [line.label for line in lines if line.role == "peer"]
    regions = noord.data.regions
    assert len(peers) == (regions["region_level"] == "landsdeel").sum() - 1
    assert set(peers) == {"Andere landsdelen"}
    (chart,) = [b for b in sections.level_section(noord, "mbo") if isinstance(b, plots.Chart)]
    assert "Noord vergeleken met Nederland en de andere landsdelen" in chart.alt
    assert "regio's" not in chart.alt.split(".")[1]  # the title (the alt's second sentence)
    utrecht = report_context(processed, "provincie", "Utrecht")
    labels = {line.label for line in sections._trend_lines(utrecht, "mbo_techniek")}
    assert "Andere provincies in Noordvleugel" in labels  # landsdeel name keeps its capital
