"""config/indicators.yaml as validated objects: indicators as data, rules, targets, settings.

Everything an analyst may change (a definition, a target, a per-region override) lives in
the YAML file; this module checks it on load so that a typo fails loudly with the file
and entry named, instead of silently producing a different number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import paths
from analysis.configfile import read_config_yaml
from analysis.errors import ConfigError, ConfigErrors
from analysis.indicators.classification import (
    CLASSIFICATION_FILES,
    Classification,
    load_classification,
)
from analysis.indicators.suppression import SUPPRESSED_MAX, SUPPRESSED_MIN
from analysis.store import schema
from analysis.suggest import did_you_mean

# Datasets the readers put in the store, with the measure each one carries.
DATASET_MEASURES: dict[str, tuple[str, ...]] = {
    "duo_vo_exam": ("exam_candidates",),
    "duo_vo_pupils": ("pupils",),
    "duo_mbo_students": ("students",),
    "duo_ho_enrolled": ("enrolled",),
    "duo_ho_first_years": ("first_years",),
    "duo_ho_graduates": ("graduates",),
}
# Suffix of the gender view "share of women among the numerator".
WOMEN_SHARE_SUFFIX = "__aandeel_vrouwen"
_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_INDICATOR_KEYS = {
    "naam",
    "omschrijving",
    "level",
    "dataset",
    "measure",
    "leerjaar",
    "denominator",
    "numerator",
    "gender_total",
    "cut",
    "parent",
    "variant_of",
    "bron",
    "may_be_absent",
}
_REQUIRED_KEYS = {"naam", "omschrijving", "level", "dataset", "measure", "numerator", "bron"}
# Store columns holding whole numbers: a rule on them compares numbers, not text.
NUMERIC_COLUMNS = {name for name, dtype in schema.STORE_COLUMNS.items() if dtype == "Int64"}
# The dimensions each cut of a release carries (schema.CUTS), and the store columns that
# need a dimension: a rule on programme_code can only be applied to a cut with programmes.
CUT_DIMENSIONS: dict[str, frozenset[str]] = {
    "full": frozenset({"gender", "programme", "pathway"}),
    "gender": frozenset({"gender"}),
    "programme": frozenset({"programme"}),
    "pathway": frozenset({"pathway"}),
    "sector": frozenset(),
}
COLUMN_DIMENSIONS = {
    "gender": "gender",
    "programme_code": "programme",
    "programme": "programme",
    "pathway": "pathway",
}
_RULE_COLUMNS = set(schema.STORE_COLUMNS) - {"count", "suppressed"}


@dataclass(frozen=True)
class Condition:
    """One test on one store column: ``in``, ``not_in`` or ``regex`` (text ignores case)."""

    column: str
    op: str
    values: tuple[Any, ...] = ()
    pattern: re.Pattern[str] | None = None

    def columns(self) -> frozenset[str]:
        """The store columns the rule reads."""
        return frozenset({self.column})


@dataclass(frozen=True)
class Combination:
    """``all``, ``any`` or ``not`` of other rules."""

    op: str
    rules: tuple[Rule, ...]

    def columns(self) -> frozenset[str]:
        """The store columns the rules read."""
        return frozenset().union(*(rule.columns() for rule in self.rules))


# ``{classification: ho_beta}`` parses to a Classification (analysis.indicators.classification).
Rule = Condition | Combination | Classification


def classification_of(rule: Rule) -> Classification | None:
    """The programme classification a rule applies (the monitor's HO bèta definition), if any."""
    if isinstance(rule, Classification):
        return rule
    if isinstance(rule, Combination):
        for part in rule.rules:
            found = classification_of(part)
            if found is not None:
                return found
    return None


@dataclass(frozen=True)
class Indicator:
    """One indicator definition from the config file."""

    id: str
    naam: str
    omschrijving: str
    level: str
    dataset: str
    measure: str
    numerator: Rule
    bron: str
    denominator: Rule | None = None
    leerjaar: int | None = None
    gender_total: str = "auto"
    cut: str = "auto"
    parent: str | None = None
    # The school levels the population adds up; ``level`` is their name ('hbo+wo').
    levels: tuple[str, ...] = ()
    # The main indicator this one is another definition of (``<id>_croho``), not a breakdown.
    variant_of: str | None = None

    # Rule values that may match no row of the dataset (else processing stops on them).
    may_be_absent: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.levels:
            object.__setattr__(self, "levels", (self.level,))

    def population(self) -> Rule:
        """The denominator rows: dataset, measure, level(s), leerjaar and the denominator rule."""
        parts: list[Rule] = [
            Condition("dataset", "in", (self.dataset.casefold(),)),
            Condition("measure", "in", (self.measure.casefold(),)),
            Condition("level", "in", tuple(level.casefold() for level in self.levels)),
        ]
        if self.leerjaar is not None:
            parts.append(Condition("leerjaar", "in", (self.leerjaar,)))
        if self.denominator is not None:
            parts.append(self.denominator)
        return Combination("all", tuple(parts))

    def columns(self) -> frozenset[str]:
        """Store columns the indicator's rules read."""
        return self.population().columns() | self.numerator.columns()

    @property
    def classified(self) -> bool:
        """Is bèta-techniek decided by a programme classification, not by sector alone?"""
        return classification_of(self.numerator) is not None

    def cut_preference(self, *, gender_view: bool) -> list[str]:
        """The cuts this indicator may count, best first (``analysis.indicators.engine``).

        An explicit ``cut`` is the only one for the totaal view, and for the gender views
        too when it carries gender. Else (``auto``): the cuts that carry every dimension
        the rules read, then the others, each in ``schema.CUTS`` order; the gender views
        only ever count a cut that carries gender.
        """
        rules = [self.numerator, *([self.denominator] if self.denominator else [])]
        needed = {
            COLUMN_DIMENSIONS[c] for r in rules for c in r.columns() if c in COLUMN_DIMENSIONS
        }
        cuts = list(schema.CUTS)
        if gender_view:
            cuts = [c for c in cuts if "gender" in CUT_DIMENSIONS[c]]
        if self.cut != "auto" and (self.cut in cuts or not gender_view):
            return [self.cut]
        return sorted(cuts, key=lambda c: not needed <= CUT_DIMENSIONS[c])


@dataclass(frozen=True)
class Target:
    """A target share and the year it should be reached."""

    value: float
    year: int | None


# Region levels where a target on higher education is judged by default: hbo and wo are
# counted where the programme is given, so a COROP area or province "reaches" a target
# because a university stands in it. Targets on other levels are judged everywhere.
HO_JUDGED_LEVELS = ("nederland", "landsdeel")
# Region levels that exist whatever config/regions.yaml defines (custom levels come from it).
STANDARD_LEVELS = ("nederland", "landsdeel", "landsdeel_cbs", "provincie", "corop", "gemeente")
_HO = {"hbo", "wo"}


@dataclass(frozen=True)
class TargetSpec:
    """The default target of an indicator plus per-region overrides (by code or name).

    ``levels``: the region levels where the target is judged (None: every level); a region
    with its own override is always judged. ``bron`` says where the target comes from,
    ``omschrijving`` what it is set on, both printed in reports.
    """

    default: Target | None
    regions: Mapping[str, Target] = field(default_factory=dict)
    levels: tuple[str, ...] | None = None
    bron: str | None = None
    omschrijving: str | None = None

    def judged(self, region_level: str, region_code: str, region: str) -> bool:
        """Is the target judged for this region (its level is listed, or it has an override)?"""
        if region_code in self.regions or region in self.regions:
            return True
        return self.levels is None or region_level in self.levels


@dataclass(frozen=True)
class Settings:
    """Engine settings an analyst may tune."""

    imputed_value: float = 2.5
    trend_min_points: int = 3
    projection_horizon: int = 2050
    # Two files about one population (releases, cuts) further apart than this share are not
    # versions of one count: an error (analysis.store.releases).
    max_revision: float = 0.05
    # A share on fewer than this many pupils/students is printed as "te klein", never ranked.
    min_denominator: int = 20
    # The trend is the least-squares slope over the last this many school years.
    trend_years: int = 5
    # A passed target is judged on its target year or, when the data stop before it, on a
    # school year at most this many years earlier; older data get no verdict.
    judged_within_years: int = 1


@dataclass(frozen=True)
class IndicatorConfig:
    """The whole validated file."""

    path: Path
    indicators: Mapping[str, Indicator]
    targets: Mapping[str, TargetSpec]
    settings: Settings

    def target(self, indicator: str, region_code: str, region: str) -> Target | None:
        """The target for one indicator (or view) and region: a region override, else default."""
        spec = self.targets.get(indicator)
        if spec is None:
            return None
        return spec.regions.get(region_code) or spec.regions.get(region) or spec.default

    def judged(self, indicator: str, region_level: str, region_code: str, region: str) -> bool:
        """Is the indicator's target judged for this region (see ``TargetSpec.levels``)?"""
        spec = self.targets.get(indicator)
        return spec is not None and spec.judged(region_level, region_code, region)

    def check_target_regions(self, region_table: pd.DataFrame) -> None:
        """A per-region target must name a region (code or name) that exists."""
        known = set(region_table["region_code"].dropna()) | set(region_table["region"].dropna())
        levels = set(region_table["region_level"].dropna()) | set(STANDARD_LEVELS)
        for indicator, spec in self.targets.items():
            unknown = sorted(set(spec.levels or ()) - levels)
            if unknown:
                raise ConfigError(
                    self.path,
                    f"targets.{indicator}.levels: unknown region level(s) {unknown} "
                    f"(known: {', '.join(sorted(levels))})",
                )
            for region in spec.regions:
                if region not in known:
                    raise ConfigError(
                        self.path,
                        f"targets.{indicator}.regions: unknown region {region!r} "
                        "(give a region code such as PV23 or a region name such as Twente)",
                    )


def load_indicator_config(path: str | Path | None = None) -> IndicatorConfig:
    """Read and validate config/indicators.yaml (or ``path``); ConfigError on any problem."""
    path = Path(path) if path is not None else paths.INDICATORS_CONFIG
    return parse_indicator_config(read_config_yaml(path), path)


def parse_indicator_config(raw: Any, path: Path) -> IndicatorConfig:
    """Validate the parsed YAML structure ``raw`` that came from ``path``."""
    if not isinstance(raw, dict):
        raise ConfigError(path, "expected a mapping with 'indicators' (and optional 'targets')")
    _unknown_keys(path, "top level", raw, {"settings", "indicators", "targets"})
    entries = raw.get("indicators")
    if not isinstance(entries, dict) or not entries:
        raise ConfigError(path, "'indicators' must be a non-empty mapping of id -> definition")
    # Every indicator and target is checked, so one run lists every mistake in the file.
    errors: list[ConfigError] = []
    classifications: dict[str, Classification] = {}
    indicators = {}
    for key, value in entries.items():
        try:
            indicators[str(key)] = _indicator(path, str(key), value, classifications)
        except ConfigError as exc:
            errors.append(exc)
    for ind in indicators.values():
        if ind.parent is not None and ind.parent not in entries:
            errors.append(
                ConfigError(
                    path,
                    f"indicator {ind.id!r}: parent {ind.parent!r} is not defined"
                    + did_you_mean(ind.parent, entries, quoted=True),
                )
            )
        if ind.variant_of is not None:
            main = indicators.get(ind.variant_of)
            reported = main is None and ind.variant_of in entries  # its own error is listed
            if not reported and (
                main is None or main.variant_of is not None or ind.parent is not None
            ):
                errors.append(
                    ConfigError(
                        path,
                        f"indicator {ind.id!r}: variant_of must name a main indicator that is "
                        "no variant itself (and a variant has no parent), not "
                        f"{ind.variant_of!r}",
                    )
                )
    targets_raw = raw.get("targets") or {}
    if not isinstance(targets_raw, dict):
        raise ConfigError(path, "'targets' must be a mapping of indicator id -> target")
    targets = {}
    for key, value in targets_raw.items():
        try:
            base = str(key).removesuffix(WOMEN_SHARE_SUFFIX)
            if base not in entries:
                raise ConfigError(
                    path,
                    f"targets: unknown indicator id {key!r}"
                    + (
                        did_you_mean(key, entries, quoted=True) or f" (known: {', '.join(entries)})"
                    ),
                )
            level = indicators[base].level if base in indicators else None
            targets[key] = _target_spec(path, f"targets.{key}", value, level)
        except ConfigError as exc:
            errors.append(exc)
    try:
        settings = _settings(path, raw.get("settings") or {})
    except ConfigError as exc:
        errors.append(exc)
    ConfigErrors.collect(path, errors)
    return IndicatorConfig(path, indicators, targets, settings)


def _unknown_keys(path: Path, where: str, raw: dict, allowed: set[str]) -> None:
    unknown = set(raw) - allowed
    if unknown:
        hint = "".join(did_you_mean(k, allowed, quoted=True) for k in sorted(map(str, unknown)))
        raise ConfigError(
            path,
            f"{where}: unknown key(s) {sorted(unknown)} (allowed: {', '.join(sorted(allowed))})"
            + hint,
        )


def _indicator(
    path: Path, key: str, raw: Any, classifications: dict[str, Classification]
) -> Indicator:
    where = f"indicator {key!r}"
    if not _ID.match(key):
        raise ConfigError(path, f"{where}: an id is lower case letters/digits joined by single '_'")
    if not isinstance(raw, dict):
        raise ConfigError(path, f"{where}: expected a mapping")
    _unknown_keys(path, where, raw, _INDICATOR_KEYS)
    missing = _REQUIRED_KEYS - set(raw)
    if missing:
        raise ConfigError(path, f"{where}: missing key(s) {sorted(missing)}")
    for name in ("naam", "omschrijving", "bron"):
        if not isinstance(raw[name], str) or not raw[name].strip():
            raise ConfigError(path, f"{where}: {name!r} must be a non-empty text")
    levels = raw["level"] if isinstance(raw["level"], list) else [raw["level"]]
    if not levels or any(v not in schema.LEVELS for v in levels) or len(set(levels)) < len(levels):
        raise ConfigError(
            path,
            f"{where}: unknown level {raw['level']!r} (one of {schema.LEVELS}, or a list of "
            "distinct ones such as [hbo, wo])",
        )
    if raw["dataset"] not in DATASET_MEASURES:
        raise ConfigError(
            path, f"{where}: unknown dataset {raw['dataset']!r} (one of {list(DATASET_MEASURES)})"
        )
    if raw["measure"] not in DATASET_MEASURES[raw["dataset"]]:
        raise ConfigError(
            path,
            f"{where}: dataset {raw['dataset']!r} has measure(s) "
            f"{DATASET_MEASURES[raw['dataset']]}, not {raw['measure']!r}",
        )
    leerjaar = raw.get("leerjaar")
    if leerjaar is not None and (not isinstance(leerjaar, int) or not 1 <= leerjaar <= 6):
        raise ConfigError(path, f"{where}: leerjaar must be a whole number 1..6, not {leerjaar!r}")
    gender_total = raw.get("gender_total", "auto")
    if gender_total not in ("auto", "sum"):
        raise ConfigError(path, f"{where}: gender_total must be 'auto' or 'sum'")
    cut = raw.get("cut", "auto")
    if cut != "auto" and cut not in schema.CUTS:
        raise ConfigError(path, f"{where}: cut must be 'auto' or one of {schema.CUTS}, not {cut!r}")
    denominator = raw.get("denominator")
    may_be_absent = raw.get("may_be_absent", [])
    if not isinstance(may_be_absent, list):
        raise ConfigError(path, f"{where}: may_be_absent must be a list of rule values")
    return Indicator(
        id=key,
        naam=raw["naam"].strip(),
        omschrijving=raw["omschrijving"].strip(),
        level="+".join(levels),
        levels=tuple(levels),
        dataset=raw["dataset"],
        measure=raw["measure"],
        numerator=parse_rule(path, f"{where} numerator", raw["numerator"], classifications),
        bron=raw["bron"].strip(),
        denominator=(
            parse_rule(path, f"{where} denominator", denominator, classifications)
            if denominator is not None
            else None
        ),
        leerjaar=leerjaar,
        gender_total=gender_total,
        cut=cut,
        parent=raw.get("parent"),
        variant_of=raw.get("variant_of"),
        may_be_absent=tuple(str(v) for v in may_be_absent),
    )


def parse_rule(
    path: Path, where: str, raw: Any, classifications: dict[str, Classification] | None = None
) -> Rule:
    """A rule from its YAML form; see the header of config/indicators.yaml.

    ``classifications`` keeps the classification files already read for this config.
    """
    known = {} if classifications is None else classifications
    if isinstance(raw, list):
        if not raw:
            raise ConfigError(path, f"{where}: an empty list of rules")
        return Combination("all", tuple(parse_rule(path, where, r, known) for r in raw))
    if not isinstance(raw, dict):
        raise ConfigError(path, f"{where}: a rule is a mapping, not {raw!r}")
    for op in ("all", "any"):
        if op in raw:
            _unknown_keys(path, where, raw, {op})
            items = raw[op]
            if not isinstance(items, list) or not items:
                raise ConfigError(path, f"{where}: {op!r} needs a non-empty list of rules")
            return Combination(op, tuple(parse_rule(path, where, r, known) for r in items))
    if "not" in raw:
        _unknown_keys(path, where, raw, {"not"})
        return Combination("not", (parse_rule(path, where, raw["not"], known),))
    if "classification" in raw:
        _unknown_keys(path, where, raw, {"classification"})
        return _classification(path, where, raw["classification"], known)
    return _condition(path, where, raw)


def _classification(
    path: Path, where: str, name: Any, known: dict[str, Classification]
) -> Classification:
    """The named classification file: beside the indicators file, else in the config folder."""
    if name not in CLASSIFICATION_FILES:
        raise ConfigError(
            path,
            f"{where}: unknown classification {name!r} (one of {sorted(CLASSIFICATION_FILES)})",
        )
    if name not in known:
        beside = path.parent / CLASSIFICATION_FILES[name]
        known[name] = load_classification(
            beside if beside.is_file() else paths.CONFIG_DIR / CLASSIFICATION_FILES[name]
        )
    return known[name]


def _condition(path: Path, where: str, raw: dict) -> Condition:
    column = raw.get("column")
    ops = [op for op in ("in", "not_in", "regex") if op in raw]
    _unknown_keys(path, where, raw, {"column", "in", "not_in", "regex"})
    if column not in _RULE_COLUMNS:
        raise ConfigError(
            path,
            f"{where}: unknown column {column!r} (a column of the processed store, e.g. "
            "programme, field, subfield, pathway, qualification_level, leerjaar; the table "
            "in docs/analyst-guide.md maps raw columns such as DOMEIN to them)"
            + did_you_mean(column, _RULE_COLUMNS, quoted=True),
        )
    if len(ops) != 1:
        raise ConfigError(path, f"{where}: give exactly one of 'in', 'not_in', 'regex'")
    op = ops[0]
    value = raw[op]
    if op == "regex":
        if not isinstance(value, str):
            raise ConfigError(path, f"{where}: regex must be a text")
        try:
            pattern = re.compile(value, re.IGNORECASE)
        except re.error as exc:
            raise ConfigError(path, f"{where}: invalid regex {value!r}: {exc}") from exc
        return Condition(column, op, pattern=pattern)
    if not isinstance(value, list) or not value:
        raise ConfigError(path, f"{where}: {op!r} needs a non-empty list of values")
    if column in NUMERIC_COLUMNS:
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ConfigError(path, f"{where}: column {column!r} holds whole numbers: {value!r}")
        return Condition(column, op, tuple(value))
    return Condition(column, op, tuple(str(v).casefold() for v in value))


def _target(path: Path, where: str, raw: Any) -> Target:
    if not isinstance(raw, dict):
        raise ConfigError(path, f"{where}: expected {{value: 0.40, year: 2020}}")
    value, year = raw.get("value"), raw.get("year")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise ConfigError(
            path, f"{where}: value must be a share in (0, 1], e.g. 0.40; not {value!r}"
        )
    if year is not None and (not isinstance(year, int) or not 1990 <= year <= 2100):
        raise ConfigError(path, f"{where}: year must be a calendar year, not {year!r}")
    return Target(float(value), year)


def _target_spec(path: Path, where: str, raw: Any, level: Any = None) -> TargetSpec:
    if not isinstance(raw, dict):
        raise ConfigError(path, f"{where}: expected {{value: 0.40, year: 2020}}")
    _unknown_keys(path, where, raw, {"value", "year", "regions", "levels", "bron", "omschrijving"})
    default = _target(path, where, raw) if "value" in raw else None
    regions_raw = raw.get("regions") or {}
    if not isinstance(regions_raw, dict):
        raise ConfigError(path, f"{where}.regions: expected a mapping region -> target")
    regions = {}
    for region, value in regions_raw.items():
        sub = f"{where}.regions.{region}"
        if isinstance(value, dict):
            _unknown_keys(path, sub, value, {"value", "year"})
            year = value.get("year", default.year if default else None)
            regions[str(region)] = _target(path, sub, {**value, "year": year})
        else:
            regions[str(region)] = _target(
                path, sub, {"value": value, "year": default.year if default else None}
            )
    if default is None and not regions:
        raise ConfigError(path, f"{where}: give a value or per-region targets")
    texts = {}
    for key in ("bron", "omschrijving"):
        if raw.get(key) is not None and not (isinstance(raw[key], str) and raw[key].strip()):
            raise ConfigError(path, f"{where}.{key}: expected a Dutch text, not {raw[key]!r}")
        texts[key] = raw.get(key)
    return TargetSpec(default, regions, _judged_levels(path, where, raw, level), **texts)


def _judged_levels(path: Path, where: str, raw: dict, level: Any) -> tuple[str, ...] | None:
    """``levels`` as given (``all`` or a list of region levels), else the default: HO
    targets nationally and per landsdeel, all other targets at every level."""
    if "levels" not in raw:
        own = set(level.split("+")) if isinstance(level, str) else set(level or ())
        return HO_JUDGED_LEVELS if own & _HO else None
    value = raw["levels"]
    if value == "all":
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            path,
            f"{where}.levels: expected 'all' or a list of region levels such as "
            f"[nederland, landsdeel], not {value!r}",
        )
    return tuple(value)


