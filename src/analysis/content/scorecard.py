"""The scorecard: each main indicator at its latest year beside Nederland, its place among
its peers and its target. The frame behind it also feeds the key messages."""

from __future__ import annotations

import html

import pandas as pd

from analysis.content import ho_definition
from analysis.data import ReportContext
from analysis.indicators.engine import indicator_meta
from analysis.indicators.rules import WOMEN_SHARE_SUFFIX
from analysis.present import text
from analysis.present.text import level_plural


def scorecard_frame(ctx: ReportContext) -> pd.DataFrame:
    """One row per main indicator at its latest year for the region, with derived measures.

    Also the women's share of the numerator (region and national) in that year. This frame
    is the only source of the scorecard and of the key messages. Made once per report.
    """
    if not ctx._scorecard:
        ctx._scorecard.append(_scorecard_frame(ctx))
    return ctx._scorecard[0]


def _scorecard_frame(ctx: ReportContext) -> pd.DataFrame:
    rows = []
    for indicator in ctx.main_indicators():
        latest = ctx.latest(indicator)
        if latest is None:
            continue
        year = int(latest["year"])
        d = ctx.data.derived_row(indicator, ctx.region.code, year)
        women = {
            code: _share_in(ctx.series(indicator + WOMEN_SHARE_SUFFIX, region_code=code), year)
            for code in (ctx.region.code, "NL")
        }
        meta = indicator_meta(indicator, ctx.config)
        row = {
            "indicator": indicator,
            "naam": meta["naam"],
            "level": meta["level"],
            "bron": meta["bron"],
            **latest[["year", "share", "share_low", "share_high", "denominator"]].to_dict(),
            "suppressed_cells": latest["suppressed_cells"],
            "women_share": women.get(ctx.region.code, pd.NA),
            "women_share_national": women.get("NL", pd.NA),
        }
        derived_cols = [
            "national_share",
            "change_1y_pp",
            "change_5y_pp",
            "diff_national_pp",
            "rank_level",
            "regions_in_level",
            "rank_landsdeel",
            "regions_in_landsdeel",
            "target",
            "target_year",
            "gap_pp",
            "projected_year",
            "status",
        ]
        values = d if d is not None else pd.Series(pd.NA, index=derived_cols)
        row.update({c: values[c] for c in derived_cols})
        rows.append(row)
    return pd.DataFrame(rows)


def _share_in(series: pd.DataFrame, year: int) -> object:
    rows = series[series["year"] == year]
    return rows["share"].iloc[0] if len(rows) else pd.NA


def place(row: pd.Series | dict, scope: str) -> str:
    """'2 van 5' for ``scope`` 'landsdeel' or 'level'; the missing-value mark when unranked."""
    rank, total = row[f"rank_{scope}"], row[f"regions_in_{scope}"]
    if text.is_missing(rank) or text.is_missing(total):
        return text.MISSING
    return f"{int(rank)} van {int(total)}"


_OUTLOOK = {
    "doel bereikt": "bereikt",
    "niet bij huidige trend": "niet bij huidige trend",
    "te weinig jaren voor een trend": "te weinig jaren voor een trend",
    "geen gegevens": text.MISSING,
}


def target_text(row: pd.Series | dict) -> tuple[str, str, str]:
    """(target, gap, outlook) cells: '40% in 2020', '−12,3 procentpunt', 'in 2031'."""
    if text.is_missing(row["target"]):
        return "geen doel", "", ""
    goal = text.pct(row["target"], 0)
    if not text.is_missing(row["target_year"]):
        goal += f" in {int(row['target_year'])}"
    if not text.is_missing(row["projected_year"]):
        outlook = f"in {int(row['projected_year'])}"
    else:
        outlook = _OUTLOOK.get(str(row["status"]), str(row["status"]))
    gap = text.pp(-row["gap_pp"]) if not text.is_missing(row["gap_pp"]) else ""
    return goal, gap, outlook


