"""Attribution of counts to municipalities and provinces: order, splits, namesakes, real files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from region_fixtures import (
    counts,
    csv_records,
)

from analysis import regions

COUNT_FILES = {
    "duo/ho/hbo_eerstejaars_domein_hbo_2015-2019.csv": "ho",
    "duo/ho/hbo_gediplomeerden_2014-2018.csv": "ho",
    "duo/ho/wo_eerstejaars_domein_wo_2015-2019.csv": "ho",
    "duo/ho/wo_ingeschrevenen_2010-2019.csv": "ho",
    "duo/ho/hbo_ingeschrevenen_2020-2024.json": "ho_json",
    "duo/mbo/mbo_deelnemers_instelling_plaats_sector_niveau_geslacht_2015-2019.csv": "mbo",
    "duo/vo/examenkandidaten_geslaagden_2019-2024.csv": "vo_exam",
    "duo/vo/leerlingen_vo_per_vestiging_naar_onderwijstype_2019.csv": "vo_pupils",
}


def number(value: object) -> int:
    """Known counts only ('<5' and empty count as 0 for the known total)."""
    text = str(value).strip()
    return int(text) if text.isdigit() else 0


def hints_and_totals(path: Path, kind: str) -> pd.DataFrame:
    """Region hints and the row's count total, read with csv/json (not the project readers)."""
    out = []
    records = json.loads(path.read_text("utf-8")) if kind == "ho_json" else csv_records(path)
    for r in records:
        if kind in ("ho", "ho_json"):
            total = sum(number(v) for k, v in r.items() if re.fullmatch(r"\d{4}", k))
            hint = {
                "province_raw": r["PROVINCIE"],
                "municipality_code_raw": str(r["GEMEENTENUMMER"]),
                "municipality_name_raw": r["GEMEENTENAAM"],
            }
        elif kind == "mbo":
            total = sum(number(v) for k, v in r.items() if k.startswith("TOTAAL"))
            hint = {"place_raw": r["PLAATSNAAM"]}
        elif kind == "vo_exam":
            total = sum(
                number(v) for k, v in r.items() if k.startswith("EXAMENK") and k.endswith("TOTAAL")
            )
            hint = {
                "location_code": r["VESTIGINGSCODE"],
                "municipality_name_raw": r["GEMEENTENAAM"],
            }
        else:
            total = sum(number(v) for k, v in r.items() if k.startswith("LEER- OF"))
            hint = {
                "location_code": r["BRIN NUMMER"] + r["VESTIGINGSNUMMER"],
                "place_raw": r["PLAATSNAAM VESTIGING"],
                "province_raw": r["PROVINCIE VESTIGING"],
            }
        out.append({**hint, "count": total})
    return pd.DataFrame(out).astype({"count": "Int64"})


def test_attribution_order(tiny: regions.Reference) -> None:
    frame = counts(
        location_code=["01AB00", None, None, None, None],
        municipality_code_raw=["0828", "0828", None, None, None],
        municipality_name_raw=["OSS", "LOCHEM", "LOCHEM", None, None],
        place_raw=["SNEEK", "SNEEK", "SNEEK", "SNEEK", None],
        province_raw=["Overijssel", "Noord-Brabant", "Gelderland", "Friesland", "Zeeland"],
    )
    out = regions.attribute(frame, tiny, "demo.csv")
    # Each row is placed by the first hint that works, whatever the later hints say.
    assert list(out["attribution"]) == [
        "location_code",
        "municipality_code",
        "municipality_name",
        "place",
        "province",
    ]
    assert list(out["municipality_code"].fillna("-")) == ["0164", "0828", "0262", "1900", "-"]
    assert list(out["province_code"]) == ["PV23", "PV30", "PV25", "PV21", "PV29"]
    assert list(out["corop_code"].fillna("-")) == ["CR12", "CR35", "CR14", "CR05", "-"]
    assert list(out["landsdeel"]) == ["Oost", "Zuid", "Oost", "Noord", "Zuidwest"]
    assert list(out["province"]) == [
        "Overijssel",
        "Noord-Brabant",
        "Gelderland",
        "Fryslân",
        "Zeeland",
    ]
    assert out["unplaced_reason"].isna().all()
    assert (out["source_file"] == "demo.csv").all()
    assert list(out["count"]) == [1, 2, 3, 4, 5]  # nothing dropped or reordered


