"""What the region report notebook calls: load the processed data once, check the
parameters, and build the cover, key messages and scorecard.

The notebook stays thin: every number it shows is computed here (or in
``analysis.content.sections``) from ``data/processed``, and everything it shows goes out
through ``show`` as ``text/html`` or ``text/markdown`` only, so the batch renderer gets
clean outputs and nothing reaches stdout or stderr.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import TechniekpactError
from analysis.indicators.engine import indicator_meta, load_indicator_config
from analysis.indicators.rules import WOMEN_SHARE_SUFFIX, IndicatorConfig
from analysis.present import plots, text
from analysis.present.text import level_label, level_plural

MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
PROCESSED_FILES = (
    paths.INDICATORS_FILE,
    paths.DERIVED_FILE,
    paths.REGIONS_FILE,
    paths.MANIFEST_FILE,
)
DEMO_BANNER = (
    "Demonstratie: deze rapportage is gemaakt met synthetische gegevens. "
    "De cijfers zijn niet echt en mogen niet worden gebruikt."
)


class ReportParameterError(TechniekpactError):
    """A report parameter (region level, region, folder, date) that does not fit the data."""


@dataclass(frozen=True)
class Html:
    """A block of HTML for the report (already escaped)."""

    html: str


@dataclass(frozen=True)
class Markdown:
    """A block of Markdown prose for the report (headings feed the table of contents)."""

    markdown: str


Block = Html | Markdown | plots.Chart


@dataclass(frozen=True)
class ProcessedData:
    """The tables of one processed folder, read once per kernel (and kept between regions)."""

    path: Path
    indicators: pd.DataFrame
    derived: pd.DataFrame
    regions: pd.DataFrame
    manifest: dict
    manifest_sha256: str = ""
    # (indicator, gender, region_code) -> that series' rows by year; built on first use.
    _series: dict = field(default_factory=dict, repr=False, compare=False)
    _frames: dict = field(default_factory=dict, repr=False, compare=False)
    # (indicator, region_code) -> derived rows of gender totaal; built on first use.
    _derived: dict = field(default_factory=dict, repr=False, compare=False)
    _derived_rows: dict = field(default_factory=dict, repr=False, compare=False)

    def series(self, indicator: str, gender: str, region_code: str) -> pd.DataFrame:
        """One indicator x gender x region, by year: a dict lookup instead of a table scan."""
        if not self._series:
            table = self.indicators.sort_values("year", kind="stable").reset_index(drop=True)
            groups = table.groupby(["indicator", "gender", "region_code"], sort=False).indices
            self._series.update({tuple(map(str, k)): idx for k, idx in groups.items()})
            self._series[None] = table
        key = (indicator, gender, region_code)
        frame = self._frames.get(key)
        if frame is None:  # taken once, then shared by the sections and the next regions
            positions = self._series.get(key)
            table = self._series[None]
            frame = table.take(positions) if positions is not None else table.iloc[0:0]
            self._frames[key] = frame
        return frame

    def derived_row(self, indicator: str, region_code: str, year: int) -> pd.Series | None:
        """The derived measures (gender totaal) of one indicator, region and year, if any."""
        if not self._derived:
            table = self.derived[self.derived["gender"] == "totaal"].reset_index(drop=True)
            groups = table.groupby(["indicator", "region_code", "year"], sort=False).indices
            self._derived.update({tuple(map(str, k)): idx for k, idx in groups.items()})
            self._derived[None] = table
        key = (indicator, region_code, str(year))
        if key not in self._derived_rows:
            positions = self._derived.get(key)
            rows = self._derived[None].take(positions) if positions is not None else None
            self._derived_rows[key] = rows.iloc[0] if rows is not None and len(rows) else None
        return self._derived_rows[key]


@dataclass(frozen=True)
class Region:
    """The report's region, as it appears in regions.parquet."""

    level: str
    name: str
    code: str
    landsdeel: str | None

    @property
    def national(self) -> bool:
        return self.level == "nederland"


