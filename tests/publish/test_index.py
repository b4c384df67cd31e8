"""The index page on hand-made inputs: latest shares, bounds, links, vintage, its key."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.publish import index
from analysis.publish.render import external_resources
from analysis.store import schema


def _indicators(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=["indicator", "region_level", "region", "year", "share", "share_low", "share_high"],
    )
    frame["schooljaar"] = frame["year"].map(lambda y: f"{y}/{(y + 1) % 100:02d}")
    frame["gender"] = "totaal"
    return schema.conform(frame, schema.INDICATOR_COLUMNS)


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
    page = index.index_html(regions, indicators, definitions, {"demo": False}, tmp_path)
    utrecht = re.search(r"<tr>.*?>Utrecht<.*?</tr>", page, re.S).group(0)
    zeeland = re.search(r"<tr>.*?>Zeeland<.*?</tr>", page, re.S).group(0)
    # Latest year with a share; bounds as a tooltip when they differ from each other.
    assert 'title="tussen 12,0% en 13,0%">12,5% <small>(2021/22)</small>' in utrecht
    assert "40,0% <small>(2023/24)</small>" in utrecht
    assert "50,0% <small>(2020/21)</small>" in zeeland  # 2021 has no share
    assert '<a href="provincie/utrecht.html">HTML</a>' in utrecht
    assert "provincie/utrecht.pdf" not in utrecht and "nog niet gemaakt" in zeeland
    assert "<li>DUO mbo: 2021/22</li>" in page and "<li>DUO vo: 2023/24</li>" in page
    assert "<th>Mbo techniek</th>" in page
    assert 'class="demo-banner' not in page
    assert external_resources(page) == []
    demo_page = index.index_html(regions, indicators, definitions, {"demo": True}, tmp_path)
    assert "DEMO — synthetische gegevens" in demo_page


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


def test_index_names_missing_sources_in_dutch(tmp_path: Path) -> None:
    regions = pd.DataFrame({"region_level": ["provincie"], "region": ["Utrecht"]})
    indicators = _indicators([("mbo_techniek", "provincie", "Utrecht", 2020, 0.25, 0.25, 0.25)])
    definitions = {"mbo_techniek": {"naam": "Mbo techniek", "bron": "DUO mbo"}}
    missing = [
        {"path": "a.csv", "title": "Ingeschrevenen hoger onderwijs (DUO), 2020-2024"},
        {"path": "b.csv", "title": "Gemeentelijke indeling op 1 januari (CBS) & <co>"},
    ]
    manifest = {"demo": False, "missing_sources": missing}
    page = index.index_html(regions, indicators, definitions, manifest, tmp_path)
    note = re.search(r'<div class="missing-sources" role="note">(.*?)</div>', page).group(1)
    assert note.startswith("Let op: niet alle bronnen waren beschikbaar.")
    assert "zonder Ingeschrevenen hoger onderwijs (DUO), 2020-2024; " in note
    assert "Gemeentelijke indeling op 1 januari (CBS) &amp; &lt;co&gt;." in note  # escaped
    plain = index.index_html(regions, indicators, definitions, {"demo": False}, tmp_path)
    assert 'class="missing-sources"' not in plain
