"""Reports at the levels without a province of their own: Nederland, landsdelen (both schemes)
and custom regional pacts. Each section must make sense at its level: Nederland is not
compared with itself or ranked, a landsdeel's peers are 'landsdelen', a cover states what
the region is made of. Expected values come from the fixture's tables or config files.
"""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from report_fixtures import make_processed

from analysis import data, paths
from analysis.content import cover, quality, scorecard, sections
from analysis.present import plots
from analysis.present.blocks import Html
from analysis.publish.render import CSS_FILE


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_processed(tmp_path_factory.mktemp("processed"), demo=True)


def _ctx(processed: Path, level: str, region: str) -> data.ReportContext:
    return data.context(processed, level, region, "2026-01-02")


def _with_regions(ctx: data.ReportContext, regions: pd.DataFrame, level: str, name: str):
    """The same report context on an edited regions table."""
    edited = dataclasses.replace(ctx.data, regions=regions, _derived={}, _derived_rows={})
    return dataclasses.replace(ctx, data=edited, region=data.resolve_region(edited, level, name))


def _facts(cover: str) -> dict[str, str]:
    rows = re.findall(r'<th scope="row">([^<]*)</th><td>([^<]*)</td>', cover)
    return {html.unescape(k): html.unescape(v) for k, v in rows}


def _provinces(ctx: data.ReportContext) -> pd.DataFrame:
    regions = ctx.data.regions
    return regions[regions["region_level"] == "provincie"]


# --- cover ------------------------------------------------------------------------------------


def test_cover_of_a_landsdeel_names_its_provinces(processed: Path) -> None:
    ctx = _ctx(processed, "landsdeel", "Noord")
    facts = _facts(cover.cover_html(ctx))
    provinces = _provinces(ctx)
    expected = provinces.loc[provinces["landsdeel"] == "Noord", "region"].tolist()
    assert sorted(facts["Provincies"].split(", ")) == sorted(expected)
    assert "Landsdeel" not in facts  # not 'n.v.t.' on the report of a landsdeel
    assert facts["Niveau"] == "landsdeel (Techniekpact)"


def test_cover_of_nederland_has_no_landsdeel_and_no_self_comparison(processed: Path) -> None:
    page = cover.cover_html(_ctx(processed, "nederland", "Nederland"))
    facts = _facts(page)
    assert facts["Niveau"] == "landelijk"
    assert "Landsdeel" not in facts and "Provincies" not in facts
    assert "vergelijkt met Nederland" not in page
    assert "verschillen tussen de provincies" in page


def test_cover_of_a_pact_states_its_landsdeel_and_provinces(processed: Path) -> None:
    ctx = _ctx(processed, "regiopact", "Twente")
    facts = _facts(cover.cover_html(ctx))
    assert facts["Landsdeel"] == "Oost" and facts["Provincie"] == "Overijssel"
    assert "vergelijkt met Nederland, met de andere regionale techniekpacten" in (
        cover.cover_html(ctx)
    )


def test_cover_of_a_pact_across_landsdelen_names_them_all(processed: Path) -> None:
    ctx = _ctx(processed, "regiopact", "Twente")
    regions = ctx.data.regions.copy()
    at = regions.index[(regions["region_level"] == "regiopact") & (regions["region"] == "Twente")]
    regions.loc[at, "landsdeel"] = pd.NA
    regions.loc[at, "member_provinces"] = pd.Series([["PV25", "PV26"]], index=at)
    wide = _with_regions(ctx, regions, "regiopact", "Twente")
    facts = _facts(cover.cover_html(wide))
    names = dict(zip(_provinces(ctx)["region_code"], _provinces(ctx)["region"], strict=True))
    assert facts["Provincies"] == f"{names['PV25']}, {names['PV26']}"  # Gelderland, Utrecht
    assert facts["Landsdeel"] == "verspreid over Oost en Noordvleugel"


# --- peers named by level ----------------------------------------------------------------------


def test_peers_section_heading_fits_the_level(processed: Path) -> None:
    nl = sections.peers_section(_ctx(processed, "nederland", "Nederland"))[0].html
    assert "<h2>Verschillen tussen de provincies</h2>" in nl
    assert "Vergelijking" not in nl
    assert html.escape("niet met andere regio's vergeleken") in nl
    ld = sections.peers_heading(_ctx(processed, "landsdeel", "Noord")).html
    assert "<h2>Vergelijking met de andere landsdelen</h2>" in ld
    pv = sections.peers_heading(_ctx(processed, "provincie", "Utrecht")).html
    assert "<h2>Vergelijking met de andere provincies</h2>" in pv


