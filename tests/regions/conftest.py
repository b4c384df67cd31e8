"""Fixtures of the region tests: the tiny configuration and reference, the real reference."""

from __future__ import annotations

from pathlib import Path

import pytest
from region_fixtures import (
    tiny_frames,
    vo_locations,
    write_config,
)

from analysis import paths, regions
from analysis.ingest import identify


@pytest.fixture
def config(tmp_path: Path) -> regions.RegionConfig:
    return regions.load_config(write_config(tmp_path))


@pytest.fixture
def tiny(config: regions.RegionConfig) -> regions.Reference:
    return regions.build_reference(tiny_frames(), config)


@pytest.fixture(scope="module")
def real_ref(shared_data: Path) -> regions.Reference:
    frames = {"duo_vo_locations": vo_locations(shared_data)}
    for name in (
        "cbs/woonplaats_gemeente_corop_2024.csv",
        "geo/koppelcodes_gemeente_veiligheidsregio_provincie.csv",
        "duo/ho/instellingen_hbo_wo_adressen_regios.csv",
    ):
        fmt, sniffed = identify(shared_data / name)
        frames[fmt.dataset] = fmt.read(sniffed)
    return regions.build_reference(frames, regions.load_config(paths.REGIONS_CONFIG))
