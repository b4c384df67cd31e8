"""Dutch number formatting, HTML tables and the generated key messages of a report.

Everything a reader sees as a number passes through here, so that a share, a change in
percentage points or a count is written the same way in every table, chart and sentence,
and a count the source suppressed (``<5``) never shows up as a small number.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from analysis.indicators.suppression import DISCLOSURE_THRESHOLD
from analysis.store import schema

LEVEL_LABELS = {
    "nederland": "land",
    "landsdeel": "landsdeel (Techniekpact)",
    "landsdeel_cbs": "landsdeel (CBS)",
    "provincie": "provincie",
    "corop": "COROP-gebied",
    "gemeente": "gemeente",
    "regiopact": "regionaal techniekpact",
}
LEVEL_PLURALS = {
    "landsdeel": "landsdelen",
    "landsdeel_cbs": "landsdelen (CBS)",
    "provincie": "provincies",
    "corop": "COROP-gebieden",
    "gemeente": "gemeenten",
    "regiopact": "regionale techniekpacten",
}
MISSING = "n.b."  # niet beschikbaar: no value (no data, or no denominator)
UNKNOWN_COUNT = "onbekend"
SUPPRESSED_COUNT = f"<{DISCLOSURE_THRESHOLD}"
MINUS = "\u2212"  # typographic minus sign
DASH = "\u2013"  # en dash, for ranges
# Why a share has a margin, in the words of the report's glossary ("Marge", "Afgeschermd"):
# legends and captions say this, not "<5-cellen".
MARGIN_CAUSE = "door afgeschermde aantallen"


def is_missing(value: object) -> bool:
    """True for None, NaN and pandas' NA (all mean: no value)."""
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _decimal(value: float, decimals: int, scale: int = 1) -> Decimal:
    """Round half up on the decimal value as written (float noise would round 1.25 down)."""
    d = Decimal(repr(float(value))) * scale
    return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _dutch(d: Decimal, decimals: int) -> str:
    """``12345.6`` -> ``12.345,6``; negatives with a typographic minus."""
    text = f"{abs(d):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return (MINUS + text) if d < 0 else text


def num(value: object, decimals: int = 0) -> str:
    """A number in Dutch notation: ``num(12345) == '12.345'``, ``num(2.5, 1) == '2,5'``."""
    if is_missing(value):
        return MISSING
    return _dutch(_decimal(float(value), decimals), decimals)  # type: ignore[arg-type]


def pct(share: object, decimals: int = 1) -> str:
    """A share 0..1 as a Dutch percentage: ``pct(0.372) == '37,2%'``."""
    if is_missing(share):
        return MISSING
    return _dutch(_decimal(float(share), decimals, scale=100), decimals) + "%"  # type: ignore[arg-type]


def pct_range(share: object, low: object, high: object, decimals: int = 1) -> str:
    """A share with its bounds where suppressed cells make it uncertain: ``37,2% (36,9–37,6%)``."""
    point = pct(share, decimals)
    if is_missing(share) or is_missing(low) or is_missing(high):
        return point
    lo, hi = pct(low, decimals), pct(high, decimals)
    if lo == hi:
        return point
    return f"{point} ({lo[:-1]}{DASH}{hi})"


TOO_SMALL = "te klein"
NO_PROGRAMME = "geen opleiding"


def flag(row: pd.Series | dict, key: str) -> bool:
    """A yes/no column of a row: missing (or absent) counts as no."""
    value = row.get(key)
    return not is_missing(value) and bool(value)


def shown_share(row: pd.Series | dict) -> str:
    """A share as a table prints it: 'te klein' below the minimum denominator, 'geen
    opleiding' where an hbo/wo region offers nothing of it (derived flags), else the value
    with its margin."""
    if flag(row, "no_programme"):
        return NO_PROGRAMME
    if flag(row, "too_small"):
        return TOO_SMALL
    return pct_range(row.get("share"), row.get("share_low"), row.get("share_high"))


def place_parts(rank: object, worst: object, total: object) -> tuple[int, int, int] | None:
    """(best, worst, of) of a place among peers, the worst equal to the best where the
    margins do not overlap; None when unranked or alone ('1 van 1' says nothing). The one
    reading of a rank for the tables and the key messages."""
    if is_missing(rank) or is_missing(total) or int(total) < 2:  # type: ignore[call-overload]
        return None
    best = int(rank)  # type: ignore[call-overload]
    low = best if is_missing(worst) else int(worst)  # type: ignore[call-overload]
    return best, low, int(total)  # type: ignore[call-overload]


