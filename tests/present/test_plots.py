"""Charts carry a Dutch title, labelled axes, a source line and alt text built from the data."""

from __future__ import annotations

import base64
import re
from xml.etree import ElementTree

import geopandas as gpd
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex
from shapely.geometry import box

from analysis.present import plots, style


def _points(shares: list[float], low: list[float] | None = None, high: list[float] | None = None):
    years = list(range(2019, 2019 + len(shares)))
    return pd.DataFrame(
        {
            "year": pd.array(years, dtype="Int64"),
            "share": pd.array(shares, dtype="Float64"),
            "share_low": pd.array(low or shares, dtype="Float64"),
            "share_high": pd.array(high or shares, dtype="Float64"),
        }
    )


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.texts]


def test_trend_chart_labels_source_target_and_alt() -> None:
    panel = plots.Panel(
        "Instroom hbo in techniek",
        [
            plots.Line("Utrecht", "region", _points([0.30, 0.35])),
            plots.Line("Nederland", "national", _points([0.20, 0.25])),
        ],
        target=0.4,
    )
    chart = plots.trend_chart([panel], title="Hbo in Utrecht", source="DUO, Eerstejaars hbo")
    ax = chart.fig.axes[0]
    assert ax.get_title(loc="left") == "Instroom hbo in techniek"
    assert ax.get_xlabel() == "Schooljaar"
    assert ax.get_ylabel() == "Aandeel (%)"
    assert "Hbo in Utrecht" in _texts(chart.fig)
    # The source line is the figure caption (text in the page), not drawn a second time.
    assert chart.source == "Bron: DUO, Eerstejaars hbo; bewerking Techniekpact-monitor"
    assert not any(t.startswith("Bron:") for t in _texts(chart.fig))
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and list(dashed[0].get_ydata()) == [0.4, 0.4]
    assert to_hex(dashed[0].get_color()) == style.TARGET_STYLE["color"].lower()
    region = next(line for line in ax.get_lines() if line.get_label() == "Utrecht")
    assert to_hex(region.get_color()) == style.ROLE_STYLE["region"]["color"].lower()
    assert "Utrecht: van 30,0% in 2019/20 naar 35,0% in 2020/21" in chart.alt
    assert "Nederland: van 20,0% in 2019/20 naar 25,0% in 2020/21" in chart.alt
    assert "doel 40%" in chart.alt
    # no suppressed cells: no uncertainty band
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_trend_chart_draws_bounds_as_band_only_where_suppressed() -> None:
    line = plots.Line("Twente", "region", _points([0.3, 0.32], [0.28, 0.32], [0.33, 0.32]))
    chart = plots.trend_chart([plots.Panel("P", [line])], title="T", source="DUO")
    bands = [c for c in chart.fig.axes[0].collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1
    ys = bands[0].get_paths()[0].vertices[:, 1]
    assert min(ys) == pytest.approx(0.28) and max(ys) == pytest.approx(0.33)
    # The legend in the glossary's words ("Marge", "Afgeschermd"), no "<5-cellen".
    assert bands[0].get_label() == "Marge Twente (door afgeschermde aantallen)"


def test_percent_axis_is_dutch() -> None:
    fmt = style.percent_axis_formatter()
    assert fmt(0.4, None) == "40"
    assert fmt(0.375, None) == "37,5"
    assert style.schooljaar_formatter()(2019.0, None) == "2019/20"


def test_small_multiples_hide_unused_panels_and_share_one_legend() -> None:
    panels = [
        plots.Panel(f"P{i}", [plots.Line("R", "region", _points([0.1, 0.2]))]) for i in range(3)
    ]
    chart = plots.trend_chart(panels, title="T", source="DUO")
    visible = [ax for ax in chart.fig.axes if ax.get_visible()]
    assert len(visible) == 3
    assert len(chart.fig.legends) == 1
    assert [t.get_text() for t in chart.fig.legends[0].get_texts()] == ["R"]


def test_ranked_bar_chart_highlights_region_and_ranks_in_alt() -> None:
    values = pd.DataFrame(
        {
            "region": ["A", "B", "C"],
            "share": [0.2, 0.4, 0.3],
            "share_low": [0.2, 0.4, 0.25],
            "share_high": [0.2, 0.4, 0.35],
        }
    )
    chart = plots.ranked_bar_chart(
        values, title="Ranglijst", source="DUO", highlight="C", national=0.28
    )
    ax = chart.fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["A", "C", "B"]  # bottom to top: highest on top
    colours = {
        label: to_hex(p.get_facecolor()) for label, p in zip(labels, ax.patches, strict=True)
    }
    assert colours["C"] == style.HIGHLIGHT.lower()
    assert colours["A"] == colours["B"] == style.CONTEXT.lower()
    assert ax.get_xlabel() == "Aandeel (%)"
    assert "C staat op plaats 2 met 30,0%" in chart.alt
    assert "hoogste B (40,0%), laagste A (20,0%)" in chart.alt
    assert "Nederland 28,0%" in chart.alt


def _geometry() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"region_code": ["PV01", "PV02", "PV03"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs="EPSG:4326",
    )


def test_ranked_bars_show_a_zero_value_and_bounds() -> None:
    """A 0,0% bar has no length: it gets a marker at zero and a printed value."""
    values = pd.DataFrame(
        {
            "region": ["Nul", "Vol", "Marge"],
            "share": [0.0, 0.4, 0.2],
            "share_low": [0.0, 0.4, 0.1],
            "share_high": [0.0, 0.4, 0.3],
        }
    )
    chart = plots.ranked_bar_chart(values, title="Ranglijst", source="DUO")
    ax = chart.fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["0,0%"]
    (marker,) = [line for line in ax.lines if line.get_marker() == "o"]
    assert list(marker.get_xdata()) == [0.0] and list(marker.get_ydata()) == [0]  # lowest
    (bounds,) = [c for c in ax.collections if c.get_segments()]
    assert len(bounds.get_segments()) == 1  # only the bar with bounds has an error bar
    segment = bounds.get_segments()[0]
    assert segment[0][0] == pytest.approx(0.1) and segment[1][0] == pytest.approx(0.3)


def test_figure_html_embeds_a_self_contained_svg_with_escaped_alt() -> None:
    chart = plots.trend_chart(
        [plots.Panel("P", [plots.Line("R", "region", _points([0.1, 0.2]))])],
        title="T",
        source="DUO",
    )
    out = plots.figure_html(chart.fig, 'Alt met "quotes" & <tags>', chart.source)
    assert out.startswith('<figure class="chart"><img src="data:image/svg+xml;base64,')
    assert 'alt="Alt met &quot;quotes&quot; &amp; &lt;tags&gt;"' in out
    assert f'width="{round(style.WIDTH_IN * style.SCREEN_DPI)}"' in out
    assert "<figcaption>Bron: DUO; bewerking Techniekpact-monitor</figcaption>" in out
    payload = base64.b64decode(re.search(r"base64,([^\"]+)\"", out).group(1))
    root = ElementTree.fromstring(payload)
    assert root.get("width") == f"{style.WIDTH_IN * 72:g}pt"
    # no external references: everything the image needs is inside it
    assert not re.search(rb'(?:href|src)="(?!#|data:)', payload)
    assert plots.figure_svg(chart.fig) == plots.figure_svg(chart.fig)  # reproducible bytes


def test_panel_titles_wrap_within_their_panel() -> None:
    long = "Havo-examenkandidaten met N&T-profiel en nog een heel lange toevoeging"
    panels = [plots.Panel(long, [plots.Line("R", "region", _points([0.1, 0.2]))])] * 2
    chart = plots.trend_chart(panels, title="T", source="DUO")
    ax = chart.fig.axes[0]
    title = ax.get_title(loc="left")
    assert "\n" in title and title.replace("\n", " ") == long
    width_in = ax.get_position().width * chart.fig.get_figwidth()
    assert all(plots.text_width_in(line, 9, "bold") <= width_in for line in title.split("\n"))


def test_figure_html_requires_alt_text() -> None:
    chart = plots.ranked_bar_chart(
        pd.DataFrame({"region": ["A"], "share": [0.1], "share_low": [0.1], "share_high": [0.1]}),
        title="T",
        source="DUO",
    )
    with pytest.raises(ValueError, match="alt text"):
        plots.figure_html(chart.fig, "  ", chart.source)


def test_show_emits_one_html_output(monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(
        "IPython.display.display", lambda *a, **kw: calls.append((a, kw)), raising=True
    )
    chart = plots.trend_chart(
        [plots.Panel("P", [plots.Line("R", "region", _points([0.1, 0.2]))])],
        title="T",
        source="DUO",
    )
    plots.show(chart)
    assert len(calls) == 1
    (bundle,), kwargs = calls[0]
    assert kwargs == {"raw": True}
    assert list(bundle) == ["text/html"]
    assert bundle["text/html"].startswith('<figure class="chart">')


def test_show_unregisters_a_pyplot_figure(monkeypatch) -> None:
    import matplotlib.pyplot as plt

    monkeypatch.setattr("IPython.display.display", lambda *a, **kw: None, raising=True)
    fig = plt.figure()
    fig.add_subplot().plot([1, 2], [3, 4])
    assert plt.fignum_exists(fig.number)
    plots.show(fig, alt="Lijn", source="DUO")
    assert not plt.fignum_exists(fig.number)  # pyplot no longer holds it


def test_reused_trend_figures_draw_the_same_svg_as_new_ones() -> None:
    """A kept figure must not carry anything over from the chart drawn on it before."""

    def panel(title: str, shares: list[float], target: float | None, band: bool) -> plots.Panel:
        low = [s - 0.02 for s in shares] if band else None
        lines = [
            plots.Line("Regio", "region", _points(shares, low, shares)),
            plots.Line("Nederland", "national", _points([s + 0.05 for s in shares])),
            plots.Line("Buur", "peer", _points([s / 2 for s in shares])),
        ]
        return plots.Panel(title, lines, target)

    charts = [  # same layouts in a row, with more and fewer lines, ticks, bands, targets
        ([panel("A", [0.1, 0.3, 0.2], 0.4, True), panel("B", [0.5], None, False)], "Eerste"),
        ([panel("C", [0.01, 0.02], None, False), panel("D lang " * 8, [0.9, 0.8], 0.4, True)], "T"),
        ([panel("E", [0.2, 0.25, 0.3, 0.2, 0.1, 0.3], None, True)], "Eén paneel"),
        ([panel("F", [0.7], 0.4, False)], "Nog één " * 12),
        ([panel("G", [0.3, 0.3], None, False), panel("H", [0.2], None, False)], "Derde"),
    ]
    for panels, title in charts:
        fresh = plots.trend_chart(panels, title=title, source="DUO")
        reused = plots.trend_chart(panels, title=title, source="DUO", reuse=True)
        assert reused.fig is None and reused.alt == fresh.alt
        assert reused.svg == plots.figure_svg(fresh.fig), title
