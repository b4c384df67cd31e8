"""Regions: province/municipality names, attribution, region table, config validation.

Synthetic tests use a tiny hand-made reference whose expected results are worked out by
hand in the comments. Real-data tests compare with values computed from the raw files by
a different route (the csv/json modules and plain sums).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths, regions
from analysis.errors import ConfigError
from analysis.ingest import identify
from analysis.ingest.rawfile import read_rows, sniff
from analysis.regions import historic

CONFIG = """
landsdelen:
  techniekpact:
    label: Techniekpact
    regions:
      Noord: [Groningen, Fryslân, Drenthe]
      Oost: [Overijssel, Gelderland]
      Zuid: [Noord-Brabant, Limburg]
      Zuidwest: [Zeeland, Zuid-Holland]
      Noordvleugel: [Noord-Holland, Utrecht, Flevoland]
  cbs:
    regions:
      Noord-Nederland: [Groningen, Friesland, Drenthe]
      Oost-Nederland: [Overijssel, Gelderland, Flevoland]
      West-Nederland: [Utrecht, Noord Holland, Zuid-Holland, Zeeland]
      Zuid-Nederland: [Noord-Brabant, Limburg]
custom_levels:
  regiopact:
    regions:
      Twente:
        corop: [Twente]
      Lochemse Laren:
        municipalities: [LOCHEM, '0417']
