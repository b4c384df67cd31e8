"""The DUO hbo/wo readers: real files against csv/json-module sums, the content rules for level
and measure, every release format on tiny hand-made files, and bad input."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis.demo import ho as demo
from analysis.errors import DataError
from analysis.ingest import cells, ho, identify

HO = "duo/ho"


# file, level, dataset, SOURCES.md totals (first and last year)
REAL_CSV = [
    ("hbo_eerstejaars_domein_hbo_2015-2019.csv", "hbo", "duo_ho_first_years",
     {2015: 95_961, 2019: 113_422}),
    ("wo_eerstejaars_domein_wo_2015-2019.csv", "wo", "duo_ho_first_years",
     {2015: 91_063, 2019: 109_833}),
    ("wo_ingeschrevenen_2010-2019.csv", "wo", "duo_ho_enrolled", {2010: 241_803, 2019: 304_818}),
    ("hbo_gediplomeerden_2014-2018.csv", "hbo", "duo_ho_graduates",
     {2014: 69_393, 2018: 74_345}),
]  # fmt: skip


REAL_JSON = "hbo_ingeschrevenen_2020-2024.json"


def read(path: Path) -> pd.DataFrame:
    fmt, sniffed = identify(path)
    assert fmt in ho.FORMATS
    return fmt.read(sniffed)


def plain_sums(records: list[dict], value) -> Counter:
    """Totals per (gender, year) and suppressed cells, without pandas."""
    sums: Counter = Counter()
    for rec in records:
        for key, cell in rec.items():
            if key.isdigit():
                if cell == "<5":
                    sums["<5"] += 1
                else:
                    sums[(rec["GESLACHT"], int(key))] += value(cell)
    return sums


@pytest.mark.parametrize(("name", "level", "dataset", "published"), REAL_CSV)
def test_real_csv_totals_level_and_dataset(
    shared_data: Path, tmp_path: Path, name: str, level: str, dataset: str, published: dict
) -> None:
    path = shared_data / HO / name
    with open(path, encoding="utf-8-sig", newline="") as handle:
        records = [r for r in csv.DictReader(handle, delimiter=";") if r["GESLACHT"]]
    expected = plain_sums(records, int)
    frame = read(path)
    got = frame.groupby(["gender", "year"])["count"].sum()
    assert {k: int(v) for k, v in got.items()} == {k: v for k, v in expected.items() if k != "<5"}
    assert int(frame["suppressed"].sum()) == expected["<5"]
    for year, total in published.items():
        assert frame.loc[frame["year"] == year, "count"].sum() == total
    assert frame["level"].eq(level).all(), "the level rule misplaces rows of this file"
    assert frame["dataset"].eq(dataset).all()
    assert frame.attrs["warnings"] == []
    assert len(frame) == len(records) * frame["year"].nunique()


@pytest.mark.parametrize(
    ("name", "level", "dataset", "published"),
    [*REAL_CSV, (REAL_JSON, "hbo", "duo_ho_enrolled", {})],
)
def test_real_measure_and_level_decided_by_content_not_name(
    shared_data: Path, tmp_path: Path, name: str, level: str, dataset: str, published: dict
) -> None:
    neutral = tmp_path / ("file" + Path(name).suffix)
    neutral.symlink_to(shared_data / HO / name)
    frame = read(neutral)
    assert frame.attrs["dataset"] == dataset
    assert frame.attrs["levels"] == [level]
    assert frame.attrs["warnings"] == []


def test_real_content_wins_over_a_misleading_name(shared_data: Path, tmp_path: Path) -> None:
    link = tmp_path / "01.ingeschrevenen-hbo-2019.csv"
    link.symlink_to(shared_data / HO / "hbo_eerstejaars_domein_hbo_2015-2019.csv")
    frame = read(link)
    assert frame.attrs["dataset"] == "duo_ho_first_years"
    assert "file name suggests enrolled" in frame.attrs["warnings"][0]


def test_real_json_totals_suppression_and_codes(shared_data: Path) -> None:
    path = shared_data / HO / REAL_JSON
    records = json.loads(path.read_text(encoding="utf-8"))
    expected = plain_sums(records, int)
    frame = read(path)
    got = frame.groupby(["gender", "year"])["count"].sum()
    assert {k: int(v) for k, v in got.items()} == {k: v for k, v in expected.items() if k != "<5"}
    assert int(frame["suppressed"].sum()) == expected["<5"]
    by_year = frame.groupby("year")["count"].sum()
    assert (by_year[2020], by_year[2024]) == (487_593, 448_296)
    assert set(frame["gender"]) == {"man", "vrouw", "onbekend"}
    assert frame["level"].eq("hbo").all()
    assert frame["municipality_code_raw"].dropna().str.fullmatch(r"\d{4}").all()
    int_codes = {
        str(r["GEMEENTENUMMER"]).zfill(4) for r in records if isinstance(r["GEMEENTENUMMER"], int)
    }
    assert int_codes <= set(frame["municipality_code_raw"].dropna())
    assert frame["programme_code"].str.fullmatch(r"\d{5}").all()
    assert frame["field"].str.lower().eq(frame["field"]).all()


def test_tiny_enrolled_file_bom_lf_and_name_tie_breaker(tmp_path: Path) -> None:
    rows = [
        {"GEMEENTENUMMER": "14", "GESLACHT": "man", "2018": 7, "2019": 0},
        {"GEMEENTENUMMER": "0014", "GESLACHT": "vrouw", "OPLEIDINGSCODE ACTUEEL": 80009,
         "TYPE HOGER ONDERWIJS": "associate degree", "2018": 2, "2019": 11},
    ]  # fmt: skip
    path = demo.write_ho_wide(
        tmp_path / "01.ingeschrevenen-hbo-2019.csv",
        measure="enrolled",
        years=[2018, 2019],
        rows=rows,
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbfPROVINCIE;")
    assert b"\r\n" not in path.read_bytes()
    frame = read(path)
    got = [(r.source_row, r.year, r.gender, r.count, r.schooljaar) for r in frame.itertuples()]
    assert got == [
        (2, 2018, "man", 7, "2018/19"),
        (2, 2019, "man", 0, "2019/20"),
        (3, 2018, "vrouw", 2, "2018/19"),
        (3, 2019, "vrouw", 11, "2019/20"),
    ]
    assert frame["municipality_code_raw"].eq("0014").all()
    assert list(frame["degree"].unique()) == ["bachelor", "associate degree"]
    assert frame["level"].eq("hbo").all() and frame["dataset"].eq("duo_ho_enrolled").all()
    assert frame["release"].eq(ho.WIDE.id).all()
    assert "tie-breaker" in frame.attrs["warnings"][0]


def test_tiny_first_years_file_crlf_stray_line_wo(tmp_path: Path) -> None:
    rows = [{"OPLEIDINGSCODE ACTUEEL": 50700, "2019": 13}, {"OPLEIDINGSCODE ACTUEEL": 60078}]
    path = demo.write_ho_wide(
        tmp_path / "03b-eerstejaars-ingeschrevenen-wo-domein-wo-2019.csv",
        measure="first_years",
        level="wo",
        years=[2019],
        rows=rows,
    )
    assert path.read_bytes().count(b'\r\n""\r\n') == 1
    frame = read(path)
    assert list(frame["count"]) == [13, 0]
    assert frame["level"].eq("wo").all() and frame["measure"].eq("first_years").all()
    assert frame["institution_code"].eq("9W01").all()


def test_tiny_file_without_a_telling_name_lists_both_candidates(tmp_path: Path) -> None:
    path = demo.write_ho_wide(tmp_path / "export.csv", measure="first_years", rows=[{}])
    with pytest.raises(DataError, match="duo_ho_enrolled or duo_ho_first_years"):
        read(path)


def test_tiny_graduates_file(tmp_path: Path) -> None:
    rows = [
        {"SOORT DIPLOMA": "hbo master", "OPLEIDINGSCODE ACTUEEL": 44001, "2014": 5, "2015": 6},
        {"SOORT DIPLOMA": "hbo bachelor", "GESLACHT": "vrouw", "2014": 1, "2015": 0},
    ]
    path = demo.write_ho_wide(
        tmp_path / "x.csv", measure="graduates", years=[2014, 2015], rows=rows
    )
    header = path.read_text(encoding="utf-8").splitlines()[0].split(";")
    assert "TYPE HOGER ONDERWIJS" not in header and "SOORT DIPLOMA" in header
    frame = read(path)
    assert frame["dataset"].eq("duo_ho_graduates").all()
    assert frame.groupby("gender")["count"].sum().to_dict() == {"man": 11, "vrouw": 1}
    assert set(frame["degree"]) == {"hbo master", "hbo bachelor"}
    assert frame.attrs["warnings"] == []  # the header decides; no tie-breaker needed


def test_demo_files_are_recognised_by_content(tmp_path: Path) -> None:
    for level in ("hbo", "wo"):
        for measure in ("enrolled", "first_years"):
            path = demo.write_ho_wide(tmp_path / "f.csv", measure=measure, level=level, seed=1)
            frame = read(path)
            assert frame.attrs["dataset"] == ho.DATASETS[measure]
            assert frame.attrs["levels"] == [level]
            assert frame.attrs["warnings"] == []


def test_demo_shares_are_plausible_and_codes_never_real(tmp_path: Path) -> None:
    shares = {}
    for level, fields in (("hbo", {"techniek"}), ("wo", {"techniek", "natuur"})):
        frame = read(
            demo.write_ho_wide(tmp_path / f"{level}.csv", measure="first_years", level=level)
        )
        beta = frame["field"].isin(fields)
        shares[level] = frame.loc[beta, "count"].sum() / frame["count"].sum()
        women = frame.loc[beta & frame["gender"].eq("vrouw"), "count"].sum()
        assert women / frame.loc[beta, "count"].sum() < 0.4
        assert not frame["institution_code"].str.fullmatch(r"\d{2}[A-Z]{2}").any()
    assert 0.19 < shares["hbo"] < 0.26 and 0.26 < shares["wo"] < 0.34


def test_demo_writers_are_deterministic(tmp_path: Path) -> None:
    for name, write in (
        ("w", lambda p, s: demo.write_ho_wide(p, measure="enrolled", seed=s)),
        ("j", lambda p, s: demo.write_ho_json(p, seed=s)),
        ("l", lambda p, s: demo.write_ho_long(p, seed=s)),
    ):
        a, b, c = (write(tmp_path / f"{name}{i}", seed) for i, seed in ((1, 5), (2, 5), (3, 6)))
        assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_tiny_json_records(tmp_path: Path) -> None:
    rows = [
        {"2023": 8, "2024": "<5", "GEMEENTENUMMER": 106, "GESLACHT": "onbekend"},
        {"2023": 0, "2024": 12, "OPLEIDINGSCODE ACTUEEL": 80009, "ONDERDEEL": "economie"},
    ]
    path = demo.write_ho_json(tmp_path / "hbo_ingeschrevenen.json", years=[2023, 2024], rows=rows)
    records = json.loads(path.read_text())
    assert records[0]["OPLEIDINGSCODE ACTUEEL"] == 34000 and records[0]["2024"] == "<5"
    frame = read(path)
    got = [(r.source_row, r.year, r.gender, r.count, r.suppressed) for r in frame.itertuples()]
    assert got == [
        (1, 2023, "onbekend", 8, False),
        (1, 2024, "onbekend", pd.NA, True),
        (2, 2023, "man", 0, False),
        (2, 2024, "man", 12, False),
    ]
    assert list(frame["municipality_code_raw"][:2]) == ["0106", "0106"]
    assert list(frame["field"]) == ["techniek", "techniek", "economie", "economie"]
    assert frame["release"].eq(ho.JSON.id).all() and frame["dataset"].eq("duo_ho_enrolled").all()


def test_json_bad_count_names_the_record(tmp_path: Path) -> None:
    path = demo.write_ho_json(
        tmp_path / "x.json", years=[2024], rows=[{"2024": 1}, {"2024": "veel"}]
    )
    with pytest.raises(DataError, match=r"column '2024': record 2: count 'veel' is not a number"):
        read(path)


def test_tiny_long_file(tmp_path: Path) -> None:
    rows = [
        {"STUDIEJAAR": 2023, "GESLACHT": "MAN", "AANTAL_EERSTEJAARS_INGESCHREVENEN": 40},
        {"STUDIEJAAR": 2023, "GESLACHT": "VROUW", "AANTAL_EERSTEJAARS_INGESCHREVENEN": -1},
        {"STUDIEJAAR": 2024, "GESLACHT": "VROUW", "GEMEENTENUMMER": "363",
         "TYPE_HOGER_ONDERWIJS": "associate degree", "ONDERDEEL": "GEDRAG_EN_MAATSCHAPPIJ",
         "AANTAL_EERSTEJAARS_INGESCHREVENEN": 6},
    ]  # fmt: skip
    path = demo.write_ho_long(
        tmp_path / "1ejrsingeschrevenengeslhbo.csv", measure="first_years", years=[2023], rows=rows
    )
    assert path.read_text().splitlines()[0].startswith("STUDIEJAAR,PROVINCIENAAM,GEMEENTENUMMER")
    frame = read(path)
    got = [(r.year, r.gender, r.count, r.suppressed, r.field) for r in frame.itertuples()]
    assert got == [
        (2023, "man", 40, False, "techniek"),  # ONDERDEEL in the old portal's spelling
        (2023, "vrouw", pd.NA, True, "techniek"),
        (2024, "vrouw", 6, False, "gedrag en maatschappij"),
    ]
    assert set(frame["cut"]) == {"gender"}
    assert frame["municipality_code_raw"].iloc[2] == "0363"
    assert frame["measure"].eq("first_years").all() and frame["level"].eq("hbo").all()
    assert frame.attrs["level_from_other_rows"] == 2  # bachelor rows follow the ad row
    assert frame.attrs["warnings"] == []


def test_long_graduates_use_diplomajaar_and_soort_diploma(tmp_path: Path) -> None:
    rows = [{"DIPLOMAJAAR": 2022, "SOORT_DIPLOMA": "wo master", "AANTAL_GEDIPLOMEERDEN": 9}]
    path = demo.write_ho_long(tmp_path / "g.csv", measure="graduates", level="wo", rows=rows)
    frame = read(path)
    assert (frame["year"].iloc[0], frame["schooljaar"].iloc[0]) == (2022, "2022/23")
    assert (frame["level"].iloc[0], frame["dataset"].iloc[0]) == ("wo", "duo_ho_graduates")


def test_long_programme_cut_is_stored_as_totaal(tmp_path: Path) -> None:
    rows = [{"OPLEIDINGSCODE_ACTUEEL": 50700, "AANTAL_INGESCHREVENEN": 25}]
    path = demo.write_ho_long(tmp_path / "p.csv", resource="programme", level="wo", rows=rows)
    frame = read(path)
    assert (frame["gender"].iloc[0], frame["count"].iloc[0], frame["level"].iloc[0]) == (
        "totaal",
        25,
        "wo",
    )
    assert (frame["cut"].iloc[0], frame["programme_code"].iloc[0]) == ("programme", "50700")


def test_long_level_from_file_name_or_error(tmp_path: Path) -> None:
    rows = [{"AANTAL_INGESCHREVENEN": 25}]  # bachelor, no code: the row does not say
    named = demo.write_ho_long(tmp_path / "ingeschrevenengeslwo.csv", rows=rows)
    frame = read(named)
    assert frame["level"].eq("wo").all() and "tie-breaker" in frame.attrs["warnings"][0]
    with pytest.raises(DataError, match="neither the other rows nor the file name"):
        read(demo.write_ho_long(tmp_path / "export.csv", rows=rows))


def test_long_registrations_are_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "inschrijvingenhbo.csv"
    path.write_text("STUDIEJAAR,INSTELLINGSCODE_ACTUEEL,ONDERDEEL,AANTAL_INSCHRIJVINGEN\n")
    with pytest.raises(DataError, match="registrations"):
        read(path)


@pytest.mark.parametrize(("value", "problem"), [("-2", "negative count"), ("n/a", "not a number")])
def test_long_bad_count(tmp_path: Path, value: str, problem: str) -> None:
    rows = [{"AANTAL_INGESCHREVENEN": 1}, {"AANTAL_INGESCHREVENEN": value}]
    path = demo.write_ho_long(tmp_path / "hbo.csv", rows=rows)
    with pytest.raises(DataError, match=rf"line 3, column 'AANTAL_INGESCHREVENEN': .*{problem}"):
        read(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "hbo.csv"
    path.write_text("\n")
    with pytest.raises(DataError, match="empty"):
        identify(path)


def test_truncated_mid_row_names_the_line(tmp_path: Path) -> None:
    rows = [{"2019": n} for n in (1, 2, 3)]  # distinct: a repeated row is an error of its own
    path = demo.write_ho_wide(tmp_path / "x.csv", measure="enrolled", years=[2019], rows=rows)
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"\n", 0, len(data) - 1) + 30])
    with pytest.raises(DataError, match="line 4"):
        read(path)


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = demo.write_ho_wide(tmp_path / "x.csv", measure="enrolled", years=[2019], rows=[{}])
    text = path.read_text(encoding="utf-8-sig").replace(";GESLACHT;", ";SEKSE;")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="column 'GESLACHT'"):
        read(path)


@pytest.mark.parametrize(("value", "problem"), [("1.5", "not a number"), ("-4", "negative")])
def test_wide_bad_count(tmp_path: Path, value: str, problem: str) -> None:
    rows = [{"2019": 3}, {"2019": value}]
    path = demo.write_ho_wide(tmp_path / "x.csv", measure="graduates", years=[2019], rows=rows)
    with pytest.raises(DataError, match=rf"line 3, column '2019': .*{problem}"):
        read(path)


def test_unknown_gender_is_named(tmp_path: Path) -> None:
    path = demo.write_ho_wide(
        tmp_path / "x.csv", measure="graduates", years=[2019], rows=[{"GESLACHT": "x"}]
    )
    with pytest.raises(DataError, match="column 'GESLACHT': unknown gender 'x'"):
        read(path)


def test_unknown_ho_release_header(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("JAAR,INSTELLING,SECTOR,AANTAL_STUDENTEN\n2023,21PC,TECHNIEK,5\n")
    with pytest.raises(DataError, match=r"unrecognised file.*AANTAL_INGESCHREVENEN"):
        identify(path)


def test_schema_backstop_names_column_and_line(tmp_path: Path) -> None:
    path = demo.write_ho_wide(
        tmp_path / "01.ingeschrevenen-hbo.csv",
        measure="enrolled",
        years=[2019],
        rows=[{"2019": 1}, {"2019": 2}],
    )
    frame = read(path)
    frame.loc[1, "level"] = "xyz"
    with pytest.raises(DataError, match="line 3, column 'level': value 'xyz'"):
        cells.validate(frame, path)
