"""Maps: RD New, a fixed colour scale, water between the land, the two hatches, alt text."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex
from shapely.geometry import Polygon, box

from analysis.errors import ConfigError
from analysis.present import maps, plots

# Four squares of 20 km in RD New around Amersfoort (155 000, 463 000).
X0, Y0, SIDE = 140_000, 450_000, 20_000


def _regions(codes: list[str]) -> gpd.GeoDataFrame:
    shapes = [box(X0 + i * SIDE, Y0, X0 + (i + 1) * SIDE, Y0 + SIDE) for i in range(len(codes))]
    frame = gpd.GeoDataFrame(
        {"region_code": codes, "region": [f"Gemeente {c}" for c in codes]},
        geometry=shapes,
        crs=maps.RD_NEW,
    )
    return frame.to_crs("EPSG:4326")


def _values(rows: list[tuple[str, float | None, float | None, float | None]]) -> pd.DataFrame:
    codes, share, low, high = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "region_code": codes,
            "share": pd.array(share, dtype="Float64"),
            "share_low": pd.array(low, dtype="Float64"),
            "share_high": pd.array(high, dtype="Float64"),
        }
    )


def _fills(chart, n: int) -> list[str]:
    """Face colours of the coloured regions (the collection with one colour per region)."""
    ax = chart.fig.axes[0]
    for collection in ax.collections:
        colours = collection.get_facecolors()
        if len(colours) == n and len({to_hex(c) for c in colours}) > 1:
            return [to_hex(c) for c in colours]
    raise AssertionError("no collection with one colour per region")


def test_map_alt_legend_hatches_and_fixed_scale() -> None:
    prepared = maps.prepare(_regions(["GM1", "GM2", "GM3", "GM4"]), water=maps.no_water())
    scale = maps.Scale(0.0, 0.6)
    values = _values(
        [
            ("GM1", 0.30, 0.30, 0.30),
            ("GM2", 0.50, 0.35, 0.55),  # 20 pp wide: te onzeker
            ("GM3", None, None, None),
            ("GM4", 0.10, 0.10, 0.10),
        ]
    )
    chart = maps.choropleth(
        prepared,
        values,
        title="Havo N-profiel, 2023/24",
        source="DUO",
        scale=scale,
        what="Kaart van de gemeenten in Proef",
        codes=["GM1", "GM2", "GM3", "GM4"],
        highlight_code="GM1",
        highlight_label="Gemeente GM1",
        too_uncertain_pp=10,
        unit="gemeenten",
    )
    assert chart.alt.startswith("Kaart van de gemeenten in Proef: Havo N-profiel, 2023/24.")
    assert "3 van 4 gemeenten hebben een cijfer" in chart.alt
    assert "hoogste Gemeente GM2 (50,0%), laagste Gemeente GM4 (10,0%)" in chart.alt
    assert "te onzeker (gestippeld): Gemeente GM2" in chart.alt
    assert "geen gegevens (gearceerd): Gemeente GM3" in chart.alt
    assert "Gemeente GM1 is rood omlijnd (30,0%)" in chart.alt
    assert "vaste schaal 0–60%" in chart.alt
    legend = [t.get_text() for t in chart.fig.legends[0].get_texts()]
    assert legend == [
        "Gemeente GM1",
        "Geen gegevens",
        "Te onzeker (marge > 10 procentpunt)",
    ]
    # The two hatches differ (lines and dots), in the legend and on the map, and are vector
    # lines clipped to the regions: no SVG pattern, which Chromium would rasterise.
    drawn = chart.fig.legends[0].findobj(LineCollection)
    assert [bool(c.get_linestyle()[0][1]) for c in drawn] == [False, True]  # lines, dots
    ax = chart.fig.axes[0]
    colours = (maps.MISSING_HATCH.color, maps.UNCERTAIN_HATCH.color)
    hatched = [
        c
        for c in ax.collections
        if isinstance(c, LineCollection) and to_hex(c.get_colors()[0]) in colours
    ]
    assert [to_hex(c.get_colors()[0]) for c in hatched] == list(colours)
    assert all(c.get_clip_path() is not None for c in hatched)
    svg = plots.figure_svg(chart.fig)
    assert b"<pattern" not in svg and b"<clipPath" in svg
    # Each hatch is clipped to its own square: the lines to GM3 (the third, no figure), the
    # dots to GM2 (the second, te onzeker): 20 km each from X0 (reprojected: to the metre).
    for collection, (left, right) in zip(
        hatched, [(X0 + 2 * SIDE, X0 + 3 * SIDE), (X0 + SIDE, X0 + 2 * SIDE)], strict=True
    ):
        clip, _affine = collection.get_clip_path().get_transformed_path_and_affine()
        xs, ys = clip.vertices[:, 0], clip.vertices[:, 1]
        assert (xs.min(), xs.max()) == (pytest.approx(left, abs=1), pytest.approx(right, abs=1))
        assert (ys.min(), ys.max()) == (pytest.approx(Y0, abs=1), pytest.approx(Y0 + SIDE, abs=1))
    # The scale is fixed: the colorbar runs 0-60% whatever the data's range.
    colorbar = chart.fig.axes[1]
    assert colorbar.get_ylim() == pytest.approx((0.0, 0.6))
    # Name and value printed inside each square (they fit), the value-less one by name.
    labels = sorted(t.get_text() for t in chart.fig.axes[0].texts)
    assert labels == [
        "Gemeente GM1\n30,0%",
        "Gemeente GM2\n50,0%",
        "Gemeente GM3",
        "Gemeente GM4\n10,0%",
    ]
    # Drawn in RD New: the axes are in metres around the squares.
    x0, x1 = chart.fig.axes[0].get_xlim()
    assert X0 - 5_000 < x0 < X0 and X0 + 4 * SIDE < x1 < X0 + 4 * SIDE + 5_000


def test_same_share_same_colour_on_every_map() -> None:
    """30% is the same colour next to 10% as next to 50%: no stretch to the data."""
    prepared = maps.prepare(_regions(["GM1", "GM2"]), water=maps.no_water())
    scale = maps.Scale(0.1, 0.7)
    kwargs = dict(title="T", source="DUO", scale=scale, what="Kaart", unit="gemeenten")
    low = maps.choropleth(
        prepared, _values([("GM1", 0.3, 0.3, 0.3), ("GM2", 0.1, 0.1, 0.1)]), **kwargs
    )
    high = maps.choropleth(
        prepared, _values([("GM1", 0.3, 0.3, 0.3), ("GM2", 0.5, 0.5, 0.5)]), **kwargs
    )
    assert _fills(low, 2)[0] == _fills(high, 2)[0]
    assert _fills(low, 2)[1] != _fills(high, 2)[1]


def test_missing_boundaries_are_named_in_the_legend() -> None:
    geometry = _regions(["GM1", "GM2"])
    geometry.attrs["missing"] = {"GM9": "Nergenshuizen", "GM8": "Elders"}
    prepared = maps.prepare(geometry, water=maps.no_water())
    chart = maps.choropleth(
        prepared,
        _values([("GM1", 0.3, 0.3, 0.3), ("GM2", 0.4, 0.4, 0.4), ("GM9", 0.2, 0.2, 0.2)]),
        title="T",
        source="DUO",
        scale=maps.Scale(0.0, 0.6),
        what="Kaart",
        codes=["GM1", "GM2", "GM9"],  # Elders is not in this region: not named
        unit="gemeenten",
    )
    legend = [t.get_text() for t in chart.fig.legends[0].get_texts()]
    assert legend == ["Geen grenzen, niet op de kaart: Nergenshuizen"]
    assert "zonder grenzen, niet op de kaart: Nergenshuizen" in chart.alt


def test_water_is_the_enclosed_gap_with_a_configured_point(tmp_path: Path) -> None:
    """A lake inside the land is water; a bay with no configured point is not."""
    outer = box(X0, Y0, X0 + 100_000, Y0 + 100_000)
    lake = box(X0 + 30_000, Y0 + 30_000, X0 + 60_000, Y0 + 60_000)
    bay = box(X0 + 80_000, Y0 + 40_000, X0 + 100_000, Y0 + 44_000)  # open to the east
    land = Polygon(outer.exterior, [lake.exterior]).difference(bay)
    frame = gpd.GeoDataFrame(
        {"region_code": ["GM1"], "region": ["Rond"]}, geometry=[land], crs=maps.RD_NEW
    ).to_crs("EPSG:4326")
    centre = gpd.GeoSeries([lake.centroid], crs=maps.RD_NEW).to_crs("EPSG:4326").iloc[0]
    config = tmp_path / "maps.yaml"
    config.write_text(
        "scales:\n  default: {low: 0, high: 60}\n"
        f"water:\n  closing_km: 8\n  bodies:\n    Meer: [{centre.x:.5f}, {centre.y:.5f}]\n",
        encoding="utf-8",
    )
    prepared = maps.prepare(frame, maps.load_config(config))
    assert prepared.water.area == pytest.approx(lake.area, rel=0.02)
    assert not prepared.water.intersects(bay.buffer(-500))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scales:\n  default: {low: 60, high: 10}\nwater: {closing_km: 8}\n", "scales.default"),
        ("scales:\n  x: {low: 0, high: 50}\nwater: {closing_km: 8}\n", "'default' scale"),
        ("scales:\n  default: {low: 0, high: 50}\nwater: {closing_km: 0}\n", "closing_km"),
        (
            "scales:\n  default: {low: 0, high: 50}\n"
            "water: {closing_km: 8, bodies: {Meer: [52.3, 5.2]}}\n",
            "water.bodies.Meer",
        ),
    ],
)
def test_bad_map_config_names_the_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "maps.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        maps.load_config(path)
    assert str(path) in str(caught.value)


def test_hatches_are_lines_at_the_density_of_matplotlibs() -> None:
    """'///': 45-degree lines 1/18 inch apart across; '....': rows of dots 3 pt apart, every
    other row shifted half a step (as matplotlib staggers them)."""
    lines = maps.MISSING_HATCH.lines(0, 0, 1.0, 0.5)
    (x0, y0), (x1, y1) = lines[0]
    assert (x1 - x0, y1 - y0) == (pytest.approx(0.5), pytest.approx(0.5))  # 45 degrees
    assert lines[1][0][0] - lines[0][0][0] == pytest.approx(1 / 18)
    assert lines[:, 0, 0].min() <= -0.5 and lines[:, 0, 0].max() >= 1.0  # the box is covered
    rows = maps.UNCERTAIN_HATCH.lines(0, 0, 1.0, 1.0)
    step = 3 / 72
    assert rows[1][0][1] - rows[0][0][1] == pytest.approx(step)
    assert rows[1][0][0] - rows[0][0][0] == pytest.approx(step / 2)
    assert rows[2][0][0] == pytest.approx(rows[0][0][0])
    dots = maps.UNCERTAIN_HATCH.artist(rows, None)
    _offset, (on, off) = dots.get_linestyle()[0]
    assert (on, off) == (0, pytest.approx(3.0))  # a dot every 3 pt (dashes scale with the width)
