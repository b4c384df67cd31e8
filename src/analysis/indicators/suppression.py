"""Arithmetic with suppressed cells: a share with a point estimate and worst-case bounds.

DUO publishes counts 1..4 as ``<5``. Such a cell is unknown, not zero, so every sum or
share that contains one is an interval. The formulas (see docs/methodology.md):

A share is ``(a + x) / (a + x + b + y)`` where ``a`` is the known numerator count, ``b``
the known count in the rest of the denominator, and ``x`` / ``y`` the unknown sums of the
``k_num`` suppressed numerator cells and ``k_other`` suppressed other denominator cells.
Each suppressed cell lies in 1..4, so ``x`` lies in ``[k_num, 4 k_num]`` and ``y`` in
``[k_other, 4 k_other]``. The share rises with ``x`` and falls with ``y``; a suppressed
numerator cell is also a denominator cell, so it moves both at once. Hence::

    low  = (a + 1 k_num) / (a + 1 k_num + b + 4 k_other)
    high = (a + 4 k_num) / (a + 4 k_num + b + 1 k_other)
    point = (a + v k_num) / (a + v k_num + b + v k_other),   v = IMPUTED_VALUE

``v`` lies in 1..4, so ``low <= point <= high`` always. Shares are computed as
``1 / (1 + rest / part)``, built only from correctly rounded, monotone operations, so the
ordering also holds exactly in floating point.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SUPPRESSED_MIN = 1
SUPPRESSED_MAX = 4
# The imputation for the point estimate: the midpoint of 1..4 (mean of a uniform 1..4).
IMPUTED_VALUE = 2.5
# A count below this value that rests on suppressed cells is never published as a number.
DISCLOSURE_THRESHOLD = 5

ArrayLike = npt.ArrayLike
FloatArray = npt.NDArray[np.float64]


def _check_imputed(imputed: float) -> None:
    if not SUPPRESSED_MIN <= imputed <= SUPPRESSED_MAX:
        raise ValueError(
            f"imputed value {imputed} for a suppressed cell must lie in "
            f"{SUPPRESSED_MIN}..{SUPPRESSED_MAX}, or the bounds would not hold"
        )


def count_bounds(
    known: ArrayLike, suppressed_cells: ArrayLike, imputed: float = IMPUTED_VALUE
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(point, low, high) of a sum of known counts plus ``suppressed_cells`` cells of 1..4."""
    _check_imputed(imputed)
    known_arr = np.asarray(known, dtype="float64")
    k = np.asarray(suppressed_cells, dtype="float64")
    return (
        known_arr + imputed * k,
        known_arr + SUPPRESSED_MIN * k,
        known_arr + SUPPRESSED_MAX * k,
    )


