"""Synthetic reference and geometry files for the demo geography, in their real formats.

Each writer reproduces the byte-level quirks of the real file (docs/data-log.md): the CBS
woonplaats CSV (comma, LF, zero-padded codes), the koppeltabel (BOM, CRLF, typo
``gemeentCode``, spellings 'Friesland' / 'Noord Holland'), DUO's "01 Instellingen hbo en wo"
(Latin-1, ';'), GeoJSON with the EPSG:4289 CRS name, and CBS TopoJSON with objects
``layer`` and ``labels``. The shapes are schematic: each province is a rectangle placed
roughly where the real province lies, split into vertical COROP strips and those into
municipality cells. They draw as a map and are obviously not the real boundaries.
"""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import box, mapping
from shapely.ops import unary_union

from analysis import atomic
from analysis.demo.csvfile import write_csv
from analysis.demo.geography import COROPS, PROVINCES, DemoMunicipality, municipalities

# (column, row) of each province on a 4 x 4 schematic grid, north-west at the top left.
GRID: dict[str, tuple[int, int]] = {
    "PV21": (1, 0),  # Fryslân
    "PV20": (2, 0),  # Groningen
    "PV27": (0, 1),  # Noord-Holland
    "PV24": (1, 1),  # Flevoland
    "PV22": (2, 1),  # Drenthe
    "PV28": (0, 2),  # Zuid-Holland
    "PV26": (1, 2),  # Utrecht
    "PV25": (2, 3),  # Gelderland
    "PV23": (2, 2),  # Overijssel
    "PV29": (0, 3),  # Zeeland
    "PV30": (1, 3),  # Noord-Brabant
    "PV31": (3, 3),  # Limburg
}
WEST, NORTH, WIDTH, HEIGHT = 4.0, 53.6, 0.75, 0.6  # degrees
CBS_LANDSDELEN = {  # CBS LD code -> (name, provinces); NUTS-1
    "LD01": ("Noord-Nederland", ("PV20", "PV21", "PV22")),
    "LD02": ("Oost-Nederland", ("PV23", "PV24", "PV25")),
    "LD03": ("West-Nederland", ("PV26", "PV27", "PV28", "PV29")),
    "LD04": ("Zuid-Nederland", ("PV30", "PV31")),
}
# Province names as the PDOK geometry and the koppeltabel write them.
PDOK_PROVINCE = {
    **PROVINCES,
    "PV20": "Groningen ",
    "PV21": "Friesland",
    "PV27": "Noord Holland",
    "PV28": "Zuid Holland",
    "PV30": "Noord Brabant",
}
CRS_4289 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4289"}}
# A place name that two demo municipalities share, as real ones do ('Hengelo', 'Laren').
SHARED_PLACE = ("Demodorp", ("9001", "9041"))


def municipality_cells() -> dict[str, object]:
    """Municipality code -> rectangle (shapely), deterministic."""
    cells = {}
    for pv, (col, row) in GRID.items():
        x0, y1 = WEST + col * WIDTH, NORTH - row * HEIGHT
        corops = [c for c, (_, p) in COROPS.items() if p == pv]
        strip = WIDTH / len(corops)
        for i, cr in enumerate(corops):
            members = [m for m in municipalities() if m.corop_code == cr]
            cell = HEIGHT / len(members)
            for j, m in enumerate(members):
                left, top = x0 + i * strip, y1 - j * cell
                cells[m.code] = box(left, top - cell, left + strip, top)
    return cells


def _union(codes: list[str], cells: dict[str, object]):
    return unary_union([cells[c] for c in codes])


def write_woonplaatsen(path: Path) -> Path:
    """CBS woonplaats -> gemeente -> COROP table (85755NED/85877NED extract)."""
    rows = []
    for i, m in enumerate(municipalities()):
        rows.append([f"{9001 + i}", m.place.title(), m.code, m.name, m.corop_code[2:], _corop(m)])
    for k, code in enumerate(SHARED_PLACE[1]):
        m = next(x for x in municipalities() if x.code == code)
        rows.append([f"{9901 + k}", SHARED_PLACE[0], m.code, m.name, m.corop_code[2:], _corop(m)])
    header = ["Woonplaatscode", "Woonplaats", "Gemeentecode", "Gemeente"]
    return write_csv(
        path, [*header, "COROP-gebiedcode", "COROP-gebied"], rows, delimiter=",", line_end="\n"
    )