@dataclass(frozen=True)
class ReportContext:
    """Everything a section needs: the data, the region, the indicator config, the date."""

    data: ProcessedData
    region: Region
    config: IndicatorConfig
    generated_on: date
    parameters: dict[str, str]
    _scorecard: list = field(default_factory=list, repr=False, compare=False)

    def series(
        self, indicator: str, *, gender: str = "totaal", region_code: str | None = None
    ) -> pd.DataFrame:
        """One region's rows of one indicator and gender, by year (the report's region)."""
        return self.data.series(indicator, gender, region_code or self.region.code)

    def main_indicators(self, levels: Iterable[str] | None = None) -> list[str]:
        """Configured indicators without a parent, in file order (optionally per school level)."""
        wanted = set(levels) if levels is not None else None
        return [
            ind.id
            for ind in self.config.indicators.values()
            if ind.parent is None and (wanted is None or ind.level in wanted)
        ]


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, size and mtime of each file: a changed file invalidates the cached load."""
    out = []
    for name in PROCESSED_FILES:
        path = folder / name
        if not path.is_file():
            raise ReportParameterError(
                f"processed_dir {folder}: {name} is missing (run `techniekpact process` first)"
            )
        stat = path.stat()
        out.append((name, stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def load_processed(processed_dir: str | Path) -> ProcessedData:
    """Read the processed folder's tables (cached per folder and file version)."""
    folder = Path(processed_dir).expanduser().resolve()
    if not folder.is_dir():
        raise ReportParameterError(f"processed_dir {folder} is not a folder")
    return _load(folder, _stamp(folder))


@lru_cache(maxsize=4)
def _load(folder: Path, _stamp: tuple) -> ProcessedData:
    manifest_path = folder / paths.MANIFEST_FILE
    raw = manifest_path.read_bytes()
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise ReportParameterError(f"{manifest_path}: not valid JSON ({exc})") from exc
    return ProcessedData(
        path=folder,
        indicators=pd.read_parquet(folder / paths.INDICATORS_FILE),
        derived=pd.read_parquet(folder / paths.DERIVED_FILE),
        regions=pd.read_parquet(folder / paths.REGIONS_FILE),
        manifest=manifest,
        manifest_sha256=hashlib.sha256(raw).hexdigest(),
    )


def _close(word: str, candidates: Iterable[str]) -> str:
    options = sorted(set(candidates))
    matches = difflib.get_close_matches(word, options, n=5, cutoff=0.5)
    if not matches:
        lowered = {o.casefold(): o for o in options}
        matches = [lowered[m] for m in difflib.get_close_matches(word.casefold(), lowered, n=5)]
    return f"; did you mean: {', '.join(matches)}?" if matches else ""


def resolve_region(data: ProcessedData, region_level: str, region: str) -> Region:
    """The region named by the report parameters; a clear error with close matches if none."""
    table = data.regions
    levels = table["region_level"].dropna().unique().tolist()
    if region_level not in levels:
        raise ReportParameterError(
            f"unknown region_level {region_level!r} in {data.path / paths.REGIONS_FILE} "
            f"(known: {', '.join(sorted(levels))}){_close(str(region_level), levels)}"
        )
    rows = table[(table["region_level"] == region_level) & (table["region"] == region)]
    if rows.empty:
        names = table.loc[table["region_level"] == region_level, "region"].tolist()
        elsewhere = table.loc[table["region"] == region, "region_level"].tolist()
        hint = f" (it exists at level: {', '.join(elsewhere)})" if elsewhere else ""
        raise ReportParameterError(
            f"unknown region {region!r} at level {region_level!r}{hint}{_close(str(region), names)}"
        )
    row = rows.iloc[0]
    landsdeel = row["landsdeel"]
    return Region(
        level=region_level,
        name=str(row["region"]),
        code=str(row["region_code"]),
        landsdeel=None if pd.isna(landsdeel) or region_level == "landsdeel" else str(landsdeel),
    )


def context(
    processed_dir: str | Path, region_level: str, region: str, generated_on: str = ""
) -> ReportContext:
    """Load the data and check the notebook parameters; the first thing the notebook does."""
    data = load_processed(processed_dir)
    try:
        day = date.fromisoformat(generated_on) if generated_on else date.today()
    except ValueError as exc:
        raise ReportParameterError(
            f"generated_on {generated_on!r} is not an ISO date (expected e.g. 2025-06-30)"
        ) from exc
    return ReportContext(
        data=data,
        region=resolve_region(data, region_level, region),
        config=_indicator_config(paths.INDICATORS_CONFIG),
        generated_on=day,
        parameters={
            "region_level": region_level,
            "region": region,
            "processed_dir": str(processed_dir),
            "generated_on": generated_on,
        },
    )


