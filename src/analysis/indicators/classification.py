"""The monitor's bèta-techniek classification of HO programmes (config/ho_beta_programmes.yaml).

The Techniekpact monitor counts as bèta-techniek the CROHO onderdelen natuur and techniek plus
the programmes outside them that are more than half bèta-techniek. That list is not open data;
the YAML file rebuilds it (see its header and docs/methodology.md). This module validates the
file and turns it into a rule that the indicator engine evaluates on the store:
``{classification: ho_beta}`` in config/indicators.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.configfile import read_config_yaml
from analysis.errors import ConfigError

# Rule name in config/indicators.yaml -> file beside it.
CLASSIFICATION_FILES = {"ho_beta": "ho_beta_programmes.yaml"}
HO_LEVELS = ("hbo", "wo")
_CODE = re.compile(r"^\d{5}$")
_TOP_KEYS = {"croho_onderdelen", "programmes", "excluded", "without_programme"}
_PROGRAMME_KEYS = {
    "level",
    "code",
    "name",
    "onderdeel",
    "group",
    "reason",
    "forced_by_calibration",
    "why_forced",
}
_WITHOUT_KEYS = {"level", "onderdeel", "subonderdeel", "reason"}
# The columns a classification reads (for choosing a cut that carries them).
COLUMNS = frozenset({"level", "field", "subfield", "programme_code"})


def norm(text: object) -> str:
    """One spelling per category: DUO writes TECHNIEK, techniek and LANDBOUW_EN_... alike."""
    return str(text).strip().casefold().replace("_", " ")


@dataclass(frozen=True)
class Classification:
    """A validated classification: sectors counted whole, programmes, and the fallback rule."""

    path: Path
    sectors: frozenset[str]
    programmes: frozenset[tuple[str, str]]  # (level, 5-digit CROHO code)
    without_programme: frozenset[tuple[str, str, str]]  # (level, onderdeel, subonderdeel)

    def columns(self) -> frozenset[str]:
        """Store columns the classification reads."""
        return COLUMNS


def load_classification(path: Path) -> Classification:
    """Read and validate one classification file; ConfigError naming the entry on any problem."""
    raw = read_config_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError(path, "expected a mapping with croho_onderdelen and programmes")
    _keys(path, "top level", raw, _TOP_KEYS, {"croho_onderdelen", "programmes"})
    sectors = raw["croho_onderdelen"]
    if not isinstance(sectors, list) or not all(isinstance(s, str) and s for s in sectors):
        raise ConfigError(path, "croho_onderdelen: expected a list of CROHO onderdelen")
    programmes = _programmes(path, "programmes", raw["programmes"], required=True)
    excluded = _programmes(path, "excluded", raw.get("excluded") or [], required=False)
    both = sorted(set(programmes) & set(excluded))
    if both:
        level, code = both[0]
        raise ConfigError(path, f"{level} {code} is under both programmes and excluded")
    return Classification(
        path=path,
        sectors=frozenset(norm(s) for s in sectors),
        programmes=frozenset(programmes),
        without_programme=frozenset(_without(path, raw.get("without_programme") or [])),
    )


def _keys(path: Path, where: str, raw: dict, allowed: set[str], required: set[str]) -> None:
    unknown = set(raw) - allowed
    if unknown:
        raise ConfigError(
            path,
            f"{where}: unknown key(s) {sorted(unknown)} (allowed: {', '.join(sorted(allowed))})",
        )
    missing = required - set(raw)
    if missing:
        raise ConfigError(path, f"{where}: missing key(s) {sorted(missing)}")


def _programmes(
    path: Path, section: str, raw: Any, *, required: bool
) -> dict[tuple[str, str], str]:
    if not isinstance(raw, list) or (required and not raw):
        raise ConfigError(path, f"{section}: expected a list of programmes")
    out: dict[tuple[str, str], str] = {}
    for i, entry in enumerate(raw, start=1):
        where = f"{section} entry {i}"
        if not isinstance(entry, dict):
            raise ConfigError(path, f"{where}: expected a mapping with level, code, name, reason")
        _keys(path, where, entry, _PROGRAMME_KEYS, {"level", "code", "name", "reason"})
        code = entry["code"]
        if isinstance(code, int) or not isinstance(code, str) or not _CODE.match(code):
            raise ConfigError(
                path,
                f"{where} ({entry.get('name')}): code must be the 5-digit CROHO code in quotes, "
                f"e.g. '06551'; got {code!r}",
            )
        if entry["level"] not in HO_LEVELS:
            raise ConfigError(
                path, f"{where} ({code}): level must be hbo or wo, not {entry['level']!r}"
            )
        for text_key in ("name", "reason"):
            if not isinstance(entry[text_key], str) or not entry[text_key].strip():
                raise ConfigError(path, f"{where} ({code}): {text_key} must be a non-empty text")
        forced = entry.get("forced_by_calibration", False)
        if not isinstance(forced, bool):
            raise ConfigError(
                path, f"{where} ({code}): forced_by_calibration must be true or false"
            )
        if forced and not str(entry.get("why_forced") or "").strip():
            raise ConfigError(path, f"{where} ({code}): forced_by_calibration needs why_forced")
        key = (entry["level"], code)
        if key in out:
            raise ConfigError(path, f"{where}: {entry['level']} {code} is listed twice")
        out[key] = entry["name"]
    return out


def _without(path: Path, raw: Any) -> list[tuple[str, str, str]]:
    if not isinstance(raw, list):
        raise ConfigError(path, "without_programme: expected a list")
    out = []
    for i, entry in enumerate(raw, start=1):
        where = f"without_programme entry {i}"
        if not isinstance(entry, dict):
            raise ConfigError(path, f"{where}: expected a mapping")
        _keys(path, where, entry, _WITHOUT_KEYS, _WITHOUT_KEYS)
        if entry["level"] not in HO_LEVELS:
            raise ConfigError(path, f"{where}: level must be hbo or wo, not {entry['level']!r}")
        out.append((entry["level"], norm(entry["onderdeel"]), norm(entry["subonderdeel"])))
    return out
