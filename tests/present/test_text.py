"""Dutch formatting by hand, and key messages whose every number comes from the scorecard."""

from __future__ import annotations

import pandas as pd
import pytest
from text_checks import NUMBER, allowed_numbers

from analysis.indicators import derived
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


def _scorecard(**overrides: object) -> pd.DataFrame:
    """Two indicators by hand; the first has a target."""
    base = {
        "indicator": ["mbo_techniek", "vo_havo_n"],
        "naam": ["Mbo-studenten in sector techniek", "Havo-examenkandidaten met N-profiel"],
        "year": [2019, 2023],
        "share": [0.25, 0.5],
        "national_share": [0.28, 0.45],
        "diff_national_pp": [-3.0, 5.0],
        "change_1y_pp": [0.5, -0.7],
        "change_5y_pp": [2.25, pd.NA],
        "target": [0.4, pd.NA],
        "target_year": [2020, pd.NA],
        "gap_pp": [15.0, pd.NA],
        "projected_year": [2031, pd.NA],
        "status": [derived.ON_TREND, derived.NO_TARGET],
        "rank_level": [3, 1],
        "regions_in_level": [12, 12],
        "rank_landsdeel": [2, 1],
        "regions_in_landsdeel": [3, 3],
        "women_share": [0.12, 0.4],
        "women_share_national": [0.14, 0.42],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_kernboodschappen_by_hand() -> None:
    messages = text.kernboodschappen(
        _scorecard(), region="Utrecht", national=False, landsdeel="Noordvleugel"
    )
    assert messages == [
        "Het aandeel mbo-studenten in sector techniek is in Utrecht in 2019/20 25,0%, "
        "3,0 procentpunt onder het landelijke aandeel van 28,0%.",
        "Voor mbo-studenten in sector techniek geldt een doel van 40% in 2020; Utrecht zit daar "
        "15,0 procentpunt onder. Bij de huidige trend wordt het doel in 2031 bereikt.",
        "Het sterkst gestegen in vijf jaar is het aandeel mbo-studenten in sector techniek: "
        "+2,3 procentpunt, tot 25,0% in 2019/20.",
        "Het sterkst gedaald in één jaar is het aandeel havo-examenkandidaten met N-profiel: "
        "\u22120,7 procentpunt, tot 50,0% in 2023/24.",
        "In 2019/20 is van de mbo-studenten in sector techniek in Utrecht 12,0% vrouw "
        "(landelijk 14,0%).",
        "Binnen landsdeel Noordvleugel staat Utrecht bij mbo-studenten in sector techniek op "
        "plaats 2 van 3.",
    ]


def test_kernboodschappen_rank_names_the_peers_of_the_level() -> None:
    """'plaats 3 van de 12 provincies', not '… regio's van hetzelfde niveau' (by hand)."""
    frame = _scorecard()
    own = text.kernboodschappen(
        frame, region="Utrecht", national=False, landsdeel="Noordvleugel", level="provincie"
    )
    assert own[-1] == (
        "Binnen landsdeel Noordvleugel staat Utrecht bij mbo-studenten in sector techniek op "
        "plaats 2 van de 3 provincies in dit landsdeel."
    )
    ld = text.kernboodschappen(
        _scorecard(regions_in_level=[5, 5], rank_level=[5, 1]),
        region="Noord",
        national=False,
        level="landsdeel",
    )
    assert ld[-1] == (
        "Bij mbo-studenten in sector techniek staat Noord op plaats 5 van de 5 landsdelen."
    )


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


def test_kernboodschappen_target_reached_and_not_on_trend() -> None:
    reached = _scorecard(share=[0.42, 0.5], gap_pp=[-2.0, pd.NA], status=[derived.REACHED, ""])
    msgs = text.kernboodschappen(reached, region="X", national=False, landsdeel="Oost")
    assert (
        "Voor mbo-studenten in sector techniek geldt een doel van 40% in 2020; X haalt dat doel."
        in msgs
    )
    stalled = _scorecard(projected_year=[pd.NA, pd.NA], status=[derived.NOT_ON_TREND, ""])
    msgs = text.kernboodschappen(stalled, region="X", national=False, landsdeel="Oost")
    assert any("Bij de huidige trend wordt het doel niet bereikt." in m for m in msgs)


def test_kernboodschappen_national_has_no_comparison_or_rank() -> None:
    msgs = text.kernboodschappen(_scorecard(), region="Nederland", national=True)
    assert (
        msgs[0] == "Het aandeel mbo-studenten in sector techniek is in Nederland in 2019/20 25,0%."
    )
    assert not any("landelijk" in m or "plaats" in m for m in msgs)
    assert 4 <= len(msgs) <= 6


def test_allowed_numbers_catches_a_wrong_number() -> None:
    """The number check below can fail: a sentence with a number not in the table is caught."""
    tokens = NUMBER.findall("Het aandeel is 31,4% in 2019/20.")
    assert "31,4%" in tokens
    assert "31,4%" not in allowed_numbers(_scorecard())


def test_kernboodschappen_numbers_come_from_the_table() -> None:
    frame = _scorecard()
    allowed = allowed_numbers(frame)
    for message in text.kernboodschappen(frame, region="R", national=False, landsdeel="Oost"):
        for token in NUMBER.findall(message):
            assert token in allowed, (token, message)
