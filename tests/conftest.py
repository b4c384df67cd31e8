"""Shared fixtures. Real-data tests read ../shared/data in place and skip without it."""

from __future__ import annotations

from pathlib import Path

import pytest
from filelock import FileLock

from analysis import paths
from analysis.store.process import run_process


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real DUO/CBS files beside the repository; skip the test when they are absent."""
    root = paths.SHARED_DATA_DIR
    if not (root / "SOURCES.md").is_file():
        pytest.skip(f"real data not available: {root} is absent (set TECHNIEKPACT_SHARED_DATA)")
    return root


def _build_once(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str, build):
    """Build a processed folder once per test session, also across xdist workers."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # shared by the workers of this session only
    target = root / name / "processed"
    with FileLock(str(root / f"{name}.lock")):
        if not (target / paths.MANIFEST_FILE).is_file():
            status = build(target)
            assert status == 0, f"building the {name} processed folder failed (exit {status})"
    return target


@pytest.fixture(scope="session")
def demo_processed(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    return _build_once(
        tmp_path_factory,
        worker_id,
        "demo",
        lambda target: run_process(target.parent / "raw", target, demo=True),
    )


@pytest.fixture(scope="session")
def real_processed(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, shared_data: Path
) -> Path:
    return _build_once(
        tmp_path_factory, worker_id, "real", lambda target: run_process(shared_data, target)
    )
