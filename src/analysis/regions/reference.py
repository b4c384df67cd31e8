"""The reference: current municipalities with province, landsdeel and COROP, and lookups.

Built from the reference files that processing found among the raw files (CBS
woonplaatsen with COROP, the gemeente -> province koppeltabel, DUO vo locations and ho
institutions). Which frame is which is decided by its columns, so the dataset ids that
the readers use do not matter here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.regions import historic
from analysis.regions.config import RegionConfig
from analysis.regions.lookup import NameIndex
from analysis.regions.names import COROPS, PROVINCES, name_key, split_suffix
from analysis.suggest import did_you_mean

# Columns that identify each kind of reference frame (as returned by the readers).
PLACES_COLUMNS = {"place_code", "place", "municipality_code", "municipality", "corop_code"}
PROVINCE_COLUMNS = {"municipality_code", "municipality", "province_code", "province_raw"}
LOCATION_COLUMNS = {"location_code", "municipality_code"}
INSTITUTION_COLUMNS = {"institution_code", "municipality_code", "level"}
LISTED_COLUMNS = {"listed_code", "listed_name", "listed_province_code"}
# The demo geography numbers its fictional municipalities from 9001; CBS codes stay < 2000.
SYNTHETIC_CODES_FROM = 9000


@dataclass(frozen=True)
class Reference:
    """Everything attribution and the region table need to know about municipalities."""

    # index municipality_code; municipality, province_code, province, landsdeel, corop_code, corop
    municipalities: pd.DataFrame
    names: NameIndex  # municipality names: current, CBS/koppeltabel spellings, historic, aliases
    places: NameIndex  # CBS woonplaatsen
    merged: dict[str, str]  # former municipality code -> current code
    split: dict[str, str]  # former municipality code -> province code of all its successors
    split_names: dict[str, tuple[str, str]]  # name key -> (former name, province code)
    locations: dict[str, str]  # vo location code (BRIN + vestiging) -> current municipality
    institutions: dict[str, str]  # ho institution code -> current municipality
    landsdelen: dict[str, str]  # province code -> landsdeel of the default scheme
    issues: tuple[str, ...] = ()  # ambiguities and inconsistencies, for the manifest
    synthetic: bool = False  # built from the demo geography (fictional municipalities)
    historic_names: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (name, code)


def _pick(frames: dict[str, pd.DataFrame], columns: set[str]) -> list[pd.DataFrame]:
    return [f for f in frames.values() if columns <= set(f.columns)]


def _current(code: object, merged: dict[str, str]) -> str | None:
    """A raw municipality code as a current 4-digit code (former codes mapped forward)."""
    text = str(code).strip() if code is not None and code is not pd.NA else ""
    if not text.isdigit():
        return None
    text = text.zfill(4)
    return merged.get(text, text)


def build_reference(frames: dict[str, pd.DataFrame], config: RegionConfig) -> Reference:
    """Combine the reference frames (keyed by dataset id) into one ``Reference``."""
    issues: list[str] = []
    places_frames = _pick(frames, PLACES_COLUMNS)
    if not places_frames:
        raise DataError(
            Path("raw data"),
            "no CBS woonplaats -> gemeente -> COROP file among the raw files",
            expected="a file with header Woonplaatscode,Woonplaats,Gemeentecode,Gemeente,"
            "COROP-gebiedcode,COROP-gebied (CBS 85755NED/85877NED)",
        )
    places = pd.concat(places_frames, ignore_index=True)
    munis = (
        places.drop_duplicates("municipality_code")
        .set_index("municipality_code")[["municipality", "corop_code"]]
        .sort_index()
    )
    split_corop = places.groupby("municipality_code")["corop_code"].nunique()
    for code in split_corop[split_corop > 1].index:
        issues.append(f"municipality {code} lies in several COROP regions; took the first")
    unknown_corop = sorted(set(munis["corop_code"]) - set(COROPS))
    if unknown_corop:
        raise DataError(
            Path("raw data"),
            f"the CBS woonplaats file names unknown COROP codes {unknown_corop}",
            expected=f"CR01..CR{len(COROPS)}",
        )
    munis["corop"] = munis["corop_code"].map(lambda c: COROPS[c][0])
    munis["province_code"] = munis["corop_code"].map(lambda c: COROPS[c][1])
    issues.extend(_check_provinces(munis, _pick(frames, PROVINCE_COLUMNS)))
    munis["province"] = munis["province_code"].map(PROVINCES)
    munis["landsdeel"] = munis["province_code"].map(config.default_scheme.of_province())
    munis = munis[["municipality", "province_code", "province", "landsdeel", "corop_code", "corop"]]
    munis = munis.astype("string")
    munis.index = munis.index.astype("string")

    province_of = munis["province_code"].to_dict()
    base_of = {c: split_suffix(name_key(n))[0] for c, n in munis["municipality"].items()}
    names = NameIndex("municipality", province_of, base_of)
    for code, name in munis["municipality"].items():
        names.add(name, code)
    for frame in _pick(frames, PROVINCE_COLUMNS):
        for code, name in zip(frame["municipality_code"], frame["municipality"], strict=True):
            if code in province_of:
                names.add(name, code)
    synthetic = bool(province_of) and all(int(c) >= SYNTHETIC_CODES_FROM for c in province_of)
    merged, split, split_names, historic_names = _historic(province_of)
    for name, code in historic_names.values():
        names.add(name, code)
    for key, code in historic.ALIASES.items():
        if code in province_of:
            names.add(key, code)
    issues.extend(_add_listed(names, _pick(frames, LISTED_COLUMNS), merged, split, province_of))
    # The historic facts name real successors; the demo geography has none of them.
    unknown = sorted(
        {new for _, new, _ in historic.MERGED.values()} | set(historic.ALIASES.values())
    )
    unknown = [code for code in unknown if code not in province_of]
    if unknown and not synthetic:
        issues.append(
            f"successors of former municipalities / aliases not in the CBS file: {unknown}"
        )
    place_index = NameIndex("place", province_of, base_of)
    for name, code in zip(places["place"], places["municipality_code"], strict=True):
        place_index.add(name, code)
    shared = place_index.shared_names()
    if shared:
        issues.append(
            f"{len(shared)} place names are shared by several municipalities (e.g. "
            f"{', '.join(list(shared)[:5])}); rows naming them are placed by province suffix, "
            "the row's province or the same-name rule, else reported"
        )

    return Reference(
        municipalities=munis,
        names=names,
        places=place_index,
        merged=merged,
        split=split,
        split_names=split_names,
        locations=_code_map(frames, LOCATION_COLUMNS, "location_code", merged, province_of, issues),
        institutions=_code_map(
            frames, INSTITUTION_COLUMNS, "institution_code", merged, province_of, issues
        ),
        landsdelen=config.default_scheme.of_province(),
        issues=tuple(issues),
        synthetic=synthetic,
        historic_names=historic_names,
    )


def _check_provinces(munis: pd.DataFrame, frames: list[pd.DataFrame]) -> list[str]:
    """Cross-check COROP-derived provinces with the koppeltabel; report disagreements."""
    issues = []
    for frame in frames:
        given = dict(zip(frame["municipality_code"], frame["province_code"], strict=True))
        for code, pv in munis["province_code"].items():
            if code in given and given[code] != pv:
                issues.append(
                    f"municipality {code}: koppeltabel says province {given[code]}, its COROP "
                    f"region says {pv}; kept {pv}"
                )
        missing = sorted(set(munis.index) - set(given))
        if missing:
            issues.append(f"koppeltabel lacks {len(missing)} municipalities: {missing[:10]}")
    return issues


def _historic(
    province_of: dict[str, str],
) -> tuple[dict[str, str], dict[str, str], dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """The historic tables restricted to successors that exist in this reference."""
    merged, names = {}, {}
    for old, (name, new, _) in historic.MERGED.items():
        if new in province_of:
            merged[old] = new
            names[name_key(name)] = (name, new)
    split, split_names = {}, {}
    for old, (name, successors, _) in historic.SPLIT.items():
        provinces = {province_of.get(s) for s in successors}
        if len(provinces) == 1 and None not in provinces:
            split[old] = provinces.pop()
            split_names[name_key(name)] = (name, split[old])
    return merged, split, split_names, names


def _add_listed(
    names: NameIndex,
    lists: list[pd.DataFrame],
    merged: dict[str, str],
    split: dict[str, str],
    province_of: dict[str, str],
) -> list[str]:
    """Names from CBS municipality lists of other years, mapped to today's code.

    A code of another indeling is placed through the historic mergers; one that is neither
    current nor a known former municipality is reported, so the historic table can be
    completed.
    """
    issues = []
    for frame in lists:
        unplaced = []
        for code, name in zip(frame["listed_code"], frame["listed_name"], strict=True):
            current = merged.get(code, code)
            if current in province_of:
                names.add(name, current)
            elif code not in split:
                unplaced.append(f"{code} {name}")
        if (
            unplaced
            and province_of
            and not all(int(c) >= SYNTHETIC_CODES_FROM for c in province_of)
        ):
            issues.append(
                f"CBS municipality list: {len(unplaced)} municipalities neither current nor "
                f"known as former: {unplaced[:10]}"
            )
    return issues


def _code_map(
    frames: dict[str, pd.DataFrame],
    columns: set[str],
    key: str,
    merged: dict[str, str],
    province_of: dict[str, str],
    issues: list[str],
) -> dict[str, str]:
    """Location/institution code -> current municipality code, from DUO address files."""
    out: dict[str, str] = {}
    for frame in _pick(frames, columns):
        for item, raw in zip(frame[key], frame["municipality_code"], strict=True):
            code = _current(raw, merged)
            if pd.isna(item) or not str(item).strip():
                continue
            if code not in province_of:
                issues.append(
                    f"{key} {item}: municipality code {raw!r} is not a known municipality"
                )
                continue
            out[str(item).strip()] = code
    return out


def resolve_config_municipality(
    ref: Reference, entry: str
) -> tuple[str | None, str | None, str | None]:
    """A config entry (current name or 4-digit code) -> (code, problem, warning).

    A former municipality merged into one successor is used as that successor, with a
    warning naming it; one divided over several is a problem (which part is meant?), and
    so is an unknown name, with the close matches among today's municipalities.
    """
    munis = ref.municipalities["municipality"]
    text = entry.strip()
    current = ref.municipalities["municipality"]
    if text.isdigit():
        code = text.zfill(4)
        if code in ref.municipalities.index:
            return code, None, None
        if code in ref.merged:
            new = ref.merged[code]
            return (
                new,
                None,
                f"municipality code {text} no longer exists: used {munis[new]} ({new})",
            )
        return None, f"unknown municipality code {text!r} on today's indeling", None
    key = name_key(text)
    if key in ref.split_names:
        name, _pv = ref.split_names[key]
        return (
            None,
            f"{name!r} is a former municipality divided over several municipalities; "
            "list the current ones",
            None,
        )
    current = ref.names.resolve(text)
    if key in ref.historic_names and (current.code is None or name_key(munis[current.code]) != key):
        name, new = ref.historic_names[key]
        return (
            new,
            None,
            f"{name!r} is a former municipality, now part of {munis[new]} ({new}): "
            f"used {munis[new]}",
        )
    if current.code is None or current.resolved_ambiguity:
        hint = did_you_mean(text, munis.tolist(), quoted=True)
        return (
            None,
            (current.problem or f"municipality {text!r} is ambiguous; give its CBS code") + hint,
            None,
        )
    return current.code, None, None
