"""What the region report notebook calls: load the processed data once, check the
parameters, and build the cover, key messages and scorecard.

The notebook stays thin: every number it shows is computed here (or in
``analysis.report_sections``) from ``data/processed``, and everything it shows goes out
through ``show`` as ``text/html`` or ``text/markdown`` only, so the batch renderer gets
clean outputs and nothing reaches stdout or stderr.
"""

from __future__ import annotations

import difflib
import html
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis import paths, plots, text
from analysis.errors import TechniekpactError
from analysis.indicator_config import WOMEN_SHARE_SUFFIX, IndicatorConfig
from analysis.indicators import indicator_meta, load_indicator_config

LEVEL_LABELS = {
    "nederland": "land",
    "landsdeel": "landsdeel (Techniekpact)",
    "landsdeel_cbs": "landsdeel (CBS)",
    "provincie": "provincie",
    "corop": "COROP-gebied",
    "regiopact": "regionaal techniekpact",
}
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
    """The tables of one processed folder, read once per kernel."""

    path: Path
    indicators: pd.DataFrame
    derived: pd.DataFrame
    regions: pd.DataFrame
    manifest: dict


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

    def series(
        self, indicator: str, *, gender: str = "totaal", region_code: str | None = None
    ) -> pd.DataFrame:
        """One region's rows of one indicator and gender, by year (the report's region)."""
        table = self.data.indicators
        rows = table[
            (table["indicator"] == indicator)
            & (table["gender"] == gender)
            & (table["region_code"] == (region_code or self.region.code))
        ]
        return rows.sort_values("year")

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
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ReportParameterError(f"{manifest_path}: not valid JSON ({exc})") from exc
    return ProcessedData(
        path=folder,
        indicators=pd.read_parquet(folder / paths.INDICATORS_FILE),
        derived=pd.read_parquet(folder / paths.DERIVED_FILE),
        regions=pd.read_parquet(folder / paths.REGIONS_FILE),
        manifest=manifest,
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
        config=load_indicator_config(),
        generated_on=day,
        parameters={
            "region_level": region_level,
            "region": region,
            "processed_dir": str(processed_dir),
            "generated_on": generated_on,
        },
    )


