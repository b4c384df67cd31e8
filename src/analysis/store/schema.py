"""The contract between readers, the processed store and the indicator engine.

A reader turns one raw file into a *tidy count frame* (``COUNT_COLUMNS``). Processing
adds the region columns (``REGION_COLUMNS``) and writes the *store*. Indicators only
ever read the store, so they never know about file formats.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pandera.pandas as pa

# "vo": pupils in mixed years (brugjaar, havo/vwo 3, praktijkonderwijs), no single level.
LEVELS = ("vo", "vmbo", "havo", "vwo", "mbo", "hbo", "wo")
# Measures, as in the store. ``students`` is mbo participants, ``enrolled`` is ho enrolment.
MEASURES = ("exam_candidates", "pupils", "students", "first_years", "enrolled", "graduates")
# ``totaal`` rows exist only where the source publishes a TOTAAL column, so that a
# published total can serve as the denominator instead of a sum of suppressed parts.
GENDERS = ("man", "vrouw", "onbekend", "totaal")
# The cross-tabulation of its release a file is. DUO's old portal published one table with
# every dimension ('full'); the new portal publishes one release as several resources, each
# with one dimension: by gender, by programme, by opleidingsvorm ('pathway'), or by sector
# only. Cuts of one release describe the same students and are never added up.
CUTS = ("full", "gender", "programme", "pathway", "sector")

# What a reader returns for a file holding counts; one row per published cell.
COUNT_COLUMNS: dict[str, str] = {
    "dataset": "string",  # e.g. duo_vo_exam, duo_ho_first_years; see analysis.ingest
    "release": "string",  # the release format the reader recognised
    "cut": "string",  # one of CUTS
    "level": "string",  # one of LEVELS
    "measure": "string",  # one of MEASURES
    "schooljaar": "string",  # '2019/20'
    "year": "Int64",  # start year of the school year: 2019
    "institution_code": "string",  # BRIN / INSTELLINGSCODE
    "location_code": "string",  # BRIN + vestigingsnummer ('18BR00'); <NA> where absent
    "institution_name": "string",
    "programme_code": "string",  # opleidingscode / elementcode / kwalificatiecode
    "programme": "string",  # opleidingsnaam / profile label, as in the source
    "field": "string",  # CROHO onderdeel / MBO SECTOR / VMBO SECTOR, as in the source
    "subfield": "string",  # CROHO subonderdeel / DOMEIN / AFDELING, as in the source
    "leerjaar": "Int64",  # vo leerjaar (pupils); <NA> elsewhere
    "qualification_level": "string",  # mbo kwalificatieniveau '1'..'4'
    "pathway": "string",  # mbo TYPE MBO (BOLVT/BBL/BOLDT), ho OPLEIDINGSVORM, vo onderwijstype
    "degree": "string",  # ho TYPE HOGER ONDERWIJS / SOORT DIPLOMA (bachelor, master, ...)
    "gender": "string",  # one of GENDERS
    "count": "Int64",  # <NA> when suppressed (or when the source cell is empty: see flags)
    "suppressed": "boolean",  # True for '<5' (or -1 in the new DUO portal): 1..4, unknown
    "province_raw": "string",  # region hints exactly as in the source
    "municipality_code_raw": "string",  # 4 digits, leading zeros kept
    "municipality_name_raw": "string",
    "place_raw": "string",
    "source_row": "Int64",  # 1-based physical line (CSV) or record number (JSON)
}

# Added by processing (analysis.regions.attribute).
REGION_COLUMNS: dict[str, str] = {
    "source_file": "string",  # path relative to the raw dir
    # Set by processing (analysis.store.releases): the file of the newer release that is counted for
    # this row's population (dataset, measure, level, year) instead; <NA> when the row counts.
    "superseded_by": "string",
    "municipality_code": "string",  # '0014' (current CBS indeling)
    "municipality": "string",  # current official name
    "province_code": "string",  # 'PV20'
    "province": "string",  # official spelling: 'Fryslân', 'Noord-Holland'
    "landsdeel": "string",  # Techniekpact landsdeel (config/regions.yaml)
    "corop_code": "string",  # 'CR01'
    "corop": "string",
    # how the row was placed: location_code | municipality_code | municipality_name | place |
    # province | unplaced
    "attribution": "string",
    "unplaced_reason": "string",  # why a row could not be placed; <NA> when placed
}

STORE_COLUMNS: dict[str, str] = {**COUNT_COLUMNS, **REGION_COLUMNS}

# The indicator table (analysis.indicators.engine), one row per indicator x region x year x gender.
INDICATOR_COLUMNS: dict[str, str] = {
    "indicator": "string",
    "region_level": "string",  # nederland | landsdeel | provincie | corop | <custom level>
    "region": "string",  # display name
    "region_code": "string",
    "year": "Int64",
    "schooljaar": "string",
    "gender": "string",  # totaal | man | vrouw
    "numerator": "Float64",  # point estimate (suppressed cells imputed, see methodology)
    "denominator": "Float64",
    "share": "Float64",  # 0..1
    "share_low": "Float64",
    "share_high": "Float64",
    "suppressed_cells": "Int64",
    # How a classified HO indicator was applied: programmes | subonderdelen | mixed; <NA> for
    # indicators without a programme classification (analysis.indicators.engine).
    "ho_definition": "string",
    "cut": "string",  # the cut of its release the figure counts (CUTS; analysis.indicators.engine)
}


def schooljaar(year: int) -> str:
    """The school year that starts in ``year``, as the store writes it: 2019 -> '2019/20'."""
    return f"{year}/{(year + 1) % 100:02d}"


def schooljaar_column(years: pd.Series) -> pd.Series:
    """``schooljaar`` of each year, as a string column (a missing year stays <NA>)."""
    years = years.astype("Int64")
    labels = {year: schooljaar(int(year)) for year in years.dropna().unique()}
    return years.map(labels).astype("string")


def empty_frame(columns: dict[str, str]) -> pd.DataFrame:
    """An empty frame with the declared dtypes."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


