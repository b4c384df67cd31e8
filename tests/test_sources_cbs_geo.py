"""Readers of the CBS, koppeltabel, ho-institution and geometry files; demo writers; boundaries.

Real-data expectations are computed with the csv/json modules, not the readers under test.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths, regions
from analysis.demo import regions as demo
from analysis.demo.geography import COROPS, PROVINCES, municipalities
from analysis.errors import DataError
from analysis.ingest import identify
from analysis.regions import geometry


def read(path: Path) -> tuple[str, str, pd.DataFrame]:
    fmt, sniffed = identify(path)
    return fmt.id, fmt.role, fmt.read(sniffed)


def csv_dicts(path: Path, encoding: str, delimiter: str) -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


# ---------------------------------------------------------------- real files


def test_real_woonplaatsen(shared_data: Path) -> None:
    path = shared_data / "cbs/woonplaats_gemeente_corop_2024.csv"
    expected = csv_dicts(path, "utf-8", ",")
    fmt_id, role, frame = read(path)
    assert (fmt_id, role) == ("cbs_woonplaatsen_2024", "reference")
    assert len(frame) == len(expected) == 2501
    assert list(frame["place"]) == [r["Woonplaats"] for r in expected]
    assert list(frame["municipality_code"]) == [r["Gemeentecode"].zfill(4) for r in expected]
    assert list(frame["corop_code"]) == ["CR" + r["COROP-gebiedcode"].zfill(2) for r in expected]
    assert frame["municipality_code"].nunique() == 342 and frame["corop_code"].nunique() == 40
    assert list(frame["source_row"][:2]) == [2, 3]


def test_real_koppelcodes(shared_data: Path) -> None:
    path = shared_data / "geo/koppelcodes_gemeente_veiligheidsregio_provincie.csv"
    expected = csv_dicts(path, "utf-8-sig", ";")
    _, role, frame = read(path)
    assert role == "reference"
    assert list(frame["municipality_code"]) == [r["gemeentCode"][2:] for r in expected]
    assert list(frame["province_code"]) == [r["provincieCode"] for r in expected]
    assert len(frame) == 342 and "warnings" not in frame.attrs  # names agree with codes
    assert {"Noord Holland", "Friesland"} <= set(frame["province_raw"])


def test_real_institutions(shared_data: Path) -> None:
    path = shared_data / "duo/ho/instellingen_hbo_wo_adressen_regios.csv"
    expected = csv_dicts(path, "latin-1", ";")
    fmt_id, role, frame = read(path)
    assert (fmt_id, role) == ("duo_ho_institutions", "reference")
    assert list(frame["institution_code"]) == [r["BRIN NUMMER"].strip() for r in expected]
    assert list(frame["level"]) == [r["SOORT HO"].strip() for r in expected]
    assert set(frame["level"]) == {"hbo", "wo"}
    assert frame["municipality_code"].str.fullmatch(r"\d{4}").all()


def test_real_vo_locations_are_not_taken_for_institutions(shared_data: Path) -> None:
    fmt, _ = identify(shared_data / "duo/vo/alle_vestigingen_vo.csv")
    assert fmt.id != "duo_ho_institutions"


@pytest.mark.parametrize(
    ("name", "fmt_id", "size"),
    [
        (
            "cbs/beroepen_werkzame_beroepsbevolking_2023_nljobs.csv",
            "cbs_occupations_nljobs_2023",
            168,
        ),
        ("cbs/cbs_onderwijstabellen_catalogus.json", "cbs_table_catalogue", 266),
    ],
)
def test_real_metadata(shared_data: Path, name: str, fmt_id: str, size: int) -> None:
    found, role, frame = read(shared_data / name)
    assert (found, role, len(frame)) == (fmt_id, "metadata", size)


@pytest.mark.parametrize(
    ("name", "layer", "size"),
    [
        ("geo/provincies.geojson", "provincie", 12),
        ("geo/gemeenten_2023.geojson", "gemeente", 342),
        ("geo/corop_2015.topojson", "corop", 40),
        ("geo/landsdeel_2015.topojson", "landsdeel", 4),
        ("geo/provincie_2015.topojson", "provincie", 12),
    ],
)
def test_real_geometry_attribute_tables(
    shared_data: Path, name: str, layer: str, size: int
) -> None:
    doc = json.loads((shared_data / name).read_text("utf-8"))
    items = doc["features"] if "features" in doc else doc["objects"]["layer"]["geometries"]
    key = next(
        k for k in ("provincieCode", "gemeenteCode", "statcode") if k in items[0]["properties"]
    )
    _, role, frame = read(shared_data / name)
    assert role == "geometry"
    assert len(frame) == len(items) == size
    assert list(frame["region_code"]) == [i["properties"][key] for i in items]
    assert set(frame["layer"]) == {layer}


def test_real_boundaries_match_region_codes(shared_data: Path) -> None:
    table = geometry.table_from_raw(shared_data)
    for level in ("provincie", "corop", "landsdeel", "landsdeel_cbs", "regiopact", "nederland"):
        shapes = geometry.boundaries(level, shared_data, table)
        expected = set(table.loc[table["region_level"] == level, "region_code"])
        assert set(shapes["region_code"]) == expected
        assert shapes.crs.to_epsg() == 4326 and shapes.geometry.is_valid.all()
        assert shapes.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    provinces = geometry.boundaries("provincie", shared_data, table).set_index("region_code")
    # Utrecht lies around 5.1 E, 52.1 N; Limburg is the southernmost province.
    centre = provinces.loc["PV26", "geometry"].centroid
    assert 4.8 < centre.x < 5.5 and 51.9 < centre.y < 52.3
    assert provinces.geometry.bounds["miny"].idxmin() == "PV31"


# ---------------------------------------------------------------- bad input


def test_woonplaats_bad_code_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(
        "Woonplaatscode,Woonplaats,Gemeentecode,Gemeente,COROP-gebiedcode,COROP-gebied\n"
        "1000,A,0873,Woensdrecht,33,West-Noord-Brabant\n"
        "1001,B,08x3,Woensdrecht,33,West-Noord-Brabant\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"line 3, column 'Gemeentecode'.*08x3") as caught:
        read(path)
    assert str(path) in str(caught.value)


def test_woonplaats_municipality_in_two_corops_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(
        "Woonplaatscode,Woonplaats,Gemeentecode,Gemeente,COROP-gebiedcode,COROP-gebied\n"
        "1000,A,0873,Woensdrecht,33,West-Noord-Brabant\n"
        "1001,B,0873,Woensdrecht,34,Midden-Noord-Brabant\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="0873 is given more than one COROP"):
        read(path)


def test_koppelcodes_corrected_header_and_bad_code(tmp_path: Path) -> None:
    header = (
        "gemeenteCode;gemeenteNaam;veiligheidsRegioCode;veiligheidsRegioNaam;"
        "provincieCode;Provincie;Land\r\n"
    )
    good = tmp_path / "k.csv"
    good.write_text(
        header + "GM0014;Groningen;VR01;Groningen;PV20;Groningen;NL\r\n", encoding="utf-8"
    )
    assert read(good)[2].loc[0, "municipality_code"] == "0014"
    bad = tmp_path / "k2.csv"
    bad.write_text(
        header + "GM0014;Groningen;VR01;Groningen;P20;Groningen;NL\r\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match=r"line 2, column 'provincieCode'"):
        read(bad)


def test_geojson_bad_code_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "p.geojson"
    feature = {"type": "Feature", "properties": {"provincieCode": "P20"}, "geometry": None}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(DataError, match="feature 1 has provincieCode 'P20'"):
        read(path)


def test_missing_woonplaats_reference_is_an_error() -> None:
    with pytest.raises(DataError, match="no CBS woonplaats"):
        regions.build_reference({}, regions.load_config(paths.REGIONS_CONFIG))


# ---------------------------------------------------------------- demo writers


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    demo.write_reference_files(root)
    return root


def test_demo_files_have_the_real_quirks(demo_dir: Path) -> None:
    koppel = next(demo_dir.rglob("koppelcodes*.csv")).read_bytes()
    assert koppel.startswith(b"\xef\xbb\xbfgemeentCode;") and b"\r\n" in koppel
    assert b"Noord Holland" in koppel and b"Friesland" in koppel
    inst = next(demo_dir.rglob("instellingen*.csv")).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        inst.decode("utf-8")  # Latin-1, like the real file
    assert "Fryslân".encode("latin-1") in inst
    cbs = next(demo_dir.rglob("woonplaats*.csv")).read_text("utf-8")
    assert cbs.startswith("Woonplaatscode,") and "\r" not in cbs
    doc = json.loads(next(demo_dir.rglob("provincies*.geojson")).read_text("utf-8"))
    assert doc["crs"]["properties"]["name"].endswith("4289")


def test_demo_files_are_recognised_and_consistent(demo_dir: Path) -> None:
    layers = {}
    for path in sorted(p for p in demo_dir.rglob("*") if p.is_file()):
        fmt_id, role, frame = read(path)
        if role == "geometry":
            layers[(fmt_id, frame["layer"].iloc[0])] = set(frame["region_code"])
        if fmt_id == "cbs_woonplaatsen_2024":
            pairs = set(zip(frame["municipality_code"], frame["corop_code"], strict=True))
            assert pairs == {(m.code, m.corop_code) for m in municipalities()}
    assert layers[("geo_geojson", "provincie")] == set(PROVINCES)
    assert layers[("geo_topojson", "corop")] == set(COROPS)
    assert layers[("geo_geojson", "gemeente")] == {f"GM{m.code}" for m in municipalities()}
    assert len(layers[("geo_topojson", "landsdeel")]) == 4


def test_demo_writers_are_deterministic(tmp_path: Path, demo_dir: Path) -> None:
    demo.write_reference_files(tmp_path)
    for path in demo_dir.rglob("*"):
        if path.is_file():
            assert (tmp_path / path.relative_to(demo_dir)).read_bytes() == path.read_bytes()


def test_demo_boundaries_draw_every_region(demo_dir: Path) -> None:
    table = geometry.table_from_raw(demo_dir)
    rd = "EPSG:28992"  # RD New: areas in m2
    provinces = (
        geometry.boundaries("provincie", demo_dir, table).set_index("region_code").to_crs(rd)
    )
    # Dissolved landsdelen cover exactly their provinces: areas add up (up to the vertices
    # that dissolving removes from shared edges, which bend slightly once projected).
    for level in ("landsdeel", "landsdeel_cbs"):
        shapes = geometry.boundaries(level, demo_dir, table).set_index("region_code").to_crs(rd)
        rows = table[table["region_level"] == level].set_index("region_code")
        assert set(shapes.index) == set(rows.index)
        for code, members in rows["member_provinces"].items():
            expected = provinces.loc[members, "geometry"].area.sum()
            assert shapes.loc[code, "geometry"].area == pytest.approx(expected, rel=1e-4)
    corop = geometry.boundaries("corop", demo_dir, table)
    assert set(corop["region_code"]) == set(COROPS)
    twente = geometry.boundaries("regiopact", demo_dir, table).set_index("region_code")
    difference = twente.loc["regiopact-twente", "geometry"].symmetric_difference(
        corop.set_index("region_code").loc["CR12", "geometry"]
    )
    assert difference.area < 1e-9  # Twente = COROP Twente, dissolved from its municipalities
    with pytest.raises(DataError, match="unknown region level"):
        geometry.boundaries("gemeente", demo_dir, table)
