"""The scorecard: each main indicator at its latest year beside Nederland, its place among
its peers and its target. The frame behind it also feeds the key messages."""

from __future__ import annotations

import html

import pandas as pd

from analysis.content import ho_definition
from analysis.data import ReportContext
from analysis.indicators import derived
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
    rows = [_indicator_row(ctx, indicator) for indicator in ctx.main_indicators()]
    return pd.DataFrame([row for row in rows if row is not None])


def targets_frame(ctx: ReportContext) -> pd.DataFrame:
    """The rows of the targets table: every indicator with a target and a figure for the
    region, in file order. Main indicators as in the scorecard; a sub-indicator (``parent``)
    with its own target is in this table too, though not in the scorecard."""
    frame = scorecard_frame(ctx)
    main = {str(row["indicator"]): row.to_dict() for _, row in frame.iterrows()}
    rows = []
    for ind in ctx.config.indicators.values():
        if ind.id not in ctx.config.targets or ind.variant_of is not None:
            continue
        row = main.get(ind.id) if ind.parent is None else _indicator_row(ctx, ind.id)
        if row is not None and not text.is_missing(row["target"]):
            rows.append(row)
    return pd.DataFrame(rows)


def _indicator_row(ctx: ReportContext, indicator: str) -> dict | None:
    """One indicator at its latest year for the region with its derived measures (None
    without a figure)."""
    latest = ctx.latest(indicator)
    if latest is None:
        return None
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
        "too_small",
        "no_programme",
        "rank_level_worst",
        "rank_landsdeel_worst",
        "judged",
        "judged_year",
        "judged_share",
        "trend_pp_per_year",
        "trend_se_pp",
        "trend_points",
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
    row.update(_longest_change(ctx, indicator, year))
    return row


def _longest_change(ctx: ReportContext, indicator: str, year: int) -> dict:
    """The change to ``year`` from the earliest year at most five years before it whose share
    is usable (not too small): ``span_years``, ``change_span_pp`` (both <NA> without one)."""
    series = ctx.series(indicator)
    earlier = series[
        series["share"].notna() & (series["year"] >= year - 5) & (series["year"] < year)
    ]
    for _, first in earlier.sort_values("year").iterrows():
        d = ctx.data.derived_row(indicator, ctx.region.code, int(first["year"]))
        if d is not None and text.flag(d, "too_small"):
            continue
        now = series[series["year"] == year]["share"].iloc[0]
        return {
            "span_years": year - int(first["year"]),
            "span_start_year": int(first["year"]),
            "change_span_pp": (float(now) - float(first["share"])) * 100,
        }
    return {"span_years": pd.NA, "span_start_year": pd.NA, "change_span_pp": pd.NA}


def _share_in(series: pd.DataFrame, year: int) -> object:
    rows = series[series["year"] == year]
    return rows["share"].iloc[0] if len(rows) else pd.NA


def place(row: pd.Series | dict, scope: str) -> str:
    """'2 van 5', '1–2 van 5' (overlapping margins) for ``scope`` 'landsdeel' or 'level';
    the missing-value mark when unranked (too small, no programme, no value)."""
    worst = row.get(f"rank_{scope}_worst") if hasattr(row, "get") else None
    return text.place_text(row[f"rank_{scope}"], worst, row[f"regions_in_{scope}"])


# Why a target is not judged at a level, per school level of the indicator.
NOT_JUDGED_REASON = {
    "hbo": "hoger onderwijs wordt geteld waar de opleiding staat",
    "wo": "hoger onderwijs wordt geteld waar de opleiding staat",
    "hbo+wo": "hoger onderwijs wordt geteld waar de opleiding staat",
}


def _levels_phrase(levels: tuple[str, ...] | None) -> str:
    names = {"nederland": "Nederland", "landsdeel": "de landsdelen"}
    return text.join_and([names.get(lv, level_plural(lv)) for lv in levels or ()])


def verdict_text(row: pd.Series | dict, ctx: ReportContext) -> str:
    """The Dutch verdict on a target for one scorecard row (see ``analysis.indicators.derived``)."""
    status = str(row["status"])
    level = str(row.get("level", ""))
    if status == derived.NOT_JUDGED:
        spec = ctx.config.targets.get(str(row["indicator"]))
        reason = NOT_JUDGED_REASON.get(level, "het doel geldt voor een ander regioniveau")
        where = f"; het oordeel staat bij {_levels_phrase(spec.levels)}" if spec else ""
        if text.flag(row, "no_programme"):
            reason += f"; in deze regio is geen {level}-opleiding in bèta-techniek met studenten"
        return f"geen oordeel: {reason}{where}"
    if status == derived.NO_PROGRAMME:
        return f"geen oordeel: in deze regio is geen {level}-opleiding in bèta-techniek"
    if status == derived.TOO_SMALL:
        return (
            f"geen oordeel: te klein (minder dan {ctx.config.settings.min_denominator} "
            "leerlingen of studenten)"
        )
    if status in (derived.REACHED, derived.MISSED) and not text.is_missing(row["judged_year"]):
        jy, ty = int(row["judged_year"]), int(row["target_year"])
        when = text.schooljaar(jy)
        if jy < ty:
            when += f", het laatste schooljaar vóór het doeljaar {text.schooljaar(ty)}"
        if status == derived.REACHED:
            return f"gehaald: {text.pct(row['judged_share'])} in {when}"
        return (
            f"niet gehaald: {text.pct(row['judged_share'])} in {when}, "
            f"{text.pp_abs(row['gap_pp'])} onder het doel"
        )
    if status == derived.REACHED:
        return "bereikt"
    if status == derived.ON_TREND:
        return f"bij de trend {trend_phrase(row, ctx)}: in {int(row['projected_year'])}"
    if status == derived.FALLING:
        return f"dalende trend {trend_phrase(row, ctx)}: het doel komt niet dichterbij"
    if status == derived.NO_CLEAR_TREND:
        return f"geen duidelijke trend {trend_phrase(row, ctx)}"
    if status == derived.NOT_ON_TREND:
        return (
            f"bij de trend {trend_phrase(row, ctx)} niet vóór "
            f"{ctx.config.settings.projection_horizon}"
        )
    if status == derived.NO_DATA and not text.is_missing(row.get("share")):
        # A share, but none in or shortly before the passed target year: no verdict on it.
        return f"geen oordeel: {no_target_year_data(row, ctx)}"
    return {derived.NO_DATA: text.MISSING}.get(status, status)


