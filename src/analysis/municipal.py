"""``config/gemeenten.yaml``: the settings of the gemeente level, validated on load.

Stdlib + PyYAML only: the report batch reads ``in_all_reports`` before it imports pandas.
Region codes of the level are CBS's: ``GM`` + the four-digit municipality code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis import paths
from analysis.configfile import load_yaml
from analysis.errors import ConfigError

LEVEL = "gemeente"
CODE_PREFIX = "GM"
CONFIG_NAME = "gemeenten.yaml"
_KEYS = {"in_all_reports", "too_uncertain_pp", "indeling", "section_indicator", "without_figures"}


@dataclass(frozen=True)
class GemeenteSettings:
    """What analysts decide about the gemeente level."""

    path: Path
    in_all_reports: bool
    too_uncertain_pp: float  # bounds wider than this (percentage points): "te onzeker"
    indeling: str  # 'op de gebiedsindeling van 2023', as reports write it
    section_indicator: str  # the vo indicator of the "Gemeenten in <regio>" map and table
    without_figures: dict[str, str]  # school level -> Dutch reason it has no gemeente figures

    def too_uncertain(self, low: object, high: object) -> bool:
        """True when the bounds ``low``..``high`` (shares 0..1) are wider than the threshold."""
        try:
            width = (float(high) - float(low)) * 100  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        return width == width and width > self.too_uncertain_pp + 1e-9


def region_code(municipality_code: str) -> str:
    """'0153' -> 'GM0153'."""
    return CODE_PREFIX + str(municipality_code)


def load_settings(path: str | Path | None = None) -> GemeenteSettings:
    """Read and validate ``config/gemeenten.yaml`` (the file read once per version, by
    ``configfile.load_yaml``); ``path`` defaults to the current config folder's file."""
    path = Path(path) if path is not None else paths.CONFIG_DIR / CONFIG_NAME
    raw = load_yaml(path, "gemeente settings")
    if not isinstance(raw, dict):
        raise ConfigError(path, f"expected a mapping of settings, got {type(raw).__name__}")
    unknown = sorted(set(map(str, raw)) - _KEYS)
    missing = sorted(_KEYS - set(raw))
    if unknown or missing:
        raise ConfigError(
            path, f"unknown key(s) {unknown}, missing key(s) {missing} (expected {sorted(_KEYS)})"
        )
    if not isinstance(raw["in_all_reports"], bool):
        raise ConfigError(
            path, f"in_all_reports: expected true or false, got {raw['in_all_reports']!r}"
        )
    threshold = raw["too_uncertain_pp"]
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold <= 0:
        raise ConfigError(
            path,
            f"too_uncertain_pp: expected a positive number of percentage points, got {threshold!r}",
        )
    for key in ("indeling", "section_indicator"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise ConfigError(path, f"{key}: expected text, got {raw[key]!r}")
    without = raw["without_figures"] or {}
    if not isinstance(without, dict) or not all(
        isinstance(v, str) and v.strip() for v in without.values()
    ):
        raise ConfigError(
            path, "without_figures: expected school level -> reason (text), e.g. mbo: 'Het ...'"
        )
    return GemeenteSettings(
        path=path,
        in_all_reports=raw["in_all_reports"],
        too_uncertain_pp=float(threshold),
        indeling=raw["indeling"].strip(),
        section_indicator=raw["section_indicator"].strip(),
        without_figures={str(k): " ".join(v.split()) for k, v in without.items()},
    )
