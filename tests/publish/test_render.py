"""HTML rendering and the print stylesheet, on hand-made inputs (no kernel)."""

from __future__ import annotations

import re

import nbformat
import pytest

from analysis.publish import pdf
from analysis.publish.render import CSS_FILE, HtmlRenderer, RenderError, add_toc, external_resources


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


def test_print_css_keeps_lists_whole_and_lets_long_tables_break() -> None:
    css = re.sub(r"\s+", " ", CSS_FILE.read_text(encoding="utf-8"))
    media = css[css.index("@media print") :]
    assert re.search(r"\.tp-keep \{ break-inside: avoid;", media)
    assert re.search(r"table\.tp-table\.tp-long[^{]*\{ break-inside: auto;", media)
    assert re.search(r"li:nth-last-child\(-n\+2\) \{ break-before: avoid;", media)
