"""Region boundaries for maps: one GeoDataFrame per region level, keyed by ``region_code``.

The geometry files are found under the raw dir by content (``analysis.ingest.identify``), not by
name. Provinces come from the PDOK GeoJSON (else the CBS 2015 TopoJSON), COROP regions
from the CBS TopoJSON (else dissolved from municipalities), landsdelen are dissolved from
provinces by the configured schemes, custom levels from the municipality layer, and
municipalities are that layer itself (one without boundaries is listed in
``attrs['missing']``, not an error: its report and the maps still build).

CRS: the PDOK files declare EPSG:4289 (Amersfoort, geographic). It differs from WGS84 by
about 100 m, which does not show on a choropleth of the Netherlands, so it is treated as
EPSG:4326 (see docs/data-log.md); the TopoJSON files are already EPSG:4326.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis import municipal
from analysis.errors import DataError
from analysis.ingest import identify
from analysis.ingest.geo import topojson_layer
from analysis.ingest.rawfile import Sniffed

WGS84 = "EPSG:4326"


def find_geometry(raw_dir: Path) -> dict[str, Path]:
    """Layer ('provincie', 'gemeente', 'corop', 'landsdeel', + '_topo' variants) -> file."""
    found: dict[str, Path] = {}
    for path in sorted(p for p in Path(raw_dir).rglob("*") if p.is_file()):
        if path.suffix.lower() in {".md", ".txt", ".pdf"}:
            continue
        try:
            fmt, sniffed = identify(path)
        except DataError:
            continue
        if fmt.role != "geometry":
            continue
        if fmt.id == "geo_topojson":
            found.setdefault(f"{topojson_layer(sniffed)}_topo", path)
        else:
            layer = fmt.read(sniffed)["layer"].iloc[0]
            found.setdefault(str(layer), path)
    return found


def read_layer(path: Path) -> gpd.GeoDataFrame:
    """A GeoJSON file, or the polygon object 'layer' of a TopoJSON file, in EPSG:4326."""
    sniffed = identify(path)[1]
    if _is_topojson(sniffed):
        # GDAL's TopoJSON driver needs the prefix; the object 'layer' holds the polygons.
        frame = gpd.read_file(f"TopoJSON:{path}", layer="layer")
    else:
        frame = gpd.read_file(path)
    frame = frame.set_crs(WGS84, allow_override=True)
    # Generalised boundaries have self-intersections; buffer(0) keeps only polygonal parts.
    frame["geometry"] = frame.geometry.make_valid().buffer(0)
    return frame


def _is_topojson(sniffed: Sniffed) -> bool:
    return "arcs" in sniffed.json_keys


def _codes(frame: gpd.GeoDataFrame, column: str, strip: str = "") -> gpd.GeoDataFrame:
    out = frame[[column, "geometry"]].rename(columns={column: "region_code"})
    out["region_code"] = out["region_code"].astype("string").str.removeprefix(strip)
    return out


def _dissolve(base: gpd.GeoDataFrame, members: pd.DataFrame) -> gpd.GeoDataFrame:
    """Dissolve ``base`` (region_code = member key) into the regions of ``members``."""
    joined = base.merge(members, left_on="region_code", right_on="member", suffixes=("_m", ""))
    out = joined[["region_code", "geometry"]].dissolve(by="region_code", as_index=False)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=WGS84)


def boundaries(level: str, raw_dir: Path, table: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """Boundaries of every region of ``level`` (columns region_code, region, geometry).

    ``table`` is the region table; it is built from the raw dir when not given.
    """
    if table is None:
        table = table_from_raw(Path(raw_dir))
    regions = table[table["region_level"] == level]
    if regions.empty:
        known = sorted(table["region_level"].unique())
        raise DataError(raw_dir, f"unknown region level {level!r}", expected=f"one of {known}")
    files = find_geometry(raw_dir)
    if level == "provincie":
        out = _provinces(files, raw_dir)
    elif level == municipal.LEVEL:  # the layer itself: gemeenteCode is already 'GM0153'
        out = _codes(read_layer(_need(files, "gemeente", raw_dir)), "gemeenteCode")
    elif level == "corop" and "corop_topo" in files:
        out = _codes(read_layer(files["corop_topo"]), "statcode")
    elif level == "nederland" or level.startswith("landsdeel"):
        members = regions[["region_code", "member_provinces"]].explode("member_provinces")
        members = members.rename(columns={"member_provinces": "member"})
        out = _dissolve(_provinces(files, raw_dir), members)
    else:  # custom levels, and COROP without its TopoJSON
        path = _need(files, "gemeente", raw_dir)
        municipalities = _codes(read_layer(path), "gemeenteCode", "GM")
        members = regions[["region_code", "member_municipalities"]].explode("member_municipalities")
        members = members.rename(columns={"member_municipalities": "member"})
        out = _dissolve(municipalities, members)
    out = out.merge(regions[["region_code", "region"]], on="region_code", how="inner")
    missing = sorted(set(regions["region_code"]) - set(out["region_code"]))
    if missing and level != municipal.LEVEL:
        raise DataError(raw_dir, f"no boundaries for {level} regions {missing}")
    frame = gpd.GeoDataFrame(out[["region_code", "region", "geometry"]], crs=WGS84)
    # A municipality without boundaries is named in the map's legend (the map still draws).
    lacking = regions[regions["region_code"].isin(missing)]
    frame.attrs["missing"] = dict(zip(lacking["region_code"], lacking["region"], strict=True))
    return frame


def _need(files: dict[str, Path], layer: str, raw_dir: Path) -> Path:
    if layer not in files:
        raise DataError(raw_dir, f"no {layer} geometry file found", expected="CBS/PDOK GeoJSON")
    return files[layer]


def _provinces(files: dict[str, Path], raw_dir: Path) -> gpd.GeoDataFrame:
    if "provincie" in files:
        return _codes(read_layer(files["provincie"]), "provincieCode")
    if "provincie_topo" in files:
        return _codes(read_layer(files["provincie_topo"]), "statcode")
    raise DataError(raw_dir, "no province geometry file found", expected="CBS/PDOK GeoJSON")


def table_from_raw(raw_dir: Path) -> pd.DataFrame:
    """The region table from the reference files under ``raw_dir`` and the region config."""
    from analysis import regions

    frames = {}
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        try:
            fmt, sniffed = identify(path)
        except DataError:
            continue
        if fmt.role == "reference":
            frames[fmt.id] = fmt.read(sniffed)
    config = regions.load_config()
    return regions.region_table(regions.build_reference(frames, config), config)
