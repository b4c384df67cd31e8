"""The main sections of a region report: school levels, gender, peers and the map.

Each function returns a list of blocks (``report.Html``, ``report.Markdown``,
``plots.Chart``) that the notebook passes to ``report.show``. Sections adapt instead of
failing: no data for a level, no peers (Nederland), no map geometry each give a short
Dutch note.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from analysis import municipal, paths
from analysis.content.cover import peers_phrase
from analysis.content.scorecard import place
from analysis.content.texts import (
    load_report_texts,
    mbo_seat_caveats,
    missing_ho_institution,
    no_institution_reason,
    region_members,
)
from analysis.data import ProcessedData, ReportContext, load_processed
from analysis.errors import TechniekpactError
from analysis.indicators.engine import indicator_meta
from analysis.indicators.rules import WOMEN_SHARE_SUFFIX
from analysis.present import maps, plots, text
from analysis.present.blocks import Block, Html, Markdown
from analysis.present.text import level_plural

SECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "vo": ("voortgezet onderwijs", ("havo", "vwo", "vmbo")),
    "mbo": ("mbo", ("mbo",)),
    "hbo": ("hbo", ("hbo",)),
    "wo": ("wo", ("wo",)),
}
# Per section: the main indicator whose sub-indicators get a table of their own (the monitor
# reports mbo per niveau and leerweg, vmbo per leerweg).
BREAKDOWNS = {
    "mbo": (
        "mbo_techniek",
        "Mbo in {region} naar kwalificatieniveau en leerweg: laatste schooljaar",
    ),
    "vo": ("vo_vmbo3_techniek", "Vmbo leerjaar 3 in {region} per leerweg: laatste schooljaar"),
}
# The indicators compared across regions (ranked bars), and the one on the map.
HEADLINE = ("vo_havo_n", "mbo_techniek", "hbo_techniek_instroom", "wo_beta_instroom")
MAP_INDICATOR = "vo_havo_n"
# One indicator per school level for the women's-share trend.
GENDER_TREND = (
    "vo_havo_nt",
    "vo_vwo_nt",
    "vo_vmbo_techniek",
    "mbo_techniek",
    "hbo_techniek_instroom",
    "wo_beta_instroom",
)
CAVEATS = {
    "vo": "Vo-examenkandidaten zijn geteld op de vestiging van de school.",
    "vo_pupils": (
        "De leerlingen per leerjaar (havo 4, vwo 4, vmbo 3) komen uit één schooljaar "
        "(2019/20): hiervoor is geen trend te geven."
    ),
    "mbo": (
        "Het mbo-bestand noemt alleen de vestigingsplaats van de hoofdzetel van de instelling; "
        "studenten worden dus geteld in de plaats van de hoofdzetel, niet op hun eigen "
        "leslocatie. Regionale mbo-cijfers zijn daardoor grof."
    ),
    "ho": (
        "Hbo- en wo-studenten zijn geteld in de gemeente waar de opleiding wordt gegeven; "
        "regio's zonder hogeschool of universiteit hebben geen hbo- of wo-cijfers."
    ),
}


def _sources(ctx: ReportContext, indicators: list[str]) -> str:
    bronnen = dict.fromkeys(indicator_meta(i, ctx.config)["bron"] for i in indicators)
    return "; ".join(bronnen)


def _has_share(frame: pd.DataFrame) -> bool:
    return bool(frame["share"].notna().any())


def _landsdeel_code(ctx: ReportContext) -> str | None:
    regions = ctx.data.regions
    rows = regions[
        (regions["region_level"] == "landsdeel") & (regions["region"] == ctx.region.landsdeel)
    ]
    return str(rows["region_code"].iloc[0]) if len(rows) else None


def peer_codes(ctx: ReportContext) -> list[tuple[str, str]]:
    """(code, name) of the regions the report compares with: same level and landsdeel.

    Landsdelen compare with the other landsdelen; Nederland has no peers.
    """
    r = ctx.region
    if r.national:
        return []
    regions = ctx.data.regions
    same = regions[(regions["region_level"] == r.level) & (regions["region_code"] != r.code)]
    if r.level == municipal.LEVEL:  # ~100 per landsdeel: compare within the COROP region
        same = same[same["corop_code"] == _own(ctx, "corop_code")]
    elif r.landsdeel is not None:
        same = same[same["landsdeel"] == r.landsdeel]
    return list(zip(same["region_code"], same["region"], strict=True))


def _own(ctx: ReportContext, column: str) -> str | None:
    """A column of the report region's row in the region table."""
    regions = ctx.data.regions
    rows = regions[regions["region_code"] == ctx.region.code]
    if rows.empty or column not in rows or pd.isna(rows[column].iloc[0]):
        return None
    return str(rows[column].iloc[0])


