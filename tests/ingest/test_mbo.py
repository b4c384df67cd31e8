"""The DUO mbo students reader: real file against a csv-module route, tiny hand-made files,
and bad input."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis.demo.mbo import write_mbo_students
from analysis.errors import DataError
from analysis.ingest import identify, mbo

REAL = "duo/mbo/mbo_deelnemers_instelling_plaats_sector_niveau_geslacht_2015-2019.csv"


def read(path: Path) -> pd.DataFrame:
    fmt, sniffed = identify(path)
    assert fmt is mbo.FORMAT
    return fmt.read(sniffed)


# --- real file -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(shared_data: Path) -> tuple[pd.DataFrame, list[str], list[list[str]]]:
    path = shared_data / REAL
    with open(path, encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle, delimiter=";"))
    header, body = lines[0], [r for r in lines[1:] if len(r) == len(lines[0])]
    return read(path), header, body


def test_real_totals_per_year_and_gender_match_plain_sums(real) -> None:
    frame, header, body = real
    expected = Counter()
    for row in body:
        for name, cell in zip(header, row, strict=True):
            match = re.fullmatch(r"(MAN|VROUW|TOTAAL)(\d{4})", name)
            if match and cell.isdigit():
                expected[(match[1].lower(), int(match[2]))] += int(cell)
    got = frame.groupby(["gender", "year"])["count"].sum()
    assert {k: int(v) for k, v in got.items()} == dict(expected)
    # SOURCES.md, a third route
    assert expected[("totaal", 2015)] == 471_848
    assert expected[("totaal", 2019)] == 501_903


def test_real_empty_cells_are_counted_not_stored(real) -> None:
    frame, header, body = real
    value_columns = [i for i, h in enumerate(header) if re.fullmatch(r"[A-Z]+\d{4}", h)]
    empty = sum(1 for row in body for i in value_columns if row[i].strip() == "")
    filled = sum(1 for row in body for i in value_columns if row[i].strip() != "")
    assert frame.attrs["empty_cells"] == empty
    assert len(frame) == filled


def test_real_suppressed_cells_equal_lt5_strings(real) -> None:
    frame, _, body = real
    assert int(frame["suppressed"].sum()) == sum(cell == "<5" for row in body for cell in row)


def test_real_total_mismatches_counted_independently(real) -> None:
    frame, header, body = real
    col = {h: i for i, h in enumerate(header)}
    years = sorted({int(h[-4:]) for h in header if h.startswith("TOTAAL")})
    mismatched = 0
    for row in body:
        for y in years:
            m, v, t = (row[col[f"{g}{y}"]] for g in ("MAN", "VROUW", "TOTAAL"))
            if "<5" in (m, v, t) or t == "":
                continue
            if int(m or 0) + int(v or 0) != int(t):
                mismatched += 1
                break
    assert frame.attrs["total_mismatches"] == mismatched


def test_real_stray_lines_skipped_and_padding_stripped(real, shared_data: Path) -> None:
    frame, _, _ = real
    lines = (shared_data / REAL).read_text(encoding="utf-8").splitlines()
    stray = {i for i, line in enumerate(lines, start=1) if line == '""'}
    assert len(stray) == 29
    assert not stray & set(frame["source_row"].astype(int))
    for column in ("institution_code", "institution_name", "place_raw", "programme"):
        values = frame[column].dropna()
        assert (values == values.str.strip()).all()
    assert set(frame["pathway"]) == {"BOLVT", "BBL", "BOLDT"}
    assert frame["level"].eq("mbo").all() and frame["measure"].eq("students").all()


# --- synthetic: hand-chosen values -----------------------------------------------------------


def test_tiny_file_hand_checked(tmp_path: Path) -> None:
    rows = [
        {"MAN2015": 3, "VROUW2015": "", "TOTAAL2015": 3, "MAN2016": "<5", "VROUW2016": 7,
         "TOTAAL2016": 9},
        {"BRIN NUMMER": "9M02", "PLAATSNAAM": "DEMOPLAATS TWENTE 1", "MBO SECTOR": "economie",
         "MAN2016": 10, "VROUW2016": 5, "TOTAAL2016": 15},
    ]  # fmt: skip
    frame = read(write_mbo_students(tmp_path / "any-name.txt", years=[2015, 2016], rows=rows))
    got = {
        (int(r.source_row), r.year, r.gender): (None if pd.isna(r.count) else int(r.count),
                                               bool(r.suppressed))
        for r in frame.itertuples()
    }  # fmt: skip
    assert got == {
        (2, 2015, "man"): (3, False),
        (2, 2015, "totaal"): (3, False),
        (2, 2016, "man"): (None, True),
        (2, 2016, "vrouw"): (7, False),
        (2, 2016, "totaal"): (9, False),
        (3, 2016, "man"): (10, False),
        (3, 2016, "vrouw"): (5, False),
        (3, 2016, "totaal"): (15, False),
    }
    # 1 blank VROUW2015 in row 1, 3 blank 2015 cells in row 2
    assert frame.attrs["empty_cells"] == 4
    assert frame.attrs["total_mismatches"] == 0
    assert set(frame["schooljaar"]) == {"2015/16", "2016/17"}
    row2 = frame[frame["source_row"] == 3].iloc[0]
    assert (row2.institution_code, row2.place_raw, row2.field) == (
        "9M02",
        "DEMOPLAATS TWENTE 1",
        "economie",
    )
    assert frame["qualification_level"].eq("4").all()


def test_total_mismatch_is_reported(tmp_path: Path) -> None:
    rows = [
        {"MAN2015": 2, "VROUW2015": 3, "TOTAAL2015": 6},  # 2 + 3 != 6
        {"MAN2015": 2, "VROUW2015": "", "TOTAAL2015": 2},  # blank counts as no students
        {"MAN2015": "<5", "VROUW2015": 3, "TOTAAL2015": 9},  # unknown part: not checked
    ]
    frame = read(write_mbo_students(tmp_path / "m.csv", years=[2015], rows=rows))
    assert frame.attrs["total_mismatches"] == 1
    assert "TOTAAL" in frame.attrs["warnings"][0]


def test_later_release_years_found_by_pattern(tmp_path: Path) -> None:
    rows = [{"MAN2020": 4, "VROUW2020": 6, "TOTAAL2020": 10}]
    frame = read(write_mbo_students(tmp_path / "m.csv", years=range(2016, 2021), rows=rows))
    assert sorted(frame["year"].unique()) == [2020]
    assert frame.attrs["empty_cells"] == 12  # 2016-2019 x 3 genders


def test_source_row_is_the_physical_line(tmp_path: Path) -> None:
    rows = [{"MAN2015": 1}, {"MAN2015": 2}, {"MAN2015": 3}]
    path = write_mbo_students(tmp_path / "m.csv", years=[2015], rows=rows)
    lines = path.read_bytes().split(b"\r\n")
    frame = read(path)
    for r in frame.itertuples():
        assert lines[r.source_row - 1].split(b";")[13] == str(r.count).encode()


def test_demo_file_is_plausible_and_deterministic(tmp_path: Path) -> None:
    a = write_mbo_students(tmp_path / "a.csv", seed=3, suppress=True)
    b = write_mbo_students(tmp_path / "b.csv", seed=3, suppress=True)
    assert a.read_bytes() == b.read_bytes()
    frame = read(a)
    total = frame[frame["gender"] == "totaal"]
    tech = total["field"].eq("techniek")
    assert 0.20 < total.loc[tech, "count"].sum() / total["count"].sum() < 0.30
    women = frame[(frame["gender"] == "vrouw") & frame["field"].eq("techniek")]["count"].sum()
    assert women / total.loc[tech, "count"].sum() < 0.2
    assert frame["suppressed"].any()
    assert not frame["institution_code"].str.fullmatch(r"\d{2}[A-Z]{2}").any()


# --- bad input -------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        identify(path)


def test_truncated_mid_row_names_the_line(tmp_path: Path) -> None:
    path = write_mbo_students(
        tmp_path / "m.csv", years=[2015], rows=[{"MAN2015": n} for n in (1, 2, 3)]
    )
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"\r\n9M01") + 20])  # cut inside the last row
    with pytest.raises(DataError, match=r"line 4"):
        read(path)


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = write_mbo_students(tmp_path / "m.csv", years=[2015], rows=[{"MAN2015": 1}])
    text = path.read_text(encoding="utf-8").replace("PLAATSNAAM", "PLAATS", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="'PLAATSNAAM'"):
        read(path)


@pytest.mark.parametrize(("value", "problem"), [("12a", "not a number"), ("-3", "negative")])
def test_bad_count_names_line_and_column(tmp_path: Path, value: str, problem: str) -> None:
    rows = [{"MAN2015": 1}, {"VROUW2015": value}]
    path = write_mbo_students(tmp_path / "m.csv", years=[2015], rows=rows)
    with pytest.raises(DataError, match=rf"line 3, column .VROUW2015.: .*{problem}"):
        read(path)


def test_unknown_mbo_release_header(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("BRIN NUMMER;INSTELLINGSNAAM;SECTOR;DEELNEMERS 2015\n00GT;X;techniek;5\n")
    with pytest.raises(DataError, match=r"unrecognised file.*MBO SECTOR"):
        identify(path)
