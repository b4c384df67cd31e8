"""Geometry files and the gemeente -> provincie koppeltabel.

Geometry (GeoJSON FeatureCollections, TopoJSON topologies) is recognised by its JSON keys
and feature properties; ``read`` returns the attribute table only (one row per feature),
which is cheap and validates the codes. ``analysis.regions.geometry`` loads the shapes themselves.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.ingest.rawfile import Sniffed, SourceFormat, read_rows
from analysis.regions.names import province_code

# The koppeltabel header has the typo 'gemeentCode'; a corrected release would say 'gemeenteCode'.
KOPPEL_COLUMNS = ("gemeenteNaam", "provincieCode", "Provincie")
KOPPEL_CODE_COLUMNS = ("gemeentCode", "gemeenteCode")
# GeoJSON property that identifies the layer -> its code pattern.
GEOJSON_LAYERS = {"provincieCode": r"PV\d{2}", "gemeenteCode": r"GM\d{4}"}
TOPOJSON_PREFIXES = {"PV": "provincie", "CR": "corop", "LD": "landsdeel"}


@lru_cache(maxsize=32)
def _document(path: Path, mtime_ns: int) -> dict:
    return json.loads(path.read_bytes())


def document(sniffed: Sniffed) -> dict:
    """The parsed JSON document (cached per file version: formats are tried in turn)."""
    return _document(sniffed.path, sniffed.path.stat().st_mtime_ns)


def _geojson_property(sniffed: Sniffed) -> str | None:
    if sniffed.kind != "json" or not {"type", "features"} <= set(sniffed.json_keys):
        return None
    doc = document(sniffed)
    features = doc.get("features") or []
    if doc.get("type") != "FeatureCollection" or not features:
        return None
    properties = features[0].get("properties") or {}
    return next((p for p in GEOJSON_LAYERS if p in properties), None)


def topojson_layer(sniffed: Sniffed) -> str | None:
    """'provincie' | 'corop' | 'landsdeel' for a CBS TopoJSON with object 'layer', else None."""
    if sniffed.kind != "json" or not {"type", "objects", "arcs"} <= set(sniffed.json_keys):
        return None
    doc = document(sniffed)
    layer = (doc.get("objects") or {}).get("layer") or {}
    geometries = layer.get("geometries") or []
    if doc.get("type") != "Topology" or not geometries:
        return None
    code = str((geometries[0].get("properties") or {}).get("statcode", ""))
    return TOPOJSON_PREFIXES.get(code[:2])


_NAME_KEYS = ("statnaam", "gemeenteNaam", "provincie")
LAYER_OF_PREFIX = {**TOPOJSON_PREFIXES, "GM": "gemeente"}


def _features(sniffed: Sniffed, items: list[dict], code_key: str, pattern: str) -> pd.DataFrame:
    """The attribute table: region_code, name, layer, geometry_type, source_row (feature no.)."""
    rows = []
    for number, item in enumerate(items, start=1):
        props = item.get("properties") or {}
        code = str(props.get(code_key, "")).strip()
        if not re.fullmatch(pattern, code):
            raise DataError(
                sniffed.path,
                f"feature {number} has {code_key} {code!r}",
                column=code_key,
                expected=f"a code like {pattern}",
            )
        geometry = item.get("geometry", item) or {}
        rows.append(
            {
                "region_code": code,
                "name": next((props[k] for k in _NAME_KEYS if k in props), None),
                "layer": LAYER_OF_PREFIX[code[:2]],
                "geometry_type": geometry.get("type"),
                "source_row": number,
            }
        )
    frame = pd.DataFrame(rows, dtype="string")
    frame["source_row"] = frame["source_row"].astype("Int64")
    return frame


def read_geojson(sniffed: Sniffed) -> pd.DataFrame:
    """One row per feature: region_code (PV20 / GM0014), name, geometry_type, source_row."""
    prop = _geojson_property(sniffed)
    return _features(sniffed, document(sniffed)["features"], prop, GEOJSON_LAYERS[prop])


def read_topojson(sniffed: Sniffed) -> pd.DataFrame:
    """One row per polygon of object 'layer': region_code (statcode), name, ..."""
    geometries = document(sniffed)["objects"]["layer"]["geometries"]
    return _features(sniffed, geometries, "statcode", r"(?:PV|CR|LD)\d{2}")


def read_koppelcodes(sniffed: Sniffed) -> pd.DataFrame:
    """municipality_code ('0014'), municipality, province_code ('PV20'), province_raw."""
    code_column = next(c for c in KOPPEL_CODE_COLUMNS if c in sniffed.header)
    raw = read_rows(sniffed)
    codes = raw[code_column].str.strip().str.upper()
    provinces = raw["provincieCode"].str.strip().str.upper()
    for column, values, pattern in (
        (code_column, codes, r"GM\d{4}"),
        ("provincieCode", provinces, r"PV\d{2}"),
    ):
        bad = ~values.str.fullmatch(pattern).fillna(False)
        if bad.any():
            first = bad.idxmax()
            raise DataError(
                sniffed.path,
                f"value {raw.at[first, column]!r}",
                line=int(raw.at[first, "source_row"]),
                column=column,
                expected=f"a code like {pattern}",
            )
    names = raw["Provincie"].str.strip()
    mismatch = [
        f"line {line}: {name!r} is not province {code}"
        for name, code, line in zip(names, provinces, raw["source_row"], strict=True)
        if province_code(name) != code
    ]
    frame = pd.DataFrame(
        {
            "municipality_code": codes.str[2:],
            "municipality": raw["gemeenteNaam"].str.strip(),
            "province_code": provinces,
            "province_raw": raw["Provincie"],
            "source_row": raw["source_row"],
        }
    )
    if mismatch:
        frame.attrs["warnings"] = [f"province name and code disagree: {mismatch[:5]}"]
    return frame


FORMATS: list[SourceFormat] = [
    SourceFormat(
        id="geo_gemeente_provincie_koppelcodes",
        dataset="geo_municipality_province",
        role="reference",
        description="gemeente -> veiligheidsregio -> provincie koppeltabel (CBS codes)",
        signature="gemeentCode;gemeenteNaam;...;provincieCode;Provincie",
        matches=lambda s: (
            s.kind == "csv"
            and set(KOPPEL_COLUMNS) <= set(s.header)
            and any(c in s.header for c in KOPPEL_CODE_COLUMNS)
        ),
        read=read_koppelcodes,
    ),
    SourceFormat(
        id="geo_geojson",
        dataset="geo_boundaries_geojson",
        role="geometry",
        description="CBS/PDOK boundaries as GeoJSON (provinces or municipalities)",
        signature="FeatureCollection with property provincieCode or gemeenteCode",
        matches=lambda s: _geojson_property(s) is not None,
        read=read_geojson,
    ),
    SourceFormat(
        id="geo_topojson",
        dataset="geo_boundaries_topojson",
        role="geometry",
        description="CBS gebiedsindeling as TopoJSON (object 'layer', statcode PV/CR/LD)",
        signature="Topology with object 'layer' and property statcode",
        matches=lambda s: topojson_layer(s) is not None,
        read=read_topojson,
    ),
]
