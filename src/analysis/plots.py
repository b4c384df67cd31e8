"""Chart functions in the house style, and ``show`` that puts a chart into a notebook.

Charts are built on ``matplotlib.figure.Figure`` objects, not pyplot, so that no notebook
backend ever displays a figure on its own: ``show`` is the one way out, and it always
carries alt text and the source line. Every chart function returns a ``Chart`` (figure,
alt text, source), so the alt text is written from the same numbers that are drawn.
"""

from __future__ import annotations

import base64
import html
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from analysis import style, text

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes

SOURCE_LINE_IN = 0.28  # height reserved under a chart for its source line (inches)
TITLE_IN = 0.36  # height reserved above a chart for its title (inches)
LEGEND_ROW_IN = 0.24  # height of one row of the legend under the title (inches)
LEGEND_COLUMNS = 4


@dataclass(eq=False)
class Line:
    """One series of a trend chart: ``points`` has year, share, share_low, share_high."""

    label: str
    role: str  # a key of style.ROLE_STYLE
    points: pd.DataFrame


@dataclass(eq=False)
class Panel:
    """One small multiple: a title, its lines and an optional target share."""

    title: str
    lines: list[Line]
    target: float | None = None


@dataclass(eq=False)
class Chart:
    """A finished chart: the figure, its alt text and its source line."""

    fig: Figure
    alt: str
    source: str
    caption: str = ""


def _new_figure(n_rows: int, n_cols: int, height_per_row: float) -> tuple[Figure, np.ndarray]:
    style.apply_style()
    height = n_rows * height_per_row + SOURCE_LINE_IN + TITLE_IN + LEGEND_ROW_IN
    fig = Figure(figsize=(style.WIDTH_IN, height), layout="constrained")
    bottom, top = SOURCE_LINE_IN / height, TITLE_IN / height
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom - top))
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    return fig, axes


def _finish(fig: Figure, title: str, source: str) -> str:
    fig.text(0.01, 0.99, title, ha="left", va="top", fontsize=11, fontweight="bold")
    line = style.source_line(source)
    fig.text(0.01, 0.012, line, fontsize=7, color="#555555", ha="left", va="bottom")
    return line


def _clean(points: pd.DataFrame) -> pd.DataFrame:
    frame = points[["year", "share", "share_low", "share_high"]].astype("Float64")
    return frame[frame["share"].notna()].sort_values("year").astype("float64")


def _draw_line(ax: Axes, line: Line) -> None:
    pts = _clean(line.points)
    if pts.empty:
        return
    kw = dict(style.ROLE_STYLE[line.role])
    if len(pts) == 1:
        kw.setdefault("marker", "o")
    ax.plot(pts["year"], pts["share"], label=line.label, **kw)
    uncertain = (pts["share_high"] - pts["share_low"]).fillna(0) > 1e-9
    if uncertain.any() and line.role != "peer":
        ax.fill_between(
            pts["year"],
            pts["share_low"].fillna(pts["share"]),
            pts["share_high"].fillna(pts["share"]),
            color=kw["color"],
            alpha=style.BAND_ALPHA,
            linewidth=0,
            label=f"Marge {line.label} (<5-cellen)",
        )


def _format_trend_axes(ax: Axes, ylabel: str, top: float) -> None:
    ax.set_ylim(0, max(top * 1.15, 0.05))
    ax.yaxis.set_major_formatter(style.percent_axis_formatter())
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.xaxis.set_major_formatter(style.schooljaar_formatter())
    ax.set_xlabel(style.YEAR_LABEL)
    ax.set_ylabel(ylabel)


def _describe_line(line: Line) -> str:
    pts = _clean(line.points)
    if pts.empty:
        return f"{line.label}: geen gegevens"
    first, last = pts.iloc[0], pts.iloc[-1]
    if len(pts) == 1:
        return f"{line.label}: {text.pct(last['share'])} in {text.schooljaar(last['year'])}"
    return (
        f"{line.label}: van {text.pct(first['share'])} in {text.schooljaar(first['year'])} "
        f"naar {text.pct(last['share'])} in {text.schooljaar(last['year'])}"
    )


