"""The synthetic geography every demo file is built on.

Provinces and COROP regions are the real ones (their codes and names are public facts,
needed so that the region definitions in config/regions.yaml work on demo data). Every
municipality, place and school is fictional and named so that it cannot pass for a real
one ("Demo-..." names, municipality codes from 9001 up, which CBS never issued).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from analysis.regions.names import COROPS, PROVINCES

# The real provinces and COROP regions (public CBS facts, kept in analysis.regions.names).
__all__ = ["COROPS", "PROVINCES", "DemoMunicipality", "municipalities"]


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