def _region_name(ctx: ReportContext, code: str | None) -> str:
    regions = ctx.data.regions
    rows = regions[regions["region_code"] == code]
    return str(rows["region"].iloc[0]) if len(rows) else str(code)


def _trend_lines(ctx: ReportContext, indicator: str) -> list[plots.Line]:
    """The region, its landsdeel, Nederland and (grey, behind) the other regions it is
    compared with: one chart instead of two per school level."""
    r = ctx.region
    lines = [plots.Line(r.name, "region", ctx.series(indicator))]
    if r.landsdeel is not None and (code := _landsdeel_code(ctx)):
        lines.append(
            plots.Line(
                f"Landsdeel {r.landsdeel}", "landsdeel", ctx.series(indicator, region_code=code)
            )
        )
    if not r.national:
        lines.append(plots.Line("Nederland", "national", ctx.series(indicator, region_code="NL")))
    others = peers_phrase(ctx).removeprefix("de ")
    label = others[:1].upper() + others[1:]
    lines += [
        plots.Line(label, "peer", ctx.series(indicator, region_code=code))
        for code, _name in peer_codes(ctx)
    ]
    return lines


def _target(ctx: ReportContext, indicator: str) -> float | None:
    target = ctx.config.target(indicator, ctx.region.code, ctx.region.name)
    return target.value if target else None


def _section_table(ctx: ReportContext, indicators: list[str], caption: str) -> str:
    """Latest value per indicator: region, its landsdeel, Nederland, rank, denominator."""
    r = ctx.region
    ld_code = _landsdeel_code(ctx) if r.landsdeel else None
    header = ["Indicator", "Schooljaar", r.name]
    if ld_code:
        header.append(f"Landsdeel {r.landsdeel}")
    if not r.national:
        header.append("Nederland")
        if r.level == municipal.LEVEL:
            header.append(f"Plaats in {_region_name(ctx, _own(ctx, 'province_code'))}")
            header.append(f"Plaats in {_region_name(ctx, _own(ctx, 'corop_code'))}")
        else:
            if r.landsdeel:
                header.append(f"Plaats in {r.landsdeel}")
            header.append(f"Plaats onder de {level_plural(r.level)}")
    header.append("Aantal (noemer)")
    rows = []
    for indicator in indicators:
        last = ctx.latest(indicator)
        if last is None:
            continue
        year = int(last["year"])
        d = ctx.data.derived_row(indicator, r.code, year)
        row = [
            indicator_meta(indicator, ctx.config)["naam"],
            text.schooljaar(year),
            text.Cell(text.shown_share(_with_flags(last, d)), "num"),
        ]
        for code in [c for c in (ld_code, None if r.national else "NL") if c]:
            other = ctx.series(indicator, region_code=code)
            other = other[other["year"] == year]
            value = other.iloc[0] if len(other) else None
            row.append(
                text.Cell(
                    text.pct_range(value["share"], value["share_low"], value["share_high"])
                    if value is not None
                    else text.MISSING,
                    "num",
                )
            )
        if not r.national:
            scopes = ("landsdeel", "level") if r.landsdeel else ("level",)
            if r.level == municipal.LEVEL:
                scopes = ("province", "corop")
            row += [
                text.Cell(place(d, s) if d is not None else text.MISSING, "num") for s in scopes
            ]
        row.append(
            text.Cell(text.count(last["denominator"], last["suppressed_cells"]), "num count")
        )
        rows.append(row)
    return text.table_html(header, rows, caption=caption)


