"""config/publication.yaml (analysis.publication_config): the summary tiles an analyst
chooses, checked with the file, the entry and close matches (issue 13)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from analysis import paths
from analysis.errors import ConfigError
from analysis.publication_config import index_columns, read_settings, summary_tiles


def _folder(tmp_path: Path, publication: str | None) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    shutil.copy(paths.CONFIG_DIR / "indicators.yaml", folder)
    if publication is not None:
        (folder / "publication.yaml").write_text(publication, encoding="utf-8")
    return folder


def test_the_shipped_tiles_are_those_of_the_file() -> None:
    raw = yaml.safe_load((paths.CONFIG_DIR / "publication.yaml").read_text(encoding="utf-8"))
    assert summary_tiles() == tuple(raw["summary"]["tiles"])
    assert "mbo_techniek" in summary_tiles()
    assert index_columns() == tuple(raw["index"]["columns"])


def test_unknown_ids_are_all_named_with_their_entry_and_close_matches(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        "summary:\n  tiles: [vo_havo_n, mbo_tecniek, 12, vo_havo_n, hbo_techniek_instroon]\n",
    )
    with pytest.raises(ConfigError) as caught:
        summary_tiles(config_dir=folder)
    message = str(caught.value)
    assert str(folder / "publication.yaml") in message
    assert "4 problems" in message
    assert "entry 2: 'mbo_tecniek' is no indicator in indicators.yaml" in message
    assert "did you mean: 'mbo_techniek'" in message
    assert "entry 3: 12 is no indicator id" in message
    assert "entry 4: 'vo_havo_n' is listed twice" in message
    assert "entry 5: 'hbo_techniek_instroon'" in message and "'hbo_techniek_instroom'" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, "summary.tiles is missing (the file does not exist): expected a list"),
        ("teksten: {}\n", "summary.tiles is missing: expected a list of indicator ids"),
        ("summary:\n  tiles: mbo_techniek\n", "summary.tiles: expected a list"),
        ("summary:\n  tiles: []\n  tegels: []\n", "unknown key(s) ['tegels']"),
        ("sumary:\n  tiles: []\n", "unknown section 'sumary'"),
        ("summary:\n  tiles: [mbo_techniek\n", "malformed YAML at line"),
    ],
)
def test_a_malformed_file_says_what_was_expected(
    tmp_path: Path, text: str | None, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        summary_tiles(config_dir=_folder(tmp_path, text))
    assert expected in str(caught.value)


def test_the_ids_a_report_knows_decide(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "summary:\n  tiles: [eigen_indicator]\n")
    assert summary_tiles(["eigen_indicator"], folder) == ("eigen_indicator",)
    assert read_settings(tmp_path / "nowhere") == {}


def test_the_index_columns_are_checked_as_the_tiles_are(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "index:\n  columns: [mbo_techniek, vo_havo]\n")
    with pytest.raises(ConfigError) as caught:
        index_columns(config_dir=folder)
    message = str(caught.value)
    assert "index.columns, entry 2: 'vo_havo' is no indicator in indicators.yaml" in message
    assert "did you mean: 'vo_havo_n'" in message
    for name in ("b", "c"):
        (tmp_path / name).mkdir()
    with pytest.raises(ConfigError, match=r"index\.columns is missing: expected a list"):
        index_columns(config_dir=_folder(tmp_path / "b", "summary: {tiles: []}\n"))
    assert index_columns(config_dir=_folder(tmp_path / "c", "index: {columns: []}\n")) == ()
