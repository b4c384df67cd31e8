"""The cover and key messages (analysis.content.cover) on the fake processed folder."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from report_fixtures import make_processed, report_context
from text_checks import NUMBER, allowed_numbers

from analysis import data, paths
from analysis.content import cover, quality, scorecard
from analysis.present import text


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


@pytest.mark.parametrize(
    ("level", "region"), [("provincie", "Utrecht"), ("corop", "Twente"), ("nederland", "Nederland")]
)
def test_kernboodschappen_numbers_equal_table_values(
    processed: Path, level: str, region: str
) -> None:
    ctx = data.context(processed, level, region, "2026-01-02")
    messages = cover.kernboodschappen(ctx)
    assert 4 <= len(messages) <= 7
    allowed = allowed_numbers(scorecard.scorecard_frame(ctx))
    for message in messages:
        for token in NUMBER.findall(message):
            assert token in allowed, (token, message)
    assert region in messages[0]


def test_cover_of_a_landsdeel_names_its_provinces(processed: Path) -> None:
    ctx = report_context(processed, "landsdeel", "Noord")
    facts = _facts(cover.cover_html(ctx))
    provinces = _provinces(ctx)
    expected = provinces.loc[provinces["landsdeel"] == "Noord", "region"].tolist()
    assert sorted(facts["Provincies"].split(", ")) == sorted(expected)
    assert "Landsdeel" not in facts  # not 'n.v.t.' on the report of a landsdeel
    assert facts["Niveau"] == "landsdeel (Techniekpact)"


def test_cover_of_nederland_has_no_landsdeel_and_no_self_comparison(processed: Path) -> None:
    page = cover.cover_html(report_context(processed, "nederland", "Nederland"))
    facts = _facts(page)
    assert facts["Niveau"] == "landelijk"
    assert "Landsdeel" not in facts and "Provincies" not in facts
    assert "vergelijkt met Nederland" not in page
    assert "verschillen tussen de provincies" in page


def test_cover_of_a_pact_states_its_landsdeel_and_provinces(processed: Path) -> None:
    ctx = report_context(processed, "regiopact", "Twente")
    facts = _facts(cover.cover_html(ctx))
    assert facts["Landsdeel"] == "Oost" and facts["Provincie"] == "Overijssel"
    assert "vergelijkt met Nederland, met de andere regionale techniekpacten" in (
        cover.cover_html(ctx)
    )


def test_cover_of_a_pact_across_landsdelen_names_them_all(processed: Path) -> None:
    ctx = report_context(processed, "regiopact", "Twente")
    regions = ctx.data.regions.copy()
    at = regions.index[(regions["region_level"] == "regiopact") & (regions["region"] == "Twente")]
    regions.loc[at, "landsdeel"] = pd.NA
    regions.loc[at, "member_provinces"] = pd.Series([["PV25", "PV26"]], index=at)
    wide = _with_regions(ctx, regions, "regiopact", "Twente")
    facts = _facts(cover.cover_html(wide))
    names = dict(zip(_provinces(ctx)["region_code"], _provinces(ctx)["region"], strict=True))
    assert facts["Provincies"] == f"{names['PV25']}, {names['PV26']}"  # Gelderland, Utrecht
    assert facts["Landsdeel"] == "verspreid over Oost en Noordvleugel"


def test_key_message_ranks_a_landsdeel_among_the_landsdelen(processed: Path) -> None:
    ctx = report_context(processed, "landsdeel", "Noord")
    derived = pd.read_parquet(processed / paths.DERIVED_FILE)
    rows = derived[
        (derived["region_code"] == ctx.region.code)
        & (derived["indicator"] == "mbo_techniek")  # the first indicator with a target
        & (derived["gender"] == "totaal")
        & derived["share"].notna()
    ].sort_values("year")
    last = rows.iloc[-1]
    n = int(last["regions_in_level"])
    best, worst = int(last["rank_level"]), int(last["rank_level_worst"])
    if best == n:
        spot = f"op de laatste plaats van de {n} landsdelen."
    elif best == worst:
        spot = f"op plaats {best} van de {n} landsdelen."
    else:
        spot = f"op plaats {best} tot {worst} van de {n} landsdelen (de marges overlappen)."
    expected = f"staat Noord in {text.schooljaar(int(last['year']))} {spot}"
    messages = cover.kernboodschappen(ctx)
    assert any(m.endswith(expected) for m in messages), messages
    assert not any("hetzelfde niveau" in m for m in messages)


def test_cbs_landsdeel_report_states_the_cbs_composition(processed: Path) -> None:
    ctx = report_context(processed, "provincie", "Utrecht")
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


def test_cover_names_missing_sources(tmp_path: Path) -> None:
    folder = make_processed(tmp_path / "real", demo=False)
    ctx = data.context(folder, "corop", "Twente", "2026-01-02")
    assert 'class="missing-sources"' not in cover.cover_html(ctx)
    manifest = {**ctx.data.manifest, "missing_sources": [{"title": "Alle vestigingen vo (DUO)"}]}
    partial = dataclasses.replace(ctx, data=dataclasses.replace(ctx.data, manifest=manifest))
    page = cover.cover_html(partial)
    assert (
        '<div class="missing-sources" role="note">Let op: niet alle bronnen waren beschikbaar. '
        "Deze cijfers zijn gemaakt zonder Alle vestigingen vo (DUO)." in page
    )
    assert "demo-banner" not in page


def test_a_region_without_a_university_says_so(real_processed: Path) -> None:
    """The Achterhoek has no university (known, not computed): its wo figures are absent
    because higher education is counted where it is given, and the report says why. Twente
    (Universiteit Twente) gets no such sentence."""
    from analysis.content import sections

    ctx = data.context(real_processed, "corop", "Achterhoek", "2026-12-01")
    messages = cover.kernboodschappen(ctx)
    wo = [m for m in messages if "instroom wo" in m]
    assert wo == [
        "In de Achterhoek is geen universiteit; hoger onderwijs wordt geteld waar de opleiding "
        "gegeven wordt, dus voor het aandeel instroom wo in bèta-techniek zijn er geen cijfers."
    ]
    section = sections.level_section(ctx, "wo")
    assert section[0].markdown.startswith("In de Achterhoek is geen universiteit;")
    twente = data.context(real_processed, "corop", "Twente", "2026-12-01")
    assert not any("geen universiteit" in m for m in cover.kernboodschappen(twente))
    assert "geen universiteit" not in str(sections.level_section(twente, "wo"))