def _with_flags(row: pd.Series, derived_row: pd.Series | None) -> dict:
    """An indicator row with the derived 'too small' and 'no programme' flags."""
    out = row.to_dict()
    if derived_row is not None:
        out.update(too_small=derived_row["too_small"], no_programme=derived_row["no_programme"])
    return out


def ranked_values(ctx: ReportContext, indicator: str, level: str, year: int) -> pd.DataFrame:
    """The regions of a level that may be ranked: not too small, not without programme."""
    values = ctx.data.level_rows(indicator, level, year)
    return values[~values["region_code"].isin(ctx.data.unranked_codes(indicator, level, year))]


def level_section(ctx: ReportContext, section: str) -> list[Block]:
    """One school level: a table of latest values and trends vs Nederland and vs peers."""
    label, levels = SECTIONS[section]
    r = ctx.region
    main = ctx.main_indicators(levels)
    present = [i for i in main if _has_share(ctx.series(i))]
    seats = mbo_seat_caveats(region_members(ctx)) if section == "mbo" else []
    notes: list[Block] = [Markdown(f"*{note}*") for note in seats]
    if not present:
        institution = missing_ho_institution(ctx, main) if main else None
        why = (
            f"{no_institution_reason(load_report_texts().name(r.name), institution)} over het "
            f"{label} zijn er geen cijfers."
            if institution
            else f"Voor {r.name} zijn geen cijfers over het {label} beschikbaar."
        )
        return [Markdown(why), *notes]
    blocks: list[Block] = [
        Html(_section_table(ctx, present, f"{label.capitalize()} in {r.name}: laatste schooljaar")),
        *notes,
    ]
    trend = [i for i in present if ctx.series(i)["share"].notna().sum() >= 2]
    single = [i for i in present if i not in trend]
    if single:
        names = ", ".join(indicator_meta(i, ctx.config)["naam"] for i in single)
        blocks.append(Markdown(f"Alleen één schooljaar beschikbaar (geen trend): {names}."))
    if trend:
        source = _sources(ctx, trend)
        panels = [
            plots.Panel(
                indicator_meta(i, ctx.config)["naam"], _trend_lines(ctx, i), _target(ctx, i)
            )
            for i in trend
        ]
        blocks.append(
            plots.trend_chart(panels, title=_trend_title(ctx, label), source=source, reuse=True)
        )
    if section in BREAKDOWNS:
        blocks.extend(_breakdown(ctx, *BREAKDOWNS[section]))
    return blocks


def _trend_title(ctx: ReportContext, label: str) -> str:
    r = ctx.region
    if r.national:
        return f"{label.capitalize()}: ontwikkeling in Nederland"
    others = peers_phrase(ctx) if peer_codes(ctx) else ""
    landsdeel = f"landsdeel {r.landsdeel}, " if r.landsdeel else ""
    compared = f"{landsdeel}Nederland" + (f" en {others}" if others else "")
    return f"{label.capitalize()}: {r.name} vergeleken met {compared}"


def _breakdown(ctx: ReportContext, parent: str, caption: str) -> list[Block]:
    """The sub-indicators of ``parent`` that have data for the region, as one table."""
    subs = [
        ind.id
        for ind in ctx.config.indicators.values()
        if ind.parent == parent and _has_share(ctx.series(ind.id))
    ]
    if not subs:
        return []
    return [Html(_section_table(ctx, subs, caption.format(region=ctx.region.name)))]


