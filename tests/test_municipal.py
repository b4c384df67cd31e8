"""config/gemeenten.yaml: the settings of the gemeente level, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import municipal, paths
from analysis.errors import ConfigError


def test_shipped_settings() -> None:
    settings = municipal.load_settings()
    assert settings.in_all_reports is False
    assert settings.indeling == "op de gebiedsindeling van 2023"
    assert set(settings.without_figures) == {"mbo"}
    assert municipal.region_code("0153") == "GM0153"


def test_too_uncertain_is_strictly_wider_than_the_threshold() -> None:
    settings = municipal.load_settings()  # 10 percentage points
    assert settings.too_uncertain(0.30, 0.41)
    assert not settings.too_uncertain(0.30, 0.40)  # exactly 10: not wider
    assert not settings.too_uncertain(None, 0.5)  # no bounds: nothing to judge


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("too_uncertain_pp: 10", "too_uncertain_pp: -1", "too_uncertain_pp"),
        ("in_all_reports: false", "in_all_reports: nee", "in_all_reports"),
        ("in_all_reports: false", "in_all_report: false", "unknown key"),
    ],
)
def test_bad_settings_name_the_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = (paths.CONFIG_DIR / municipal.CONFIG_NAME).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "gemeenten.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        municipal.load_settings(path)
    assert str(path) in str(caught.value)
