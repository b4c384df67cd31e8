"""The bèta-techniek definition the HO figures use, in Dutch: scorecard notes, Verantwoording.

The HO indicators follow the Techniekpact monitor (config/ho_beta_programmes.yaml). Where a
DUO file has no programme codes the engine falls back to the classification's subonderdeel
rule and marks the figure (column ``ho_definition``); a reader must be told, and told when a
trend line changes method between years.
"""

from __future__ import annotations

import html

import pandas as pd

from analysis.data import ReportContext
from analysis.indicators.engine import indicator_meta
from analysis.indicators.rules import classification_of
from analysis.present import text

APPROXIMATED = ("subonderdelen", "mixed")
GENDER_WORDS = {"totaal": "alle studenten", "man": "mannen", "vrouw": "vrouwen"}


def _classified(ctx: ReportContext) -> list[str]:
    """Main indicators with data for the region whose numerator applies a classification."""
    return [
        i
        for i in ctx.main_indicators()
        if ctx.config.indicators[i].classified and ctx.latest(i) is not None
    ]


def _variant(ctx: ReportContext, indicator: str) -> str | None:
    return next((v.id for v in ctx.config.indicators.values() if v.variant_of == indicator), None)


def _years(years: list[int]) -> str:
    """'2020/21' or '2020/21 tot en met 2024/25' (consecutive years), else the list."""
    years = sorted(years)
    labels = [text.schooljaar(y) for y in years]
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{labels[0]} tot en met {labels[-1]}"
    return text.join_and(labels)


def _approximated(ctx: ReportContext, indicator: str, gender: str) -> pd.DataFrame:
    series = ctx.series(indicator, gender=gender)
    return series[series["share"].notna() & series["ho_definition"].isin(APPROXIMATED)]


def approximated_years(ctx: ReportContext, indicator: str) -> dict[str, list[int]]:
    """Per gender view, the years in which the programme list could not (fully) be applied."""
    out = {}
    for gender in GENDER_WORDS:
        hit = _approximated(ctx, indicator, gender)
        if len(hit):
            out[gender] = [int(y) for y in hit["year"]]
    return out


def _switch(ctx: ReportContext, indicator: str, gender: str, approximated: list[int]) -> str:
    """'tussen 2019/20 en 2020/21' where the gender's trend line changes method, else ''."""
    series = ctx.series(indicator, gender=gender)
    years = set(series.loc[series["share"].notna(), "year"].astype(int))
    before = [y for y in years - set(approximated) if y < min(approximated)]
    if not before:
        return ""
    return f"tussen {text.schooljaar(max(before))} en {text.schooljaar(min(approximated))}"


def _approximation_note(ctx: ReportContext, indicator: str) -> str | None:
    by_gender = approximated_years(ctx, indicator)
    if not by_gender:
        return None
    naam = indicator_meta(indicator, ctx.config)["naam"]
    groups: dict[tuple[int, ...], list[str]] = {}
    for gender, years in by_gender.items():
        groups.setdefault(tuple(years), []).append(gender)
    parts, switches = [], []
    for years, genders in groups.items():
        who = text.join_and([GENDER_WORDS[g] for g in genders])
        parts.append(f"{who} in {_years(list(years))}")
        switch = _switch(ctx, indicator, genders[0], list(years))
        if switch:
            switches.append(f"de trendlijn voor {who} wisselt {switch} van methode")
    partly = any(
        (_approximated(ctx, indicator, g)["ho_definition"] == "mixed").any() for g in by_gender
    )
    note = (
        f"{naam}: voor {text.join_and(parts)} komen de cijfers {'deels ' if partly else ''}uit "
        "een DUO-bestand zonder opleidingscodes. Daar is bèta-techniek benaderd per "
        "CROHO-subonderdeel: naast natuur en techniek tellen hbo "
        "landbouw en natuurlijke omgeving en voortgezette bouwkunst geheel mee, andere "
        "opleidingen niet. Die benadering geeft landelijk een iets lager aandeel (enkele "
        "tienden van een procentpunt; zie de methodologie)."
    )
    if switches:
        note += f" Let op: {text.join_and(switches)}."
    return note


def notes(ctx: ReportContext) -> list[str]:
    """Dutch notes on the HO definition: what counts, the CROHO-only figure, approximations."""
    classified = _classified(ctx)
    if not classified:
        return []
    classification = classification_of(ctx.config.indicators[classified[0]].numerator)
    listed = len(classification.programmes) if classification is not None else 0
    out = [
        "Bèta-techniek in het hoger onderwijs volgt de definitie van de Techniekpact-monitor: "
        f"de CROHO-onderdelen natuur en techniek, plus {listed} opleidingen daarbuiten die voor "
        "meer dan de helft bèta-technisch zijn (naar de indeling van de commissie-Sminia, hier "
        "nagebouwd en getoetst aan de landelijke cijfers van de monitor; de lijst staat in "
        "config/ho_beta_programmes.yaml)."
    ]
    pairs = []
    for indicator in classified:
        variant = _variant(ctx, indicator)
        latest = ctx.latest(indicator)
        if variant is None or latest is None:
            continue
        year = int(latest["year"])
        croho = ctx.series(variant)
        croho = croho[(croho["year"] == year) & croho["share"].notna()]
        if len(croho):
            pairs.append(
                f"{text.lcfirst(indicator_meta(indicator, ctx.config)['naam'])} "
                f"{text.pct(latest['share'])} (alleen CROHO-onderdelen: "
                f"{text.pct(croho['share'].iloc[0])}; {text.schooljaar(year)})"
            )
    if pairs:
        out.append(
            "Met alleen de CROHO-onderdelen natuur en techniek zou het aandeel lager zijn: "
            f"{text.join_and(pairs)}."
        )
    out += [n for n in (_approximation_note(ctx, i) for i in classified) if n]
    return out


def notes_html(ctx: ReportContext) -> str:
    """The notes as small print under the scorecard (empty without HO figures)."""
    items = notes(ctx)
    if not items:
        return ""
    return "".join(f'<p class="note">{html.escape(item)}</p>' for item in items)