def gender_section(ctx: ReportContext) -> list[Block]:
    """Women's share in bèta-techniek per level (table) and its trend (chart)."""
    r = ctx.region
    header = [
        "Indicator",
        "Schooljaar",
        f"Aandeel vrouwen {r.name}",
        "Aandeel vrouwen Nederland",
        "Indicator onder vrouwen",
        "Indicator onder mannen",
    ]
    if r.national:
        header.pop(3)
    rows = []
    for indicator in ctx.main_indicators():
        women = ctx.series(indicator + WOMEN_SHARE_SUFFIX)
        women = women[women["share"].notna()]
        if women.empty:
            continue
        last = women.iloc[-1]
        year = int(last["year"])
        row = [
            indicator_meta(indicator, ctx.config)["naam"],
            text.schooljaar(year),
            text.Cell(text.pct_range(last["share"], last["share_low"], last["share_high"]), "num"),
        ]
        if not r.national:
            nat = ctx.series(indicator + WOMEN_SHARE_SUFFIX, region_code="NL")
            row.append(text.Cell(text.pct(_value_in(nat, year, "share")), "num"))
        for gender in ("vrouw", "man"):
            g = ctx.series(indicator, gender=gender)
            g = g[g["year"] == year]
            cell = text.MISSING
            if len(g):
                cell = text.pct_range(
                    g["share"].iloc[0], g["share_low"].iloc[0], g["share_high"].iloc[0]
                )
            row.append(text.Cell(cell, "num"))
        rows.append(row)
    if not rows:
        return [Markdown(f"Voor {r.name} zijn geen cijfers naar geslacht beschikbaar.")]
    caption = (
        f"Vrouwen en mannen in {r.name}: aandeel vrouwen onder wie in bèta-techniek telt, en de "
        "indicator berekend onder vrouwen en onder mannen apart"
    )
    blocks: list[Block] = [Html(text.table_html(header, rows, caption=caption))]
    panels, used = [], []
    for indicator in GENDER_TREND:
        view = indicator + WOMEN_SHARE_SUFFIX
        if ctx.series(view)["share"].notna().sum() < 2:
            continue
        used.append(indicator)
        lines = [plots.Line(r.name, "region", ctx.series(view))]
        if not r.national:
            lines.append(plots.Line("Nederland", "national", ctx.series(view, region_code="NL")))
        panels.append(plots.Panel(indicator_meta(indicator, ctx.config)["naam"], lines))
    if panels:
        blocks.append(
            plots.trend_chart(
                panels,
                title=f"Aandeel vrouwen in bèta en techniek, {r.name}",
                source=_sources(ctx, used),
                ylabel="Aandeel vrouwen (%)",
                reuse=True,
            )
        )
    return blocks


def _value_in(frame: pd.DataFrame, year: int, column: str) -> object:
    rows = frame[frame["year"] == year]
    return rows[column].iloc[0] if len(rows) else pd.NA


def _comparison_year(ctx: ReportContext, indicator: str) -> int | None:
    own = ctx.series(indicator)
    own = own[own["share"].notna()]
    if len(own):
        return int(own["year"].iloc[-1])
    nat = ctx.series(indicator, region_code="NL")
    nat = nat[nat["share"].notna()]
    return int(nat["year"].iloc[-1]) if len(nat) else None


def _comparison_year_own(ctx: ReportContext) -> int | None:
    """The region's own latest year with a share of any headline indicator (None: none)."""
    years = []
    for indicator in HEADLINE:
        own = ctx.series(indicator)
        own = own[own["share"].notna()]
        if len(own):
            years.append(int(own["year"].iloc[-1]))
    return max(years, default=None)


def peers_heading(ctx: ReportContext) -> Html:
    """The heading and introduction of the comparison section, per level.

    Nederland has nothing to be compared with: its section shows how the provinces differ,
    and says so, instead of a 'comparison with other regions' of one region.
    """
    r = ctx.region
    if r.national:
        title = "Verschillen tussen de provincies"
        intro = (
            "Nederland wordt niet met andere regio's vergeleken. Hieronder staan de "
            "provincies naast elkaar, met het landelijke cijfer als zwarte lijn; daarna de kaart."
        )
    elif r.level == municipal.LEVEL:
        province = _region_name(ctx, _own(ctx, "province_code"))
        title = "Vergelijking met de andere gemeenten"
        intro = (
            f"De gemeenten in {province} met een cijfer naast elkaar, met {r.name} in blauw en "
            "het landelijke cijfer als zwarte lijn. De kaart staat in het volgende hoofdstuk."
        )
    else:
        plural = level_plural(r.level)
        title = f"Vergelijking met de andere {plural}"
        intro = (
            f"Alle {plural} naast elkaar, met {r.name} in blauw en het landelijke cijfer als "
            "zwarte lijn; daarna de kaart."
        )
    return Html(
        f'<div class="tp-prose"><h2>{html.escape(title)}</h2>'
        f'<p class="tp-intro">{html.escape(intro)}</p></div>'
    )


