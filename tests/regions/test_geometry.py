"""Region boundaries for maps: every region of every level drawn, real and demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.demo.geography import COROPS
from analysis.errors import DataError
from analysis.regions import geometry


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
    gemeenten = geometry.boundaries("gemeente", demo_dir, table)
    expected = set(table.loc[table["region_level"] == "gemeente", "region_code"])
    assert set(gemeenten["region_code"]) == expected and gemeenten.attrs["missing"] == {}
    with pytest.raises(DataError, match="unknown region level"):
        geometry.boundaries("wijk", demo_dir, table)


def test_missing_municipality_boundaries_are_listed_not_fatal(
    demo_dir: Path, tmp_path: Path
) -> None:
    """A municipality without boundaries: the layer still loads and names it."""
    import json
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(demo_dir, raw)
    layer = next(raw.rglob("gemeenten_demo.geojson"))
    doc = json.loads(layer.read_text(encoding="utf-8"))
    dropped = doc["features"].pop(0)["properties"]
    layer.write_text(json.dumps(doc), encoding="utf-8")
    table = geometry.table_from_raw(raw)
    gemeenten = geometry.boundaries("gemeente", raw, table)
    assert dropped["gemeenteCode"] not in set(gemeenten["region_code"])
    assert gemeenten.attrs["missing"] == {dropped["gemeenteCode"]: dropped["gemeenteNaam"]}
