"""Dutch formatting by hand (the key messages are tested in tests/content/test_messages.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.present import text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.372, "37,2%"),
        (0.0125, "1,3%"),  # half up: 1.25 -> 1,3 (binary float noise must not round it down)
        (0.4, "40,0%"),
        (1.0, "100,0%"),
        (0.0, "0,0%"),
        (None, "n.b."),
        (pd.NA, "n.b."),
        (float("nan"), "n.b."),
    ],
)
def test_pct(value: object, expected: str) -> None:
    assert text.pct(value) == expected


def test_pct_decimals() -> None:
    assert text.pct(0.4, 0) == "40%"
    assert text.pct(0.12345, 2) == "12,35%"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.25, "+1,3 procentpunt"),
        (-2.35, "\u22122,4 procentpunt"),
        (0.0, "0,0 procentpunt"),
        (-0.04, "0,0 procentpunt"),  # rounds to zero: no sign
        (12.0, "+12,0 procentpunt"),
        (None, "n.b."),
    ],
)
def test_pp(value: object, expected: str) -> None:
    assert text.pp(value) == expected


def test_pp_without_unit_and_abs() -> None:
    assert text.pp(-1.25, unit=False) == "\u22121,3"
    assert text.pp_abs(-1.25) == "1,3 procentpunt"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (12345, 0, "12.345"),
        (1234567.891, 2, "1.234.567,89"),
        (999, 0, "999"),
        (-1500, 0, "\u22121.500"),
        (2.5, 1, "2,5"),
        (pd.NA, 0, "n.b."),
    ],
)
def test_num(value: object, decimals: int, expected: str) -> None:
    assert text.num(value, decimals) == expected


def test_pct_range() -> None:
    assert text.pct_range(0.372, 0.369, 0.376) == "37,2% (36,9\u201337,6%)"
    # bounds that round to the same value are no range
    assert text.pct_range(0.372, 0.37201, 0.37204) == "37,2%"
    assert text.pct_range(0.372, pd.NA, pd.NA) == "37,2%"
    assert text.pct_range(pd.NA, 0.1, 0.2) == "n.b."


@pytest.mark.parametrize(
    ("year", "expected"), [(2019, "2019/20"), (1999, "1999/00"), (2009, "2009/10")]
)
def test_schooljaar(year: int, expected: str) -> None:
    assert text.schooljaar(year) == expected


@pytest.mark.parametrize(
    ("value", "cells", "expected"),
    [
        (2.5, 1, "<5"),  # an estimate resting on suppressed cells, below 5: never the number
        (4.0, 1, "<5"),
        (pd.NA, 2, "<5"),
        (pd.NA, 0, "onbekend"),
        (3, 0, "3"),  # an exact published count (older DUO files) may be shown
        (1234.4, 2, "ca. 1.234"),
        (12345, 0, "12.345"),
    ],
)
def test_count_never_discloses_suppressed_small_counts(
    value: object, cells: int, expected: str
) -> None:
    assert text.count(value, cells) == expected


def test_table_html_escapes_and_marks_classes() -> None:
    out = text.table_html(
        ["Regio", "Waarde"],
        [["<script>x</script>", text.Cell("37,2%", "num")]],
        caption="A & B",
    )
    assert out.startswith('<table class="tp-table">')
    assert "<script>" not in out
    assert "&lt;script&gt;x&lt;/script&gt;" in out
    assert '<td class="num">37,2%</td>' in out
    assert "<caption>A &amp; B</caption>" in out


def test_table_html_right_aligns_numeric_headers_and_marks_long_tables() -> None:
    rows = [["a", text.Cell("1", "num count")]]
    short = text.table_html(["Regio", "Aantal"], rows)
    assert '<th scope="col">Regio</th><th scope="col" class="num">Aantal</th>' in short
    assert short.startswith('<table class="tp-table">')
    n = text.LONG_TABLE_ROWS + 1
    long = text.table_html(["Regio", "Aantal"], rows * n, css_class="tp-table x")
    assert long.startswith('<table class="tp-table x tp-long">')
    assert long.count("<tr>") == n + 1
    assert text.table_html(["Regio"], []).count("<th scope") == 1  # no rows: plain headers


def test_join_and() -> None:
    assert text.join_and(["Oost", "Noordvleugel"]) == "Oost en Noordvleugel"
    assert text.join_and(["a", "b", "c"]) == "a, b en c"
    assert text.join_and(["a"]) == "a"


def test_shown_share_and_place_text() -> None:
    assert text.shown_share({"share": 0.84, "too_small": True}) == "te klein"
    assert text.shown_share({"share": 0.0, "no_programme": True}) == "geen opleiding"
    row = {"share": 0.378, "share_low": 0.368, "share_high": 0.388, "too_small": False}
    assert text.shown_share(row) == "37,8% (36,8\u201338,8%)"
    assert text.place_text(1, 2, 5) == "1\u20132 van 5"
    assert text.place_text(3, 3, 5) == "3 van 5"
    assert text.place_text(5, 5, 5, last=True) == "laatste van 5"
    assert text.place_text(1, 1, 1) == "n.b."  # alone: says nothing
    assert text.place_text(pd.NA, pd.NA, 5) == "n.b."


def test_place_parts_and_goal_text_serve_tables_and_messages() -> None:
    assert text.place_parts(2, pd.NA, 12) == (2, 2, 12)
    assert text.place_parts(1.0, 3.0, 5) == (1, 3, 5)
    assert text.place_parts(1, 1, 1) is None and text.place_parts(pd.NA, 2, 5) is None
    assert text.goal_text(0.4, 2020) == "40% in 2020"
    assert text.goal_text(0.355, pd.NA) == "36%"
