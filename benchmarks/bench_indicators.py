"""Time the indicator engine (+ derived measures) on a full store; prints figures, asserts nothing.

Uses data/processed/store.parquet and regions.parquet when present; otherwise builds a
synthetic store of about the real size (~1 million cells, 80 fictional municipalities
over the 40 real COROP regions) with region membership derived from its columns.

    .venv/bin/python benchmarks/bench_indicators.py [--processed-dir DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis import paths
from analysis.demo.geography import COROPS, PROVINCES, municipalities
from analysis.indicators import derived, engine
from analysis.store import schema


def synthetic_store(seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A store shaped like the real one: vo exams, vo pupils, mbo, hbo/wo, with <5 cells."""
    rng = np.random.default_rng(seed)
    landsdeel = _landsdeel_of_province()
    places = pd.DataFrame(
        [
            (m.code, m.province_code, PROVINCES[m.province_code], m.corop_code)
            for m in municipalities()
        ],
        columns=["municipality_code", "province_code", "province", "corop_code"],
    )
    places["landsdeel"] = places["province"].map(landsdeel)
    places["corop"] = places["corop_code"].map(lambda c: COROPS[c][0])
    exam_programmes = [
        (lvl, f"{lvl.upper()} - {p}")
        for lvl, p in itertools.product(
            ["havo", "vwo"], ["N&T", "N&G", "N&T / N&G", "E&M", "C&M", "E&M / C&M"]
        )
    ] + [
        ("vmbo", f"VMBO {t} - {s}")
        for t, s in itertools.product("BKGT", ["techniek", "economie", "zorg en welzijn", "groen"])
    ]
    parts = [
        _cross(
            places,
            rng,
            dataset="duo_vo_exam",
            measure="exam_candidates",
            years=range(2019, 2024),
            genders=["man", "vrouw", "totaal"],
            schools=10,
            combos=[
                {"level": lvl, "programme": p, "field": p.split(" - ")[1]}
                for lvl, p in exam_programmes
            ],
        ),
        _cross(
            places,
            rng,
            dataset="duo_vo_pupils",
            measure="pupils",
            years=[2019],
            genders=["man", "vrouw"],
            schools=6,
            combos=[
                {"level": lvl, "leerjaar": lj, "field": f, "subfield": s}
                for lvl, lj, f, s in itertools.product(
                    ["havo", "vwo", "vmbo"],
                    range(1, 7),
                    ["Techniek", "N.v.t."],
                    ["Natuur en Techniek", "Economie en Maatschappij", "N.v.t."],
                )
            ],
        ),
        _cross(
            places,
            rng,
            dataset="duo_mbo_students",
            measure="students",
            years=range(2015, 2020),
            genders=["man", "vrouw", "totaal"],
            schools=2,
            combos=[
                {"level": "mbo", "field": f, "qualification_level": q, "pathway": p}
                for f, q, p in itertools.product(
                    ["techniek", "economie", "zorg en welzijn", "groen"],
                    "1234",
                    ["BOLVT", "BBL", "BOLDT"],
                )
            ],
        ),
    ]
    for dataset, measure in [
        ("duo_ho_first_years", "first_years"),
        ("duo_ho_enrolled", "enrolled"),
        ("duo_ho_graduates", "graduates"),
    ]:
        parts.append(
            _cross(
                places,
                rng,
                dataset=dataset,
                measure=measure,
                years=range(2010, 2020),
                genders=["man", "vrouw", "onbekend"],
                schools=2,
                combos=[
                    {"level": lvl, "field": f}
                    for lvl, f in itertools.product(
                        ["hbo", "wo"], ["techniek", "natuur", "economie", "gedrag en maatschappij"]
                    )
                ],
            )
        )
    store = pd.concat(parts, ignore_index=True)
    store["schooljaar"] = [f"{y}/{(y + 1) % 100:02d}" for y in store["year"]]
    store["attribution"] = "municipality_code"
    return schema.conform(store, schema.STORE_COLUMNS), _region_table(places)


