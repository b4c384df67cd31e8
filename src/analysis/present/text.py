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

from analysis.indicators import derived
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


_STATUS_SENTENCE = {
    derived.NOT_ON_TREND: " Bij de huidige trend wordt het doel niet bereikt.",
    derived.TOO_FEW_YEARS: " Voor een trend zijn te weinig jaren beschikbaar.",
}


# --- key messages ---------------------------------------------------------------------------
# The scorecard frame (analysis.data.scorecard_frame) has one row per indicator for one
# region, at the indicator's latest year; every number in a key message is a value of it.


def _position(row: pd.Series, region: str, national: bool) -> str:
    naam, when = lcfirst(row["naam"]), schooljaar(row["year"])
    if national:
        return f"Het aandeel {naam} is in Nederland in {when} {pct(row['share'])}."
    diff = row["diff_national_pp"]
    if is_missing(diff) or is_missing(row["national_share"]):
        return f"Het aandeel {naam} is in {region} in {when} {pct(row['share'])}."
    if _decimal(float(diff), 1) == 0:
        relation = "gelijk aan het landelijke aandeel"
    else:
        relation = f"{pp_abs(diff)} {'boven' if diff > 0 else 'onder'} het landelijke aandeel"
    return (
        f"Het aandeel {naam} is in {region} in {when} {pct(row['share'])}, "
        f"{relation} van {pct(row['national_share'])}."
    )


def _target(row: pd.Series, region: str) -> str | None:
    if is_missing(row["target"]) or is_missing(row["gap_pp"]):
        return None
    naam = lcfirst(row["naam"])
    goal = f"een doel van {pct(row['target'], 0)}"
    if not is_missing(row["target_year"]):
        goal += f" in {int(row['target_year'])}"
    if row["status"] == derived.REACHED:
        return f"Voor {naam} geldt {goal}; {region} haalt dat doel."
    text = f"Voor {naam} geldt {goal}; {region} zit daar {pp_abs(row['gap_pp'])} onder."
    if not is_missing(row["projected_year"]):
        return (
            text + f" Bij de huidige trend wordt het doel in {int(row['projected_year'])} bereikt."
        )
    return text + _STATUS_SENTENCE.get(row["status"], "")


def _changes(frame: pd.DataFrame) -> list[str]:
    """The largest rise and the largest fall: over five years where any exist, else one year."""
    out = []
    for direction, sign in (("gestegen", 1), ("gedaald", -1)):
        for column, words in (("change_5y_pp", "vijf jaar"), ("change_1y_pp", "één jaar")):
            values = frame[column].astype("Float64") * sign
            values = values[values.notna() & (values.round(1) > 0)]
            if values.empty:
                continue
            row = frame.loc[values.idxmax()]
            out.append(
                f"Het sterkst {direction} in {words} is het aandeel {lcfirst(row['naam'])}: "
                f"{pp(row[column])}, tot {pct(row['share'])} in {schooljaar(row['year'])}."
            )
            break
    return out


def _gender(row: pd.Series, region: str, national: bool) -> str | None:
    if is_missing(row["women_share"]):
        return None
    text = (
        f"In {schooljaar(row['year'])} is van de {lcfirst(row['naam'])} in {region} "
        f"{pct(row['women_share'])} vrouw"
    )
    if not national and not is_missing(row["women_share_national"]):
        text += f" (landelijk {pct(row['women_share_national'])})"
    return text + "."


def _rank(row: pd.Series, region: str, landsdeel: str | None, level: str | None) -> str | None:
    """The region's place among its peers, named where the level is known ('de 5 landsdelen')."""
    naam = lcfirst(row["naam"])
    if landsdeel and not is_missing(row["rank_landsdeel"]) and row["regions_in_landsdeel"] > 1:
        n = int(row["regions_in_landsdeel"])
        among = f"de {n} {level_plural(level)} in dit landsdeel" if level else str(n)
        return (
            f"Binnen landsdeel {landsdeel} staat {region} bij {naam} op plaats "
            f"{int(row['rank_landsdeel'])} van {among}."
        )
    if not is_missing(row["rank_level"]) and row["regions_in_level"] > 1:
        n = int(row["regions_in_level"])
        among = f"de {n} {level_plural(level)}" if level else f"{n} regio's van hetzelfde niveau"
        return f"Bij {naam} staat {region} op plaats {int(row['rank_level'])} van {among}."
    return None


def kernboodschappen(
    scorecard: pd.DataFrame,
    *,
    region: str,
    national: bool,
    landsdeel: str | None = None,
    level: str | None = None,
) -> list[str]:
    """Four to six Dutch key messages; every number in them is a value of ``scorecard``.

    ``level`` names the peers in the rank message ('plaats 2 van de 5 landsdelen').

    Order: position against the country and the target (of the headline indicator: the first
    one with a target, else the first one), the largest rise and fall, gender, rank.
    """
    frame = scorecard[scorecard["share"].notna()] if "share" in scorecard else scorecard
    if frame.empty:
        return [f"Voor {region} zijn geen indicatorwaarden beschikbaar."]
    with_target = frame[frame["target"].notna()]
    head = (with_target if len(with_target) else frame).iloc[0]
    messages = [_position(head, region, national)]
    messages.append(_target(head, region) if not national else _target(head, "Nederland"))
    messages.extend(_changes(frame))
    women = frame[frame["women_share"].notna()]
    if len(women):
        own = women[women["indicator"] == head["indicator"]]
        messages.append(_gender((own if len(own) else women).iloc[0], region, national))
    if not national:
        messages.append(_rank(head, region, landsdeel, level))
    kept = [m for m in messages if m]
    if len(kept) < 4 and len(frame) > 1:
        kept.extend(
            _position(row, region, national)
            for _, row in frame.iloc[1 : 1 + 4 - len(kept)].iterrows()
        )
    return kept[:6]
