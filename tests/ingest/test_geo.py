"""The koppeltabel, metadata and geometry readers: real files by another route, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from raw_fixtures import csv_dicts, read

from analysis.errors import DataError


def test_real_koppelcodes(shared_data: Path) -> None:
    path = shared_data / "geo/koppelcodes_gemeente_veiligheidsregio_provincie.csv"
    expected = csv_dicts(path, "utf-8-sig", ";")
    _, role, frame = read(path)
    assert role == "reference"
    assert list(frame["municipality_code"]) == [r["gemeentCode"][2:] for r in expected]
    assert list(frame["province_code"]) == [r["provincieCode"] for r in expected]
    assert len(frame) == 342 and "warnings" not in frame.attrs  # names agree with codes
    assert {"Noord Holland", "Friesland"} <= set(frame["province_raw"])


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
