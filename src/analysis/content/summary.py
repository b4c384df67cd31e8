""" "In één oogopslag": the report's one-page summary after the cover.

One tile per headline indicator (chosen in config/publication.yaml): the latest value, the
change over five years as an arrow, the distance to the target, the region against
Nederland, and a small trend line. Value,
target and Nederland are those of the derived table (as in the scorecard); the trend line
is drawn as inline SVG, so the page stays one A4 page and reads on a phone (the tiles wrap).
"""

from __future__ import annotations

import html

from analysis.data import ReportContext
from analysis.indicators.engine import indicator_meta
from analysis.present import text
from analysis.present.blocks import Html
from analysis.publication_config import summary_tiles

HEADING = "In één oogopslag"
SPARK_W, SPARK_H = 140, 36


def change(points: list[tuple[int, float]], year: int) -> tuple[str, str]:
    """(arrow, Dutch words) for the change over five years in percentage points.

    Without a figure five years back, the change since the earliest year within those
    five (at least two years back), named as such; with less, no arrow.
    """
    shares = dict(points)
    if year not in shares:
        return "", "geen vergelijking over vijf jaar"
    earlier = [y for y in shares if year - 5 <= y <= year - 2]
    if not earlier:
        return "", "geen vergelijking over vijf jaar"
    start = min(earlier)
    value = (shares[year] - shares[start]) * 100
    since = "in vijf jaar" if start == year - 5 else f"sinds {text.schooljaar(start)}"
    if abs(value) < 0.05:
        return "→", f"gelijk {since}"
    return ("↑" if value > 0 else "↓"), f"{text.pp(value)} {since}"


def target_text(row: dict) -> str:
    """Distance from the tile's value to the target; none where the derived table does not
    judge it (``judged`` False: a level where the target means nothing, issue 15).

    The tile shows the latest share, so the distance is from that share, not the derived
    ``gap_pp`` (which, for a target year that has passed, is taken in the target year).
    """
    target, share = row.get("target"), row.get("share")
    both = not text.is_missing(target) and not text.is_missing(share)
    gap = (float(target) - float(share)) * 100 if both else row.get("gap_pp")
    if text.is_missing(target):
        return "geen streefwaarde voor deze regio"
    judged = row.get("judged", True)
    if not text.is_missing(judged) and not bool(judged):
        return "geen oordeel over de streefwaarde op dit niveau"
    if text.is_missing(gap) or float(gap) <= 0:
        return f"streefwaarde {text.pct(target, 0)} gehaald"
    return f"nog {text.pp_abs(gap)} tot de streefwaarde van {text.pct(target, 0)}"


def sparkline(series: list[tuple[int, float]], national: list[tuple[int, float]]) -> str:
    """A small SVG trend line of the region (and Nederland dashed), scaled to both."""
    points = series + national
    if len(series) < 2:
        return ""
    years = [y for y, _ in points]
    values = [v for _, v in points]
    x0, x1 = min(years), max(years)
    lo, hi = min(values), max(values)
    span_x, span_y = max(x1 - x0, 1), max(hi - lo, 1e-9)

    def line(data: list[tuple[int, float]], cls: str) -> str:
        coords = " ".join(
            f"{(y - x0) / span_x * (SPARK_W - 4) + 2:.1f},"
            f"{SPARK_H - 2 - (v - lo) / span_y * (SPARK_H - 4):.1f}"
            for y, v in data
        )
        return f'<polyline class="{cls}" points="{coords}"/>' if len(data) > 1 else ""

    return (
        f'<svg class="tp-spark" viewBox="0 0 {SPARK_W} {SPARK_H}" width="{SPARK_W}" '
        f'height="{SPARK_H}" role="img" aria-label="trend {x0}–{x1}">'
        f"{line(national, 'nl')}{line(series, 'region')}</svg>"
    )


def _points(ctx: ReportContext, indicator: str, code: str) -> list[tuple[int, float]]:
    frame = ctx.series(indicator, region_code=code)
    frame = frame[frame["share"].notna()]
    return [(int(y), float(s)) for y, s in zip(frame["year"], frame["share"], strict=True)]


def tile(ctx: ReportContext, indicator: str) -> str | None:
    """One tile's HTML; None when the region has no figure for ``indicator``."""
    latest = ctx.latest(indicator)
    if latest is None:
        return None
    year = int(latest["year"])
    row = ctx.data.derived_row(indicator, ctx.region.code, year)
    row = {} if row is None else row.to_dict()
    points = _points(ctx, indicator, ctx.region.code)
    arrow, moved = change(points, year)
    value = text.pct_range(latest["share"], latest["share_low"], latest["share_high"])
    # As in the tables: no 0,0% (nor a flat line) where nothing is offered, no share on a
    # handful.
    no_share = text.flag(row, "no_programme") or text.flag(row, "too_small")
    if no_share:
        value, arrow, moved = text.shown_share(row), "", "geen vergelijking"
    if ctx.region.national:
        versus = ""
    elif text.is_missing(row.get("national_share")):
        versus = "<p>Nederland: geen cijfer</p>"
    else:
        versus = f"<p>Nederland: {html.escape(text.pct(row['national_share']))}</p>"
    spark = (
        ""
        if no_share
        else sparkline(points, [] if ctx.region.national else _points(ctx, indicator, "NL"))
    )
    return (
        '<div class="tp-tile">'
        f"<h3>{html.escape(indicator_meta(indicator, ctx.config)['naam'])}</h3>"
        f'<p class="tp-tile-value">{html.escape(value)} '
        f'<span class="tp-arrow" aria-hidden="true">{arrow}</span></p>'
        f"<p>{html.escape(text.schooljaar(year))} · {html.escape(moved)}</p>"
        f"<p>{html.escape(target_text(row))}</p>{versus}{spark}</div>"
    )


def summary_html(ctx: ReportContext) -> Html:
    """The summary page: the tiles of the headline indicators (``summary.tiles`` in
    config/publication.yaml) the region has figures for."""
    chosen = summary_tiles(ctx.config.indicators)
    tiles = [t for i in chosen if (t := tile(ctx, i))]
    if not tiles:
        return Html("")
    legend = (
        ""
        if ctx.region.national
        else f'<p class="tp-glance-legend">Lijn: {html.escape(ctx.region.name)}; '
        "gestippeld: Nederland.</p>"
    )
    return Html(
        f'<section class="tp-glance"><h2 id="in-een-oogopslag">{HEADING}</h2>'
        f'<div class="tp-tiles">{"".join(tiles)}</div>{legend}</section>'
    )
