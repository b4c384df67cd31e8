"""reports/index.html: every region with its headline figures and links to its reports.

Self-contained like the reports: inline CSS, a few lines of inline JS (sorting by buttons in
the column heads, with ``aria-sort``; a filter by level), no external resources. Figures are
formatted by ``analysis.present.text.pct``, as in the reports, and indicators and levels are
named in Dutch. Rewritten only when the data, the code or the set of reports changed.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import paths, publication_config
from analysis.atomic import write_text
from analysis.configfile import read_config_yaml
from analysis.present.missing import missing_sources_note
from analysis.publish.plan import TEMPLATES_DIR, slugify

if TYPE_CHECKING:  # pandas is imported only when the index is actually rewritten
    import pandas as pd

INDEX_FILE = "index.html"
# Publication (issue 13): the figures beside each report, linked like the reports.
DOWNLOAD_LINKS = ((".xlsx", "Excel"), (".csv", "CSV"))
KEY_FILE = ".index.key"
LEVEL_ORDER = ("nederland", "landsdeel", "landsdeel_cbs", "provincie", "corop")
NOT_BUILT = "nog niet gemaakt"  # a region whose level has reports, but not this one
UNKNOWN_SOURCE = "Bron onbekend (indicator niet in de configuratie)"
# Sorting by a column's button (a button: reachable with Tab, pressed with Enter or Space),
# its state in aria-sort; the level filter shows only that level's rows and says how many.
_SCRIPT = """
var table = document.querySelector("table.sortable"), body = table.tBodies[0];
var heads = Array.from(table.tHead.rows[0].cells);
heads.forEach(function (th, col) {
  var button = th.querySelector("button");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    heads.forEach(function (h) {
      if (h.querySelector("button")) { h.setAttribute("aria-sort", "none"); }
    });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    Array.from(body.rows).sort(function (a, b) {
      var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
      if (x === "" || y === "") { return (x === "") - (y === ""); }
      var nx = parseFloat(x), ny = parseFloat(y);
      var d = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y, "nl") : nx - ny;
      return asc ? d : -d;
    }).forEach(function (row) { body.appendChild(row); });
  });
});
var filter = document.getElementById("tp-level"), count = document.getElementById("tp-count");
function applyFilter() {
  var shown = 0;
  Array.from(body.rows).forEach(function (row) {
    row.hidden = filter.value !== "" && row.dataset.level !== filter.value;
    if (!row.hidden) { shown += 1; }
  });
  count.textContent = shown + " van " + body.rows.length + " regio's";
}
filter.addEventListener("change", applyFilter);
document.getElementById("tp-filter").hidden = false;
applyFilter();
"""
GENDERS = (("man", "mannen"), ("vrouw", "vrouwen"))


def index_key(reports_dir: Path, inputs: dict[str, str]) -> str:
    """Key of the index: the data and code fingerprints plus the report files present."""
    present = sorted(
        str(p.relative_to(reports_dir))
        for p in reports_dir.glob("*/*")
        if p.suffix in (".html", ".pdf", *(s for s, _ in DOWNLOAD_LINKS))
    )
    payload = json.dumps({"inputs": inputs, "reports": present}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def is_current(reports_dir: Path, key: str) -> bool:
    """True when index.html exists and was written for ``key``."""
    key_file = reports_dir / KEY_FILE
    return (
        (reports_dir / INDEX_FILE).is_file()
        and key_file.is_file()
        and key_file.read_text(encoding="utf-8").strip() == key
    )


def write_index(reports_dir: Path, processed_dir: Path, manifest: dict, key: str) -> Path:
    """Write index.html (atomically), then its key."""
    import pandas as pd

    regions = pd.read_parquet(processed_dir / paths.REGIONS_FILE)
    indicators = pd.read_parquet(processed_dir / paths.INDICATORS_FILE)
    derived = pd.read_parquet(
        processed_dir / paths.DERIVED_FILE,
        columns=["indicator", "region_level", "region", "year", "gender", "no_programme"],
    )
    definitions = _definitions()
    page = index_html(
        regions,
        indicators,
        definitions,
        manifest,
        reports_dir,
        columns=publication_config.index_columns(definitions),
        without_programme=shares_without_programme(derived),
    )
    target = reports_dir / INDEX_FILE
    write_text(target, page)
    write_text(reports_dir / KEY_FILE, key + "\n")
    return target


def _definitions() -> dict[str, dict]:
    """Indicator names and sources (Dutch) from config/indicators.yaml; empty when absent."""
    if not paths.INDICATORS_CONFIG.is_file():
        return {}
    return (read_config_yaml(paths.INDICATORS_CONFIG) or {}).get("indicators") or {}


def latest_shares(indicators: pd.DataFrame) -> pd.DataFrame:
    """Per region and indicator: the latest year with a share (gender totaal)."""
    rows = indicators[(indicators["gender"] == "totaal") & indicators["share"].notna()].sort_values(
        "year"
    )
    return rows.groupby(["region_level", "region", "indicator"], as_index=False).last()


def shares_without_programme(derived: pd.DataFrame) -> frozenset[tuple[str, str, str, int]]:
    """(region level, region, indicator, year) whose share is 0 because the region has no
    such programme (``no_programme``, gender totaal): the reports print "geen opleiding"."""
    rows = derived[(derived["gender"] == "totaal") & derived["no_programme"].fillna(False)]
    return frozenset(
        (str(level), str(region), str(indicator), int(year))
        for level, region, indicator, year in rows[
            ["region_level", "region", "indicator", "year"]
        ].itertuples(index=False)
    )


def gender_shares(indicators: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """The men's and women's shares in the year of each latest total (indexed like it)."""
    keys = ["region_level", "region", "indicator", "year"]
    split = indicators[indicators["gender"].isin([g for g, _ in GENDERS])]
    return split.merge(latest[keys], on=keys).set_index([*keys[:3], "gender"])


def data_vintage(indicators: pd.DataFrame, definitions: dict[str, dict]) -> dict[str, str]:
    """Latest school year with data, per source (the `bron` of the indicator, or of the
    indicator a women's share is computed from)."""
    from analysis.indicators.rules import WOMEN_SHARE_SUFFIX

    rows = indicators[indicators["share"].notna()]
    vintage: dict[str, tuple[int, str]] = {}
    for indicator, group in rows.groupby("indicator"):
        base = str(indicator).removesuffix(WOMEN_SHARE_SUFFIX)
        source = definitions.get(base, {}).get("bron") or UNKNOWN_SOURCE
        latest = group.loc[group["year"].idxmax()]
        current = vintage.get(source)
        if current is None or int(latest["year"]) > current[0]:
            vintage[source] = (int(latest["year"]), str(latest["schooljaar"]))
    return {source: sj for source, (_, sj) in sorted(vintage.items())}


def percent(value: float) -> str:
    """Dutch percentage with one decimal, exactly as the reports print it (``text.pct``)."""
    from analysis.present.text import pct

    return pct(value)


def index_html(
    regions: pd.DataFrame,
    indicators: pd.DataFrame,
    definitions: dict[str, dict],
    manifest: dict,
    reports_dir: Path,
    *,
    columns: Sequence[str],
    without_programme: frozenset[tuple[str, str, str, int]] = frozenset(),
) -> str:
    """The index page: a column per indicator of ``columns`` (config/publication.yaml's
    ``index.columns`` when the batch writes it); ``without_programme``: see
    ``shares_without_programme``."""
    from analysis.present.text import join_and, level_label, level_plural

    latest_rows = latest_shares(indicators)
    genders = gender_shares(indicators, latest_rows)
    latest = latest_rows.set_index(["region_level", "region", "indicator"])
    order = {level: i for i, level in enumerate(LEVEL_ORDER)}
    regions = regions.assign(
        _order=regions["region_level"].map(lambda v: order.get(v, len(order)))
    ).sort_values(["_order", "region_level", "region"])
    # Only configured indicators have a Dutch name to head a column with.
    headline = [i for i in columns if definitions.get(i, {}).get("naam")]
    heads = "".join(_sort_head(definitions[i]["naam"], "none", numeric=True) for i in headline)
    first_heads = _sort_head("Niveau", "ascending") + _sort_head("Regio", "none")
    links = {
        (str(r.region_level), str(r.region)): _links(
            reports_dir, str(r.region_level), str(r.region)
        )
        for r in regions.itertuples()
    }
    levels = list(dict.fromkeys(str(v) for v in regions["region_level"]))
    # A level without any report in this folder (the gemeenten, unless built): its rows keep
    # their figures, and one sentence says so instead of a "nog niet gemaakt" on every row.
    built = {level for (level, _), found in links.items() if found}
    unbuilt = [level for level in levels if level not in built]
    body = []
    for region in regions.itertuples():
        level, name = str(region.region_level), str(region.region)
        order_key = f"{order.get(level, len(order))}{level}"
        cells = [
            f'<td data-sort="{html.escape(order_key)}">{html.escape(level_label(level))}</td>',
            f'<th scope="row" data-sort="{html.escape(name)}">{html.escape(name)}</th>',
        ]
        cells += [
            _share_cell(latest, genders, (level, name, i), without_programme) for i in headline
        ]
        found = links[(level, name)]
        shown = found or ("–" if level in unbuilt else NOT_BUILT)
        cells.append(f'<td class="links" data-sort="">{shown}</td>')
        body.append(f'<tr data-level="{html.escape(level)}">' + "".join(cells) + "</tr>")
    options = "".join(
        f'<option value="{html.escape(v)}">{html.escape(level_label(v))}</option>' for v in levels
    )
    vintage = "".join(
        f"<li>{html.escape(source)}: {html.escape(sj)}</li>"
        for source, sj in data_vintage(indicators, definitions).items()
    )
    demo = manifest.get("demo")
    banner = (
        '<div class="demo-banner" role="note">DEMO — synthetische gegevens: deze cijfers zijn '
        "niet echt.</div>"
        if demo
        else ""
    )
    missing = missing_sources_note(manifest)
    if missing:
        banner += f'<div class="missing-sources" role="note">{html.escape(missing)}</div>'
    unbuilt_note = (
        f"<p>Voor de {html.escape(join_and([level_plural(v) for v in unbuilt]))} zijn in deze "
        "editie geen rapporten gemaakt; de tabel toont wel hun cijfers.</p>"
        if unbuilt
        else ""
    )
    style = """main { max-width: 75rem; }
td.links { white-space: nowrap; }
th[aria-sort] button { font: inherit; font-weight: bold; color: inherit; background: none;
  border: 0; padding: 0; cursor: pointer; text-align: inherit; }
th[aria-sort] button:focus-visible { outline: 2px solid #0072B2; outline-offset: 2px; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
td.num small.split { display: block; white-space: nowrap; }
.tp-filter { margin: 0.5rem 0 1rem; }"""
    body_html = f"""{banner}
<main>
<h1>Techniekpact-monitor: rapporten per regio</h1>
<p>Aandeel bèta/techniek in het laatste schooljaar met gegevens: het totaal, en daaronder dat
van mannen en van vrouwen in hetzelfde schooljaar.
Leerlingen en studenten tellen mee bij de vestiging van hun school, niet bij hun woonadres.
Sorteer met de knoppen in de kolomkoppen (ook met Tab en Enter).</p>
{unbuilt_note}
<div class="tp-filter" id="tp-filter" hidden>
<label for="tp-level">Niveau</label>
<select id="tp-level"><option value="">alle niveaus</option>{options}</select>
<span id="tp-count" aria-live="polite"></span>
</div>
<table class="tp-table sortable">
<thead><tr>{first_heads}{heads}<th scope="col">Rapport</th></tr></thead>
<tbody>
{"".join(body)}
</tbody>
</table>
{_edition_block(reports_dir)}
<h2>Actualiteit van de gegevens</h2>
<ul>{vintage}</ul>
<p>Hoe de cijfers zijn geteld: de <a href="{paths.METHODOLOGY_PAGE}">methodologie</a>
(Engelstalig).</p>
<p>Verwerkt op {html.escape(str(manifest.get("created", "onbekend")))}
(codeversie {html.escape(str(manifest.get("code_version", "onbekend")))}).</p>
</main>
<script>{_SCRIPT}</script>"""
    return page("Techniekpact-monitor: rapporten per regio", "nl", style, "tp-index", body_html)


def page(title: str, lang: str, style: str, body_class: str, body: str) -> str:
    """A self-contained page of the reports folder (the index, the methodology): the
    reports' house style inline plus ``style``, nothing it would have to fetch."""
    css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)}</title>
