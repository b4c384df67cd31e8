"""One count per population: releases, cuts and files that disagree.

Tiny stores are built by hand (expected values worked out on paper); the real-data tests
compare national denominators with totals computed from the raw files by the csv/json
modules, never with the code's own output.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from indicator_fixtures import REGION_TABLE, make_store, membership

from analysis import paths
from analysis.errors import DataError
from analysis.indicators.engine import compute_indicators
from analysis.indicators.rules import load_indicator_config, parse_indicator_config
from analysis.store import releases

S = None  # a suppressed cell


def ho_rows(file: str, release: str, cut: str, years: dict[int, list[tuple]]) -> list[dict]:
    """Rows of one hbo first-years file: per year, (gender, field, programme_code, count)."""
    return [
        {
            "dataset": "duo_ho_first_years",
            "measure": "first_years",
            "level": "hbo",
            "year": year,
            "gender": gender,
            "field": field,
            "programme_code": code,
            "count": count,
            "source_file": file,
            "release": release,
            "cut": cut,
            "municipality": "9001",
        }
        for year, cells in years.items()
        for gender, field, code, count in cells
    ]


def store_of(*files: list[dict]) -> pd.DataFrame:
    rows = [row for file in files for row in file]
    store = make_store(rows)
    for i, row in enumerate(rows):  # make_store names one test file; keep each row's own
        store.loc[i, ["source_file", "release", "cut"]] = [
            row["source_file"],
            row["release"],
            row["cut"],
        ]
    return store


OLD = ho_rows(  # old portal, 2018-2020
    "old.csv",
    "duo_ho_wide_ingeschrevenen_eerstejaars",
    "full",
    {
        y: [("man", "techniek", "34267", 60), ("vrouw", "economie", "80009", 40)]
        for y in (2018, 2019, 2020)
    },
)
NEW = ho_rows(  # new portal gender cut, 2020-2021; 2020 revised from 100 to 101
    "new_gesl.csv",
    "duo_ho_long_ckan",
    "gender",
    {
        2020: [("man", "techniek", None, 61), ("vrouw", "economie", None, 40)],
        2021: [("man", "techniek", None, 50), ("vrouw", "economie", None, S)],
    },
)
NEW_PROGRAMME = ho_rows(  # the programme cut of the same release: no gender, other cells hidden
    "new_opl.csv",
    "duo_ho_long_ckan",
    "programme",
    {
        2020: [("totaal", "techniek", "34267", 61), ("totaal", "economie", "80009", 40)],
        2021: [("totaal", "techniek", "34267", S), ("totaal", "economie", "80009", 48)],
    },
)


def test_newest_release_per_year_and_the_older_kept_in_the_store():
    store = store_of(OLD, NEW)
    superseded, overlaps = releases.resolve(store, 0.05)
    kept_out = store[superseded.notna()]
    assert set(kept_out["source_file"]) == {"old.csv"} and set(kept_out["year"]) == {2020}
    assert set(superseded.dropna()) == {"new_gesl.csv"}
    (overlap,) = overlaps
    assert (overlap.kind, overlap.year, overlap.other, overlap.used) == (
        "release",
        2020,
        "old.csv",
        ("new_gesl.csv",),
    )
    assert (overlap.other_known, overlap.used_known) == (100, 101)
    assert overlap.revision == pytest.approx(0.01)
    assert "run to 2021" in overlap.decided_by


def test_same_last_year_the_new_portal_is_newer():
    json_like = [
        {**r, "source_file": "a.json", "release": "duo_ho_json_records", "cut": "full"}
        for r in OLD
        if r["year"] == 2020
    ]
    new_2020 = [r for r in NEW if r["year"] == 2020]
    store = store_of(json_like, new_2020)
    superseded, (overlap,) = releases.resolve(store, 0.05)
    assert set(store.loc[superseded.notna(), "source_file"]) == {"a.json"}
    assert "new portal" in overlap.decided_by


def test_cuts_of_one_release_are_both_kept_and_compared():
    store = store_of(NEW, NEW_PROGRAMME)
    superseded, overlaps = releases.resolve(store, 0.05)
    assert superseded.isna().all()
    assert [(o.kind, o.year) for o in overlaps] == [("cut", 2020), ("cut", 2021)]
    assert (overlaps[1].used_known, overlaps[1].used_suppressed) == (50, 1)
    assert (overlaps[1].other_known, overlaps[1].other_suppressed) == (48, 1)


def test_a_file_that_doubles_another_is_an_error_naming_both_and_the_year():
    doubled = [
        {**r, "source_file": "new_copy.csv", "count": r["count"] * 2 if r["count"] else S}
        for r in NEW
    ]
    doubled = [{**r, "release": "duo_ho_wide_x", "cut": "full"} for r in doubled]
    with pytest.raises(DataError, match="disagree") as info:
        releases.resolve(store_of(OLD, doubled), 0.05)
    message = str(info.value)
    assert "old.csv" in message and "new_copy.csv" in message and " 2020: " in message


def test_two_cuts_that_do_not_describe_the_same_students_are_an_error():
    partial = [r for r in NEW_PROGRAMME if r["field"] == "economie"]  # 40 of 101 in 2020
    with pytest.raises(DataError, match="two cuts of one release"):
        releases.resolve(store_of(NEW, partial), 0.05)


def test_releases_that_cannot_be_ordered_and_differ_are_an_error():
    other = [{**r, "source_file": "old_b.csv", "count": r["count"] + 1} for r in OLD]
    with pytest.raises(DataError, match="which one is newer cannot be told"):
        releases.resolve(store_of(OLD, other), 0.05)


def test_the_same_file_twice_is_counted_once():
    again = [{**r, "source_file": "old_copy.csv"} for r in OLD]
    store = store_of(OLD, again)
    superseded, overlaps = releases.resolve(store, 0.05)
    assert set(store.loc[superseded.notna(), "source_file"]) == {"old_copy.csv"}
    assert {o.kind for o in overlaps} == {"duplicate"}


def _national(table: pd.DataFrame, indicator: str, gender: str = "totaal") -> pd.DataFrame:
    rows = table[
        (table["indicator"] == indicator)
        & (table["region_level"] == "nederland")
        & (table["gender"] == gender)
    ]
    return rows.set_index("year")


def _config(numerator: dict, **extra) -> object:
    raw = {
        "indicators": {
            "test_instroom": {
                "naam": "Test",
                "omschrijving": "Test",
                "level": "hbo",
                "dataset": "duo_ho_first_years",
                "measure": "first_years",
                "numerator": numerator,
                "bron": "test",
                **extra,
            }
        }
    }
    return parse_indicator_config(raw, Path("test.yaml"))


def _compute(store: pd.DataFrame, config) -> pd.DataFrame:
    store = store.copy()
    store["superseded_by"], _ = releases.resolve(store, 0.05)
    return compute_indicators(store, REGION_TABLE, config, membership=membership(store))


def test_a_sector_rule_counts_the_gender_cut_in_every_view_never_the_sum():
    table = _compute(
        store_of(OLD, NEW, NEW_PROGRAMME), _config({"column": "field", "in": ["techniek"]})
    )
    totaal = _national(table, "test_instroom")
    # 2018/2019 old release only; 2020 the new gender cut (61 + 40), not old + new + programme.
    assert totaal.loc[2019, "denominator"] == 100 and totaal.loc[2020, "denominator"] == 101
    assert totaal.loc[2021, "denominator"] == 50 + 2.5  # the gender cut, '<5' imputed 2.5
    assert list(totaal["cut"]) == ["full", "full", "gender", "gender"]
    women = _national(table, "test_instroom", "vrouw")
    assert women.loc[2020, "denominator"] == 40 and women.loc[2020, "cut"] == "gender"
    assert table.attrs["cuts"][0]["files"] == ["old.csv"]


def test_a_programme_rule_counts_the_programme_cut_for_totaal():
    config = _config({"column": "programme_code", "in": ["34267"]})
    table = _compute(store_of(OLD, NEW, NEW_PROGRAMME), config)
    totaal = _national(table, "test_instroom")
    assert totaal.loc[2020, "cut"] == "programme"
    assert (totaal.loc[2020, "numerator"], totaal.loc[2020, "denominator"]) == (61, 101)
    hidden = totaal.loc[2021]  # numerator one '<5' cell (1..4), the rest 48
    assert pd.isna(hidden["numerator"])  # a lone suppressed cell is never shown
    assert (hidden["share_low"], hidden["share_high"]) == pytest.approx((1 / 49, 4 / 52))
    men = _national(table, "test_instroom", "man")
    assert men.loc[2020, "cut"] == "gender"  # no programme codes there: numerator 0
    assert men.loc[2020, "numerator"] == 0 and men.loc[2020, "denominator"] == 61


def test_an_explicit_cut_is_the_only_one_counted_for_totaal():
    config = _config({"column": "field", "in": ["techniek"]}, cut="programme")
    totaal = _national(_compute(store_of(NEW, NEW_PROGRAMME), config), "test_instroom")
    assert list(totaal["cut"]) == ["programme", "programme"]
    assert totaal.loc[2021, "denominator"] == 2.5 + 48


def test_unknown_cut_in_the_config_is_refused():
    with pytest.raises(Exception, match="cut must be 'auto' or one of"):
        _config({"column": "field", "in": ["techniek"]}, cut="geslacht")


# --- the real files -------------------------------------------------------------------------

HO = Path("duo/ho")


def _new_portal_totals(path: Path, column: str) -> tuple[Counter, Counter]:
    """Known counts and '-1' cells per STUDIEJAAR, with the csv module."""
    known, hidden = Counter(), Counter()
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            value = int(row[column])
            if value == -1:
                hidden[int(row["STUDIEJAAR"])] += 1
            else:
                known[int(row["STUDIEJAAR"])] += value
    return known, hidden


def _json_totals(path: Path) -> Counter:
    known = Counter()
    for record in json.loads(path.read_text(encoding="utf-8")):
        for year in range(2020, 2025):
            value = record.get(str(year))
            if isinstance(value, int):
                known[year] += value
    return known


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("indicator", "file", "column", "other", "cut"),
    [
        (
            "hbo_techniek_ingeschreven",
            "hbo_ingeschrevenen_geslacht_2020-2024_nieuw-portaal.csv",
            "AANTAL_INGESCHREVENEN",
            "hbo_ingeschrevenen_2020-2024.json",
            "gender",
        ),
        (  # a sector rule: the gender cut carries the sector
            "hbo_techniek_instroom_croho",
            "hbo_eerstejaars_geslacht_2020-2024_nieuw-portaal.csv",
            "AANTAL_EERSTEJAARS_INGESCHREVENEN",
            "hbo_eerstejaars_opleiding_2020-2024_nieuw-portaal.csv",
            "gender",
        ),
        (  # the programme classification: the programme cut for the totaal view
            "hbo_techniek_instroom",
            "hbo_eerstejaars_opleiding_2020-2024_nieuw-portaal.csv",
            "AANTAL_EERSTEJAARS_INGESCHREVENEN",
            "hbo_eerstejaars_geslacht_2020-2024_nieuw-portaal.csv",
            "programme",
        ),
    ],
)
def test_real_national_denominators_are_one_release_one_cut(
    shared_data: Path,
    real_processed: Path,
    indicator: str,
    file: str,
    column: str,
    other: str,
    cut: str,
):
    known, hidden = _new_portal_totals(shared_data / HO / file, column)
    assert known[2020] in (488_244, 109_924, 109_934)  # SOURCES.md's figures for the files
    table = pd.read_parquet(real_processed / paths.INDICATORS_FILE)
    national = _national(table, indicator)
    if other.endswith(".json"):
        others = _json_totals(shared_data / HO / other)
        assert others[2020] == 487_593
    else:
        others, _ = _new_portal_totals(shared_data / HO / other, column)
    for year in range(2020, 2025):
        denominator = national.loc[year, "denominator"]
        assert known[year] + hidden[year] <= denominator <= known[year] + 4 * hidden[year]
        assert denominator < known[year] + others[year] / 2  # never the sum of two files
        assert national.loc[year, "cut"] == cut


@pytest.mark.realdata
def test_real_manifest_lists_the_overlaps_with_the_revision(real_processed: Path):
    manifest = json.loads((real_processed / paths.MANIFEST_FILE).read_text())
    by_year = {
        o["year"]: o
        for o in manifest["overlaps"]
        if o["kind"] == "release" and o["dataset"] == "duo_ho_enrolled"
    }
    assert sorted(by_year) == [2020, 2021, 2022, 2023, 2024]
    first = by_year[2020]
    assert first["other"] == "duo/ho/hbo_ingeschrevenen_2020-2024.json" and first["kept_out"]
    assert (first["other_known"], first["used_known"]) == (487_593, 488_244)
    assert first["revision"] == pytest.approx(651 / 487_593)
    cuts = [o for o in manifest["overlaps"] if o["kind"] == "cut"]
    assert {o["year"] for o in cuts} == set(range(2020, 2025))
    assert all(o["dataset"] == "duo_ho_first_years" for o in cuts)
    assert load_indicator_config().settings.max_revision == 0.05


@pytest.mark.realdata
def test_report_quality_section_says_the_overlaps_in_dutch(
    real_processed: Path, tmp_path: Path
) -> None:
    from report_fixtures import make_processed

    from analysis import data
    from analysis.content import quality

    manifest = json.loads((real_processed / paths.MANIFEST_FILE).read_text())
    ctx = data.context(make_processed(tmp_path / "p"), "nederland", "Nederland", "2026-01-02")
    ctx = replace(ctx, data=replace(ctx.data, manifest=manifest))
    table = quality.overlaps_table(ctx)
    assert "Buiten de indicatoren" in table and "hbo_ingeschrevenen_2020-2024.json" in table
    assert "hbo, ingeschrevenen" in table and "2020/21" in table
    assert "487.593 \u2192 488.244" in table and "+0,13%" in table  # 651 / 487,593
    notes = quality.cuts_notes(ctx)
    assert notes[0].startswith("Voor hbo, eerstejaars 2020/21\u20132024/25 publiceert DUO")
    assert "nooit opgeteld" in notes[0]
    assert any("uitsnede naar geslacht" in n for n in notes[1:])
