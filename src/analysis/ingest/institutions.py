"""DUO "01 Instellingen hbo en wo": the address and regions of every ho institution.

A reference file (institution -> municipality). It is told apart from DUO's vo location
file, which has a similar header, by ``SOORT HO`` and the absence of ``VESTIGINGSNUMMER``.
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import DataError
from analysis.ingest.rawfile import Sniffed, SourceFormat, read_rows, require_columns

COLUMNS = {
    "BRIN NUMMER": "institution_code",
    "INSTELLINGSNAAM": "institution_name",
    "PLAATSNAAM": "place",
    "GEMEENTENUMMER": "municipality_code",
    "GEMEENTENAAM": "municipality_name",
    "PROVINCIE": "province_raw",
    "COROPGEBIED CODE": "corop_code_raw",
    "COROPGEBIED NAAM": "corop_name_raw",
}
LEVELS = {"hbo": "hbo", "wo": "wo"}


def read_institutions(sniffed: Sniffed) -> pd.DataFrame:
    """institution_code, institution_name, place, municipality_code, ..., level (hbo/wo)."""
    require_columns(sniffed, ["SOORT HO", *COLUMNS])
    raw = read_rows(sniffed)
    frame = raw[list(COLUMNS)].rename(columns=COLUMNS)
    frame = frame.apply(lambda column: column.str.strip())
    code = frame["municipality_code"]
    bad = ~code.str.fullmatch(r"\d{1,4}").fillna(False)
    level = raw["SOORT HO"].str.strip().str.lower().map(LEVELS)
    for column, rows, expected in (
        ("GEMEENTENUMMER", bad, "a municipality code of up to 4 digits"),
        ("SOORT HO", level.isna(), "'hbo' or 'wo'"),
    ):
        if rows.any():
            first = rows.idxmax()
            raise DataError(
                sniffed.path,
                f"value {raw.at[first, column]!r}",
                line=int(raw.at[first, "source_row"]),
                column=column,
                expected=expected,
            )
    frame["municipality_code"] = code.str.zfill(4)
    frame["level"] = level.astype("string")
    frame["source_row"] = raw["source_row"]
    return frame


FORMATS: list[SourceFormat] = [
    SourceFormat(
        id="duo_ho_institutions",
        dataset="duo_ho_institutions",
        role="reference",
        description='DUO "01 Instellingen hbo en wo" (addresses and regions)',
        signature="SOORT HO;PROVINCIE;BEVOEGD GEZAG NUMMER;BRIN NUMMER;INSTELLINGSNAAM;...",
        matches=lambda s: (
            s.kind == "csv"
            and {"SOORT HO", "BRIN NUMMER", "GEMEENTENUMMER"} <= set(s.header)
            and "VESTIGINGSNUMMER" not in s.header
        ),
        read=read_institutions,
    ),
]