"""

# code, name, COROP, places
TINY = [
    ("0164", "Hengelo (O.)", "12", ["Hengelo"]),
    ("1876", "Bronckhorst", "14", ["Hengelo (Gld)", "Vorden"]),
    ("0262", "Lochem", "14", ["Lochem", "Laren"]),
    ("0417", "Laren (NH.)", "24", ["Laren"]),
    ("1991", "Maashorst", "35", ["Uden"]),
    ("0828", "Oss", "35", ["Oss"]),
    ("0796", "'s-Hertogenbosch", "35", ["'s-Hertogenbosch"]),
    ("0093", "Terschelling", "04", ["Oosterend"]),
    ("0448", "Texel", "18", ["Oosterend"]),
    ("0060", "Ameland", "04", ["Nes"]),
    ("0074", "Heerenveen", "06", ["Nes"]),
    ("1900", "Súdwest-Fryslân", "05", ["Sneek"]),
]


def write_config(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "regions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def config(tmp_path: Path) -> regions.RegionConfig:
    return regions.load_config(write_config(tmp_path))


def tiny_frames() -> dict[str, pd.DataFrame]:
    rows = [
        (f"{i:04d}", place, code, name, f"CR{corop}", "x")
        for i, (code, name, corop, places) in enumerate(TINY)
        for place in places
    ]
    columns = ["place_code", "place", "municipality_code", "municipality", "corop_code", "corop"]
    places = pd.DataFrame(rows, columns=columns, dtype="string")
    locations = pd.DataFrame(
        {"location_code": ["01AB00", "02CD00"], "municipality_code": ["0164", "0856"]},
        dtype="string",
    )
    return {"cbs": places, "vo_locations": locations}


@pytest.fixture
def tiny(config: regions.RegionConfig) -> regions.Reference:
    return regions.build_reference(tiny_frames(), config)


def counts(**columns: list) -> pd.DataFrame:
    size = len(next(iter(columns.values())))
    frame = pd.DataFrame({k: pd.array(v, dtype="string") for k, v in columns.items()})
    frame["count"] = pd.array(range(1, size + 1), dtype="Int64")
    return frame


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Fryslân", "PV21"),
        ("Friesland", "PV21"),
        ("FRIESLAND", "PV21"),
        ("Noord Holland", "PV27"),
        ("Noord-Holland", "PV27"),
        ("Groningen ", "PV20"),
        ("noord-brabant", "PV30"),
        ("Zuid Holland", "PV28"),
        ("PV31", "PV31"),
    ],
)
def test_province_spellings_map_to_codes(spelling: str, code: str) -> None:
    assert regions.province_code(spelling) == code


@pytest.mark.parametrize("spelling", ["Grunnen", "Holland", "Brabant", "", None, "Noord"])
def test_unknown_province_is_not_guessed(spelling: object) -> None:
    assert regions.province_code(spelling) is None


def test_name_key_ignores_case_diacritics_and_punctuation() -> None:
    assert regions.name_key("'S-GRAVENHAGE") == regions.name_key("'s-Gravenhage")
    assert regions.name_key("SUDWEST-FRYSLAN") == regions.name_key("Súdwest-Fryslân")
    assert regions.name_key("BERGEN (NH.)") == regions.name_key("Bergen NH")
    assert regions.name_key("NIEUWERKERK AD IJSSEL") == regions.name_key(
        "Nieuwerkerk aan den IJssel"
    )
    assert regions.name_key("Groningen") != regions.name_key("Gronigen")


def test_historic_tables_are_consistent() -> None:
    # A former code is never also a successor, and split/merged tables do not overlap.
    successors = {new for _, new, _ in historic.MERGED.values()}
    assert not successors & set(historic.MERGED)
    assert not set(historic.SPLIT) & set(historic.MERGED)
    assert all(re.fullmatch(r"\d{4}", c) for c in [*historic.MERGED, *successors])


# ---------------------------------------------------------------- attribution (synthetic)


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


def test_historic_codes_and_names_map_to_current(tiny: regions.Reference) -> None:
    frame = counts(
        municipality_code_raw=["0856", "1685", None, None],
        municipality_name_raw=[None, None, "UDEN", "LANDERD"],
    )
    out = regions.attribute(frame, tiny, "x")
    assert list(out["municipality_code"]) == ["1991"] * 4  # Uden, Landerd -> Maashorst (2022)
    assert list(out["attribution"]) == ["municipality_code"] * 2 + ["municipality_name"] * 2
    # The vo location file may hold a former code too: 02CD00 lies in Uden.
    assert tiny.locations["02CD00"] == "1991"


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


# ---------------------------------------------------------------- region table and rows


def test_region_table_levels(tiny: regions.Reference, config: regions.RegionConfig) -> None:
    table = regions.region_table(tiny, config)
    sizes = table["region_level"].value_counts().to_dict()
    assert sizes == {
        "nederland": 1,
        "landsdeel": 5,
        "landsdeel_cbs": 4,
        "provincie": 12,
        "corop": 40,
        "regiopact": 2,
    }
    assert table["region_code"].is_unique
    oost = table.set_index("region_code").loc["LD-Oost"]
    assert oost["member_provinces"] == ["PV23", "PV25"]
    assert oost["member_municipalities"] == ["0164", "0262", "1876"]
    fry = table.set_index("region_code").loc["PV21"]
    assert fry["region"] == "Fryslân" and fry["landsdeel"] == "Noord"
    custom = table[table["region_level"] == "regiopact"].set_index("region_code")
    assert custom.loc["regiopact-twente", "member_municipalities"] == ["0164"]
    # Lochem + Laren (NH.): Oost + Noordvleugel, so no single landsdeel or province.
    laren = custom.loc["regiopact-lochemse-laren"]
    assert laren["member_municipalities"] == ["0262", "0417"]
    assert pd.isna(laren["landsdeel"]) and pd.isna(laren["province_code"])


def test_region_rows_semantics(tiny: regions.Reference, config: regions.RegionConfig) -> None:
    table = regions.region_table(tiny, config)
    store = regions.attribute(
        counts(
            municipality_name_raw=["LOCHEM", None, None],
            province_raw=[None, "Gelderland", None],
        ),
        tiny,
        "x",
    )
    rows = regions.region_rows(store, table)
    member = {(r.row, r.region_level, r.region_code) for r in rows.itertuples()}
    assert member == {
        # a placed row: every level it lies in
        (0, "nederland", "NL"),
        (0, "landsdeel", "LD-Oost"),
        (0, "landsdeel_cbs", "LD-cbs-Oost-Nederland"),
        (0, "provincie", "PV25"),
        (0, "corop", "CR14"),
        (0, "regiopact", "regiopact-lochemse-laren"),
        # placed in its province only: no COROP, no custom region
        (1, "nederland", "NL"),
        (1, "landsdeel", "LD-Oost"),
        (1, "landsdeel_cbs", "LD-cbs-Oost-Nederland"),
        (1, "provincie", "PV25"),
        # unplaced: still in the Netherlands
        (2, "nederland", "NL"),
    }


# ---------------------------------------------------------------- config


def test_project_config_loads() -> None:
    config = regions.load_config(paths.REGIONS_CONFIG)
    default = config.default_scheme
    assert default.level == "landsdeel"
    assert default.regions["Oost"] == ("PV23", "PV25")
    assert sorted(pv for pvs in default.regions.values() for pv in pvs) == sorted(regions.PROVINCES)
    assert [s.level for s in config.schemes] == ["landsdeel", "landsdeel_cbs"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Zuid: [Noord-Brabant, Limburg]", "Zuid: [Noord-Brabant, Limburgh]", "unknown province"),
        ("Zuid: [Noord-Brabant, Limburg]", "Zuid: [Noord-Brabant, Limburg, Zeeland]", "already"),
        ("Zuid: [Noord-Brabant, Limburg]", "Zuid: [Noord-Brabant]", "in no landsdeel"),
        ("corop: [Twente]", "corop: [Twentee]", "unknown COROP region"),
        ("Twente:\n", "../Twente:\n", "looks like a path"),
        ("Twente:\n", "CR12:\n", "looks like a code"),
        ("'0417'", "0417", "not text"),
        ("    regions:\n      Twente", "    regionz:\n      Twente", "missing key"),
        ("        corop: [Twente]", "        corops: [Twente]", "unknown key"),
        ("  regiopact:", "  provincie:", "already a region level"),
        ("  regiopact:", "  Regio Pact:", "lower case"),
        (
            "Noord: [Groningen, Fryslân, Drenthe]",
            "Noord: [Groningen, Fryslân, Drenthe",
            "malformed YAML",
        ),
    ],
)
def test_config_errors_name_the_file_and_entry(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in CONFIG
    path = write_config(tmp_path, CONFIG.replace(old, new, 1))
    with pytest.raises(ConfigError, match=message) as caught:
        regions.load_config(path)
    assert str(path) in str(caught.value)


def test_config_wrong_structure_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected a non-empty mapping"):
        regions.load_config(write_config(tmp_path, "- a\n- b\n"))
    with pytest.raises(ConfigError, match="does not exist"):
        regions.load_config(tmp_path / "absent.yaml")


def test_unknown_or_former_municipality_in_custom_region(
    tmp_path: Path, tiny: regions.Reference
) -> None:
    for entry, message in [("Atlantis", "unknown"), ("Uden", "former municipality")]:
        path = write_config(tmp_path, CONFIG.replace("LOCHEM", entry))
        with pytest.raises(ConfigError, match=message) as caught:
            regions.region_table(tiny, regions.load_config(path))
        assert "Lochemse Laren" in str(caught.value) and str(path) in str(caught.value)


# ---------------------------------------------------------------- demo data


def test_demo_reference_and_table(tmp_path: Path) -> None:
    from analysis.demo.geography import municipalities
    from analysis.demo.regions import write_reference_files

    frames = {}
    for path in write_reference_files(tmp_path):
        fmt, sniffed = identify(path)
        if fmt.role == "reference":
            frames[fmt.id] = fmt.read(sniffed)
    config = regions.load_config(paths.REGIONS_CONFIG)
    ref = regions.build_reference(frames, config)
    assert ref.synthetic
    assert len(ref.municipalities) == len(municipalities())
    table = regions.region_table(ref, config)
    custom = table[table["region_level"] == "regiopact"]
    # COROP-based pacts exist; pacts listing real municipalities are left out, with a warning.
    assert set(custom["region"]) == {"Twente", "Achterhoek"}
    assert any("Regio Zwolle" in w for w in table.attrs["warnings"])
    sample = [m.place for m in municipalities()[::7]]
    out = regions.attribute(counts(place_raw=sample), ref, "demo")
    assert (out["attribution"] == "place").all()


# ---------------------------------------------------------------- real data

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


def csv_records(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    return [
        r
        for r in reader
        if None not in r.values() and len(r) > 3 and r.get(reader.fieldnames[0]) != ""
    ]


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


def vo_locations(shared: Path) -> pd.DataFrame:
    """The DUO vo location file, read here until the vo reader lands (same columns)."""
    raw = read_rows(sniff(shared / "duo/vo/alle_vestigingen_vo.csv"))
    return pd.DataFrame(
        {
            "location_code": raw["VESTIGINGSNUMMER"].str.strip(),
            "institution_code": raw["BRIN NUMMER"].str.strip(),
            "place": raw["PLAATSNAAM"].str.strip(),
            "municipality_code": raw["GEMEENTENUMMER"].str.strip(),
            "municipality_name": raw["GEMEENTENAAM"].str.strip(),
            "province_raw": raw["PROVINCIE"],
        }
    )


@pytest.fixture(scope="module")
def real_ref(shared_data: Path) -> regions.Reference:
    frames = {"duo_vo_locations": vo_locations(shared_data)}
    for name in (
        "cbs/woonplaats_gemeente_corop_2024.csv",
        "geo/koppelcodes_gemeente_veiligheidsregio_provincie.csv",
        "duo/ho/instellingen_hbo_wo_adressen_regios.csv",
    ):
        fmt, sniffed = identify(shared_data / name)
        frames[fmt.dataset] = fmt.read(sniffed)
    return regions.build_reference(frames, regions.load_config(paths.REGIONS_CONFIG))


def test_real_every_municipality_has_province_and_corop(
    shared_data: Path, real_ref: regions.Reference
) -> None:
    munis = real_ref.municipalities
    assert len(munis) == 342
    assert munis[["province_code", "corop_code", "landsdeel"]].notna().all().all()
    assert munis["corop_code"].nunique() == 40 and munis["province_code"].nunique() == 12
    # Province via COROP agrees with the koppeltabel for every municipality (csv module).
    text = (shared_data / "geo/koppelcodes_gemeente_veiligheidsregio_provincie.csv").read_text(
        "utf-8-sig"
    )
    koppel = {
        r["gemeentCode"][2:]: r["provincieCode"]
        for r in csv.DictReader(io.StringIO(text), delimiter=";")
    }
    assert munis["province_code"].to_dict() == koppel


def test_real_province_normaliser_maps_every_spelling(shared_data: Path) -> None:
    spellings: set[str] = set()
    for name, column in [
        ("duo/ho/hbo_gediplomeerden_2014-2018.csv", "PROVINCIE"),
        ("duo/ho/wo_ingeschrevenen_2010-2019.csv", "PROVINCIE"),
        ("duo/vo/alle_vestigingen_vo.csv", "PROVINCIE"),
        ("duo/vo/leerlingen_vo_per_vestiging_naar_onderwijstype_2019.csv", "PROVINCIE VESTIGING"),
        ("duo/ho/instellingen_hbo_wo_adressen_regios.csv", "PROVINCIE"),
        ("geo/koppelcodes_gemeente_veiligheidsregio_provincie.csv", "Provincie"),
    ]:
        spellings |= {r[column] for r in csv_records(shared_data / name)}
    hbo = json.loads((shared_data / "duo/ho/hbo_ingeschrevenen_2020-2024.json").read_text("utf-8"))
    spellings |= {r["PROVINCIE"] for r in hbo}
    geo = json.loads((shared_data / "geo/provincies.geojson").read_text("utf-8"))
    pairs = {
        (f["properties"]["provincie"], f["properties"]["provincieCode"]) for f in geo["features"]
    }
    assert {regions.province_code(s) for s in spellings} == set(regions.PROVINCES)
    for spelling, code in pairs:  # a file that gives both: the normaliser agrees
        assert regions.province_code(spelling) == code


def test_real_historic_codes_match_names_in_duo_file(shared_data: Path) -> None:
    # DUO's vo location file (2020) still names merged municipalities with their codes.
    seen = {
        (r["GEMEENTENUMMER"].strip(), regions.name_key(r["GEMEENTENAAM"]))
        for r in csv_records(shared_data / "duo/vo/alle_vestigingen_vo.csv")
    }
    former = {(c, n) for c, n in seen if c in historic.MERGED}
    assert former, "expected former municipalities in the 2020 vo location file"
    for code, name in former:
        assert regions.name_key(historic.MERGED[code][0]) == name


def test_real_place_matching_agrees_with_municipality_codes(
    shared_data: Path, real_ref: regions.Reference
) -> None:
    # Every vo location gives both its place and its municipality code: two routes, one answer.
    locations = vo_locations(shared_data)
    by_place = regions.attribute(
        counts(place_raw=list(locations["place"]), province_raw=list(locations["province_raw"])),
        real_ref,
        "x",
    )
    by_code = regions.attribute(
        counts(municipality_code_raw=list(locations["municipality_code"])), real_ref, "x"
    )
    assert (by_code["attribution"] == "municipality_code").all()
    assert (by_place["municipality_code"] == by_code["municipality_code"]).all()


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


def test_real_region_table(shared_data: Path, real_ref: regions.Reference) -> None:
    table = regions.region_table(real_ref, regions.load_config(paths.REGIONS_CONFIG))
    assert not real_ref.synthetic and table.attrs["warnings"] == []
    sizes = table["region_level"].value_counts().to_dict()
    assert sizes == {
        "nederland": 1,
        "landsdeel": 5,
        "landsdeel_cbs": 4,
        "provincie": 12,
        "corop": 40,
        "regiopact": 5,
    }
    # Twente (= COROP 12) has exactly the municipalities the CBS file puts in COROP 12.
    text = (shared_data / "cbs/woonplaats_gemeente_corop_2024.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    twente = sorted({r["Gemeentecode"] for r in rows if r["COROP-gebiedcode"] == "12"})
    by_code = table.set_index("region_code")
    assert by_code.loc["regiopact-twente", "member_municipalities"] == twente
    zwolle = by_code.loc["regiopact-regio-zwolle", "member_municipalities"]
    assert len(zwolle) == 19 and "0193" in zwolle  # every listed municipality, Zwolle itself
    assert (
        sum(
            len(m) for m in table.loc[table["region_level"] == "provincie", "member_municipalities"]
        )
        == 342
    )
