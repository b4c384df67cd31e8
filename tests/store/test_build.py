"""Reading the raw files in worker processes gives what reading them in turn gives."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.demo import generate
from analysis.provenance import sha256_file
from analysis.store import build
from analysis.store.process import input_files


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("raw")
    generate(root)
    (root / "duo" / "onbekend.csv").write_text("A;B\n1;2\n", encoding="utf-8")
    return root


def _read(raw: Path, jobs: int) -> tuple[list, list[str]]:
    files = input_files(raw)
    checksums = {str(p.relative_to(raw)): sha256_file(p) for p in files}
    return build.read_all(raw, files, checksums, jobs=jobs)


def test_workers_read_the_same_frames_results_and_errors_in_the_same_order(
    raw: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_turn, errors_in_turn = _read(raw, jobs=1)
    monkeypatch.setattr(build, "PARALLEL_READ_BYTES", 0)  # the demo files are small
    in_workers, errors_in_workers = _read(raw, jobs=2)
    assert len(in_turn) >= 10
    assert [r.path for r, _, _ in in_workers] == [r.path for r, _, _ in in_turn]
    for (r1, f1, frame1), (r2, f2, frame2) in zip(in_turn, in_workers, strict=True):
        assert (r1, f1.id) == (r2, f2.id)
        pd.testing.assert_frame_equal(frame1, frame2)
        assert frame1.attrs == frame2.attrs
    # The unknown file is an error naming it, in both ways of reading.
    assert errors_in_workers == errors_in_turn
    assert len(errors_in_turn) == 1 and "onbekend.csv" in errors_in_turn[0]
