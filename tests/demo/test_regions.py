"""The demo reference and geometry files: the real files' quirks, recognised, deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from raw_fixtures import read

from analysis.demo import regions as demo
from analysis.demo.geography import COROPS, PROVINCES, municipalities


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