def _cross(places, rng, *, dataset, measure, years, genders, schools, combos) -> pd.DataFrame:
    """Every place x school x combo x year x gender, with skewed counts and <5 suppression."""
    keys = pd.DataFrame(combos).merge(pd.DataFrame({"year": list(years)}), how="cross")
    keys = keys.merge(pd.DataFrame({"gender": genders}), how="cross")
    keys = keys.merge(pd.DataFrame({"school": range(schools)}), how="cross")
    frame = places.merge(keys, how="cross")
    count = rng.geometric(0.08, len(frame)) - 1  # mean ~11.5, many small counts
    suppressed = (count > 0) & (count < 5)
    frame["count"] = pd.array(np.where(suppressed, 0, count), dtype="Int64")
    frame.loc[suppressed, "count"] = pd.NA
    frame["suppressed"] = suppressed
    frame["dataset"], frame["measure"] = dataset, measure
    frame["source_file"] = f"{dataset}.csv"
    return frame.drop(columns="school")


def _landsdeel_of_province() -> dict[str, str]:
    config = yaml.safe_load(paths.REGIONS_CONFIG.read_text(encoding="utf-8"))
    scheme = next(iter(config["landsdelen"].values()))
    return {p: name for name, provinces in scheme["regions"].items() for p in provinces}


def _region_table(places: pd.DataFrame) -> pd.DataFrame:
    rows = [("nederland", "Nederland", "NL", None, None, ())]
    rows += [("landsdeel", n, n, n, None, ()) for n in sorted(places["landsdeel"].unique())]
    for code, name in PROVINCES.items():
        ld = places.loc[places["province_code"] == code, "landsdeel"].iloc[0]
        rows.append(("provincie", name, code, ld, code, ()))
    for code, (name, province) in COROPS.items():
        ld = places.loc[places["province_code"] == province, "landsdeel"].iloc[0]
        rows.append(("corop", name, code, ld, province, ()))
    codes = list(places["municipality_code"])
    for i in range(5):  # five overlapping custom regions of 20 municipalities
        rows.append(("regiopact", f"Pact {i}", f"PACT{i}", None, None, tuple(codes[i * 12 :][:20])))
    return pd.DataFrame(
        rows,
        columns=[
            "region_level",
            "region",
            "region_code",
            "landsdeel",
            "province_code",
            "member_municipalities",
        ],
    )


def membership_from_columns(store: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Stand-in for analysis.regions.region_rows when that module is absent."""
    row = np.arange(len(store))
    parts = [pd.DataFrame({"row": row, "region_level": "nederland", "region_code": "NL"})]
    for level, column in (
        ("landsdeel", "landsdeel"),
        ("provincie", "province_code"),
        ("corop", "corop_code"),
    ):
        placed = store[column].notna().to_numpy()
        parts.append(
            pd.DataFrame(
                {"row": row[placed], "region_level": level, "region_code": store[column][placed]}
            )
        )
    for _, region in table[table["region_level"] == "regiopact"].iterrows():
        inside = store["municipality_code"].isin(region["member_municipalities"]).to_numpy()
        parts.append(
            pd.DataFrame(
                {"row": row[inside], "region_level": "regiopact", "region_code": region.region_code}
            )
        )
    return pd.concat(parts, ignore_index=True)


def load(processed_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    store_file = processed_dir / paths.STORE_FILE
    regions_file = processed_dir / paths.REGIONS_FILE
    if store_file.is_file() and regions_file.is_file():
        return pd.read_parquet(store_file), pd.read_parquet(regions_file), str(store_file)
    store, table = synthetic_store()
    return store, table, "synthetic store (no processed store found)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processed-dir", type=Path, default=paths.PROCESSED_DIR)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    store, table, origin = load(args.processed_dir)
    config = engine.load_indicator_config()
    print(f"store: {origin}: {len(store):,} cells, {int(store['suppressed'].sum()):,} suppressed")
    print(f"regions: {len(table)} in levels {sorted(table['region_level'].unique())}")
    try:
        from analysis.regions import region_rows

        get_membership, how = (lambda: region_rows(store, table)), "analysis.regions.region_rows"
    except ImportError:
        get_membership, how = (lambda: membership_from_columns(store, table)), "store columns"
    started = time.perf_counter()
    membership = get_membership()
    print(f"membership ({how}): {len(membership):,} pairs in {time.perf_counter() - started:.2f} s")
    for run in range(1, args.repeat + 1):
        started = time.perf_counter()
        result = engine.compute_indicators(store, table, config, membership=membership)
        mid = time.perf_counter()
        extra = derived.derive(result, table, config)
        done = time.perf_counter()
        print(
            f"run {run}: compute_indicators {mid - started:.2f} s ({len(result):,} rows), "
            f"derive {done - mid:.2f} s ({len(extra):,} rows), total {done - started:.2f} s"
        )


if __name__ == "__main__":
    main()