def _corop(m: DemoMunicipality) -> str:
    return COROPS[m.corop_code][0]


def write_koppelcodes(path: Path) -> Path:
    """gemeente -> veiligheidsregio -> provincie, with the real file's BOM, CRLF and typo."""
    header = [
        "gemeentCode",
        "gemeenteNaam",
        "veiligheidsRegioCode",
        "veiligheidsRegioNaam",
        "provincieCode",
        "Provincie",
        "Land",
    ]
    order = list(PROVINCES)
    rows = [
        [
            f"GM{m.code}",
            m.name,
            f"VR{order.index(m.province_code) + 1:02d}",
            f"Demo-veiligheidsregio {PROVINCES[m.province_code]}",
            m.province_code,
            PDOK_PROVINCE[m.province_code].strip(),
            "NL",
        ]
        for m in municipalities()
    ]
    return write_csv(path, header, rows, bom=True)


INSTITUTION_HEADER = [
    "SOORT HO",
    "PROVINCIE",
    "BEVOEGD GEZAG NUMMER",
    "BRIN NUMMER",
    "INSTELLINGSNAAM",
    "STRAATNAAM",
    "HUISNUMMER-TOEVOEGING",
    "POSTCODE",
    "PLAATSNAAM",
    "GEMEENTENUMMER",
    "GEMEENTENAAM",
    "DENOMINATIE",
    "TELEFOONNUMMER",
    "INTERNETADRES",
    "STRAATNAAM CORRESPONDENTIEADRES",
    "HUISNUMMER-TOEVOEGING CORRESPONDENTIEADRES",
    "POSTCODE CORRESPONDENTIEADRES",
    "PLAATSNAAM CORRESPONDENTIEADRES",
    "NODAAL GEBIED CODE",
    "NODAAL GEBIED NAAM",
    "RPA-GEBIED CODE",
    "RPA-GEBIED NAAM",
    "WGR-GEBIED CODE",
    "WGR-GEBIED NAAM",
    "COROPGEBIED CODE",
    "COROPGEBIED NAAM",
    "ONDERWIJSGEBIED CODE",
    "ONDERWIJSGEBIED NAAM",
    "RMC-REGIO CODE",
    "RMC-REGIO NAAM",
]


def write_institutions(path: Path) -> Path:
    """DUO "01 Instellingen hbo en wo" (Latin-1, upper-case places) for the demo institutions."""
    from analysis.demo.ho import institutions

    rows = []
    for level in ("hbo", "wo"):
        for n, inst in enumerate(institutions(level), start=1):
            m = inst.seats[0]
            values = dict.fromkeys(INSTITUTION_HEADER, "")
            values.update(
                {
                    "SOORT HO": level,
                    "PROVINCIE": PDOK_PROVINCE[m.province_code].strip().replace(" ", "-"),
                    "BEVOEGD GEZAG NUMMER": f"9{n:04d}",
                    "BRIN NUMMER": inst.code,
                    "INSTELLINGSNAAM": inst.name,
                    "STRAATNAAM": "Demostraat",
                    "HUISNUMMER-TOEVOEGING": str(n),
                    "POSTCODE": "9999 ZZ",
                    "PLAATSNAAM": m.place,
                    "GEMEENTENUMMER": m.code,
                    "GEMEENTENAAM": m.name.upper(),
                    "DENOMINATIE": "Openbaar",
                    # Official spelling here ('Fryslân'), so the file is really Latin-1.
                    "RPA-GEBIED NAAM": PROVINCES[m.province_code],
                    "COROPGEBIED CODE": m.corop_code[2:],
                    "COROPGEBIED NAAM": _corop(m),
                    # Padded like the real file.
                    "TELEFOONNUMMER": " " * 10,
                }
            )
            rows.append([values[h] for h in INSTITUTION_HEADER])
    text = ";".join(INSTITUTION_HEADER) + "\n"
    text += "".join(";".join(r) + "\n" for r in rows)
    atomic.write_bytes(path, text.encode("latin-1"))
    return path


def _feature(properties: dict, geometry) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": mapping(geometry)}


