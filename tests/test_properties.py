"""Property-based tests (hypothesis) on the readers, the attribution and the suppression bounds.

The files are written here as plain text (not with the demo writers) and the expected
values are plain sums over the generated cells, so the code under test is never its own
oracle. The bounds of single shares are already property-tested in test_suppression and
test_indicators; here they are checked over every indicator, region and gender at once.
"""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from indicator_fixtures import REGION_TABLE, make_store, membership

from analysis import regions
from analysis.demo import generate
from analysis.indicators.engine import compute_indicators, load_indicator_config
from analysis.ingest import identify

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
HO_HEADER = (
    "PROVINCIE;GEMEENTENUMMER;GEMEENTENAAM;SOORT INSTELLING;TYPE HOGER ONDERWIJS;"
    "BRIN NUMMER ACTUEEL;INSTELLINGSNAAM ACTUEEL;CROHO ONDERDEEL;CROHO SUBONDERDEEL;"
    "OPLEIDINGSCODE ACTUEEL;OPLEIDINGSNAAM ACTUEEL;OPLEIDINGSVORM;GESLACHT"
)
HO_YEARS = (2015, 2016, 2017)
MBO_KEYS = (
    "BRIN NUMMER;SOORTINS;INSTELLINGSNAAM;PLAATSNAAM;TYPE MBO;KWALIFICATIENIVEAU;"
    "KWALIFICATIE CODE;KWALIFICATIE NAAM;MBO SECTOR;DOMEIN;SECTORUNIT SBB;"
    "BRIN NUMMER KENNISCENTRUM;NAAM KENNISCENTRUM"
)
MBO_YEARS = (2018, 2019)

cell = st.one_of(st.integers(0, 5000).map(str), st.just("<5"), st.just(""))


def known(values: list[str]) -> int:
    return sum(int(v) for v in values if v.isdigit())


def _tmp_file(name: str, text: str, encoding: str = "utf-8") -> Path:
    path = Path(tempfile.mkdtemp(prefix="tp-prop-")) / name
    path.write_text(text, encoding=encoding, newline="")
    return path


def read(path: Path) -> pd.DataFrame:
    fmt, sniffed = identify(path)
    return fmt.read(sniffed)


# --- wide -> long reshape loses no count ------------------------------------------------------

ho_row = st.tuples(
    st.sampled_from(["Utrecht", "Fryslân", "Noord-Holland", "Limburg"]),
    st.sampled_from(["man", "vrouw", "onbekend"]),
    st.sampled_from(["techniek", "economie", "natuur"]),
    st.lists(cell, min_size=len(HO_YEARS), max_size=len(HO_YEARS)),
)


@given(rows=st.lists(ho_row, min_size=1, max_size=30), crlf=st.booleans())
@SETTINGS
def test_ho_wide_reshape_keeps_every_count(rows, crlf: bool) -> None:
    end = "\r\n" if crlf else "\n"
    lines = [HO_HEADER + ";" + ";".join(map(str, HO_YEARS))]
    for i, (province, gender, field, values) in enumerate(rows):
        lines.append(
            f"{province};0344;UTRECHT;reguliere inst.;bachelor;21PC;Hogeschool;{field};x;"
            f"{30000 + i};B Opleiding {i};voltijd onderwijs;{gender};" + ";".join(values)
        )
    frame = read(_tmp_file("hbo_eerstejaars_domein_hbo.csv", end.join(lines) + end))
    cells = [v for *_, values in rows for v in values]
    assert len(frame) + frame.attrs.get("empty_cells", 0) == len(cells)
    assert int(frame["suppressed"].sum()) == cells.count("<5")
    for j, year in enumerate(HO_YEARS):
        in_year = frame[frame["year"] == year]
        assert int(in_year["count"].sum()) == known([r[3][j] for r in rows])
    for gender in ("man", "vrouw", "onbekend"):
        expected = known([v for _, g, _, values in rows if g == gender for v in values])
        assert int(frame.loc[frame["gender"] == gender, "count"].sum()) == expected