def _indicator_config(path: Path) -> IndicatorConfig:
    """The indicator configuration, parsed again only when the file changed."""
    try:
        stat = path.stat()
    except OSError:
        return load_indicator_config(path)  # says clearly what is wrong with the file
    return _parsed_config(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=2)
def _parsed_config(path: Path, _mtime_ns: int, _size: int) -> IndicatorConfig:
    return load_indicator_config(path)


def dutch_date(day: date) -> str:
    """``date(2026, 1, 2)`` -> ``'2 januari 2026'``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def latest_year(ctx: ReportContext) -> int | None:
    """The most recent year with any share for the region."""
    table = ctx.data.indicators
    rows = table[(table["region_code"] == ctx.region.code) & table["share"].notna()]
    return int(rows["year"].max()) if len(rows) else None


def composition_facts(ctx: ReportContext) -> list[tuple[str, str]]:
    """What the region is made of, for the cover: its provinces and landsdeel where they add
    something ('Landsdeel: n.v.t.' on a landsdeel or the whole country tells a reader nothing).

    A region that straddles landsdelen (a regional pact across a border) names them all.
    """
    r = ctx.region
    if r.national:
        return []
    regions = ctx.data.regions
    provinces = regions[regions["region_level"] == "provincie"]
    name_of = dict(zip(provinces["region_code"], provinces["region"], strict=True))
    landsdeel_of = dict(zip(provinces["region_code"], provinces["landsdeel"], strict=True))
    if r.level == "provincie":
        return [("Landsdeel", r.landsdeel or text.MISSING)]
    own = regions[(regions["region_level"] == r.level) & (regions["region_code"] == r.code)]
    members = [str(c) for c in own["member_provinces"].iloc[0]] if len(own) else []
    names = [name_of.get(c, c) for c in members]
    label = "Provincie" if len(names) == 1 else "Provincies"
    facts = [(label, ", ".join(names) or text.MISSING)]
    if r.level.startswith("landsdeel"):
        return facts
    if r.landsdeel:
        return [("Landsdeel", r.landsdeel), *facts]
    spread = [str(x) for x in dict.fromkeys(landsdeel_of.get(c) for c in members) if x]
    where = f"verspreid over {text.join_and(spread)}" if len(spread) > 1 else text.MISSING
    return [("Landsdeel", where), *facts]


def peers_phrase(ctx: ReportContext, *, in_landsdeel: bool = True) -> str:
    """The regions a report compares with, by name of their level: 'de andere landsdelen',
    'de andere provincies in Noordvleugel' (not 'regio's', which says nothing of the level)."""
    r = ctx.region
    where = f" in {r.landsdeel}" if r.landsdeel and in_landsdeel else ""
    return f"de andere {level_plural(r.level)}{where}"


def cover_html(ctx: ReportContext) -> str:
    """The title page: ``<section class="cover">`` with title, region, facts and a short intro."""
    r = ctx.region
    esc = html.escape
    facts = [
        ("Niveau", "landelijk" if r.national else level_label(r.level)),
        *composition_facts(ctx),
        ("Meest recente schooljaar", text.schooljaar(latest_year(ctx))),
        ("Gemaakt op", dutch_date(ctx.generated_on)),
    ]
    rows = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in facts)
    banner = (
        f'<div class="demo-banner" role="note">{esc(DEMO_BANNER)}</div>'
        if ctx.data.manifest.get("demo")
        else ""
    )
    where = "Nederland" if r.national else r.name
    # Nederland is not compared with itself: its report sets the provinces side by side.
    compared = (
        "laat de verschillen tussen de provincies zien en vergelijkt met het doel"
        if r.national
        else "vergelijkt met Nederland, met "
        + peers_phrase(ctx, in_landsdeel=False)
        + " en met het doel"
    )
    return (
        '<section class="cover">'
        '<p class="cover-kicker">Techniekpact-monitor · voortgangsrapportage</p>'
        # One line of text in the h1 (the region on its own line by CSS), so that the PDF
        # bookmark reads "Kiezen voor bèta en techniek in Utrecht".
        f'<h1 class="cover-title">Kiezen voor bèta en techniek '
        f'<span class="cover-region">in {esc(r.name)}</span></h1>'
        f"{banner}"
        f'<table class="cover-facts">{rows}</table>'
        '<div class="cover-intro">'
        f"<p>Hoeveel jongeren in {esc(where)} kiezen voor een opleiding in bèta of techniek? "
        "Deze rapportage volgt dat per schoolsoort, van vmbo tot wo, over de jaren, en "
        f"{esc(compared)} van het Nationaal Techniekpact: 4 op de 10 jongeren kiezen bèta of "
        "techniek (40% van de instroom).</p>"
        "<p>De cijfers komen van DUO en CBS. Leerlingen en studenten zijn geteld op de "
        "vestiging van hun school of instelling, niet op hun woonadres. Waar DUO kleine "
        "aantallen (1 tot en met 4) afschermt, staat bij een cijfer de marge waarbinnen het "
        "ligt.</p></div></section>"
    )


