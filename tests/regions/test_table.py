"""The region table and region rows: levels, custom regions, the real table."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from region_fixtures import (
    CONFIG,
    counts,
    write_config,
)

from analysis import paths, regions
from analysis.errors import ConfigError


def test_region_table_levels(tiny: regions.Reference, config: regions.RegionConfig) -> None:
    table = regions.region_table(tiny, config)
    sizes = table["region_level"].value_counts().to_dict()
    assert sizes == {
        "nederland": 1,
        "landsdeel": 5,
        "landsdeel_cbs": 4,
        "provincie": 12,
        "corop": 40,
        "gemeente": 12,  # the 12 municipalities of the tiny reference
        "regiopact": 2,
    }
    assert table["region_code"].is_unique
    lochem = table.set_index("region_code").loc["GM0262"]
    assert lochem["region_level"] == "gemeente" and lochem["region"] == "Lochem"
    assert lochem["province_code"] == "PV25" and lochem["landsdeel"] == "Oost"
    assert lochem["corop_code"] == "CR14" and lochem["member_municipalities"] == ["0262"]
    oost = table.set_index("region_code").loc["LD-Oost"]
    assert oost["member_provinces"] == ["PV23", "PV25"]
    assert oost["member_municipalities"] == ["0164", "0262", "1876"]
    fry = table.set_index("region_code").loc["PV21"]
    assert fry["region"] == "Fryslân" and fry["landsdeel"] == "Noord"
    custom = table[table["region_level"] == "regiopact"].set_index("region_code")
    assert custom.loc["regiopact-twente", "member_municipalities"] == ["0164"]
    # Lochem + Laren (NH.): Oost + Noordvleugel, so no single landsdeel or province.
    laren = custom.loc["regiopact-lochemse-laren"]
    assert laren["member_municipalities"] == ["0262", "0417"]
    assert pd.isna(laren["landsdeel"]) and pd.isna(laren["province_code"])


def test_region_rows_semantics(tiny: regions.Reference, config: regions.RegionConfig) -> None:
    table = regions.region_table(tiny, config)
    store = regions.attribute(
        counts(
            municipality_name_raw=["LOCHEM", None, None],
            province_raw=[None, "Gelderland", None],
        ),
        tiny,
        "x",
    )
    rows = regions.region_rows(store, table)
    member = {(r.row, r.region_level, r.region_code) for r in rows.itertuples()}
    assert member == {
        # a placed row: every level it lies in
        (0, "nederland", "NL"),
        (0, "landsdeel", "LD-Oost"),
        (0, "landsdeel_cbs", "LD-cbs-Oost-Nederland"),
        (0, "provincie", "PV25"),
        (0, "corop", "CR14"),
        (0, "regiopact", "regiopact-lochemse-laren"),
        (0, "gemeente", "GM0262"),
        # placed in its province only: no COROP, no gemeente, no custom region
        (1, "nederland", "NL"),
        (1, "landsdeel", "LD-Oost"),
        (1, "landsdeel_cbs", "LD-cbs-Oost-Nederland"),
        (1, "provincie", "PV25"),
        # unplaced: still in the Netherlands
        (2, "nederland", "NL"),
    }


def test_mbo_rows_count_for_no_gemeente(
    tiny: regions.Reference, config: regions.RegionConfig
) -> None:
    """The mbo file names the institution's seat, not the school: no gemeente for it."""
    table = regions.region_table(tiny, config)
    store = regions.attribute(counts(municipality_name_raw=["LOCHEM", "LOCHEM"]), tiny, "x")
    store["level"] = pd.array(["havo", "mbo"], dtype="string")
    rows = regions.region_rows(store, table, without_gemeente=frozenset({"mbo"}))
    gemeente = rows[rows["region_level"] == "gemeente"]
    assert gemeente["row"].tolist() == [0]
    # the seat still counts for its COROP region, province and pact, as before
    assert set(rows.loc[rows["row"] == 1, "region_level"]) == {
        "nederland",
        "landsdeel",
        "landsdeel_cbs",
        "provincie",
        "corop",
        "regiopact",
    }


def test_unknown_or_divided_municipality_in_custom_region(
    tmp_path: Path, tiny: regions.Reference
) -> None:
    for entry, message in [("Atlantis", "unknown"), ("Maasdonk", "divided over several")]:
        path = write_config(tmp_path, CONFIG.replace("LOCHEM", entry))
        with pytest.raises(ConfigError, match=message) as caught:
            regions.region_table(tiny, regions.load_config(path))
        assert "Lochemse Laren" in str(caught.value) and str(path) in str(caught.value)


def test_misspelt_municipality_names_close_matches(tmp_path: Path, tiny: regions.Reference) -> None:
    path = write_config(tmp_path, CONFIG.replace("LOCHEM", "Lochum"))
    with pytest.raises(ConfigError, match=r"did you mean: 'Lochem'\?"):
        regions.region_table(tiny, regions.load_config(path))


def test_former_municipality_in_custom_region_is_its_successor(
    tmp_path: Path, tiny: regions.Reference
) -> None:
    """Uden merged into Maashorst (2022): used as Maashorst, with a warning naming it."""
    path = write_config(tmp_path, CONFIG.replace("LOCHEM", "Uden"))
    table = regions.region_table(tiny, regions.load_config(path))
    pact = table.set_index("region_code").loc["regiopact-lochemse-laren"]
    assert pact["member_municipalities"] == ["0417", "1991"]
    (warning,) = [w for w in table.attrs["warnings"] if "Uden" in w]
    assert "Lochemse Laren" in warning and "Maashorst" in warning


def test_real_region_table(shared_data: Path, real_ref: regions.Reference) -> None:
    table = regions.region_table(real_ref, regions.load_config(paths.REGIONS_CONFIG))
    assert not real_ref.synthetic and table.attrs["warnings"] == []
    sizes = table["region_level"].value_counts().to_dict()
    assert sizes == {
        "nederland": 1,
        "landsdeel": 5,
        "landsdeel_cbs": 4,
        "provincie": 12,
        "corop": 40,
        "gemeente": 342,
        "regiopact": 5,
    }
    # every municipality of today's indeling, with CBS's code, name and COROP region
    text = (shared_data / "geo/gemeenten_2023.geojson").read_text("utf-8")
    codes = set(re.findall(r'"gemeenteCode":\s*"(GM\d{4})"', text))
    gemeenten = table[table["region_level"] == "gemeente"].set_index("region_code")
    assert len(codes) == 342 and set(gemeenten.index) == codes
    assert gemeenten.loc["GM0153", "region"] == "Enschede"
    assert gemeenten.loc["GM0153", "corop_code"] == "CR12"
    assert gemeenten.loc["GM0153", "province_code"] == "PV23"
    # Twente (= COROP 12) has exactly the municipalities the CBS file puts in COROP 12.
    text = (shared_data / "cbs/woonplaats_gemeente_corop_2024.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    twente = sorted({r["Gemeentecode"] for r in rows if r["COROP-gebiedcode"] == "12"})
    by_code = table.set_index("region_code")
    assert by_code.loc["regiopact-twente", "member_municipalities"] == twente
    zwolle = by_code.loc["regiopact-regio-zwolle", "member_municipalities"]
    assert len(zwolle) == 19 and "0193" in zwolle  # every listed municipality, Zwolle itself
    assert (
        sum(
            len(m) for m in table.loc[table["region_level"] == "provincie", "member_municipalities"]
        )
        == 342
    )
