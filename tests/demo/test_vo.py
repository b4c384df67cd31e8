"""The synthetic vo files: deterministic, unmistakably fictional, plausible, and joinable."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.demo.geography import municipalities
from analysis.demo.vo import demo_schools, write_vo_exam, write_vo_locations, write_vo_pupils
from analysis.ingest import identify

FEW = municipalities()[:12]


def read(path: Path) -> pd.DataFrame:
    fmt, sniffed = identify(path)
    return fmt.read(sniffed)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, pd.DataFrame]:
    root = tmp_path_factory.mktemp("demo_vo")
    return {
        "exam2019": read(write_vo_exam(root / "e19.csv", seed=3)),
        "exam2013": read(write_vo_exam(root / "e13.csv", release="2013", seed=3)),
        "pupils": read(write_vo_pupils(root / "p.csv", seed=3)),
        "locations": read(write_vo_locations(root / "l.csv", seed=3)),
    }


@pytest.mark.parametrize(
    "write", [write_vo_exam, write_vo_pupils, write_vo_locations], ids=lambda f: f.__name__
)
def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path, write):
    a = write(tmp_path / "a.csv", seed=5, municipalities=FEW).read_bytes()
    b = write(tmp_path / "b.csv", seed=5, municipalities=FEW).read_bytes()
    c = write(tmp_path / "c.csv", seed=6, municipalities=FEW).read_bytes()
    assert a == b
    assert a != c


def test_school_codes_can_never_be_real_brins():
    schools = demo_schools(0)
    codes = {s.institution_code for s in schools}
    assert all(re.fullmatch(r"\d[A-Z]\d{2}", c) for c in codes)
    assert not any(re.fullmatch(r"\d{2}[A-Z]{2}", c) for c in codes)
    assert all(s.name.startswith("Demo-") for s in schools)
    per_municipality = pd.Series([s.municipality.code for s in schools]).value_counts()
    assert per_municipality.between(1, 3).all()
    assert len(per_municipality) == len(municipalities())
    assert len({s.location_code for s in schools}) == len(schools)


def share(frame: pd.DataFrame, level: str, pattern: str, gender: str | None = None) -> float:
    """Numerator share with suppressed cells at 2 (mid of 1-4), over man + vrouw rows."""
    rows = frame[
        (frame["level"] == level) & frame["gender"].isin([gender] if gender else ["man", "vrouw"])
    ]
    counts = rows["count"].fillna(2)
    hit = rows["field"].fillna("").str.contains(pattern, regex=False)
    return float(counts[hit].sum() / counts.sum())


@pytest.mark.parametrize("release", ["exam2019", "exam2013"])
def test_exam_shares_are_plausible(demo, release: str):
    frame = demo[release]
    assert 0.33 <= share(frame, "havo", "N&") <= 0.47
    assert 0.52 <= share(frame, "vwo", "N&") <= 0.68
    assert 0.18 <= share(frame, "vmbo", "techniek") <= 0.32
    assert share(frame, "havo", "N&T", "vrouw") < share(frame, "havo", "N&T", "man")


def test_suppression_only_in_the_newer_release(demo):
    assert demo["exam2019"]["suppressed"].sum() > 0
    assert demo["exam2013"]["suppressed"].sum() == 0
    assert (demo["exam2013"]["gender"] == "onbekend").any()
    assert "intersectoraal" in set(demo["exam2013"]["field"])
    assert "intersectoraal" not in set(demo["exam2019"]["field"].dropna())


def test_files_join_on_location_code(demo):
    locations = set(demo["locations"]["location_code"])
    for name in ("exam2019", "exam2013", "pupils"):
        assert set(demo[name]["location_code"]) <= locations, name
    municipality = demo["locations"].set_index("location_code")["municipality_name"]
    exam = demo["exam2019"].drop_duplicates("location_code")
    assert (
        exam["municipality_name_raw"].to_numpy() == municipality[exam["location_code"]].to_numpy()
    ).all()


def test_pupils_cover_the_indicator_rows(demo):
    pupils = demo["pupils"]
    havo4 = pupils[(pupils["level"] == "havo") & (pupils["leerjaar"] == 4)]
    assert havo4["subfield"].str.startswith("Natuur").any() and havo4["count"].sum() > 0
    vmbo3 = pupils[(pupils["level"] == "vmbo") & (pupils["leerjaar"] == 3)]
    assert (vmbo3["field"] == "Techniek").any()
    assert {"vo", "vmbo", "havo", "vwo"} <= set(pupils["level"])
