"""The synthetic geography every demo file is built on.

Provinces and COROP regions are the real ones (their codes and names are public facts,
needed so that the region definitions in config/regions.yaml work on demo data). Every
municipality, place and school is fictional and named so that it cannot pass for a real
one ("Demo-..." names, municipality codes from 9001 up, which CBS never issued).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

# CBS province codes with their official spelling.
PROVINCES: dict[str, str] = {
    "PV20": "Groningen",
    "PV21": "Fryslân",
    "PV22": "Drenthe",
    "PV23": "Overijssel",
    "PV24": "Flevoland",
    "PV25": "Gelderland",
    "PV26": "Utrecht",
    "PV27": "Noord-Holland",
    "PV28": "Zuid-Holland",
    "PV29": "Zeeland",
    "PV30": "Noord-Brabant",
    "PV31": "Limburg",
}

# CBS COROP code -> (name, province code); the 40 COROP regions.
COROPS: dict[str, tuple[str, str]] = {
    "CR01": ("Oost-Groningen", "PV20"),
    "CR02": ("Delfzijl en omgeving", "PV20"),
    "CR03": ("Overig Groningen", "PV20"),
    "CR04": ("Noord-Friesland", "PV21"),
    "CR05": ("Zuidwest-Friesland", "PV21"),
    "CR06": ("Zuidoost-Friesland", "PV21"),
    "CR07": ("Noord-Drenthe", "PV22"),
    "CR08": ("Zuidoost-Drenthe", "PV22"),
    "CR09": ("Zuidwest-Drenthe", "PV22"),
    "CR10": ("Noord-Overijssel", "PV23"),
    "CR11": ("Zuidwest-Overijssel", "PV23"),
    "CR12": ("Twente", "PV23"),
    "CR13": ("Veluwe", "PV25"),
    "CR14": ("Achterhoek", "PV25"),
    "CR15": ("Arnhem/Nijmegen", "PV25"),
    "CR16": ("Zuidwest-Gelderland", "PV25"),
    "CR17": ("Utrecht", "PV26"),
    "CR18": ("Kop van Noord-Holland", "PV27"),
    "CR19": ("Alkmaar en omgeving", "PV27"),
    "CR20": ("IJmond", "PV27"),
    "CR21": ("Agglomeratie Haarlem", "PV27"),
    "CR22": ("Zaanstreek", "PV27"),
    "CR23": ("Groot-Amsterdam", "PV27"),
    "CR24": ("Het Gooi en Vechtstreek", "PV27"),
    "CR25": ("Agglomeratie Leiden en Bollenstreek", "PV28"),
    "CR26": ("Agglomeratie 's-Gravenhage", "PV28"),
    "CR27": ("Delft en Westland", "PV28"),
    "CR28": ("Oost-Zuid-Holland", "PV28"),
    "CR29": ("Groot-Rijnmond", "PV28"),
    "CR30": ("Zuidoost-Zuid-Holland", "PV28"),
    "CR31": ("Zeeuwsch-Vlaanderen", "PV29"),
    "CR32": ("Overig Zeeland", "PV29"),
    "CR33": ("West-Noord-Brabant", "PV30"),
    "CR34": ("Midden-Noord-Brabant", "PV30"),
    "CR35": ("Noordoost-Noord-Brabant", "PV30"),
    "CR36": ("Zuidoost-Noord-Brabant", "PV30"),
    "CR37": ("Noord-Limburg", "PV31"),
    "CR38": ("Midden-Limburg", "PV31"),
    "CR39": ("Zuid-Limburg", "PV31"),
    "CR40": ("Flevoland", "PV24"),
}


@dataclass(frozen=True)
class DemoMunicipality:
    code: str  # '9001'..: never a real CBS code
    name: str  # 'Demo-Twente 1'
    place: str  # the one woonplaats, 'DEMOPLAATS TWENTE 1' upper case as DUO writes places
    corop_code: str
    province_code: str


@cache
def municipalities(per_corop: int = 2) -> tuple[DemoMunicipality, ...]:
    """Two fictional municipalities per COROP region, deterministic."""
    out = []
    number = 9001
    for corop_code, (corop_name, province_code) in COROPS.items():
        for i in range(1, per_corop + 1):
            out.append(
                DemoMunicipality(
                    code=f"{number:04d}",
                    name=f"Demo-{corop_name} {i}",
                    place=f"DEMOPLAATS {corop_name.upper()} {i}",
                    corop_code=corop_code,
                    province_code=province_code,
                )
            )
            number += 1
    return tuple(out)