def no_target_year_data(row: pd.Series | dict, ctx: ReportContext) -> str:
    """'geen cijfers voor het doeljaar 2020/21 of het schooljaar ervoor' (as the setting
    ``judged_within_years`` allows)."""
    within = ctx.config.settings.judged_within_years
    earlier = {0: "", 1: " of het schooljaar ervoor"}.get(
        within, f" of de {within} schooljaren ervoor"
    )
    return f"geen cijfers voor het doeljaar {text.schooljaar(int(row['target_year']))}{earlier}"


def trend_phrase(row: pd.Series | dict, ctx: ReportContext) -> str:
    """'(+0,8 procentpunt per jaar over 5 jaar, marge ±0,3)': the slope and its 95% margin."""
    if text.is_missing(row.get("trend_pp_per_year")):
        return ""
    n = int(row["trend_points"])
    margin = derived.t95(n) * float(row["trend_se_pp"])
    return (
        f"({text.pp(row['trend_pp_per_year'])} per jaar over {n} jaar, "
        f"95%-marge ±{text.num(margin, 1)})"
    )


def target_text(row: pd.Series | dict) -> tuple[str, str]:
    """(target, gap) cells: '40% in 2020', '−12,3 procentpunt'."""
    if text.is_missing(row["target"]):
        return "geen doel", ""
    goal = text.goal_text(row["target"], row["target_year"])
    gap = text.pp(-row["gap_pp"]) if not text.is_missing(row["gap_pp"]) else ""
    return goal, gap


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
            text.Cell(text.shown_share(row), "num"),
            *[text.Cell(_change(row, c), "num") for c in ("change_1y_pp", "change_5y_pp")],
        ]
        if not r.national:
            cells.append(text.Cell(text.pct(row["national_share"]), "num"))
            if r.landsdeel:
                cells.append(text.Cell(place(row, "landsdeel"), "num"))
            cells.append(text.Cell(place(row, "level"), "num"))
        rows.append(cells)
    caption = (
        f"Scorecard {r.name}: per indicator het laatste schooljaar met gegevens. Veranderingen "
        f"in procentpunten; tussen haakjes de marge {text.MARGIN_CAUSE} (<5)."
        + (
            ""
            if r.national
            else " Plaats 1 is het hoogste aandeel; '1–2' wanneer de marges elkaar overlappen."
        )
        + f" 'Te klein': minder dan {ctx.config.settings.min_denominator} leerlingen of "
        "studenten, niet gerangschikt."
    )
    out = text.table_html(header, rows, caption=caption, css_class="tp-table scorecard")
    return scorecard_intro(ctx) + out + ho_definition.notes_html(ctx) + targets_html(ctx)


def _change(row: pd.Series, column: str) -> str:
    """A change in the scorecard; none where the share itself is not shown as a number."""
    if text.flag(row, "too_small") or text.flag(row, "no_programme"):
        return DASH_CELL
    return text.pp(row[column], unit=False)


DASH_CELL = "–"


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


def targets_html(ctx: ReportContext) -> str:
    """The indicators with a target (``targets_frame``): value, target, verdict (or why
    there is none), and below it what each target is set on and where it comes from."""
    with_target = targets_frame(ctx)
    if with_target.empty:
        return ""
    rows, notes = [], []
    for _, row in with_target.iterrows():
        goal, _gap = target_text(row)
        rows.append(
            [
                row["naam"],
                text.Cell(f"{text.shown_share(row)} in {text.schooljaar(row['year'])}", "num"),
                goal,
                verdict_text(row, ctx),
            ]
        )
        spec = ctx.config.targets.get(str(row["indicator"]))
        if spec is not None and (spec.omschrijving or spec.bron):
            about = f"{row['naam']}: {spec.omschrijving or ''}".rstrip(": ")
            notes.append(about + (f" (bron: {spec.bron})" if spec.bron else "") + ".")
    table = text.table_html(
        ["Indicator", "Waarde", "Doel", "Oordeel"],
        rows,
        caption=(
            f"Doelen voor {ctx.region.name}. Een doel waarvan het jaar voorbij is, wordt "
            "beoordeeld op het doeljaar; een doel dat nog komt alleen bij een duidelijke "
            "trend over de laatste vijf schooljaren."
        ),
        css_class="tp-table targets",
    )
    items = "".join(f"<li>{html.escape(n)}</li>" for n in [INSTROOM_NOTE, *notes])
    return table + f'<ul class="tp-notes">{items}</ul>'


# The one meaning of "instroom" in every report (also in the glossary of the annex).
INSTROOM_NOTE = (
    "Instroom: de eerstejaars van het hoger onderwijs, studenten die voor het eerst in het "
    "hbo of het wo staan ingeschreven (peildatum 1 oktober). Het mbo-bestand van DUO telt "
    "alle ingeschreven studenten en onderscheidt geen eerstejaars; het mbo-doel gaat daarom "
    "over alle mbo-studenten, niet over de instroom."
)
