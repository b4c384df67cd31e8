"""The region table (every region at every level) and which store rows count for which.

Levels: ``nederland``; one per landsdeel scheme (``landsdeel`` for the default scheme,
``landsdeel_<id>`` for the others); ``provincie``; ``corop``; ``gemeente`` (today's
municipalities, code ``GM0153``); and one per custom level of config/regions.yaml. Reports
validate region names against this table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import municipal
from analysis.errors import ConfigErrors
from analysis.frames import row_groups
from analysis.regions.config import RegionConfig
from analysis.regions.names import COROPS, PROVINCES
from analysis.regions.reference import Reference, resolve_config_municipality

TABLE_COLUMNS = [
    "region_level",
    "region",
    "region_code",
    "landsdeel",  # default-scheme landsdeel of the region, where it lies in one
    "province_code",  # where the region lies in one province
    "member_provinces",  # province codes the region covers (states a landsdeel's composition)
    "member_municipalities",  # current municipality codes
    "corop_code",  # the COROP region a gemeente (or COROP region) lies in
]


def region_table(ref: Reference, config: RegionConfig) -> pd.DataFrame:
    """Every region at every level; ``attrs['warnings']`` lists what was left out (demo only)."""
    munis = ref.municipalities
    by_province = munis.groupby("province_code").groups
    by_corop = munis.groupby("corop_code").groups
    landsdeel_of = config.default_scheme.of_province()
    rows: list[dict] = [_row("nederland", "Nederland", "NL", list(PROVINCES), munis.index)]
    for scheme in config.schemes:
        for name, provinces in scheme.regions.items():
            members = [c for pv in provinces for c in by_province.get(pv, [])]
            own = name if scheme is config.default_scheme else None
            rows.append(_row(scheme.level, name, scheme.codes[name], provinces, members, own))
    for pv, name in PROVINCES.items():
        members = by_province.get(pv, [])
        rows.append(_row("provincie", name, pv, [pv], members, landsdeel_of[pv], pv))
    for cr, (name, pv) in COROPS.items():
        rows.append(
            _row("corop", name, cr, [pv], by_corop.get(cr, []), landsdeel_of[pv], pv)
            | {"corop_code": cr}
        )
    for code, muni in munis.iterrows():
        pv = str(muni["province_code"])
        rows.append(
            _row(
                municipal.LEVEL,
                str(muni["municipality"]),
                municipal.region_code(code),
                [pv],
                [code],
                landsdeel_of[pv],
                pv,
            )
            | {"corop_code": str(muni["corop_code"])}
        )
    warnings: list[str] = []
    problems: list[str] = []
    for level in config.custom_levels:
        for region in level.regions:
            members = _custom_members(ref, region, warnings, problems)
            if not members:
                warnings.append(f"{region.where}: no member municipality in this data; left out")
                continue
            provinces = sorted(set(munis.loc[members, "province_code"]))
            landsdelen = {landsdeel_of[pv] for pv in provinces}
            rows.append(
                _row(
                    level.id,
                    region.name,
                    region.code,
                    provinces,
                    members,
                    landsdelen.pop() if len(landsdelen) == 1 else None,
                    provinces[0] if len(provinces) == 1 else None,
                )
            )
    if problems:  # every unknown municipality of every region at once
        raise ConfigErrors(config.path, problems)
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    for column in [*TABLE_COLUMNS[:5], "corop_code"]:
        table[column] = table[column].astype("string")
    table.attrs["warnings"] = warnings
    return table


def _row(level, name, code, provinces, members, landsdeel=None, province=None) -> dict:
    return {
        "region_level": level,
        "region": name,
        "region_code": code,
        "landsdeel": landsdeel,
        "province_code": province,
        "member_provinces": sorted(provinces),
        "member_municipalities": sorted(str(m) for m in members),
        "corop_code": None,
    }


def _custom_members(ref: Reference, region, warnings: list[str], problems: list[str]) -> list[str]:
    """Municipality codes of a custom region; an unknown entry is a problem (real data)."""
    munis = ref.municipalities
    members = set(munis.index[munis["corop_code"].isin(region.corops)])
    absent = []
    for entry in region.municipalities:
        code, problem, warning = resolve_config_municipality(ref, entry)
        if warning is not None:
            warnings.append(f"{region.where}.municipalities: {warning}")
        if code is not None:
            members.add(code)
        elif ref.synthetic:
            absent.append(entry)
        else:
            problems.append(f"{region.where}.municipalities: {problem}")
    if absent:
        # The demo geography has only fictional municipalities; real names cannot match.
        warnings.append(
            f"{region.where}.municipalities: {len(absent)} of {len(region.municipalities)} "
            "are not in the demo geography"
        )
    return sorted(members)


def region_rows(
    store: pd.DataFrame, table: pd.DataFrame, *, without_gemeente: frozenset[str] | None = None
) -> pd.DataFrame:
    """Long frame (row, region_level, region_code): which store rows count for which region.

    ``row`` is the position in ``store`` (its index for the RangeIndex store). Every row
    counts for Nederland; a row placed at province level only counts for its province and
    landsdelen, not for COROP, gemeente or custom regions; unplaced rows count only
    nationally. Rows of the school levels in ``without_gemeente`` (default: those of
    config/gemeenten.yaml ``without_figures``, i.e. mbo, placed by the institution's seat)
    count for no gemeente. The expansion of ``region_groups`` to rows.
    """
    group, member = region_groups(store, table, without_gemeente=without_gemeente)
    # Expand (group -> regions) to (row -> regions) with index arithmetic.
    order = np.argsort(group, kind="stable")
    size = np.bincount(group, minlength=int(group.max()) + 1 if len(group) else 0)
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    combo = member["group"].to_numpy()
    repeat = size[combo]
    out_start = np.concatenate([[0], np.cumsum(repeat)[:-1]])
    within = np.arange(repeat.sum()) - np.repeat(out_start, repeat)
    rows = order[np.repeat(start[combo], repeat) + within]
    return pd.DataFrame(
        {
            "row": rows.astype("int64"),
            "region_level": _repeat(member["region_level"], repeat),
            "region_code": _repeat(member["region_code"], repeat),
        }
    )


def region_groups(
    store: pd.DataFrame, table: pd.DataFrame, *, without_gemeente: frozenset[str] | None = None
) -> tuple[np.ndarray, pd.DataFrame]:
    """(group of each store row, members: group, region_level, region_code).

    Rows of one group (one distinct province, municipality, COROP, gemeente) count for the
    same regions (see ``region_rows``): membership is worked out once per group, so the
    indicators can sum per group instead of per row and region.
    """
    if without_gemeente is None:
        without_gemeente = frozenset(municipal.load_settings().without_figures)
    keys = pd.DataFrame(
        {c: store[c].astype("string") for c in ("province_code", "municipality_code", "corop_code")}
    )
    level = (
        store["level"].astype("string") if "level" in store else pd.Series(pd.NA, index=store.index)
    )
    keys["gemeente"] = keys["municipality_code"].mask(
        level.isin(list(without_gemeente)).fillna(False).to_numpy()
    )
    group = row_groups(keys)
    first = np.unique(group, return_index=True)[1]
    member = _membership(keys.iloc[first].reset_index(drop=True), table)
    return group, member.rename(columns={"combo": "group"})


def _repeat(values: pd.Series, repeat: np.ndarray) -> pd.Series:
    """``np.repeat`` for a short string column, built in Arrow (millions of output rows)."""
    codes, categories = pd.factorize(values)
    indices = pa.array(np.repeat(codes.astype(np.int32), repeat))
    taken = pa.array(categories.to_numpy(dtype=object)).take(indices)
    return pd.Series(pd.arrays.ArrowStringArray(taken))


def _membership(keys: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """(combo, region_level, region_code) for distinct (province, municipality, COROP)."""
    combo = pd.Series(np.arange(len(keys)))
    parts = [pd.DataFrame({"combo": combo, "region_level": "nederland", "region_code": "NL"})]

    def by_key(values: pd.Series, mapping: pd.DataFrame) -> pd.DataFrame:
        frame = pd.DataFrame({"combo": combo, "key": values}).dropna()
        return frame.merge(mapping, on="key")[["combo", "region_level", "region_code"]]

    members = table[["region_level", "region_code", "member_provinces", "member_municipalities"]]
    landsdeel_levels = [
        lvl for lvl in table["region_level"].unique() if str(lvl).startswith("landsdeel")
    ]
    pv = members[members["region_level"].isin([*landsdeel_levels, "provincie"])]
    pv = pv.explode("member_provinces").rename(columns={"member_provinces": "key"})
    parts.append(by_key(keys["province_code"], pv[["key", "region_level", "region_code"]]))
    corop = keys["corop_code"].where(keys["municipality_code"].notna())
    cr = members[members["region_level"] == "corop"].assign(key=lambda t: t["region_code"])
    parts.append(by_key(corop, cr[["key", "region_level", "region_code"]]))
    gm = members[members["region_level"] == municipal.LEVEL].explode("member_municipalities")
    gm = gm.rename(columns={"member_municipalities": "key"})
    parts.append(by_key(keys["gemeente"], gm[["key", "region_level", "region_code"]].dropna()))
    builtin = {"nederland", "provincie", "corop", municipal.LEVEL, *landsdeel_levels}
    custom = members[~members["region_level"].isin(builtin)]
    custom = custom.explode("member_municipalities").rename(
        columns={"member_municipalities": "key"}
    )
    parts.append(
        by_key(keys["municipality_code"], custom[["key", "region_level", "region_code"]].dropna())
    )
    return pd.concat(parts, ignore_index=True).astype(
        {"region_level": "string", "region_code": "string"}
    )
