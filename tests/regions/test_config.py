"""config/regions.yaml: the project file loads; errors name the file and the entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from region_fixtures import (
    CONFIG,
    write_config,
)

from analysis import paths, regions
from analysis.errors import ConfigError


def test_project_config_loads() -> None:
    config = regions.load_config(paths.REGIONS_CONFIG)
    default = config.default_scheme
    assert default.level == "landsdeel"
    assert default.regions["Oost"] == ("PV23", "PV25")
    assert sorted(pv for pvs in default.regions.values() for pv in pvs) == sorted(regions.PROVINCES)
    assert [s.level for s in config.schemes] == ["landsdeel", "landsdeel_cbs"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Zuid: [Noord-Brabant, Limburg]", "Zuid: [Noord-Brabant, Limburgh]", "unknown province"),
        ("Zuid: [Noord-Brabant, Limburg]", "Zuid: [Noord-Brabant, Limburg, Zeeland]", "already"),
        ("Zuid: [Noord-Brabant, Limburg]", "Zuid: [Noord-Brabant]", "in no landsdeel"),
        ("corop: [Twente]", "corop: [Twentee]", "unknown COROP region"),
        ("Twente:\n", "../Twente:\n", "looks like a path"),
        ("Twente:\n", "CR12:\n", "looks like a code"),
        ("'0417'", "0417", "not text"),
        ("    regions:\n      Twente", "    regionz:\n      Twente", "missing key"),
        ("        corop: [Twente]", "        corops: [Twente]", "unknown key"),
        ("  regiopact:", "  provincie:", "already a region level"),
        ("  regiopact:", "  Regio Pact:", "lower case"),
        (
            "Noord: [Groningen, Fryslân, Drenthe]",
            "Noord: [Groningen, Fryslân, Drenthe",
            "malformed YAML",
        ),
    ],
)
def test_config_errors_name_the_file_and_entry(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in CONFIG
    path = write_config(tmp_path, CONFIG.replace(old, new, 1))
    with pytest.raises(ConfigError, match=message) as caught:
        regions.load_config(path)
    assert str(path) in str(caught.value)


def test_config_wrong_structure_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected a non-empty mapping"):
        regions.load_config(write_config(tmp_path, "- a\n- b\n"))
    with pytest.raises(ConfigError, match="does not exist"):
        regions.load_config(tmp_path / "absent.yaml")