def _write_json(path: Path, doc: dict) -> Path:
    atomic.write_text(path, json.dumps(doc, ensure_ascii=False))
    return path


def write_geojson(path: Path, layer: str) -> Path:
    """PDOK-style GeoJSON: 'provincies' (provincieCode) or 'gemeenten' (gemeenteCode)."""
    cells = municipality_cells()
    if layer == "provincies":
        features = [
            _feature(
                {"provincieCode": pv, "provincie": PDOK_PROVINCE[pv]},
                _union([m.code for m in municipalities() if m.province_code == pv], cells),
            )
            for pv in PROVINCES
        ]
    elif layer == "gemeenten":
        features = [
            _feature({"gemeenteCode": f"GM{m.code}", "gemeenteNaam": m.name}, cells[m.code])
            for m in municipalities()
        ]
    else:
        raise ValueError(f"unknown GeoJSON layer {layer!r}")
    return _write_json(
        path, {"type": "FeatureCollection", "name": layer, "crs": CRS_4289, "features": features}
    )


def write_topojson(path: Path, layer: str) -> Path:
    """CBS-style TopoJSON ('provincie', 'corop' or 'landsdeel'), objects 'layer' and 'labels'.

    Every ring is its own arc and coordinates are not quantised: both are allowed by the
    TopoJSON specification and keep the writer small.
    """
    cells = municipality_cells()
    regions = _topo_regions(layer)
    arcs: list[list[list[float]]] = []
    polygons, labels = [], []
    for code, (name, codes, extra) in regions.items():
        shape = _union(codes, cells)
        parts = list(getattr(shape, "geoms", [shape]))
        rings = []
        for part in parts:
            part_rings = []
            for ring in [part.exterior, *part.interiors]:
                arcs.append([[round(x, 6), round(y, 6)] for x, y in ring.coords])
                part_rings.append([len(arcs) - 1])
            rings.append(part_rings)
        props = {"statcode": code, "statnaam": name, "rubriek": layer, "land": "NL", **extra}
        kind, arc_refs = ("Polygon", rings[0]) if len(rings) == 1 else ("MultiPolygon", rings)
        polygons.append({"type": kind, "arcs": arc_refs, "properties": props})
        point = shape.representative_point()
        labels.append({"type": "Point", "coordinates": [point.x, point.y], "properties": props})
    doc = {
        "type": "Topology",
        "objects": {
            "layer": {"type": "GeometryCollection", "geometries": polygons},
            "labels": {"type": "GeometryCollection", "geometries": labels},
        },
        "arcs": arcs,
    }
    return _write_json(path, doc)


def _topo_regions(layer: str) -> dict[str, tuple[str, list[str], dict]]:
    """statcode -> (name, member municipality codes, extra properties)."""
    munis = municipalities()
    if layer == "provincie":
        return {
            pv: (name, [m.code for m in munis if m.province_code == pv], {})
            for pv, name in PROVINCES.items()
        }
    if layer == "corop":
        return {
            cr: (name, [m.code for m in munis if m.corop_code == cr], {"provincie": pv})
            for cr, (name, pv) in COROPS.items()
        }
    if layer == "landsdeel":
        return {
            ld: (name, [m.code for m in munis if m.province_code in pvs], {})
            for ld, (name, pvs) in CBS_LANDSDELEN.items()
        }
    raise ValueError(f"unknown TopoJSON layer {layer!r}")


def write_reference_files(raw_dir: Path) -> list[Path]:
    """Every reference and geometry file of the demo dataset, under ``raw_dir``."""
    raw_dir = Path(raw_dir)
    return [
        write_woonplaatsen(raw_dir / "cbs" / "woonplaats_gemeente_corop_demo.csv"),
        write_koppelcodes(raw_dir / "geo" / "koppelcodes_gemeente_provincie_demo.csv"),
        write_institutions(raw_dir / "duo" / "ho" / "instellingen_hbo_wo_demo.csv"),
        write_geojson(raw_dir / "geo" / "provincies_demo.geojson", "provincies"),
        write_geojson(raw_dir / "geo" / "gemeenten_demo.geojson", "gemeenten"),
        *(
            write_topojson(raw_dir / "geo" / f"{layer}_demo.topojson", layer)
            for layer in ("provincie", "corop", "landsdeel")
        ),
    ]
