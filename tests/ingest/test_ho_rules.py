"""The content rules that decide an hbo/wo row's level, in order."""

from __future__ import annotations

import pandas as pd

from analysis.ingest import ho_rules


def test_row_levels_rules_in_order() -> None:
    table = [
        # code, degree, institution type, expected
        ("34267", "bachelor", "reguliere inst.", "hbo"),
        ("44001", "master", "reguliere inst.", "hbo"),
        ("80009", "associate degree", "reguliere inst.", "hbo"),
        ("50700", "bachelor", "reguliere inst.", "wo"),
        ("69312", "master", "reguliere inst.", "wo"),  # a hogeschool's wo master stays wo
        ("06551", "ongedeelde opleiding", "reguliere inst.", "wo"),
        ("34000", "wo master", None, "wo"),  # SOORT DIPLOMA is asked first
        (None, "hbo associate degree", None, "hbo"),
        (None, "associate degree", None, "hbo"),
        (None, "postmaster", None, "wo"),
        (None, "bachelor", "WO kleine univ.", "wo"),
        (None, "bachelor", "reguliere inst.", None),
        ("75000", "master", "reguliere inst.", None),
    ]
    got = ho_rules.row_levels(
        pd.Series([t[0] for t in table], dtype="string"),
        pd.Series([t[1] for t in table], dtype="string"),
        pd.Series([t[2] for t in table], dtype="string"),
    )
    assert [None if pd.isna(v) else v for v in got] == [t[3] for t in table]
