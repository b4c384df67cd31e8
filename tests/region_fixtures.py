"""A tiny region configuration and reference (by hand), and raw-file readers by another
route than the package's (for the real-data checks)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from analysis.ingest.rawfile import read_rows, sniff

CONFIG = """
landsdelen:
  techniekpact:
    label: Techniekpact
    regions:
      Noord: [Groningen, Fryslân, Drenthe]
      Oost: [Overijssel, Gelderland]
      Zuid: [Noord-Brabant, Limburg]
      Zuidwest: [Zeeland, Zuid-Holland]
      Noordvleugel: [Noord-Holland, Utrecht, Flevoland]
  cbs:
    regions:
      Noord-Nederland: [Groningen, Friesland, Drenthe]
      Oost-Nederland: [Overijssel, Gelderland, Flevoland]
      West-Nederland: [Utrecht, Noord Holland, Zuid-Holland, Zeeland]
      Zuid-Nederland: [Noord-Brabant, Limburg]
custom_levels:
  regiopact:
    regions:
      Twente:
        corop: [Twente]
      Lochemse Laren:
        municipalities: [LOCHEM, '0417']
"""


# code, name, COROP, places
TINY = [
    ("0164", "Hengelo (O.)", "12", ["Hengelo"]),
    ("1876", "Bronckhorst", "14", ["Hengelo (Gld)", "Vorden"]),
    ("0262", "Lochem", "14", ["Lochem", "Laren"]),
    ("0417", "Laren (NH.)", "24", ["Laren"]),
    ("1991", "Maashorst", "35", ["Uden"]),
    ("0828", "Oss", "35", ["Oss"]),
    ("0796", "'s-Hertogenbosch", "35", ["'s-Hertogenbosch"]),
    ("0093", "Terschelling", "04", ["Oosterend"]),
    ("0448", "Texel", "18", ["Oosterend"]),
    ("0060", "Ameland", "04", ["Nes"]),
    ("0074", "Heerenveen", "06", ["Nes"]),
    ("1900", "Súdwest-Fryslân", "05", ["Sneek"]),
]


def write_config(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "regions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def tiny_frames() -> dict[str, pd.DataFrame]:
    rows = [
        (f"{i:04d}", place, code, name, f"CR{corop}", "x")
        for i, (code, name, corop, places) in enumerate(TINY)
        for place in places
    ]
    columns = ["place_code", "place", "municipality_code", "municipality", "corop_code", "corop"]
    places = pd.DataFrame(rows, columns=columns, dtype="string")
    locations = pd.DataFrame(
        {"location_code": ["01AB00", "02CD00"], "municipality_code": ["0164", "0856"]},
        dtype="string",
    )
    return {"cbs": places, "vo_locations": locations}


def counts(**columns: list) -> pd.DataFrame:
    size = len(next(iter(columns.values())))
    frame = pd.DataFrame({k: pd.array(v, dtype="string") for k, v in columns.items()})
    frame["count"] = pd.array(range(1, size + 1), dtype="Int64")
    return frame


def csv_records(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    return [
        r
        for r in reader
        if None not in r.values() and len(r) > 3 and r.get(reader.fieldnames[0]) != ""
    ]


def vo_locations(shared: Path) -> pd.DataFrame:
    """The DUO vo location file, read here until the vo reader lands (same columns)."""
    raw = read_rows(sniff(shared / "duo/vo/alle_vestigingen_vo.csv"))
    return pd.DataFrame(
        {
            "location_code": raw["VESTIGINGSNUMMER"].str.strip(),
            "institution_code": raw["BRIN NUMMER"].str.strip(),
            "place": raw["PLAATSNAAM"].str.strip(),
            "municipality_code": raw["GEMEENTENUMMER"].str.strip(),
            "municipality_name": raw["GEMEENTENAAM"].str.strip(),
            "province_raw": raw["PROVINCIE"],
        }
    )