mbo_row = st.tuples(
    st.sampled_from(["techniek", "economie", "zorg en welzijn"]),
    st.lists(cell, min_size=3 * len(MBO_YEARS), max_size=3 * len(MBO_YEARS)),
)


@given(rows=st.lists(mbo_row, min_size=1, max_size=30), latin1=st.booleans())
@SETTINGS
def test_mbo_wide_reshape_keeps_every_count_per_year_and_gender(rows, latin1: bool) -> None:
    columns = [f"{g}{y}" for y in MBO_YEARS for g in ("MAN", "VROUW", "TOTAAL")]
    lines = [MBO_KEYS + ";" + ";".join(columns)]
    for i, (sector, values) in enumerate(rows):
        lines.append(
            f"25LP;ROC;ROC Één;UTRECHT;BOL;4;{25000 + i};Opleiding {i};{sector};Domein;Unit;;;"
            + ";".join(values)
        )
    text = "\n".join(lines) + "\n"
    frame = read(_tmp_file("mbo.csv", text, encoding="latin-1" if latin1 else "utf-8"))
    cells = [v for _, values in rows for v in values]
    assert len(frame) + frame.attrs.get("empty_cells", 0) == len(cells)
    assert int(frame["suppressed"].sum()) == cells.count("<5")
    for k, column in enumerate(columns):
        gender = {"MAN": "man", "VROUW": "vrouw", "TOTAAL": "totaal"}[column.rstrip("0123456789")]
        part = frame[(frame["year"] == int(column[-4:])) & (frame["gender"] == gender)]
        assert int(part["count"].sum()) == known([values[k] for _, values in rows])
    assert frame["institution_name"].eq("ROC Één").all()  # the encoding was read right


json_cell = st.one_of(st.integers(0, 5000), st.just("<5"))


@given(records=st.lists(st.lists(json_cell, min_size=2, max_size=2), min_size=1, max_size=30))
@SETTINGS
def test_ho_json_records_keep_every_count(records) -> None:
    docs = [
        {
            "2023": values[0],
            "2024": values[1],
            "PROVINCIE": "Utrecht",
            "GEMEENTENUMMER": "0344",
            "GEMEENTENAAM": "UTRECHT",
            "SOORT INSTELLING": "reguliere inst.",
            "TYPE HOGER ONDERWIJS": "bachelor",
            "INSTELLINGSCODE ACTUEEL": "21PC",
            "INSTELLINGSNAAM ACTUEEL": "Hogeschool",
            "ONDERDEEL": "techniek",
            "SUBONDERDEEL": "x",
            "OPLEIDINGSCODE ACTUEEL": str(30000 + i),
            "OPLEIDINGSNAAM ACTUEEL": f"B Opleiding {i}",
            "OPLEIDINGSVORM": "voltijd onderwijs",
            "GESLACHT": "vrouw",
        }
        for i, values in enumerate(records)
    ]
    frame = read(_tmp_file("hbo_ingeschrevenen.json", json.dumps(docs)))
    flat = [v for values in records for v in values]
    assert len(frame) == len(flat)
    assert int(frame["suppressed"].sum()) == flat.count("<5")
    assert int(frame["count"].sum()) == sum(v for v in flat if isinstance(v, int))


# --- raw -> processed: attribution keeps every row and every count ----------------------------


@functools.cache
def demo_reference() -> tuple[regions.Reference, list[tuple[str, str, str]]]:
    """The demo geography (read by the project's reference readers) and its municipalities."""
    raw = Path(tempfile.mkdtemp(prefix="tp-prop-demo-"))
    generate(raw, seed=0)
    frames = {}
    for path in sorted(raw.rglob("*.csv")) + sorted(raw.rglob("*.json")):
        fmt, sniffed = identify(path)
        if fmt.role == "reference":
            frames[str(path.relative_to(raw))] = fmt.read(sniffed)
    reference = regions.build_reference(frames, regions.load_config())
    koppel = next(raw.rglob("koppelcodes*.csv")).read_text(encoding="utf-8-sig").splitlines()
    places = [
        (fields[0].removeprefix("GM"), fields[1], fields[5])
        for fields in (line.split(";") for line in koppel[1:] if line)
    ]
    return reference, places