def scorecard_html(ctx: ReportContext) -> str:
    """The scorecard (one row per indicator) and the targets table, Dutch formatting.

    Counts are left out here on purpose: the scorecard compares shares; the number of
    pupils behind each share is in the section tables.
    """
    frame = scorecard_frame(ctx)
    r = ctx.region
    if frame.empty:  # e.g. a municipality without schools
        name = html.escape(r.name)
        return f'<p class="tp-intro">Voor {name} zijn geen indicatorwaarden beschikbaar.</p>'
    header = ["Indicator", "Schooljaar", "Waarde", "Sinds vorig jaar", "In vijf jaar"]
    if not r.national:
        header.append("Nederland")
        if r.landsdeel:
            header.append(f"Plaats in {r.landsdeel}")
        header.append(f"Plaats onder de {level_plural(r.level)}")
    rows = []
    for _, row in frame.iterrows():
        cells: list[str | text.Cell] = [
            row["naam"],
            text.schooljaar(row["year"]),
            text.Cell(text.pct_range(row["share"], row["share_low"], row["share_high"]), "num"),
            text.Cell(text.pp(row["change_1y_pp"], unit=False), "num"),
            text.Cell(text.pp(row["change_5y_pp"], unit=False), "num"),
        ]
        if not r.national:
            cells.append(text.Cell(text.pct(row["national_share"]), "num"))
            if r.landsdeel:
                cells.append(text.Cell(place(row, "landsdeel"), "num"))
            cells.append(text.Cell(place(row, "level"), "num"))
        rows.append(cells)
    caption = (
        f"Scorecard {r.name}: per indicator het laatste schooljaar met gegevens. Veranderingen "
        "in procentpunten; tussen haakjes de marge door afgeschermde aantallen (<5)."
        + ("" if r.national else " Plaats 1 is het hoogste aandeel.")
    )
    out = text.table_html(header, rows, caption=caption, css_class="tp-table scorecard")
    return scorecard_intro(ctx) + out + ho_definition.notes_html(ctx) + targets_html(ctx, frame)


def scorecard_intro(ctx: ReportContext) -> str:
    """What the scorecard compares, for this level: Nederland has no national column and no
    places, a landsdeel is placed among the landsdelen, a province also within its landsdeel."""
    r = ctx.region
    if r.national:
        compared = "de meest recente landelijke waarde en de verandering over één en vijf jaar"
    else:
        within = f", ook binnen landsdeel {r.landsdeel}" if r.landsdeel else ""
        compared = (
            "de meest recente waarde, de verandering over één en vijf jaar, het landelijke "
            f"cijfer en de plaats van {r.name} onder de {level_plural(r.level)}{within}"
        )
    return (
        f'<p class="tp-intro">Per indicator {html.escape(compared)}. Daaronder, voor de '
        "indicatoren met een doel, de afstand tot dat doel. Waar afgeschermde aantallen "
        "(&lt;5) meetellen, staat tussen haakjes de marge.</p>"
    )


def targets_html(ctx: ReportContext, frame: pd.DataFrame | None = None) -> str:
    """The indicators with a target: value, target, distance and when the trend reaches it."""
    frame = scorecard_frame(ctx) if frame is None else frame
    with_target = frame[frame["target"].notna()] if len(frame) else frame
    if with_target.empty:
        return ""
    rows = []
    for _, row in with_target.iterrows():
        goal, gap, outlook = target_text(row)
        rows.append(
            [
                row["naam"],
                text.Cell(text.pct(row["share"]), "num"),
                goal,
                text.Cell(gap, "num"),
                outlook,
            ]
        )
    return text.table_html(
        ["Indicator", "Waarde", "Doel", "Verschil met doel", "Doel bereikt bij huidige trend"],
        rows,
        caption=(
            f"Doelen voor {ctx.region.name}: de waarde in het laatste schooljaar tegenover het "
            "doel, en het jaar waarin de huidige lineaire trend het doel haalt."
        ),
    )
