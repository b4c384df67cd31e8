"""``config/publication.yaml``: what an analyst chooses for the yearly publication — the
headline tiles of the summary page, the index page's columns and the limits on the regions'
own texts.

Stdlib + PyYAML only: the report batch checks the tiles and columns before it imports
pandas, so a wrong id stops the batch at once instead of failing every report.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.configfile import read_config_yaml
from analysis.errors import ConfigError, ConfigErrors
from analysis.suggest import did_you_mean

SETTINGS_FILE = "publication.yaml"
SECTIONS = ("summary", "index", "teksten")


def settings_path(config_dir: Path | None = None) -> Path:
    """Where the publication settings live (``--config-dir`` moves them with the rest)."""
    return Path(config_dir or paths.CONFIG_DIR) / SETTINGS_FILE


def read_settings(config_dir: Path | None = None) -> dict[str, Any]:
    """The file's sections (empty when the file is absent); unknown sections are errors."""
    path = settings_path(config_dir)
    if not path.is_file():
        return {}
    raw = read_config_yaml(path) or {}
    if not isinstance(raw, dict):
        raise ConfigError(path, f"expected a mapping with the sections {', '.join(SECTIONS)}")
    unknown = [str(k) for k in raw if k not in SECTIONS]
    if unknown:
        raise ConfigErrors(
            path,
            [
                f"unknown section {k!r} (expected {', '.join(SECTIONS)})"
                + did_you_mean(k, SECTIONS, quoted=True)
                for k in unknown
            ],
        )
    return raw


def indicator_ids(config_dir: Path | None = None) -> list[str]:
    """The indicator ids of indicators.yaml in the same folder, unvalidated (the tiles are
    checked before the full indicator config is loaded; that one validates the rest)."""
    folder = Path(config_dir or paths.CONFIG_DIR)
    raw = read_config_yaml(folder / "indicators.yaml")
    entries = raw.get("indicators") if isinstance(raw, dict) else None
    return [str(k) for k in entries] if isinstance(entries, dict) else []


def summary_tiles(
    known: Iterable[str] | None = None, config_dir: Path | None = None
) -> tuple[str, ...]:
    """The headline indicators of "In één oogopslag", in tile order (``summary.tiles``).

    ``known``: the indicator ids a tile may name (default: those of indicators.yaml beside
    the settings). Every wrong entry is reported at once, with its place and close ids.
    """
    return _indicator_list("summary", "tiles", "tile", known, config_dir)


def index_columns(
    known: Iterable[str] | None = None, config_dir: Path | None = None
) -> tuple[str, ...]:
    """The indicators of the index page's columns, in column order (``index.columns``);
    checked as the tiles are."""
    return _indicator_list("index", "columns", "column", known, config_dir)


def _indicator_list(
    section_name: str,
    key: str,
    order: str,
    known: Iterable[str] | None,
    config_dir: Path | None,
) -> tuple[str, ...]:
    """The list ``section_name.key`` of indicator ids; every problem named at once."""
    path = settings_path(config_dir)
    name = f"{section_name}.{key}"
    expected = (
        f"a list of indicator ids from indicators.yaml in {order} order, e.g. "
        f"{key}: [mbo_techniek, hbo_techniek_instroom]"
    )
    section = read_settings(config_dir).get(section_name)
    if not isinstance(section, dict) or key not in section:
        where = "is missing" if path.is_file() else "is missing (the file does not exist)"
        raise ConfigError(
            path,
            f"{name} {where}: expected {expected} (the repository's config/publication.yaml "
            f"has the standard list: copy its {section_name!r} section)",
        )
    unknown_keys = [str(k) for k in section if k != key]
    entries = section[key]
    if unknown_keys or not isinstance(entries, list):
        raise ConfigError(
            path,
            f"{section_name}: unknown key(s) {unknown_keys}; expected only {key!r}"
            if unknown_keys
            else f"{name}: expected {expected}, not {entries!r}",
        )
    ids = list(indicator_ids(config_dir) if known is None else known)
    problems = []
    for number, entry in enumerate(entries, start=1):
        where = f"{name}, entry {number}"
        if not isinstance(entry, str):
            problems.append(f"{where}: {entry!r} is no indicator id (expected text)")
        elif entry not in ids:
            problems.append(
                f"{where}: {entry!r} is no indicator in indicators.yaml"
                + did_you_mean(entry, ids, quoted=True)
            )
        elif entry in entries[: number - 1]:
            problems.append(f"{where}: {entry!r} is listed twice")
    if problems:
        raise ConfigErrors(path, problems)
    return tuple(entries)
