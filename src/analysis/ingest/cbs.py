"""CBS files: the woonplaats -> gemeente -> COROP table, and two metadata files.

The woonplaats table (CBS 85755NED "Gebieden in Nederland" joined with 85877NED
"Woonplaatsen in Nederland") is the spine of the region hierarchy: it gives every
current municipality its COROP region and maps place names (mbo, vo) to municipalities.
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import DataError
from analysis.ingest.rawfile import Sniffed, SourceFormat, read_records, read_rows, require_columns

WOONPLAATS_HEADER = (
    "Woonplaatscode",
    "Woonplaats",
    "Gemeentecode",
    "Gemeente",
    "COROP-gebiedcode",
    "COROP-gebied",
)
# CBS "Gemeentelijke indeling op 1 januari" (gemeenten alfabetisch), one list per year.
MUNICIPALITY_LIST_HEADER = ("Gemeentecode", "Gemeentenaam", "Provinciecode")
OCCUPATIONS_HEADER = ("code", "title", "level", "jobs_x1000")
CATALOGUE_KEYS = ("leverancier", "bron", "_cbs_id", "_dimensies")


def _digits(frame: pd.DataFrame, column: str, width: int, sniffed: Sniffed) -> pd.Series:
    """A zero-padded code column; a non-numeric cell is an error naming its line."""
    values = frame[column].str.strip()
    bad = ~values.str.fullmatch(rf"\d{{1,{width}}}").fillna(False)
    if bad.any():
        first = bad.idxmax()
        raise DataError(
            sniffed.path,
            f"code {frame.at[first, column]!r} is not numeric",
            line=int(frame.at[first, "source_row"]),
            column=column,
            expected=f"a code of at most {width} digits",
        )
    return values.str.zfill(width)


def read_woonplaatsen(sniffed: Sniffed) -> pd.DataFrame:
    """place_code, place, municipality_code ('0014'), municipality, corop_code ('CR01'), corop."""
    require_columns(sniffed, WOONPLAATS_HEADER)
    raw = read_rows(sniffed)
    frame = pd.DataFrame(
        {
            "place_code": _digits(raw, "Woonplaatscode", 4, sniffed),
            "place": raw["Woonplaats"].str.strip(),
            "municipality_code": _digits(raw, "Gemeentecode", 4, sniffed),
            "municipality": raw["Gemeente"].str.strip(),
            "corop_code": "CR" + _digits(raw, "COROP-gebiedcode", 2, sniffed),
            "corop": raw["COROP-gebied"].str.strip(),
            "source_row": raw["source_row"],
        }
    )
    conflicts = frame.groupby("municipality_code")["corop_code"].nunique()
    if (conflicts > 1).any():
        code = conflicts[conflicts > 1].index[0]
        raise DataError(
            sniffed.path,
            f"municipality {code} is given more than one COROP region",
            column="COROP-gebiedcode",
            expected="one COROP region per municipality",
        )
    frame.attrs["municipalities"] = int(frame["municipality_code"].nunique())
    return frame


def read_municipality_list(sniffed: Sniffed) -> pd.DataFrame:
    """listed_code ('0014'), listed_name, listed_province_code ('PV20') of one indeling.

    The columns are named apart from the current-indeling frames on purpose: a list of
    another year must not be taken for today's municipalities. The reference uses it to
    name former municipalities and to check the historic mergers.
    """
    require_columns(sniffed, MUNICIPALITY_LIST_HEADER)
    raw = read_rows(sniffed)
    frame = pd.DataFrame(
        {
            "listed_code": _digits(raw, "Gemeentecode", 4, sniffed),
            "listed_name": raw["Gemeentenaam"].str.strip(),
            "listed_province_code": "PV" + _digits(raw, "Provinciecode", 2, sniffed),
            "source_row": raw["source_row"],
        }
    )
    repeated = frame["listed_code"].duplicated()
    if repeated.any():
        first = repeated.idxmax()
        raise DataError(
            sniffed.path,
            f"municipality code {frame.at[first, 'listed_code']} is listed twice",
            line=int(frame.at[first, "source_row"]),
            column="Gemeentecode",
            expected="each municipality once per indeling",
        )
    frame.attrs["municipalities"] = len(frame)
    return frame


def _has_header(columns: tuple[str, ...]):
    return lambda s: s.kind == "csv" and set(columns) <= set(s.header)


FORMATS: list[SourceFormat] = [
    SourceFormat(
        id="cbs_woonplaatsen_2024",
        dataset="cbs_woonplaatsen",
        role="reference",
        description="CBS woonplaatsen -> gemeente -> COROP (85755NED/85877NED)",
        signature=",".join(WOONPLAATS_HEADER),
        matches=_has_header(WOONPLAATS_HEADER),
        read=read_woonplaatsen,
    ),
    SourceFormat(
        id="cbs_gemeenten_alfabetisch",
        dataset="cbs_municipality_list",
        role="reference",
        description="CBS gemeentelijke indeling op 1 januari (gemeenten alfabetisch)",
        signature=",".join(MUNICIPALITY_LIST_HEADER) + ",...",
        matches=_has_header(MUNICIPALITY_LIST_HEADER),
        read=read_municipality_list,
    ),
    SourceFormat(
        id="cbs_occupations_nljobs_2023",
        dataset="cbs_occupations",
        role="metadata",
        description="CBS werkzame beroepsbevolking per beroep (85276NED, national; metadata)",
        signature=",".join(OCCUPATIONS_HEADER),
        matches=_has_header(OCCUPATIONS_HEADER),
        read=read_rows,
    ),
    SourceFormat(
        id="cbs_table_catalogue",
        dataset="cbs_table_catalogue",
        role="metadata",
        description="catalogue of CBS education tables (JSON records; metadata)",
        signature="JSON records with " + ", ".join(CATALOGUE_KEYS),
        matches=lambda s: s.kind == "json" and set(CATALOGUE_KEYS) <= set(s.json_keys),
        read=read_records,
    ),
]
