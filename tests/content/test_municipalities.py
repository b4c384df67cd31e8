"""'Gemeenten in <regio>' and a gemeente's own report, on the demo store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import data, paths
from analysis.content import municipalities, sections
from analysis.present import plots
from analysis.present.blocks import Html, Markdown


def _context(processed: Path, level: str, name: str) -> data.ReportContext:
    return data.context(processed, level, name, "2026-01-02")


def _html(blocks) -> str:
    return " ".join(b.html for b in blocks if isinstance(b, Html))


def test_section_of_a_province(demo_processed: Path) -> None:
    ctx = _context(demo_processed, "provincie", "Utrecht")
    regions = ctx.data.regions
    own = regions[(regions["region_level"] == "gemeente") & (regions["province_code"] == "PV26")]
    blocks = municipalities.inside_section(ctx)
    heading, chart, table = blocks
    assert "<h2>Gemeenten in Utrecht</h2>" in heading.html
    assert "op de gebiedsindeling van 2023" in heading.html
    assert "mbo-cijfers per gemeente" in heading.html  # says why mbo is absent
    assert isinstance(chart, plots.Chart)
    assert chart.alt.startswith("Kaart van de gemeenten in Utrecht: havo-examenkandidaten")
    assert "hoogste " in chart.alt and "laagste " in chart.alt
    # one table row per municipality of the province, each ranked within it
    rows = table.html.split("<tbody>")[1].count("<tr>")
    assert rows == len(own) > 0
    for name in own["region"]:
        assert f"<td>{name}</td>" in table.html
    assert f"1 van {len(own)}" in table.html


def test_ranks_in_the_region_count_only_municipalities_with_a_figure() -> None:
    frame = pd.DataFrame({"share": pd.array([0.3, None, 0.5, 0.3], dtype="Float64")})
    assert municipalities.region_ranks(frame).tolist() == [2, pd.NA, 1, 2]


def test_nederland_has_no_municipality_section(demo_processed: Path) -> None:
    assert municipalities.inside_section(_context(demo_processed, "nederland", "Nederland")) == []


def test_gemeente_report_looks_at_its_corop_region(demo_processed: Path) -> None:
    ctx = _context(demo_processed, "gemeente", "Demo-Twente 1")
    note = _html(municipalities.gemeente_note(ctx))
    assert "op de gebiedsindeling van 2023" in note and "geen school" not in note
    heading, chart, table = municipalities.inside_section(ctx)
    assert "<h2>Gemeenten in Twente (COROP-gebied)</h2>" in heading.html
    assert "Demo-Twente 1 is rood omlijnd" in chart.alt
    assert "Demo-Twente 1 (deze gemeente)" in table.html
    # trend peers: the other municipalities of its COROP region, not the whole landsdeel
    assert [name for _code, name in sections.peer_codes(ctx)] == ["Demo-Twente 2"]


def test_gemeente_without_schools_gets_a_short_note(demo_processed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "processed"
    shutil.copytree(demo_processed, folder)
    table = pd.read_parquet(folder / paths.INDICATORS_FILE)
    empty = table["region_code"] == "GM9024"  # a Twente municipality of the demo
    assert empty.any()
    for column in ("share", "share_low", "share_high", "numerator"):
        table.loc[empty, column] = pd.NA
    table.loc[empty, "denominator"] = 0.0
    table.to_parquet(folder / paths.INDICATORS_FILE)
    name = table.loc[empty, "region"].iloc[0]
    ctx = _context(folder, "gemeente", name)
    note = _html(municipalities.gemeente_note(ctx))
    assert f"In {name} staat geen school voor voortgezet onderwijs" in note
    _heading, _chart, rows = municipalities.inside_section(ctx)
    assert municipalities.NO_SCHOOL in rows.html


def test_section_without_municipality_figures_says_so(processed: Path) -> None:
    """The hand-made report folder has no gemeente level: a note, no empty table."""
    blocks = municipalities.inside_section(_context(processed, "provincie", "Utrecht"))
    assert isinstance(blocks[-1], Markdown) and "Geen gemeentecijfers" in blocks[-1].markdown


@pytest.mark.parametrize("level", ["provincie", "corop"])
def test_level_map_uses_the_fixed_scale(demo_processed: Path, level: str) -> None:
    ctx = _context(demo_processed, level, "Utrecht")
    (chart,) = sections.map_blocks(ctx, level)
    assert "vaste schaal 10–70%" in chart.alt  # config/maps.yaml, vo_havo_n
