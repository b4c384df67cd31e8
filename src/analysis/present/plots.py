"""Chart functions in the house style, and ``show`` that puts a chart into a notebook.

Charts are built on ``matplotlib.figure.Figure`` objects, not pyplot, so that no notebook
backend ever displays a figure on its own: ``show`` is the one way out, and it always
carries alt text and the source line. Every chart function returns a ``Chart`` (figure,
alt text, source), so the alt text is written from the same numbers that are drawn.

Layout is computed here in inches from measured text (no constrained layout): a report
draws a dozen charts per region, and a layout solver would draw each of them twice more.
Charts are embedded as SVG: vector in the PDF, and cheaper to make than a sharp PNG.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.textpath import TextToPath
from matplotlib.ticker import MaxNLocator

from analysis.present import style, text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.gridspec import GridSpec

TITLE_IN = 0.34  # height reserved above a chart for its title (inches)
LEGEND_ROW_IN = 0.22  # height of one row of the legend under the title (inches)
LEGEND_COLUMNS = 4
PANEL_TITLE_LINE_IN = 0.19  # one line of a panel title (9 pt bold)
X_AXIS_IN = 0.46  # x tick labels and x-axis label under a panel
Y_AXIS_IN = 0.58  # y tick labels (percentages) and the rotated y-axis label
RIGHT_IN = 0.12
BOTTOM_IN = 0.08
TICK_PAD_IN = 0.1
# SVG keeps charts sharp at any zoom and in print. Text stays text (searchable in the PDF,
# half the drawing time of glyph paths); where DejaVu Sans is missing the viewer's fallback
# sans-serif is narrower, so labels still fit. A fixed hash salt keeps the file identical
# between runs on the same data.
SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "techniekpact", "svg.image_inline": True}


@dataclass(eq=False)
class Line:
    """One series of a trend chart: ``points`` has year, share, share_low, share_high."""

    label: str
    role: str  # a key of style.ROLE_STYLE
    points: pd.DataFrame


@dataclass(eq=False)
class Panel:
    """One small multiple: a title, its lines and an optional target share.

    ``empty_note`` says why there is nothing to draw, when no line has a value (shown in the
    panel and in the alt text).
    """

    title: str
    lines: list[Line]
    target: float | None = None
    empty_note: str = "Geen gegevens voor deze combinatie"


@dataclass(eq=False)
class Chart:
    """A finished chart: the figure (or its SVG, when made from a cached template), its alt
    text and its source line."""

    fig: Figure | None
    alt: str
    source: str
    caption: str = ""
    svg: bytes | None = None


_TEXT = TextToPath()


@functools.lru_cache(maxsize=4096)
def text_width_in(label: str, size: float, weight: str = "normal") -> float:
    """Width of ``label`` in the house font at ``size`` points, in inches (no renderer)."""
    if not label:
        return 0.0
    props = FontProperties(family=style.FONT, size=size, weight=weight)
    width, _h, _d = _TEXT.get_text_width_height_descent(label, props, ismath=False)
    return width / 72


def wrap_to_width(label: str, width_in: float, size: float, weight: str = "normal") -> str:
    """Break ``label`` on spaces into lines no wider than ``width_in`` (where possible)."""
    lines: list[str] = []
    for word in label.split():
        if lines and text_width_in(f"{lines[-1]} {word}", size, weight) <= width_in:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _new_figure(height: float) -> Figure:
    style.apply_style()
    return Figure(figsize=(style.WIDTH_IN, height))


def _title(fig: Figure, title: str) -> None:
    """The chart title, top left, wrapped to the figure width."""
    wrapped = wrap_to_width(title, style.WIDTH_IN - 0.2, 11, "bold")
    fig.text(
        0.1 / style.WIDTH_IN,
        1 - 0.06 / fig.get_figheight(),
        wrapped,
        ha="left",
        va="top",
        fontsize=11,
        fontweight="bold",
    )


def _title_in(title: str) -> float:
    lines = wrap_to_width(title, style.WIDTH_IN - 0.2, 11, "bold").count("\n") + 1
    return TITLE_IN + (lines - 1) * 0.2


def _legend_layout(labels: list[str]) -> tuple[int, int]:
    """(columns, rows) of a legend of ``labels`` across the figure width."""
    if not labels:
        return 0, 0
    column = max(text_width_in(label, 8) for label in labels) + 0.55  # handle and spacing
    columns = max(1, min(len(labels), LEGEND_COLUMNS, int((style.WIDTH_IN - 0.2) // column)))
    return columns, -(-len(labels) // columns)


def _legend(
    fig: Figure,
    handles: list,
    labels: list[str],
    top_in: float,
    handler_map: dict | None = None,
) -> None:
    """The legend across the figure, its top edge ``top_in`` inches under the top."""
    if not handles:
        return
    columns, _rows = _legend_layout(labels)
    fig.legend(
        handles,
        labels,
        handler_map=handler_map,
        loc="upper left",
        bbox_to_anchor=(0.05 / style.WIDTH_IN, 1 - top_in / fig.get_figheight()),
        ncols=columns,
        borderaxespad=0,
        handlelength=2.2,
        columnspacing=1.2,
    )


def _legend_handles(axes: Sequence[Axes]) -> tuple[list, list[str]]:
    """One legend for all panels; a label appears once."""
    handles: dict[str, object] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in handles and not label.startswith("_"):
                handles[label] = handle
    return list(handles.values()), list(handles)


@dataclass(frozen=True)
class _Points:
    """A line's years and shares as float arrays, rows without a share dropped, by year."""

    year: np.ndarray
    share: np.ndarray
    low: np.ndarray  # share where the bound is missing
    high: np.ndarray

    def __len__(self) -> int:
        return len(self.year)


