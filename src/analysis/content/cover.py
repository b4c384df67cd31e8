"""The report's opening: the cover (title page, what the region is made of) and the key
messages.

Every number shown is computed from ``data/processed`` (through ``analysis.data``); the
notebook only calls these and shows the result.
"""

from __future__ import annotations

import html
from datetime import date

from analysis.content import messages
from analysis.content.scorecard import NOT_JUDGED_REASON, scorecard_frame
from analysis.content.texts import (
    load_report_texts,
    mbo_seat_caveats,
    missing_ho_institution,
    no_institution_reason,
    region_members,
)
from analysis.data import ReportContext
from analysis.indicators.engine import indicator_meta, latest_year
from analysis.present import text
from analysis.present.blocks import Markdown
from analysis.present.missing import missing_sources_note
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
DEMO_BANNER = (
    "Demonstratie: deze rapportage is gemaakt met synthetische gegevens. "
    "De cijfers zijn niet echt en mogen niet worden gebruikt."
)


def dutch_date(day: date) -> str:
    """``date(2026, 1, 2)`` -> ``'2 januari 2026'``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _latest_year(ctx: ReportContext) -> int | None:
    """The most recent year with any share for the region (any indicator or gender)."""
    return latest_year(ctx.data.indicators, region_code=ctx.region.code, gender=None)


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
    if r.level == "gemeente" and in_landsdeel:  # compared within its COROP region
        table = ctx.data.regions
        own = table.loc[table["region_code"] == r.code, "corop_code"]
        corop = table.loc[table["region_code"].isin(own.dropna()), "region"]
        where = f" in {corop.iloc[0]}" if len(corop) else ""
    return f"de andere {level_plural(r.level)}{where}"


def cover_html(ctx: ReportContext) -> str:
    """The title page: ``<section class="cover">`` with title, region, facts and a short intro."""
    r = ctx.region
    esc = html.escape
    facts = [
        ("Niveau", "landelijk" if r.national else level_label(r.level)),
        *composition_facts(ctx),
        ("Meest recente schooljaar", text.schooljaar(_latest_year(ctx))),
        ("Gemaakt op", dutch_date(ctx.generated_on)),
    ]
    rows = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in facts)
    banner = (
        f'<div class="demo-banner" role="note">{esc(DEMO_BANNER)}</div>'
        if ctx.data.manifest.get("demo")
        else ""
    )
    missing = missing_sources_note(ctx.data.manifest)
    if missing:
        banner += f'<div class="missing-sources" role="note">{esc(missing)}</div>'
    where = "Nederland" if r.national else load_report_texts().name(r.name)
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
        f'<span class="cover-region">in {esc(where)}</span></h1>'
        f"{banner}"
        f'<table class="cover-facts">{rows}</table>'
        '<div class="cover-intro">'
        f"<p>Hoeveel jongeren in {esc(where)} kiezen voor een opleiding in bèta of techniek? "
        "Deze rapportage volgt dat per schoolsoort, van vmbo tot wo, over de jaren, en "
        f"{esc(compared)} van het Nationaal Techniekpact: 4 op de 10 jongeren kiezen bèta of "
        "techniek (40% van de instroom in 2020). Instroom betekent hier: de eerstejaars in hbo "
        "en wo. Het mbo-bestand van DUO kent geen eerstejaars; het mbo-doel gaat over alle "
        "mbo-studenten. Hbo en wo worden geteld waar de opleiding staat; daarom worden die "
        "doelen alleen voor Nederland en de landsdelen beoordeeld.</p>"
        "<p>De cijfers komen van DUO en CBS. Leerlingen en studenten zijn geteld op de "
        "vestiging van hun school of instelling, niet op hun woonadres. Waar DUO kleine "
        "aantallen (1 tot en met 4) afschermt, staat bij een cijfer de marge waarbinnen het "
        "ligt.</p></div></section>"
    )


def kernboodschappen(ctx: ReportContext) -> list[str]:
    """The key messages for the region (rules in ``analysis.content.messages``)."""
    reasons = {
        level: f"{reason}, dus het doel wordt beoordeeld voor Nederland en de landsdelen"
        for level, reason in NOT_JUDGED_REASON.items()
    }
    frame = scorecard_frame(ctx)
    region = load_report_texts().name(ctx.region.name)
    return messages.key_messages(
        frame,
        region=region,
        national=ctx.region.national,
        landsdeel=ctx.region.landsdeel,
        level=ctx.region.level,
        not_judged_reasons=reasons,
        without_data=_targets_without_data(ctx, region),
    )


def _targets_without_data(ctx: ReportContext, region: str) -> list[str]:
    """'Voor het aandeel … zijn er voor Flevoland geen cijfers', with the mbo seat where it
    explains why (a target indicator the region has no value for; a sub-indicator's too)."""
    out = []
    for indicator in ctx.config.targets:
        if indicator not in ctx.config.indicators or ctx.latest(indicator) is not None:
            continue
        meta = indicator_meta(indicator, ctx.config)
        share = f"het aandeel {text.lcfirst(meta['naam'])}"
        if institution := missing_ho_institution(ctx, [indicator]):
            sentence = (
                f"{no_institution_reason(region, institution)} voor {share} zijn er geen cijfers."
            )
        else:
            sentence = f"Voor {share} zijn er voor {region} geen cijfers."
        if meta["level"] == "mbo":
            seats = mbo_seat_caveats(region_members(ctx))
            sentence += "".join(f" {s}" for s in seats[:1])
        out.append(sentence)
    return out


def kernboodschappen_block(ctx: ReportContext) -> Markdown:
    """The key messages as a Markdown list."""
    return Markdown("\n".join(f"- {m}" for m in kernboodschappen(ctx)))
