"""config/report_texts.yaml: region names with their article, and mbo institutions that
DUO places at a seat outside the region where they teach.

Analysts edit the file; this module checks it on load (ConfigError naming the entry).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import paths
from analysis.configfile import load_yaml
from analysis.errors import ConfigError

if TYPE_CHECKING:
    from analysis.data import ReportContext

REPORT_TEXTS_NAME = "report_texts.yaml"  # in the config folder


@dataclass(frozen=True)
class Municipality:
    code: str
    naam: str


@dataclass(frozen=True)
class MboSeat:
    """An mbo institution placed at ``zetel`` while it teaches in ``lesplaatsen``."""

    naam: str
    zetel: Municipality
    lesplaatsen: tuple[Municipality, ...]


@dataclass(frozen=True)
class ReportTexts:
    lidwoord: dict[str, str]
    mbo_zetels: tuple[MboSeat, ...]

    def name(self, region: str) -> str:
        """The region as a sentence names it: 'de Achterhoek', 'Twente'."""
        return self.lidwoord.get(region, region)


def _municipality(path: Path, where: str, raw: Any) -> Municipality:
    if not isinstance(raw, dict) or set(raw) != {"code", "naam"}:
        raise ConfigError(path, f"{where}: expected {{code: '0363', naam: Amsterdam}}")
    code = str(raw["code"])
    if not (len(code) == 4 and code.isdigit()):
        raise ConfigError(
            path, f"{where}.code: expected a 4-digit CBS code in quotes, not {code!r}"
        )
    return Municipality(code, str(raw["naam"]))


def parse_report_texts(raw: Any, path: Path) -> ReportTexts:
    """Validate the parsed YAML ``raw`` of ``path``."""
    if not isinstance(raw, dict) or set(raw) - {"lidwoord", "mbo_zetels"}:
        raise ConfigError(path, "expected a mapping with 'lidwoord' and 'mbo_zetels'")
    names = raw.get("lidwoord") or {}
    if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
        raise ConfigError(path, "lidwoord: expected region name -> name with article")
    seats = []
    for i, entry in enumerate(raw.get("mbo_zetels") or []):
        where = f"mbo_zetels[{i}]"
        if not isinstance(entry, dict) or set(entry) != {"naam", "zetel", "lesplaatsen"}:
            raise ConfigError(path, f"{where}: expected naam, zetel and lesplaatsen")
        places = entry["lesplaatsen"]
        if not isinstance(places, list) or not places:
            raise ConfigError(path, f"{where}.lesplaatsen: expected a non-empty list")
        seats.append(
            MboSeat(
                str(entry["naam"]),
                _municipality(path, f"{where}.zetel", entry["zetel"]),
                tuple(
                    _municipality(path, f"{where}.lesplaatsen[{j}]", p)
                    for j, p in enumerate(places)
                ),
            )
        )
    return ReportTexts({str(k): v for k, v in names.items()}, tuple(seats))


def load_report_texts(path: Path | None = None) -> ReportTexts:
    """Read and validate config/report_texts.yaml (an absent file: no entries; the file
    read once per version, by ``configfile.load_yaml``)."""
    path = path or paths.CONFIG_DIR / REPORT_TEXTS_NAME
    if not path.is_file():
        return ReportTexts({}, ())
    return parse_report_texts(load_yaml(path, "report texts"), path)


def mbo_seat_caveats(members: set[str], texts: ReportTexts | None = None) -> list[str]:
    """Caveats for a region of these municipalities (CBS codes) where the mbo seat rule bites."""
    texts = texts or load_report_texts()
    out = []
    for seat in texts.mbo_zetels:
        taught = [p.naam for p in seat.lesplaatsen if p.code in members]
        places = " en ".join(p.naam for p in seat.lesplaatsen)
        if taught and seat.zetel.code not in members:
            out.append(
                f"De mbo-cijfers missen de studenten van {seat.naam}: die geeft les in "
                f"{places}, maar DUO's mbo-bestand plaatst al haar studenten bij de zetel in "
                f"{seat.zetel.naam}."
            )
        elif seat.zetel.code in members and not taught:
            out.append(
                f"De mbo-cijfers bevatten de studenten van {seat.naam}: DUO's mbo-bestand "
                f"plaatst ze bij de zetel in {seat.zetel.naam}, maar ze krijgen les in {places}."
            )
    return out


HO_INSTITUTION = {"hbo": "hogeschool", "wo": "universiteit"}


def no_institution_reason(region: str, institution: str) -> str:
    """'In de Achterhoek is geen universiteit; hoger onderwijs wordt geteld waar de
    opleiding gegeven wordt, dus': the reason a report gives, before what has no figures."""
    return (
        f"In {region} is geen {institution}; hoger onderwijs wordt geteld waar de opleiding "
        "gegeven wordt, dus"
    )


def missing_ho_institution(ctx: ReportContext, indicators: list[str]) -> str | None:
    """'universiteit' (or 'hogeschool') when the region has no wo (hbo) students at all in
    the latest year of ``indicators`` (denominator 0, nothing suppressed; an indicator
    without rows does not count against it). Higher education is counted where the
    programme is given, so such a region has no figures, and the reader should know why
    rather than read "geen cijfers"."""
    levels, seen = set(), False
    for indicator in indicators:
        spec = ctx.config.indicators.get(indicator)
        if spec is None or spec.level not in HO_INSTITUTION:
            return None
        levels.add(spec.level)
        series = ctx.series(indicator)
        if series.empty:
            continue
        last = series.sort_values("year").iloc[-1]
        if last["denominator"] != 0 or last["suppressed_cells"] != 0:
            return None
        seen = True
    return HO_INSTITUTION[levels.pop()] if seen and len(levels) == 1 else None


def region_members(ctx: ReportContext) -> set[str]:
    """The CBS codes of the municipalities in the report's region (empty for Nederland)."""
    regions = ctx.data.regions
    own = regions[
        (regions["region_level"] == ctx.region.level) & (regions["region_code"] == ctx.region.code)
    ]
    if ctx.region.national or own.empty or "member_municipalities" not in own:
        return set()
    members = own["member_municipalities"].iloc[0]
    return {str(m) for m in members} if members is not None else set()
