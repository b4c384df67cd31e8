"""Loading the processed folder and checking report parameters (analysis.data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import data


def test_unknown_region_lists_close_matches(processed: Path) -> None:
    with pytest.raises(data.ReportParameterError, match=r"'Utrech'.*did you mean: Utrecht"):
        data.context(processed, "provincie", "Utrech")


def test_unknown_level_lists_close_matches(processed: Path) -> None:
    with pytest.raises(data.ReportParameterError, match=r"provincies.*did you mean: provincie"):
        data.context(processed, "provincies", "Utrecht")


def test_region_at_another_level_is_named(processed: Path) -> None:
    with pytest.raises(data.ReportParameterError, match="exists at level: corop, regiopact"):
        data.context(processed, "provincie", "Twente")


@pytest.mark.parametrize("name", ['"); import os; os.system("x")#', "../../etc/passwd"])
def test_hostile_region_names_are_plain_data(processed: Path, name: str) -> None:
    with pytest.raises(data.ReportParameterError, match="unknown region"):
        data.context(processed, "provincie", name)


def test_bad_date_and_missing_files(processed: Path, tmp_path: Path) -> None:
    with pytest.raises(data.ReportParameterError, match="not an ISO date"):
        data.context(processed, "provincie", "Utrecht", "2-1-2026")
    with pytest.raises(data.ReportParameterError, match=r"indicators\.parquet is missing"):
        data.context(tmp_path, "provincie", "Utrecht")


def test_processed_data_is_read_once(processed: Path) -> None:
    assert data.load_processed(processed) is data.load_processed(processed)


def test_a_series_holds_the_rows_a_filter_of_the_table_finds(processed: Path) -> None:
    """The series look-up (a dict of positions, its text kept as Python strings) gives every
    row of the indicator, gender and region, by year, with the table's values."""
    import pandas as pd

    loaded = data.load_processed(processed)
    table = loaded.indicators
    for indicator, gender, code in [
        *table[["indicator", "gender", "region_code"]]
        .drop_duplicates()
        .sample(20, random_state=1)
        .itertuples(index=False),
        ("no_such_indicator", "totaal", "NL"),
    ]:
        wanted = table[
            (table["indicator"] == indicator)
            & (table["gender"] == gender)
            & (table["region_code"] == code)
        ].sort_values("year", kind="stable")
        got = loaded.series(indicator, gender, code)
        assert got["year"].is_monotonic_increasing
        pd.testing.assert_frame_equal(
            got.reset_index(drop=True).astype(object),
            wanted.reset_index(drop=True).astype(object),
        )


def test_a_level_look_up_holds_the_rows_and_unranked_regions_a_filter_finds(
    processed: Path,
) -> None:
    import pandas as pd

    loaded = data.load_processed(processed)
    table, derived = loaded.indicators, loaded.derived
    columns = ["indicator", "region_level", "year"]
    keys = table[columns].drop_duplicates().dropna()
    flagged_keys = derived.loc[derived["too_small"].eq(True), columns].drop_duplicates()
    assert len(flagged_keys)  # the fixture has regions too small to rank
    for indicator, level, year in [
        *keys.sample(20, random_state=2).itertuples(index=False),
        *flagged_keys.head(5).itertuples(index=False),
        ("no_such_indicator", "provincie", 2020),
    ]:
        at = (table["indicator"] == indicator) & (table["region_level"] == level)
        wanted = table[at & (table["year"] == year) & (table["gender"] == "totaal")]
        got = loaded.level_rows(indicator, level, int(year))
        pd.testing.assert_frame_equal(
            got.reset_index(drop=True).astype(object),
            wanted.reset_index(drop=True).astype(object),
        )
        flagged = derived[
            (derived["indicator"] == indicator)
            & (derived["region_level"] == level)
            & (derived["year"] == year)
            & (derived["gender"] == "totaal")
            & (derived["too_small"].eq(True) | derived["no_programme"].eq(True))
        ]
        assert loaded.unranked_codes(indicator, level, int(year)) == set(flagged["region_code"])