def conform(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Select and cast ``columns`` in declared order; missing optional columns become <NA>."""
    out = {}
    for name, dtype in columns.items():
        out[name] = (
            frame[name].astype(dtype)
            if name in frame
            else pd.Series(pd.NA, index=frame.index, dtype=dtype)
        )
    return pd.DataFrame(out, index=frame.index)


def _matches(pattern: str) -> pa.Check:
    """``Check.str_matches``, tested once per distinct value: a column holds few of them."""
    import pandera.pandas as pa

    regex = re.compile(pattern)

    def check(values: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(values)
        hits = np.array([bool(regex.match(str(u))) for u in uniques] + [True], dtype=bool)
        return pd.Series(hits[codes], index=values.index)

    return pa.Check(check, name=f"str_matches('{pattern}')")


def _count_checks() -> dict[str, pa.Column]:
    import pandera.pandas as pa

    return {
        "dataset": pa.Column("string"),
        "release": pa.Column("string"),
        "cut": pa.Column("string", pa.Check.isin(CUTS)),
        "level": pa.Column("string", pa.Check.isin(LEVELS)),
        "measure": pa.Column("string", pa.Check.isin(MEASURES)),
        "schooljaar": pa.Column("string", _matches(r"^\d{4}/\d{2}$")),
        "year": pa.Column("Int64", pa.Check.in_range(1990, 2100)),
        "gender": pa.Column("string", pa.Check.isin(GENDERS)),
        "count": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "suppressed": pa.Column("boolean"),
        "municipality_code_raw": pa.Column("string", _matches(r"^\d{4}$"), nullable=True),
        "source_row": pa.Column("Int64", pa.Check.ge(1)),
    }


def _build_schemas() -> dict[str, Any]:
    """The pandera schemas; built on first use, since importing pandera takes about a second
    and the report notebooks, which only read the store, never need it."""
    import pandera.pandas as pa

    count_schema = pa.DataFrameSchema(
        _count_checks(),
        name="count contract (analysis.store.schema.COUNT_SCHEMA)",
        checks=[
            # A suppressed cell never carries a number; a count is either known or suppressed.
            pa.Check(
                lambda df: ~(df["suppressed"] & df["count"].notna()), name="suppressed_has_no_count"
            ),
        ],
        strict=False,
        coerce=False,
    )

    # The count columns were validated file by file (COUNT_SCHEMA, ``ingest.cells.validate``)
    # and the store is their concatenation: it checks only what attribution added.
    store_schema = pa.DataFrameSchema(
        name="store contract (analysis.store.schema.STORE_SCHEMA)",
        columns={
            "source_file": pa.Column("string"),
            "province_code": pa.Column("string", _matches(r"^PV\d{2}$"), nullable=True),
            "corop_code": pa.Column("string", _matches(r"^CR\d{2}$"), nullable=True),
            "attribution": pa.Column(
                "string",
                pa.Check.isin(
                    [
                        "location_code",
                        "municipality_code",
                        "municipality_name",
                        "place",
                        "province",
                        "unplaced",
                    ]
                ),
            ),
        },
        checks=[
            pa.Check(
                lambda df: (df["attribution"] == "unplaced") == df["unplaced_reason"].notna(),
                name="unplaced_rows_have_a_reason",
            ),
        ],
        strict=False,
    )
    return {"COUNT_SCHEMA": count_schema, "STORE_SCHEMA": store_schema}


_SCHEMAS: dict[str, Any] = {}


def __getattr__(name: str) -> Any:
    """``COUNT_SCHEMA`` and ``STORE_SCHEMA``, built on first access (PEP 562)."""
    if name in ("COUNT_SCHEMA", "STORE_SCHEMA"):
        if not _SCHEMAS:
            _SCHEMAS.update(_build_schemas())
        return _SCHEMAS[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
