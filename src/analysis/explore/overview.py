"""What the exploration notebooks call: the processed folder, what it holds, and tables.

The notebooks in ``notebooks/exploration`` hold Dutch narrative and parameters only; every
number they show is computed here or in ``analysis.explore.compare`` from ``data/processed``
(through ``analysis.data``'s loader), so nothing is worked out in a notebook cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.content.cover import DEMO_BANNER
from analysis.data import ProcessedData, ReportParameterError, load_processed
from analysis.present import text
from analysis.present.blocks import Html, Markdown

UNPLACED = "(niet toegewezen)"
MAX_WARNINGS = 15  # warnings listed in full; the rest are counted
# Store columns that name a region, per region level of the region table.
REGION_COLUMNS = {"landsdeel": "landsdeel", "provincie": "province", "corop": "corop"}


def open_processed(processed_dir: str | Path | None = None) -> ProcessedData:
    """The processed folder's tables (default: ``analysis.paths.PROCESSED_DIR``)."""
    return load_processed(processed_dir or paths.PROCESSED_DIR)


def read_store(data: ProcessedData, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The tidy count store beside the indicator tables (only ``columns``, if given)."""
    return pd.read_parquet(data.path / paths.STORE_FILE, columns=list(columns or []) or None)


def demo_notice(data: ProcessedData) -> list[Markdown]:
    """A warning block when the folder was built from synthetic demo data (else nothing)."""
    return [Markdown(f"**{DEMO_BANNER}**")] if data.manifest.get("demo") else []


def manifest_summary(data: ProcessedData) -> Markdown:
    """When, from what and by which code version the processed folder was built."""
    m = data.manifest
    kind = "synthetische demogegevens" if m.get("demo") else "echte DUO- en CBS-bestanden"
    warnings = m.get("warnings", [])
    lines = [
        f"- Map: `{data.path}`",
        f"- Gemaakt: {m.get('created', text.MISSING)} uit {kind} in `{m.get('raw_dir', '?')}`",
        f"- Codeversie: `{m.get('code_version', 'unknown')}`",
        f"- Invoerbestanden: {text.num(len(m.get('inputs', [])))}; "
        f"waarschuwingen bij het inlezen: {text.num(len(warnings))}",
    ]
    lines += [f"  - {w}" for w in warnings[:MAX_WARNINGS]]
    if len(warnings) > MAX_WARNINGS:
        lines.append(f"  - … en nog {text.num(len(warnings) - MAX_WARNINGS)} (zie manifest.json)")
    return Markdown("\n".join(lines))


SOURCES_HEADER = {
    "bestand": "Bestand",
    "rol": "Rol",
    "dataset": "Dataset",
    "cellen": "Cellen",
    "afgeschermd": "Afgeschermd (<5)",
    "som_bekende_aantallen": "Som bekende aantallen",
    "aandeel_provincie": "Toegewezen aan provincie",
}


def sources_table(manifest: dict) -> pd.DataFrame:
    """One row per input file of the manifest: what it is, its cells and suppressed cells."""
    rows = [
        {
            "bestand": entry["path"],
            "rol": entry.get("role", ""),
            "dataset": entry.get("dataset", ""),
            "cellen": entry.get("cells", 0),
            "afgeschermd": entry.get("suppressed_cells", 0),
            "som_bekende_aantallen": entry.get("counts_total", 0),
            "aandeel_provincie": entry.get("share_attributed_province"),
        }
        for entry in manifest.get("inputs", [])
    ]
    frame = pd.DataFrame(rows, columns=list(SOURCES_HEADER))
    return frame.astype({"aandeel_provincie": "Float64"})


def coverage_table(store: pd.DataFrame) -> pd.DataFrame:
    """Per dataset, school level and measure: school years, cells, suppressed cells, regions.

    The first and last school year are labels ('2019/20'), so no table prints a year as a
    number with a thousands separator.
    """
    known = store["count"].where(~store["suppressed"].astype(bool), pd.NA)
    frame = store.assign(known=known)
    grouped = frame.groupby(["dataset", "level", "measure"], observed=True, dropna=False)
    out = grouped.agg(
        eerste_jaar=("year", "min"),
        laatste_jaar=("year", "max"),
        jaren=("year", "nunique"),
        cellen=("year", "size"),
        afgeschermd=("suppressed", "sum"),
        som_bekende_aantallen=("known", "sum"),
        provincies=("province", "nunique"),
        corop=("corop", "nunique"),
    )
    out = out.reset_index().astype({"afgeschermd": "int64", "som_bekende_aantallen": "int64"})
    for column in ("eerste_jaar", "laatste_jaar"):
        out[column] = out[column].map(text.schooljaar).astype("string")
    return out


COVERAGE_HEADER = {
    "eerste_jaar": "Eerste schooljaar",
    "laatste_jaar": "Laatste schooljaar",
    "jaren": "Jaren",
    "cellen": "Cellen",
    "afgeschermd": "Afgeschermd (<5)",
    "som_bekende_aantallen": "Som bekende aantallen",
    "provincies": "Provincies",
    "corop": "COROP-gebieden",
}


def suppression_table(store: pd.DataFrame, region_level: str = "provincie") -> pd.DataFrame:
    """Suppressed cells per region (rows) and school level (columns), with the share.

    Columns ``<level>`` hold the number of suppressed cells, ``<level> %`` their share of
    that level's cells in the region. Rows not attributed at this level are listed as
    ``UNPLACED``, so every cell of the store is counted somewhere.
    """
    column = _region_column(region_level)
    region = store[column].astype("string").fillna(UNPLACED)
    frame = pd.DataFrame(
        {
            "regio": region,
            "level": store["level"],
            "suppressed": store["suppressed"].astype(bool),
        }
    )
    counts = frame.groupby(["regio", "level"], observed=True)["suppressed"].agg(["sum", "size"])
    suppressed = counts["sum"].unstack("level", fill_value=0).astype("int64")
    share = (counts["sum"] / counts["size"]).unstack("level").astype("Float64")
    out = pd.concat([suppressed, share.add_suffix(" %")], axis=1)
    levels = [
        level for level in ("vo", "vmbo", "havo", "vwo", "mbo", "hbo", "wo") if level in suppressed
    ]
    ordered = [c for level in levels for c in (level, f"{level} %")]
    return out[ordered].sort_index(key=lambda idx: idx == UNPLACED, kind="stable").reset_index()


def unplaced_table(store: pd.DataFrame) -> pd.DataFrame:
    """Rows that could not be given a region, per file and reason (cells, known count)."""
    rows = store[store["attribution"] == "unplaced"]
    known = rows["count"].where(~rows["suppressed"].astype(bool), pd.NA)
    grouped = rows.assign(known=known).groupby(
        ["source_file", "unplaced_reason"], observed=True, dropna=False
    )
    out = grouped.agg(
        cellen=("year", "size"), afgeschermd=("suppressed", "sum"), aantal=("known", "sum")
    )
    return out.reset_index().astype({"afgeschermd": "int64", "aantal": "int64"})


def unplaced_block(store: pd.DataFrame) -> Html | Markdown:
    """The unplaced rows as a table, or the sentence that there are none."""
    frame = unplaced_table(store)
    if frame.empty:
        return Markdown("Alle tellingen in de store zijn aan een regio toegewezen.")
    caption = "Niet aan een regio toegewezen tellingen, per bestand en reden"
    return frame_html(frame, caption)


def _region_column(region_level: str) -> str:
    if region_level not in REGION_COLUMNS:
        raise ReportParameterError(
            f"region_level {region_level!r} has no region column in the store "
            f"(expected one of: {', '.join(REGION_COLUMNS)})"
        )
    return REGION_COLUMNS[region_level]


def frame_html(
    frame: pd.DataFrame,
    caption: str,
    *,
    header: dict[str, str] | None = None,
    percent: Iterable[str] | bool = (),
) -> Html:
    """A table in the house style: Dutch numbers, shares as percentages, <NA> as 'n.b.'.

    Shares are columns named ``aandeel...`` or ``... %``, those in ``percent``, or (with
    ``percent=True``) every numeric column.
    """
    header = header or {}
    numeric = {
        c
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    }
    if percent is True:
        percent = numeric
    percent = set(percent or ()) | {
        c for c in numeric if str(c).startswith("aandeel") or str(c).endswith("%")
    }
    rows = []
    for record in frame.itertuples(index=False):
        cells: list[str | text.Cell] = []
        for column, value in zip(frame.columns, record, strict=True):
            if column in percent:
                cells.append(text.Cell(text.pct(value), "num"))
            elif column in numeric:
                cells.append(text.Cell(text.num(value), "num"))
            else:
                cells.append(text.MISSING if text.is_missing(value) else str(value))
        rows.append(cells)
    names = [header.get(str(c), str(c)) for c in frame.columns]
    return Html(text.table_html(names, rows, caption=caption))