def dutch_date(day: date) -> str:
    """``date(2026, 1, 2)`` -> ``'2 januari 2026'``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def level_label(level: str) -> str:
    """The Dutch name of a region level, for text."""
    return LEVEL_LABELS.get(level, level.replace("_", " "))


def latest_year(ctx: ReportContext) -> int | None:
    """The most recent year with any share for the region."""
    table = ctx.data.indicators
    rows = table[(table["region_code"] == ctx.region.code) & table["share"].notna()]
    return int(rows["year"].max()) if len(rows) else None


def cover_html(ctx: ReportContext) -> str:
    """The title page: ``<section class="cover">`` with the facts the contract names."""
    r = ctx.region
    esc = html.escape
    facts = [
        ("Regio", r.name),
        ("Niveau", level_label(r.level)),
        ("Landsdeel", r.landsdeel or "n.v.t."),
        ("Meest recente schooljaar", text.schooljaar(latest_year(ctx))),
        ("Gemaakt op", dutch_date(ctx.generated_on)),
    ]
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    banner = (
        f'<div class="demo-banner">{esc(DEMO_BANNER)}</div>'
        if ctx.data.manifest.get("demo")
        else ""
    )
    return (
        '<section class="cover">'
        '<p class="cover-kicker">Techniekpact-monitor · voortgangsrapportage</p>'
        f"<h1>Kiezen voor bèta en techniek in {esc(r.name)}</h1>"
        f'<dl class="cover-facts">{rows}</dl>{banner}'
        '<p class="cover-note">Leerlingen en studenten zijn geteld op de vestiging van hun '
        "school of instelling, niet op hun woonadres.</p></section>"
    )


def scorecard_frame(ctx: ReportContext) -> pd.DataFrame:
    """One row per main indicator at its latest year for the region, with derived measures.

    Also the women's share of the numerator (region and national) in that year. This frame
    is the only source of the scorecard and of the key messages.
    """
    ind = ctx.data.indicators
    der = ctx.data.derived
    rows = []
    for indicator in ctx.main_indicators():
        series = ctx.series(indicator)
        series = series[series["share"].notna()]
        if series.empty:
            continue
        latest = series.iloc[-1]
        year = int(latest["year"])
        d = der[
            (der["indicator"] == indicator)
            & (der["region_code"] == ctx.region.code)
            & (der["year"] == year)
            & (der["gender"] == "totaal")
        ]
        women = ind[
            (ind["indicator"] == indicator + WOMEN_SHARE_SUFFIX)
            & (ind["year"] == year)
            & (ind["gender"] == "totaal")
        ].set_index("region_code")["share"]
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
        values = d.iloc[0] if len(d) else pd.Series(pd.NA, index=derived_cols)
        row.update({c: values[c] for c in derived_cols})
        rows.append(row)
    return pd.DataFrame(rows)


def kernboodschappen(ctx: ReportContext) -> list[str]:
    """The key messages for the region (see ``analysis.text.kernboodschappen``)."""
    return text.kernboodschappen(
        scorecard_frame(ctx),
        region=ctx.region.name,
        national=ctx.region.national,
        landsdeel=ctx.region.landsdeel,
    )


def kernboodschappen_block(ctx: ReportContext) -> Markdown:
    """The key messages as a Markdown list."""
    return Markdown("\n".join(f"- {m}" for m in kernboodschappen(ctx)))


def rank_text(row: pd.Series | dict, landsdeel: str | None) -> str:
    """'2 van 5 in Oost; 4 van 12' (within the landsdeel, then the level)."""
    parts = []
    if landsdeel and not text.is_missing(row["rank_landsdeel"]):
        parts.append(
            f"{int(row['rank_landsdeel'])} van {int(row['regions_in_landsdeel'])} in {landsdeel}"
        )
    if not text.is_missing(row["rank_level"]):
        parts.append(f"{int(row['rank_level'])} van {int(row['regions_in_level'])}")
    return "; ".join(parts) or "n.v.t."


def target_text(row: pd.Series | dict) -> tuple[str, str, str]:
    """(target, gap, projected) cells of the scorecard."""
    if text.is_missing(row["target"]):
        return "geen doel", "", ""
    goal = text.pct(row["target"], 0)
    if not text.is_missing(row["target_year"]):
        goal += f" in {int(row['target_year'])}"
    projected = (
        str(int(row["projected_year"]))
        if not text.is_missing(row["projected_year"])
        else str(row["status"])
    )
    return goal, text.pp(-row["gap_pp"]) if not text.is_missing(row["gap_pp"]) else "", projected


def scorecard_html(ctx: ReportContext) -> str:
    """The scorecard table: one row per indicator, Dutch formatting, counts disclosure-safe."""
    frame = scorecard_frame(ctx)
    national = ctx.region.national
    header = [
        "Indicator",
        "Schooljaar",
        "Waarde",
        "Verandering 1 jaar",
        "Verandering 5 jaar",
        "Landelijk",
        "Positie",
        "Doel",
        "Verschil met doel",
        "Doel bereikt (trend)",
        "Aantal (noemer)",
    ]
    rows = []
    for _, r in frame.iterrows():
        goal, gap, projected = target_text(r)
        rows.append(
            [
                r["naam"],
                text.schooljaar(r["year"]),
                text.Cell(text.pct_range(r["share"], r["share_low"], r["share_high"]), "num"),
                text.Cell(text.pp(r["change_1y_pp"], unit=False), "num"),
                text.Cell(text.pp(r["change_5y_pp"], unit=False), "num"),
                text.Cell("" if national else text.pct(r["national_share"]), "num"),
                "" if national else rank_text(r, ctx.region.landsdeel),
                goal,
                text.Cell(gap, "num"),
                projected,
                text.Cell(text.count(r["denominator"], r["suppressed_cells"]), "num count"),
            ]
        )
    caption = (
        f"Scorecard {ctx.region.name}: laatste schooljaar per indicator. Veranderingen en "
        "verschillen in procentpunten; tussen haakjes de marge door <5-cellen."
    )
    return text.table_html(header, rows, caption=caption)


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