def peers_section(ctx: ReportContext, raw_dir: Path | None = None) -> list[Block]:
    """The section heading, ranked bars of all regions of the level for the headline
    indicators, and the map. For Nederland the provinces are shown (there are no peers).
    """
    r = ctx.region
    level = "provincie" if r.national else r.level
    blocks: list[Block] = [peers_heading(ctx)]
    if level == municipal.LEVEL and _comparison_year_own(ctx) is None:
        return [*blocks, Markdown(f"Voor {r.name} zijn geen cijfers om te vergelijken.")]
    for indicator in HEADLINE:
        year = _comparison_year(ctx, indicator)
        if year is None:
            continue
        values = ranked_values(ctx, indicator, level, year)
        shown = ctx.data.level_rows(indicator, level, year)
        among = f"alle {level_plural(level)}"
        if level == municipal.LEVEL:  # 342 bars say nothing: the province's municipalities
            province = _own(ctx, "province_code")
            in_province = _province_municipalities(ctx, province)
            values = values[values["region_code"].isin(in_province)]
            shown = shown[shown["region_code"].isin(in_province)]
            among = f"de gemeenten in {_region_name(ctx, province)}"
        if not _has_share(values):
            continue
        meta = indicator_meta(indicator, ctx.config)
        left_out = len(shown) - len(values)
        national = _value_in(ctx.series(indicator, region_code="NL"), year, "share")
        chart = dict(
            title=f"{meta['naam']}, {text.schooljaar(year)}: {among}",
            source=meta["bron"],
            national=None if text.is_missing(national) else float(national),
            target=_target(ctx, indicator),
        )
        if r.national:
            blocks.append(plots.ranked_bar_chart(values, **chart))
        else:
            blocks.append(
                _ranked_template(ctx, (indicator, level, year), values, chart).chart(r.name)
            )
        if left_out:
            blocks.append(
                Markdown(
                    f"*Niet in de grafiek: {left_out} {level_plural(level)} met minder dan "
                    f"{ctx.config.settings.min_denominator} leerlingen of studenten of zonder "
                    "opleiding in deze richting.*"
                )
            )
    if level != municipal.LEVEL:  # a gemeente's map is in "Gemeenten in <COROP-gebied>"
        blocks.extend(map_blocks(ctx, level, raw_dir))
    return blocks


def _province_municipalities(ctx: ReportContext, province: str | None) -> set[str]:
    regions = ctx.data.regions
    rows = regions[
        (regions["region_level"] == municipal.LEVEL) & (regions["province_code"] == province)
    ]
    return set(rows["region_code"])


# Ranked bar charts drawn once per worker for all regions of a level (see RankedTemplate),
# for the processed folder and manifest checksum they were drawn from.
_BAR_CACHE: dict[tuple, plots.RankedTemplate] = {}


def _ranked_template(
    ctx: ReportContext, what: tuple, values: pd.DataFrame, chart: dict
) -> plots.RankedTemplate:
    data_key = (str(ctx.data.path), ctx.data.manifest_sha256)
    key = (*data_key, *what, chart["target"])
    if key not in _BAR_CACHE:
        for old in [k for k in _BAR_CACHE if k[:2] != data_key]:
            del _BAR_CACHE[old]
        _BAR_CACHE[key] = plots.RankedTemplate.draw(values, **chart)
    return _BAR_CACHE[key]


