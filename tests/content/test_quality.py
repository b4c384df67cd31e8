"""Data quality, caveats and provenance (analysis.content.quality) on the fake processed folder."""

from __future__ import annotations

import html
import re
from pathlib import Path

from report_fixtures import SUPPRESSED_CASE, report_context

from analysis import data
from analysis.content import quality
from analysis.present import text
from analysis.present.blocks import Html


def test_quality_section_from_manifest(utrecht: data.ReportContext) -> None:
    blocks = quality.quality_section(utrecht)
    html_out = "".join(b.html for b in blocks if isinstance(b, Html))
    assert "123.456" in html_out  # counts_total of the first input
    assert text.pct(123000 / 123456) in html_out
    assert "municipality name not found" in html_out and "456" in html_out
    _l, _r, indicator, year, gender = SUPPRESSED_CASE
    row = utrecht.series(indicator, gender=gender)
    row = row[row.year == year].iloc[0]
    bounds = text.pct_range(row["share"], row["share_low"], row["share_high"])
    label = quality.GENDER_LABELS[gender]
    assert f"<td>{label}</td><td>{text.schooljaar(year)}</td>" in html_out
    assert html.escape(bounds) in html_out
    caveats = "".join(b.html for b in blocks if isinstance(b, Html) and "tp-keep" in b.html)
    assert "hoofdzetel" in caveats  # mbo caveat: region has mbo data
    assert "synthetische" in caveats


def test_provenance_lists_checksums_versions_parameters(utrecht: data.ReportContext) -> None:
    blocks = quality.provenance_section(utrecht)
    out = "".join(b.html for b in blocks if isinstance(b, Html))
    inputs = quality.inputs_table(utrecht)
    assert f'<td class="hash" title="{"a" * 64}">{"a" * 12}</td>' in inputs
    assert "c" * 64 not in re.sub(r"<[^>]+>", "", out)  # full checksums: manifest only
    assert "0123456789abcdef0123456789abcdef01234567" in out
    assert "<td>Regio</td><td>Utrecht</td>" in out
    assert "pandas " in out
    assert "/tmp/" not in out and "file://" not in out  # no paths of the building machine
    composition = re.search(r"<td>Noordvleugel</td><td>([^<]*)</td>", out).group(1)
    assert sorted(composition.split(", ")) == ["Flevoland", "Noord-Holland", "Utrecht"]
    assert "[methodologie](../methodologie.html)" in blocks[-1].markdown


def test_caveats_and_warnings_are_kept_together_and_escaped(processed: Path) -> None:
    blocks = quality.quality_section(report_context(processed, "provincie", "Utrecht"))
    kept = [b.html for b in blocks if isinstance(b, Html) and "tp-keep" in b.html]
    assert kept and kept[0].startswith('<section class="tp-keep"><h4>Kanttekeningen</h4><ul>')
    assert "(&lt;5)" in kept[0] and "(<5)" not in kept[0]
    block = quality.kept_list("T", ["<b>x</b>", "y"], intro="a & b", outro="z").html
    assert block == (
        '<section class="tp-keep"><h4>T</h4><p>a &amp; b</p>'
        "<ul><li>&lt;b&gt;x&lt;/b&gt;</li><li>y</li></ul><p>z</p></section>"
    )


def test_publishers_in_dutch() -> None:
    assert quality.publisher("CBS (derived by a third party)") == "CBS (bewerkt door derden)"
    assert "third party" not in quality.publisher("compiled by a third party from CBS codes")
    assert (
        quality.publisher("DUO (Dienst Uitvoering Onderwijs)")
        == "DUO (Dienst Uitvoering Onderwijs)"
    )


def test_the_glossary_explains_the_words_of_the_chart_legends(utrecht) -> None:
    """A band's legend says 'Marge … (door afgeschermde aantallen)': both words are in the
    glossary of the annex, in the same sense."""
    terms = dict(quality.glossary(utrecht))
    assert any(term.startswith("Afgeschermd") for term in terms)
    assert "door afgeschermde aantallen" in terms["Marge"]
