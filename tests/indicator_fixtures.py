"""A tiny store and region table for the indicator engine tests (values set by hand)."""

from __future__ import annotations

import pandas as pd

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


def pick(table: pd.DataFrame, indicator: str, code: str, year: int, gender: str = "totaal"):
    hit = table[
        (table["indicator"] == indicator)
        & (table["region_code"] == code)
        & (table["year"] == year)
        & (table["gender"] == gender)
    ]
    assert len(hit) == 1, (indicator, code, year, gender, len(hit))
    return hit.iloc[0]


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
