"""The house style: one colour-blind-safe palette, one font, one set of sizes.

The report and the analysts' exploration notebooks draw with the same settings, so the
region is always the same blue, the country always black, the target always a dashed
vermillion line, wherever a chart appears.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib.ticker import FuncFormatter

from analysis.present import text

# Okabe & Ito (2008), safe for the common forms of colour-blindness; grey for context.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
GREY = "#9A9A9A"
LIGHT_GREY = "#E4E4E4"

# The role of a line decides its look; the same role looks the same in every chart.
ROLE_STYLE: dict[str, dict[str, Any]] = {
    "region": {"color": OKABE_ITO["blue"], "linewidth": 2.4, "marker": "o", "zorder": 4},
    "national": {"color": OKABE_ITO["black"], "linewidth": 1.6, "linestyle": "-", "zorder": 3},
    "landsdeel": {"color": OKABE_ITO["orange"], "linewidth": 1.6, "linestyle": "-.", "zorder": 3},
    "peer": {"color": GREY, "linewidth": 0.9, "alpha": 0.8, "zorder": 2},
    "vrouw": {"color": OKABE_ITO["reddish_purple"], "linewidth": 2.0, "marker": "o", "zorder": 4},
    "man": {"color": OKABE_ITO["bluish_green"], "linewidth": 2.0, "marker": "s", "zorder": 4},
}
# Further highlighted regions of one chart (roles 'region_2', ...): each its own colour,
# marker and dash, so they stay apart in greyscale and for colour-blind readers too.
_MORE_HIGHLIGHTS = (
    (OKABE_ITO["orange"], "s", "--"),
    (OKABE_ITO["bluish_green"], "^", "-."),
    (OKABE_ITO["reddish_purple"], "D", ":"),
    (OKABE_ITO["sky_blue"], "v", (0, (5, 1, 1, 1))),
)
ROLE_STYLE.update(
    {
        f"region_{i}": {"color": c, "linewidth": 2.0, "marker": m, "linestyle": d, "zorder": 4}
        for i, (c, m, d) in enumerate(_MORE_HIGHLIGHTS, start=2)
    }
)
HIGHLIGHT_ROLES = ("region", *(f"region_{i}" for i in range(2, 6)))
TARGET_STYLE: dict[str, Any] = {
    "color": OKABE_ITO["vermillion"],
    "linestyle": "--",
    "linewidth": 1.4,
    "zorder": 1,
}
HIGHLIGHT = OKABE_ITO["blue"]
CONTEXT = GREY
BAND_ALPHA = 0.18
MAP_CMAP = "cividis"  # perceptually uniform and colour-blind safe
MISSING_FILL = LIGHT_GREY

FONT = "DejaVu Sans"
WIDTH_IN = 7.5  # fits an A4 page with margins; the report shows it at this width
PANEL_HEIGHT_IN = 2.7
DPI = 200  # crisp in print
SCREEN_DPI = 96  # CSS pixels per inch, for the <img width> in the report

SOURCE_PREFIX = "Bron: "
SOURCE_SUFFIX = "bewerking Techniekpact-monitor"
YEAR_LABEL = "Schooljaar"
SHARE_LABEL = "Aandeel (%)"


# The house style as a matplotlib style file, shipped with the package: analysts use it in
# their own code with ``plt.style.use(STYLE_NAME)``; ``apply_style`` applies the same file.
STYLE_FILE = Path(__file__).with_name("techniekpact.mplstyle")
STYLE_NAME = "analysis.present.techniekpact"


@functools.cache
def _house_rc() -> dict[str, Any]:
    return dict(mpl.rc_params_from_file(STYLE_FILE, use_default_template=False))


def apply_style() -> None:
    """Set the house style (``techniekpact.mplstyle``) for every chart drawn after this call:
    fonts, sizes, grid and the colour-blind-safe colour cycle (idempotent)."""
    mpl.rcParams.update(_house_rc())


def source_line(source: str) -> str:
    """``'DUO, X'`` -> ``'Bron: DUO, X; bewerking Techniekpact-monitor'`` (idempotent)."""
    body = source.removeprefix(SOURCE_PREFIX).strip().rstrip(";,.")
    if body.endswith(SOURCE_SUFFIX):
        return SOURCE_PREFIX + body
    return f"{SOURCE_PREFIX}{body}; {SOURCE_SUFFIX}"


def percent_axis_formatter() -> FuncFormatter:
    """Tick labels for shares 0..1 in Dutch notation without the % sign (the label says (%))."""

    def fmt(value: float, _pos: object) -> str:
        scaled = round(value * 100, 6)
        return text.num(scaled, 0 if float(scaled).is_integer() else 1)

    return FuncFormatter(fmt)


def schooljaar_formatter() -> FuncFormatter:
    """Integer start years on the x-axis as school years ('2019/20')."""

    def fmt(value: float, _pos: object) -> str:
        return text.schooljaar(round(value)) if float(value).is_integer() else ""

    return FuncFormatter(fmt)
