"""Shared fixtures. Real-data tests read ../shared/data in place and skip without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import paths


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real DUO/CBS files beside the repository; skip the test when they are absent."""
    root = paths.SHARED_DATA_DIR
    if not (root / "SOURCES.md").is_file():
        pytest.skip(f"real data not available: {root} is absent (set TECHNIEKPACT_SHARED_DATA)")
    return root