def _clean(points: pd.DataFrame) -> _Points:
    values = {
        c: points[c].to_numpy(dtype="float64", na_value=np.nan)
        for c in ("year", "share", "share_low", "share_high")
    }
    keep = ~np.isnan(values["share"])
    order = np.argsort(values["year"][keep], kind="stable")
    year, share = values["year"][keep][order], values["share"][keep][order]
    low, high = values["share_low"][keep][order], values["share_high"][keep][order]
    return _Points(
        year, share, np.where(np.isnan(low), share, low), np.where(np.isnan(high), share, high)
    )


def _draw_line(ax: Axes, line: Line, pts: _Points) -> None:
    if not len(pts):
        return
    kw = dict(style.ROLE_STYLE[line.role])
    if len(pts) == 1:
        kw.setdefault("marker", "o")
    ax.plot(pts.year, pts.share, label=line.label, **kw)
    if line.role != "peer" and ((pts.high - pts.low) > 1e-9).any():
        ax.fill_between(
            pts.year,
            pts.low,
            pts.high,
            color=kw["color"],
            alpha=style.BAND_ALPHA,
            linewidth=0,
            label=f"Marge {line.label} ({text.MARGIN_CAUSE})",
        )


def _format_trend_axes(ax: Axes, ylabel: str, top: float, years: tuple[float, float]) -> None:
    """Limits, fixed ticks and their labels, computed once (no locator runs at draw time)."""
    ymax = max(top * 1.15, 0.05)
    ax.set_ylim(0, ymax)
    yticks = [
        v
        for v in MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(0, ymax)
        if -1e-9 <= v <= ymax + 1e-9
    ]
    percent = style.percent_axis_formatter()
    ax.set_yticks(yticks, [percent(v, None) for v in yticks])
    first, last = round(years[0]), round(years[1])
    ax.set_xlim(first - 0.3, last + 0.3)
    step = max(1, -(-(last - first) // 4))
    xticks = list(range(first, last + 1, step))
    ax.set_xticks(xticks, [text.schooljaar(y) for y in xticks])
    ax.set_xlabel(style.YEAR_LABEL)
    ax.set_ylabel(ylabel)


def _panel_top(panel: Panel, points: list[_Points]) -> float:
    """The highest share, upper bound or target a panel draws (0 when it is empty)."""
    top = max((float(p.high.max()) for p in points if len(p)), default=0.0)
    return max(top, panel.target or 0.0)


def _describe_line(line: Line, pts: _Points) -> str:
    if not len(pts):
        return f"{line.label}: geen gegevens"
    if len(pts) == 1:
        return f"{line.label}: {text.pct(pts.share[-1])} in {text.schooljaar(pts.year[-1])}"
    return (
        f"{line.label}: van {text.pct(pts.share[0])} in {text.schooljaar(pts.year[0])} "
        f"naar {text.pct(pts.share[-1])} in {text.schooljaar(pts.year[-1])}"
    )


def trend_chart(
    panels: Sequence[Panel],
    *,
    title: str,
    source: str,
    ylabel: str = style.SHARE_LABEL,
    n_cols: int | None = None,
    reuse: bool = False,
    share_y: bool = True,
) -> Chart:
    """Small multiples of shares over the school years, with bounds and target lines.

    Panels share one y-scale (``share_y=False``: each its own), so that their heights
    compare. A panel without any value says why (``Panel.empty_note``); a highlighted line
    without values is named in the panel. Lines with role ``peer`` are drawn thin and grey
    and are summarised, not listed, in the alt text (there can be many). With ``reuse``
    (batch reports) the chart is drawn at once on a kept figure of the same layout and
    comes back as SVG only.
    """
    if not panels:
        raise ValueError("trend_chart needs at least one panel")
    n_cols = n_cols or (1 if len(panels) == 1 else 2)
    n_rows = -(-len(panels) // n_cols)
    gap_in = Y_AXIS_IN + 0.2
    ax_width = (style.WIDTH_IN - Y_AXIS_IN - RIGHT_IN - (n_cols - 1) * gap_in) / n_cols
    titles = [wrap_to_width(p.title, ax_width, 9, "bold") for p in panels]
    title_in = max(t.count("\n") + 1 for t in titles) * PANEL_TITLE_LINE_IN + 0.08
    ax_height = style.PANEL_HEIGHT_IN - X_AXIS_IN - title_in
    fig, grid, axes = _trend_figure(len(panels), n_rows, n_cols, reuse)
    cleaned = [[_clean(line.points) for line in panel.lines] for panel in panels]
    tops = [_panel_top(panel, pts) for panel, pts in zip(panels, cleaned, strict=True)]
    described = []
    for ax, panel, panel_title, points, top in zip(
        axes, panels, titles, cleaned, tops, strict=True
    ):
        years: list[float] = []
        listed, missing = [], []
        for line, pts in zip(panel.lines, points, strict=True):
            _draw_line(ax, line, pts)
            if len(pts):
                years += [float(pts.year[0]), float(pts.year[-1])]
            elif line.role != "peer":
                missing.append(line.label)
            if line.role != "peer":
                listed.append(_describe_line(line, pts))
        if panel.target is not None:
            ax.axhline(
                panel.target, label=f"Doel {text.pct(panel.target, 0)}", **style.TARGET_STYLE
            )
        ax.set_title(panel_title, fontsize=9, loc="left")
        _format_trend_axes(
            ax,
            ylabel,
            max(tops) if share_y else top,
            (min(years, default=0), max(years, default=1)),
        )
        note = (
            panel.empty_note
            if not years
            else (f"Geen cijfers voor {', '.join(missing)}" if missing else "")
        )
        if note:
            ax.text(
                0.5,
                0.5,
                wrap_to_width(note, ax_width - 0.3, 8),
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=8,
                color="#555555",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85},
            )
        peers = sum(1 for line in panel.lines if line.role == "peer")
        if peers:
            listed.append(f"ter vergelijking {peers} andere regio's in grijs")
        if panel.target is not None:
            listed.append(f"doel {text.pct(panel.target, 0)} als stippellijn")
        if not years:
            listed = [panel.empty_note]
        described.append(f"{panel.title}: " + "; ".join(listed) + ".")
    handles, labels = _legend_handles(axes)
    head_in = _title_in(title) + _legend_layout(labels)[1] * LEGEND_ROW_IN + title_in
    height = head_in + n_rows * (ax_height + title_in + X_AXIS_IN) - title_in + BOTTOM_IN
    fig.set_size_inches(style.WIDTH_IN, height)
    grid.update(
        left=Y_AXIS_IN / style.WIDTH_IN,
        right=1 - RIGHT_IN / style.WIDTH_IN,
        top=1 - head_in / height,
        bottom=(X_AXIS_IN + BOTTOM_IN) / height,
        wspace=gap_in / ax_width,
        hspace=(X_AXIS_IN + title_in) / ax_height,
    )
    for i, ax in enumerate(axes):  # GridSpec.update does not move existing axes
        ax.set_position(grid[i // n_cols, i % n_cols].get_position(fig))
    _title(fig, title)
    _legend(fig, handles, labels, _title_in(title))
    alt = f"Lijngrafiek. {title}. " + " ".join(described)
    if reuse:  # drawn now: the figure is the next chart's of this layout
        return Chart(None, alt, style.source_line(source), svg=figure_svg(fig))
    return Chart(fig, alt, style.source_line(source))


# Trend-chart figures kept for reuse, one per layout: making the axes and their ticks costs
# more than drawing them, and a report draws a dozen charts of a few layouts.
_TREND_FIGURES: dict[tuple[int, int, int], tuple[Figure, GridSpec, list[Axes]]] = {}


def _trend_figure(
    n_panels: int, n_rows: int, n_cols: int, reuse: bool
) -> tuple[Figure, GridSpec, list[Axes]]:
    """A figure with ``n_panels`` empty axes on an ``n_rows`` x ``n_cols`` grid.

    With ``reuse``, the cached figure of this layout with every drawn artist removed: what
    is drawn on it next is set in full by ``trend_chart`` (limits, ticks, labels, title),
    so its SVG is the same as a new figure's (tested).
    """
    key = (n_panels, n_rows, n_cols)
    if reuse and key in _TREND_FIGURES:
        style.apply_style()  # the next texts take rcParams: the style, whatever ran before
        fig, grid, axes = _TREND_FIGURES[key]
        for artist in [*fig.legends, *fig.texts]:
            artist.remove()
        for ax in axes:
            for artist in [*ax.lines, *ax.collections, *ax.texts]:
                artist.remove()
            ax.set_prop_cycle(None)
        return fig, grid, axes
    fig = _new_figure(1.0)
    grid = fig.add_gridspec(n_rows, n_cols)
    axes = [fig.add_subplot(grid[i // n_cols, i % n_cols]) for i in range(n_panels)]
    if reuse:
        _TREND_FIGURES[key] = (fig, grid, axes)
    return fig, grid, axes


def _ranked_data(values: pd.DataFrame) -> pd.DataFrame:
    """region, share, share_low, share_high as floats; no-share rows dropped; lowest first."""
    data = pd.DataFrame(
        {
            "region": values["region"].astype(str).to_numpy(),
            **{
                c: values[c].to_numpy(dtype="float64", na_value=np.nan)
                for c in ("share", "share_low", "share_high")
            },
        }
    )
    data = data[data["share"].notna()].sort_values("share", ascending=True, kind="stable")
    return data.reset_index(drop=True)


def _bar_gid(region: str) -> str:
    """An XML id for a region's bar, from any region name."""
    return "tp-bar-" + region.encode("utf-8").hex()


HIGHLIGHT_LABEL_GID = "tp-highlight-label"


def _ranked_figure(
    data: pd.DataFrame,
    *,
    title: str,
    highlight: str | None,
    highlight_label: str | None,
    national: float | None,
    target: float | None,
    xlabel: str,
) -> Figure:
    """The bars; every bar carries an SVG id, so a cached drawing can be re-highlighted."""
    share = data["share"].to_numpy()
    low = data["share_low"].fillna(data["share"]).to_numpy()
    high = data["share_high"].fillna(data["share"]).to_numpy()
    handles = []
    if highlight_label is not None:
        handles.append(Line2D([], [], color=style.HIGHLIGHT, linewidth=6, label=highlight_label))
    if national is not None:
        handles.append(
            Line2D([], [], **style.ROLE_STYLE["national"], label=f"Nederland {text.pct(national)}")
        )
    if target is not None:
        handles.append(Line2D([], [], **style.TARGET_STYLE, label=f"Doel {text.pct(target, 0)}"))
    labels = [h.get_label() for h in handles]
    bars_in = max(0.9, 0.19 * len(data) + 0.2)
    head_in = _title_in(title) + _legend_layout(labels)[1] * LEGEND_ROW_IN + 0.1
    height = head_in + bars_in + X_AXIS_IN + BOTTOM_IN
    left_in = max((text_width_in(r, 8) for r in data["region"]), default=0.3) + TICK_PAD_IN + 0.2
    fig = _new_figure(height)
    ax = fig.add_axes(
        (
            left_in / style.WIDTH_IN,
            (X_AXIS_IN + BOTTOM_IN) / height,
            1 - (left_in + RIGHT_IN + 0.15) / style.WIDTH_IN,
            bars_in / height,
        )
    )
    colours = [style.HIGHLIGHT if r == highlight else style.CONTEXT for r in data["region"]]
    y = np.arange(len(data))
    bars = ax.barh(y, share, color=colours, height=0.7)
    for bar, region in zip(bars, data["region"], strict=True):
        bar.set_gid(_bar_gid(region))
    _mark_zero(ax, y, share, high)
    wide = (high - low) > 1e-9
    if wide.any():
        ax.errorbar(
            share[wide],
            y[wide],
            xerr=[(share - low)[wide], (high - share)[wide]],
            fmt="none",
            ecolor="#333333",
            elinewidth=0.8,
            capsize=2,
        )
    if national is not None:
        ax.axvline(national, **style.ROLE_STYLE["national"] | {"zorder": 5})
    if target is not None:
        ax.axvline(target, **style.TARGET_STYLE | {"zorder": 5})
    ax.set_yticks(y, data["region"].tolist())
    ax.set_ylim(-0.6, len(data) - 0.4)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.xaxis.set_major_formatter(style.percent_axis_formatter())
    ax.set_xlabel(xlabel)
    ax.set_xlim(0, max([float(high.max()) if len(high) else 0, national or 0, target or 0]) * 1.1)
    _title(fig, title)
    _legend(fig, handles, labels, _title_in(title))
    if highlight_label is not None:
        fig.legends[0].get_texts()[0].set_gid(HIGHLIGHT_LABEL_GID)
    return fig


def _mark_zero(ax: Axes, y: np.ndarray, share: np.ndarray, high: np.ndarray) -> None:
    """A bar of 0,0% has no length: a marker at zero and its value, so it is not read as
    missing (missing regions have no row at all)."""
    zero = share < 0.0005  # prints as 0,0%
    if not zero.any():
        return
    ax.plot(np.zeros(zero.sum()), y[zero], "o", color="#333333", markersize=3.5, zorder=6)
    reach = max(float(high.max()) if len(high) else 0.0, 0.05)
    for pos, top in zip(y[zero], high[zero], strict=True):
        ax.text(
            max(float(top), 0.0) + reach * 0.02,
            pos,
            text.pct(0.0),
            va="center",
            ha="left",
            fontsize=7,
            color="#333333",
            zorder=6,
        )


def ranked_alt(
    values: pd.DataFrame, *, title: str, highlight: str | None, national: float | None
) -> str:
    """The alt text of a ranked bar chart: count, highest, lowest, the region's place."""
    ranked = _ranked_data(values).iloc[::-1].reset_index(drop=True)
    parts = [f"Staafdiagram. {title}. {len(ranked)} regio's van hoog naar laag"]
    if len(ranked):
        top, bottom = ranked.iloc[0], ranked.iloc[-1]
        parts.append(
            f"hoogste {top['region']} ({text.pct(top['share'])}), "
            f"laagste {bottom['region']} ({text.pct(bottom['share'])})"
        )
    if highlight is not None and (ranked["region"] == highlight).any():
        pos = int(ranked.index[ranked["region"] == highlight][-1])
        share = ranked.loc[pos, "share"]
        parts.append(f"{highlight} staat op plaats {pos + 1} met {text.pct(share)}")
    if national is not None:
        parts.append(f"Nederland {text.pct(national)}")
    return ". ".join(parts) + "."


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
    fig = _ranked_figure(
        _ranked_data(values),
        title=title,
        highlight=highlight,
        highlight_label=highlight,
        national=national,
        target=target,
        xlabel=xlabel,
    )
    alt = ranked_alt(values, title=title, highlight=highlight, national=national)
    return Chart(fig, alt, style.source_line(source))


@dataclass(frozen=True)
class RankedTemplate:
    """A ranked bar chart drawn once for all regions of a level; ``chart`` highlights one.

    Drawing is the expensive part of a chart; re-colouring one bar of the SVG is not. The
    legend slot is drawn with the longest region name, so every name fits in it.
    """

    svg: str
    values: pd.DataFrame
    title: str
    source: str
    national: float | None

    @classmethod
    def draw(
        cls,
        values: pd.DataFrame,
        *,
        title: str,
        source: str,
        national: float | None = None,
        target: float | None = None,
    ) -> RankedTemplate:
        data = _ranked_data(values)
        longest = max(data["region"], key=lambda r: text_width_in(r, 8), default="")
        fig = _ranked_figure(
            data,
            title=title,
            highlight=None,
            highlight_label=longest,
            national=national,
            target=target,
            xlabel=style.SHARE_LABEL,
        )
        svg = figure_svg(fig).decode("utf-8")
        _close(fig)
        return cls(svg, values, title, style.source_line(source), national)

    def chart(self, highlight: str) -> Chart:
        """The chart with ``highlight``'s bar in blue and its name in the legend."""
        svg = _set_group_text(self.svg, HIGHLIGHT_LABEL_GID, highlight)
        bar = re.compile(
            rf'(<g id="{_bar_gid(highlight)}">\s*<path [^>]*fill: ){style.CONTEXT.lower()}'
        )
        svg = bar.sub(lambda m: m.group(1) + style.HIGHLIGHT.lower(), svg, count=1)
        alt = ranked_alt(self.values, title=self.title, highlight=highlight, national=self.national)
        return Chart(None, alt, self.source, svg=svg.encode("utf-8"))


def _set_group_text(svg: str, gid: str, value: str) -> str:
    """Replace the text of the ``<text>`` inside the SVG group ``gid`` (escaped)."""
    pattern = re.compile(rf'(<g id="{gid}">\s*<text\b[^>]*>)[^<]*(</text>)')
    return pattern.sub(lambda m: m.group(1) + html.escape(value) + m.group(2), svg, count=1)


def figure_svg(fig: Figure) -> bytes:
    """The figure as a self-contained SVG, identical between runs on the same data."""
    buffer = io.BytesIO()
    with mpl.rc_context(SVG_RC):
        fig.savefig(buffer, format="svg", facecolor="white", metadata={"Date": None})
    return buffer.getvalue()


def figure_html(
    fig: Figure | None, alt: str, source: str, caption: str = "", svg: bytes | None = None
) -> str:
    """The ``<figure class="chart">`` block: an embedded SVG with alt text and source line."""
    if not alt.strip():
        raise ValueError("a chart needs alt text")
    if svg is None:
        if fig is None:
            raise ValueError("figure_html needs a figure or its SVG")
        svg = figure_svg(fig)
    data = base64.b64encode(svg).decode("ascii")
    width_pt, height_pt = _svg_size(svg)
    width = round(width_pt / 72 * style.SCREEN_DPI)
    height = round(height_pt / 72 * style.SCREEN_DPI)
    source_text = style.source_line(source)
    caption_html = f"{html.escape(caption)} " if caption else ""
    return (
        f'<figure class="chart"><img src="data:image/svg+xml;base64,{data}" '
        f'alt="{html.escape(alt, quote=True)}" width="{width}" height="{height}">'
        f"<figcaption>{caption_html}{html.escape(source_text)}</figcaption></figure>"
    )


def _svg_size(svg: bytes) -> tuple[float, float]:
    """(width, height) in points from the root element of a matplotlib SVG."""
    match = re.search(rb'<svg[^>]*\bwidth="([\d.]+)pt"[^>]*\bheight="([\d.]+)pt"', svg)
    if match is None:
        raise ValueError("not a matplotlib SVG: no width/height in points")
    return float(match.group(1)), float(match.group(2))


def show(fig: Figure | Chart, alt: str | None = None, source: str | None = None) -> None:
    """Display a chart in a notebook as one ``text/html`` output, then release the figure.

    Takes a ``Chart`` (its own alt text and source) or a figure with ``alt`` and ``source``.
    """
    from IPython.display import display

    caption, svg = "", None
    if isinstance(fig, Chart):
        alt = alt or fig.alt
        source = source or fig.source
        caption, svg = fig.caption, fig.svg
        fig = fig.fig
    if alt is None or source is None:
        raise ValueError("show() needs alt text and a source line")
    display({"text/html": figure_html(fig, alt, source, caption, svg=svg)}, raw=True)
    if fig is not None:
        _close(fig)


def _close(fig: Figure) -> None:
    """Unregister pyplot-made figures (exploration notebooks); the rest is left to the garbage
    collector (``Figure.clear`` would rebuild every axis's ticks just to throw them away)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
