"""Bounds and point estimates of shares with suppressed (<5) cells, by hand and by brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.indicators.suppression import count_bounds, disclosive, share_bounds


def test_count_bounds_by_hand() -> None:
    # 10 known + two <5 cells: point 10 + 2 x 2.5 = 15, low 10 + 2 = 12, high 10 + 8 = 18.
    point, low, high = count_bounds([10], [2])
    assert (point[0], low[0], high[0]) == (15, 12, 18)


def test_share_bounds_by_hand() -> None:
    # numerator: 28 known + one <5; rest of the denominator: 30 known + one <5.
    # low = (28+1)/(28+1+30+4) = 29/63; high = (28+4)/(28+4+30+1) = 32/63; point = 30.5/63.
    r = share_bounds([28], [30], [1], [1])
    assert r["share_low"][0] == pytest.approx(29 / 63)
    assert r["share"][0] == pytest.approx(30.5 / 63)
    assert r["share_high"][0] == pytest.approx(32 / 63)
    assert (r["numerator"][0], r["denominator"][0]) == (30.5, 63)


def test_share_bounds_with_imputed_value_2() -> None:
    # same cells, imputing 2: (28+2)/(28+2+30+2) = 30/62.
    assert share_bounds([28], [30], [1], [1], imputed=2)["share"][0] == pytest.approx(30 / 62)


def test_edge_cases() -> None:
    r = share_bounds([0, 0, 0, 5], [0, 10, 0, 0], [0, 0, 1, 0], [0, 0, 0, 2])
    # no denominator at all -> no share
    assert math.isnan(r["share"][0]) and math.isnan(r["share_low"][0])
    # 0 of 10 -> 0 exactly
    assert (r["share_low"][1], r["share"][1], r["share_high"][1]) == (0, 0, 0)
    # the whole denominator is one suppressed numerator cell -> 1 whatever its value
    assert (r["share_low"][2], r["share"][2], r["share_high"][2]) == (1, 1, 1)
    # 5 known in the numerator, two <5 elsewhere: low 5/13, point 5/10, high 5/7
    assert (r["share_low"][3], r["share"][3], r["share_high"][3]) == pytest.approx(
        (5 / 13, 0.5, 5 / 7)
    )


def test_imputed_value_outside_1_to_4_is_refused() -> None:
    with pytest.raises(ValueError, match=r"must lie in 1\.\.4"):
        share_bounds([1], [1], [1], [1], imputed=0)
    with pytest.raises(ValueError, match="non-negative"):
        share_bounds([-1], [1], [0], [0])


def test_disclosive_only_for_small_values_resting_on_suppressed_cells() -> None:
    # one <5 alone (2.5): hidden; a known 3: shown (the source published it);
    # 2 x <5 = 5.0: not below 5; 2.5 + 1 known = 3.5 with a <5: hidden.
    assert list(disclosive([2.5, 3, 5.0, 3.5], [1, 0, 2, 1])) == [True, False, False, True]


counts = st.integers(min_value=0, max_value=10_000)
few = st.integers(min_value=0, max_value=3)
imputed = st.floats(min_value=1, max_value=4, allow_nan=False)


@given(a=counts, b=counts, kn=few, ko=few, v=imputed)
@settings(max_examples=300, deadline=None)
def test_point_estimate_lies_within_bounds(a, b, kn, ko, v) -> None:
    r = share_bounds([a], [b], [kn], [ko], imputed=v)
    low, share, high = r["share_low"][0], r["share"][0], r["share_high"][0]
    if a + b + kn + ko == 0:
        assert math.isnan(low) and math.isnan(share) and math.isnan(high)
    else:
        assert 0 <= low <= share <= high <= 1


@given(a=st.integers(0, 50), b=st.integers(0, 50), kn=st.integers(0, 2), ko=st.integers(0, 2))
@settings(max_examples=150, deadline=None)
def test_bounds_are_the_extremes_over_every_possible_true_value(a, b, kn, ko) -> None:
    """Enumerate every value 1..4 of every suppressed cell: the bounds are the min and max."""
    if a + b + kn + ko == 0:
        return
    shares = []
    for values in itertools.product(range(1, 5), repeat=kn + ko):
        num = a + sum(values[:kn])
        den = num + b + sum(values[kn:])
        shares.append(num / den)
    r = share_bounds([a], [b], [kn], [ko])
    assert r["share_low"][0] == pytest.approx(min(shares))
    assert r["share_high"][0] == pytest.approx(max(shares))


def test_vectorised_over_arrays() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 100, 1000), rng.integers(0, 100, 1000)
    kn, ko = rng.integers(0, 4, 1000), rng.integers(0, 4, 1000)
    r = share_bounds(a, b, kn, ko)
    ok = ~np.isnan(r["share"])
    assert (r["share_low"][ok] <= r["share"][ok]).all()
    assert (r["share"][ok] <= r["share_high"][ok]).all()
    assert np.array_equal(np.isnan(r["share"]), (a + b + kn + ko) == 0)
