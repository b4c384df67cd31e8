"""Our national values beside the published reference figures of the Monitor Techniekpact.

A quick plausibility check after processing: a gap of more than ``GAP_PP`` percentage
points needs an explanation, which docs/methodology.md ("Verschillen met de
referentiecijfers") gives for every reference below.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.indicators.rules import IndicatorConfig

GAP_PP = 3.0


@dataclass(frozen=True)
class Reference:
    """A published figure (or range) an indicator can be held against."""

    indicator: str
    low: float
    high: float
    period: str
    source: str
    note: str


REFERENCES: tuple[Reference, ...] = (
    Reference(
        "vo_havo4_n",
        0.37,
        0.37,
        "2023/24",
        "Monitor Techniekpact, update juni 2024",
        "same definition; our only pupil year is 2019/20",
    ),
    Reference(
        "vo_vwo4_n",
        0.60,
        0.60,
        "2023/24",
        "Monitor Techniekpact, update juni 2024",
        "same definition; our only pupil year is 2019/20",
    ),
    Reference(
        "mbo_techniek",
        0.11,
        0.14,
        "per jaar; 12% in 2021/22",
        "Monitor Techniekpact: instroom mbo bouw & techniek",
        "different definition: all students in sector techniek, not inflow into bouw & techniek",
    ),
)


def sanity_table(indicators: pd.DataFrame, config: IndicatorConfig) -> pd.DataFrame:
    """One row per configured indicator: national share in its latest year, and the reference."""
    national = indicators[
        (indicators["region_level"] == "nederland")
        & (indicators["gender"] == "totaal")
        & indicators["share"].notna()
    ]
    references = {r.indicator: r for r in REFERENCES}
    rows = []
    for ind in config.indicators.values():
        mine = national[national["indicator"] == ind.id]
        latest = mine.loc[mine["year"].idxmax()] if len(mine) else None
        ref = references.get(ind.id)
        share = float(latest["share"]) if latest is not None else None
        gap = None
        if ref is not None and share is not None:
            gap = (share - min(max(share, ref.low), ref.high)) * 100
        rows.append(
            {
                "indicator": ind.id,
                "schooljaar": latest["schooljaar"] if latest is not None else None,
                "share": share,
                "share_low": float(latest["share_low"]) if latest is not None else None,
                "share_high": float(latest["share_high"]) if latest is not None else None,
                "reference": _range(ref) if ref else None,
                "reference_period": ref.period if ref else None,
                "gap_pp": gap,
                "check": None if gap is None else ("EXPLAIN" if abs(gap) > GAP_PP else "ok"),
                "note": ref.note if ref else None,
            }
        )
    return pd.DataFrame(rows)


def _range(ref: Reference) -> str:
    if ref.low == ref.high:
        return f"{ref.low:.0%}"
    return f"{ref.low:.0%}-{ref.high:.0%}"


def format_table(table: pd.DataFrame) -> str:
    """Plain-text table for the terminal."""
    lines = [
        f"{'indicator':<28}{'year':<9}{'share':>7}  {'bounds':<15}{'reference':<11}"
        f"{'gap pp':>7}  check    note"
    ]
    for r in table.itertuples(index=False):
        share = "-" if pd.isna(r.share) else f"{r.share:.1%}"
        bounds = "" if pd.isna(r.share_low) else f"{r.share_low:.1%}-{r.share_high:.1%}"
        gap = "" if pd.isna(r.gap_pp) else f"{r.gap_pp:+.1f}"
        lines.append(
            f"{r.indicator:<28}{_text(r.schooljaar) or '-':<9}{share:>7}  {bounds:<15}"
            f"{_text(r.reference):<11}{gap:>7}  {_text(r.check):<8} {_text(r.note)}"
        )
    return "\n".join(lines)


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)