def place_text(rank: object, worst: object, total: object, *, last: bool = False) -> str:
    """'2 van 5', '1–2 van 5' where the margins overlap; with ``last``, 'laatste van 5'; the
    missing-value mark when unranked or alone."""
    parts = place_parts(rank, worst, total)
    if parts is None:
        return MISSING
    best, low, n = parts
    if last and best == n:
        return f"laatste van {n}"
    return f"{best} van {n}" if low == best else f"{best}{DASH}{low} van {n}"


def goal_text(target: object, year: object) -> str:
    """A target as tables and sentences name it: '40% in 2020' ('40%' without a year)."""
    goal = pct(target, 0)
    return goal if is_missing(year) else f"{goal} in {int(year)}"  # type: ignore[call-overload]


def pp(value: object, decimals: int = 1, unit: bool = True) -> str:
    """A change in percentage points with its sign: ``pp(1.25) == '+1,3 procentpunt'``."""
    if is_missing(value):
        return MISSING
    d = _decimal(float(value), decimals)  # type: ignore[arg-type]
    sign = "+" if d > 0 else ""
    text = sign + _dutch(d, decimals)
    return f"{text} procentpunt" if unit else text


def pp_abs(value: object, decimals: int = 1) -> str:
    """The size of a change without sign, for sentences that say 'hoger'/'lager' in words."""
    if is_missing(value):
        return MISSING
    return f"{_dutch(abs(_decimal(float(value), decimals)), decimals)} procentpunt"  # type: ignore[arg-type]


def schooljaar(year: object) -> str:
    """The school year that starts in ``year``: ``schooljaar(2019) == '2019/20'``."""
    if is_missing(year):
        return MISSING
    return schema.schooljaar(int(year))  # type: ignore[call-overload]


def count(value: object, suppressed_cells: object = 0) -> str:
    """A count as printed in a report; never a small number that rests on suppressed cells.

    A count with suppressed cells in it is an estimate: below the disclosure threshold it is
    shown as ``<5``; above it, as ``ca. 1.234`` (the imputation is in the methodology).
    """
    cells = 0 if is_missing(suppressed_cells) else int(suppressed_cells)  # type: ignore[call-overload]
    if is_missing(value):
        return SUPPRESSED_COUNT if cells else UNKNOWN_COUNT
    v = float(value)  # type: ignore[arg-type]
    if cells and v < DISCLOSURE_THRESHOLD:
        return SUPPRESSED_COUNT
    return f"ca. {num(v)}" if cells else num(v)


def level_label(level: str) -> str:
    """The Dutch name of a region level, for text."""
    return LEVEL_LABELS.get(level, level.replace("_", " "))


def level_plural(level: str) -> str:
    """'provincies', 'COROP-gebieden': the regions of a level, for column headers."""
    return LEVEL_PLURALS.get(level, f"regio's ({level_label(level)})")


def join_and(items: Sequence[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b en c' (Dutch enumeration)."""
    items = list(items)
    return ", ".join(items[:-1]) + f" en {items[-1]}" if len(items) > 1 else "".join(items)


def lcfirst(text: str) -> str:
    """An indicator name inside a sentence: 'Instroom hbo' -> 'instroom hbo'."""
    return text[:1].lower() + text[1:] if text else text


@dataclass(frozen=True)
class Cell:
    """A table cell with a CSS class (``num`` right-aligns, ``count`` marks a printed count)."""

    text: str
    cls: str = ""


# A table with more rows than this may break across pages in print (its header repeats);
# a shorter one moves whole to the next page rather than split.
LONG_TABLE_ROWS = 16


def _is_num(cell: str | Cell) -> bool:
    return isinstance(cell, Cell) and "num" in cell.cls.split()


def table_html(
    header: Sequence[str],
    rows: Iterable[Sequence[str | Cell]],
    *,
    caption: str | None = None,
    css_class: str = "tp-table",
) -> str:
    """An HTML table in the house style; every text is escaped here, nowhere else.

    Long tables get the class ``tp-long`` (they may break across pages in print).
    """
    rows = [list(row) for row in rows]
    if len(rows) > LONG_TABLE_ROWS:
        css_class += " tp-long"
    parts = [f'<table class="{css_class}">']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append("<thead><tr>")
    # A numeric column's header is right-aligned like its numbers (taken from the first row).
    first = rows[0] if rows else []
    for i, h in enumerate(header):
        attr = ' class="num"' if i < len(first) and _is_num(first[i]) else ""
        parts.append(f'<th scope="col"{attr}>{html.escape(h)}</th>')
    parts.append("</tr></thead><tbody>")
    for row in rows:
        parts.append("<tr>")
        for cell in row:
            c = cell if isinstance(cell, Cell) else Cell(str(cell))
            attr = f' class="{c.cls}"' if c.cls else ""
            parts.append(f"<td{attr}>{html.escape(c.text)}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)