def _settings(path: Path, raw: Any) -> Settings:
    if not isinstance(raw, dict):
        raise ConfigError(path, "settings: expected a mapping")
    _unknown_keys(
        path,
        "settings",
        raw,
        {
            "imputed_value",
            "trend_min_points",
            "projection_horizon",
            "min_denominator",
            "trend_years",
            "max_revision",
            "judged_within_years",
        },
    )
    settings = Settings(**raw)
    imputed = settings.imputed_value
    if (
        isinstance(imputed, bool)
        or not isinstance(imputed, int | float)
        or not SUPPRESSED_MIN <= imputed <= SUPPRESSED_MAX
    ):
        raise ConfigError(
            path,
            f"settings.imputed_value must lie in {SUPPRESSED_MIN}..{SUPPRESSED_MAX} (a suppressed "
            f"cell holds 1..4), not {settings.imputed_value!r}",
        )
    if (
        isinstance(settings.trend_min_points, bool)
        or not isinstance(settings.trend_min_points, int)
        or settings.trend_min_points < 2
    ):
        raise ConfigError(path, "settings.trend_min_points must be a whole number >= 2")
    if not isinstance(settings.projection_horizon, int):
        raise ConfigError(path, "settings.projection_horizon must be a calendar year")
    revision = settings.max_revision
    if isinstance(revision, bool) or not isinstance(revision, int | float) or not 0 < revision < 1:
        raise ConfigError(
            path, f"settings.max_revision must be a share in (0, 1), not {revision!r}"
        )
    for name, least in (("min_denominator", 1), ("trend_years", 2), ("judged_within_years", 0)):
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(path, f"settings.{name} must be a whole number >= {least}")
    if settings.trend_min_points > settings.trend_years:
        raise ConfigError(path, "settings.trend_min_points must not exceed settings.trend_years")
    return settings