def scorecard_frame(ctx: ReportContext) -> pd.DataFrame:
    """One row per main indicator at its latest year for the region, with derived measures.

    Also the women's share of the numerator (region and national) in that year. This frame
    is the only source of the scorecard and of the key messages. Made once per report.
    """
    if not ctx._scorecard:
        ctx._scorecard.append(_scorecard_frame(ctx))
    return ctx._scorecard[0]


def _scorecard_frame(ctx: ReportContext) -> pd.DataFrame:
    rows = []
    for indicator in ctx.main_indicators():
        series = ctx.series(indicator)
        series = series[series["share"].notna()]
        if series.empty:
            continue
        latest = series.iloc[-1]
        year = int(latest["year"])
        d = ctx.data.derived_row(indicator, ctx.region.code, year)
        women = {
            code: _share_in(ctx.series(indicator + WOMEN_SHARE_SUFFIX, region_code=code), year)
            for code in (ctx.region.code, "NL")
        }
        meta = indicator_meta(indicator, ctx.config)
        row = {
            "indicator": indicator,
            "naam": meta["naam"],
            "level": meta["level"],
            "bron": meta["bron"],
            **latest[["year", "share", "share_low", "share_high", "denominator"]].to_dict(),
            "suppressed_cells": latest["suppressed_cells"],
            "women_share": women.get(ctx.region.code, pd.NA),
            "women_share_national": women.get("NL", pd.NA),
        }
        derived_cols = [
            "national_share",
            "change_1y_pp",
            "change_5y_pp",
            "diff_national_pp",
            "rank_level",
            "regions_in_level",
            "rank_landsdeel",
            "regions_in_landsdeel",
            "target",
            "target_year",
            "gap_pp",
            "projected_year",
            "status",
        ]
        values = d if d is not None else pd.Series(pd.NA, index=derived_cols)
        row.update({c: values[c] for c in derived_cols})
        rows.append(row)
    return pd.DataFrame(rows)


def _share_in(series: pd.DataFrame, year: int) -> object:
    rows = series[series["year"] == year]
    return rows["share"].iloc[0] if len(rows) else pd.NA


def kernboodschappen(ctx: ReportContext) -> list[str]:
    """The key messages for the region (see ``analysis.present.text.kernboodschappen``)."""
    return text.kernboodschappen(
        scorecard_frame(ctx),
        region=ctx.region.name,
        national=ctx.region.national,
        landsdeel=ctx.region.landsdeel,
        level=ctx.region.level,
    )


def kernboodschappen_block(ctx: ReportContext) -> Markdown:
    """The key messages as a Markdown list."""
    return Markdown("\n".join(f"- {m}" for m in kernboodschappen(ctx)))


def place(row: pd.Series | dict, scope: str) -> str:
    """'2 van 5' for ``scope`` 'landsdeel' or 'level'; the missing-value mark when unranked."""
    rank, total = row[f"rank_{scope}"], row[f"regions_in_{scope}"]
    if text.is_missing(rank) or text.is_missing(total):
        return text.MISSING
    return f"{int(rank)} van {int(total)}"


_OUTLOOK = {
    "doel bereikt": "bereikt",
    "niet bij huidige trend": "niet bij huidige trend",
    "te weinig jaren voor een trend": "te weinig jaren voor een trend",
    "geen gegevens": text.MISSING,
}


def target_text(row: pd.Series | dict) -> tuple[str, str, str]:
    """(target, gap, outlook) cells: '40% in 2020', '−12,3 procentpunt', 'in 2031'."""
    if text.is_missing(row["target"]):
        return "geen doel", "", ""
    goal = text.pct(row["target"], 0)
    if not text.is_missing(row["target_year"]):
        goal += f" in {int(row['target_year'])}"
    if not text.is_missing(row["projected_year"]):
        outlook = f"in {int(row['projected_year'])}"
    else:
        outlook = _OUTLOOK.get(str(row["status"]), str(row["status"]))
    gap = text.pp(-row["gap_pp"]) if not text.is_missing(row["gap_pp"]) else ""
    return goal, gap, outlook


