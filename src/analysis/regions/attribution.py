"""Attribution: which municipality, COROP region and province each count row belongs to.

Tried in order, per row: the vo location code (via DUO's location file), the
municipality code (former codes mapped to the current municipality), the municipality
name, the place name (mbo: the institution's seat), and finally the province alone.
A row that none of these places is kept as ``unplaced`` with the reason, so that no
count is dropped silently. Every lookup runs once per distinct value and is mapped back,
so the cost grows with the number of distinct names, not with the number of rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.regions.lookup import NameIndex
from analysis.regions.names import PROVINCES, name_key, province_codes
from analysis.regions.reference import Reference

HINTS = ("location_code", "municipality_code_raw", "municipality_name_raw", "place_raw")
_STRING = "string"


def _hint(counts: pd.DataFrame, column: str) -> pd.Series:
    if column not in counts:
        return pd.Series(pd.NA, index=counts.index, dtype=_STRING)
    values = counts[column].astype(_STRING).str.strip()
    return values.mask(values == "")


def _resolve(
    index: NameIndex, names: pd.Series, provinces: pd.Series, split_names: dict
) -> tuple[pd.Series, pd.Series, pd.Series, set[str]]:
    """Codes, split-province codes and problems for a column of names (once per value)."""
    keys = pd.DataFrame({"name": names, "prov": provinces.fillna("")})
    uniques = keys.dropna(subset=["name"]).drop_duplicates()
    found, notes = [], set()
    for name, prov in uniques.itertuples(index=False):
        split = split_names.get(name_key(name))
        if split is not None:
            problem = f"{index.what} {name!r} was divided over several municipalities"
            found.append((name, prov, None, split[1], problem))
            continue
        match = index.resolve(name, prov or None)
        if match.resolved_ambiguity:
            notes.add(match.resolved_ambiguity)
        found.append((name, prov, match.code, None, match.problem))
    table = pd.DataFrame(found, columns=["name", "prov", "code", "split", "problem"], dtype=object)
    merged = keys.merge(table, on=["name", "prov"], how="left")
    merged.index = names.index
    return (
        merged["code"].astype(_STRING),
        merged["split"].astype(_STRING),
        merged["problem"].astype(_STRING),
        notes,
    )


REGION_OUTPUT = (
    "municipality_code",
    "municipality",
    "province_code",
    "province",
    "landsdeel",
    "corop_code",
    "corop",
    "attribution",
    "unplaced_reason",
)


def attribute(counts: pd.DataFrame, ref: Reference, source_file: str) -> pd.DataFrame:
    """``counts`` with ``schema.REGION_COLUMNS`` added; disagreements etc. in ``attrs``.

    The work is done once per distinct combination of region hints (a few thousand at
    most) and spread back to the rows with one ``take`` per column.
    """
    hints = pd.DataFrame({c: _hint(counts, c) for c in (*HINTS, "province_raw")})
    group = hints.groupby(list(hints.columns), dropna=False, sort=False).ngroup().to_numpy()
    first = np.unique(group, return_index=True)[1]
    unique = hints.iloc[first].reset_index(drop=True)
    placed, problems = _place(unique, ref)
    out = counts.copy()
    out["source_file"] = pd.Series(source_file, index=counts.index, dtype=_STRING)
    for column in REGION_OUTPUT:
        out[column] = placed[column].take(group).set_axis(counts.index)
    count = counts["count"].fillna(0).to_numpy() if "count" in counts else np.zeros(len(counts))
    weights = pd.DataFrame(
        {
            "rows": np.bincount(group, minlength=len(unique)),
            "count": np.bincount(group, weights=count, minlength=len(unique)),
        }
    )
    # Replaces the reader's attrs: processing has already taken those from the read frame.
    out.attrs = _report(unique, placed, problems, weights)
    return out


def _place(hints: pd.DataFrame, ref: Reference) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Region columns and per-step problems for distinct hint combinations."""
    location, mcode, mname, place, province_raw = (hints[c] for c in hints.columns)
    row_province = province_codes(province_raw)
    known = ref.municipalities.index

    by_location = location.map(ref.locations).astype(_STRING)
    padded = mcode.where(mcode.str.fullmatch(r"\d{1,4}").fillna(False)).str.zfill(4)
    by_code = padded.where(padded.isin(known)).fillna(padded.map(ref.merged).astype(_STRING))
    split_by_code = padded.map(ref.split).astype(_STRING)
    by_name, split_by_name, name_problem, name_notes = _resolve(
        ref.names, mname, row_province, ref.split_names
    )
    by_place, split_by_place, place_problem, place_notes = _resolve(
        ref.places, place, row_province, {}
    )

    municipality = pd.Series(pd.NA, index=hints.index, dtype=_STRING)
    attribution = pd.Series(pd.NA, index=hints.index, dtype=_STRING)
    for label, found in (
        ("location_code", by_location),
        ("municipality_code", by_code),
        ("municipality_name", by_name),
        ("place", by_place),
    ):
        new = municipality.isna() & found.notna()
        municipality = municipality.mask(new, found)
        attribution = attribution.mask(new, label)
    split_province = split_by_code.fillna(split_by_name).fillna(split_by_place)
    province_only = municipality.isna() & split_province.fillna(row_province).notna()
    attribution = attribution.mask(province_only, "province").fillna("unplaced")

    munis = ref.municipalities.reindex(municipality).reset_index(drop=True)
    province = munis["province_code"].mask(province_only, split_province.fillna(row_province))
    placed = pd.DataFrame(
        {
            "municipality_code": municipality,
            "municipality": munis["municipality"],
            "province_code": province.astype(_STRING),
            "province": province.map(PROVINCES).astype(_STRING),
            "landsdeel": province.map(ref.landsdelen).astype(_STRING),
            "corop_code": munis["corop_code"],
            "corop": munis["corop"],
            "attribution": attribution,
            "row_province": row_province,
        }
    )
    problems = pd.DataFrame(
        {
            "location": ("location code " + location + " is not in the vo locations file").where(
                location.notna() & by_location.isna()
            ),
            "code": ("municipality code " + mcode + " is unknown").where(
                mcode.notna() & by_code.isna() & split_by_code.isna()
            ),
            "name": name_problem.where(mname.notna()),
            "place": place_problem.where(place.notna()),
            "province": ("province " + province_raw + " is not recognised").where(
                province_raw.notna() & row_province.isna()
            ),
        }
    )
    placed["unplaced_reason"] = _reasons(problems, attribution == "unplaced")
    placed.attrs["notes"] = name_notes | place_notes
    placed.attrs["province_raw"] = province_raw
    return placed, problems


