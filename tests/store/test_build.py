"""Reading the raw files in worker processes gives what reading them in turn gives."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import regions
from analysis.demo import generate
from analysis.provenance import sha256_file
from analysis.store import build, configcheck, reading
from analysis.store.process import input_files


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("raw")
    generate(root)
    (root / "duo" / "onbekend.csv").write_text("A;B\n1;2\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def demo_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    generate(root)
    return root


def _read(raw: Path, jobs: int, *, attribute: bool = False) -> tuple[list, list[str]]:
    files = input_files(raw)
    checksums = {str(p.relative_to(raw)): sha256_file(p) for p in files}
    checked = configcheck.check(files) if attribute else configcheck.ConfigCheck()
    with reading.readers(files, jobs) as workers:
        assert (workers is None) == (jobs == 1)
        return build.read_all(
            raw,
            files,
            checksums,
            readers=workers,
            reference=checked.reference,
            known=checked.reference_files,
        )


def _same(in_turn: list, in_workers: list) -> None:
    assert len(in_turn) >= 10
    assert [r.path for r, _, _ in in_workers] == [r.path for r, _, _ in in_turn]
    for (r1, f1, frame1), (r2, f2, frame2) in zip(in_turn, in_workers, strict=True):
        assert (r1, f1.id) == (r2, f2.id)
        pd.testing.assert_frame_equal(frame1, frame2)
        assert frame1.attrs == frame2.attrs


def test_workers_read_the_same_frames_results_and_errors_in_the_same_order(
    raw: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_turn, errors_in_turn = _read(raw, jobs=1)
    monkeypatch.setattr(reading, "PARALLEL_READ_BYTES", 0)  # the demo files are small
    in_workers, errors_in_workers = _read(raw, jobs=2)
    _same(in_turn, in_workers)
    # The unknown file is an error naming it, in both ways of reading.
    assert errors_in_workers == errors_in_turn
    assert len(errors_in_turn) == 1 and "onbekend.csv" in errors_in_turn[0]


def test_workers_attribute_count_files_as_attributing_them_afterwards_does(
    demo_raw: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "PARALLEL_READ_BYTES", 0)
    plain, _ = _read(demo_raw, jobs=1)
    in_workers, errors = _read(demo_raw, jobs=2, attribute=True)
    assert errors == []
    reference = configcheck.check(input_files(demo_raw)).reference
    assert reference is not None
    counts = 0
    for (r1, fmt, frame), (r2, _, attributed) in zip(plain, in_workers, strict=True):
        if fmt.role != "counts":
            pd.testing.assert_frame_equal(frame, attributed)
            continue
        counts += 1
        expected = regions.attribute(frame, reference, r1.path)
        pd.testing.assert_frame_equal(attributed, expected)
        # The reader's notes and warnings stay; attribution's warnings come after them.
        assert r2.warnings[: len(r1.warnings)] == r1.warnings
        assert r2.warnings[len(r1.warnings) :] == expected.attrs["warnings"]
        assert "province_raw" not in attributed.attrs
    assert counts >= 5
