"""What happens inside a region: "Gemeenten in <regio>" (a map and a table of its
municipalities), and what a gemeente's own report says about the level.

The municipalities are those of today's indeling; counts of former municipalities are in
their successor, which every block here says ("op de gebiedsindeling van 2023"). The
section's indicator and the "te onzeker" threshold come from config/gemeenten.yaml, the
colour scale from config/maps.yaml.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from analysis import municipal
from analysis.content import sections
from analysis.data import ProcessedData, ReportContext
from analysis.indicators.engine import indicator_meta
from analysis.present import maps, text
from analysis.present.blocks import Block, Html, Markdown

TOO_UNCERTAIN = "te onzeker"
NO_SCHOOL = "geen leerlingen"


def members(data: ProcessedData, region_code: str) -> list[str]:
    """The GM codes of the municipalities in a region (the region table's members)."""
    table = data.regions
    row = table[table["region_code"] == region_code]
    if row.empty:
        return []
    return [municipal.region_code(m) for m in row["member_municipalities"].iloc[0]]


def scope(ctx: ReportContext) -> tuple[str, list[str]] | None:
    """(name, municipality codes) of the region the section looks at; None for Nederland.

    A gemeente's own report looks at the municipalities of its COROP region, itself
    outlined; every other region at its own municipalities.
    """
    r = ctx.region
    if r.national:
        return None
    if r.level != municipal.LEVEL:
        return r.name, members(ctx.data, r.code)
    table = ctx.data.regions
    own = table[table["region_code"] == r.code]
    corop = own["corop_code"].iloc[0] if "corop_code" in own and len(own) else None
    rows = table[(table["region_level"] == "corop") & (table["region_code"] == corop)]
    if rows.empty:
        return None
    return f"{rows['region'].iloc[0]} (COROP-gebied)", members(ctx.data, str(corop))


def values(data: ProcessedData, indicator: str, year: int) -> pd.DataFrame:
    """Every municipality's row of ``indicator`` (totaal) in ``year``."""
    return data.level_rows(indicator, municipal.LEVEL, year)


def _latest_national_year(ctx: ReportContext, indicator: str) -> int | None:
    nat = ctx.series(indicator, region_code="NL")
    nat = nat[nat["share"].notna()]
    return int(nat["year"].iloc[-1]) if len(nat) else None


def inside_section(
    ctx: ReportContext,
    raw_dir: Path | None = None,
    *,
    indicator: str | None = None,
    year: int | None = None,
) -> list[Block]:
    """The heading, map and table of "Gemeenten in <regio>" (nothing for Nederland).

    ``indicator`` and ``year`` default to the configured one and its latest national year
    (the exploration notebook chooses them).
    """
    found = scope(ctx)
    if found is None:
        return []
    name, codes = found
    settings = municipal.load_settings()
    indicator = indicator or settings.section_indicator
    year = year if year is not None else _latest_national_year(ctx, indicator)
    meta = indicator_meta(indicator, ctx.config)
    blocks: list[Block] = [_heading(ctx, name, len(codes), meta["naam"], year, settings)]
    if year is None or not codes:
        blocks.append(Markdown(f"*Geen gemeentecijfers voor {text.lcfirst(meta['naam'])}.*"))
        return blocks
    frame = values(ctx.data, indicator, year)
    if not frame["region_code"].isin(codes).any():
        blocks.append(Markdown(f"*Geen gemeentecijfers voor {text.lcfirst(meta['naam'])}.*"))
        return blocks
    own = ctx.region.code if ctx.region.level == municipal.LEVEL else None
    blocks.append(_map(ctx, frame, codes, name, meta, year, own, settings, raw_dir))
    blocks.append(Html(_table(ctx, frame, codes, name, meta, indicator, year, own, settings)))
    return blocks


def _heading(ctx, name: str, n: int, naam: str, year: int | None, settings) -> Html:
    when = f" in {text.schooljaar(year)}" if year is not None else ""
    intro = (
        f"De {n} gemeenten van {name}, {settings.indeling} (cijfers van opgeheven gemeenten "
        f"tellen mee in de gemeente waarin ze zijn opgegaan): {text.lcfirst(naam)}{when}, "
        "geteld op de vestiging van de school. Omliggende gemeenten staan in grijs. Een cijfer "
        f"waarvan de marge ({text.MARGIN_CAUSE}, <5) breder is dan "
        f"{text.num(settings.too_uncertain_pp)} procentpunt heet {TOO_UNCERTAIN}. "
        + " ".join(settings.without_figures.values())
    )
    title = f"Gemeenten in {name}"
    return Html(
        f'<div class="tp-prose"><h2>{html.escape(title)}</h2>'
        f'<p class="tp-intro">{html.escape(intro)}</p></div>'
    )


def _map(ctx, frame, codes, name, meta, year, own, settings, raw_dir) -> Block:
    prepared, problem = sections.map_geometry(
        ctx.data, municipal.LEVEL, raw_dir or sections._raw_dir(ctx.data)
    )
    if prepared is None:
        return Markdown(f"*Kaart niet beschikbaar: {problem}.*")
    return maps.choropleth(
        prepared,
        frame,
        title=f"{meta['naam']}, {text.schooljaar(year)}: de gemeenten in {name}",
        source=meta["bron"],
        scale=maps.load_config().scale(meta["id"]),
        what=f"Kaart van de gemeenten in {name}",
        codes=codes,
        highlight_code=own,
        highlight_label=ctx.region.name if own else None,
        too_uncertain_pp=settings.too_uncertain_pp,
        unit="gemeenten",
        subject=f"{text.lcfirst(meta['naam'])}, {text.schooljaar(year)}",
    )


def region_ranks(frame: pd.DataFrame) -> pd.Series:
    """Rank (1 = highest share) among the rows with a share; <NA> for the others."""
    shares = frame["share"].astype("float64")
    return shares.rank(ascending=False, method="min").astype("Int64")


def _table(ctx, frame, codes, name, meta, indicator, year, own, settings) -> str:
    rows_in = frame[frame["region_code"].isin(codes)].copy()
    rows_in["rank"] = region_ranks(rows_in)
    rows_in = rows_in.sort_values(["rank", "region"], na_position="last")
    ranked = int(rows_in["rank"].notna().sum())
    header = [
        "Gemeente",
        text.schooljaar(year),
        f"Verandering t.o.v. {text.schooljaar(year - 1)}",
        f"Plaats in {name}",
        "Aantal (noemer)",
        "Opmerking",
    ]
    body = []
    for _, row in rows_in.iterrows():
        d = ctx.data.derived_row(indicator, str(row["region_code"]), year)
        change = d["change_1y_pp"] if d is not None else pd.NA
        uncertain = settings.too_uncertain(row["share_low"], row["share_high"])
        has = not text.is_missing(row["share"])
        note = TOO_UNCERTAIN if has and uncertain else ("" if has else _why_missing(row))
        label = str(row["region"]) + (" (deze gemeente)" if row["region_code"] == own else "")
        body.append(
            [
                label,
                text.Cell(text.pct_range(row["share"], row["share_low"], row["share_high"]), "num"),
                text.Cell(text.pp(change) if has else text.MISSING, "num"),
                text.Cell(f"{int(row['rank'])} van {ranked}" if has else text.MISSING, "num"),
                text.Cell(text.count(row["denominator"], row["suppressed_cells"]), "num count"),
                note,
            ]
        )
    caption = (
        f"{meta['naam']} per gemeente in {name}, {text.schooljaar(year)}, {settings.indeling}; "
        f"plaats onder de {ranked} gemeenten met een cijfer"
    )
    return text.table_html(header, body, caption=caption)


def _why_missing(row: pd.Series) -> str:
    """No share: nobody in the denominator (no school of this kind), or only suppressed cells."""
    denominator = row["denominator"]
    if not text.is_missing(denominator) and float(denominator) == 0:
        return NO_SCHOOL
    return "geen gegevens"


def has_any_figure(ctx: ReportContext) -> bool:
    """Whether the report's region has a share for any indicator in any year."""
    table = ctx.data.indicators
    rows = table[(table["region_code"] == ctx.region.code) & table["share"].notna()]
    return bool(len(rows))


def gemeente_note(ctx: ReportContext) -> list[Block]:
    """What a gemeente's report says first: the indeling, mbo, or that it has no schools."""
    if ctx.region.level != municipal.LEVEL:
        return []
    settings = municipal.load_settings()
    r = ctx.region
    parts = [
        f"De cijfers van {r.name} zijn berekend {settings.indeling}: leerlingen en studenten van "
        "opgeheven gemeenten tellen mee in de gemeente waarin die zijn opgegaan. Ze zijn geteld "
        "op de vestiging van de school of de plaats waar de opleiding wordt gegeven, niet op "
        "de woonplaats.",
        *settings.without_figures.values(),
    ]
    if not has_any_figure(ctx):
        parts.insert(
            0,
            f"In {r.name} staat geen school voor voortgezet onderwijs en geen hogeschool of "
            "universiteit met examenkandidaten, leerlingen of studenten in de bestanden. Deze "
            "rapportage bevat daarom geen cijfers voor de gemeente zelf; zie de rapportage "
            "van de provincie of het COROP-gebied.",
        )
    body = "".join(f"<p>{html.escape(p)}</p>" for p in parts)
    return [Html(f'<div class="tp-prose tp-gemeente">{body}</div>')]