def _reasons(problems: pd.DataFrame, rows: pd.Series) -> pd.Series:
    """'; '-joined problems of the selected rows (once per distinct combination)."""
    reasons = pd.Series(pd.NA, index=problems.index, dtype=_STRING)
    if not rows.any():
        return reasons
    subset = problems[rows].astype(object)
    keys = subset.fillna("").agg("\x1f".join, axis=1)
    texts = {
        key: "; ".join(part for part in key.split("\x1f") if part)
        or "no location code, municipality, place or province given"
        for key in keys.unique()
    }
    return reasons.mask(rows, keys.map(texts))


def _report(
    hints: pd.DataFrame, placed: pd.DataFrame, problems: pd.DataFrame, weights: pd.DataFrame
) -> dict:
    """Warnings and structured findings for the manifest (rows and counts per finding)."""
    warnings = sorted(placed.attrs["notes"])
    province_raw = hints["province_raw"]
    unknown = sorted(province_raw[problems["province"].notna()].unique())
    if unknown:
        warnings.append(f"province spellings not recognised (not used): {unknown}")
    differs = (
        placed["row_province"].notna()
        & placed["municipality_code"].notna()
        & (placed["row_province"] != placed["province_code"]).fillna(False)
    )
    disagreements = []
    if differs.any():
        keys = ["province_raw", "municipality_code", "municipality", "province"]
        frame = pd.concat([hints[["province_raw"]], placed[keys[1:]], weights], axis=1)[differs]
        summary = frame.groupby(keys, as_index=False)[["rows", "count"]].sum()
        disagreements = [
            {**{k: str(r[k]) for k in keys}, "rows": int(r["rows"]), "count": int(r["count"])}
            for _, r in summary.iterrows()
        ]
        warnings.append(
            f"{int(summary['rows'].sum())} rows give a province that differs from their "
            "municipality's; the municipality's province was used"
        )
    only = placed["attribution"] == "province"
    if only.any():
        why = problems[only].bfill(axis=1).iloc[:, 0].fillna("no municipality or place given")
        rows = weights.loc[only, "rows"].groupby(why).sum().sort_values(ascending=False)
        for reason, n in rows.head(10).items():
            warnings.append(f"{n} rows placed in their province only: {reason}")
    return {"province_disagreements": disagreements, "warnings": warnings}
