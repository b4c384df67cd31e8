"""What makes a report part of a yearly publication: the links to its figures as data, the
section "Wat is er veranderd sinds de vorige editie", and the index's paragraph about it.

Both read what ``publish.editions.write_changes`` wrote for the whole edition; a report
shows the part about its own region. Without a previous edition there is no section.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import paths
from analysis.present import text
from analysis.present.blocks import Block, Html, Markdown

if TYPE_CHECKING:
    import pandas as pd

    from analysis.data import ReportContext
    from analysis.indicators.rules import IndicatorConfig


HEADING = "Wat is er veranderd sinds de vorige editie"
GENDER = {"totaal": "totaal", "man": "mannen", "vrouw": "vrouwen"}
MAX_ROWS = 40


def downloads_block(stem: str) -> list[Block]:
    """Links to ``<stem>.csv`` and ``<stem>.xlsx`` (written beside the report by the batch)."""
    if not stem:
        return []
    csv_name, xlsx_name = (html.escape(f"{stem}{suffix}") for suffix in (".csv", ".xlsx"))
    return [
        Html(
            '<p class="tp-downloads">De cijfers van dit rapport als gegevens: '
            f'<a href="{xlsx_name}" download>Excel ({xlsx_name})</a> · '
            f'<a href="{csv_name}" download>CSV ({csv_name})</a>, met per cijfer de regio, '
            "het schooljaar, het geslacht, de marges en het bronbestand.</p>"
        )
    ]


def _name(config: IndicatorConfig, indicator: str) -> str:
    from analysis.indicators.engine import indicator_meta

    try:
        return indicator_meta(indicator, config)["naam"]
    except KeyError:  # removed since: only its id is left
        return indicator


def _names(config: IndicatorConfig, ids: list[str]) -> str:
    return text.join_and([_name(config, i) for i in ids])


def _date(value: object) -> str:
    """An ISO date as Dutch words ('1 december 2026'); as it is when it is not one."""
    from datetime import date

    from analysis.content.cover import dutch_date

    try:
        return dutch_date(date.fromisoformat(str(value)))
    except ValueError:
        return "onbekende datum" if value is None else str(value)


def summary_sentences(summary: dict, config: IndicatorConfig) -> list[str]:
    """The edition's changes in plain Dutch sentences (shared by report and index)."""
    from analysis.indicators.rules import WOMEN_SHARE_SUFFIX

    out = [f"Vergeleken met de editie van {_date(summary.get('previous_date'))}."]
    years = summary.get("new_school_years") or {}
    if years:
        every = sorted({y for ys in years.values() for y in ys})
        bases = sorted({i.removesuffix(WOMEN_SHARE_SUFFIX) for i in years})
        out.append(f"Nieuwe schooljaren: {text.join_and(every)} (bij {_names(config, bases)}).")
    else:
        out.append("Er zijn geen nieuwe schooljaren bijgekomen.")
    revised = summary.get("revised_figures", 0)
    if revised:
        out.append(
            f"{text.num(revised)} eerder gepubliceerde cijfers zijn herzien, bij "
            f"{_names(config, summary.get('revised_indicators') or [])}."
        )
    else:
        out.append("Geen eerder gepubliceerd cijfer is herzien.")
    for key, verb in (("added", "toegevoegd"), ("removed", "vervallen")):
        if summary.get(key):
            out.append(f"Indicator(en) {verb}: {_names(config, summary[key])}.")
    if summary.get("redefined"):
        out.append(
            f"De definitie is gewijzigd van {_names(config, summary['redefined'])}: hun cijfers "
            "zijn niet met de vorige editie vergeleken, want ze meten iets anders."
        )
    return out


def changes_section(ctx: ReportContext, edition_dir: str | Path = "") -> list[Block]:
    """The section for ``ctx.region``; empty without a comparison with a previous edition."""
    if not edition_dir:
        return []
    found = read_changes(edition_dir)
    if found is None:
        return []
    summary, figures = found
    blocks: list[Block] = [
        Markdown(f"## {HEADING}\n\n" + " ".join(summary_sentences(summary, ctx.config)))
    ]
    mine = figures[figures["region_code"] == ctx.region.code]
    if mine.empty:
        blocks.append(Html("<p>Voor deze regio is geen eerder gepubliceerd cijfer veranderd.</p>"))
        return blocks
    mine = mine.sort_values(["indicator", "year", "gender"])
    rows = [
        [
            _name(ctx.config, str(r.indicator)),
            text.schooljaar(r.year),
            GENDER.get(str(r.gender), str(r.gender)),
            # two decimals: a revision is often smaller than the report's one decimal
            text.Cell(text.pct(r.share_old, 2), "num"),
            text.Cell(text.pct(r.share_new, 2), "num"),
            str(r.reason),
        ]
        for r in mine.head(MAX_ROWS).itertuples()
    ]
    caption = f"Herziene cijfers voor {ctx.region.name}"
    if len(mine) > MAX_ROWS:
        caption += f" (de eerste {MAX_ROWS} van {len(mine)}; alle in de download)"
    blocks.append(
        Html(
            text.table_html(
                ["Indicator", "Schooljaar", "Geslacht", "Vorige editie", "Deze editie", "Reden"],
                rows,
                caption=caption,
            )
        )
    )
    return blocks


def index_paragraph(reports_dir: Path) -> str:
    """One paragraph for the index page: the edition's changes; empty without a comparison."""
    found = read_changes(Path(reports_dir) / paths.EDITION_DIR)
    if found is None:
        return ""
    from analysis.indicators.engine import load_indicator_config

    sentences = " ".join(summary_sentences(found[0], load_indicator_config()))
    return f"<h2>{html.escape(HEADING)}</h2>\n<p>{html.escape(sentences)}</p>"


def read_changes(folder: str | Path) -> tuple[dict, pd.DataFrame] | None:
    """The changes ``publish.editions.write_changes`` wrote in ``folder``, if any."""
    import json

    import pandas as pd

    folder = Path(folder)
    if not (folder / paths.EDITION_SUMMARY_FILE).is_file():
        return None
    summary = json.loads((folder / paths.EDITION_SUMMARY_FILE).read_text(encoding="utf-8"))
    return summary, pd.read_parquet(folder / paths.EDITION_CHANGES_FILE)
