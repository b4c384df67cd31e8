"""The CBS woonplaats reader: the real file by another route, bad codes, missing reference."""

from __future__ import annotations

from pathlib import Path

import pytest
from raw_fixtures import csv_dicts, read

from analysis import paths, regions
from analysis.errors import DataError


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


def test_missing_woonplaats_reference_is_an_error() -> None:
    with pytest.raises(DataError, match="no CBS woonplaats"):
        regions.build_reference({}, regions.load_config(paths.REGIONS_CONFIG))
