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
