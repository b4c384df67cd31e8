"""The annex ("Bijlage"): data quality, verantwoording (provenance) and a glossary.

Data quality shows, from the manifest, how much of every input file was attributed to a
region and what was not (nothing is dropped silently), and for the report's region where
suppressed cells widen the bounds. Verantwoording lists what the figures rest on: input
files (relative to the raw folder) with short checksums, code version and the report's
parameters. Everything is Dutch; processing warnings are summarised in Dutch.
"""

from __future__ import annotations

import html
import platform
import re
from importlib import metadata
from urllib.parse import urlsplit

import pandas as pd

from analysis import paths
from analysis.content import ho_definition
from analysis.content.scorecard import INSTROOM_NOTE
from analysis.content.sections import CAVEATS
from analysis.content.texts import mbo_seat_caveats, region_members
from analysis.data import ReportContext
from analysis.indicators.engine import indicator_meta
from analysis.present import text
from analysis.present.blocks import Block, Html, Markdown
from analysis.present.text import level_plural

GENDER_LABELS = {"totaal": "totaal", "man": "mannen", "vrouw": "vrouwen"}
PACKAGES = ("pandas", "numpy", "pyarrow", "matplotlib", "geopandas", "papermill", "nbconvert")
# Dutch names of the datasets in the manifest (its descriptions are English).
DATASET_TITLES = {
    "duo_vo_exam": "DUO, examenkandidaten en geslaagden vo",
    "duo_vo_pupils": "DUO, leerlingen vo per vestiging naar onderwijstype en leerjaar",
    "duo_vo_locations": "DUO, alle vestigingen vo (gemeente per vestiging)",
    "duo_mbo_students": "DUO, deelnemers mbo per instelling, plaats, sector en niveau",
    "duo_ho_first_years": "DUO, eerstejaars ingeschrevenen hbo en wo",
    "duo_ho_enrolled": "DUO, ingeschrevenen hbo en wo",
    "duo_ho_graduates": "DUO, gediplomeerden hbo en wo",
    "duo_ho_institutions": "DUO, instellingen hbo en wo (adressen)",
    "cbs_municipality_list": "CBS, gemeentelijke indeling",
    "cbs_woonplaatsen": "CBS, woonplaatsen naar gemeente en COROP-gebied",
    "cbs_occupations": "CBS, werkzame beroepsbevolking per beroep",
    "cbs_table_catalogue": "CBS, overzicht van onderwijstabellen",
    "geo_boundaries_topojson": "CBS, grenzen van de gebiedsindelingen (kaart)",
    "geo_boundaries_geojson": "CBS/PDOK, grenzen van provincies en gemeenten (kaart)",
    "geo_municipality_province": "CBS, koppeltabel gemeente en provincie",
}


def _count_inputs(ctx: ReportContext) -> list[dict]:
    return [i for i in ctx.data.manifest.get("inputs", []) if i.get("role") == "counts"]


def _file_cell(entry: dict) -> str:
    """File name (monospace, breakable at '/') with its description under it, escaped."""
    path = html.escape(str(entry.get("path", ""))).replace("/", "/<wbr>")
    dataset = str(entry.get("dataset") or "")
    about = html.escape(DATASET_TITLES.get(dataset, dataset))
    return f'<td><span class="file">{path}</span><br><span class="note">{about}</span></td>'


