"""A report's downloads (CSV, XLSX) hold the indicator table's rows the report draws on,
unrounded, and the figures the report prints are those rows' figures."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis import data
from analysis.content import scorecard
from analysis.present import text
from analysis.publish import downloads

COLUMNS = (
    ("share", "Aandeel"),
    ("share_low", "Ondergrens"),
    ("share_high", "Bovengrens"),
    ("denominator", "Noemer"),
)


def _expected_codes(processed: Path) -> set[str]:
    """Utrecht, its landsdeel, Nederland and the provinces of its landsdeel, from the region
    table itself (not from the report code)."""
    regions = pd.read_parquet(processed / "regions.parquet")
    utrecht = regions[(regions["region_level"] == "provincie") & (regions["region"] == "Utrecht")]
    landsdeel = utrecht["landsdeel"].iloc[0]
    same = regions[(regions["region_level"] == "provincie") & (regions["landsdeel"] == landsdeel)]
    ld = regions[(regions["region_level"] == "landsdeel") & (regions["region"] == landsdeel)]
    return {"NL", *same["region_code"], *ld["region_code"]}


@pytest.fixture(scope="module")
def written(processed: Path, utrecht: data.ReportContext, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("reports") / "provincie" / "utrecht.html"
    downloads.write_downloads(utrecht, target)
    return target


def _csv_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM, so Dutch Excel reads it as UTF-8"
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8")), delimiter=";"))


def _number(cell: str) -> float | None:
    return None if cell == "" else float(cell.replace(",", "."))


def test_csv_equals_the_indicator_table(processed: Path, written: Path) -> None:
    table = pd.read_parquet(processed / "indicators.parquet")
    expected = table[table["region_code"].isin(_expected_codes(processed))]
    rows = _csv_rows(written.with_suffix(".csv"))
    assert len(rows) == len(expected)
    got = {(r["Indicator (id)"], r["Regiocode"], int(r["Jaar"]), r["Geslacht"]): r for r in rows}
    assert len(got) == len(rows), "every figure once"
    for row in expected.itertuples():
        r = got[(row.indicator, row.region_code, int(row.year), row.gender)]
        for column, header in COLUMNS:
            value = getattr(row, column)
            assert _number(r[header]) == (None if pd.isna(value) else float(value)), header
    sample = next(r for r in rows if r["Aandeel"] not in ("", "0", "1"))
    assert "," in sample["Aandeel"] and "." not in sample["Aandeel"], "decimal comma"


def test_xlsx_has_a_sheet_per_section_with_percent_format(processed: Path, written: Path) -> None:
    book = openpyxl.load_workbook(written.with_suffix(".xlsx"))
    sections = ["Voortgezet onderwijs", "Mbo", "Hbo", "Wo", "Hbo en wo"]
    expected_sheets = [s for s in sections if s in book.sheetnames]
    assert book.sheetnames == [*expected_sheets, "Vrouwen in bèta en techniek"]
    assert expected_sheets[:4] == sections[:4]
    table = pd.read_parquet(processed / "indicators.parquet")
    expected = table[table["region_code"].isin(_expected_codes(processed))]
    total = 0
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        assert header[:3] == ["Indicator (id)", "Indicator", "Rol in rapport"]
        share = header.index("Aandeel") + 1
        for row in sheet.iter_rows(min_row=2):
            total += 1
            cell = row[share - 1]
            if cell.value is not None:
                assert cell.number_format == "0.0%"
                assert 0 <= cell.value <= 1
        ids = {c.value for c in sheet["A"][1:]}
        women = {i for i in ids if i.endswith("__aandeel_vrouwen")}
        assert (women == ids) == (sheet.title == "Vrouwen in bèta en techniek")
    assert total == len(expected)


def test_the_figures_the_scorecard_prints_are_in_the_download(
    utrecht: data.ReportContext, written: Path
) -> None:
    page = scorecard.scorecard_html(utrecht)
    rows = [
        r
        for r in _csv_rows(written.with_suffix(".csv"))
        if r["Rol in rapport"] == "regio" and r["Geslacht"] == "totaal" and r["Aandeel"]
    ]
    checked = 0
    for indicator in utrecht.main_indicators():
        mine = [r for r in rows if r["Indicator (id)"] == indicator]
        if not mine:
            continue
        latest = max(mine, key=lambda r: int(r["Jaar"]))
        low, high = _number(latest["Ondergrens"]), _number(latest["Bovengrens"])
        printed = text.pct_range(_number(latest["Aandeel"]), low, high)
        assert printed in page, (indicator, printed)
        checked += 1
    assert checked >= 5


def test_a_failing_region_is_reported_and_the_others_still_get_theirs(
    processed: Path, tmp_path: Path
) -> None:
    from analysis.publish.plan import make_jobs

    good = data.Region("provincie", "Utrecht", "PV26")
    bad = data.Region("provincie", "Nergensland", "PV99")
    jobs = make_jobs([bad, good], ("html",))
    failures = downloads.write_for_jobs(jobs, processed, tmp_path, {j.label for j in jobs})
    assert len(failures) == 1 and failures[0].startswith("provincie/Nergensland: downloads")
    assert (tmp_path / "provincie" / "utrecht.csv").is_file()
    assert (tmp_path / "provincie" / "utrecht.xlsx").is_file()
    assert not (tmp_path / "provincie" / "nergensland.csv").exists()


def test_source_files_per_dataset_level_and_year_leave_out_superseded_releases(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store.parquet"
    pd.DataFrame(
        {
            "dataset": ["duo_mbo", "duo_mbo", "duo_mbo", "duo_mbo", "duo_ho", "duo_ho"],
            "level": ["mbo", "mbo", "mbo", "mbo", "hbo", "hbo"],
            "year": pd.array([2022, 2022, 2022, 2023, 2022, None], dtype="Int64"),
            "source_file": ["b.csv", "a.csv", "b.csv", "old.csv", "h.csv", "x.csv"],
            "superseded_by": [None, None, None, "new.csv", None, None],
            "count": [1, 2, 3, 4, 5, 6],
        }
    ).to_parquet(store)
    assert downloads.source_index(tmp_path) == {
        ("duo_mbo", "mbo", 2022): "a.csv; b.csv",
        ("duo_ho", "hbo", 2022): "h.csv",
    }
