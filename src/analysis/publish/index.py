"""reports/index.html: every region with its headline figures and links to its reports.

Self-contained like the reports: inline CSS, a few lines of inline JS to sort the table,
no external resources. Rewritten only when the data, the code or the set of reports changed.
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import paths
from analysis.atomic import write_text
from analysis.present.missing import missing_sources_note
from analysis.publish.plan import TEMPLATES_DIR, slugify

if TYPE_CHECKING:  # pandas is imported only when the index is actually rewritten
    import pandas as pd

INDEX_FILE = "index.html"
# Publication (issue 13): the figures beside each report, linked like the reports.
DOWNLOAD_LINKS = ((".xlsx", "Excel"), (".csv", "CSV"))
KEY_FILE = ".index.key"
HEADLINE_INDICATORS = ("hbo_techniek_instroom", "mbo_techniek", "vo_havo_n")
LEVEL_ORDER = ("nederland", "landsdeel", "landsdeel_cbs", "provincie", "corop")
_SORT_JS = """
document.querySelectorAll("table.sortable th").forEach(function (th, col) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0], asc = th.dataset.dir !== "asc";
    th.closest("tr").querySelectorAll("th").forEach(function (h) { delete h.dataset.dir; });
    th.dataset.dir = asc ? "asc" : "desc";
    Array.from(body.rows).sort(function (a, b) {
      var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
      var nx = parseFloat(x), ny = parseFloat(y), d;
      if (x === "" || y === "") { d = (x === "") - (y === ""); return d; }
      d = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y, "nl") : nx - ny;
      return asc ? d : -d;
    }).forEach(function (row) { body.appendChild(row); });
  });
});
"""


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
    definitions = _definitions()
    page = index_html(regions, indicators, definitions, manifest, reports_dir)
    target = reports_dir / INDEX_FILE
    write_text(target, page)
    write_text(reports_dir / KEY_FILE, key + "\n")
    return target


def _definitions() -> dict[str, dict]:
    """Indicator names and sources (Dutch) from config/indicators.yaml; empty when absent."""
    import yaml

    try:
        raw = yaml.safe_load(paths.INDICATORS_CONFIG.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    return raw.get("indicators") or {}


def latest_shares(indicators: pd.DataFrame) -> pd.DataFrame:
    """Per region and indicator: the latest year with a share (gender totaal)."""
    rows = indicators[(indicators["gender"] == "totaal") & indicators["share"].notna()].sort_values(
        "year"
    )
    return rows.groupby(["region_level", "region", "indicator"], as_index=False).last()


def data_vintage(indicators: pd.DataFrame, definitions: dict[str, dict]) -> dict[str, str]:
    """Latest school year with data, per source (the indicators' `bron`)."""
    rows = indicators[indicators["share"].notna()]
    vintage: dict[str, tuple[int, str]] = {}
    for indicator, group in rows.groupby("indicator"):
        source = definitions.get(str(indicator), {}).get("bron") or str(indicator)
        latest = group.loc[group["year"].idxmax()]
        current = vintage.get(source)
        if current is None or int(latest["year"]) > current[0]:
            vintage[source] = (int(latest["year"]), str(latest["schooljaar"]))
    return {source: sj for source, (_, sj) in sorted(vintage.items())}


def percent(value: float) -> str:
    """Dutch percentage with one decimal: 0.1234 -> '12,3%'."""
    return f"{value * 100:.1f}%".replace(".", ",")


def index_html(
    regions: pd.DataFrame,
    indicators: pd.DataFrame,
    definitions: dict[str, dict],
    manifest: dict,
    reports_dir: Path,
) -> str:
    """The index page."""
    import pandas as pd

    from analysis.present.text import level_label

    latest = latest_shares(indicators).set_index(["region_level", "region", "indicator"])
    order = {level: i for i, level in enumerate(LEVEL_ORDER)}
    regions = regions.assign(
        _order=regions["region_level"].map(lambda v: order.get(v, len(order)))
    ).sort_values(["_order", "region_level", "region"])
    heads = "".join(
        f"<th>{html.escape(definitions.get(i, {}).get('naam', i))}</th>"
        for i in HEADLINE_INDICATORS
    )
    body = []
    for region in regions.itertuples():
        level, name = str(region.region_level), str(region.region)
        order_key = f"{order.get(level, len(order))}{level}"
        cells = [
            f'<td data-sort="{html.escape(order_key)}">{html.escape(level_label(level))}</td>',
            f'<td data-sort="{html.escape(name)}">{html.escape(name)}</td>',
        ]
        for indicator in HEADLINE_INDICATORS:
            key = (level, name, indicator)
            if key not in latest.index:
                cells.append('<td class="num" data-sort="">–</td>')
                continue
            row = latest.loc[key]
            bounds = ""
            if pd.notna(row["share_low"]) and row["share_low"] != row["share_high"]:
                bounds = (
                    f' title="tussen {percent(row["share_low"])} en {percent(row["share_high"])}"'
                )
            cells.append(
                f'<td class="num" data-sort="{row["share"]:.6f}"{bounds}>{percent(row["share"])}'
                f" <small>({html.escape(str(row['schooljaar']))})</small></td>"
            )
        cells.append(f'<td class="links" data-sort="">{_links(reports_dir, level, name)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
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
    css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Techniekpact-monitor: rapporten per regio</title>
<style>
{css}
main {{ max-width: 70rem; }}
table.sortable th {{ cursor: pointer; }}
td.links {{ white-space: nowrap; }}
table.sortable th[data-dir="asc"]::after {{ content: " ▲"; }}
table.sortable th[data-dir="desc"]::after {{ content: " ▼"; }}
</style>
</head>
<body class="tp-index">
{banner}
<main>
<h1>Techniekpact-monitor: rapporten per regio</h1>
<p>Aandeel bèta/techniek in het laatste schooljaar met gegevens (totaal, mannen en vrouwen).
Leerlingen en studenten tellen mee bij de vestiging van hun school, niet bij hun woonadres.
Klik op een kolomkop om te sorteren.</p>
<table class="tp-table sortable">
<thead><tr><th>Niveau</th><th>Regio</th>{heads}<th>Rapport</th></tr></thead>
<tbody>
{"".join(body)}
</tbody>
</table>
{_edition_block(reports_dir)}
<h2>Actualiteit van de gegevens</h2>
<ul>{vintage}</ul>
<p>Verwerkt op {html.escape(str(manifest.get("created", "onbekend")))}
(codeversie {html.escape(str(manifest.get("code_version", "onbekend")))}).</p>
</main>
<script>{_SORT_JS}</script>
</body>
</html>
"""


def _edition_block(reports_dir: Path) -> str:
    """Publication (issue 13): one paragraph on what changed since the previous edition."""
    from analysis.content.publication import index_paragraph

    return index_paragraph(reports_dir)


def _links(reports_dir: Path, level: str, name: str) -> str:
    """Links to a region's HTML and PDF report, where they exist."""
    links = []
    for suffix, label in ((".html", "HTML"), (".pdf", "PDF"), *DOWNLOAD_LINKS):
        relative = f"{slugify(level)}/{slugify(name)}{suffix}"
        if (reports_dir / relative).is_file():
            links.append(f'<a href="{html.escape(relative)}">{label}</a>')
    return " · ".join(links) or "nog niet gemaakt"
