"""Province and place names: spellings to codes, nothing guessed, one name key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from region_fixtures import (
    csv_records,
)

from analysis import regions


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Fryslân", "PV21"),
        ("Friesland", "PV21"),
        ("FRIESLAND", "PV21"),
        ("Noord Holland", "PV27"),
        ("Noord-Holland", "PV27"),
        ("Groningen ", "PV20"),
        ("noord-brabant", "PV30"),
        ("Zuid Holland", "PV28"),
        ("PV31", "PV31"),
    ],
)
def test_province_spellings_map_to_codes(spelling: str, code: str) -> None:
    assert regions.province_code(spelling) == code


@pytest.mark.parametrize("spelling", ["Grunnen", "Holland", "Brabant", "", None, "Noord"])
def test_unknown_province_is_not_guessed(spelling: object) -> None:
    assert regions.province_code(spelling) is None


def test_name_key_ignores_case_diacritics_and_punctuation() -> None:
    assert regions.name_key("'S-GRAVENHAGE") == regions.name_key("'s-Gravenhage")
    assert regions.name_key("SUDWEST-FRYSLAN") == regions.name_key("Súdwest-Fryslân")
    assert regions.name_key("BERGEN (NH.)") == regions.name_key("Bergen NH")
    assert regions.name_key("NIEUWERKERK AD IJSSEL") == regions.name_key(
        "Nieuwerkerk aan den IJssel"
    )
    assert regions.name_key("Groningen") != regions.name_key("Gronigen")


def test_real_province_normaliser_maps_every_spelling(shared_data: Path) -> None:
    spellings: set[str] = set()
    for name, column in [
        ("duo/ho/hbo_gediplomeerden_2014-2018.csv", "PROVINCIE"),
        ("duo/ho/wo_ingeschrevenen_2010-2019.csv", "PROVINCIE"),
        ("duo/vo/alle_vestigingen_vo.csv", "PROVINCIE"),
        ("duo/vo/leerlingen_vo_per_vestiging_naar_onderwijstype_2019.csv", "PROVINCIE VESTIGING"),
        ("duo/ho/instellingen_hbo_wo_adressen_regios.csv", "PROVINCIE"),
        ("geo/koppelcodes_gemeente_veiligheidsregio_provincie.csv", "Provincie"),
    ]:
        spellings |= {r[column] for r in csv_records(shared_data / name)}
    hbo = json.loads((shared_data / "duo/ho/hbo_ingeschrevenen_2020-2024.json").read_text("utf-8"))
    spellings |= {r["PROVINCIE"] for r in hbo}
    geo = json.loads((shared_data / "geo/provincies.geojson").read_text("utf-8"))
    pairs = {
        (f["properties"]["provincie"], f["properties"]["provincieCode"]) for f in geo["features"]
    }
    assert {regions.province_code(s) for s in spellings} == set(regions.PROVINCES)
    for spelling, code in pairs:  # a file that gives both: the normaliser agrees
        assert regions.province_code(spelling) == code