def _ratio(part: FloatArray, rest: FloatArray) -> FloatArray:
    """``part / (part + rest)`` as ``1 / (1 + rest / part)``: monotone in floating point.

    part = 0 < rest gives 0; part = rest = 0 gives NaN (no denominator).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 / (1.0 + rest / part)


def share_bounds(
    known_num: ArrayLike,
    known_other: ArrayLike,
    suppressed_num: ArrayLike,
    suppressed_other: ArrayLike,
    imputed: float = IMPUTED_VALUE,
) -> dict[str, FloatArray]:
    """Point estimate and worst-case bounds of a share whose numerator is part of its denominator.

    ``known_num``: sum of known numerator cells; ``known_other``: sum of known denominator
    cells outside the numerator; ``suppressed_num`` / ``suppressed_other``: the numbers of
    suppressed cells in each part. Returns arrays ``numerator``, ``denominator`` (point
    estimates), ``share``, ``share_low``, ``share_high``; NaN where the denominator is 0.
    """
    _check_imputed(imputed)
    a = np.asarray(known_num, dtype="float64")
    b = np.asarray(known_other, dtype="float64")
    kn = np.asarray(suppressed_num, dtype="float64")
    ko = np.asarray(suppressed_other, dtype="float64")
    if (a < 0).any() or (b < 0).any() or (kn < 0).any() or (ko < 0).any():
        raise ValueError("counts and numbers of suppressed cells must be non-negative")
    numerator = a + imputed * kn
    rest = b + imputed * ko
    return {
        "numerator": numerator,
        "denominator": numerator + rest,
        "share": _ratio(numerator, rest),
        "share_low": _ratio(a + SUPPRESSED_MIN * kn, b + SUPPRESSED_MAX * ko),
        "share_high": _ratio(a + SUPPRESSED_MAX * kn, b + SUPPRESSED_MIN * ko),
    }


def disclosive(value: ArrayLike, suppressed_cells: ArrayLike) -> npt.NDArray[np.bool_]:
    """True where a count estimate rests on suppressed cells and is below the threshold.

    Such a value (e.g. 2.5 for one ``<5`` cell) would print a count below 5 for data
    the source suppressed, so callers replace it by <NA>.
    """
    v = np.asarray(value, dtype="float64")
    k = np.asarray(suppressed_cells, dtype="float64")
    return (k > 0) & (v < DISCLOSURE_THRESHOLD)


def cell_intervals(
    group: ArrayLike,
    is_total: ArrayLike,
    count: ArrayLike,
    suppressed: ArrayLike,
    imputed: float = IMPUTED_VALUE,
) -> tuple[FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """(point, low, high, constrained) of every cell, using the published row totals.

    ``group`` numbers the cells of one published row (one line and year of a file; -1: no
    row); ``is_total`` marks its TOTAAL cell. The ``k`` suppressed part cells of a row add
    up to ``S = TOTAAL - known parts``: exactly, where the TOTAAL is published, else within
    ``1..4`` minus the known parts (a ``<5`` total). With ``S`` in ``[s_lo, s_hi]`` (and in
    ``[k, 4k]``) each such cell lies in ``[max(1, s_lo - 4 (k - 1)), min(4, s_hi - (k - 1))]``;
    its point estimate is ``S / k`` for an exact ``S`` (one suppressed cell is then known
    exactly), else ``imputed`` kept inside that interval. A ``<5`` TOTAAL itself lies in
    ``[max(1, known + k), min(4, known + 4k)]``. Rows without a total, and rows
    whose total does not fit its parts, keep ``1..4`` and ``imputed``. Known cells have
    point = low = high = their count. ``constrained`` marks the cells the totals narrowed:
    they stay suppressed for disclosure (see ``disclosive``).
    """
    _check_imputed(imputed)
    g = np.asarray(group, dtype="int64")
    total = np.asarray(is_total, dtype=bool)
    sup = np.asarray(suppressed, dtype=bool)
    value = np.where(sup, 0.0, np.nan_to_num(np.asarray(count, dtype="float64")))
    point = np.where(sup, imputed, value)
    low = np.where(sup, float(SUPPRESSED_MIN), value)
    high = np.where(sup, float(SUPPRESSED_MAX), value)
    in_row = g >= 0
    if not in_row.any():
        return point, low, high, np.zeros(len(g), dtype=bool)
    size = int(g.max()) + 1
    part = in_row & ~total
    known_parts = np.bincount(g[part], weights=value[part], minlength=size)
    k = np.bincount(g[part & sup], minlength=size).astype("float64")
    total_lo, total_hi = np.full(size, np.nan), np.full(size, np.nan)
    cell = in_row & total
    total_lo[g[cell]] = np.where(sup[cell], SUPPRESSED_MIN, value[cell])
    total_hi[g[cell]] = np.where(sup[cell], SUPPRESSED_MAX, value[cell])
    with np.errstate(invalid="ignore"):
        s_lo = np.maximum(total_lo - known_parts, SUPPRESSED_MIN * k)
        s_hi = np.minimum(total_hi - known_parts, SUPPRESSED_MAX * k)
        fits = (k > 0) & (s_lo <= s_hi)
    target = part & sup
    narrowed = np.zeros(len(g), dtype=bool)
    narrowed[target] = fits[g[target]]
    row = np.where(narrowed, g, 0)
    lo_s, hi_s, kk = s_lo[row], s_hi[row], k[row]
    with np.errstate(invalid="ignore", divide="ignore"):
        cell_lo = np.maximum(SUPPRESSED_MIN, lo_s - SUPPRESSED_MAX * (kk - 1))
        cell_hi = np.minimum(SUPPRESSED_MAX, hi_s - SUPPRESSED_MIN * (kk - 1))
        cell_point = np.where(lo_s == hi_s, lo_s / kk, np.clip(imputed, cell_lo, cell_hi))
    point = np.where(narrowed, cell_point, point)
    low = np.where(narrowed, cell_lo, low)
    high = np.where(narrowed, cell_hi, high)
    # A '<5' TOTAAL holds at least its known parts plus 1 per suppressed part.
    hidden_total = cell & sup
    row = np.where(hidden_total, g, 0)
    with np.errstate(invalid="ignore"):
        t_lo = np.maximum(SUPPRESSED_MIN, known_parts[row] + SUPPRESSED_MIN * k[row])
        t_hi = np.minimum(SUPPRESSED_MAX, known_parts[row] + SUPPRESSED_MAX * k[row])
    total_fits = hidden_total & (t_lo <= t_hi)
    low = np.where(total_fits, t_lo, low)
    high = np.where(total_fits, t_hi, high)
    point = np.where(total_fits, np.clip(point, t_lo, t_hi), point)
    narrowed |= total_fits
    constrained = narrowed & ((low > SUPPRESSED_MIN) | (high < SUPPRESSED_MAX) | (low == high))
    return point, low, high, constrained


def interval_share(
    point_num: ArrayLike,
    low_num: ArrayLike,
    high_num: ArrayLike,
    point_other: ArrayLike,
    low_other: ArrayLike,
    high_other: ArrayLike,
) -> dict[str, FloatArray]:
    """Point estimate and bounds of ``num / (num + other)`` from sums of cell intervals.

    Each numerator cell lies in its own [low, high], and so does each other denominator
    cell; the share rises with the numerator and falls with the rest, so the bounds take
    the numerator low with the rest high, and the other way round. With the row totals of
    ``cell_intervals`` this is exact: within a row, a numerator cell at its low leaves the
    rest of the row at its high. Same keys as ``share_bounds``.
    """
    pn, ln, hn = (np.asarray(a, dtype="float64") for a in (point_num, low_num, high_num))
    po, lo, ho = (np.asarray(a, dtype="float64") for a in (point_other, low_other, high_other))
    return {
        "numerator": pn,
        "denominator": pn + po,
        "share": _ratio(pn, po),
        "share_low": _ratio(ln, ho),
        "share_high": _ratio(hn, lo),
    }
