"""``config/regions.yaml``: landsdeel schemes and custom levels, validated on load.

Analysts edit this file, so every mistake becomes a ``ConfigError`` that names the file
and the entry (``landsdelen.techniekpact.regions.Noord``), never a traceback. Municipality
entries are resolved later against the reference files (``region_table``), because the
list of current municipalities comes from the CBS file, not from code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.configfile import load_yaml
from analysis.errors import ConfigError, ConfigErrors
from analysis.regions.names import COROPS, PROVINCES, corop_code, province_code, slug
from analysis.suggest import did_you_mean

BUILTIN_LEVELS = ("nederland", "landsdeel", "provincie", "corop")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
# Region names become report titles and file names: no paths, and no look-alike codes.
_CODE_LIKE = re.compile(r"^(?:(?:PV|CR|GM|LD|NL)[\s-]?\d*|\d+)$", re.IGNORECASE)
_BAD_CHARS = re.compile(r"[/\\:*?\"<>|\x00-\x1f]")


@dataclass(frozen=True)
class LandsdeelScheme:
    """One grouping of the 12 provinces; the first scheme in the file is the default."""

    id: str
    level: str  # 'landsdeel' for the default scheme, else 'landsdeel_<id>'
    label: str
    note: str
    regions: dict[str, tuple[str, ...]]  # name -> province codes
    codes: dict[str, str]  # name -> region code ('LD-Oost', 'LD-cbs-Oost-Nederland')

    def of_province(self) -> dict[str, str]:
        """Province code -> landsdeel name."""
        return {pv: name for name, pvs in self.regions.items() for pv in pvs}


@dataclass(frozen=True)
class CustomRegion:
    """A named regional pact: COROP regions and/or municipalities (as written)."""

    name: str
    code: str  # '<level>-<slug>', e.g. 'regiopact-twente'
    corops: tuple[str, ...]  # CR codes
    municipalities: tuple[str, ...]  # names or 4-digit codes, resolved by region_table
    where: str  # 'custom_levels.regiopact.regions.Twente', for error messages


@dataclass(frozen=True)
class CustomLevel:
    id: str
    label: str
    regions: tuple[CustomRegion, ...]


@dataclass(frozen=True)
class RegionConfig:
    path: Path
    schemes: tuple[LandsdeelScheme, ...]
    custom_levels: tuple[CustomLevel, ...]

    @property
    def default_scheme(self) -> LandsdeelScheme:
        return self.schemes[0]


def load_config(path: str | Path | None = None) -> RegionConfig:
    """Read and validate the region definitions; every problem of the file in one error."""
    path = Path(path) if path is not None else paths.REGIONS_CONFIG
    raw = load_yaml(path, "region definition")
    top = _mapping(path, raw, "the file", required={"landsdelen"}, allowed={"custom_levels"})
    errors: list[ConfigError] = []
    schemes = _schemes(path, top["landsdelen"], errors)
    customs = _custom_levels(path, top.get("custom_levels") or {}, schemes, errors)
    ConfigErrors.collect(path, errors)
    return RegionConfig(path=path, schemes=schemes, custom_levels=customs)


def _mapping(
    path: Path, value: Any, where: str, *, required: set[str] = frozenset(), allowed=frozenset()
) -> dict:
    if not isinstance(value, dict) or not value:
        raise ConfigError(path, f"{where}: expected a non-empty mapping, got {_show(value)}")
    missing = sorted(required - set(value))
    if missing:
        raise ConfigError(path, f"{where}: missing key(s) {missing}")
    if required or allowed:
        unknown = sorted(set(map(str, value)) - set(required) - set(allowed))
        if unknown:
            known = sorted(set(required) | set(allowed))
            hint = "".join(did_you_mean(u, known, quoted=True) for u in unknown)
            raise ConfigError(path, f"{where}: unknown key(s) {unknown} (expected {known}){hint}")
    return value


def _show(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"[:80]


def _check_id(path: Path, value: Any, where: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise ConfigError(
            path, f"{where}: id {value!r} must be lower case letters, digits or '_' (e.g. 'cbs')"
        )
    return value


def _check_name(path: Path, value: Any, where: str) -> str:
    """A region name: plain text, not a path, not something that reads as a region code."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, f"{where}: region name {value!r} must be non-empty text")
    if value != value.strip() or len(value) > 60:
        raise ConfigError(path, f"{where}: region name {value!r} has stray spaces or is too long")
    if _BAD_CHARS.search(value) or value.startswith(".") or ".." in value:
        raise ConfigError(path, f"{where}: region name {value!r} looks like a path")
    if _CODE_LIKE.match(value):
        raise ConfigError(path, f"{where}: region name {value!r} looks like a code, not a name")
    return value


