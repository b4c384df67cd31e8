"""docs/methodology.md published as a page of the reports folder (analysis.publish.methodology),
linked relatively from every report."""

from __future__ import annotations

import html
import re
from pathlib import Path

from analysis import data, paths
from analysis.content import quality
from analysis.present.blocks import Markdown
from analysis.publish import methodology

SOURCE = """# Methodology

See [`config/indicators.yaml`](../config/indicators.yaml), [DUO](https://duo.nl) and
[section 4](#4-suppressed-cells-5).

<script>alert(1)</script>

## 4. Suppressed cells (`<5`)

| a | b |
|---|---|
| 1 | 2 |
"""


def test_the_page_keeps_web_and_in_page_links_and_escapes_html(tmp_path: Path) -> None:
    source = tmp_path / "methodology.md"
    source.write_text(SOURCE, encoding="utf-8")
    page = methodology.write_methodology(tmp_path / "reports", source).read_text("utf-8")
    assert '<a href="https://duo.nl">DUO</a>' in page
    assert '<a href="#4-suppressed-cells-5">section 4</a>' in page
    assert '<h2 id="4-suppressed-cells-5">' in page  # the anchor the link names
    assert "<code>config/indicators.yaml</code>" in page and "../config" not in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<table>" in page and "<td>2</td>" in page
    assert 'href="index.html"' in page  # back to the list of reports


def test_written_atomically_and_only_when_changed(tmp_path: Path) -> None:
    source = tmp_path / "methodology.md"
    source.write_text(SOURCE, encoding="utf-8")
    reports = tmp_path / "reports"
    target = methodology.write_methodology(reports, source)
    before = target.stat().st_mtime_ns
    assert methodology.write_methodology(reports, source).stat().st_mtime_ns == before
    source.write_text(SOURCE + "\nOne more line.\n", encoding="utf-8")
    assert "One more line." in methodology.write_methodology(reports, source).read_text("utf-8")
    assert sorted(p.name for p in reports.iterdir()) == [paths.METHODOLOGY_PAGE]


def test_a_report_links_to_the_page_inside_the_reports_folder(
    utrecht: data.ReportContext, tmp_path: Path
) -> None:
    """From reports/<level>/<slug>.html the report's link reaches reports/methodologie.html."""
    reports = tmp_path / "reports"
    written = methodology.write_methodology(reports)
    blocks = quality.provenance_section(utrecht)
    text = "".join(b.markdown for b in blocks if isinstance(b, Markdown))
    links = re.findall(r"\[methodologie\]\(([^)]+)\)", text)
    assert links == [f"../{paths.METHODOLOGY_PAGE}"]
    report = reports / "provincie" / "utrecht.html"
    assert (report.parent / links[0]).resolve() == written.resolve()
    assert "file://" not in text and "docs/methodology.md" not in text
    assert html.escape("Methodology") in written.read_text("utf-8")
