"""config/report_texts.yaml: articles and the mbo seats said where they bite."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.content.texts import (
    load_report_texts,
    mbo_seat_caveats,
    parse_report_texts,
)
from analysis.errors import ConfigError

TEXTS = parse_report_texts(
    {
        "lidwoord": {"Achterhoek": "de Achterhoek"},
        "mbo_zetels": [
            {
                "naam": "ROC van Flevoland",
                "zetel": {"code": "0363", "naam": "Amsterdam"},
                "lesplaatsen": [
                    {"code": "0034", "naam": "Almere"},
                    {"code": "0995", "naam": "Lelystad"},
                ],
            }
        ],
    },
    Path("t.yaml"),
)


def test_article_only_where_listed() -> None:
    assert TEXTS.name("Achterhoek") == "de Achterhoek"
    assert TEXTS.name("Twente") == "Twente"


def test_seat_caveat_for_the_region_missing_and_the_region_holding_them() -> None:
    flevoland = {"0034", "0050", "0171", "0184", "0303", "0995"}
    (missing,) = mbo_seat_caveats(flevoland, TEXTS)
    assert "missen de studenten van ROC van Flevoland" in missing and "Amsterdam" in missing
    (holding,) = mbo_seat_caveats({"0363", "0384"}, TEXTS)  # Groot-Amsterdam
    assert "bevatten de studenten van ROC van Flevoland" in holding
    assert mbo_seat_caveats(flevoland | {"0363"}, TEXTS) == []  # Noordvleugel: both inside
    assert mbo_seat_caveats(set(), TEXTS) == []  # Nederland


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"mbo_zetels": [{"naam": "X"}]}, r"mbo_zetels\[0\]: expected naam, zetel"),
        (
            {
                "mbo_zetels": [
                    {
                        "naam": "X",
                        "zetel": {"code": 363, "naam": "A"},
                        "lesplaatsen": [{"code": "0034", "naam": "Almere"}],
                    }
                ]
            },
            r"mbo_zetels\[0\]\.zetel\.code: expected a 4-digit CBS code",
        ),
        ({"lidwoord": ["Achterhoek"]}, "lidwoord: expected region name"),
    ],
)
def test_bad_entries_are_named(raw: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_report_texts(raw, Path("t.yaml"))


def test_configured_seats_hold_in_the_real_data(shared_data: Path) -> None:
    """The shipped config still describes the data: DUO's file places each listed
    institution at its seat (read from the raw mbo file, not from the store)."""
    raw = next((shared_data / "duo" / "mbo").glob("mbo_deelnemers_*plaats*.csv"))
    frame = pd.read_csv(raw, sep=";", dtype=str, encoding="utf-8")
    name_col = next(c for c in frame.columns if "INSTELLINGSNAAM" in c.upper())
    place_col = next(c for c in frame.columns if "PLAATS" in c.upper())
    for seat in load_report_texts().mbo_zetels:
        places = set(frame.loc[frame[name_col] == seat.naam, place_col].str.strip().str.upper())
        assert places == {seat.zetel.naam.upper()}, (seat.naam, places)


def _ctx(series: dict[str, pd.DataFrame], levels: dict[str, str]):
    from types import SimpleNamespace

    indicators = {i: SimpleNamespace(level=level) for i, level in levels.items()}
    return SimpleNamespace(
        series=lambda i: series.get(i, pd.DataFrame(columns=["year"])),
        config=SimpleNamespace(indicators=indicators),
    )


def _rows(*rows: tuple[int, float, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "denominator", "suppressed_cells"])


def test_a_region_without_any_wo_students_has_no_university() -> None:
    from analysis.content.texts import missing_ho_institution

    levels = {"wo_in": "wo", "wo_dipl": "wo", "hbo_in": "hbo", "mbo": "mbo"}
    none_now = _rows((2018, 12.0, 0), (2019, 0.0, 0))  # the latest year counts
    ctx = _ctx({"wo_in": none_now, "hbo_in": none_now, "mbo": none_now}, levels)
    assert missing_ho_institution(ctx, ["wo_in", "wo_dipl"]) == "universiteit"  # no rows: no say
    assert missing_ho_institution(ctx, ["hbo_in"]) == "hogeschool"
    assert missing_ho_institution(ctx, ["mbo"]) is None  # mbo is counted at the seat: no rule
    assert missing_ho_institution(ctx, ["wo_in", "hbo_in"]) is None  # two kinds: no one noun
    assert missing_ho_institution(ctx, ["wo_dipl"]) is None  # nothing seen at all
    students = _ctx({"wo_in": _rows((2019, 0.0, 0)), "wo_dipl": _rows((2019, 3.0, 0))}, levels)
    assert missing_ho_institution(students, ["wo_in", "wo_dipl"]) is None
    hidden = _ctx({"wo_in": _rows((2019, 0.0, 2))}, levels)  # suppressed cells: maybe 1-4 students
    assert missing_ho_institution(hidden, ["wo_in"]) is None
