"""The DUO ho-institutions reader: the real file by another route, not taken for vo files."""

from __future__ import annotations

from pathlib import Path

from raw_fixtures import csv_dicts, read

from analysis.ingest import identify


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
