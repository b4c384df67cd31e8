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
from hypothesis import given, settings
from hypothesis import strategies as st
from indicator_fixtures import HBO, REGION_TABLE, S, make_store, membership, pick

from analysis.indicators.engine import (
    compute_indicators,
    latest_year,
    load_indicator_config,
)
from analysis.store import schema


def compute(rows: list[dict]) -> pd.DataFrame:
    store = make_store(rows)
    return compute_indicators(
        store, REGION_TABLE, load_indicator_config(), membership=membership(store)
    )


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


HAVO = [
    *exam("9001", "HAVO - N&T", 20, S, 23),
    *exam("9001", "HAVO - N&G", 8, 12, 20),
    *exam("9001", "HAVO - E&M", 30, 27, 57),
    *exam("9001", "HAVO - N&T / N&G", S, 6, 9),
    *exam("9001", "HAVO - E&M / C&M", S, S, 7),
    *exam("9004", "HAVO - N&T", 10, 5, 15),
    *exam("9004", "HAVO - C&M", 5, 15, 20),
]


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


cell = st.tuples(
    st.sampled_from(["9001", "9003", "9004", None]),
    st.sampled_from(["techniek", "economie", "groen"]),
    st.sampled_from(["man", "vrouw"]),
    st.one_of(st.none(), st.integers(min_value=0, max_value=60)),  # None = '<5'
)


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
    # The CROHO-sector definition lives on as the _croho variant (the monitor's definition
    # is checked against the raw files in test_classification_real.py).
    national = pick(table, "hbo_techniek_instroom_croho", "NL", 2019)
    assert national["share"] == pytest.approx(share(None))
    overijssel = pick(table, "hbo_techniek_instroom_croho", "PV23", 2019)
    assert overijssel["share"] == pytest.approx(share("Overijssel"))


def test_grouped_rows_give_the_same_table_as_rows_expanded_to_regions(
    demo_processed: Path,
) -> None:
    """The engine sums per row group (``regions.region_groups``); the long route, every row
    expanded to each of its regions (``regions.region_rows``), must give the same table."""
    from analysis import regions

    store = pd.read_parquet(demo_processed / "store.parquet")
    table = pd.read_parquet(demo_processed / "regions.parquet")
    config = load_indicator_config()
    grouped = compute_indicators(store, table, config)
    expanded = compute_indicators(
        store, table, config, membership=regions.region_rows(store, table)
    )
    assert len(grouped) > 1000
    assert (grouped["region_level"] == "gemeente").any()
    pd.testing.assert_frame_equal(grouped, expanded)
