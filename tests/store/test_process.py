"""`techniekpact process` end to end: manifest, attribution, no-change runs, atomicity, demo."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.demo import generate
from analysis.store.process import run_process

ROOT = paths.PROJECT_ROOT


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): _sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.realdata
def test_manifest_lists_every_real_file_with_checksum_and_the_attribution_goal(
    shared_data: Path, real_processed: Path
) -> None:
    manifest = json.loads((real_processed / paths.MANIFEST_FILE).read_text())
    assert manifest["demo"] is False
    listed = {entry["path"]: entry for entry in manifest["inputs"]}
    on_disk = {
        str(p.relative_to(shared_data)): p
        for p in shared_data.rglob("*")
        if p.is_file() and p.suffix != ".md"
    }
    assert set(listed) == set(on_disk)
    for rel, path in on_disk.items():
        assert listed[rel]["sha256"] == _sha(path), rel
    counts = [e for e in manifest["inputs"] if e["role"] == "counts"]
    assert len(counts) == 11  # 8 old-portal files and 3 new-portal resources
    for entry in counts:
        assert entry["share_attributed_province"] >= 0.995, entry["path"]
        assert entry["counts_attributed_province"] <= entry["counts_total"]


@pytest.mark.realdata
def test_store_total_per_file_equals_the_raw_file_by_another_route(
    shared_data: Path, real_processed: Path
) -> None:
    """Every known count of the mbo file survives into the store: csv-module sum per year."""
    raw = (
        shared_data
        / "duo/mbo/mbo_deelnemers_instelling_plaats_sector_niveau_geslacht_2015-2019.csv"
    )
    with open(raw, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r.get("TOTAAL2019") is not None]
    expected = {y: sum(int(r[f"TOTAAL{y}"] or 0) for r in rows) for y in range(2015, 2020)}
    store = pd.read_parquet(real_processed / paths.STORE_FILE)
    mbo = store[
        (store["source_file"] == str(raw.relative_to(shared_data))) & (store["gender"] == "totaal")
    ]
    actual = mbo.groupby("year")["count"].sum().to_dict()
    assert {int(k): int(v) for k, v in actual.items()} == expected
    assert expected[2015] == 471_848  # and the publisher's total, as SOURCES.md gives it


@pytest.mark.realdata
def test_indicators_match_an_independent_computation_from_the_raw_files(
    shared_data: Path, real_processed: Path
) -> None:
    """The held-out check script (csv/json + plain sums) agrees nationally and per province."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/check_against_raw.py"), str(shared_data),
         str(real_processed)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "failing 0" in done.stdout


@pytest.fixture
def small_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    generate(raw, seed=3)
    (raw / "DEMO-SYNTHETIC-DATA.txt").unlink()  # treat it as an ordinary raw folder
    return raw


def test_unchanged_inputs_do_no_work_and_a_changed_file_rebuilds(
    small_raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    processed = tmp_path / "processed"
    assert run_process(small_raw, processed) == 0
    before = _snapshot(processed)
    capsys.readouterr()
    assert run_process(small_raw, processed) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert _snapshot(processed) == before
    mbo = next(small_raw.rglob("mbo_*.csv"))
    mbo.write_bytes(mbo.read_bytes().replace(b";3;", b";4;", 1))
    assert run_process(small_raw, processed) == 0
    out = capsys.readouterr().out
    assert "raw data newer than the processed store" in out and mbo.name in out
    assert _snapshot(processed)["store.parquet"] != before["store.parquet"]


def test_a_bad_file_names_itself_and_leaves_the_previous_store_intact(
    small_raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    processed = tmp_path / "processed"
    assert run_process(small_raw, processed) == 0
    before = _snapshot(processed)
    exam = next(small_raw.rglob("examenkandidaten_2019*.csv"))
    exam.write_bytes(exam.read_bytes()[: len(exam.read_bytes()) // 2])  # truncated mid-row
    (small_raw / "extra.csv").write_text("what;is;this\n1;2;3\n", encoding="utf-8")
    assert run_process(small_raw, processed) == 1
    err = capsys.readouterr().err
    assert exam.name in err and "extra.csv" in err  # every bad file is reported, not just one
    assert "line" in err
    assert _snapshot(processed) == before
    assert not [p for p in processed.iterdir() if p.name.startswith(".staging")]


def test_a_broken_link_in_raw_is_an_error_not_a_missing_file(small_raw: Path) -> None:
    """fetch links a mirror folder's files; if the mirror moves, the counts must not vanish."""
    from analysis.errors import DataError
    from analysis.store.process import input_files

    exam = next(small_raw.rglob("examenkandidaten_2019*.csv"))
    exam.unlink()
    exam.symlink_to(small_raw / "moved-away.csv")
    with pytest.raises(DataError, match=r"moved-away\.csv, which does not exist") as caught:
        input_files(small_raw)
    assert exam.name in str(caught.value) and "make data" in str(caught.value)


def test_no_raw_data_falls_back_to_marked_demo_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    processed = tmp_path / "processed"
    assert run_process(tmp_path / "empty", processed) == 0
    err = capsys.readouterr().err
    assert "SYNTHETIC DEMO" in err
    manifest = json.loads((processed / paths.MANIFEST_FILE).read_text())
    assert manifest["demo"] is True
    store = pd.read_parquet(
        processed / paths.STORE_FILE, columns=["municipality", "institution_name"]
    )
    named = store["municipality"].dropna()
    assert len(named) and named.str.startswith("Demo-").all()


def test_demo_generation_is_deterministic(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=7)
    generate(tmp_path / "b", seed=7)
    generate(tmp_path / "c", seed=8)
    a, b, c = (_snapshot(tmp_path / n) for n in "abc")
    assert a == b
    assert a.keys() == c.keys() and a != c


def test_process_cli_runs_from_a_copy_of_the_raw_dir(small_raw: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(small_raw, copy)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("techniekpact")), "process", "--raw-dir", str(copy),
         "--processed-dir", str(tmp_path / "out")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / paths.INDICATORS_FILE).is_file()
