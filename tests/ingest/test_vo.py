"""The DUO vo readers: real files against totals computed another way, quirks, bad input.

Expected values come from the ``csv`` module with plain int sums (real files) or are
worked out by hand on tiny files written with ``analysis.demo.vo``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis.demo.geography import municipalities
from analysis.demo.vo import (
    ExamRow,
    LocationRow,
    PupilRow,
    write_vo_exam,
    write_vo_locations,
    write_vo_pupils,
)
from analysis.errors import DataError
from analysis.ingest import identify
from analysis.ingest.rawfile import sniff
from analysis.ingest.vo import PUPIL_LEVELS, read_pupils

VO = Path("duo") / "vo"
EXAM_FILE = VO / "examenkandidaten_geslaagden_2019-2024.csv"
PUPILS_FILE = VO / "leerlingen_vo_per_vestiging_naar_onderwijstype_2019.csv"
LOCATIONS_FILE = VO / "alle_vestigingen_vo.csv"


def read(path: Path) -> tuple[str, pd.DataFrame]:
    fmt, sniffed = identify(path)
    return fmt.id, fmt.load(sniffed)


def raw_rows(path: Path, encoding: str) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    return rows[0], [r for r in rows[1:] if r and r != [""]]


def cell_sum(frame: pd.DataFrame, **where: object) -> int:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    return int(frame.loc[mask, "count"].sum())


# --- real files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_exam(shared_data: Path) -> tuple[Path, pd.DataFrame]:
    path = shared_data / EXAM_FILE
    fmt_id, frame = read(path)
    assert fmt_id == "duo_vo_exam" and set(frame["release"]) == {"2019"}
    return path, frame


def test_real_exam_totals_per_year_and_gender(real_exam):
    path, frame = real_exam
    header, rows = raw_rows(path, "utf-8")
    pattern = re.compile(r"EXAMENKANDIDATEN SCHOOLJAAR (\d{4})-\d{4} - (\w+)")
    columns = {
        i: pattern.fullmatch(h).groups() for i, h in enumerate(header) if pattern.fullmatch(h)
    }
    assert len(columns) == 15
    assert len(frame) == len(rows) * len(columns) == 12782 * 15
    totals, suppressed = Counter(), Counter()
    for row in rows:
        for i, (year, gender) in columns.items():
            if row[i] == "<5":
                suppressed[(int(year), gender.lower())] += 1
            else:
                totals[(int(year), gender.lower())] += int(row[i])
    for (year, gender), total in totals.items():
        part = frame[(frame["year"] == year) & (frame["gender"] == gender)]
        assert int(part["count"].sum()) == total, (year, gender)
        assert int(part["suppressed"].sum()) == suppressed[(year, gender)], (year, gender)
        assert part["schooljaar"].unique().tolist() == [f"{year}/{(year + 1) % 100:02d}"]
    assert set(frame["year"]) == {2019, 2020, 2021, 2022, 2023}


def test_real_exam_suppressed_cells_match_raw_text(real_exam):
    path, frame = real_exam
    raw = path.read_bytes()
    header, rows = raw_rows(path, "utf-8")
    passed_cols = [i for i, h in enumerate(header) if h.startswith("GESLAAGDEN")]
    passed_suppressed = sum(row[i] == "<5" for row in rows for i in passed_cols)
    assert raw.count(b'"<5"') == int(frame["suppressed"].sum()) + passed_suppressed
    assert frame.loc[frame["suppressed"], "count"].isna().all()
    assert frame.attrs["cells_not_stored"] == {
        "GESLAAGDEN": len(rows) * 15,
        "SLAAGPERC": len(rows) * 15,
    }


def test_real_exam_keys_and_source_rows(real_exam):
    path, frame = real_exam
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    for _, row in frame.sample(25, random_state=1).iterrows():
        fields = next(csv.reader([lines[row["source_row"] - 1]], delimiter=";"))
        assert fields[1] == row["location_code"]
        assert fields[6] == row["programme"]
        assert row["level"] == fields[4].lower()
    bare = frame[frame["programme"] == "VMBO T"]
    assert len(bare) == 4 * 15 and bare["field"].isna().all()
    assert frame.loc[frame["programme"] == "HAVO - N&T / N&G", "field"].eq("N&T / N&G").all()
    assert frame.loc[frame["programme"] == "VMBO B - techniek", "field"].eq("techniek").all()


def test_real_exam_totaal_mismatches_are_reported(real_exam):
    path, frame = real_exam
    header, rows = raw_rows(path, "utf-8")
    ix = {h: i for i, h in enumerate(header)}
    for year in range(2019, 2024):
        cols = [
            ix[f"EXAMENKANDIDATEN SCHOOLJAAR {year}-{year + 1} - {g}"]
            for g in ("MAN", "VROUW", "TOTAAL")
        ]
        differ = 0
        for row in rows:
            man, vrouw, totaal = (row[i] for i in cols)
            if "<5" not in (man, vrouw, totaal) and int(man) + int(vrouw) != int(totaal):
                differ += 1
        expected = [w for w in frame.attrs["warnings"] if w.startswith(f"{year}/")]
        if differ:
            assert expected and f" {differ} row(s) " in expected[0]
        else:
            assert not expected


def test_real_pupils_totals_and_levels(shared_data: Path):
    path = shared_data / PUPILS_FILE
    fmt_id, frame = read(path)
    assert fmt_id == "duo_vo_pupils_2019"
    header, rows = raw_rows(path, "latin-1")
    assert len(frame) == len(rows) * 12 == 24243 * 12
    totals = Counter()
    for row in rows:
        for lj in range(1, 7):
            for gender in ("MAN", "VROUW"):
                totals[(lj, gender.lower())] += int(
                    row[header.index(f"LEER- OF VERBLIJFSJAAR {lj} - {gender}")]
                )
    for (lj, gender), total in totals.items():
        assert cell_sum(frame, leerjaar=lj, gender=gender) == total
    assert int(frame["suppressed"].sum()) == path.read_bytes().count(b"<5") == 0
    # Every ONDERWIJSTYPE value in the real file has a deliberate mapping.
    raw_types = {row[header.index("ONDERWIJSTYPE VO EN LEER- OF VERBLIJFSJAAR")] for row in rows}
    assert raw_types == set(PUPIL_LEVELS)
    assert frame["level"].notna().all()
    by_type = frame.groupby("pathway")["level"].unique()
    assert by_type["Brugjaar 1-2"].tolist() == ["vo"]
    assert by_type["VWO lj 4-6"].tolist() == ["vwo"]
    assert by_type["VMBO TL lj 3-4"].tolist() == ["vmbo"]
    assert set(frame["schooljaar"]) == {"2019/20"} and set(frame["year"]) == {2019}
    assert "the year in the file name" in frame.attrs["year_rule"]
    # Latin-1 decoded: the name is the same as the csv module reads it with latin-1.
    assert "SGM Mariëndael VBO LWOO" in set(frame["institution_name"])


def test_real_locations(shared_data: Path):
    path = shared_data / LOCATIONS_FILE
    fmt_id, frame = read(path)
    assert fmt_id == "duo_vo_locations"
    header, rows = raw_rows(path, "latin-1")
    assert len(frame) == len(rows) == 1619
    ix = {h: i for i, h in enumerate(header)}
    assert frame["location_code"].tolist() == [r[ix["VESTIGINGSNUMMER"]].strip() for r in rows]
    assert frame["location_code"].is_unique
    assert frame["municipality_code"].str.fullmatch(r"\d{4}").all()
    assert frame["municipality_code"].nunique() == 296
    assert frame["corop_code_raw"].nunique() == 40
    for column in frame.columns.drop("source_row"):
        values = frame[column].dropna()
        assert (values == values.str.strip()).all(), column


# --- synthetic files: releases and quirks ------------------------------------------------


def havo_row(candidates, **kwargs) -> ExamRow:
    return ExamRow("9D01", 0, "Demo-Lyceum Één", "DEMO-STAD", "HAVO - N&T", candidates, **kwargs)


def test_exam_2019_tiny_hand_values(tmp_path: Path):
    rows = [
        havo_row({(2019, "MAN"): 7, (2019, "VROUW"): "<5", (2019, "TOTAAL"): 10}),
        ExamRow("9D02", 1, "Demo-College", "DEMO-DORP", "VMBO T", {(2019, "MAN"): 5}),
    ]
    path = write_vo_exam(tmp_path / "x.csv", rows, years=[2019])
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == 3 and raw.startswith(b'"INSTELLINGSCODE";')
    fmt_id, frame = read(path)
    assert fmt_id == "duo_vo_exam" and set(frame["release"]) == {"2019"}
    assert len(frame) == 6  # 2 rows x 3 genders
    assert cell_sum(frame, gender="man") == 12
    assert cell_sum(frame, gender="totaal") == 15  # 10 + the computed 5 + 0
    vrouw = frame[(frame["gender"] == "vrouw") & (frame["location_code"] == "9D0100")].iloc[0]
    assert vrouw["suppressed"] and pd.isna(vrouw["count"])
    first = frame[frame["location_code"] == "9D0100"].iloc[0]
    assert (first["level"], first["field"], first["institution_name"]) == (
        "havo",
        "N&T",
        "Demo-Lyceum Één",
    )
    assert (first["schooljaar"], first["year"], first["source_row"]) == ("2019/20", 2019, 2)
    second = frame[frame["location_code"] == "9D0201"].iloc[0]
    assert second["level"] == "vmbo" and pd.isna(second["field"]) and second["source_row"] == 3
    assert frame.attrs["cells_not_stored"] == {"GESLAAGDEN": 6, "SLAAGPERC": 6}


def test_exam_older_release_latin1_onbekend_decimal_comma(tmp_path: Path):
    rows = [
        ExamRow(
            "9D01",
            3,  # written as the bare number '3'
            "Demo-Scholengemeenschap Coörnhert",
            "DEMO-STAD",
            "VMBO B - intersectoraal",
            {(2013, "MAN"): 8, (2013, "VROUW"): 0, (2013, "ONBEKEND"): 1, (2014, "MAN"): 2},
            passed={(2013, "MAN"): 7, (2013, "VROUW"): 0, (2013, "ONBEKEND"): 1, (2014, "MAN"): 2},
        )
    ]
    path = write_vo_exam(tmp_path / "old.csv", rows, release="2013", years=[2013, 2014])
    raw = path.read_bytes()
    assert b"\r\n" not in raw and b'"' not in raw
    assert "Coörnhert".encode("latin-1") in raw
    assert b";87,5%;" in raw and b";,0%;" in raw  # 7 of 8 passed; 0 of 0
    assert len(raw.split(b"\n")[0].split(b";")) == 7 + 2 * 4 * 3
    fmt_id, frame = read(path)
    assert fmt_id == "duo_vo_exam" and set(frame["release"]) == {"2013"}
    assert set(frame["gender"]) == {"man", "vrouw", "onbekend", "totaal"}
    assert cell_sum(frame, year=2013, gender="onbekend") == 1
    assert cell_sum(frame, year=2013, gender="totaal") == 9
    assert cell_sum(frame, year=2014, gender="totaal") == 2
    assert set(frame["location_code"]) == {"9D0103"}
    assert set(frame["field"]) == {"intersectoraal"}
    assert not frame["suppressed"].any() and frame["count"].notna().all()
    assert frame.attrs["cells_not_stored"] == {"GESLAAGDEN": 8, "SLAAGPERC": 8}


def test_exam_new_release_years_found_by_pattern(tmp_path: Path):
    rows = [havo_row({(2025, "MAN"): 11, (2020, "VROUW"): 6})]
    path = write_vo_exam(tmp_path / "x.csv", rows, years=range(2020, 2026))
    _, frame = read(path)
    assert sorted(set(frame["year"])) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert cell_sum(frame, year=2025, gender="man") == 11
    assert cell_sum(frame, year=2020, gender="totaal") == 6
    assert "2025/26" in set(frame["schooljaar"])


@pytest.mark.parametrize("release", ["2019", "2013"])
def test_exam_bom_line_ends_and_stray_lines_do_not_change_values(tmp_path: Path, release: str):
    years = [2019] if release == "2019" else [2013]
    rows = [
        havo_row({(years[0], "MAN"): 9, (years[0], "VROUW"): 12}),
        havo_row({(years[0], "MAN"): 5}),
    ]
    plain = read(write_vo_exam(tmp_path / "a.csv", rows, release=release, years=years))[1]
    other_end = "\n" if release == "2019" else "\r\n"
    quirky_path = write_vo_exam(
        tmp_path / "b.csv",
        rows,
        release=release,
        years=years,
        bom=True,
        line_end=other_end,
        stray_lines=3,
    )
    raw = quirky_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b'""' + other_end.encode()) == 3
    assert sniff(quirky_path).header[0] in ("INSTELLINGSCODE", "BRIN NUMMER")  # BOM not in name
    quirky = read(quirky_path)[1]
    columns = ["gender", "count", "suppressed", "location_code", "programme"]
    pd.testing.assert_frame_equal(plain[columns], quirky[columns])
    # source_row still points at the physical line holding the row.
    lines = raw.decode("utf-8-sig").splitlines()
    for _, row in quirky.iterrows():
        assert lines[row["source_row"] - 1].strip('"').startswith("9D01")
    assert quirky["source_row"].max() > plain["source_row"].max()


def test_pupils_tiny_hand_values_and_suppression(tmp_path: Path):
    rows = [
        PupilRow(
            "9D01", 0, "Demo-Lyceum Één", "DEMOPLAATS", "Friesland", "HAVO lj 4-5", "N.v.t.",
            "Natuur en Techniek", "0370", "HAVO Prf Nat/Tech",
            {(4, "MAN"): 12, (4, "VROUW"): "<5", (5, "MAN"): 3},
        ),
        PupilRow(
            "9D01", 0, "Demo-Lyceum Één", "DEMOPLAATS", "Friesland", "Brugjaar 1-2", "N.v.t.",
            "N.v.t.", "0016", "Ljvb op VWO/HAVO", {(1, "MAN"): 20, (1, "VROUW"): 22},
        ),
    ]  # fmt: skip
    path = write_vo_pupils(tmp_path / "p.csv", rows)
    raw = path.read_bytes()
    assert "Één".encode("latin-1") in raw and b"\r" not in raw
    fmt_id, frame = read(path)
    assert fmt_id == "duo_vo_pupils_2019"
    assert len(frame) == 2 * 12
    assert cell_sum(frame, leerjaar=4, gender="man") == 12
    assert cell_sum(frame, level="havo") == 15
    assert cell_sum(frame, level="vo") == 42
    cell = frame[
        (frame["leerjaar"] == 4) & (frame["gender"] == "vrouw") & (frame["level"] == "havo")
    ]
    assert cell["suppressed"].tolist() == [True] and cell["count"].isna().all()
    assert int(frame["suppressed"].sum()) == raw.count(b"<5") == 1
    first = frame.iloc[0]
    assert first["location_code"] == "9D0100"
    assert (first["subfield"], first["programme_code"], first["province_raw"]) == (
        "Natuur en Techniek",
        "0370",
        "Friesland",
    )
    assert first["pathway"] == "HAVO lj 4-5" and first["schooljaar"] == "2019/20"


def pupils_text(extra: dict[str, str] | None = None, onderwijstype: str = "VWO lj 4-6") -> str:
    """A one-row pupils file written by hand (with optional extra columns)."""
    keys = {
        "BRIN NUMMER": "9D01",
        "VESTIGINGSNUMMER": "00",
        "INSTELLINGSNAAM VESTIGING": "Demo-Lyceum",
        "PLAATSNAAM VESTIGING": "DEMOPLAATS",
        "PROVINCIE VESTIGING": "Utrecht",
        "ONDERWIJSTYPE VO EN LEER- OF VERBLIJFSJAAR": onderwijstype,
        "VMBO SECTOR": "N.v.t.",
        "AFDELING": "Natuur en Techniek",
        "ELEMENTCODE": "0170",
        "OPLEIDINGSNAAM": "VWO-ATH Prf Nat/Tech",
        **(extra or {}),
    }
    counts = {
        f"LEER- OF VERBLIJFSJAAR {lj} - {g}": str(lj)
        for lj in range(1, 7)
        for g in ("MAN", "VROUW")
    }
    cells = {**keys, **counts}
    return ";".join(cells) + "\n" + ";".join(cells.values()) + "\n"


def test_pupils_year_from_a_schooljaar_column_or_the_caller(tmp_path: Path):
    path = tmp_path / "p.csv"
    path.write_text(pupils_text({"SCHOOLJAAR": "2021-2022"}), encoding="latin-1")
    _, frame = read(path)
    assert set(frame["year"]) == {2021} and set(frame["schooljaar"]) == {"2021/22"}
    assert cell_sum(frame, gender="vrouw") == 1 + 2 + 3 + 4 + 5 + 6
    path.write_text(pupils_text({"PEILDATUM": "01-10-2022"}), encoding="latin-1")
    assert set(read(path)[1]["year"]) == {2022}
    path.write_text(pupils_text(), encoding="latin-1")
    assert set(read_pupils(sniff(path), year=2020)["schooljaar"]) == {"2020/21"}


def test_pupils_year_from_the_file_name_else_2019_with_a_warning(tmp_path: Path):
    """The layout has no date column; DUO names each release by its year."""
    for name, year in (
        ("leerlingen-vo-per-vestiging-naar-onderwijstype-2021.csv", 2021),
        ("leerlingen_2022-2023.csv", 2022),
    ):
        path = tmp_path / name
        path.write_text(pupils_text(), encoding="latin-1")
        _, frame = read(path)
        assert set(frame["year"]) == {year} and set(frame["release"]) == {str(year)}
        assert not frame.attrs.get("warnings")
    for name in ("leerlingen.csv", "leerlingen_2019_2023.csv"):
        path = tmp_path / name
        path.write_text(pupils_text(), encoding="latin-1")
        _, frame = read(path)
        assert set(frame["year"]) == {2019}
        assert any("assumed" in w and "1 October 2019" in w for w in frame.attrs["warnings"])


def test_pupils_unknown_onderwijstype_is_an_error(tmp_path: Path):
    path = tmp_path / "p.csv"
    path.write_text(pupils_text(onderwijstype="VMBO XL lj 3-4"), encoding="latin-1")
    with pytest.raises(
        DataError, match=r"line 2.*ONDERWIJSTYPE VO EN LEER.*'VMBO XL lj 3-4'"
    ) as info:
        read(path)
    assert info.value.line == 2


def test_locations_tiny_padding_and_leading_zeros(tmp_path: Path):
    where = ("DEMOPLAATS", "DEMO-STAD", "Friesland", "04", "Noord-Friesland")
    rows = [
        LocationRow("9D01", 0, "Demo-Lyceum Één", where[0], "0014", *where[1:]),
        LocationRow("9D01", "9D0101", "  Demo-Dépendance ", where[0], "14", *where[1:]),
    ]
    path = write_vo_locations(tmp_path / "l.csv", rows)
    raw = path.read_bytes()
    assert b";          ;" in raw  # blank-padded phone field, as in the real file
    fmt_id, frame = read(path)
    assert fmt_id == "duo_vo_locations"
    assert frame["location_code"].tolist() == ["9D0100", "9D0101"]
    assert frame["municipality_code"].tolist() == ["0014", "0014"]
    assert frame["location_name"].tolist() == ["Demo-Lyceum Één", "Demo-Dépendance"]
    assert frame["corop_code_raw"].tolist() == ["04", "04"]
    assert frame["corop_name_raw"].tolist() == ["Noord-Friesland", "Noord-Friesland"]
    assert frame["source_row"].tolist() == [2, 3]


def test_locations_listed_twice_is_an_error(tmp_path: Path):
    row = LocationRow("9D01", 0, "Demo", "P", "0014", "S", "Utrecht", "17", "Utrecht")
    path = write_vo_locations(tmp_path / "l.csv", [row, row])
    with pytest.raises(DataError, match=r"line 3.*'9D0100' is listed more than once"):
        read(path)


# --- bad input ---------------------------------------------------------------------------


def test_empty_file(tmp_path: Path):
    path = tmp_path / "e.csv"
    path.write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        identify(path)


def test_header_without_rows(tmp_path: Path):
    path = write_vo_exam(tmp_path / "x.csv", [], years=[2019])
    with pytest.raises(DataError, match="no data rows"):
        read(path)


def test_truncated_mid_row_names_the_line(tmp_path: Path):
    rows = [
        havo_row({(2019, "MAN"): 9}),
        havo_row({(2019, "MAN"): 8}),
        havo_row({(2019, "MAN"): 7}),
    ]
    path = write_vo_exam(tmp_path / "x.csv", rows, years=[2019])
    raw = path.read_bytes()
    path.write_bytes(raw[: raw.rindex(b'";"', 0, len(raw) - 40)])  # cut inside the last row
    with pytest.raises(DataError, match="line 4") as info:
        read(path)
    assert info.value.line == 4


def test_missing_column_is_named(tmp_path: Path):
    path = write_vo_exam(tmp_path / "x.csv", [havo_row({(2019, "MAN"): 9})], years=[2019])
    header, rows = raw_rows(path, "utf-8")
    drop = header.index("GEMEENTENAAM")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        for row in [header, *rows]:
            writer.writerow(row[:drop] + row[drop + 1 :])
    with pytest.raises(DataError, match="GEMEENTENAAM") as info:
        read(path)
    assert info.value.column == "GEMEENTENAAM"


@pytest.mark.parametrize(
    ("value", "problem"),
    [("12a", "not a whole number"), ("-3", "negative count"), ("", "not a whole")],
)
def test_bad_exam_count_names_line_and_column(tmp_path: Path, value: str, problem: str):
    rows = [havo_row({(2019, "MAN"): 4}), havo_row({(2019, "MAN"): value, (2019, "TOTAAL"): 1})]
    path = write_vo_exam(tmp_path / "x.csv", rows, years=[2019])
    with pytest.raises(DataError, match=problem) as info:
        read(path)
    assert (info.value.line, info.value.column) == (
        3,
        "EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - MAN",
    )


def test_negative_pupil_count_names_line_and_column(tmp_path: Path):
    path = tmp_path / "p.csv"
    text = pupils_text().replace(";3;3;", ";3;-3;")
    path.write_text(text, encoding="latin-1")
    with pytest.raises(DataError, match="negative count") as info:
        read(path)
    assert (info.value.line, info.value.column) == (2, "LEER- OF VERBLIJFSJAAR 3 - VROUW")


@pytest.mark.parametrize(
    ("release", "bad"), [("2019", "87,5"), ("2019", "n.v.t."), ("2013", "87.5%")]
)
def test_bad_pass_rate_names_line_and_column(tmp_path: Path, release: str, bad: str):
    year = 2019 if release == "2019" else 2013
    rows = [havo_row({(year, "MAN"): 8}, pass_rates={(year, "VROUW"): bad})]
    path = write_vo_exam(tmp_path / "x.csv", rows, release=release, years=[year])
    with pytest.raises(DataError, match="is not a percentage") as info:
        read(path)
    assert (info.value.line, info.value.column) == (
        2,
        f"SLAAGPERC SCHOOLJAAR {year}-{year + 1} - VROUW",
    )


def test_unknown_vo_release_lists_what_was_looked_for(tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_text(
        "INSTELLINGSCODE;VESTIGINGSCODE;OPLEIDINGSNAAM;EXAMENKANDIDATEN 2019 MAN\n"
        "9D01;9D0100;HAVO - N&T;5\n"
    )
    with pytest.raises(DataError, match="unrecognised file") as info:
        identify(path)
    message = str(info.value)
    assert "EXAMENKANDIDATEN SCHOOLJAAR yyyy-yyyy" in message
    assert "LEER- OF VERBLIJFSJAAR 1 - MAN" in message and "ONDERWIJSSTRUCTUUR" in message


def test_renamed_year_column_is_an_error_not_skipped(tmp_path: Path):
    path = write_vo_exam(tmp_path / "x.csv", [havo_row({(2019, "MAN"): 9})], years=[2019])
    text = path.read_text(encoding="utf-8").replace(
        "SLAAGPERC SCHOOLJAAR 2019-2020 - TOTAAL", "SLAAGPERC SCHOOLJAAR 2019 - TOTAAL"
    )
    path.write_text(text, encoding="utf-8", newline="")
    with pytest.raises(DataError, match="unrecognised per-year column") as info:
        read(path)
    assert info.value.column == "SLAAGPERC SCHOOLJAAR 2019 - TOTAAL"


def test_unknown_exam_onderwijstype_is_an_error(tmp_path: Path):
    rows = [ExamRow("9D01", 0, "Demo", "DEMO-STAD", "MAVO - techniek", {(2019, "MAN"): 9})]
    path = write_vo_exam(tmp_path / "x.csv", rows, years=[2019])
    with pytest.raises(DataError, match="unknown value 'MAVO'") as info:
        read(path)
    assert (info.value.line, info.value.column) == (2, "ONDERWIJSTYPE VO")


def test_bad_location_code_is_an_error(tmp_path: Path):
    rows = [ExamRow("9D01", "9X9900", "Demo", "DEMO-STAD", "HAVO - N&T", {(2019, "MAN"): 9})]
    path = write_vo_exam(tmp_path / "x.csv", rows, years=[2019])
    with pytest.raises(DataError, match="location code") as info:
        read(path)
    assert (info.value.line, info.value.column) == (2, "VESTIGINGSCODE")


@pytest.mark.parametrize("write", [write_vo_pupils, write_vo_locations], ids=lambda f: f.__name__)
def test_pupils_and_locations_survive_bom_crlf_and_stray_lines(tmp_path: Path, write):
    few = municipalities()[:3]
    plain = read(write(tmp_path / "a.csv", seed=1, municipalities=few))[1]
    path = write(
        tmp_path / "b.csv", seed=1, municipalities=few, bom=True, line_end="\r\n", stray_lines=4
    )
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b'\r\n""\r\n') >= 3
    quirky = read(path)[1]
    assert len(quirky) == len(plain) > 0
    pd.testing.assert_frame_equal(
        plain.drop(columns="source_row").reset_index(drop=True),
        quirky.drop(columns="source_row").reset_index(drop=True),
    )


def test_count_contract_violation_names_the_column(tmp_path: Path):
    path = write_vo_exam(tmp_path / "x.csv", [havo_row({(1985, "MAN"): 9})], years=[1985])
    with pytest.raises(DataError, match="count contract") as info:
        read(path)
    assert info.value.column == "year"