<style>
{css}
{style}
</style>
</head>
<body class="{body_class}">
{body}
</body>
</html>
"""


def _edition_block(reports_dir: Path) -> str:
    """Publication (issue 13): one paragraph on what changed since the previous edition."""
    from analysis.content.publication import index_paragraph

    return index_paragraph(reports_dir)


def _sort_head(label: str, state: str, numeric: bool = False) -> str:
    """A column head whose button sorts the table; ``state`` is its initial aria-sort."""
    css = ' class="num"' if numeric else ""
    return (
        f'<th scope="col" aria-sort="{state}"{css}><button type="button">'
        f"{html.escape(label)}</button></th>"
    )


def _share_cell(
    latest: pd.DataFrame,
    genders: pd.DataFrame,
    key: tuple[str, str, str],
    without_programme: frozenset[tuple[str, str, str, int]],
) -> str:
    """Latest total share (school year; bounds as a tooltip), then men's and women's; "geen
    opleiding" where the region has no such programme, as in the reports."""
    import pandas as pd

    from analysis.present.text import NO_PROGRAMME

    if key not in latest.index:
        return '<td class="num" data-sort="">–</td>'
    row = latest.loc[key]
    if (*key, int(row["year"])) in without_programme:
        return (
            f'<td class="num" data-sort="">{NO_PROGRAMME}'
            f" <small>({html.escape(str(row['schooljaar']))})</small></td>"
        )
    bounds = ""
    if pd.notna(row["share_low"]) and row["share_low"] != row["share_high"]:
        bounds = f' title="tussen {percent(row["share_low"])} en {percent(row["share_high"])}"'
    split = []
    for gender, label in GENDERS:
        if (*key, gender) in genders.index:
            split.append(f"{label} {percent(genders.loc[(*key, gender), 'share'])}")
    split_html = f'<small class="split">{" · ".join(split)}</small>' if split else ""
    return (
        f'<td class="num" data-sort="{row["share"]:.6f}"{bounds}>{percent(row["share"])}'
        f" <small>({html.escape(str(row['schooljaar']))})</small>{split_html}</td>"
    )


def _links(reports_dir: Path, level: str, name: str) -> str:
    """Links to a region's reports and downloads, where they exist (empty: none)."""
    links = []
    for suffix, label in ((".html", "HTML"), (".pdf", "PDF"), *DOWNLOAD_LINKS):
        relative = f"{slugify(level)}/{slugify(name)}{suffix}"
        if (reports_dir / relative).is_file():
            links.append(f'<a href="{html.escape(relative)}">{label}</a>')
    return " · ".join(links)
