"""A small fake ``data/processed`` folder for report tests (F1 and F2 import it).

The derived table is computed by the real ``analysis.indicators.derived.derive``.

It holds every file a report reads (indicators, derived, regions, manifest, an empty
store) with the contract's columns, for the real provinces and COROP regions and every
indicator id in config/indicators.yaml. Values are synthetic and deterministic. Known
special cases, so that tests can look for them:

- ``SUPPRESSED_CASE``: a region/indicator/year whose share rests partly on suppressed
  cells (bounds differ from the point estimate);
- ``SMALL_CASE``: a latest-year row whose denominator is an estimate below 5 made only of
  suppressed cells (a report must print ``<5``, never the number);
- COROP regions whose code number is divisible by 3 have no hbo or wo data;
- the leerjaar indicators (``vo_havo4_n``…) have one year only, as the real file;
- ``APPROXIMATED_CASE``: the men's and women's rows of one HO indicator in one year rest on
  the classification's subonderdeel rule (``ho_definition``); every other row of an indicator
  with a programme classification says ``programmes``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis import data, paths
from analysis.demo import geography
from analysis.indicators import derived
from analysis.indicators.rules import WOMEN_SHARE_SUFFIX, load_indicator_config
from analysis.store import schema

YEARS_BY_DATASET = {
    "duo_vo_exam": range(2019, 2024),
    "duo_vo_pupils": range(2019, 2020),
    "duo_mbo_students": range(2015, 2020),
    "duo_ho_first_years": range(2015, 2020),
    "duo_ho_enrolled": range(2010, 2020),
    "duo_ho_graduates": range(2014, 2019),
}
BASE_SHARE = {"havo": 0.45, "vwo": 0.55, "vmbo": 0.27, "mbo": 0.26, "hbo": 0.24, "wo": 0.33}
SIZE = {"nederland": 60000, "landsdeel": 12000, "provincie": 5000, "corop": 1500, "regiopact": 900}
SUPPRESSED_CASE = ("provincie", "Utrecht", "vo_vwo_nt", 2023, "vrouw")
SMALL_CASE = ("corop", "Utrecht", "wo_beta_gediplomeerd", 2018, "totaal")
APPROXIMATED_CASE = ("hbo_techniek_instroom", 2019, ("man", "vrouw"))


def _unit(*key: object) -> float:
    """A deterministic number in [0, 1) from a key (stable across runs and platforms)."""
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def region_table() -> pd.DataFrame:
    """Every region at the levels nederland, landsdeel, provincie, corop and regiopact."""
    config = yaml.safe_load(paths.REGIONS_CONFIG.read_text(encoding="utf-8"))
    scheme = config["landsdelen"]["techniekpact"]["regions"]
    province_landsdeel = {p: ld for ld, provs in scheme.items() for p in provs}
    name_code = {name: code for code, name in geography.PROVINCES.items()}
    members: dict[str, list[str]] = {}
    for m in geography.municipalities():
        members.setdefault(m.corop_code, []).append(m.code)
        members.setdefault(m.province_code, []).append(m.code)
    every = [m.code for m in geography.municipalities()]
    rows = [("nederland", "Nederland", "NL", None, None, list(geography.PROVINCES), every)]
    for ld, provs in scheme.items():
        pv = [name_code[p] for p in provs]
        codes = [c for p in pv for c in members[p]]
        rows.append(("landsdeel", ld, f"LD-{ld}", ld, None, pv, codes))
    for code, name in geography.PROVINCES.items():
        ld = province_landsdeel[name]
        rows.append(("provincie", name, code, ld, code, [code], members[code]))
    for code, (name, prov) in geography.COROPS.items():
        ld = province_landsdeel[geography.PROVINCES[prov]]
        rows.append(("corop", name, code, ld, prov, [prov], members[code]))
    for name, corop, prov in (("Twente", "CR12", "PV23"), ("Achterhoek", "CR14", "PV25")):
        code = f"regiopact-{name.lower()}"
        rows.append(("regiopact", name, code, "Oost", prov, [prov], members[corop]))
    frame = pd.DataFrame(
        rows,
        columns=[
            "region_level",
            "region",
            "region_code",
            "landsdeel",
            "province_code",
            "member_provinces",
            "member_municipalities",
        ],
    )
    lists = ("member_provinces", "member_municipalities")
    return frame.astype({c: "string" for c in frame.columns if c not in lists})


def _has_data(level: str, code: str, region_level: str) -> bool:
    return not (
        region_level == "corop" and level in ("hbo", "wo") and int(code.removeprefix("CR")) % 3 == 0
    )


def indicator_table(regions: pd.DataFrame) -> pd.DataFrame:
    """Shares per indicator × region × year × gender, plus the women-share views."""
    config = load_indicator_config()
    rows = []
    for ind in config.indicators.values():
        base = BASE_SHARE[ind.levels[0]] * (0.6 if ind.parent else 1.0)
        if ind.id.endswith("_nt") or ind.variant_of:
            base *= 0.6
        for region in regions.itertuples():
            if not _has_data(ind.levels[0], region.region_code, region.region_level):
                continue
            offset = (_unit(ind.id, region.region_code) - 0.5) * 0.12
            slope = (_unit("slope", ind.id, region.region_code) - 0.4) * 0.02
            size = SIZE[region.region_level] * (0.5 + _unit("size", region.region_code))
            for year in YEARS_BY_DATASET[ind.dataset]:
                t = year - 2019
                for gender, shift, weight in (
                    ("totaal", 0, 1.0),
                    ("man", 0.08, 0.5),
                    ("vrouw", -0.08, 0.5),
                ):
                    share = float(np.clip(base + offset + slope * t + shift, 0.02, 0.95))
                    den = round(size * weight)
                    rows.append(
                        _row(ind.id, region, year, gender, share * den, den, share, share, share, 0)
                    )
                women = float(np.clip(0.3 + offset + 0.01 * t, 0.05, 0.9))
                num = base * size * 0.5
                rows.append(
                    _row(
                        ind.id + WOMEN_SHARE_SUFFIX,
                        region,
                        year,
                        "totaal",
                        women * num,
                        num,
                        women,
                        women,
                        women,
                        0,
                    )
                )
    frame = pd.DataFrame(rows)
    _add_suppression(frame)
    _add_ho_definition(frame, config)
    return schema.conform(frame, schema.INDICATOR_COLUMNS)


def _add_ho_definition(frame: pd.DataFrame, config) -> None:
    """``programmes`` on the rows of classified indicators; the rule on APPROXIMATED_CASE."""
    classified = [i.id for i in config.indicators.values() if i.classified]
    frame["ho_definition"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    frame.loc[frame["indicator"].isin(classified), "ho_definition"] = "programmes"
    indicator, year, genders = APPROXIMATED_CASE
    case = (
        (frame["indicator"] == indicator) & (frame["year"] == year) & frame["gender"].isin(genders)
    )
    frame.loc[case, "ho_definition"] = "subonderdelen"


def _row(indicator, region, year, gender, num, den, share, low, high, cells) -> dict:
    return {
        "indicator": indicator,
        "region_level": region.region_level,
        "region": region.region,
        "region_code": region.region_code,
        "year": year,
        "schooljaar": f"{year}/{(year + 1) % 100:02d}",
        "gender": gender,
        "numerator": num,
        "denominator": den,
        "share": share,
        "share_low": low,
        "share_high": high,
        "suppressed_cells": cells,
    }


def _locate(frame: pd.DataFrame, case: tuple) -> pd.Series:
    level, region, indicator, year, gender = case
    return (
        (frame["region_level"] == level)
        & (frame["region"] == region)
        & (frame["indicator"] == indicator)
        & (frame["year"] == year)
        & (frame["gender"] == gender)
    )


def _add_suppression(frame: pd.DataFrame) -> None:
    """Bounds on every vrouw row of small regions in vmbo techniek, plus the two cases."""
    small = (
        frame["region_level"].isin(["corop", "regiopact"])
        & (frame["indicator"] == "vo_vmbo_techniek")
        & (frame["gender"] == "vrouw")
    )
    for mask, cells, margin in ((small, 2, 0.015), (_locate(frame, SUPPRESSED_CASE), 3, 0.02)):
        frame.loc[mask, "suppressed_cells"] = cells
        frame.loc[mask, "share_low"] = frame.loc[mask, "share"] - margin
        frame.loc[mask, "share_high"] = frame.loc[mask, "share"] + margin
    small_case = _locate(frame, SMALL_CASE)
    frame.loc[small_case, ["numerator", "denominator"]] = [np.nan, 2.5]
    frame.loc[small_case, ["share", "share_low", "share_high", "suppressed_cells"]] = [
        0.4,
        0.25,
        0.8,
        1,
    ]


def manifest(demo: bool) -> dict:
    """A manifest with two count inputs, one with unplaced rows, one reference file."""
    return {
        "manifest_version": 1,
        "created": "2026-01-02T03:04:05+00:00",
        "demo": demo,
        "code_version": "0123456789abcdef0123456789abcdef01234567",
        "inputs": [
            {
                "path": "duo/vo/examenkandidaten.csv",
                "sha256": "a" * 64,
                "bytes": 1000,
                "format": "duo_vo_exam_2019",
                "dataset": "duo_vo_exam",
                "role": "counts",
                "description": "DUO examenkandidaten en geslaagden vo",
                "publisher": "DUO",
                "url": "https://duo.nl/open_onderwijsdata/images/examenkandidaten.csv",
                "rows_read": 500,
                "counts_total": 123456,
                "counts_attributed_province": 123000,
                "share_attributed_province": 123000 / 123456,
                "suppressed_cells": 42,
                "unplaced": [{"reason": "municipality name not found", "rows": 3, "count": 456}],
                "warnings": [],
            },
            {
                "path": "duo/mbo/deelnemers.csv",
                "sha256": "b" * 64,
                "bytes": 2000,
                "format": "duo_mbo_students_2019",
                "dataset": "duo_mbo_students",
                "role": "counts",
                "description": "DUO mbo deelnemers per instelling en plaats",
                "rows_read": 800,
                "counts_total": 500000,
                "counts_attributed_province": 500000,
                "share_attributed_province": 1.0,
                "suppressed_cells": 0,
                "unplaced": [],
                "warnings": [],
            },
            {
                "path": "cbs/woonplaatsen.csv",
                "sha256": "c" * 64,
                "bytes": 3000,
                "format": "cbs_woonplaatsen_2024",
                "dataset": "cbs_woonplaatsen",
                "role": "reference",
                "description": "CBS woonplaatsen, gemeenten en COROP",
                "rows_read": 2501,
                "unplaced": [],
                "warnings": [],
            },
        ],
        "warnings": [],
        "outputs": {},
    }


def make_processed(target: Path, *, demo: bool = True) -> Path:
    """Write the fake processed folder into ``target`` (created) and return it."""
    target.mkdir(parents=True, exist_ok=True)
    regions = region_table()
    indicators = indicator_table(regions)
    derived_frame = derived.derive(indicators, regions, load_indicator_config())
    schema.empty_frame(schema.STORE_COLUMNS).to_parquet(target / paths.STORE_FILE)
    indicators.to_parquet(target / paths.INDICATORS_FILE)
    derived_frame.to_parquet(target / paths.DERIVED_FILE)
    regions.to_parquet(target / paths.REGIONS_FILE)
    (target / paths.MANIFEST_FILE).write_text(json.dumps(manifest(demo), indent=2), "utf-8")
    return target


def report_context(processed: Path, level: str, region: str) -> data.ReportContext:
    """A report's context on the fake processed folder, with a fixed generation date."""
    return data.context(processed, level, region, "2026-01-02")
