"""One cached YAML loader for every config file (analysis.configfile): libyaml where there,
line numbers in every syntax error, one parse per file version, a copy per caller."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from analysis import configfile, municipal, paths
from analysis.configfile import load_yaml
from analysis.errors import ConfigError
from analysis.present import maps

BROKEN = "a: 1\nb:\n  - x\n  - [y, z\nc: 3\n"  # the list opened on line 4 never closes


def test_libyaml_parses_where_pyyaml_has_it() -> None:
    expected = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    assert configfile.SAFE_LOADER is expected


@pytest.mark.parametrize("loader", [yaml.SafeLoader, getattr(yaml, "CSafeLoader", None)])
def test_either_loader_names_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loader: type | None
) -> None:
    if loader is None:
        pytest.skip("PyYAML without libyaml")
    monkeypatch.setattr(configfile, "SAFE_LOADER", loader)
    path = tmp_path / f"{loader.__name__}.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_yaml(path, "test")
    message = str(caught.value)
    assert message.startswith(f"{path}: malformed YAML at line 5, column 2")
    assert "the line reads: c: 3" in message
    path.write_text("a:\n\tb: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 2, column 1.*holds a tab"):
        load_yaml(path, "test")


def test_a_file_is_parsed_once_per_content_and_each_caller_gets_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    real = configfile.parse_yaml
    monkeypatch.setattr(configfile, "parse_yaml", lambda s, p: parsed.append(s) or real(s, p))
    path = tmp_path / "x.yaml"
    path.write_text("tiles: [a, b]\n", encoding="utf-8")
    first = load_yaml(path, "test")
    first["tiles"].append("changed by a caller")
    assert load_yaml(path, "test") == {"tiles": ["a", "b"]}
    assert len(parsed) == 1
    # Rewritten at once with the same size and modification time: still read anew.
    stat = path.stat()
    path.write_text("tiles: [a, c]\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert load_yaml(path, "test") == {"tiles": ["a", "c"]}
    assert len(parsed) == 2


def test_a_missing_file_names_what_it_is(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="the gemeente settings file does not exist"):
        municipal.load_settings(tmp_path / "gemeenten.yaml")
    with pytest.raises(ConfigError, match="the map settings file does not exist"):
        maps.load_config(tmp_path / "maps.yaml")


def test_settings_files_follow_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--config-dir moves gemeenten.yaml and maps.yaml too (read from the folder at call
    time, not where config/ was when the module was imported)."""
    text = (paths.CONFIG_DIR / "gemeenten.yaml").read_text(encoding="utf-8")
    assert "too_uncertain_pp: 10" in text
    (tmp_path / "gemeenten.yaml").write_text(
        text.replace("too_uncertain_pp: 10", "too_uncertain_pp: 7"), "utf-8"
    )
    maps_text = (paths.CONFIG_DIR / "maps.yaml").read_text(encoding="utf-8")
    (tmp_path / "maps.yaml").write_text(
        maps_text.replace("default: {low: 0, high: 60}", "default: {low: 0, high: 12}"), "utf-8"
    )
    monkeypatch.setattr(paths, "CONFIG_DIR", tmp_path)
    assert municipal.load_settings().too_uncertain_pp == 7
    assert maps.load_config().scale("default").high == pytest.approx(0.12)
