"""The sanity table: the gap between computed shares and published reference ranges."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.indicators.engine import (
    load_indicator_config,
)


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
