"""Region reports built from the real DUO/CBS files, checked against indicators.parquet.

One batch per session through the ``techniekpact`` command (``--level all`` with the names
Utrecht, Twente and Nederland: the province and COROP region Utrecht, the COROP region and
the regional pact Twente, and the country), plus one report on the demo data. Expected
figures are read from the processed parquet with pandas and formatted here with plain
string formatting, not with ``analysis.present.text``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from analysis import cli, paths
from analysis.publish import pdf

pytestmark = pytest.mark.skipif(pdf.chromium_path() is None, reason="no Chromium installed")

REAL_REPORTS = {  # (level, name) -> file under reports/
    ("provincie", "Utrecht"): "provincie/utrecht",
    ("corop", "Utrecht"): "corop/utrecht",
    ("corop", "Twente"): "corop/twente",
    ("regiopact", "Twente"): "regiopact/twente",
    ("nederland", "Nederland"): "nederland/nederland",
}
HEADLINE = "mbo_techniek"  # has a value for every region with an mbo institution
CODE_TRACES = ("Traceback", "show(cover.", "from analysis", "ctx = ")
DEMO_MARK = "DEMO — synthetische gegevens"


def _build(processed: Path, reports: Path, *names: str) -> None:
    argv = ["reports", "--level", "all", "--jobs", "2"]
    argv += [a for name in names for a in ("--region", name)]
    argv += ["--processed-dir", str(processed), "--reports-dir", str(reports)]
    status = cli.main(argv)
    assert status == 0, f"techniekpact {' '.join(argv)} failed (exit {status})"


@pytest.fixture(scope="session")
def real_reports(real_processed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    reports = tmp_path_factory.mktemp("real-reports")
    _build(real_processed, reports, "Utrecht", "Twente", "Nederland")
    return reports


@pytest.fixture(scope="session")
def demo_reports(demo_processed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    reports = tmp_path_factory.mktemp("demo-reports")
    argv = ["reports", "--level", "provincie", "--region", "Utrecht", "--jobs", "1"]
    argv += ["--processed-dir", str(demo_processed), "--reports-dir", str(reports)]
    assert cli.main(argv) == 0
    return reports


def _pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path, strict=True).pages]


def _names() -> dict[str, str]:
    """Indicator id -> Dutch name, read from the configuration file itself."""
    raw = yaml.safe_load(paths.INDICATORS_CONFIG.read_text(encoding="utf-8"))
    return {key: spec["naam"] for key, spec in raw["indicators"].items()}


def _dutch_percent(share: float) -> str:
    """0.2771 -> '27,7%' (plain string formatting)."""
    return f"{share * 100:.1f}%".replace(".", ",")


def _latest(processed: Path, level: str, region: str, indicator: str) -> pd.Series:
    table = pd.read_parquet(processed / paths.INDICATORS_FILE)
    rows = table[
        (table["region_level"] == level)
        & (table["region"] == region)
        & (table["indicator"] == indicator)
        & (table["gender"] == "totaal")
        & table["share"].notna()
    ]
    assert len(rows), f"no {indicator} for {level} {region} in the real data"
    return rows.sort_values("year").iloc[-1]


def _table_rows(page: str) -> list[list[str]]:
    """Every body row of every table: the text of its cells."""
    rows = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", page, flags=re.S):
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


@pytest.mark.parametrize(("level", "region"), list(REAL_REPORTS))
def test_real_report_names_its_region_in_html_and_pdf(
    real_reports: Path, level: str, region: str
) -> None:
    stem = real_reports / REAL_REPORTS[(level, region)]
    page = stem.with_suffix(".html").read_text(encoding="utf-8")
    title = re.search(r'<h1 class="cover-title">(.*?)</h1>', page, flags=re.S).group(1)
    assert region in html.unescape(re.sub(r"<[^>]+>", "", title))
    pages = _pdf_pages(stem.with_suffix(".pdf"))
    assert len(pages) >= 5
    assert all(region in text for text in pages)  # the running header names the region
    bookmark = PdfReader(stem.with_suffix(".pdf")).outline[0].title
    assert bookmark.replace("\u00a0", " ") == f"Kiezen voor bèta en techniek in {region}"


@pytest.mark.parametrize(("level", "region"), list(REAL_REPORTS))
def test_real_headline_figure_equals_the_parquet_value(
    real_reports: Path, real_processed: Path, level: str, region: str
) -> None:
    latest = _latest(real_processed, level, region, HEADLINE)
    share = float(latest["share"])
    assert abs((share * 1000) % 1 - 0.5) > 1e-6, "a rounding tie: pick another indicator"
    expected = _dutch_percent(share)
    stem = real_reports / REAL_REPORTS[(level, region)]
    page = stem.with_suffix(".html").read_text(encoding="utf-8")
    name = _names()[HEADLINE]
    scorecard = page[page.index('class="tp-table scorecard"') :]
    row = next(r for r in _table_rows(scorecard) if r and r[0] == name)
    year = int(latest["year"])
    assert row[1] == f"{year}/{(year + 1) % 100:02d}"
    assert row[2].split(" (")[0] == expected  # the value, before any bounds
    assert expected in "".join(_pdf_pages(stem.with_suffix(".pdf")))


@pytest.mark.parametrize(("level", "region"), list(REAL_REPORTS))
def test_real_report_shows_no_code_and_no_small_suppressed_count(
    real_reports: Path, real_processed: Path, level: str, region: str
) -> None:
    stem = real_reports / REAL_REPORTS[(level, region)]
    page = stem.with_suffix(".html").read_text(encoding="utf-8")
    text = "".join(_pdf_pages(stem.with_suffix(".pdf")))
    for trace in CODE_TRACES:
        assert trace not in page and trace not in text, trace
    assert 'class="jp-InputArea' not in page and "<pre" not in page
    table = pd.read_parquet(real_processed / paths.INDICATORS_FILE)
    own = table[
        (table["region_level"] == level)
        & (table["region"] == region)
        & (table["gender"] == "totaal")
    ]
    by_name = {name: key for key, name in _names().items()}
    checked = 0
    for count_table in re.findall(r'<table class="tp-table">.*?</table>', page, flags=re.S):
        if "Aantal (noemer)" not in count_table:
            continue
        for row in _table_rows(count_table):
            indicator, schooljaar, printed = by_name.get(row[0]), row[1], row[-1]
            if indicator is None:
                continue
            year = int(schooljaar[:4])
            source = own[(own["indicator"] == indicator) & (own["year"] == year)].iloc[0]
            number = printed.removeprefix("ca. ").replace(".", "")
            if int(source["suppressed_cells"]) and float(source["denominator"]) < 5:
                assert printed == "<5", (row, source.to_dict())
            if number.isdigit() and int(number) < 5:
                assert int(source["suppressed_cells"]) == 0, (row, source.to_dict())
            else:
                assert printed in ("<5", "onbekend") or int(number) >= 5, row
            checked += 1
    assert checked >= 5


def test_real_index_lists_the_built_reports(real_reports: Path) -> None:
    index = (real_reports / "index.html").read_text(encoding="utf-8")
    for stem in REAL_REPORTS.values():
        assert f'href="{stem}.html"' in index and f'href="{stem}.pdf"' in index


def test_demo_report_carries_the_banner_on_every_page(demo_reports: Path) -> None:
    stem = demo_reports / "provincie" / "utrecht"
    page = stem.with_suffix(".html").read_text(encoding="utf-8")
    assert 'class="demo-banner' in page and "synthetische gegevens" in page
    pages = _pdf_pages(stem.with_suffix(".pdf"))
    assert pages and all(DEMO_MARK in text for text in pages)
    real = pages[0].replace(DEMO_MARK, "")
    assert "Demonstratie" in real  # the title page says it in words too


@pytest.mark.parametrize(
    ("level", "region"), [("provincie", "Utrecht"), ("corop", "Twente"), ("regiopact", "Twente")]
)
def test_real_report_shows_its_municipalities(
    real_reports: Path, real_processed: Path, level: str, region: str
) -> None:
    """'Gemeenten in <regio>': a map with alt text and one row per member municipality,
    its value as in indicators.parquet (havo N-profiel, config/gemeenten.yaml)."""
    stem = real_reports / REAL_REPORTS[(level, region)]
    page = stem.with_suffix(".html").read_text(encoding="utf-8")
    assert f"Gemeenten in {region}</h2>" in page
    assert f'alt="Kaart van de gemeenten in {region}: havo-examenkandidaten' in page
    regions = pd.read_parquet(real_processed / paths.REGIONS_FILE)
    own = regions[(regions["region_level"] == level) & (regions["region"] == region)]
    codes = {"GM" + m for m in own["member_municipalities"].iloc[0]}
    table = pd.read_parquet(real_processed / paths.INDICATORS_FILE)
    gm = table[
        table["region_code"].isin(codes)
        & (table["indicator"] == "vo_havo_n")
        & (table["gender"] == "totaal")
        & (table["year"] == 2023)
    ]
    assert len(gm) == len(codes)
    section = page[page.index(f"Gemeenten in {region}</h2>") :]
    section = section[: section.index("</table>")]
    rows = {r[0]: r for r in _table_rows(section)}
    assert len(rows) == len(codes)
    for _, row in gm.iterrows():
        printed = rows[row["region"]][1]
        if pd.isna(row["share"]):
            assert printed == "n.b."
        else:
            assert printed.split(" (")[0] == _dutch_percent(float(row["share"]))
    assert "op de gebiedsindeling van 2023" in "".join(_pdf_pages(stem.with_suffix(".pdf")))


def _visible_text(fragment: str) -> str:
    """What a reader sees: tags (and so their attributes, like tooltips) removed."""
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def test_every_figure_on_the_real_index_appears_in_its_regions_report(
    real_reports: Path,
) -> None:
    """The index formats with the reports' formatter, and shows no figure the report lacks."""
    index = (real_reports / "index.html").read_text(encoding="utf-8")
    for (level, name), stem in REAL_REPORTS.items():
        row = re.search(
            rf'<tr data-level="{level}">(?:(?!</tr>).)*?>{re.escape(html.escape(name))}<.*?</tr>',
            index,
            re.S,
        )
        assert row, f"no index row for {level} {name}"
        figures = re.findall(r"\d+,\d%", _visible_text(row.group(0)))
        assert len(figures) >= 3, (level, name, figures)  # totals, men and women at least
        report = _visible_text((real_reports / f"{stem}.html").read_text(encoding="utf-8"))
        missing = [f for f in figures if f not in report]
        assert missing == [], f"{level} {name}: on the index, not in the report: {missing}"
