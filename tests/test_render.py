"""HTML rendering, PDF templates and the index page, on hand-made inputs (no kernel)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.publish import index, pdf
from analysis.publish.render import HtmlRenderer, RenderError, add_toc, external_resources
from analysis.store import schema


def executed_notebook(*extra_outputs: dict) -> nbformat.NotebookNode:
    """An executed notebook as papermill leaves it: code, outputs, stderr, markdown."""
    code = nbformat.v4.new_code_cell("secret_code = 41 + 1\ndisplay(HTML(cover))")
    code.execution_count = 3
    code.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": '<section class="cover"><h1>Rapport Zeeland</h1></section>'},
        ),
        nbformat.v4.new_output("stream", name="stderr", text="a warning text\n"),
        *extra_outputs,
    ]
    html_heading = nbformat.v4.new_code_cell("show()")
    html_heading.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "<h2>Zonder id</h2><p>x</p>"})
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        code,
        nbformat.v4.new_markdown_cell("## Kiezen\n\nTekst."),
        nbformat.v4.new_markdown_cell("### Hbo\n\nMeer."),
        html_heading,
        nbformat.v4.new_markdown_cell("## Verantwoording"),
    ]
    return nb


@pytest.fixture(scope="module")
def renderer() -> HtmlRenderer:
    return HtmlRenderer()


def test_report_html_hides_code_prompts_and_stderr(renderer: HtmlRenderer) -> None:
    page = renderer.render(executed_notebook(), title="Zeeland (provincie)", demo=False)
    assert "Rapport Zeeland" in page
    assert "secret_code" not in page and "display(HTML" not in page
    assert '<div class="jp-InputArea' not in page and "In&nbsp;[" not in page and "In [" not in page
    assert "a warning text" not in page
    assert "<script" not in page and external_resources(page) == []
    assert 'class="demo-banner' not in page
    assert '<html lang="nl">' in page
    assert "<title>Zeeland (provincie)</title>" in page


def test_toc_follows_h2_h3_in_order_and_nests_h3(renderer: HtmlRenderer) -> None:
    page = renderer.render(executed_notebook(), title="Zeeland", demo=False)
    toc = re.search(r'<nav class="toc".*?</nav>', page, re.S).group(0)
    assert re.findall(r'href="#([^"]+)"', toc) == ["Kiezen", "Hbo", "zonder-id", "Verantwoording"]
    assert re.search(r'<a href="#Kiezen">Kiezen</a><ol><li><a href="#Hbo">', toc)
    assert '<h2 id="zonder-id">Zonder id</h2>' in page  # an id was added where none was
    # The table of contents follows the cover.
    assert page.index("</section>") < page.index('<nav class="toc"')


def test_demo_banner_on_demo_data(renderer: HtmlRenderer) -> None:
    page = renderer.render(executed_notebook(), title="Zeeland", demo=True)
    assert page.count("demo-banner--page") >= 1
    assert "DEMO — synthetische gegevens" in page


def test_external_resources_are_refused(renderer: HtmlRenderer) -> None:
    cdn = nbformat.v4.new_output(
        "display_data",
        data={"text/html": '<script src="https://cdn.example.org/require.js"></script>'},
    )
    with pytest.raises(RenderError, match=r"cdn\.example\.org/require\.js"):
        renderer.render(executed_notebook(cdn), title="Zeeland", demo=False)


def test_external_resources_finds_loads_but_not_links_or_data_uris() -> None:
    page = (
        '<img src="data:image/png;base64,AAAA"><a href="https://duo.nl">DUO</a>'
        '<img src="http://x.example/a.png"><link rel="stylesheet" href="https://c.example/s.css">'
        "<style>@import url(https://f.example/font.css);</style>"
    )
    assert external_resources(page) == [
        "http://x.example/a.png",
        "https://c.example/s.css",
        "https://f.example/font.css",
    ]


def test_add_toc_without_headings_leaves_the_page_alone() -> None:
    page = "<main><p>Geen koppen</p></main>"
    assert add_toc(page) == page


def test_pdf_header_names_region_escaped_and_demo_only_on_demo() -> None:
    header = pdf.header_template("<b>Zeeland</b> (provincie)", demo=False)
    assert "&lt;b&gt;Zeeland&lt;/b&gt; (provincie)" in header and "<b>" not in header
    assert "DEMO" not in header
    assert "DEMO — synthetische gegevens" in pdf.header_template("Zeeland", demo=True)
    footer = pdf.footer_template()
    assert 'class="pageNumber"' in footer and 'class="totalPages"' in footer


def test_pdf_printer_without_chromium_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdf, "chromium_path", lambda: None)
    with pytest.raises(pdf.PdfError, match=r"Chromium not found.*make system-deps"):
        pdf.PdfPrinter().__enter__()


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