# Boundaries per (level, raw dir, processed folder, manifest checksum), projected,
# simplified and with their water (``maps.prepare``): once per worker, reused for every
# region of the level.
_MAP_CACHE: dict[tuple[str, str, str, str], tuple[maps.Prepared | None, str | None]] = {}


def map_blocks(ctx: ReportContext, level: str, raw_dir: Path | None = None) -> list[Block]:
    """The choropleth of the map indicator, or a note saying why there is no map."""
    year = _comparison_year(ctx, MAP_INDICATOR)
    prepared, problem = map_geometry(ctx.data, level, raw_dir or _raw_dir(ctx.data))
    if prepared is None or year is None:
        reason = problem or "geen gegevens voor de kaartindicator"
        return [Markdown(f"*Kaart niet beschikbaar: {reason}.*")]
    meta = indicator_meta(MAP_INDICATOR, ctx.config)
    values = ctx.data.level_rows(MAP_INDICATOR, level, year)
    r = ctx.region
    plural = level_plural(level)
    return [
        maps.choropleth(
            prepared,
            values,
            title=f"{meta['naam']}, {text.schooljaar(year)}: alle {plural}",
            source=meta["bron"],
            scale=maps.load_config().scale(MAP_INDICATOR),
            what=f"Kaart van alle {plural}",
            highlight_code=None if r.national else r.code,
            highlight_label=r.name,
            too_uncertain_pp=municipal.load_settings().too_uncertain_pp,
            unit=plural,
        )
    ]


def map_geometry(
    data: ProcessedData, level: str, raw_dir: Path
) -> tuple[maps.Prepared | None, str | None]:
    """``boundaries`` for the report's data, prepared for maps, cached for the next regions."""
    key = (level, str(raw_dir), str(data.path), data.manifest_sha256)
    if key not in _MAP_CACHE:
        geometry, problem = boundaries(level, raw_dir, data.regions)
        prepared = None
        if geometry is not None:
            # Water lies between the country's land: from the provinces, whatever the level.
            national = level in ("provincie", municipal.LEVEL)
            water = None if national else map_geometry(data, "provincie", raw_dir)[0]
            if not national:
                water = water.water if water is not None else maps.no_water()
            prepared = maps.prepare(geometry, water=water)
        for old in [k for k in _MAP_CACHE if k[2:] != key[2:]]:  # other data: not needed again
            del _MAP_CACHE[old]
        _MAP_CACHE[key] = (prepared, problem)
    return _MAP_CACHE[key]


def _raw_dir(data: ProcessedData) -> Path:
    raw = data.manifest.get("raw_dir")
    return Path(raw) if raw else paths.RAW_DIR


def preload(processed_dir: str | Path, levels: list[str]) -> None:
    """Read the processed data, build its lookups and the maps of ``levels`` ahead of the
    first report (a batch worker's kernel does this while the worker itself starts)."""
    data = load_processed(processed_dir)
    data.series("", "totaal", "")
    data.derived_row("", "", 0)
    data.level_rows("", "", 0)
    data.unranked_codes("", "", 0)
    wanted = ["provincie" if lv == "nederland" else lv for lv in levels]
    if any(lv != "nederland" for lv in levels):  # "Gemeenten in <regio>" in their reports
        wanted.append(municipal.LEVEL)
    for level in dict.fromkeys(wanted):
        map_geometry(data, level, _raw_dir(data))


def boundaries(
    level: str, raw_dir: Path, table: pd.DataFrame | None = None
) -> tuple[object | None, str | None]:
    """(GeoDataFrame, None) from ``analysis.regions.geometry``, or (None, Dutch reason)."""
    try:
        from analysis.regions import geometry
    except ImportError:
        return None, "de kaartmodule (analysis.regions.geometry) is niet geïnstalleerd"
    try:
        frame = geometry.boundaries(level, raw_dir, table)
    except (TechniekpactError, OSError, KeyError, ValueError) as exc:
        return None, f"geen grenzen voor niveau {level} ({exc})"
    if frame is None or len(frame) == 0:
        return None, f"geen grenzen voor niveau {level} gevonden in {raw_dir}"
    return frame, None