def trend_chart(
    panels: Sequence[Panel],
    *,
    title: str,
    source: str,
    ylabel: str = style.SHARE_LABEL,
    n_cols: int | None = None,
) -> Chart:
    """Small multiples of shares over the school years, with bounds and target lines.

    Lines with role ``peer`` are drawn thin and grey and are summarised, not listed, in the
    alt text (there can be many).
    """
    if not panels:
        raise ValueError("trend_chart needs at least one panel")
    n_cols = n_cols or (1 if len(panels) == 1 else 2)
    n_rows = -(-len(panels) // n_cols)
    fig, axes = _new_figure(n_rows, n_cols, style.PANEL_HEIGHT_IN)
    described = []
    for ax, panel in zip(axes.flat, panels, strict=False):
        top = 0.0
        for line in panel.lines:
            _draw_line(ax, line)
            pts = _clean(line.points)
            if not pts.empty:
                top = max(top, float(pts[["share", "share_high"]].max().max()))
        if panel.target is not None:
            ax.axhline(
                panel.target, label=f"Doel {text.pct(panel.target, 0)}", **style.TARGET_STYLE
            )
            top = max(top, panel.target)
        ax.set_title(panel.title, fontsize=9)
        _format_trend_axes(ax, ylabel, top)
        listed = [_describe_line(line) for line in panel.lines if line.role != "peer"]
        peers = sum(1 for line in panel.lines if line.role == "peer")
        if peers:
            listed.append(f"ter vergelijking {peers} andere regio's in grijs")
        if panel.target is not None:
            listed.append(f"doel {text.pct(panel.target, 0)} als stippellijn")
        described.append(f"{panel.title}: " + "; ".join(listed) + ".")
    for ax in axes.flat[len(panels) :]:
        ax.set_visible(False)
    _legend(fig, axes)
    source_text = _finish(fig, title, source)
    alt = f"Lijngrafiek. {title}. " + " ".join(described)
    return Chart(fig, alt, source_text)


def _legend(fig: Figure, axes: np.ndarray) -> None:
    """One legend for all panels, under the title; a label appears once."""
    handles: dict[str, object] = {}
    for ax in axes.flat:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in handles and not label.startswith("_"):
                handles[label] = handle
    _place_legend(fig, list(handles.values()), list(handles))


def _place_legend(fig: Figure, handles: list, labels: list[str]) -> None:
    """Put the legend between title and plots and shrink the layout area to make room.

    Matplotlib's 'outside' legends ignore the layout rectangle and would cover the title.
    """
    if not handles:
        return
    height = fig.get_figheight()
    rows = -(-len(handles) // LEGEND_COLUMNS)
    bottom, top = SOURCE_LINE_IN / height, (TITLE_IN + rows * LEGEND_ROW_IN) / height
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom - top))
    fig.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, 1 - TITLE_IN / height),
        ncols=min(LEGEND_COLUMNS, len(handles)),
    )


def ranked_bar_chart(
    values: pd.DataFrame,
    *,
    title: str,
    source: str,
    highlight: str | None = None,
    national: float | None = None,
    target: float | None = None,
    xlabel: str = style.SHARE_LABEL,
) -> Chart:
    """Horizontal bars of all regions of a level, highest on top; ``highlight`` in blue.

    ``values`` has region, share, share_low, share_high. Bounds show as error bars where
    suppressed cells make a value uncertain; the national value is a black line.
    """
    data = values[values["share"].notna()].astype({"share": "float64"})
    data = data.sort_values("share", ascending=True, kind="stable")
    height = max(1.6, 0.2 * len(data) + 0.8)
    fig, axes = _new_figure(1, 1, height)
    ax = axes[0, 0]
    colours = [style.HIGHLIGHT if r == highlight else style.CONTEXT for r in data["region"]]
    y = np.arange(len(data))
    ax.barh(y, data["share"], color=colours, height=0.7)
    low = data["share_low"].astype("Float64").fillna(data["share"]).astype("float64")
    high = data["share_high"].astype("Float64").fillna(data["share"]).astype("float64")
    wide = (high - low) > 1e-9
    if wide.any():
        ax.errorbar(
            data["share"][wide],
            y[wide.to_numpy()],
            xerr=[(data["share"] - low)[wide], (high - data["share"])[wide]],
            fmt="none",
            ecolor="#333333",
            elinewidth=0.8,
            capsize=2,
        )
    handles = [Line2D([], [], color=style.HIGHLIGHT, linewidth=6, label=highlight or "")]
    if national is not None:
        ax.axvline(national, **style.ROLE_STYLE["national"] | {"zorder": 5})
        handles.append(
            Line2D([], [], **style.ROLE_STYLE["national"], label=f"Nederland {text.pct(national)}")
        )
    if target is not None:
        ax.axvline(target, **style.TARGET_STYLE | {"zorder": 5})
        handles.append(Line2D([], [], **style.TARGET_STYLE, label=f"Doel {text.pct(target, 0)}"))
    ax.set_yticks(y, data["region"])
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.xaxis.set_major_formatter(style.percent_axis_formatter())
    ax.set_xlabel(xlabel)
    ax.set_xlim(0, max([float(high.max()) if len(high) else 0, national or 0, target or 0]) * 1.1)
    if highlight is None:
        handles = handles[1:]
    _place_legend(fig, handles, [h.get_label() for h in handles])
    source_text = _finish(fig, title, source)
    ranked = data.sort_values("share", ascending=False, kind="stable").reset_index(drop=True)
    parts = [f"Staafdiagram. {title}. {len(ranked)} regio's van hoog naar laag"]
    if len(ranked):
        top, bottom = ranked.iloc[0], ranked.iloc[-1]
        parts.append(
            f"hoogste {top['region']} ({text.pct(top['share'])}), "
            f"laagste {bottom['region']} ({text.pct(bottom['share'])})"
        )
    if highlight is not None and (ranked["region"] == highlight).any():
        pos = int(ranked.index[ranked["region"] == highlight][0])
        share = ranked.loc[pos, "share"]
        parts.append(f"{highlight} staat op plaats {pos + 1} met {text.pct(share)}")
    if national is not None:
        parts.append(f"Nederland {text.pct(national)}")
    return Chart(fig, ". ".join(parts) + ".", source_text)


