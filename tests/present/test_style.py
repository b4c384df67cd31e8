"""The house style everywhere (issue 16): the colour cycle and the shipped style file, one
y-scale per figure, empty panels that say why, chosen regions told apart."""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from analysis.data import ProcessedData
from analysis.explore import compare
from analysis.present import plots, style

# Okabe & Ito (2008), Table 1, by hand: the cycle starts with blue, orange, bluish green.
OKABE_ITO_START = ["#0072b2", "#e69f00", "#009e73"]


@pytest.fixture(autouse=True)
def _default_rc():
    with mpl.rc_context():
        mpl.rcdefaults()
        yield


def _cycle() -> list[str]:
    return [to_hex(c) for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]


def test_apply_style_sets_the_colour_blind_safe_cycle() -> None:
    assert _cycle()[:3] != OKABE_ITO_START  # matplotlib's default before
    style.apply_style()
    cycle = _cycle()
    assert cycle[:3] == OKABE_ITO_START
    assert set(cycle) <= {to_hex(c) for c in style.OKABE_ITO.values()}
    assert mpl.rcParams["font.sans-serif"][0] == style.FONT


def test_analysts_use_the_same_file_with_plt_style_use() -> None:
    import matplotlib.pyplot as plt

    plt.style.use(style.STYLE_NAME)
    assert _cycle()[:3] == OKABE_ITO_START
    assert mpl.rcParams["axes.spines.top"] is False
    assert style.STYLE_FILE.is_file()


def _points(values: dict[int, float | None]) -> pd.DataFrame:
    frame = pd.DataFrame({"year": list(values), "share": list(values.values())}, dtype="Float64")
    return frame.assign(share_low=frame["share"], share_high=frame["share"])


def _ylims(chart: plots.Chart) -> list[tuple[float, float]]:
    return [ax.get_ylim() for ax in chart.fig.axes]


def test_panels_share_one_y_scale_unless_told_otherwise() -> None:
    panels = [
        plots.Panel("laag", [plots.Line("A", "region", _points({2018: 0.05, 2019: 0.06}))]),
        plots.Panel("hoog", [plots.Line("B", "region", _points({2018: 0.50, 2019: 0.60}))]),
    ]
    shared = _ylims(plots.trend_chart(panels, title="t", source="s"))
    assert shared[0] == shared[1]
    assert shared[0][1] == pytest.approx(0.60 * 1.15)  # 15% headroom over the highest value
    own = _ylims(plots.trend_chart(panels, title="t", source="s", share_y=False))
    assert own[0][1] == pytest.approx(0.06 * 1.15) and own[1][1] == pytest.approx(0.69)


def test_an_empty_panel_says_why() -> None:
    panels = [
        plots.Panel("vol", [plots.Line("A", "region", _points({2018: 0.2, 2019: 0.3}))]),
        plots.Panel(
            "leeg",
            [plots.Line("B", "region", _points({2018: None, 2019: None}))],
            empty_note="Geen cijfers: hier is geen opleiding",
        ),
    ]
    chart = plots.trend_chart(panels, title="t", source="s")
    texts = [[t.get_text() for t in ax.texts] for ax in chart.fig.axes]
    assert texts[0] == [] and [t.replace("\n", " ") for t in texts[1]] == [
        "Geen cijfers: hier is geen opleiding"
    ]
    assert "leeg: Geen cijfers: hier is geen opleiding." in chart.alt


def test_a_highlighted_line_without_values_is_named_in_its_panel() -> None:
    lines = [
        plots.Line("Zeeland", "region", _points({2018: None, 2019: None})),
        plots.Line("Nederland", "national", _points({2018: 0.2, 2019: 0.3})),
    ]
    chart = plots.trend_chart([plots.Panel("p", lines)], title="t", source="s")
    assert [t.get_text() for t in chart.fig.axes[0].texts] == ["Geen cijfers voor Zeeland"]


def test_notebook_trend_gives_each_chosen_region_its_own_labelled_style() -> None:
    rows = []
    names = {"NL": "Nederland", "PV26": "Utrecht", "PV29": "Zeeland", "PV20": "Groningen"}
    for i, (code, name) in enumerate(names.items()):
        for year in (2018, 2019):
            level = "nederland" if code == "NL" else "provincie"
            rows.append(("x", level, name, code, year, "totaal", 0.1 + i / 10))
    frame = pd.DataFrame(
        rows,
        columns=["indicator", "region_level", "region", "region_code", "year", "gender", "share"],
    )
    frame = frame.assign(share_low=frame["share"], share_high=frame["share"], denominator=1.0)
    regions = frame[["region_level", "region", "region_code"]].drop_duplicates()
    data = ProcessedData(Path("."), frame, pd.DataFrame(), regions.reset_index(drop=True), {})
    sel = compare.Selection("x", "provincie", 2019, (("PV26", "Utrecht"), ("PV29", "Zeeland")), {
        "naam": "X", "bron": "DUO"})  # fmt: skip
    chart = compare.trend_chart(data, sel)
    box = chart.fig.legends[0]
    legend = {t.get_text(): h for t, h in zip(box.texts, box.legend_handles, strict=True)}
    assert {"Utrecht", "Zeeland", "Nederland", "Andere regio's (provincie)"} <= set(legend)
    looks = {
        name: (to_hex(legend[name].get_color()), legend[name].get_marker())
        for name in ("Utrecht", "Zeeland", "Nederland")
    }
    assert len(set(looks.values())) == 3, looks  # three distinct styles
    assert looks["Nederland"][0] == "#000000"
    assert to_hex(legend["Andere regio's (provincie)"].get_color()) == style.GREY.lower()