@given(
    picks=st.lists(
        st.tuples(
            st.integers(0, 79),
            st.sampled_from(["code", "name", "province-only", "unknown", "odd-province"]),
            st.lists(cell, min_size=len(HO_YEARS), max_size=len(HO_YEARS)),
        ),
        min_size=1,
        max_size=25,
    )
)
@SETTINGS
def test_attribution_keeps_every_row_and_count(picks) -> None:
    reference, places = demo_reference()
    lines = [HO_HEADER + ";" + ";".join(map(str, HO_YEARS))]
    for i, (k, how, values) in enumerate(picks):
        code, name, province = places[k % len(places)]
        if how == "name":
            code = ""
        elif how == "province-only":
            code, name = "", ""
        elif how == "unknown":
            code, name, province = "9999", "ATLANTIS", "Grunnen"
        elif how == "odd-province":
            province = province.upper().replace("-", " ")
        lines.append(
            f"{province};{code};{name.upper()};reguliere inst.;bachelor;ZZ99;Onbekende hs;"
            f"techniek;x;{30000 + i};B Opleiding {i};voltijd onderwijs;man;" + ";".join(values)
        )
    frame = read(_tmp_file("hbo_eerstejaars_domein_hbo.csv", "\n".join(lines) + "\n"))
    placed = regions.attribute(frame, reference, "test.csv")
    assert len(placed) == len(frame)
    assert int(placed["count"].sum()) == known([v for *_, values in picks for v in values])
    assert int(placed["suppressed"].sum()) == int(frame["suppressed"].sum())
    unplaced = placed["attribution"] == "unplaced"
    assert placed.loc[unplaced, "unplaced_reason"].notna().all()
    assert placed.loc[~unplaced, "province_code"].notna().all()
    unknown_rows = {i + 2 for i, (_, how, _) in enumerate(picks) if how == "unknown"}
    assert set(placed.loc[unplaced, "source_row"]) == unknown_rows & set(placed["source_row"])


# --- suppression arithmetic over the whole indicator table -------------------------------------

store_cell = st.tuples(
    st.sampled_from(["9001", "9003", "9004", None]),
    st.sampled_from(["hbo", "wo"]),
    st.sampled_from(["techniek", "natuur", "economie"]),
    st.sampled_from(["man", "vrouw", "onbekend"]),
    st.integers(2019, 2020),
    st.one_of(st.none(), st.integers(min_value=0, max_value=80)),  # None = '<5'
)


@given(cells=st.lists(store_cell, min_size=1, max_size=40))
@settings(max_examples=25, deadline=None)
def test_every_share_lies_within_its_bounds(cells) -> None:
    rows = [
        {
            "dataset": "duo_ho_first_years",
            "measure": "first_years",
            "level": level,
            "field": field,
            "gender": gender,
            "year": year,
            "count": count,
            "municipality": municipality,
        }
        for municipality, level, field, gender, year, count in cells
    ]
    store = make_store(rows)
    table = compute_indicators(
        store, REGION_TABLE, load_indicator_config(), membership=membership(store)
    )
    shown = table[table["share"].notna()]
    assert (shown["share_low"] <= shown["share"]).all()
    assert (shown["share"] <= shown["share_high"]).all()
    assert ((shown["share_low"] >= 0) & (shown["share_high"] <= 1)).all()
    exact = shown[shown["suppressed_cells"] == 0]
    assert (exact["share_low"] == exact["share_high"]).all()  # no suppression: a point
    national = table[
        (table["indicator"] == "hbo_techniek_instroom")
        & (table["region_level"] == "nederland")
        & (table["gender"] == "totaal")
    ]
    for _, row in national.iterrows():
        hbo = [c for c in cells if c[1] == "hbo" and c[4] == row["year"]]
        assert row["suppressed_cells"] == sum(1 for c in hbo if c[5] is None)
