"""Names and codes of Dutch regions, and how the spellings in raw files map onto them.

The provinces and COROP regions are public CBS facts that no single raw file gives
completely, so they live here. Matching is insensitive to case, diacritics and
punctuation (``'S-GRAVENHAGE`` = ``'s-Gravenhage``, ``SUDWEST-FRYSLAN`` = ``Súdwest-Fryslân``);
an unknown spelling yields ``None`` so that the caller reports it instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

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

# CBS COROP code -> (name, province code); the 40 COROP regions (CBS gebiedsindeling).
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

# Province spellings seen in the raw files beyond the official ones (which always match).
# Only spellings actually observed belong here: an unknown spelling must be reported.
_PROVINCE_VARIANTS: dict[str, str] = {
    "Friesland": "PV21",  # DUO files, PDOK geometry, koppelcodes
    "Fryslan": "PV21",
    "Noord Holland": "PV27",  # PDOK geometry and koppelcodes write these without hyphens
    "Zuid Holland": "PV28",
    "Noord Brabant": "PV30",
}

# Suffixes that DUO, PostNL and CBS append to place and municipality names to tell
# namesakes apart ('EDE GLD', 'HENGELO OV', 'Bergen (NH.)', 'Loo Gld', 'Haren Gn').
PROVINCE_SUFFIXES: dict[str, str] = {
    "gn": "PV20",
    "gr": "PV20",
    "fr": "PV21",
    "dr": "PV22",
    "o": "PV23",
    "ov": "PV23",
    "fl": "PV24",
    "gld": "PV25",
    "gl": "PV25",
    "u": "PV26",
    "ut": "PV26",
    "nh": "PV27",
    "zh": "PV28",
    "z": "PV29",
    "zl": "PV29",
    "nb": "PV30",
    "l": "PV31",
    "lb": "PV31",
}

_DROP = re.compile(r"[.'’`´]")
_SEPARATORS = re.compile(r"[^0-9a-z]+")


# Abbreviations DUO uses in place names ('NIEUWERKERK AD IJSSEL', 'ST. ANTHONIS'); both the
# abbreviation and the full form are reduced to one token so that they compare equal.
_ABBREVIATIONS = (
    (re.compile(r"\b(?:aan den|aan de|a d|ad)\b"), "ad"),
    (re.compile(r"\bst\b"), "sint"),
)


def name_key(value: object) -> str:
    """Case-, diacritics- and punctuation-insensitive key: "'S-GRAVENHAGE" -> 's gravenhage'."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _SEPARATORS.sub(" ", _DROP.sub("", text)).strip()
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    return text


def split_suffix(key: str) -> tuple[str, str | None]:
    """('hengelo ov') -> ('hengelo', 'PV23'): the base name and the province its suffix names."""
    base, _, last = key.rpartition(" ")
    if base and last in PROVINCE_SUFFIXES:
        return base, PROVINCE_SUFFIXES[last]
    return key, None


_PROVINCE_KEYS: dict[str, str] = {
    **{name_key(name): code for code, name in PROVINCES.items()},
    **{name_key(name): code for name, code in _PROVINCE_VARIANTS.items()},
    **{name_key(code): code for code in PROVINCES},
}


def province_code(value: object) -> str | None:
    """The CBS code of a province spelling ('Noord Holland ' -> 'PV27'); None when unknown."""
    return _PROVINCE_KEYS.get(name_key(value))


def province_codes(values: pd.Series) -> pd.Series:
    """Vectorised ``province_code``: each distinct spelling is looked up once."""
    uniques = values.dropna().unique()
    return values.map({v: province_code(v) for v in uniques}).astype("string")


def corop_code(value: object) -> str | None:
    """A COROP region by code ('CR12', '12', '012') or name ('Twente'); None when unknown."""
    text = str(value).strip()
    digits = text[2:] if text.upper().startswith("CR") else text
    if digits.isdigit() and f"CR{int(digits):02d}" in COROPS:
        return f"CR{int(digits):02d}"
    key = name_key(text)
    for code, (name, _) in COROPS.items():
        if name_key(name) == key:
            return code
    return None


def slug(value: str) -> str:
    """'Regio Zwolle' -> 'Regio-Zwolle': a region name as a code/file-name fragment."""
    return name_key(value.replace("'", "")).title().replace(" ", "-") if value else ""
