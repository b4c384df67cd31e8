"""What notebook 04 calls: the municipalities of a region for a chosen indicator and year,
and the municipalities that rose and fell most since the year before."""

from __future__ import annotations

from pathlib import Path

from analysis import data, municipal, paths
from analysis.content import municipalities
from analysis.indicators.engine import indicator_meta
from analysis.present import text
from analysis.present.blocks import Block, Html, Markdown


def context(processed_dir: str | Path | None, region_level: str, region: str) -> data.ReportContext:
    """The region as a report would see it (a clear error with close matches if unknown)."""
    return data.context(processed_dir or paths.PROCESSED_DIR, region_level, region)


def section(ctx: data.ReportContext, indicator: str | None, year: int | None) -> list[Block]:
    """The map and table of the region's municipalities (as in the region's report)."""
    return municipalities.inside_section(ctx, indicator=indicator, year=year)


def movers(
    ctx: data.ReportContext, indicator: str | None, year: int | None, n: int = 5
) -> list[Block]:
    """The ``n`` municipalities of the region that rose and fell most since the year before."""
    found = municipalities.scope(ctx)
    if found is None:
        return [Markdown("*Nederland: kies een provincie, COROP-gebied of regio.*")]
    name, codes = found
    indicator = indicator or municipal.load_settings().section_indicator
    table = ctx.data.derived
    rows = table[
        (table["indicator"] == indicator)
        & (table["region_code"].isin(codes))
        & (table["gender"] == "totaal")
        & table["change_1y_pp"].notna()
    ]
    if year is None:
        year = int(rows["year"].max()) if len(rows) else None
    rows = rows[rows["year"] == year]
    meta = indicator_meta(indicator, ctx.config)
    if rows.empty:
        return [Markdown(f"*Geen veranderingen te berekenen voor {text.lcfirst(meta['naam'])}.*")]
    rows = rows.sort_values("change_1y_pp", ascending=False)
    k = min(n, max(1, len(rows) // 2))  # a municipality is never both risen and fallen
    blocks: list[Block] = []
    for label, part in (("gestegen", rows.head(k)), ("gedaald", rows.iloc[::-1].head(k))):
        body = [
            [
                str(r["region"]),
                text.Cell(text.pct(r["share"]), "num"),
                text.Cell(text.pp(r["change_1y_pp"]), "num"),
            ]
            for _, r in part.iterrows()
        ]
        caption = (
            f"Het meest {label} in {name}: {text.lcfirst(meta['naam'])}, "
            f"{text.schooljaar(year - 1)} tot {text.schooljaar(year)}"
        )
        header = ["Gemeente", text.schooljaar(year), "Verandering"]
        blocks.append(Html(text.table_html(header, body, caption=caption)))
    return blocks
