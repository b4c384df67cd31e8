"""Shared fixtures. Real-data tests read ../shared/data in place and skip without it."""

from __future__ import annotations

from pathlib import Path

import pytest
from filelock import FileLock
from report_fixtures import make_processed

from analysis import data, paths
from analysis.demo import regions as demo
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


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fake processed folder of tests/report_fixtures.py (demo), once per test module."""
    return make_processed(tmp_path_factory.mktemp("processed"), demo=True)


@pytest.fixture(scope="module")
def utrecht(processed: Path) -> data.ReportContext:
    """The report context of provincie Utrecht on that folder."""
    return data.context(processed, "provincie", "Utrecht", "2026-01-02")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo reference and geometry files, written once per test module."""
    root = tmp_path_factory.mktemp("demo")
    demo.write_reference_files(root)
    return root