def _text_list(path: Path, value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ConfigError(path, f"{where}: expected a non-empty list, got {_show(value)}")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            hint = " (quote codes, e.g. '0014', or YAML reads them as numbers)"
            raise ConfigError(path, f"{where}: entry {item!r} is not text" + hint)
    return [item.strip() for item in value]


def _schemes(path: Path, raw: Any, errors: list[ConfigError]) -> tuple[LandsdeelScheme, ...]:
    schemes = []
    for i, (scheme_id, body) in enumerate(_mapping(path, raw, "landsdelen").items()):
        try:
            schemes.append(_scheme(path, i, scheme_id, body))
        except ConfigError as exc:
            errors.append(exc)
    if not schemes:  # custom levels are checked against the schemes' level names
        ConfigErrors.collect(path, errors)
    return tuple(schemes)


def _scheme(path: Path, i: int, scheme_id: str, body: Any) -> LandsdeelScheme:
    """One landsdeel scheme; the first one (``i == 0``) is the default."""
    where = f"landsdelen.{scheme_id}"
    _check_id(path, scheme_id, where)
    body = _mapping(path, body, where, required={"regions"}, allowed={"label", "note"})
    regions: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for name, provinces in _mapping(path, body["regions"], f"{where}.regions").items():
        sub = f"{where}.regions.{name}"
        _check_name(path, name, sub)
        codes = []
        for spelling in _text_list(path, provinces, sub):
            code = province_code(spelling)
            if code is None:
                official = ", ".join(PROVINCES.values())
                raise ConfigError(
                    path,
                    f"{sub}: unknown province {spelling!r} (expected one of {official})"
                    + did_you_mean(spelling, PROVINCES.values(), quoted=True),
                )
            if code in seen:
                raise ConfigError(
                    path, f"{sub}: province {spelling!r} is already in landsdeel {seen[code]!r}"
                )
            seen[code] = name
            codes.append(code)
        regions[name] = tuple(codes)
    missing = [PROVINCES[c] for c in PROVINCES if c not in seen]
    if missing:
        raise ConfigError(path, f"{where}: province(s) {missing} are in no landsdeel")
    prefix = "LD-" if i == 0 else f"LD-{scheme_id}-"
    return LandsdeelScheme(
        id=scheme_id,
        level="landsdeel" if i == 0 else f"landsdeel_{scheme_id}",
        label=str(body.get("label") or scheme_id),
        note=str(body.get("note") or ""),
        regions=regions,
        codes={name: prefix + slug(name) for name in regions},
    )


def _custom_levels(
    path: Path, raw: Any, schemes: tuple[LandsdeelScheme, ...], errors: list[ConfigError]
) -> tuple[CustomLevel, ...]:
    """The custom levels; a bad region is added to ``errors`` and the others still checked."""
    if raw == {}:
        return ()
    taken = set(BUILTIN_LEVELS) | {s.level for s in schemes}
    levels = []
    for level_id, body in _mapping(path, raw, "custom_levels").items():
        where = f"custom_levels.{level_id}"
        try:
            _check_id(path, level_id, where)
            if level_id in taken or level_id.startswith("landsdeel"):
                raise ConfigError(
                    path, f"{where}: level name {level_id!r} is already a region level"
                )
            taken.add(level_id)
            body = _mapping(path, body, where, required={"regions"}, allowed={"label"})
            region_entries = _mapping(path, body["regions"], f"{where}.regions")
        except ConfigError as exc:
            errors.append(exc)
            continue
        regions, codes = [], set()
        for name, members in region_entries.items():
            try:
                region = _custom_region(path, level_id, f"{where}.regions.{name}", name, members)
                if region.code in codes:
                    raise ConfigError(
                        path,
                        f"{region.where}: two regions of {level_id!r} share the code {region.code}",
                    )
            except ConfigError as exc:
                errors.append(exc)
                continue
            codes.add(region.code)
            regions.append(region)
        levels.append(CustomLevel(level_id, str(body.get("label") or level_id), tuple(regions)))
    return tuple(levels)


def _custom_region(path: Path, level_id: str, sub: str, name: Any, members: Any) -> CustomRegion:
    """One regional pact: its COROP regions checked here, its municipalities later."""
    _check_name(path, name, sub)
    members = _mapping(path, members, sub, allowed={"corop", "municipalities"})
    corops, unknown = [], []
    for entry in _text_list(path, members["corop"], f"{sub}.corop") if "corop" in members else []:
        code = corop_code(entry)
        if code is None:
            names = [n for n, _ in COROPS.values()]
            unknown.append(f"{entry!r}{did_you_mean(entry, names, quoted=True)}")
        else:
            corops.append(code)
    if unknown:
        raise ConfigError(path, f"{sub}.corop: unknown COROP region(s) " + "; ".join(unknown))
    municipalities = (
        _text_list(path, members["municipalities"], f"{sub}.municipalities")
        if "municipalities" in members
        else []
    )
    code = f"{level_id}-{slug(name).lower()}"
    return CustomRegion(name, code, tuple(corops), tuple(municipalities), where=sub)