def choropleth(
    geometry: gpd.GeoDataFrame,
    values: pd.DataFrame,
    *,
    title: str,
    source: str,
    highlight_code: str | None = None,
    highlight_label: str | None = None,
) -> Chart:
    """A map of ``values`` (region_code, share) on ``geometry`` (region_code, geometry).

    Regions without a value are light grey and hatched (no data, not zero); the report's own
    region is outlined.
    """
    merged = geometry.merge(
        values[["region_code", "share"]].astype({"share": "float64"}), on="region_code", how="left"
    )
    fig, axes = _new_figure(1, 1, 5.2)
    ax = axes[0, 0]
    has = merged["share"].notna()
    if (~has).any():
        merged[~has].plot(
            ax=ax, color=style.MISSING_FILL, edgecolor="white", hatch="///", linewidth=0.4
        )
    if has.any():
        merged[has].plot(
            column="share",
            ax=ax,
            cmap=style.MAP_CMAP,
            edgecolor="white",
            linewidth=0.4,
            legend=True,
            legend_kwds={
                "label": style.SHARE_LABEL,
                "format": style.percent_axis_formatter(),
                "shrink": 0.6,
            },
        )
    outlined = merged[merged["region_code"] == highlight_code]
    if len(outlined):
        outlined.boundary.plot(ax=ax, color=style.OKABE_ITO["vermillion"], linewidth=2.2)
    ax.set_axis_off()
    source_text = _finish(fig, title, source)
    parts = [f"Kaart. {title}. {int(has.sum())} van {len(merged)} gebieden hebben een waarde"]
    if has.any():
        shares = merged.loc[has, "share"]
        parts.append(f"van {text.pct(shares.min())} tot {text.pct(shares.max())}")
    if len(outlined):
        label = highlight_label or highlight_code
        share = outlined["share"].iloc[0]
        parts.append(f"{label} is rood omlijnd ({text.pct(share)})")
    if (~has).any():
        parts.append("gearceerd grijs: geen gegevens")
    return Chart(fig, ". ".join(parts) + ".", source_text)


def figure_html(fig: Figure, alt: str, source: str, caption: str = "") -> str:
    """The ``<figure class="chart">`` block: an embedded 200 dpi PNG with alt text and source."""
    if not alt.strip():
        raise ValueError("a chart needs alt text")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=style.DPI, facecolor="white")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    width = round(fig.get_figwidth() * style.SCREEN_DPI)
    source_text = style.source_line(source)
    caption_html = f"{html.escape(caption)} " if caption else ""
    return (
        f'<figure class="chart"><img src="data:image/png;base64,{data}" '
        f'alt="{html.escape(alt, quote=True)}" width="{width}">'
        f"<figcaption>{caption_html}{html.escape(source_text)}</figcaption></figure>"
    )


def show(fig: Figure | Chart, alt: str | None = None, source: str | None = None) -> None:
    """Display a chart in a notebook as one ``text/html`` output, then release the figure.

    Takes a ``Chart`` (its own alt text and source) or a figure with ``alt`` and ``source``.
    """
    from IPython.display import display

    caption = ""
    if isinstance(fig, Chart):
        alt = alt or fig.alt
        source = source or fig.source
        caption = fig.caption
        fig = fig.fig
    if alt is None or source is None:
        raise ValueError("show() needs alt text and a source line")
    display({"text/html": figure_html(fig, alt, source, caption)}, raw=True)
    _close(fig)


def _close(fig: Figure) -> None:
    """Free the figure; pyplot-made figures (exploration notebooks) are also unregistered."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
    fig.clear()
