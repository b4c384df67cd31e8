"""The indicator engine on tiny hand-made stores; every expected value is worked out by hand.

Geography of the fixtures (fictional municipalities, real province/COROP codes):
  9001 -> CR12 Twente, PV23 Overijssel, landsdeel Oost; custom: Twente, Testpact
  9003 -> CR13 Veluwe, PV25 Gelderland, landsdeel Oost; custom: Testpact
  9004 -> CR17 Utrecht, PV26 Utrecht, landsdeel Noordvleugel
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import ConfigError
from analysis.indicators.engine import (
    compute_indicators,
    indicator_meta,
    latest_year,
    load_indicator_config,
)
from analysis.store import schema

GEO = {
    "9001": ("PV23", "Overijssel", "Oost", "CR12", "Twente"),
    "9003": ("PV25", "Gelderland", "Oost", "CR13", "Veluwe"),
    "9004": ("PV26", "Utrecht", "Noordvleugel", "CR17", "Utrecht"),
}
CUSTOM = {"Twente": {"9001"}, "Testpact": {"9001", "9003"}}
REGION_TABLE = pd.DataFrame(
    [
        ("nederland", "Nederland", "NL"),
        ("landsdeel", "Oost", "Oost"),
        ("landsdeel", "Noordvleugel", "Noordvleugel"),
        ("provincie", "Overijssel", "PV23"),
        ("provincie", "Gelderland", "PV25"),
        ("provincie", "Utrecht", "PV26"),
        ("corop", "Twente", "CR12"),
        ("corop", "Veluwe", "CR13"),
        ("corop", "Utrecht", "CR17"),
        ("regiopact", "Twente", "Twente"),
        ("regiopact", "Testpact", "Testpact"),
    ],
    columns=["region_level", "region", "region_code"],
)

S = None  # a suppressed cell ('<5')


def make_store(rows: list[dict]) -> pd.DataFrame:
    """A store from short dicts: municipality picks the region columns; count None = '<5'."""
    records = []
    for i, row in enumerate(rows):
        row = dict(row)
        municipality = row.pop("municipality", None)
        suppressed = row["count"] is None
        record = {
            "release": "test",
            "schooljaar": f"{row['year']}/{(row['year'] + 1) % 100:02d}",
            "source_file": "test.csv",
            "source_row": i + 1,
            "suppressed": suppressed,
            **row,
        }
        if municipality is None:
            record.update(attribution="unplaced", unplaced_reason="test: no region")
        else:
            province_code, province, landsdeel, corop_code, corop = GEO[municipality]
            record.update(
                municipality_code=municipality,
                province_code=province_code,
                province=province,
                landsdeel=landsdeel,
                corop_code=corop_code,
                corop=corop,
                attribution="municipality_code",
            )
        records.append(record)
    return schema.conform(pd.DataFrame(records), schema.STORE_COLUMNS)


def membership(store: pd.DataFrame) -> pd.DataFrame:
    """region_rows by hand: every row in Nederland, placed rows also in their regions."""
    out = []
    for i, row in store.reset_index(drop=True).iterrows():
        out.append((i, "nederland", "NL"))
        if row["attribution"] == "unplaced":
            continue
        out += [
            (i, "landsdeel", row["landsdeel"]),
            (i, "provincie", row["province_code"]),
            (i, "corop", row["corop_code"]),
        ]
        out += [
            (i, "regiopact", name) for name, ms in CUSTOM.items() if row["municipality_code"] in ms
        ]
    return pd.DataFrame(out, columns=["row", "region_level", "region_code"])


def compute(rows: list[dict]) -> pd.DataFrame:
    store = make_store(rows)
    return compute_indicators(
        store, REGION_TABLE, load_indicator_config(), membership=membership(store)
    )


def pick(table: pd.DataFrame, indicator: str, code: str, year: int, gender: str = "totaal"):
    hit = table[
        (table["indicator"] == indicator)
        & (table["region_code"] == code)
        & (table["year"] == year)
        & (table["gender"] == gender)
    ]
    assert len(hit) == 1, (indicator, code, year, gender, len(hit))
    return hit.iloc[0]


def exam(municipality: str, programme: str, man, vrouw, totaal, year: int = 2021) -> list[dict]:
    level = programme.split()[0].lower()
    field = programme.split(" - ", 1)[1] if " - " in programme else None
    base = dict(
        dataset="duo_vo_exam",
        measure="exam_candidates",
        level=level,
        programme=programme,
        field=field,
        year=year,
        municipality=municipality,
    )
    return [
        {**base, "gender": g, "count": c}
        for g, c in (("man", man), ("vrouw", vrouw), ("totaal", totaal))
    ]


# --- vo exam candidates: havo N / NT, published TOTAAL, suppression in the gender views ----

HAVO = [
    *exam("9001", "HAVO - N&T", 20, S, 23),
    *exam("9001", "HAVO - N&G", 8, 12, 20),
    *exam("9001", "HAVO - E&M", 30, 27, 57),
    *exam("9001", "HAVO - N&T / N&G", S, 6, 9),
    *exam("9001", "HAVO - E&M / C&M", S, S, 7),
    *exam("9004", "HAVO - N&T", 10, 5, 15),
    *exam("9004", "HAVO - C&M", 5, 15, 20),
]


def test_havo_n_uses_published_totaal_cells() -> None:
    table = compute(HAVO)
    # Overijssel: N-profiles 23 + 20 + 9 = 52 of 23 + 20 + 57 + 9 + 7 = 116; every TOTAAL is known.
    row = pick(table, "vo_havo_n", "PV23", 2021)
    assert row["numerator"] == 52 and row["denominator"] == 116
    assert row["share"] == pytest.approx(52 / 116)
    assert row["share_low"] == pytest.approx(52 / 116) and row["share_high"] == pytest.approx(
        52 / 116
    )
    assert row["suppressed_cells"] == 0
    # Nederland adds Utrecht: (52 + 15) / (116 + 35).
    assert pick(table, "vo_havo_n", "NL", 2021)["share"] == pytest.approx(67 / 151)
    # N&T only: 23 + 9 = 32 of 116.
    assert pick(table, "vo_havo_nt", "PV23", 2021)["share"] == pytest.approx(32 / 116)
    assert row["schooljaar"] == "2021/22"


def test_havo_gender_views_carry_bounds_for_suppressed_cells() -> None:
    table = compute(HAVO)
    # Men, Overijssel: numerator known 20 + 8 = 28 plus one <5 (N&T/N&G); rest known 30 plus
    # one <5 (E&M/C&M). low = 29/(29+30+4) = 29/63, point = 30.5/63, high = 32/(32+31) = 32/63.
    man = pick(table, "vo_havo_n", "PV23", 2021, "man")
    assert (man["share_low"], man["share"], man["share_high"]) == pytest.approx(
        (29 / 63, 30.5 / 63, 32 / 63)
    )
    assert man["numerator"] == 30.5 and man["denominator"] == 63
    assert man["suppressed_cells"] == 2
    # Women: numerator 12 + 6 = 18 plus one <5 (N&T); rest 27 plus one <5.
    # low = 19/(19+27+4) = 19/50, point = 20.5/50, high = 22/(22+27+1) = 22/50.
    vrouw = pick(table, "vo_havo_n", "PV23", 2021, "vrouw")
    assert (vrouw["share_low"], vrouw["share"], vrouw["share_high"]) == pytest.approx(
        (19 / 50, 20.5 / 50, 22 / 50)
    )
    # Women's share of the N-profile candidates: women 18 + <5, men 28 + <5.
    # low = 19/(19+28+4) = 19/51, point = 20.5/51, high = 22/(22+28+1) = 22/51.
    women = pick(table, "vo_havo_n__aandeel_vrouwen", "PV23", 2021)
    assert (women["share_low"], women["share"], women["share_high"]) == pytest.approx(
        (19 / 51, 20.5 / 51, 22 / 51)
    )
    assert women["suppressed_cells"] == 2


def test_vmbo_techniek_excludes_bare_vmbo_t_but_counts_intersectoral() -> None:
    rows = [
        *exam("9001", "VMBO B - techniek", 9, S, 10),
        *exam("9001", "VMBO T - economie", 8, 12, 20),
        *exam("9001", "VMBO T", 4, 3, 7),
        *exam("9001", "VMBO K - intersectoraal", 2, 3, 5),
    ]
    # 10 / (10 + 20 + 5): the 7 bare 'VMBO T' candidates are in neither part.
    row = pick(compute(rows), "vo_vmbo_techniek", "PV23", 2021)
    assert row["share"] == pytest.approx(10 / 35)
    assert row["denominator"] == 35


# --- vo pupils: leerjaar filter, profile rules, sums of man + vrouw -------------------------


def pupils(
    level: str, leerjaar: int, field: str, subfield: str, man: int, vrouw: int
) -> list[dict]:
    base = dict(
        dataset="duo_vo_pupils",
        measure="pupils",
        level=level,
        leerjaar=leerjaar,
        field=field,
        subfield=subfield,
        year=2019,
        municipality="9003",
    )
    return [{**base, "gender": "man", "count": man}, {**base, "gender": "vrouw", "count": vrouw}]


def test_havo4_n_counts_leerjaar_4_pupils_with_a_profile() -> None:
    rows = [
        *pupils("havo", 4, "N.v.t.", "Natuur en Techniek", 10, 4),
        *pupils("havo", 4, "N.v.t.", "Natuur en Gezondheid / Economie en Maatschappij", 1, 3),
        *pupils("havo", 4, "N.v.t.", "Economie en Maatschappij", 20, 22),
        *pupils("havo", 4, "N.v.t.", "N.v.t.", 6, 6),  # no profile: not in the denominator
        *pupils("havo", 5, "N.v.t.", "Natuur en Techniek", 50, 50),  # leerjaar 5
        *pupils("vwo", 4, "N.v.t.", "Natuur en Techniek", 100, 0),  # vwo
    ]
    table = compute(rows)
    # No TOTAAL in this dataset: man + vrouw. (14 + 4) / (18 + 42) = 18/60.
    assert pick(table, "vo_havo4_n", "PV25", 2019)["share"] == pytest.approx(0.3)
    assert pick(table, "vo_havo4_n", "PV25", 2019, "man")["share"] == pytest.approx(11 / 31)
    assert pick(table, "vo_havo4_n", "PV25", 2019, "vrouw")["share"] == pytest.approx(7 / 29)
    assert pick(table, "vo_havo4_n__aandeel_vrouwen", "PV25", 2019)["share"] == pytest.approx(
        7 / 18
    )
    # vwo 4: 100 / 100.
    assert pick(table, "vo_vwo4_n", "PV25", 2019)["share"] == pytest.approx(1.0)


def test_vmbo3_techniek_profile_or_sector() -> None:
    rows = [
        *pupils("vmbo", 3, "Techniek", "Bouwen, wonen en interieur", 8, 1),
        *pupils("vmbo", 3, "Techniek", "N.v.t.", 5, 5),  # TL: sector only
        *pupils("vmbo", 3, "Intersect. programma", "Dienstverlening en producten", 7, 9),
        *pupils("vmbo", 3, "Zorg & Welzijn", "Zorg en welzijn", 2, 18),
        *pupils("vmbo", 3, "N.v.t.", "N.v.t.", 30, 30),  # neither: not in the denominator
        *pupils("vmbo", 4, "Techniek", "Mobiliteit en transport", 40, 0),  # leerjaar 4
    ]
    # (9 + 10) / (9 + 10 + 16 + 20) = 19/55.
    assert pick(compute(rows), "vo_vmbo3_techniek", "PV25", 2019)["share"] == pytest.approx(19 / 55)


# --- mbo: published TOTAAL beats a sum of suppressed parts; sub-indicators -----------------


def mbo(field: str, niveau: str, pathway: str, man, vrouw, totaal) -> list[dict]:
    base = dict(
        dataset="duo_mbo_students",
        measure="students",
        level="mbo",
        field=field,
        qualification_level=niveau,
        pathway=pathway,
        year=2018,
        municipality="9003",
    )
    return [
        {**base, "gender": g, "count": c}
        for g, c in (("man", man), ("vrouw", vrouw), ("totaal", totaal))
    ]


MBO = [
    *mbo("techniek", "2", "BBL", 40, 2, 42),
    *mbo("techniek", "4", "BOLVT", 60, 10, 70),
    *mbo("economie", "4", "BOLVT", 30, 50, 80),
    *mbo("zorg en welzijn", "2", "BOLDT", 1, 9, 10),
    *mbo("groen", "3", "BBL", S, S, 6),
]


def test_mbo_techniek_with_published_total_and_sub_indicators() -> None:
    table = compute(MBO)
    # TOTAAL cells: 112 / (42 + 70 + 80 + 10 + 6 = 208); the known TOTAAL 6 replaces two <5 parts.
    row = pick(table, "mbo_techniek", "PV25", 2018)
    assert row["share"] == pytest.approx(112 / 208)
    assert row["suppressed_cells"] == 0
    assert row["share_low"] == row["share_high"]
    # BBL: 42 / (42 + 6); BOL = BOLVT + BOLDT: 70 / (70 + 80 + 10); niveau 4: 70 / 150.
    assert pick(table, "mbo_techniek_bbl", "PV25", 2018)["share"] == pytest.approx(42 / 48)
    assert pick(table, "mbo_techniek_bol", "PV25", 2018)["share"] == pytest.approx(70 / 160)
    assert pick(table, "mbo_techniek_niveau4", "PV25", 2018)["share"] == pytest.approx(70 / 150)
    # Men: numerator 100 known; rest 30 + 1 known plus one <5 (groen).
    # low = 100/(100+31+4) = 100/135, point = 100/133.5, high = 100/132.
    man = pick(table, "mbo_techniek", "PV25", 2018, "man")
    assert (man["share_low"], man["share"], man["share_high"]) == pytest.approx(
        (100 / 135, 100 / 133.5, 100 / 132)
    )


# --- hbo/wo: no TOTAAL (man + vrouw + onbekend), case-insensitive sectors, every region level --


def ho(dataset, level, field, gender, count, year=2020, municipality="9001") -> dict:
    measure = {"duo_ho_first_years": "first_years", "duo_ho_enrolled": "enrolled"}[dataset]
    return dict(
        dataset=dataset,
        measure=measure,
        level=level,
        field=field,
        gender=gender,
        count=count,
        year=year,
        municipality=municipality,
    )


HBO = [
    ho("duo_ho_first_years", "hbo", "techniek", "man", 30),
    ho("duo_ho_first_years", "hbo", "techniek", "vrouw", 10),
    ho("duo_ho_first_years", "hbo", "techniek", "onbekend", 2),
    ho("duo_ho_first_years", "hbo", "economie", "man", 25),
    ho("duo_ho_first_years", "hbo", "economie", "vrouw", 33),
    ho("duo_ho_first_years", "hbo", "techniek", "man", 20, municipality="9003"),
    ho("duo_ho_first_years", "hbo", "techniek", "vrouw", 0, municipality="9003"),
    ho("duo_ho_first_years", "hbo", "economie", "man", 40, municipality="9003"),
    ho("duo_ho_first_years", "hbo", "economie", "vrouw", 40, municipality="9003"),
    ho("duo_ho_first_years", "hbo", "techniek", "man", 8, municipality=None),  # unplaced
    # 2021, new-portal style upper case sectors and a suppressed cell.
    ho("duo_ho_first_years", "hbo", "TECHNIEK", "man", 7, year=2021),
    ho("duo_ho_first_years", "hbo", "TECHNIEK", "vrouw", S, year=2021),
    ho("duo_ho_first_years", "hbo", "ECONOMIE", "man", 10, year=2021),
    ho("duo_ho_first_years", "hbo", "ECONOMIE", "vrouw", 10, year=2021),
    # wo, same dataset, other level.
    ho("duo_ho_first_years", "wo", "natuur", "man", 20),
    ho("duo_ho_first_years", "wo", "techniek", "vrouw", 15),
    ho("duo_ho_first_years", "wo", "recht", "vrouw", 65),
]


@pytest.mark.parametrize(
    ("level", "code", "numerator", "denominator"),
    [
        ("nederland", "NL", 42 + 20 + 8, 100 + 100 + 8),  # unplaced row counts nationally only
        ("landsdeel", "Oost", 62, 200),
        ("provincie", "PV23", 42, 100),  # 30 + 10 + 2 of 42 + 25 + 33
        ("provincie", "PV25", 20, 100),
        ("corop", "CR12", 42, 100),
        ("regiopact", "Twente", 42, 100),
        ("regiopact", "Testpact", 62, 200),  # overlaps Twente: 9001 + 9003
    ],
)
def test_hbo_instroom_per_region_level(level, code, numerator, denominator) -> None:
    row = pick(compute(HBO), "hbo_techniek_instroom", code, 2020)
    assert row["region_level"] == level
    assert row["numerator"] == numerator and row["denominator"] == denominator
    assert row["share"] == pytest.approx(numerator / denominator)


def test_region_without_rows_gets_zero_denominator_and_no_share() -> None:
    row = pick(compute(HBO), "hbo_techniek_instroom", "PV26", 2020)
    assert row["denominator"] == 0 and pd.isna(row["share"]) and pd.isna(row["share_low"])


def test_hbo_gender_views_leave_onbekend_out() -> None:
    table = compute(HBO)
    assert pick(table, "hbo_techniek_instroom", "PV23", 2020, "man")["share"] == pytest.approx(
        30 / 55
    )
    assert pick(table, "hbo_techniek_instroom", "PV23", 2020, "vrouw")["share"] == pytest.approx(
        10 / 43
    )
    # women among the techniek first-years: 10 / (30 + 10); the 2 'onbekend' are left out.
    women = pick(table, "hbo_techniek_instroom__aandeel_vrouwen", "PV23", 2020)
    assert women["share"] == pytest.approx(0.25)


def test_upper_case_sectors_and_masking_of_small_suppressed_counts() -> None:
    table = compute(HBO)
    # 2021 totaal = man + vrouw: numerator 7 + <5, rest 20.
    # low = 8/28, point = 9.5/29.5, high = 11/31.
    row = pick(table, "hbo_techniek_instroom", "PV23", 2021)
    assert (row["share_low"], row["share"], row["share_high"]) == pytest.approx(
        (8 / 28, 9.5 / 29.5, 11 / 31)
    )
    assert row["numerator"] == 9.5 and row["suppressed_cells"] == 1
    # Women 2021: the numerator is one <5 cell only (point 2.5): never shown as a number.
    vrouw = pick(table, "hbo_techniek_instroom", "PV23", 2021, "vrouw")
    assert pd.isna(vrouw["numerator"])
    assert vrouw["denominator"] == 12.5
    # share 2.5/12.5; low = 1/(1+10), high = 4/(4+10).
    assert (vrouw["share_low"], vrouw["share"], vrouw["share_high"]) == pytest.approx(
        (1 / 11, 0.2, 4 / 14)
    )


def test_wo_beta_counts_natuur_and_techniek() -> None:
    # (20 + 15) / (20 + 15 + 65)
    assert pick(compute(HBO), "wo_beta_instroom", "NL", 2020)["share"] == pytest.approx(0.35)


def test_output_grid_and_columns() -> None:
    table = compute(HBO)
    assert list(table.columns) == list(schema.INDICATOR_COLUMNS)
    hbo = table[table["indicator"] == "hbo_techniek_instroom"]
    # 11 regions x 2 years x 3 genders; plus the women's-share view: 11 x 2.
    assert len(hbo) == 11 * 2 * 3
    assert len(table[table["indicator"] == "hbo_techniek_instroom__aandeel_vrouwen"]) == 22
    # Indicators without data (vo, mbo) produce no rows at all.
    assert not table["indicator"].str.startswith("vo_").any()
    assert (
        table.duplicated(["indicator", "region_code", "region_level", "year", "gender"]).sum() == 0
    )
    assert latest_year(table, "hbo_techniek_instroom") == 2021
    assert latest_year(table, "wo_beta_instroom") == 2020


def test_a_row_missing_from_nederland_is_an_error() -> None:
    store = make_store(HBO[:2])
    rows = membership(store)
    rows = rows[~((rows["row"] == 1) & (rows["region_level"] == "nederland"))]
    with pytest.raises(ValueError, match="not attributed to Nederland"):
        compute_indicators(store, REGION_TABLE, load_indicator_config(), membership=rows)


# --- configuration --------------------------------------------------------------------------

REQUIRED = [
    "vo_havo_n",
    "vo_havo_nt",
    "vo_vwo_n",
    "vo_vwo_nt",
    "vo_vmbo_techniek",
    "vo_havo4_n",
    "vo_vwo4_n",
    "vo_vmbo3_techniek",
    "mbo_techniek",
    "hbo_techniek_instroom",
    "wo_beta_instroom",
    "hbo_techniek_ingeschreven",
    "wo_beta_ingeschreven",
    "hbo_techniek_gediplomeerd",
    "wo_beta_gediplomeerd",
]


def test_project_config_defines_every_indicator_and_the_default_targets() -> None:
    config = load_indicator_config()
    assert set(REQUIRED) <= set(config.indicators)
    for ind in ("mbo_techniek", "hbo_techniek_instroom", "wo_beta_instroom"):
        meta = indicator_meta(ind, config)
        assert (meta["target"], meta["target_year"]) == (0.40, 2020)
    assert indicator_meta("vo_havo_n", config)["target"] is None
    assert indicator_meta("mbo_techniek__aandeel_vrouwen", config)["target"] is None


def _write(tmp_path: Path, mutate) -> Path:
    raw = yaml.safe_load(load_indicator_config().path.read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _set(*keys, value):
    def mutate(raw: dict) -> None:
        node = raw
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return mutate


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            _set(
                "indicators", "mbo_techniek", "numerator", value={"column": "sector", "in": ["x"]}
            ),
            r"indicator 'mbo_techniek' numerator: unknown column 'sector'",
        ),
        (
            _set("targets", "mbo_techniekk", value={"value": 0.4, "year": 2020}),
            r"targets: unknown indicator id 'mbo_techniekk'",
        ),
        (
            _set("targets", "mbo_techniek", "value", value=40),
            r"targets\.mbo_techniek: value must be a share",
        ),
        (
            _set(
                "indicators",
                "vo_havo_n",
                "numerator",
                value={"column": "programme", "regex": "N&["},
            ),
            r"indicator 'vo_havo_n' numerator: invalid regex",
        ),
        (
            _set("indicators", "vo_havo_n", "level", value="hava"),
            r"indicator 'vo_havo_n': unknown level 'hava'",
        ),
        (
            _set("indicators", "vo_havo_n", "measure", value="pupils"),
            r"indicator 'vo_havo_n': dataset 'duo_vo_exam' has measure",
        ),
        (
            _set("indicators", "vo_havo_n", "teller", value="x"),
            r"indicator 'vo_havo_n': unknown key\(s\) \['teller'\]",
        ),
        (
            _set("indicators", "vo_havo4_n", "leerjaar", value="4"),
            r"indicator 'vo_havo4_n': leerjaar must be a whole number",
        ),
        (_set("indicators", "Bad-Id", value={}), r"indicator 'Bad-Id': an id is lower case"),
        (_set("settings", "imputed_value", value=5), r"settings\.imputed_value must lie in 1\.\.4"),
        (
            _set("indicators", "mbo_techniek_bbl", "parent", value="mbo"),
            r"parent 'mbo' is not defined",
        ),
    ],
)
def test_config_errors_name_file_and_entry(tmp_path, mutate, message) -> None:
    path = _write(tmp_path, mutate)
    with pytest.raises(ConfigError, match=message) as info:
        load_indicator_config(path)
    assert str(path) in str(info.value)


def test_an_analyst_adds_an_indicator_and_a_regional_target_without_code(tmp_path) -> None:
    def mutate(raw: dict) -> None:
        raw["indicators"]["hbo_ict_instroom"] = {
            "naam": "Instroom hbo in ICT",
            "omschrijving": "Test.",
            "level": "hbo",
            "dataset": "duo_ho_first_years",
            "measure": "first_years",
            "numerator": {
                "all": [
                    {"column": "field", "in": ["techniek"]},
                    {"not": {"column": "gender", "in": ["onbekend"]}},
                ]
            },
            "bron": "DUO",
        }
        raw["targets"]["hbo_techniek_instroom"]["regions"] = {"PV23": 0.5}

    config = load_indicator_config(_write(tmp_path, mutate))
    store = make_store(HBO)
    table = compute_indicators(store, REGION_TABLE, config, membership=membership(store))
    # techniek minus onbekend: 40 of 100 in Overijssel 2020.
    assert pick(table, "hbo_ict_instroom", "PV23", 2020)["share"] == pytest.approx(0.4)
    assert config.target("hbo_techniek_instroom", "PV23", "Overijssel").value == 0.5
    assert config.target("hbo_techniek_instroom", "PV23", "Overijssel").year == 2020
    assert config.target("hbo_techniek_instroom", "PV25", "Gelderland").value == 0.4


def test_sanity_table_gap_to_reference_range() -> None:
    from analysis.store.sanity import sanity_table

    rows = [
        ("vo_havo4_n", 2019, 0.402),  # reference 37%: gap +3.2 pp -> EXPLAIN
        ("vo_vwo4_n", 2019, 0.6018),  # reference 60%: +0.18 pp -> ok
        ("mbo_techniek", 2018, 0.30),
        ("mbo_techniek", 2019, 0.125),  # inside 11-14%: gap 0 (the latest year is used)
    ]
    table = pd.DataFrame(
        [
            {
                "indicator": ind,
                "region_level": "nederland",
                "gender": "totaal",
                "year": year,
                "schooljaar": f"{year}/{(year + 1) % 100:02d}",
                "share": share,
                "share_low": share,
                "share_high": share,
            }
            for ind, year, share in rows
        ]
    )
    out = sanity_table(table, load_indicator_config()).set_index("indicator")
    assert out.loc["vo_havo4_n", "gap_pp"] == pytest.approx(3.2)
    assert out.loc["vo_havo4_n", "check"] == "EXPLAIN"
    assert out.loc["vo_vwo4_n", "check"] == "ok"
    assert (
        out.loc["mbo_techniek", "gap_pp"] == 0
        and out.loc["mbo_techniek", "schooljaar"] == "2019/20"
    )
    assert pd.isna(out.loc["vo_havo_n", "share"])  # no data for it in this table


def test_methodology_documents_every_configured_indicator() -> None:
    from analysis import paths

    text = (paths.DOCS_DIR / "methodology.md").read_text(encoding="utf-8")
    missing = [i for i in load_indicator_config().indicators if f"`{i}`" not in text]
    assert not missing, f"docs/methodology.md does not define {missing}"


# --- property: the engine's sums equal plain sums over the rows -----------------------------

cell = st.tuples(
    st.sampled_from(["9001", "9003", "9004", None]),
    st.sampled_from(["techniek", "economie", "groen"]),
    st.sampled_from(["man", "vrouw"]),
    st.one_of(st.none(), st.integers(min_value=0, max_value=60)),  # None = '<5'
)


@given(cells=st.lists(cell, min_size=1, max_size=25))
@settings(max_examples=40, deadline=None)
def test_engine_matches_plain_sums(cells) -> None:
    rows = [
        {
            "dataset": "duo_ho_first_years",
            "measure": "first_years",
            "level": "hbo",
            "field": field,
            "gender": gender,
            "count": count,
            "year": 2019,
            "municipality": municipality,
        }
        for municipality, field, gender, count in cells
    ]
    table = compute(rows)
    row = pick(table, "hbo_techniek_instroom", "PV23", 2019)
    in_region = [c for c in cells if c[0] == "9001"]
    a = sum(c[3] for c in in_region if c[1] == "techniek" and c[3] is not None)
    b = sum(c[3] for c in in_region if c[1] != "techniek" and c[3] is not None)
    kn = sum(1 for c in in_region if c[1] == "techniek" and c[3] is None)
    ko = sum(1 for c in in_region if c[1] != "techniek" and c[3] is None)
    assert row["suppressed_cells"] == kn + ko
    if a + b + kn + ko == 0:
        assert pd.isna(row["share"])
        return
    assert row["share_low"] == pytest.approx((a + kn) / (a + kn + b + 4 * ko))
    assert row["share_high"] == pytest.approx((a + 4 * kn) / (a + 4 * kn + b + ko))
    assert row["share_low"] <= row["share"] <= row["share_high"]
    national = pick(table, "hbo_techniek_instroom", "NL", 2019)
    assert national["suppressed_cells"] == sum(1 for c in cells if c[3] is None)


# --- real data: the processed store against the raw file, by another route ------------------


@pytest.mark.realdata
def test_real_hbo_instroom_matches_raw_csv(shared_data, real_processed) -> None:
    import csv

    from analysis import paths

    table_file = real_processed / paths.INDICATORS_FILE
    raw = shared_data / "duo" / "ho" / "hbo_eerstejaars_domein_hbo_2015-2019.csv"
    with open(raw, encoding="utf-8", newline="") as handle:
        records = [r for r in csv.reader(handle, delimiter=";") if len(r) >= 18]
    header, body = records[0], records[1:]
    col = {name: i for i, name in enumerate(header)}

    def share(province: str | None) -> float:
        rows = [r for r in body if province is None or r[col["PROVINCIE"]] == province]
        total = sum(int(r[col["2019"]] or 0) for r in rows)
        tech = sum(
            int(r[col["2019"]] or 0) for r in rows if r[col["CROHO ONDERDEEL"]] == "techniek"
        )
        return tech / total

    table = pd.read_parquet(table_file)
    national = pick(table, "hbo_techniek_instroom", "NL", 2019)
    assert national["share"] == pytest.approx(share(None))
    overijssel = pick(table, "hbo_techniek_instroom", "PV23", 2019)
    assert overijssel["share"] == pytest.approx(share("Overijssel"))