def attribution_table(ctx: ReportContext) -> str:
    """Per count file: known counts, share placed in a province, suppressed cells, unplaced.

    Built by hand for the two-line file cell; every value is escaped here.
    """
    header = [
        "Bestand",
        "Bekende aantallen",
        "Toegewezen aan provincie",
        "Afgeschermde cellen (<5)",
        "Niet geplaatst",
    ]
    rows = []
    for entry in _count_inputs(ctx):
        unplaced = entry.get("unplaced") or []
        unplaced_count = sum(int(u.get("count", 0)) for u in unplaced)
        unplaced_rows = sum(int(u.get("rows", 0)) for u in unplaced)
        numbers = [
            text.num(entry.get("counts_total")),
            text.pct(entry.get("share_attributed_province")),
            text.num(entry.get("suppressed_cells")),
            f"{text.num(unplaced_count)} in {text.num(unplaced_rows)} rijen" if unplaced else "0",
        ]
        cells = "".join(f'<td class="num">{html.escape(n)}</td>' for n in numbers)
        rows.append(f"<tr>{_file_cell(entry)}{cells}</tr>")
    heads = f'<th scope="col">{html.escape(header[0])}</th>' + "".join(
        f'<th scope="col" class="num">{html.escape(h)}</th>' for h in header[1:]
    )
    caption = (
        "Toewijzing per invoerbestand (paden ten opzichte van de map met ruwe gegevens). "
        "Bekende aantallen zijn de som van alle gepubliceerde aantallen zonder de afgeschermde "
        "cellen; niet-geplaatste aantallen tellen alleen landelijk mee. Toegewezen betekent: "
        "via de gemeente of provincie van de school in een provincie geplaatst; voor het mbo "
        "is dat de plaats van de hoofdzetel van de instelling, niet de leslocatie."
    )
    return (
        f'<table class="tp-table files"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def unplaced_table(ctx: ReportContext) -> str | None:
    """Every reason why counts could not be placed in a region, per file."""
    rows = [
        [
            entry.get("path", ""),
            u.get("reason", ""),
            text.Cell(text.num(u.get("rows")), "num"),
            text.Cell(text.num(u.get("count")), "num"),
        ]
        for entry in _count_inputs(ctx)
        for u in entry.get("unplaced") or []
    ]
    if not rows:
        return None
    return text.table_html(
        ["Bestand", "Reden", "Rijen", "Aantal (bekend)"],
        rows,
        caption="Niet aan een regio toegewezen aantallen, met de reden",
    )


def suppression_table(ctx: ReportContext) -> str | None:
    """Indicators of the region whose latest value rests partly on suppressed cells."""
    table = ctx.data.indicators
    rows_frame = table[(table["region_code"] == ctx.region.code) & (table["suppressed_cells"] > 0)]
    if rows_frame.empty:
        return None
    latest = rows_frame.sort_values("year").groupby(["indicator", "gender"], sort=False).tail(1)
    rows = []
    for _, r in latest.sort_values(["indicator", "gender"]).iterrows():
        width = (r["share_high"] - r["share_low"]) * 100 if pd.notna(r["share_high"]) else pd.NA
        rows.append(
            [
                indicator_meta(r["indicator"], ctx.config)["naam"],
                GENDER_LABELS.get(str(r["gender"]), str(r["gender"])),
                text.schooljaar(r["year"]),
                text.Cell(text.num(r["suppressed_cells"]), "num"),
                text.Cell(text.pct_range(r["share"], r["share_low"], r["share_high"]), "num"),
                text.Cell(text.pp(width, unit=False).lstrip("+"), "num"),
            ]
        )
    return text.table_html(
        ["Indicator", "Geslacht", "Schooljaar", "Afgeschermde cellen", "Waarde (marge)", "Marge"],
        rows,
        caption=(
            f"Waarden voor {ctx.region.name} met afgeschermde cellen (laatste jaar per "
            "indicator). Een afgeschermde cel ligt tussen 1 en 4; waar DUO het totaal van de rij "
            "publiceert, tellen de afgeschermde cellen van die rij op tot dat totaal min de "
            "bekende cellen. De marge is het nadeligste geval daarbinnen; de puntschatting "
            "verdeelt het bekende restant gelijk (zonder totaal: 2,5 per cel)."
        ),
    )


MEASURE_LABELS = {
    "enrolled": "ingeschrevenen",
    "first_years": "eerstejaars",
    "graduates": "gediplomeerden",
    "students": "studenten",
    "exam_candidates": "examenkandidaten",
    "pupils": "leerlingen",
}
CUT_LABELS = {
    "full": "volledige tabel",
    "gender": "uitsnede naar geslacht",
    "programme": "uitsnede naar opleiding",
    "pathway": "uitsnede naar opleidingsvorm",
    "sector": "uitsnede naar sector",
}


def _population(overlap: dict) -> str:
    measure = MEASURE_LABELS.get(str(overlap.get("measure")), str(overlap.get("measure")))
    return f"{overlap.get('level')}, {measure}"


def _revision(value: object) -> str:
    """'+0,13%': the relative change from the release kept out to the one used."""
    if text.is_missing(value):
        return text.MISSING
    share = float(value)  # type: ignore[arg-type]
    return ("+" if share > 0 else "") + text.pct(share, 2)


def _file_name(path: object) -> str:
    return str(path).rsplit("/", 1)[-1]


def overlaps_table(ctx: ReportContext) -> str | None:
    """Every year in which an older release was kept out for a newer one, with the revision."""
    kept = [
        o
        for o in ctx.data.manifest.get("overlaps") or []
        if o.get("kind") in ("release", "duplicate")
    ]
    if not kept:
        return None
    rows = [
        [
            _population(o),
            text.schooljaar(o.get("year")),
            ", ".join(_file_name(f) for f in o.get("used") or []),
            _file_name(o.get("other")),
            text.Cell(
                f"{text.num(o.get('other_known'))} \u2192 {text.num(o.get('used_known'))}", "num"
            ),
            text.Cell(_revision(o.get("revision")), "num"),
        ]
        for o in kept
    ]
    return text.table_html(
        ["Gegevens", "Schooljaar", "Gebruikt", "Buiten de indicatoren", "Bekend", "Revisie"],
        rows,
        caption=(
            "Overlappende releases. Waar twee releases van DUO hetzelfde schooljaar beschrijven, "
            "telt alleen de nieuwste mee (de release met de latere jaren, of bij gelijke jaren die "
            "van het nieuwe DUO-portaal); de oudere blijft bewaard maar buiten de indicatoren. "
            "Bekend: de bekende aantallen van oud naar nieuw; revisie: het verschil daartussen."
        ),
    )


def cuts_notes(ctx: ReportContext) -> list[str]:
    """Where one release comes in several cuts: that they are never added up, and which cut
    each of the report's indicators counted in which years."""
    cuts = [o for o in ctx.data.manifest.get("overlaps") or [] if o.get("kind") == "cut"]
    if not cuts:
        return []
    out = []
    by_population: dict[str, list[dict]] = {}
    for o in cuts:
        by_population.setdefault(_population(o), []).append(o)
    for population, items in by_population.items():
        years = sorted(int(o["year"]) for o in items)
        files = sorted({_file_name(f) for o in items for f in o.get("used") or []})
        out.append(
            f"Voor {population} {text.schooljaar(years[0])}{text.DASH}"
            f"{text.schooljaar(years[-1])} publiceert DUO dezelfde studenten in meerdere "
            f"uitsneden ({text.join_and(files)}). Die worden nooit opgeteld: elke indicator telt "
            "er één per jaar."
        )
    shown = set(ctx.main_indicators())
    for run in ctx.data.manifest.get("indicator_cuts") or []:
        if run.get("indicator") not in shown or run.get("gender") != "totaal":
            continue
        if run.get("cut") == "full":
            continue
        years = run.get("years") or []
        out.append(
            f"{indicator_meta(run['indicator'], ctx.config)['naam']}, "
            f"{text.schooljaar(years[0])}{text.DASH}{text.schooljaar(years[-1])}: "
            f"{CUT_LABELS.get(str(run.get('cut')), str(run.get('cut')))} "
            f"({text.join_and([_file_name(f) for f in run.get('files') or []])})."
        )
    return out


def caveats(ctx: ReportContext) -> list[str]:
    """The caveats that apply to this region's figures."""
    out = [
        "Alle leerlingen en studenten zijn geteld op de locatie van hun school of instelling, "
        "niet op hun woonadres (de officiële Monitor Techniekpact telt naar woonregio).",
        "Een aantal van 1 tot en met 4 is door DUO afgeschermd (<5). Zo'n cel is onbekend, niet "
        "nul: waarden die erop rusten hebben een marge.",
    ]
    present = {
        indicator_meta(i, ctx.config)["dataset"]
        for i in ctx.main_indicators()
        if ctx.series(i)["share"].notna().any()
    }
    if "duo_vo_exam" in present:
        out.append(CAVEATS["vo"])
    if "duo_vo_pupils" in present:
        out.append(CAVEATS["vo_pupils"])
    if "duo_mbo_students" in present:
        out.append(CAVEATS["mbo"])
    out.extend(mbo_seat_caveats(region_members(ctx)))
    out.append(CAVEATS["ho"])
    if ctx.region.level not in ("nederland", "landsdeel", "landsdeel_cbs", "provincie"):
        out.append(
            "Voor dit niveau tellen alleen aantallen die aan een gemeente zijn toegewezen; "
            "aantallen die alleen een provincie hebben, tellen mee voor provincie en landsdeel."
        )
    if ctx.data.manifest.get("demo"):
        out.append("Deze rapportage is gemaakt met synthetische demonstratiegegevens.")
    return out


# Processing warnings in Dutch: (pattern on the English text, Dutch summary per file).
WARNING_TEXTS = (
    (
        re.compile(r"TOTAAL .* differ from the sum of the gender columns"),
        "in enkele rijen is het gepubliceerde totaal groter dan mannen plus vrouwen "
        "(geslacht onbekend in de bron); het totaal telt mee, het verschil niet per geslacht",
    ),
    (
        re.compile(r"has no GESLACHT column"),
        "dit bestand kent geen geslacht; de aantallen tellen alleen voor het totaal",
    ),
    (
        re.compile(r"place names are shared by several municipalities"),
        "sommige plaatsnamen komen in meer gemeenten voor; die rijen zijn via de provincie "
        "geplaatst of staan bij de niet-geplaatste aantallen",
    ),
)


def warning_summary(warnings: list[str]) -> list[str]:
    """The processing warnings as Dutch lines: one per file and kind, the rest counted."""
    lines: dict[str, None] = {}
    other = 0
    for warning in warnings:
        source, _, _ = str(warning).partition(": ")
        for pattern, dutch in WARNING_TEXTS:
            if pattern.search(str(warning)):
                where = source if "/" in source else "verwerking"
                lines[f"{where}: {dutch}."] = None
                break
        else:
            other += 1
    out = list(lines)
    if other:
        out.append(
            f"{other} andere technische meldingen staan in het verwerkingsverslag (manifest.json)."
        )
    return out


def quality_section(ctx: ReportContext) -> list[Block]:
    """Attribution per input file, unplaced counts, suppression for the region, caveats."""
    blocks: list[Block] = [Html(attribution_table(ctx))]
    for table in (unplaced_table(ctx), overlaps_table(ctx), suppression_table(ctx)):
        if table:
            blocks.append(Html(table))
    notes = cuts_notes(ctx)
    if notes:
        blocks.append(kept_list("Uitsneden van één release", notes))
    blocks.append(kept_list("Kanttekeningen", caveats(ctx)))
    warnings = ctx.data.manifest.get("warnings") or []
    if warnings:
        blocks.append(
            kept_list(
                "Meldingen bij het verwerken",
                warning_summary([str(w) for w in warnings]),
                intro="Samengevat in het Nederlands:",
            )
        )
    return blocks


def kept_list(title: str, items: list[str], *, intro: str = "", outro: str = "") -> Html:
    """An h4 with its list as one block that print keeps on one page (``tp-keep``): a list
    of caveats or warnings split over two pages leaves a page with two orphaned lines."""
    esc = html.escape
    parts = [f'<section class="tp-keep"><h4>{esc(title)}</h4>']
    if intro:
        parts.append(f"<p>{esc(intro)}</p>")
    parts.append("<ul>" + "".join(f"<li>{esc(item)}</li>" for item in items) + "</ul>")
    if outro:
        parts.append(f"<p>{esc(outro)}</p>")
    return Html("".join(parts) + "</section>")


def code_version(ctx: ReportContext) -> str:
    """The code version the processed data were made with, as ``techniekpact process``
    recorded it in the manifest (``analysis.provenance.code_version``); 'onbekend' if none."""
    version = ctx.data.manifest.get("code_version")
    return str(version) if version and version != "unknown" else "onbekend"


def package_versions() -> dict[str, str]:
    """Python and the packages that shape the figures and the report."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "niet geïnstalleerd"
    return out


ROLES = {
    "counts": "aantallen",
    "reference": "indeling",
    "geometry": "kaartgrenzen",
    "metadata": "toelichting",
}
SHORT_HASH = 12


def _domain(url: str) -> str:
    """'https://duo.nl/open_onderwijsdata/...' -> 'duo.nl': the link text; the href is full."""
    host = urlsplit(url).netloc
    return host.removeprefix("www.") or url


# English phrases of the sources registry's publisher names, in Dutch.
PUBLISHER_WORDS = (
    ("compiled by a third party from CBS codes", "samengesteld door derden uit CBS-codes"),
    ("derived by a third party", "bewerkt door derden"),
    ("via the Nationaal Georegister WFS", "via het Nationaal Georegister"),
    ("metadata on CBS tables", "beschrijving van CBS-tabellen"),
)


def publisher(name: str) -> str:
    """A publisher as the registry names it, with its English phrases in Dutch."""
    for english, dutch in PUBLISHER_WORDS:
        name = name.replace(english, dutch)
    return name


def inputs_table(ctx: ReportContext) -> str:
    """Every input file: name and content, publisher, role, source link and short checksum.

    Built by hand (not ``text.table_html``) for the link and the two-line file cell; every
    value is escaped here.
    """
    esc = html.escape
    rows = []
    for entry in ctx.data.manifest.get("inputs", []):
        url = entry.get("url") or ""
        link = f'<a href="{esc(url, quote=True)}">{esc(_domain(url))}</a>' if url else ""
        sha = str(entry.get("sha256", ""))
        rows.append(
            "<tr>"
            f"{_file_cell(entry)}"
            f"<td>{esc(publisher(str(entry.get('publisher') or '')))}</td>"
            f"<td>{esc(ROLES.get(str(entry.get('role')), str(entry.get('role', ''))))}</td>"
            f"<td>{link}</td>"
            f'<td class="hash" title="{esc(sha)}">{esc(sha[:SHORT_HASH])}</td>'
            "</tr>"
        )
    header = "".join(
        f'<th scope="col">{h}</th>'
        for h in ("Bestand", "Uitgever", "Rol", "Herkomst", "Controlegetal")
    )
    return (
        '<table class="tp-table files inputs"><caption>Invoerbestanden van deze rapportage, '
        "met paden ten opzichte van de map met ruwe gegevens; het controlegetal (sha256) is "
        "verkort, het volledige staat in manifest.json</caption>"
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def landsdeel_table(ctx: ReportContext) -> str:
    """The landsdeel composition used (the report must state it): the CBS scheme in a CBS
    landsdeel report, the Techniekpact scheme everywhere else."""
    level = ctx.region.level if ctx.region.level.startswith("landsdeel") else "landsdeel"
    regions = ctx.data.regions
    provinces = regions[regions["region_level"] == "provincie"]
    name_of = dict(zip(provinces["region_code"], provinces["region"], strict=True))
    scheme = regions[regions["region_level"] == level].sort_values("region")
    rows = [
        [str(name), ", ".join(name_of.get(str(c), str(c)) for c in members)]
        for name, members in zip(scheme["region"], scheme["member_provinces"], strict=True)
    ]
    return text.table_html(
        ["Landsdeel", "Provincies"], rows, caption=f"Gebruikte indeling in {level_plural(level)}"
    )


# Report parameters shown in Verantwoording (the processed folder is a path of the machine).
SHOWN_PARAMETERS = {
    "region_level": "Regioniveau",
    "region": "Regio",
    "generated_on": "Datum",
}


def provenance_section(ctx: ReportContext) -> list[Block]:
    """Inputs with short checksums, code version, parameters and where the method is."""
    m = ctx.data.manifest
    versions = ", ".join(f"{k} {v}" for k, v in package_versions().items())
    facts = [
        ["Codeversie (git)", code_version(ctx)],
        ["Verwerkte gegevens gemaakt op", str(m.get("created", "onbekend"))],
        ["Synthetische demogegevens", "ja" if m.get("demo") else "nee"],
        *[
            [label, ctx.parameters.get(key) or "(leeg: vandaag)"]
            for key, label in SHOWN_PARAMETERS.items()
            if key in ctx.parameters
        ],
        ["Software", versions],
    ]
    definition = ho_definition.notes(ctx)
    return [
        Html(inputs_table(ctx)),
        Html(landsdeel_table(ctx)),
        Html(text.table_html(["Gegeven", "Waarde"], facts, caption="Versies en parameters")),
        *(
            [kept_list("Definitie bèta-techniek in het hoger onderwijs", definition)]
            if definition
            else []
        ),
        Markdown(
            "De definities van alle indicatoren, de telregels, de behandeling van afgeschermde "
            "aantallen, de regels voor doelen, trends en kernboodschappen en de "
            f"regio-indelingen staan in de [methodologie](../{paths.METHODOLOGY_PAGE}) "
            "(Engelstalig), gepubliceerd naast de rapporten."
        ),
    ]


def glossary(ctx: ReportContext) -> list[tuple[str, str]]:
    """The terms the report uses, with a short Dutch explanation."""
    s = ctx.config.settings
    return [
        ("Instroom", INSTROOM_NOTE.removeprefix("Instroom: ")),
        (
            "Afgeschermd (<5)",
            "DUO publiceert aantallen van 1 tot en met 4 niet; zo'n cel is onbekend, niet nul.",
        ),
        (
            "Marge",
            f"het bereik waarbinnen een aandeel ligt {text.MARGIN_CAUSE}, tussen haakjes "
            "achter de waarde.",
        ),
        ("Noemer", "het aantal leerlingen of studenten waarover een aandeel is berekend."),
        ("Procentpunt", "het verschil tussen twee percentages (van 30% naar 32% is +2)."),
        (
            "Te klein",
            f"een aandeel op minder dan {s.min_denominator} leerlingen of studenten: niet "
            "gerangschikt en geen hoogste of laagste.",
        ),
        (
            "Geen opleiding",
            "in de regio staat geen hbo- of wo-opleiding in deze richting met studenten.",
        ),
        (
            "Geen oordeel",
            "het doel wordt voor dit regioniveau niet beoordeeld; de waarde staat naast het doel.",
        ),
        (
            "Duidelijke trend",
            f"de helling over de laatste {s.trend_years} schooljaren, met een 95%-marge die "
            "nul uitsluit; alleen dan wordt een doel vooruit berekend, en nooit bij een daling.",
        ),
        ("Plaats 1–2", "de marges van regio's overlappen: de plaats ligt in dat bereik."),
        (
            "Toegewezen",
            "aan een regio gekoppeld via de gemeente van de school; voor het mbo de gemeente "
            "van de hoofdzetel van de instelling.",
        ),
        ("n.b.", "niet beschikbaar: geen cijfer voor deze regio of dit jaar."),
        ("CROHO", "het register van hbo- en wo-opleidingen, ingedeeld in onderdelen."),
        (
            "Schooljaar 2019/20",
            "peildatum 1 oktober 2019; een doel 'in 2020' gaat over schooljaar 2020/21.",
        ),
    ]


def glossary_section(ctx: ReportContext) -> list[Block]:
    """A short glossary of the terms used (a definition list)."""
    esc = html.escape
    items = "".join(f"<dt>{esc(t)}</dt><dd>{esc(d)}</dd>" for t, d in glossary(ctx))
    return [Html(f'<dl class="tp-glossary">{items}</dl>')]
