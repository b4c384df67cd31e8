"""The region table and region rows: levels, custom regions, the real table."""

from __future__ import annotations

import csv
import io
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
        "regiopact": 2,
    }
    assert table["region_code"].is_unique
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
        # placed in its province only: no COROP, no custom region
        (1, "nederland", "NL"),
        (1, "landsdeel", "LD-Oost"),
        (1, "landsdeel_cbs", "LD-cbs-Oost-Nederland"),
        (1, "provincie", "PV25"),
        # unplaced: still in the Netherlands
        (2, "nederland", "NL"),
    }


def test_unknown_or_former_municipality_in_custom_region(
    tmp_path: Path, tiny: regions.Reference
) -> None:
    for entry, message in [("Atlantis", "unknown"), ("Uden", "former municipality")]:
        path = write_config(tmp_path, CONFIG.replace("LOCHEM", entry))
        with pytest.raises(ConfigError, match=message) as caught:
            regions.region_table(tiny, regions.load_config(path))
        assert "Lochemse Laren" in str(caught.value) and str(path) in str(caught.value)


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
        "regiopact": 5,
    }
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
