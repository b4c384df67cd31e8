"""Attribution: which municipality, COROP region and province each count row belongs to.

Tried in order, per row: the vo location code (via DUO's location file), the
municipality code (former codes mapped to the current municipality), the municipality
name, the place name (mbo: the institution's seat), and finally the province alone.
A row that none of these places is kept as ``unplaced`` with the reason, so that no
count is dropped silently. Every lookup runs once per distinct value and is mapped back,
so the cost grows with the number of distinct names, not with the number of rows.
"""

from __future__ import annotations

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


def attribute(counts: pd.DataFrame, ref: Reference, source_file: str) -> pd.DataFrame:
    """``counts`` with ``schema.REGION_COLUMNS`` added; disagreements etc. in ``attrs``."""
    location, mcode, mname, place = (_hint(counts, c) for c in HINTS)
    province_raw = _hint(counts, "province_raw")
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

    municipality = pd.Series(pd.NA, index=counts.index, dtype=_STRING)
    attribution = pd.Series(pd.NA, index=counts.index, dtype=_STRING)
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

    munis = ref.municipalities.reindex(municipality)
    munis.index = counts.index
    province = munis["province_code"].mask(province_only, split_province.fillna(row_province))
    out = counts.copy()
    out["source_file"] = pd.Series(source_file, index=counts.index, dtype=_STRING)
    out["municipality_code"] = municipality
    out["municipality"] = munis["municipality"]
    out["province_code"] = province.astype(_STRING)
    out["province"] = province.map(PROVINCES).astype(_STRING)
    out["landsdeel"] = province.map(ref.landsdelen).astype(_STRING)
    out["corop_code"] = munis["corop_code"]
    out["corop"] = munis["corop"]
    out["attribution"] = attribution

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
    unplaced = attribution == "unplaced"
    out["unplaced_reason"] = _reasons(problems, unplaced)
    # Replaces the reader's attrs: processing has already taken those from the read frame.
    out.attrs = _report(out, counts, problems, row_province, province_raw, name_notes | place_notes)
    return out


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
    out: pd.DataFrame,
    counts: pd.DataFrame,
    problems: pd.DataFrame,
    row_province: pd.Series,
    province_raw: pd.Series,
    notes: set[str],
) -> dict:
    """Warnings and structured findings for the manifest."""
    count = counts["count"].fillna(0) if "count" in counts else pd.Series(0, index=counts.index)
    warnings = sorted(notes)
    unknown = sorted(province_raw[province_raw.notna() & row_province.isna()].unique())
    if unknown:
        warnings.append(f"province spellings not recognised (not used): {unknown}")
    differs = (
        row_province.notna()
        & out["municipality_code"].notna()
        & (row_province != out["province_code"]).fillna(False)
    )
    disagreements = []
    if differs.any():
        frame = pd.DataFrame(
            {
                "province_raw": province_raw[differs],
                "municipality_code": out["municipality_code"][differs],
                "municipality": out["municipality"][differs],
                "province": out["province"][differs],
                "count": count[differs],
            }
        )
        grouped = frame.groupby(["province_raw", "municipality_code", "municipality", "province"])
        summary = grouped["count"].agg(["size", "sum"]).reset_index()
        disagreements = [
            {
                **{k: str(r[k]) for k in frame.columns[:4]},
                "rows": int(r["size"]),
                "count": int(r["sum"]),
            }
            for _, r in summary.iterrows()
        ]
        warnings.append(
            f"{int(differs.sum())} rows give a province that differs from their municipality's; "
            "the municipality's province was used"
        )
    only = out["attribution"] == "province"
    if only.any():
        why = problems[only].bfill(axis=1).iloc[:, 0].fillna("no municipality or place given")
        for reason, rows in why.value_counts().head(10).items():
            warnings.append(f"{rows} rows placed in their province only: {reason}")
    return {"province_disagreements": disagreements, "warnings": warnings}