def scorecard_html(ctx: ReportContext) -> str:
    """The scorecard (one row per indicator) and the targets table, Dutch formatting.

    Counts are left out here on purpose: the scorecard compares shares; the number of
    pupils behind each share is in the section tables.
    """
    frame = scorecard_frame(ctx)
    r = ctx.region
    header = ["Indicator", "Schooljaar", "Waarde", "Sinds vorig jaar", "In vijf jaar"]
    if not r.national:
        header.append("Nederland")
        if r.landsdeel:
            header.append(f"Plaats in {r.landsdeel}")
        header.append(f"Plaats onder de {level_plural(r.level)}")
    rows = []
    for _, row in frame.iterrows():
        cells: list[str | text.Cell] = [
            row["naam"],
            text.schooljaar(row["year"]),
            text.Cell(text.pct_range(row["share"], row["share_low"], row["share_high"]), "num"),
            text.Cell(text.pp(row["change_1y_pp"], unit=False), "num"),
            text.Cell(text.pp(row["change_5y_pp"], unit=False), "num"),
        ]
        if not r.national:
            cells.append(text.Cell(text.pct(row["national_share"]), "num"))
            if r.landsdeel:
                cells.append(text.Cell(place(row, "landsdeel"), "num"))
            cells.append(text.Cell(place(row, "level"), "num"))
        rows.append(cells)
    caption = (
        f"Scorecard {r.name}: per indicator het laatste schooljaar met gegevens. Veranderingen "
        "in procentpunten; tussen haakjes de marge door afgeschermde aantallen (<5)."
        + ("" if r.national else " Plaats 1 is het hoogste aandeel.")
    )
    out = text.table_html(header, rows, caption=caption, css_class="tp-table scorecard")
    return scorecard_intro(ctx) + out + targets_html(ctx, frame)


def scorecard_intro(ctx: ReportContext) -> str:
    """What the scorecard compares, for this level: Nederland has no national column and no
    places, a landsdeel is placed among the landsdelen, a province also within its landsdeel."""
    r = ctx.region
    if r.national:
        compared = "de meest recente landelijke waarde en de verandering over één en vijf jaar"
    else:
        within = f", ook binnen landsdeel {r.landsdeel}" if r.landsdeel else ""
        compared = (
            "de meest recente waarde, de verandering over één en vijf jaar, het landelijke "
            f"cijfer en de plaats van {r.name} onder de {level_plural(r.level)}{within}"
        )
    return (
        f'<p class="tp-intro">Per indicator {html.escape(compared)}. Daaronder, voor de '
        "indicatoren met een doel, de afstand tot dat doel. Waar afgeschermde aantallen "
        "(&lt;5) meetellen, staat tussen haakjes de marge.</p>"
    )


def targets_html(ctx: ReportContext, frame: pd.DataFrame | None = None) -> str:
    """The indicators with a target: value, target, distance and when the trend reaches it."""
    frame = scorecard_frame(ctx) if frame is None else frame
    with_target = frame[frame["target"].notna()] if len(frame) else frame
    if with_target.empty:
        return ""
    rows = []
    for _, row in with_target.iterrows():
        goal, gap, outlook = target_text(row)
        rows.append(
            [
                row["naam"],
                text.Cell(text.pct(row["share"]), "num"),
                goal,
                text.Cell(gap, "num"),
                outlook,
            ]
        )
    return text.table_html(
        ["Indicator", "Waarde", "Doel", "Verschil met doel", "Doel bereikt bij huidige trend"],
        rows,
        caption=(
            f"Doelen voor {ctx.region.name}: de waarde in het laatste schooljaar tegenover het "
            "doel, en het jaar waarin de huidige lineaire trend het doel haalt."
        ),
    )


def show(blocks: Block | str | Iterable[Block]) -> None:
    """Display blocks as raw ``text/html`` / ``text/markdown`` outputs (no text/plain)."""
    from IPython.display import display

    if isinstance(blocks, Html | Markdown | plots.Chart | str):
        blocks = [blocks]
    for block in blocks:
        if isinstance(block, plots.Chart):
            plots.show(block)
        elif isinstance(block, Markdown):
            display({"text/markdown": block.markdown}, raw=True)
        else:
            display({"text/html": block.html if isinstance(block, Html) else block}, raw=True)
