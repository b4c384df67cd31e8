"""The reference (municipality -> province, COROP) from demo and real files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from region_fixtures import (
    counts,
    vo_locations,
)

from analysis import paths, regions
from analysis.ingest import identify


def test_demo_reference_and_table(tmp_path: Path) -> None:
    from analysis.demo.geography import municipalities
    from analysis.demo.regions import write_reference_files

    frames = {}
    for path in write_reference_files(tmp_path):
        fmt, sniffed = identify(path)
        if fmt.role == "reference":
            frames[fmt.id] = fmt.read(sniffed)
    config = regions.load_config(paths.REGIONS_CONFIG)
    ref = regions.build_reference(frames, config)
    assert ref.synthetic
    assert len(ref.municipalities) == len(municipalities())
    table = regions.region_table(ref, config)
    custom = table[table["region_level"] == "regiopact"]
    # COROP-based pacts exist; pacts listing real municipalities are left out, with a warning.
    assert set(custom["region"]) == {"Twente", "Achterhoek"}
    assert any("Regio Zwolle" in w for w in table.attrs["warnings"])
    sample = [m.place for m in municipalities()[::7]]
    out = regions.attribute(counts(place_raw=sample), ref, "demo")
    assert (out["attribution"] == "place").all()


def test_real_every_municipality_has_province_and_corop(
    shared_data: Path, real_ref: regions.Reference
) -> None:
    munis = real_ref.municipalities
    assert len(munis) == 342
    assert munis[["province_code", "corop_code", "landsdeel"]].notna().all().all()
    assert munis["corop_code"].nunique() == 40 and munis["province_code"].nunique() == 12
    # Province via COROP agrees with the koppeltabel for every municipality (csv module).
    text = (shared_data / "geo/koppelcodes_gemeente_veiligheidsregio_provincie.csv").read_text(
        "utf-8-sig"
    )
    koppel = {
        r["gemeentCode"][2:]: r["provincieCode"]
        for r in csv.DictReader(io.StringIO(text), delimiter=";")
    }
    assert munis["province_code"].to_dict() == koppel


def test_real_place_matching_agrees_with_municipality_codes(
    shared_data: Path, real_ref: regions.Reference
) -> None:
    # Every vo location gives both its place and its municipality code: two routes, one answer.
    locations = vo_locations(shared_data)
    by_place = regions.attribute(
        counts(place_raw=list(locations["place"]), province_raw=list(locations["province_raw"])),
        real_ref,
        "x",
    )
    by_code = regions.attribute(
        counts(municipality_code_raw=list(locations["municipality_code"])), real_ref, "x"
    )
    assert (by_code["attribution"] == "municipality_code").all()
    assert (by_place["municipality_code"] == by_code["municipality_code"]).all()
