"""Reports name the HO bèta definition (analysis.content.ho_definition) on the fake folder."""

from __future__ import annotations

import html

import pandas as pd
import yaml
from report_fixtures import APPROXIMATED_CASE

from analysis import data, paths
from analysis.content import ho_definition, quality, scorecard, sections
from analysis.present import text
from analysis.present.blocks import Html


def _national(ctx: data.ReportContext, indicator: str, year: int) -> float:
    table = pd.read_parquet(ctx.data.path / paths.INDICATORS_FILE)
    hit = table[
        (table["indicator"] == indicator)
        & (table["region"] == "Utrecht")
        & (table["region_level"] == "provincie")
        & (table["gender"] == "totaal")
        & (table["year"] == year)
    ]
    return float(hit["share"].iloc[0])


def test_scorecard_notes_name_the_monitor_definition(utrecht: data.ReportContext) -> None:
    out = html.unescape(scorecard.scorecard_html(utrecht))
    listed = yaml.safe_load((paths.CONFIG_DIR / "ho_beta_programmes.yaml").read_text("utf-8"))
    assert "definitie van de Techniekpact-monitor" in out
    assert f"plus {len(listed['programmes'])} opleidingen daarbuiten" in out
    # the CROHO-only figure beside the monitor's, for the latest year (2019/20 in the folder)
    monitor = text.pct(_national(utrecht, "hbo_techniek_instroom", 2019))
    croho = text.pct(_national(utrecht, "hbo_techniek_instroom_croho", 2019))
    assert f"instroom hbo in bèta-techniek {monitor} (alleen CROHO-onderdelen: {croho}" in out


def test_approximated_years_are_named_with_the_switch_of_method(
    utrecht: data.ReportContext,
) -> None:
    indicator, year, genders = APPROXIMATED_CASE
    assert ho_definition.approximated_years(utrecht, indicator) == {g: [year] for g in genders}
    notes = " ".join(ho_definition.notes(utrecht))
    assert "voor mannen en vrouwen in 2019/20 komen de cijfers uit een DUO-bestand zonder" in notes
    assert "de trendlijn voor mannen en vrouwen wisselt tussen 2018/19 en 2019/20" in notes
    assert "wo in bèta-techniek: voor" not in notes  # wo rests on the programme list throughout


def test_verantwoording_has_the_definition(utrecht: data.ReportContext) -> None:
    blocks = quality.provenance_section(utrecht)
    htmls = [b.html for b in blocks if isinstance(b, Html)]
    kept = [h for h in htmls if "Definitie bèta-techniek in het hoger onderwijs" in h]
    assert len(kept) == 1
    assert "config/ho_beta_programmes.yaml" in kept[0]


def test_croho_variants_are_not_main_indicators(utrecht: data.ReportContext) -> None:
    main = utrecht.main_indicators()
    assert "ho_beta_instroom" in main and "hbo_techniek_instroom" in main
    assert not [i for i in main if i.endswith("_croho")]
    assert "ho_beta_instroom" not in utrecht.main_indicators(["hbo"])  # level 'hbo+wo'


def test_vo_section_breaks_vmbo_3_down_per_leerweg(utrecht: data.ReportContext) -> None:
    blocks = sections.level_section(utrecht, "vo")
    table = [b.html for b in blocks if "per leerweg" in getattr(b, "html", "")]
    assert len(table) == 1
    for name in (
        "Vmbo 3 basisberoepsgerichte leerweg in techniek",
        "Vmbo 3 kaderberoepsgerichte leerweg in techniek",
        "Vmbo 3 gemengde en theoretische leerweg in techniek",
    ):
        assert html.escape(name) in table[0]
