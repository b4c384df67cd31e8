"""Real DUO release variants the readers must take as what they are, and DUO's footer rows.

Each fixture is written as a DUO release of that kind looks: the real header of the file
at hand, then changed the way DUO changed it between releases (renamed key columns, year
and gender written otherwise, other line ends, lost leading zeros, a totals row). Expected
values are worked out by hand from the few rows written here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.demo.vo import ExamRow, write_vo_exam
from analysis.errors import DataError
from analysis.ingest import identify

LINE_ENDS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}

# --- mbo: "03 Deelnemers per instelling, plaats, ..., niveau, geslacht" --------------------

MBO_KEYS = [
    "BRIN NUMMER",
    "SOORTINS",
    "INSTELLINGSNAAM",
    "PLAATSNAAM",
    "TYPE MBO",
    "KWALIFICATIENIVEAU",
    "KWALIFICATIE CODE",
    "KWALIFICATIE NAAM",
    "MBO SECTOR",
    "DOMEIN",
    "SECTORUNIT SBB",
    "BRIN NUMMER KENNISCENTRUM",
    "NAAM KENNISCENTRUM",
]
MBO_ROWS = [  # key fields, then (man, vrouw, totaal) for 2018 and 2019
    (
        [
            "25LX",
            "ROC",
            "ROC Demo",
            "DEMO-STAD",
            "BOLVT",
            "4",
            "25187",
            "Technicus",
            "techniek",
            "Techniek en procesindustrie",
            "Techniek",
            "",
            "",
        ],
        [(10, 2, 12), (11, 3, 14)],
    ),
    (
        [
            "25LX",
            "ROC",
            "ROC Demo",
            "DEMO-STAD",
            "BBL",
            "2",
            "25256",
            "Verzorgende",
            "zorg en welzijn",
            "Zorg",
            "Zorg",
            "",
            "",
        ],
        [(1, 7, 8), (0, 9, 9)],
    ),
]
GENDER_YEAR_STYLES = {
    "MAN2018": lambda g, y: f"{g}{y}",
    "2018 MAN": lambda g, y: f"{y} {g}",
    "2018-MAN": lambda g, y: f"{y}-{g}",
    "MAN 2018": lambda g, y: f"{g} {y}",
    "MAN_2018": lambda g, y: f"{g}_{y}",
    "man 2018-2019": lambda g, y: f"{g.lower()} {y}-{y + 1}",
}


def write_mbo(
    path: Path,
    style,
    *,
    line_end: str = "\r\n",
    brin: str = "BRIN NUMMER",
    extra: bool = False,
    footer: list[str] | None = None,
) -> Path:
    """The mbo file as a release with ``style`` year/gender columns writes it."""
    keys = [brin if k == "BRIN NUMMER" else k for k in MBO_KEYS]
    counts = [style(g, y) for y in (2018, 2019) for g in ("MAN", "VROUW", "TOTAAL")]
    header = [*keys, *(["GEMEENTENAAM"] if extra else []), *counts]
    lines = [";".join(header)]
    for fields, years in MBO_ROWS:
        values = [str(n) for triple in years for n in triple]
        lines.append(";".join([*fields, *(["Demodam"] if extra else []), *values]))
    lines += footer or []
    path.write_bytes((line_end.join(lines) + line_end).encode("utf-8"))
    return path


def read(path: Path) -> pd.DataFrame:
    fmt, sniffed = identify(path)
    return fmt.load(sniffed)


def totals(frame: pd.DataFrame) -> dict[tuple[int, str], int]:
    grouped = frame.groupby(["year", "gender"])["count"].sum()
    return {(int(y), g): int(n) for (y, g), n in grouped.items()}


MBO_EXPECTED = {  # by hand from MBO_ROWS
    (2018, "man"): 11,
    (2018, "vrouw"): 9,
    (2018, "totaal"): 20,
    (2019, "man"): 11,
    (2019, "vrouw"): 12,
    (2019, "totaal"): 23,
}


@pytest.mark.parametrize("line_end", LINE_ENDS.values(), ids=LINE_ENDS.keys())
@pytest.mark.parametrize("style", GENDER_YEAR_STYLES.values(), ids=GENDER_YEAR_STYLES.keys())
def test_mbo_gender_and_year_in_one_header_written_any_way(tmp_path: Path, style, line_end: str):
    frame = read(write_mbo(tmp_path / "mbo.csv", style, line_end=line_end))
    assert totals(frame) == MBO_EXPECTED
    assert list(frame["source_row"].unique()) == [2, 3]  # physical lines, whatever the line end


def test_mbo_renamed_key_and_extra_column(tmp_path: Path):
    path = write_mbo(tmp_path / "mbo.csv", GENDER_YEAR_STYLES["MAN2018"], brin="INSTELLINGSCODE")
    frame = read(path)
    assert totals(frame) == MBO_EXPECTED
    assert set(frame["institution_code"]) == {"25LX"}
    extra = read(write_mbo(tmp_path / "x.csv", GENDER_YEAR_STYLES["2018 MAN"], extra=True))
    assert totals(extra) == MBO_EXPECTED


def test_mbo_footer_blank_rows_and_totals_row_are_not_data(tmp_path: Path):
    width = len(MBO_KEYS) + 6
    blank = ";" * (width - 1)
    total = ";".join(["Totaal", *[""] * (len(MBO_KEYS) - 1), "11", "9", "20", "11", "12", "23"])
    path = write_mbo(
        tmp_path / "mbo.csv", GENDER_YEAR_STYLES["MAN2018"], footer=[blank, total, "", blank]
    )
    frame = read(path)
    assert totals(frame) == MBO_EXPECTED  # the totals row (line 5) is not counted again
    assert frame.attrs["footer_rows"] == [5]
    assert sorted(frame["source_row"].unique()) == [2, 3]


def test_mbo_unlabelled_totals_row_that_does_not_add_up_names_line_and_column(tmp_path: Path):
    total = ";".join([*[""] * len(MBO_KEYS), "11", "9", "20", "11", "13", "23"])
    path = write_mbo(tmp_path / "mbo.csv", GENDER_YEAR_STYLES["MAN2018"], footer=[total])
    with pytest.raises(DataError, match="totals row says 13 but the data rows sum to 12") as info:
        read(path)
    assert (info.value.line, info.value.column) == (4, "VROUW2019")


# --- ho: old-portal wide CSV, the 2024 release's key names ---------------------------------

HO_KEYS_2024 = (
    "PROVINCIE;GEMEENTENUMMER;GEMEENTENAAM;SOORT INSTELLING;TYPE HOGER ONDERWIJS;"
    "INSTELLINGSCODE ACTUEEL;INSTELLINGSNAAM ACTUEEL;ONDERDEEL;SUBONDERDEEL;"
    "OPLEIDINGSCODE ACTUEEL;OPLEIDINGSNAAM ACTUEEL;OPLEIDINGSVORM;GESLACHT"
)


def write_ho_2024_csv(path: Path, years: str, footer: str | None = None) -> Path:
    """hbo ingeschrevenen as the 2024 release's CSV (the JSON's keys), codes without zeros."""
    rows = [
        "Drenthe;106;Assen;reguliere inst.;bachelor;25BE;Hanzehogeschool Groningen;techniek;"
        "n.v.t. (techniek);34267;B Elektrotechniek;voltijd onderwijs;man;50;<5",
        "Drenthe;106;Assen;reguliere inst.;bachelor;25BE;Hanzehogeschool Groningen;techniek;"
        "n.v.t. (techniek);34267;B Elektrotechniek;voltijd onderwijs;vrouw;5;6",
        "Groningen;14;Groningen;reguliere inst.;associate degree;25BE;Hanzehogeschool Groningen;"
        "economie;n.v.t. (economie);80009;Ad Tourism Management;voltijd onderwijs;vrouw;7;8",
    ]
    lines = [f"{HO_KEYS_2024};{years}", *rows, *([footer] if footer else [])]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


@pytest.mark.parametrize("years", ["2020;2021", "2020-2021;2021-2022", "2020/21;2021/22"])
def test_ho_wide_csv_with_renamed_keys_school_year_columns_and_lost_zeros(
    tmp_path: Path, years: str
):
    frame = read(write_ho_2024_csv(tmp_path / "ingeschrevenen-hbo-2021.csv", years))
    assert sorted(frame["year"].unique()) == [2020, 2021]
    assert int(frame.loc[frame["year"] == 2020, "count"].sum()) == 62  # 50 + 5 + 7
    assert int(frame.loc[frame["year"] == 2021, "count"].sum()) == 14  # <5 + 6 + 8
    assert int(frame["suppressed"].sum()) == 1
    assert set(frame["municipality_code_raw"]) == {"0106", "0014"}
    assert set(frame["institution_code"]) == {"25BE"}
    assert set(frame["field"]) == {"techniek", "economie"}
    assert set(frame["cut"]) == {"full"} and set(frame["level"]) == {"hbo"}


def test_ho_totals_row_with_a_suppressed_cell_is_checked_against_the_range(tmp_path: Path):
    footer = "Totaal;;;;;;;;;;;;;62;15"  # 2021: 14 known + one '<5' (1..4) -> 15..18
    frame = read(write_ho_2024_csv(tmp_path / "ingeschrevenen-hbo.csv", "2020;2021", footer))
    assert frame.attrs["footer_rows"] == [5]
    bad = write_ho_2024_csv(
        tmp_path / "b-ingeschrevenen-hbo.csv", "2020;2021", "Totaal" + ";" * 13 + "62;19"
    )
    with pytest.raises(DataError, match="sum to 15-18") as info:
        read(bad)
    assert (info.value.line, info.value.column) == (5, "2021")


def test_ho_programme_code_without_leading_zero_is_the_same_code(tmp_path: Path):
    path = write_ho_2024_csv(tmp_path / "ingeschrevenen-wo.csv", "2020;2021")
    text = path.read_text().replace("34267;B Elektrotechniek", "6551;Geneeskunde")
    text = text.replace("80009;Ad Tourism Management", "06551;Geneeskunde")
    text = text.replace("associate degree", "bachelor").replace(
        "Hanzehogeschool", "Rijksuniversiteit"
    )
    path.write_text(text)
    frame = read(path)
    assert set(frame["programme_code"]) == {"06551"}
    assert set(frame["level"]) == {"wo"}  # 06551 is an undivided wo programme


def test_ho_older_release_without_actueel_names_pathway_or_degree(tmp_path: Path):
    """A narrower old-portal release: BRIN NUMMER / OPLEIDINGSCODE, no OPLEIDINGSVORM and no
    TYPE HOGER ONDERWIJS, an extra OPLEIDINGSFASE column; LF, Latin-1 'Fryslân'."""
    header = (
        "PROVINCIE;GEMEENTENAAM;BRIN NUMMER;CROHO ONDERDEEL;OPLEIDINGSCODE;"
        "OPLEIDINGSFASE ACTUEEL;GESLACHT;2013;2014"
    )
    rows = [
        "Fryslân;Leeuwarden;31FR;techniek;34267;bachelor;man;40;41",
        "Fryslân;Leeuwarden;31FR;techniek;34267;propedeuse;man;12;13",
        "Fryslân;Leeuwarden;31FR;economie;80009;associate degree;vrouw;9;<5",
    ]
    path = tmp_path / "ingeschrevenen-hbo-2014.csv"
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode("latin-1"))
    frame = read(path)
    assert {y: int(frame.loc[frame["year"] == y, "count"].sum()) for y in (2013, 2014)} == {
        2013: 61,
        2014: 54,
    }
    assert set(frame["province_raw"]) == {"Fryslân"} and set(frame["level"]) == {"hbo"}
    assert set(frame["programme_code"]) == {"34267", "80009"}
    assert frame["pathway"].isna().all()


# --- ho: new portal -----------------------------------------------------------------------

NEW_PORTAL_HEADER = (
    '"STUDIEJAAR","PROVINCIENAAM","GEMEENTENUMMER","GEMEENTENAAM","SOORT_INSTELLING",'
    '"TYPE_HOGER_ONDERWIJS","INSTELLINGSCODE_ACTUEEL","INSTELLINGSNAAM_ACTUEEL","ONDERDEEL",'
    '"SUBONDERDEEL","GESLACHT","AANTAL_EERSTEJAARS_INGESCHREVENEN"'
)


@pytest.mark.parametrize("line_end", LINE_ENDS.values(), ids=LINE_ENDS.keys())
def test_new_portal_as_duo_serves_it(tmp_path: Path, line_end: str):
    """CRLF as DUO serves it (the copy at hand has LF), -1 suppressed, ONDERDEEL upper case."""
    rows = [
        NEW_PORTAL_HEADER,
        '"2024","Gelderland","0289","Wageningen","reguliere inst.","bachelor","22OJ",'
        '"Hogeschool Van Hall Larenstein","LANDBOUW_EN_NATUURLIJKE_OMGEVING",'
        '"n.v.t. (landbouw en natuurlijke omgeving)","VROUW",31',
        '"2024","Gelderland","0289","Wageningen","reguliere inst.","associate degree","22OJ",'
        '"Hogeschool Van Hall Larenstein","TECHNIEK","n.v.t. (techniek)","MAN",-1',
    ]
    path = tmp_path / "eerstejaarsingeschrevenengeslhbo.csv"
    path.write_bytes((line_end.join(rows) + line_end).encode("utf-8"))
    frame = read(path)
    assert list(frame["field"]) == ["landbouw en natuurlijke omgeving", "techniek"]
    assert list(frame["count"].astype("object")) == [31, pd.NA]
    assert list(frame["suppressed"]) == [False, True]
    assert set(frame["cut"]) == {"gender"} and set(frame["measure"]) == {"first_years"}
    assert pd.isna(frame["programme_code"]).all()


# --- vo: examenkandidaten, releases 2013-2018 and 2014-2019 (Latin-1, ONBEKEND) ------------


def _exam_2013(tmp_path: Path, name: str = "old.csv") -> Path:
    rows = [
        ExamRow(
            "9D01",
            3,
            "Demo-College",
            "DEMO-STAD",
            "HAVO - N&T",
            {(2014, "MAN"): 8, (2014, "VROUW"): 5, (2014, "ONBEKEND"): 1},
        )
    ]
    return write_vo_exam(tmp_path / name, rows, release="2013", years=[2014])


EXAM_HEADER_STYLES = {
    "gender first": lambda m, y, g: f"{m} {g} SCHOOLJAAR {y}-{y + 1}",
    "no dash": lambda m, y, g: f"{m} SCHOOLJAAR {y}-{y + 1} {g}",
    "short year": lambda m, y, g: f"{m} {y}/{(y + 1) % 100:02d} - {g}",
    "lower case": lambda m, y, g: f"{m} schooljaar {y}-{y + 1} - {g}".lower(),
}


@pytest.mark.parametrize("style", EXAM_HEADER_STYLES.values(), ids=EXAM_HEADER_STYLES.keys())
def test_exam_year_and_gender_columns_written_otherwise(tmp_path: Path, style):
    path = _exam_2013(tmp_path)
    plain = read(path)
    raw = path.read_bytes().decode("latin-1").split("\n")
    header = raw[0].split(";")
    for i, column in enumerate(header):
        for measure in ("EXAMENKANDIDATEN", "GESLAAGDEN", "SLAAGPERC"):
            for gender in ("MAN", "VROUW", "ONBEKEND", "TOTAAL"):
                if column == f"{measure} SCHOOLJAAR 2014-2015 - {gender}":
                    header[i] = style(measure, 2014, gender)
    raw[0] = ";".join(header)
    path.write_bytes("\n".join(raw).encode("latin-1"))
    assert (
        totals(read(path))
        == totals(plain)
        == {
            (2014, "man"): 8,
            (2014, "vrouw"): 5,
            (2014, "onbekend"): 1,
            (2014, "totaal"): 14,
        }
    )


def test_exam_mixed_key_names_and_cp1252_apostrophe(tmp_path: Path):
    """INSTELLINGSCODE with the old VESTIGINGSNUMMER; "’s-Hertogenbosch" with byte 0x92."""
    path = _exam_2013(tmp_path)
    data = path.read_bytes().replace(b"BRIN NUMMER;", b"INSTELLINGSCODE;", 1)
    data = data.replace(b"DEMO-STAD", b"\x92S-HERTOGENBOSCH")
    path.write_bytes(data)
    frame = read(path)
    assert set(frame["municipality_name_raw"]) == {"\u2019S-HERTOGENBOSCH"}
    assert set(frame["location_code"]) == {"9D0103"}
    assert set(frame["release"]) == {"2019"}  # INSTELLINGSCODE: the 2019+ key names


def test_undefined_windows_byte_is_an_error_naming_the_line(tmp_path: Path):
    path = _exam_2013(tmp_path)
    path.write_bytes(path.read_bytes().replace(b"DEMO-STAD", b"DEMO\x81STAD"))
    with pytest.raises(DataError, match="byte 0x81") as info:
        identify(path)
    assert info.value.line == 2


def test_renamed_key_column_is_named_as_the_file_calls_it(tmp_path: Path):
    path = _exam_2013(tmp_path)
    data = path.read_bytes().replace(b"VESTIGINGSNUMMER;", b"VESTIGINGSCODE;", 1)
    path.write_bytes(data.replace(b"9D01;3;", b"9D01;X;", 1))
    with pytest.raises(DataError, match="location code") as info:
        read(path)
    assert info.value.column == "VESTIGINGSCODE"


# --- reference files of a new release -----------------------------------------------------


def test_reference_files_with_renamed_keys_are_still_recognised(tmp_path: Path):
    institutions = tmp_path / "instellingen.csv"
    institutions.write_text(
        "SOORT HO;PROVINCIE;BEVOEGD GEZAG NUMMER;INSTELLINGSCODE;INSTELLINGSNAAM;PLAATSNAAM;"
        "GEMEENTENUMMER;GEMEENTENAAM;COROPGEBIED CODE;COROPGEBIED NAAM\n"
        "hbo;Groningen;1;25BE;Hanzehogeschool Groningen;GRONINGEN;14;Groningen;1;Oost-Groningen\n",
        encoding="latin-1",
    )
    fmt, sniffed = identify(institutions)
    frame = fmt.load(sniffed)
    assert (fmt.id, frame["institution_code"].iloc[0]) == ("duo_ho_institutions", "25BE")
    assert frame["municipality_code"].iloc[0] == "0014"

    locations = tmp_path / "vestigingen.csv"
    locations.write_text(
        "PROVINCIE;INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;PLAATSNAAM;GEMEENTENUMMER;"
        "GEMEENTENAAM;ONDERWIJSSTRUCTUUR;COROPGEBIED CODE;COROPGEBIED NAAM\r\n"
        "Groningen;00AA;00AA00;Demo-School;GRONINGEN;14;Groningen;VWO/HAVO;1;Oost-Groningen\r\n"
    )
    fmt, sniffed = identify(locations)
    frame = fmt.load(sniffed)
    assert (fmt.id, frame["location_code"].iloc[0]) == ("duo_vo_locations", "00AA00")


def test_a_truly_unknown_file_keeps_the_clear_error(tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_text("JAAR;REGIO;WAARDE\n2020;Noord;5\n")
    with pytest.raises(DataError, match="unrecognised file; its header starts"):
        identify(path)
