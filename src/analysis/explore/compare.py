"""Comparing regions for the exploration notebooks 02 and 03: checked parameters, the
ranked chart, the map, trends against Nederland and the gender views.

Every chart comes from ``analysis.present.plots``, so it looks as it does in a report; a wrong
parameter gives an error that names it and suggests close matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from analysis import municipal, paths
from analysis.data import ProcessedData, ReportParameterError, match_level, match_region
from analysis.explore.overview import frame_html
from analysis.indicators.engine import indicator_meta, load_indicator_config
from analysis.indicators.rules import WOMEN_SHARE_SUFFIX, IndicatorConfig
from analysis.present import plots, style, text
from analysis.present.blocks import Html, Markdown
from analysis.present.text import level_label
from analysis.suggest import did_you_mean, match

NATIONAL_CODE = "NL"
OTHER_REGIONS = "Andere regio's"


@dataclass(frozen=True)
class Selection:
    """Checked notebook parameters: which indicator, level, year and regions to show."""

    indicator: str
    region_level: str
    year: int
    regions: tuple[tuple[str, str], ...]  # (region_code, region)
    meta: dict


def select(
    data: ProcessedData,
    indicator: str,
    region_level: str,
    year: int | None = None,
    regions: str | Sequence[str] | None = (),
    *,
    config: IndicatorConfig | None = None,
    auto_regions: int = 2,
) -> Selection:
    """Check the parameters against the data; clear errors with close matches when wrong.

    Names of levels, regions and indicators match regardless of case and accents;
    ``regions`` may be one name or a list. ``year=None`` takes the latest year with a
    national value. No ``regions`` takes the
    highest and lowest region of the level in that year (``auto_regions`` in all), so that
    switching only the indicator or the level still gives a meaningful notebook.
    """
    config = config or load_indicator_config()
    table = data.indicators
    known = table["indicator"].unique().tolist()
    indicator = match(indicator.strip(), known) or indicator
    if indicator not in known:
        raise ReportParameterError(
            f"indicator {indicator!r} is not in {data.path / paths.INDICATORS_FILE}"
            f"{did_you_mean(indicator, known)} (ids: config/indicators.yaml)"
        )
    region_level = comparison_level(data, region_level)
    national = series(data, indicator, NATIONAL_CODE)
    years = national.loc[national["share"].notna(), "year"].astype(int).tolist()
    if not years:
        raise ReportParameterError(f"indicator {indicator!r} has no national value in any year")
    if year is None:
        year = max(years)
    elif int(year) not in years:
        raise ReportParameterError(
            f"year {year} has no data for {indicator!r} (years: {min(years)}-{max(years)})"
        )
    chosen = []
    for name in region_names(regions):
        row = match_region(data.regions, region_level, name)
        chosen.append((str(row["region_code"]), str(row["region"])))
    if not chosen:
        ranked = level_values(data, indicator, region_level, int(year))
        ranked = ranked[ranked["share"].notna()].sort_values("share", ascending=False)
        picks = pd.concat([ranked.head(auto_regions // 2 or 1), ranked.tail(auto_regions // 2)])
        chosen = list(dict.fromkeys(zip(picks["region_code"], picks["region"], strict=True)))
    return Selection(
        indicator, region_level, int(year), tuple(chosen), indicator_meta(indicator, config)
    )


def region_names(regions: str | Sequence[str] | None) -> list[str]:
    """The ``regions`` parameter as a list of names: a list, one name, or a list written as
    text (papermill's ``-p regions '[Utrecht, Twente]'`` passes the text)."""
    if regions is None:
        return []
    if isinstance(regions, str):
        text = regions.strip()
        if text.startswith("["):
            parsed = yaml.safe_load(text)
            if isinstance(parsed, list):
                return [str(name) for name in parsed]
        return [text] if text else []
    return [str(name) for name in regions]


def comparison_level(data: ProcessedData, region_level: str) -> str:
    """The level ``region_level`` means (case aside), one with regions to compare."""
    level = match_level(data.regions, region_level)
    if level == "nederland":
        levels = set(data.regions["region_level"]) - {"nederland"}
        raise ReportParameterError(
            f"region_level {region_level!r} is not a level to compare regions at "
            f"(known: {', '.join(sorted(levels))})"
        )
    return level


def describe(sel: Selection) -> Markdown:
    """What the notebook shows, in words: indicator, definition, level, year, regions."""
    meta = sel.meta
    target = (
        f" Doel: {text.pct(meta['target'], 0)} in {meta['target_year']}."
        if meta.get("target") is not None
        else ""
    )
    names = ", ".join(name for _, name in sel.regions) or "geen"
    return Markdown(
        f"**{meta['naam']}** (`{sel.indicator}`): {meta['omschrijving']}{target}\n\n"
        f"Niveau: {level_label(sel.region_level)} · schooljaar {text.schooljaar(sel.year)} · "
        f"regio's in de trend: {names} · bron: {meta['bron']}."
    )


def series(
    data: ProcessedData, indicator: str, region_code: str, gender: str = "totaal"
) -> pd.DataFrame:
    """One region's rows of one indicator view, by year."""
    t = data.indicators
    rows = t[
        (t["indicator"] == indicator) & (t["region_code"] == region_code) & (t["gender"] == gender)
    ]
    return rows.sort_values("year")


def level_values(
    data: ProcessedData, indicator: str, region_level: str, year: int, gender: str = "totaal"
) -> pd.DataFrame:
    """Every region of a level in one year: region, region_code, share and its bounds."""
    t = data.indicators
    rows = t[
        (t["indicator"] == indicator)
        & (t["region_level"] == region_level)
        & (t["year"] == year)
        & (t["gender"] == gender)
    ]
    columns = [
        "region",
        "region_code",
        "share",
        "share_low",
        "share_high",
        "denominator",
        "suppressed_cells",
    ]
    return rows[columns].reset_index(drop=True)


def national_share(data: ProcessedData, indicator: str, year: int) -> float | None:
    """The national value of an indicator in a year (None when there is none)."""
    rows = series(data, indicator, NATIONAL_CODE)
    value = rows.loc[rows["year"] == year, "share"]
    return None if value.empty or text.is_missing(value.iloc[0]) else float(value.iloc[0])


def _target(sel: Selection, config: IndicatorConfig | None) -> float | None:
    config = config or load_indicator_config()
    target = config.target(sel.indicator, NATIONAL_CODE, "Nederland")
    return target.value if target else None


def ranked_chart(
    data: ProcessedData, sel: Selection, config: IndicatorConfig | None = None
) -> plots.Chart:
    """All regions of the level, ranked, with Nederland and the target as lines."""
    values = level_values(data, sel.indicator, sel.region_level, sel.year)
    when, level = text.schooljaar(sel.year), level_label(sel.region_level)
    title = f"{sel.meta['naam']}, {when}: alle regio's ({level})"
    highlight = sel.regions[0][1] if len(sel.regions) == 1 else None
    return plots.ranked_bar_chart(
        values,
        title=title,
        source=sel.meta["bron"],
        highlight=highlight,
        national=national_share(data, sel.indicator, sel.year),
        target=_target(sel, config),
    )


def map_chart(data: ProcessedData, sel: Selection) -> plots.Chart | Markdown:
    """The choropleth of the level, or a short Dutch note why there is no map."""
    from analysis.content.sections import map_geometry
    from analysis.present import maps

    raw_dir = Path(data.manifest.get("raw_dir") or paths.RAW_DIR)
    prepared, problem = map_geometry(data, sel.region_level, raw_dir)
    if prepared is None:
        return Markdown(f"*Kaart niet beschikbaar: {problem}.*")
    code = sel.regions[0][0] if len(sel.regions) == 1 else None
    plural = text.level_plural(sel.region_level)
    return maps.choropleth(
        prepared,
        level_values(data, sel.indicator, sel.region_level, sel.year),
        title=f"{sel.meta['naam']}, {text.schooljaar(sel.year)}",
        source=sel.meta["bron"],
        scale=maps.load_config().scale(sel.indicator),
        what=f"Kaart van alle {plural}",
        highlight_code=code,
        highlight_label=sel.regions[0][1] if code else None,
        too_uncertain_pp=municipal.load_settings().too_uncertain_pp,
        unit=plural,
    )


def trend_chart(
    data: ProcessedData, sel: Selection, config: IndicatorConfig | None = None
) -> plots.Chart | Markdown:
    """One panel per chosen region: the region against Nederland and the other regions of
    the level (grey), on one y-scale. Each chosen region has its own colour, marker and
    dash, so the legend tells them apart."""
    national = series(data, sel.indicator, NATIONAL_CODE)
    if national["share"].notna().sum() < 2:
        return Markdown(f"*Geen trend: {sel.meta['naam']} heeft maar één schooljaar.*")
    target = _target(sel, config)
    level = data.regions[data.regions["region_level"] == sel.region_level]
    peers = f"Andere regio's ({level_label(sel.region_level)})"
    roles = style.HIGHLIGHT_ROLES
    panels = []
    for i, (code, name) in enumerate(sel.regions):
        lines = [
            plots.Line(name, roles[i % len(roles)], series(data, sel.indicator, code)),
            plots.Line("Nederland", "national", national),
            *(
                plots.Line(peers, "peer", series(data, sel.indicator, other))
                for other in level["region_code"]
                if other != code
            ),
        ]
        panels.append(
            plots.Panel(name, lines, target, empty_note=f"Geen cijfers voor {name} en Nederland")
        )
    return plots.trend_chart(
        panels, title=f"{sel.meta['naam']}: gekozen regio's en Nederland", source=sel.meta["bron"]
    )


def selection_table(data: ProcessedData, sel: Selection) -> Html:
    """The chosen regions in the chosen year: value, rank, difference with Nederland."""
    d = data.derived
    rows = []
    for code, name in sel.regions:
        row = d[
            (d["indicator"] == sel.indicator)
            & (d["region_code"] == code)
            & (d["year"] == sel.year)
            & (d["gender"] == "totaal")
        ]
        value = level_values(data, sel.indicator, sel.region_level, sel.year)
        value = value[value["region_code"] == code]
        if row.empty or value.empty:
            rows.append([name, text.MISSING, "", "", "", text.UNKNOWN_COUNT])
            continue
        r, v = row.iloc[0], value.iloc[0]
        rank = (
            f"{int(r['rank_level'])} van {int(r['regions_in_level'])}"
            if not text.is_missing(r["rank_level"])
            else "n.v.t."
        )
        rows.append(
            [
                name,
                text.Cell(text.pct_range(v["share"], v["share_low"], v["share_high"]), "num"),
                rank,
                text.Cell(text.pp(r["diff_national_pp"], unit=False), "num"),
                text.Cell(text.pp(r["change_1y_pp"], unit=False), "num"),
                text.Cell(text.count(v["denominator"], v["suppressed_cells"]), "num count"),
            ]
        )
    header = [
        "Regio",
        "Waarde",
        "Positie",
        "Verschil met Nederland (pp)",
        "Verandering 1 jaar (pp)",
        "Aantal (noemer)",
    ]
    caption = f"{sel.meta['naam']}, {text.schooljaar(sel.year)}: de gekozen regio's"
    return Html(text.table_html(header, rows, caption=caption))


# --- 03: women in bèta-techniek ------------------------------------------------------------


def gender_indicators(indicators: Sequence[str] | None = None) -> list[str]:
    """The indicators of the gender views: by default one per school level, as in reports."""
    from analysis.content.sections import GENDER_TREND

    return list(indicators or GENDER_TREND)


def women_share_table(
    data: ProcessedData, region_level: str, indicators: Sequence[str] | None = None
) -> pd.DataFrame:
    """Women's share of the numerator per region (rows, Nederland first) and indicator.

    Each indicator is taken in its own latest year with a national value; the column
    names carry that school year.
    """
    regions = data.regions[data.regions["region_level"].isin(["nederland", region_level])]
    out = regions[["region_code", "region"]].reset_index(drop=True)
    for indicator in gender_indicators(indicators):
        view = indicator + WOMEN_SHARE_SUFFIX
        national = series(data, view, NATIONAL_CODE)
        years = national.loc[national["share"].notna(), "year"]
        if years.empty:
            continue
        year = int(years.max())
        t = data.indicators
        rows = t[(t["indicator"] == view) & (t["year"] == year) & (t["gender"] == "totaal")]
        out[f"{indicator} {text.schooljaar(year)}"] = (
            out["region_code"].map(rows.set_index("region_code")["share"]).astype("Float64")
        )
    return out


def women_share_html(
    data: ProcessedData, region_level: str, indicators: Sequence[str] | None = None
) -> Html:
    """``women_share_table`` in the house style, with the indicators' Dutch names."""
    frame = women_share_table(data, region_level, indicators).drop(columns="region_code")
    config = load_indicator_config()
    header = {"region": "Regio"}
    for column in frame.columns[1:]:
        indicator, when = column.rsplit(" ", 1)
        header[column] = f"{indicator_meta(indicator, config)['naam']} ({when})"
    caption = f"Aandeel vrouwen in de teller, per indicator en regio ({level_label(region_level)})"
    return frame_html(frame, caption, header=header, percent=True)


def women_trend_chart(
    data: ProcessedData,
    region_level: str,
    region: str | None = None,
    indicators: Sequence[str] | None = None,
    config: IndicatorConfig | None = None,
) -> plots.Chart:
    """Per indicator: women's share in every region of the level (grey), Nederland, one region."""
    config = config or load_indicator_config()
    indicators = gender_indicators(indicators)
    region_level = comparison_level(data, region_level)
    level = data.regions[data.regions["region_level"] == region_level]
    if region is not None:
        region = str(match_region(data.regions, region_level, region)["region"])
    panels = []
    for indicator in indicators:
        view = indicator + WOMEN_SHARE_SUFFIX
        if series(data, view, NATIONAL_CODE)["share"].notna().sum() < 2:
            continue
        # Peers share one label, so the legend has one grey entry, not one per region.
        lines = [
            plots.Line(name, "region", series(data, view, code))
            if name == region
            else plots.Line(OTHER_REGIONS, "peer", series(data, view, code))
            for code, name in zip(level["region_code"], level["region"], strict=True)
        ]
        lines.append(plots.Line("Nederland", "national", series(data, view, NATIONAL_CODE)))
        panels.append(plots.Panel(indicator_meta(indicator, config)["naam"], lines))
    if not panels:
        raise ReportParameterError("none of the indicators has two or more school years")
    bronnen = "; ".join(dict.fromkeys(indicator_meta(i, config)["bron"] for i in indicators))
    where = (
        f"{region} en de andere regio's"
        if region
        else f"alle regio's ({level_label(region_level)})"
    )
    return plots.trend_chart(
        panels,
        title=f"Aandeel vrouwen in bèta en techniek: {where}",
        source=bronnen,
        ylabel="Aandeel vrouwen (%)",
    )


def gender_table(
    data: ProcessedData,
    region_level: str,
    region: str,
    indicators: Sequence[str] | None = None,
    config: IndicatorConfig | None = None,
) -> Html:
    """How many women and how many men choose bèta-techniek: the indicator per gender."""
    config = config or load_indicator_config()
    region_level = comparison_level(data, region_level)
    region = str(match_region(data.regions, region_level, region)["region"])
    level = data.regions[data.regions["region_level"] == region_level]
    codes = dict(zip(level["region"], level["region_code"], strict=True))
    rows = []
    for indicator in gender_indicators(indicators):
        national = series(data, indicator, NATIONAL_CODE, "vrouw")
        years = national.loc[national["share"].notna(), "year"]
        if years.empty:
            continue
        year = int(years.max())
        row: list[str | text.Cell] = [
            indicator_meta(indicator, config)["naam"],
            text.schooljaar(year),
        ]
        for code in (codes[region], NATIONAL_CODE):
            for gender in ("vrouw", "man"):
                s = series(data, indicator, code, gender)
                s = s[s["year"] == year]
                value = (
                    text.pct_range(
                        s["share"].iloc[0], s["share_low"].iloc[0], s["share_high"].iloc[0]
                    )
                    if len(s)
                    else text.MISSING
                )
                row.append(text.Cell(value, "num"))
        rows.append(row)
    header = [
        "Indicator",
        "Schooljaar",
        f"Vrouwen {region}",
        f"Mannen {region}",
        "Vrouwen Nederland",
        "Mannen Nederland",
    ]
    caption = f"De indicator onder vrouwen en onder mannen apart: {region} en Nederland"
    return Html(text.table_html(header, rows, caption=caption))


def indicator_overview(data: ProcessedData, config: IndicatorConfig | None = None) -> Html:
    """Every configured indicator: id (for the parameters), name, level, school years, and
    the main indicator a sub-indicator belongs to (``parent``: not in the scorecard)."""
    config = config or load_indicator_config()
    rows = []
    for ind in config.indicators.values():
        national = series(data, ind.id, NATIONAL_CODE)
        years = national.loc[national["share"].notna(), "year"]
        span = (
            f"{text.schooljaar(years.min())}–{text.schooljaar(years.max())}"
            if len(years)
            else text.MISSING
        )
        rows.append([ind.id, ind.naam, ind.level, span, ind.parent or ""])
    header = ["indicator (id)", "Naam", "Niveau", "Schooljaren", "Onderdeel van"]
    return Html(text.table_html(header, rows, caption="Indicatoren in config/indicators.yaml"))