def test_split_municipality_is_placed_in_its_province_only(tiny: regions.Reference) -> None:
    # Maasdonk (1671) went to 's-Hertogenbosch and Oss, both Noord-Brabant.
    out = regions.attribute(counts(municipality_code_raw=["1671"]), tiny, "x")
    assert out.loc[0, "attribution"] == "province"
    assert out.loc[0, "province_code"] == "PV30"
    assert pd.isna(out.loc[0, "municipality_code"]) and pd.isna(out.loc[0, "corop_code"])


def test_namesakes_resolved_by_suffix_province_or_same_name(tiny: regions.Reference) -> None:
    frame = counts(
        place_raw=["HENGELO OV", "HENGELO GLD", "LAREN", "OOSTEREND", "NES AMELAND", "OOSTEREND"],
        province_raw=[None, None, None, "Friesland", None, None],
    )
    out = regions.attribute(frame, tiny, "x")
    # Hengelo: suffix; Laren: same-name rule (Laren (NH.), not Lochem); Oosterend: row's
    # province (Terschelling, not Texel); Nes Ameland: qualified by its municipality.
    assert list(out["municipality_code"][:5]) == ["0164", "1876", "0417", "0093", "0060"]
    assert any("took 0417 (same name)" in w for w in out.attrs["warnings"])
    # Oosterend without a province is ambiguous: not guessed, reported.
    assert out.loc[5, "attribution"] == "unplaced"
    assert "ambiguous" in out.loc[5, "unplaced_reason"]
    assert "0093" in out.loc[5, "unplaced_reason"] and "0448" in out.loc[5, "unplaced_reason"]


def test_province_only_and_unplaced_rows_keep_their_counts(tiny: regions.Reference) -> None:
    frame = counts(
        municipality_name_raw=["ATLANTIS", "ATLANTIS", None],
        place_raw=[None, None, None],
        province_raw=["Limburg", "Grunnen", None],
        location_code=[None, "99ZZ00", None],
    )
    out = regions.attribute(frame, tiny, "x")
    assert list(out["attribution"]) == ["province", "unplaced", "unplaced"]
    assert out.loc[0, "province_code"] == "PV31" and pd.isna(out.loc[0, "corop_code"])
    reason = out.loc[1, "unplaced_reason"]
    for tried in ("99ZZ00", "'ATLANTIS' unknown", "Grunnen is not recognised"):
        assert tried in reason
    assert out.loc[2, "unplaced_reason"].startswith("no location code")
    assert list(out["count"]) == [1, 2, 3]
    assert any("Grunnen" in w for w in out.attrs["warnings"])


def test_province_disagreement_trusts_the_municipality(tiny: regions.Reference) -> None:
    frame = counts(municipality_code_raw=["0828", "0828", "0164"], province_raw=["Limburg"] * 3)
    out = regions.attribute(frame, tiny, "x")
    assert list(out["province_code"]) == ["PV30", "PV30", "PV23"]
    found = {
        (d["municipality_code"], d["rows"], d["count"]) for d in out.attrs["province_disagreements"]
    }
    assert found == {("0828", 2, 1 + 2), ("0164", 1, 3)}


def test_attribution_output_passes_the_store_schema(tiny: regions.Reference) -> None:
    from analysis.store import schema

    frame = counts(municipality_name_raw=["OSS", "ATLANTIS"], province_raw=[None, None])
    out = schema.conform(regions.attribute(frame, tiny, "x"), schema.REGION_COLUMNS)
    for column, dtype in schema.REGION_COLUMNS.items():
        assert str(out[column].dtype) == dtype
    assert ((out["attribution"] == "unplaced") == out["unplaced_reason"].notna()).all()


@pytest.mark.parametrize("name", list(COUNT_FILES))
def test_real_attribution_share_per_file(
    shared_data: Path, real_ref: regions.Reference, name: str
) -> None:
    hints = hints_and_totals(shared_data / name, COUNT_FILES[name])
    out = regions.attribute(hints, real_ref, name)
    placed = out["province_code"].notna()
    total = int(hints["count"].sum())
    share_rows = placed.mean()
    share_counts = int(out.loc[placed, "count"].sum()) / total
    print(
        f"\n{name}: {len(out)} rows, {share_rows:.4%} of rows and {share_counts:.4%} of "
        f"{total:,} counts placed at province level; {out['attribution'].value_counts().to_dict()}"
    )
    assert len(out) == len(hints) and int(out["count"].sum()) == total
    assert share_counts >= 0.995
    if "province_raw" in hints:
        # The file's own province agrees with the one derived from the municipality/place.
        own = regions.province_codes(hints["province_raw"])
        assert (own == out["province_code"]).mean() >= 0.995