def test_trend_charts_name_the_peers_by_level(processed: Path) -> None:
    noord = _ctx(processed, "landsdeel", "Noord")
    lines = sections._trend_lines(noord, "mbo_techniek")
    peers = [line.label for line in lines if line.role == "peer"]
    regions = noord.data.regions
    assert len(peers) == (regions["region_level"] == "landsdeel").sum() - 1
    assert set(peers) == {"Andere landsdelen"}
    (chart,) = [b for b in sections.level_section(noord, "mbo") if isinstance(b, plots.Chart)]
    assert "Noord vergeleken met Nederland en de andere landsdelen" in chart.alt
    assert "regio's" not in chart.alt.split(".")[1]  # the title (the alt's second sentence)
    utrecht = _ctx(processed, "provincie", "Utrecht")
    labels = {line.label for line in sections._trend_lines(utrecht, "mbo_techniek")}
    assert "Andere provincies in Noordvleugel" in labels  # landsdeel name keeps its capital


def test_scorecard_intro_and_caption_fit_the_level(processed: Path) -> None:
    nl = scorecard.scorecard_html(_ctx(processed, "nederland", "Nederland"))
    intro = re.search(r'<p class="tp-intro">(.*?)</p>', nl).group(1)
    assert "landelijke waarde" in intro and "plaats" not in intro
    assert "Plaats 1" not in nl and "Nederland</th>" not in nl
    ld = scorecard.scorecard_html(_ctx(processed, "landsdeel", "Noord"))
    assert "plaats van Noord onder de landsdelen." in ld and "binnen landsdeel" not in ld
    pv = scorecard.scorecard_html(_ctx(processed, "provincie", "Utrecht"))
    assert "onder de provincies, ook binnen landsdeel Noordvleugel." in pv


def test_key_message_ranks_a_landsdeel_among_the_landsdelen(processed: Path) -> None:
    ctx = _ctx(processed, "landsdeel", "Noord")
    derived = pd.read_parquet(processed / paths.DERIVED_FILE)
    rows = derived[
        (derived["region_code"] == ctx.region.code)
        & (derived["indicator"] == "mbo_techniek")  # the first indicator with a target
        & (derived["gender"] == "totaal")
        & derived["share"].notna()
    ].sort_values("year")
    last = rows.iloc[-1]
    expected = (
        f"staat Noord op plaats {int(last['rank_level'])} van de "
        f"{int(last['regions_in_level'])} landsdelen."
    )
    messages = cover.kernboodschappen(ctx)
    assert any(m.endswith(expected) for m in messages), messages
    assert not any("hetzelfde niveau" in m for m in messages)


# --- data quality and provenance ---------------------------------------------------------------


def test_cbs_landsdeel_report_states_the_cbs_composition(processed: Path) -> None:
    ctx = _ctx(processed, "provincie", "Utrecht")
    config = yaml.safe_load(paths.REGIONS_CONFIG.read_text(encoding="utf-8"))
    cbs = config["landsdelen"]["cbs"]["regions"]
    code_of = dict(zip(_provinces(ctx)["region"], _provinces(ctx)["region_code"], strict=True))
    extra = pd.DataFrame(
        {
            "region_level": "landsdeel_cbs",
            "region": list(cbs),
            "region_code": [f"LD-cbs-{n}" for n in cbs],
            "landsdeel": pd.NA,
            "province_code": pd.NA,
            "member_provinces": [[code_of[p] for p in provs] for provs in cbs.values()],
            "member_municipalities": [[] for _ in cbs],
        }
    )
    regions = pd.concat([ctx.data.regions, extra], ignore_index=True)
    west = _with_regions(ctx, regions, "landsdeel_cbs", "West-Nederland")
    table = quality.landsdeel_table(west)
    assert "Gebruikte indeling in landsdelen (CBS)" in table
    shown = dict(re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", table))
    assert {k: sorted(v.split(", ")) for k, v in shown.items()} == {
        k: sorted(v) for k, v in cbs.items()
    }
    own = quality.landsdeel_table(_with_regions(ctx, regions, "provincie", "Utrecht"))
    assert "<td>Noordvleugel</td>" in own and "West-Nederland" not in own  # Techniekpact scheme


def test_caveats_and_warnings_are_kept_together_and_escaped(processed: Path) -> None:
    blocks = quality.quality_section(_ctx(processed, "provincie", "Utrecht"))
    kept = [b.html for b in blocks if isinstance(b, Html) and "tp-keep" in b.html]
    assert kept and kept[0].startswith('<section class="tp-keep"><h3>Kanttekeningen</h3><ul>')
    assert "(&lt;5)" in kept[0] and "(<5)" not in kept[0]
    block = quality.kept_list("T", ["<b>x</b>", "y"], intro="a & b", outro="z").html
    assert block == (
        '<section class="tp-keep"><h3>T</h3><p>a &amp; b</p>'
        "<ul><li>&lt;b&gt;x&lt;/b&gt;</li><li>y</li></ul><p>z</p></section>"
    )


def test_print_css_keeps_lists_whole_and_lets_long_tables_break() -> None:
    css = re.sub(r"\s+", " ", CSS_FILE.read_text(encoding="utf-8"))
    media = css[css.index("@media print") :]
    assert re.search(r"\.tp-keep \{ break-inside: avoid;", media)
    assert re.search(r"table\.tp-table\.tp-long[^{]*\{ break-inside: auto;", media)
    assert re.search(r"li:nth-last-child\(-n\+2\) \{ break-before: avoid;", media)
