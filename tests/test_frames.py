"""``frames.row_groups`` numbers distinct rows as pandas' groupby does."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.frames import row_groups


def test_row_groups_number_distinct_rows_in_order_of_first_appearance() -> None:
    keys = pd.DataFrame(
        {
            "a": pd.array(["x", "y", "x", None, "x", None, "y"], dtype="string"),
            "b": pd.array(["1", "1", "1", "2", None, "2", "1"], dtype="string"),
        }
    )
    # By hand: (x,1) (y,1) (x,1) (NA,2) (x,NA) (NA,2) (y,1)
    assert row_groups(keys).tolist() == [0, 1, 0, 2, 3, 2, 1]
    expected = keys.groupby(["a", "b"], dropna=False, sort=False).ngroup().to_numpy()
    np.testing.assert_array_equal(row_groups(keys), expected)


def test_row_groups_of_many_columns_and_rows_match_groupby() -> None:
    rng = np.random.default_rng(7)
    keys = pd.DataFrame(
        {name: pd.array(rng.choice(["p", "q", "r", None], 5000), dtype="string") for name in "abcd"}
    )
    expected = keys.groupby(list(keys), dropna=False, sort=False).ngroup().to_numpy()
    np.testing.assert_array_equal(row_groups(keys), expected)
