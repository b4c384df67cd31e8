"""Maps in the Dutch national projection: one fixed colour scale per indicator, water as water.

- Drawn in RD New (EPSG:28992), at the page width, as tall as the region needs (up to
  ``MAX_HEIGHT_IN``).
- Colour: cividis (colour-blind safe) on a fixed scale per indicator from
  config/maps.yaml, so a colour means the same share on every map and page; the legend
  states the scale.
- "Geen gegevens" (no figure) is light and hatched with diagonal lines; "te onzeker" (bounds
  wider than the configured threshold) keeps its colour, dotted; the two never look alike.
  Both are drawn as lines clipped to the regions (``Hatch``), not as matplotlib hatches:
  those become SVG patterns, which Chromium rasterises into the PDF (blurred when zoomed).
- Water: the big lakes and sea arms are no part of the municipality polygons; they are the
  gaps a morphological closing of the land fills, kept where a configured point lies
  (config/maps.yaml), so they are drawn blue instead of as white holes.
- Values and names are printed inside a region where they fit.

Geometry is projected, simplified and its water computed once per worker (``prepare``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerPatch
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath

from analysis import paths
from analysis.configfile import load_yaml
from analysis.errors import ConfigError
from analysis.present import plots, style, text

if TYPE_CHECKING:
    import geopandas as gpd

RD_NEW = "EPSG:28992"
CONFIG_NAME = "maps.yaml"  # in the config folder (--config-dir moves it)
SIMPLIFY_M = 120  # invisible on a map of the Netherlands, a fraction of the vertices
MAX_HEIGHT_IN = 8.2  # a map on its own fills an A4 page under its title
MIN_HEIGHT_IN = 3.2
COLORBAR_IN = 1.15  # the scale and its labels right of the map
MARGIN = 0.04  # around the regions shown, as a fraction of the larger side
WATER_FILL = "#cfe3f1"
CONTEXT_FILL = "#d4d4d4"  # neighbouring regions: plain grey, no hatch
MISSING_FILL = "#f6f6f6"
OUTLINE = style.OKABE_ITO["vermillion"]
LABEL_PT = 6.5


@dataclass(frozen=True)
class Scale:
    """A fixed colour scale, shares 0..1."""

    low: float
    high: float

    def legend(self) -> str:
        return (
            f"vaste schaal {text.num(self.low * 100)}–{text.num(self.high * 100)}%, "
            "gelijk op elke kaart"
        )


@dataclass(frozen=True)
class Hatch:
    """A fill pattern as vector lines in figure inches (the same density on every map):
    diagonal lines, or rows of round dots (a dash pattern of dots; every other row shifted
    by half a step, as matplotlib's dotted hatch)."""

    spacing_in: float
    color: str
    linewidth_pt: float
    dotted: bool

    def lines(self, x0: float, y0: float, width: float, height: float) -> np.ndarray:
        """Segments (n, 2, 2) covering the box (inches): 45° lines, or horizontal rows."""
        step = self.spacing_in
        if self.dotted:
            ys = np.arange(y0, y0 + height + step, step)
            shift = (np.arange(len(ys)) % 2) * step / 2
            starts = np.column_stack([x0 - step + shift, ys])
            ends = np.column_stack([np.full(len(ys), x0 + width + step), ys])
        else:
            xs = np.arange(x0 - height, x0 + width + step, step)
            starts = np.column_stack([xs, np.full(len(xs), y0)])
            ends = np.column_stack([xs + height, np.full(len(xs), y0 + height)])
        return np.stack([starts, ends], axis=1)

    def artist(self, segments: np.ndarray, transform) -> LineCollection:
        """The segments drawn in this hatch's colour and width (dots: zero-length dashes
        with round caps, one every ``spacing_in``; matplotlib scales dashes by the width)."""
        dots = {"linestyles": [(0, (0, self.spacing_in * 72 / self.linewidth_pt))]}
        return LineCollection(
            segments,
            colors=self.color,
            linewidths=self.linewidth_pt,
            capstyle="round" if self.dotted else "butt",
            transform=transform,
            zorder=4,
            **(dots if self.dotted else {}),
        )


# Matplotlib's "///" (18 lines per inch) and "...." (24 rows of dots per inch), as vectors.
MISSING_HATCH = Hatch(1 / 18, "#8c8c8c", 0.6, dotted=False)
UNCERTAIN_HATCH = Hatch(1 / 24, "#333333", 1.3, dotted=True)


class _HatchPatch(Patch):
    """A legend entry: a swatch with a ``Hatch`` over it (see ``_HatchHandler``)."""

    def __init__(self, hatch_lines: Hatch, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hatch_lines = hatch_lines


class _HatchHandler(HandlerPatch):
    """Draws a ``_HatchPatch``'s swatch and its hatch lines, clipped to the swatch."""

    def create_artists(
        self, legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans
    ):
        (swatch,) = super().create_artists(
            legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans
        )
        hatch = orig_handle.hatch_lines
        # The handle box is in points (``trans`` scales them for the dpi); the hatch in inches.
        segments = hatch.lines(-xdescent / 72, -ydescent / 72, width / 72, height / 72) * 72
        lines = hatch.artist(segments, trans)
        lines.set_clip_path(swatch)
        return [swatch, lines]


def _hatch_regions(ax, fig, geometries, hatch: Hatch, view) -> None:
    """``hatch`` over ``geometries`` (within ``view``, a shapely box), clipped to them."""
    import shapely
    from shapely.geometry.polygon import orient

    parts = []
    for geom in geometries:
        if geom is None or geom.is_empty:
            continue
        clipped = geom.intersection(view)
        for poly in getattr(clipped, "geoms", [clipped]):
            if not isinstance(poly, shapely.Polygon) or poly.is_empty:
                continue
            poly = orient(poly, 1.0)  # exterior anticlockwise, holes clockwise: nonzero rule
            for ring in (poly.exterior, *poly.interiors):
                parts.append(MplPath(np.asarray(ring.coords)[:, :2], closed=True))
    if not parts:
        return
    width, height = fig.get_size_inches()
    lines = hatch.artist(hatch.lines(0, 0, width, height), fig.dpi_scale_trans)
    lines.set_clip_path(MplPath.make_compound_path(*parts), ax.transData)
    ax.add_collection(lines, autolim=False)


@dataclass(frozen=True)
class MapConfig:
    path: Path
    scales: dict[str, Scale]
    closing_m: float
    water_points: dict[str, tuple[float, float]]

    def scale(self, indicator: str) -> Scale:
        """The indicator's scale; ``__aandeel_vrouwen`` views and others use ``default``."""
        return self.scales.get(indicator, self.scales["default"])


def load_config(path: str | Path | None = None) -> MapConfig:
    """Read and validate config/maps.yaml (the file read once per version, by
    ``configfile.load_yaml``); ``path`` defaults to the current config folder's file."""
    path = Path(path) if path is not None else paths.CONFIG_DIR / CONFIG_NAME
    raw = load_yaml(path, "map settings")
    if not isinstance(raw, dict) or set(raw) != {"scales", "water"}:
        raise ConfigError(path, "expected the keys 'scales' and 'water'")
    scales = {}
    for name, body in (raw["scales"] or {}).items():
        ok = isinstance(body, dict) and set(body) == {"low", "high"}
        low, high = (body.get("low"), body.get("high")) if ok else (None, None)
        if (
            not ok
            or not all(isinstance(v, int | float) for v in (low, high))
            or not (0 <= low < high <= 100)
        ):
            raise ConfigError(
                path, f"scales.{name}: expected {{low: L, high: H}} with 0 <= L < H <= 100 (%)"
            )
        scales[str(name)] = Scale(low / 100, high / 100)
    if "default" not in scales:
        raise ConfigError(path, "scales: a 'default' scale is required")
    water = raw["water"] if isinstance(raw["water"], dict) else {}
    closing = water.get("closing_km")
    if not isinstance(closing, int | float) or closing <= 0:
        raise ConfigError(path, f"water.closing_km: expected a positive number, got {closing!r}")
    points = {}
    for name, point in (water.get("bodies") or {}).items():
        if not (isinstance(point, list) and len(point) == 2 and 3 < point[0] < 8 < point[1] - 42):
            raise ConfigError(
                path, f"water.bodies.{name}: expected [longitude, latitude] in the Netherlands"
            )
        points[str(name)] = (float(point[0]), float(point[1]))
    return MapConfig(path, scales, float(closing) * 1000, points)


@dataclass(frozen=True)
class Prepared:
    """Boundaries of one level in RD New, simplified, with the water between them."""

    regions: gpd.GeoDataFrame  # region_code, region, geometry
    water: object  # a shapely geometry (may be empty)
    missing: dict[str, str]  # code -> name of regions without boundaries (named in legends)


def prepare(
    geometry: gpd.GeoDataFrame, config: MapConfig | None = None, *, water: object = None
) -> Prepared:
    """Project to RD New, simplify the shared borders together, and compute the water.

    ``water`` is taken as given when the layer does not cover the whole country (a custom
    level's regions): gaps are only water where the land around them is all there.
    """
    import geopandas as gpd
    import shapely

    config = config or load_config()
    projected = geometry.to_crs(RD_NEW)
    try:  # simplifies shared borders once, so neighbours keep meeting exactly
        simple = shapely.coverage_simplify(projected.geometry.values, SIMPLIFY_M)
    except shapely.errors.GEOSException:
        simple = projected.geometry.simplify(SIMPLIFY_M, preserve_topology=True).values
    regions = gpd.GeoDataFrame(
        projected[["region_code", "region"]].reset_index(drop=True),
        geometry=gpd.GeoSeries(simple, crs=RD_NEW).make_valid().values,
        crs=RD_NEW,
    )
    if water is None:
        water = _water(regions, config)
    return Prepared(regions, water, dict(geometry.attrs.get("missing", {})))


def no_water() -> object:
    """An empty geometry: a map without water (no national land to find it between)."""
    import shapely

    return shapely.Polygon()


def _water(regions: gpd.GeoDataFrame, config: MapConfig) -> object:
    """The gaps inside the land that contain a configured water point."""
    import geopandas as gpd
    import shapely
    from shapely.geometry import Point, Polygon

    land = shapely.union_all(regions.geometry.values)
    d = config.closing_m
    closed = land.buffer(d, quad_segs=4).buffer(-d, quad_segs=4)
    filled = shapely.union_all([Polygon(p.exterior) for p in getattr(closed, "geoms", [closed])])
    gaps = filled.difference(land)
    points = gpd.GeoSeries(
        [Point(*p) for p in config.water_points.values()], crs="EPSG:4326"
    ).to_crs(RD_NEW)
    kept = [g for g in getattr(gaps, "geoms", [gaps]) if any(g.contains(p) for p in points)]
    return shapely.union_all(kept) if kept else no_water()


def _values(values: pd.DataFrame) -> pd.DataFrame:
    frame = values[["region_code", "share"]].copy()
    for column in ("share", "share_low", "share_high"):
        frame[column] = (
            values[column].to_numpy(dtype="float64", na_value=np.nan)
            if column in values
            else np.nan
        )
    return frame


def choropleth(
    prepared: Prepared,
    values: pd.DataFrame,
    *,
    title: str,
    source: str,
    scale: Scale,
    what: str,
    codes: list[str] | None = None,
    highlight_code: str | None = None,
    highlight_label: str | None = None,
    too_uncertain_pp: float | None = None,
    labels: bool = True,
    unit: str = "gebieden",
    subject: str | None = None,
) -> plots.Chart:
    """A map of ``values`` (region_code, share, share_low, share_high) on ``prepared``.

    ``codes`` are the regions the map is about (default: all); the others within view are
    drawn grey as context. ``what`` starts the alt text ("Kaart van de gemeenten in
    Twente"), followed by ``subject`` (default: the title). ``too_uncertain_pp`` marks
    figures with wider bounds as "te onzeker".
    """
    import shapely  # with geopandas: loaded once a map is drawn

    frame = prepared.regions.merge(_values(values), on="region_code", how="left")
    shown = frame["region_code"].isin(codes) if codes is not None else pd.Series(True, frame.index)
    focus = frame[shown]
    x0, y0, x1, y1 = focus.total_bounds if len(focus) else frame.total_bounds
    pad = MARGIN * max(x1 - x0, y1 - y0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    map_w = style.WIDTH_IN - COLORBAR_IN - 0.1
    map_h = min(MAX_HEIGHT_IN, max(MIN_HEIGHT_IN, map_w * (y1 - y0) / (x1 - x0)))
    if map_w * (y1 - y0) / (x1 - x0) > map_h:  # a tall region: narrower map at full height
        map_w = map_h * (x1 - x0) / (y1 - y0)
    else:  # a wide region: widen the view to the map's box so the page is used
        extra = (map_h * (x1 - x0) / map_w - (y1 - y0)) / 2
        y0, y1 = y0 - extra, y1 + extra
    has = focus["share"].notna()
    uncertain = has & _uncertain(focus, too_uncertain_pp)
    lacking = [n for c, n in prepared.missing.items() if codes is None or c in codes]
    water = prepared.water
    view_box = shapely.box(x0, y0, x1, y1)
    if not getattr(water, "is_empty", True):
        water = water.intersection(view_box)
    handles = _handles(
        focus,
        has,
        uncertain,
        water,
        lacking,
        highlight_code,
        highlight_label,
        too_uncertain_pp,
    )
    legend_labels = [h.get_label() for h in handles]
    head_in = (
        plots._title_in(title) + plots._legend_layout(legend_labels)[1] * plots.LEGEND_ROW_IN + 0.1
    )
    height = head_in + map_h + plots.BOTTOM_IN
    style.apply_style()
    fig = Figure(figsize=(style.WIDTH_IN, height))
    left_in = (style.WIDTH_IN - COLORBAR_IN - map_w) / 2
    ax = fig.add_axes(
        (left_in / style.WIDTH_IN, plots.BOTTOM_IN / height, map_w / style.WIDTH_IN, map_h / height)
    )
    norm = Normalize(scale.low, scale.high, clip=True)
    cmap = _cmap()
    view = frame.cx[x0:x1, y0:y1]
    context = view[~view["region_code"].isin(focus["region_code"])]
    if len(context):
        context.plot(ax=ax, color=CONTEXT_FILL, edgecolor="white", linewidth=0.4)
    if not getattr(water, "is_empty", True):
        import geopandas as gpd

        gpd.GeoSeries([water], crs=RD_NEW).plot(ax=ax, color=WATER_FILL, linewidth=0)
    missing = focus[~has]
    if len(missing):
        missing.plot(ax=ax, facecolor=MISSING_FILL, edgecolor="#8c8c8c", linewidth=0.3)
        _hatch_regions(ax, fig, missing.geometry, MISSING_HATCH, view_box)
    if has.any():
        colours = [cmap(norm(v)) for v in focus.loc[has, "share"]]
        focus[has].plot(ax=ax, color=colours, edgecolor="white", linewidth=0.5)
    if uncertain.any():
        _hatch_regions(ax, fig, focus[uncertain].geometry, UNCERTAIN_HATCH, view_box)
        focus[uncertain].boundary.plot(ax=ax, color="white", linewidth=0.5, zorder=5)
    outlined = focus[focus["region_code"] == highlight_code]
    if len(outlined):
        outlined.boundary.plot(ax=ax, color=OUTLINE, linewidth=2.0)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if labels:
        _labels(ax, focus, has, map_w / (x1 - x0), norm, cmap)
    _colorbar(fig, ax, norm, cmap, scale, focus.loc[has, "share"], left_in + map_w, height, map_h)
    plots._title(fig, title)
    plots._legend(
        fig, handles, legend_labels, plots._title_in(title), {_HatchPatch: _HatchHandler()}
    )
    alt = _alt(
        what,
        subject or title,
        focus,
        has,
        uncertain,
        highlight_code,
        highlight_label,
        scale,
        len(context),
        lacking,
        unit,
    )
    return plots.Chart(fig, alt, style.source_line(source))


# ColorBrewer YlGnBu (sequential, colour-blind safe), without its near-white end (that is
# the "geen gegevens" fill) and with no grey in it (grey is for the neighbouring regions).
CMAP_NAME, CMAP_FROM = "YlGnBu", 0.12


@lru_cache(maxsize=1)
def _cmap():
    import matplotlib as mpl
    from matplotlib.colors import ListedColormap

    base = mpl.colormaps[CMAP_NAME]
    return ListedColormap(base(np.linspace(CMAP_FROM, 1.0, 256)), name="tp-map")


def _dark(rgba: tuple) -> bool:
    """Whether white text reads better than black on this fill (relative luminance)."""
    r, g, b = rgba[:3]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45


def _uncertain(frame: pd.DataFrame, threshold_pp: float | None) -> pd.Series:
    if threshold_pp is None:
        return pd.Series(False, index=frame.index)
    width = (frame["share_high"] - frame["share_low"]) * 100
    return (width > threshold_pp + 1e-9).fillna(False)


def _handles(
    focus, has, uncertain, water, missing, highlight_code, highlight_label, threshold
) -> list:
    handles: list = []
    if highlight_code is not None and (focus["region_code"] == highlight_code).any():
        handles.append(
            Line2D([], [], color=OUTLINE, linewidth=2.2, label=highlight_label or highlight_code)
        )
    if (~has).any():
        handles.append(
            _HatchPatch(
                MISSING_HATCH, facecolor=MISSING_FILL, edgecolor="#8c8c8c", label="Geen gegevens"
            )
        )
    if uncertain.any():
        handles.append(
            _HatchPatch(
                UNCERTAIN_HATCH,
                facecolor="white",
                edgecolor="#333333",
                label=f"Te onzeker (marge > {text.num(threshold)} procentpunt)",
            )
        )
    if not getattr(water, "is_empty", True):
        handles.append(Patch(facecolor=WATER_FILL, edgecolor="none", label="Water"))
    if missing:
        names = text.join_and(list(missing)[:6]) + (" e.a." if len(missing) > 6 else "")
        handles.append(
            Patch(
                facecolor="none", edgecolor="none", label=f"Geen grenzen, niet op de kaart: {names}"
            )
        )
    return handles


def _labels(ax, focus, has, in_per_m: float, norm, cmap) -> None:
    """Name and value inside each region where they fit, never over another label.

    A label fits where its box lies (almost) inside the region; the largest regions are
    labelled first; a region too small for its name shows only its value, or nothing.
    """
    import shapely

    line_m = LABEL_PT * 1.25 / 72 / in_per_m
    placed: list = []
    order = focus.geometry.area.sort_values(ascending=False).index
    for i in order:
        row = focus.loc[i]
        geom = row["geometry"]
        if geom is None or geom.is_empty:
            continue
        value = text.pct(row["share"]) if not pd.isna(row["share"]) else ""
        point = geom.representative_point()
        for lines in ([str(row["region"]), value] if value else [str(row["region"])], [value]):
            lines = [t for t in lines if t]
            if not lines:
                continue
            half_w = max(plots.text_width_in(t, LABEL_PT) for t in lines) * 1.1 / in_per_m / 2
            half_h = line_m * len(lines) / 2
            label = shapely.box(
                point.x - half_w, point.y - half_h, point.x + half_w, point.y + half_h
            )
            inside = geom.intersection(label).area >= 0.85 * label.area
            if inside and not any(label.intersects(other) for other in placed):
                placed.append(label)
                break
        else:
            continue
        dark = not pd.isna(row["share"]) and _dark(cmap(norm(row["share"])))
        ax.text(
            point.x,
            point.y,
            "\n".join(lines),
            ha="center",
            va="center",
            fontsize=LABEL_PT,
            color="white" if dark else "#111111",
            linespacing=1.1,
            zorder=6,
        )


def _colorbar(
    fig,
    ax,
    norm,
    cmap,
    scale: Scale,
    shares: pd.Series,
    right_in: float,
    height: float,
    map_h: float,
) -> None:
    from matplotlib.cm import ScalarMappable

    extend_low = bool((shares < scale.low).any())
    extend_high = bool((shares > scale.high).any())
    extend = {(True, True): "both", (True, False): "min", (False, True): "max"}.get(
        (extend_low, extend_high), "neither"
    )
    bar_h = min(3.2, 0.6 * map_h)
    cax = fig.add_axes(
        (
            (right_in + 0.25) / style.WIDTH_IN,
            (plots.BOTTOM_IN + (map_h - bar_h) / 2) / height,
            0.16 / style.WIDTH_IN,
            bar_h / height,
        )
    )
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax, extend=extend)
    # Fixed ticks every 10 (or 5) percentage points: no locator runs at draw time.
    step = 0.1 if scale.high - scale.low >= 0.4 else 0.05
    ticks = np.arange(scale.low, scale.high + 1e-9, step)
    percent = style.percent_axis_formatter()
    bar.set_ticks(ticks, labels=[percent(t, None) for t in ticks])
    bar.set_label(f"{style.SHARE_LABEL}; {scale.legend()}", fontsize=7.5)
    bar.ax.tick_params(labelsize=7.5)


def _alt(
    what,
    title,
    focus,
    has,
    uncertain,
    highlight_code,
    highlight_label,
    scale,
    n_context,
    lacking,
    unit,
) -> str:
    parts = [f"{what}: {title}"]
    parts.append(f"{int(has.sum())} van {len(focus)} {unit} hebben een cijfer")
    if has.any():
        ranked = focus[has].sort_values("share", ascending=False)
        top, bottom = ranked.iloc[0], ranked.iloc[-1]
        parts.append(
            f"hoogste {top['region']} ({text.pct(top['share'])}), "
            f"laagste {bottom['region']} ({text.pct(bottom['share'])})"
        )
    if uncertain.any():
        parts.append(
            f"te onzeker (gestippeld): {text.join_and(focus.loc[uncertain, 'region'].tolist())}"
        )
    if (~has).any():
        names = focus.loc[~has, "region"].tolist()
        shown = text.join_and(names[:8]) + (
            f" en {len(names) - 8} andere" if len(names) > 8 else ""
        )
        parts.append(f"geen gegevens (gearceerd): {shown}")
    outlined = focus[focus["region_code"] == highlight_code]
    if len(outlined):
        share = outlined["share"].iloc[0]
        value = text.pct(share) if not pd.isna(share) else "geen gegevens"
        parts.append(f"{highlight_label or highlight_code} is rood omlijnd ({value})")
    if n_context:
        parts.append("omliggende gebieden grijs")
    if lacking:
        parts.append(f"zonder grenzen, niet op de kaart: {text.join_and(lacking)}")
    parts.append(f"kleurschaal {scale.legend()}")
    return ". ".join(parts) + "."
