"""Report content on the fake processed folder, and the notebook run end to end by papermill."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from report_fixtures import SMALL_CASE, SUPPRESSED_CASE, make_processed
from shapely.geometry import box
from test_text import _NUMBER, allowed_numbers

from analysis import data, paths
from analysis.content import cover, quality, scorecard, sections
from analysis.indicators.rules import WOMEN_SHARE_SUFFIX
from analysis.present import plots, style, text
from analysis.present.blocks import Html, Markdown

NOTEBOOK = paths.NOTEBOOKS_DIR / "region_report.ipynb"


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_processed(tmp_path_factory.mktemp("processed"), demo=True)


@pytest.fixture(scope="module")
def utrecht(processed: Path) -> data.ReportContext:
    return data.context(processed, "provincie", "Utrecht", "2026-01-02")


# --- parameters --------------------------------------------------------------------------------


def test_unknown_region_lists_close_matches(processed: Path) -> None:
    with pytest.raises(data.ReportParameterError, match=r"'Utrech'.*did you mean: Utrecht"):
        data.context(processed, "provincie", "Utrech")


def test_unknown_level_lists_close_matches(processed: Path) -> None:
    with pytest.raises(data.ReportParameterError, match=r"provincies.*did you mean: provincie"):
        data.context(processed, "provincies", "Utrecht")


def test_region_at_another_level_is_named(processed: Path) -> None:
    with pytest.raises(data.ReportParameterError, match="exists at level: corop, regiopact"):
        data.context(processed, "provincie", "Twente")


@pytest.mark.parametrize("name", ['"); import os; os.system("x")#', "../../etc/passwd"])
def test_hostile_region_names_are_plain_data(processed: Path, name: str) -> None:
    with pytest.raises(data.ReportParameterError, match="unknown region"):
        data.context(processed, "provincie", name)


def test_bad_date_and_missing_files(processed: Path, tmp_path: Path) -> None:
    with pytest.raises(data.ReportParameterError, match="not an ISO date"):
        data.context(processed, "provincie", "Utrecht", "2-1-2026")
    with pytest.raises(data.ReportParameterError, match=r"indicators\.parquet is missing"):
        data.context(tmp_path, "provincie", "Utrecht")


def test_processed_data_is_read_once(processed: Path) -> None:
    assert data.load_processed(processed) is data.load_processed(processed)


# --- cover, scorecard, key messages ------------------------------------------------------------


def test_cover(utrecht: data.ReportContext) -> None:
    page = cover.cover_html(utrecht)
    assert page.startswith('<section class="cover">')
    title = re.search(r"<h1[^>]*>(.*?)</h1>", page).group(1)
    assert re.sub(r"<[^>]+>", "", title) == "Kiezen voor bèta en techniek in\u00a0Utrecht"
    for label, fact in (
        ("Niveau", "provincie"),
        ("Landsdeel", "Noordvleugel"),
        ("Meest recente schooljaar", "2023/24"),
        ("Gemaakt op", "2 januari 2026"),
    ):
        assert f'<th scope="row">{label}</th><td>{fact}</td>' in page
    assert '<div class="demo-banner" role="note">' in page


def test_cover_without_demo_has_no_banner(tmp_path: Path) -> None:
    folder = make_processed(tmp_path / "real", demo=False)
    ctx = data.context(folder, "corop", "Twente", "2026-01-02")
    assert "demo-banner" not in cover.cover_html(ctx)


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
    assert text.pp(-mbo["gap_pp"]) in targets


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


@pytest.mark.parametrize(
    ("level", "region"), [("provincie", "Utrecht"), ("corop", "Twente"), ("nederland", "Nederland")]
)
def test_kernboodschappen_numbers_equal_table_values(
    processed: Path, level: str, region: str
) -> None:
    ctx = data.context(processed, level, region, "2026-01-02")
    messages = cover.kernboodschappen(ctx)
    assert 4 <= len(messages) <= 6
    allowed = allowed_numbers(scorecard.scorecard_frame(ctx))
    for message in messages:
        for token in _NUMBER.findall(message):
            assert token in allowed, (token, message)
    assert region in messages[0]


# --- sections ----------------------------------------------------------------------------------


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
    codes = regions.loc[regions.region_level == "provincie", "region_code"].tolist()
    geometry = gpd.GeoDataFrame(
        {"region_code": codes},
        geometry=[box(i, 0, i + 1, 1) for i in range(len(codes))],
        crs="EPSG:4326",
    )
    monkeypatch.setattr(sections, "_MAP_CACHE", {})
    monkeypatch.setattr(sections, "boundaries", lambda level, raw, table: (geometry, None))
    (chart,) = sections.map_blocks(utrecht, "provincie")
    assert "12 van 12 gebieden" in chart.alt and "Utrecht is rood omlijnd" in chart.alt


# --- data quality and provenance ---------------------------------------------------------------


def test_quality_section_from_manifest(utrecht: data.ReportContext) -> None:
    blocks = quality.quality_section(utrecht)
    html_out = "".join(b.html for b in blocks if isinstance(b, Html))
    assert "123.456" in html_out  # counts_total of the first input
    assert text.pct(123000 / 123456) in html_out
    assert "municipality name not found" in html_out and "456" in html_out
    _l, _r, indicator, year, gender = SUPPRESSED_CASE
    row = utrecht.series(indicator, gender=gender)
    row = row[row.year == year].iloc[0]
    bounds = text.pct_range(row["share"], row["share_low"], row["share_high"])
    label = quality.GENDER_LABELS[gender]
    assert f"<td>{label}</td><td>{text.schooljaar(year)}</td>" in html_out
    assert html.escape(bounds) in html_out
    caveats = "".join(b.html for b in blocks if isinstance(b, Html) and "tp-keep" in b.html)
    assert "hoofdzetel" in caveats  # mbo caveat: region has mbo data
    assert "synthetische" in caveats


def test_provenance_lists_checksums_versions_parameters(utrecht: data.ReportContext) -> None:
    blocks = quality.provenance_section(utrecht)
    out = "".join(b.html for b in blocks if isinstance(b, Html))
    inputs = quality.inputs_table(utrecht)
    assert f'<td class="hash" title="{"a" * 64}">{"a" * 12}</td>' in inputs
    assert f"<li><code>{'c' * 64}</code>" in quality.checksums_html(utrecht)
    assert "0123456789abcdef0123456789abcdef01234567" in out
    assert "Parameter region" in out and "Utrecht" in out
    assert "Versie pandas" in out
    composition = re.search(r"<td>Noordvleugel</td><td>([^<]*)</td>", out).group(1)
    assert sorted(composition.split(", ")) == ["Flevoland", "Noord-Holland", "Utrecht"]
    assert "docs/methodology.md" in blocks[-1].markdown


# --- the notebook ------------------------------------------------------------------------------


def test_notebook_is_stored_clean() -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code[0]["metadata"].get("tags") == ["parameters"]
    assert "".join(code[0]["source"]).split("\n") == [
        'region_level = "provincie"',
        'region = "Utrecht"',
        'processed_dir = "../data/processed"',
        'generated_on = ""',
    ]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


_COUNT_CELL = re.compile(r'<td class="num count">([^<]*)</td>')


def _publishable(count: str) -> bool:
    if count in ("&lt;5", "onbekend"):
        return True
    value = count.removeprefix("ca. ").replace(".", "").replace(",", ".")
    return float(value) >= 5 or not count.startswith("ca. ")


@pytest.mark.parametrize(
    ("level", "region"),
    [("provincie", "Utrecht"), ("corop", "Utrecht"), ("nederland", "Nederland")],
)
def test_notebook_runs_end_to_end(processed: Path, tmp_path: Path, level: str, region: str) -> None:
    import papermill

    out = tmp_path / "out.ipynb"
    nb = papermill.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={
            "region_level": level,
            "region": region,
            "processed_dir": str(processed),
            "generated_on": "2026-01-02",
        },
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOK.parent),
    )
    html_parts, headings, counts = [], [], []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            headings += re.findall(r"^## (.+)$", cell.source, flags=re.M)
        for output in cell.get("outputs", []):
            assert output.output_type == "display_data", output  # no stream, no error
            assert set(output.data) <= {"text/html", "text/markdown"}, set(output.data)
            page = output.data.get("text/html", "")
            html_parts.append(page)
            counts += _COUNT_CELL.findall(page)
    page = "".join(html_parts)
    assert page.count('<section class="cover">') == 1
    title = re.search(r'<h1 class="cover-title">(.*?)</h1>', page).group(1)
    assert re.sub(r"<[^>]+>", "", title) == f"Kiezen voor bèta en techniek in\u00a0{region}"
    assert page.count('<figure class="chart">') >= 5
    assert all(
        re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="[^"]+"', f)
        for f in page.split('<figure class="chart">')[1:]
    )
    assert "Kernboodschappen" in headings and "Verantwoording" in headings
    assert counts and all(_publishable(c) for c in counts), counts
    if (level, region) == SMALL_CASE[:2]:
        assert "&lt;5" in counts
