"""The index page on hand-made inputs: latest shares, bounds, links, vintage, its key."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.publish import index
from analysis.publish.render import external_resources
from analysis.store import schema

COLUMNS = ("mbo_techniek", "vo_havo_n")


def _indicators(rows: list[tuple], gender: str = "totaal") -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=["indicator", "region_level", "region", "year", "share", "share_low", "share_high"],
    )
    frame["schooljaar"] = frame["year"].map(lambda y: f"{y}/{(y + 1) % 100:02d}")
    frame["gender"] = gender
    return schema.conform(frame, schema.INDICATOR_COLUMNS)


def _row(page: str, region: str) -> str:
    return re.search(rf"<tr data-level=[^>]*>(?:(?!</tr>).)*>{region}<.*?</tr>", page, re.S).group(
        0
    )


def test_index_shows_latest_share_bounds_links_and_vintage(tmp_path: Path) -> None:
    regions = pd.DataFrame(
        {"region_level": ["provincie", "provincie"], "region": ["Utrecht", "Zeeland"]}
    )
    indicators = _indicators(
        [
            ("mbo_techniek", "provincie", "Utrecht", 2020, 0.25, 0.25, 0.25),
            ("mbo_techniek", "provincie", "Utrecht", 2021, 0.125, 0.12, 0.13),
            ("mbo_techniek", "provincie", "Zeeland", 2021, None, None, None),
            ("mbo_techniek", "provincie", "Zeeland", 2020, 0.5, 0.5, 0.5),
            ("vo_havo_n", "provincie", "Utrecht", 2023, 0.4, 0.4, 0.4),
        ]
    )
    definitions = {
        "mbo_techniek": {"naam": "Mbo techniek", "bron": "DUO mbo"},
        "vo_havo_n": {"naam": "Havo N", "bron": "DUO vo"},
    }
    (tmp_path / "provincie").mkdir()
    (tmp_path / "provincie" / "utrecht.html").write_text("x")
    page = index.index_html(
        regions, indicators, definitions, {"demo": False}, tmp_path, columns=COLUMNS
    )
    utrecht, zeeland = _row(page, "Utrecht"), _row(page, "Zeeland")
    # Latest year with a share; bounds as a tooltip when they differ from each other.
    assert 'title="tussen 12,0% en 13,0%">12,5% <small>(2021/22)</small>' in utrecht
    assert "40,0% <small>(2023/24)</small>" in utrecht
    assert "50,0% <small>(2020/21)</small>" in zeeland  # 2021 has no share
    assert '<a href="provincie/utrecht.html">HTML</a>' in utrecht
    assert "provincie/utrecht.pdf" not in utrecht and "nog niet gemaakt" in zeeland
    assert "<li>DUO mbo: 2021/22</li>" in page and "<li>DUO vo: 2023/24</li>" in page
    assert '<button type="button">Mbo techniek</button>' in page
    assert 'class="demo-banner' not in page
    assert external_resources(page) == []
    demo_page = index.index_html(
        regions, indicators, definitions, {"demo": True}, tmp_path, columns=COLUMNS
    )
    assert "DEMO — synthetische gegevens" in demo_page


def test_index_rounds_as_the_reports_do_and_shows_men_and_women(tmp_path: Path) -> None:
    """0,0125 is 1,3% in a report (half up, text.pct); the index printed 1,2% (float :.1f).
    The header promises men and women: their shares of the same school year are shown."""
    regions = pd.DataFrame({"region_level": ["provincie"], "region": ["Utrecht"]})
    indicators = pd.concat(
        [
            _indicators([("mbo_techniek", "provincie", "Utrecht", 2021, 0.0125, 0.0125, 0.0125)]),
            _indicators(
                [("mbo_techniek", "provincie", "Utrecht", 2021, 0.0225, None, None)], "man"
            ),
            _indicators([("mbo_techniek", "provincie", "Utrecht", 2020, 0.5, None, None)], "vrouw"),
            _indicators(
                [("mbo_techniek", "provincie", "Utrecht", 2021, 0.0035, None, None)], "vrouw"
            ),
        ],
        ignore_index=True,
    )
    definitions = {"mbo_techniek": {"naam": "Mbo techniek", "bron": "DUO mbo"}}
    page = index.index_html(regions, indicators, definitions, {}, tmp_path, columns=COLUMNS)
    cell = re.search(r'<td class="num" data-sort="0.0125.*?</td>', page, re.S).group(0)
    assert ">1,3% <small>(2021/22)</small>" in cell
    assert "mannen 2,3% · vrouwen 0,4%" in cell  # 2021's, not the women's 2020 figure
    assert index.percent(0.0125) == "1,3%"


def test_index_names_levels_and_sources_in_dutch_never_by_id(tmp_path: Path) -> None:
    regions = pd.DataFrame(
        {"region_level": ["landsdeel_cbs", "corop"], "region": ["Noord-Nederland", "Twente"]}
    )
    indicators = _indicators(
        [
            ("mbo_techniek", "corop", "Twente", 2021, 0.3, 0.3, 0.3),
            ("hbo_techniek_gediplomeerd__aandeel_vrouwen", "corop", "Twente", 2018, 0.2, 0.2, 0.2),
        ]
    )
    definitions = {
        "mbo_techniek": {"naam": "Mbo techniek", "bron": "DUO mbo"},
        "hbo_techniek_gediplomeerd": {"naam": "Hbo gediplomeerd", "bron": "DUO hbo"},
    }
    page = index.index_html(regions, indicators, definitions, {}, tmp_path, columns=COLUMNS)
    assert "<li>DUO hbo: 2018/19</li>" in page
    assert "__aandeel_vrouwen" not in page and "hbo_techniek" not in page
    assert '<option value="corop">COROP-gebied</option>' in page
    assert '<option value="landsdeel_cbs">landsdeel (CBS)</option>' in page
    assert ">COROP-gebied</td>" in page and ">corop<" not in page


def test_index_sorts_with_buttons_and_aria_sort_and_filters_by_level(tmp_path: Path) -> None:
    regions = pd.DataFrame({"region_level": ["provincie"], "region": ["Utrecht"]})
    indicators = _indicators([("mbo_techniek", "provincie", "Utrecht", 2021, 0.3, 0.3, 0.3)])
    page = index.index_html(
        regions, indicators, {"mbo_techniek": {"naam": "M"}}, {}, tmp_path, columns=COLUMNS
    )
    heads = re.findall(r"<th scope=\"col\"([^>]*)>(.*?)</th>", page)
    assert [(attrs.strip(), label) for attrs, label in heads] == [
        ('aria-sort="ascending"', '<button type="button">Niveau</button>'),
        ('aria-sort="none"', '<button type="button">Regio</button>'),
        ('aria-sort="none" class="num"', '<button type="button">M</button>'),
        ("", "Rapport"),
    ]
    assert '<tr data-level="provincie">' in page
    assert '<label for="tp-level">Niveau</label>' in page
    assert 'setAttribute("aria-sort", asc ? "ascending" : "descending")' in page


def test_index_key_changes_when_a_report_appears(tmp_path: Path) -> None:
    before = index.index_key(tmp_path, {"data": "a"})
    (tmp_path / "provincie").mkdir()
    (tmp_path / "provincie" / "utrecht.pdf").write_text("x")
    after = index.index_key(tmp_path, {"data": "a"})
    assert before != after
    assert index.index_key(tmp_path, {"data": "b"}) != after


def test_percent_is_dutch() -> None:
    assert index.percent(0.1234) == "12,3%"
    assert index.percent(0.4) == "40,0%"
    assert index.percent(0.0125) == "1,3%"  # half up, as text.pct rounds in the reports


def test_index_names_missing_sources_in_dutch(tmp_path: Path) -> None:
    regions = pd.DataFrame({"region_level": ["provincie"], "region": ["Utrecht"]})
    indicators = _indicators([("mbo_techniek", "provincie", "Utrecht", 2020, 0.25, 0.25, 0.25)])
    definitions = {"mbo_techniek": {"naam": "Mbo techniek", "bron": "DUO mbo"}}
    missing = [
        {"path": "a.csv", "title": "Ingeschrevenen hoger onderwijs (DUO), 2020-2024"},
        {"path": "b.csv", "title": "Gemeentelijke indeling op 1 januari (CBS) & <co>"},
    ]
    manifest = {"demo": False, "missing_sources": missing}
    page = index.index_html(regions, indicators, definitions, manifest, tmp_path, columns=COLUMNS)
    note = re.search(r'<div class="missing-sources" role="note">(.*?)</div>', page).group(1)
    assert note.startswith("Let op: niet alle bronnen waren beschikbaar.")
    assert "zonder Ingeschrevenen hoger onderwijs (DUO), 2020-2024; " in note
    assert "Gemeentelijke indeling op 1 januari (CBS) &amp; &lt;co&gt;." in note  # escaped
    plain = index.index_html(
        regions, indicators, definitions, {"demo": False}, tmp_path, columns=COLUMNS
    )
    assert 'class="missing-sources"' not in plain


def test_index_says_geen_opleiding_where_the_region_has_no_such_programme(tmp_path: Path) -> None:
    regions = pd.DataFrame({"region_level": ["corop", "corop"], "region": ["Achterhoek", "Twente"]})
    indicators = _indicators(
        [
            ("hbo_techniek_instroom", "corop", "Achterhoek", 2024, 0.0, 0.0, 0.0),
            ("hbo_techniek_instroom", "corop", "Twente", 2024, 0.0, 0.0, 0.0),
        ]
    )
    derived = pd.DataFrame(
        {
            "indicator": ["hbo_techniek_instroom"] * 3,
            "region_level": ["corop"] * 3,
            "region": ["Achterhoek", "Achterhoek", "Twente"],
            "year": [2024, 2024, 2024],
            "gender": ["totaal", "man", "totaal"],
            "no_programme": pd.array([True, True, False], dtype="boolean"),
        }
    )
    without = index.shares_without_programme(derived)
    assert without == {("corop", "Achterhoek", "hbo_techniek_instroom", 2024)}
    definitions = {"hbo_techniek_instroom": {"naam": "Instroom hbo", "bron": "DUO ho"}}
    page = index.index_html(
        regions,
        indicators,
        definitions,
        {},
        tmp_path,
        columns=("hbo_techniek_instroom",),
        without_programme=without,
    )
    achterhoek, twente = _row(page, "Achterhoek"), _row(page, "Twente")
    assert "geen opleiding <small>(2024/25)</small>" in achterhoek
    assert "0,0%" not in achterhoek
    # A real share of zero (a programme with no bèta students) stays a figure.
    assert "0,0% <small>(2024/25)</small>" in twente


def test_index_shows_the_configured_columns_in_their_order(tmp_path: Path) -> None:
    regions = pd.DataFrame({"region_level": ["provincie"], "region": ["Utrecht"]})
    indicators = _indicators(
        [
            ("mbo_techniek", "provincie", "Utrecht", 2021, 0.3, 0.3, 0.3),
            ("vo_havo_n", "provincie", "Utrecht", 2021, 0.4, 0.4, 0.4),
        ]
    )
    definitions = {"mbo_techniek": {"naam": "Mbo"}, "vo_havo_n": {"naam": "Havo N"}}
    page = index.index_html(
        regions, indicators, definitions, {}, tmp_path, columns=("vo_havo_n", "mbo_techniek")
    )
    assert page.index(">Havo N</button>") < page.index(">Mbo</button>")
    assert re.search(r"40,0%.*30,0%", _row(page, "Utrecht"), re.S)
    only = index.index_html(regions, indicators, definitions, {}, tmp_path, columns=())
    assert '<button type="button">Mbo</button>' not in only and "30,0%" not in only


def test_a_level_without_any_report_keeps_its_figures_and_says_so_once(tmp_path: Path) -> None:
    regions = pd.DataFrame(
        {
            "region_level": ["provincie", "provincie", "gemeente", "gemeente"],
            "region": ["Utrecht", "Zeeland", "Bernheze", "Lochem"],
        }
    )
    indicators = _indicators([("mbo_techniek", "gemeente", "Lochem", 2021, 0.3, 0.3, 0.3)])
    (tmp_path / "provincie").mkdir()
    (tmp_path / "provincie" / "utrecht.pdf").write_text("x")
    page = index.index_html(
        regions, indicators, {"mbo_techniek": {"naam": "M"}}, {}, tmp_path, columns=COLUMNS
    )
    assert page.count("Voor de gemeenten zijn in deze editie geen rapporten gemaakt") == 1
    assert "provincies zijn" not in page  # Utrecht has a report: the level is built
    assert "nog niet gemaakt" in _row(page, "Zeeland")  # built level, this one missing
    lochem = _row(page, "Lochem")
    assert "nog niet gemaakt" not in lochem and '<td class="links" data-sort="">–</td>' in lochem
    assert "30,0%" in lochem  # the figures stay
