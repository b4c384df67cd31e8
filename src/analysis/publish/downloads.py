"""A report's figures to download: ``<slug>.csv`` and ``<slug>.xlsx`` beside ``<slug>.html``.

Every table and chart of a report is drawn from the indicator rows of the region, its
landsdeel, Nederland and the regions it is compared with; the download holds exactly those
rows, straight from indicators.parquet (no rounding), with the Dutch name, the section and
the source files. The CSV is for Dutch Excel: ``;``-separated, decimal comma, UTF-8 with BOM.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import paths
from analysis.atomic import atomic_path, write_bytes

if TYPE_CHECKING:
    import pandas as pd

    from analysis.data import ReportContext

# Section (sheet) of an indicator, by its school level: the report's section headings.
SECTIONS = {
    "havo": "Voortgezet onderwijs",
    "vwo": "Voortgezet onderwijs",
    "vmbo": "Voortgezet onderwijs",
    "mbo": "Mbo",
    "hbo": "Hbo",
    "wo": "Wo",
    "hbo+wo": "Hbo en wo",  # an indicator over both levels (level: [hbo, wo])
}
WOMEN_SECTION = "Vrouwen in bèta en techniek"
# Column -> Dutch header, in the order of the download.
HEADERS = {
    "section": "Onderdeel",
    "indicator": "Indicator (id)",
    "naam": "Indicator",
    "role": "Rol in rapport",
    "region_level": "Regioniveau",
    "region": "Regio",
    "region_code": "Regiocode",
    "schooljaar": "Schooljaar",
    "year": "Jaar",
    "gender": "Geslacht",
    "numerator": "Teller",
    "denominator": "Noemer",
    "share": "Aandeel",
    "share_low": "Ondergrens",
    "share_high": "Bovengrens",
    "suppressed_cells": "Afgeschermde cellen",
    "source_files": "Bronbestanden",
}
PERCENT_COLUMNS = ("share", "share_low", "share_high")
ROLE_REGION, ROLE_LANDSDEEL, ROLE_NATIONAL, ROLE_PEER = (
    "regio",
    "landsdeel",
    "Nederland",
    "vergelijkingsregio",
)


def download_frame(ctx: ReportContext) -> pd.DataFrame:
    """The rows behind the report of ``ctx.region``: one per indicator, region, year, gender."""
    import pandas as pd

    from analysis.content import sections
    from analysis.indicators.engine import indicator_meta

    r = ctx.region
    roles = {r.code: ROLE_REGION}
    if r.landsdeel is not None and (code := sections._landsdeel_code(ctx)):
        roles.setdefault(code, ROLE_LANDSDEEL)
    if not r.national:
        roles.setdefault("NL", ROLE_NATIONAL)
    for code, _name in sections.peer_codes(ctx):
        roles.setdefault(str(code), ROLE_PEER)
    table = ctx.data.indicators
    rows = table[table["region_code"].isin(list(roles))].copy()
    known = {i: indicator_meta(i, ctx.config) for i in rows["indicator"].unique() if _known(i, ctx)}
    rows = rows[rows["indicator"].isin(list(known))]
    sources = source_index(ctx.data.path)
    meta = pd.DataFrame.from_dict(known, orient="index")
    rows["naam"] = rows["indicator"].map(meta["naam"])
    rows["section"] = [
        WOMEN_SECTION if m["id"] != m["base"] else SECTIONS.get(m["level"], m["level"])
        for m in (known[i] for i in rows["indicator"])
    ]
    rows["role"] = rows["region_code"].map(roles)
    rows["source_files"] = [
        sources.get((known[i]["dataset"], known[i]["level"], int(y)))
        or sources.get((known[i]["dataset"], "", 0), "")
        if pd.notna(y)
        else ""
        for i, y in zip(rows["indicator"], rows["year"], strict=True)
    ]
    order = {role: n for n, role in enumerate((ROLE_REGION, ROLE_LANDSDEEL, ROLE_NATIONAL))}
    rows["_role"] = rows["role"].map(lambda v: order.get(v, len(order)))
    order = [*dict.fromkeys(SECTIONS.values()), WOMEN_SECTION]
    rows["_section"] = rows["section"].map(lambda v: order.index(v) if v in order else len(order))
    rows = rows.sort_values(
        ["_section", "indicator", "_role", "region", "year", "gender"], kind="stable"
    )
    return rows[list(HEADERS)].reset_index(drop=True)


def _known(indicator: str, ctx: ReportContext) -> bool:
    from analysis.indicators.rules import WOMEN_SHARE_SUFFIX

    return indicator.removesuffix(WOMEN_SHARE_SUFFIX) in ctx.config.indicators


def source_index(processed_dir: Path) -> dict[tuple[str, str, int], str]:
    """(dataset, level, year) -> the store's source files of those rows, '; '-joined.

    Without a store (a processed folder copied for reports only), the manifest's input files
    of the dataset, under the key (dataset, "", 0).
    """
    store = Path(processed_dir) / paths.STORE_FILE
    if not store.is_file():
        from analysis.store.manifest import read_manifest

        by_dataset: dict[tuple[str, str, int], list[str]] = {}
        for entry in read_manifest(Path(processed_dir)).get("inputs") or []:
            by_dataset.setdefault((str(entry.get("dataset")), "", 0), []).append(str(entry["path"]))
        return {key: "; ".join(sorted(files)) for key, files in by_dataset.items()}
    stat = store.stat()
    return _source_index(store, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=2)
def _source_index(store: Path, _mtime_ns: int, _size: int) -> dict[tuple[str, str, int], str]:
    """Distinct in Arrow (a quarter of the time of pandas on the store's rows): each worker
    builds this before its first download."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    keys = ["dataset", "level", "year", "source_file"]
    names = set(pq.ParquetFile(store).schema_arrow.names)
    columns = keys + (["superseded_by"] if "superseded_by" in names else [])
    table = pq.read_table(store, columns=columns)
    if "superseded_by" in names:  # a superseded release's rows are not counted
        table = table.filter(pc.is_null(table["superseded_by"]))
    table = table.filter(pc.is_valid(table["year"]))
    distinct = table.group_by(keys).aggregate([])
    files: dict[tuple[str, str, int], list[str]] = {}
    for dataset, level, year, source in zip(*(distinct[k].to_pylist() for k in keys), strict=True):
        files.setdefault((str(dataset), str(level), int(year)), []).append(str(source))
    return {key: "; ".join(sorted(found)) for key, found in files.items()}


def _cells(values: pd.Series, column: str) -> list[str]:
    """A column's CSV cells: numbers with a decimal comma and full precision; missing stays
    empty. By column, not by cell: the missing mask at once instead of a test per cell."""
    numeric = column in ("numerator", "denominator", *PERCENT_COLUMNS)
    out = []
    for value, missing in zip(values.tolist(), values.isna().tolist(), strict=True):
        if missing:
            out.append("")
        elif isinstance(value, float) or numeric:
            number = float(value)
            out.append(repr(int(number)) if number.is_integer() else repr(number).replace(".", ","))
        else:
            out.append(str(value))
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The CSV as Dutch Excel reads it: BOM, ``;``, decimal comma, Dutch headers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS.values())
    writer.writerows(zip(*(_cells(frame[c], c) for c in HEADERS), strict=True))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(frame: pd.DataFrame, target: Path) -> None:
    """One sheet per section, Dutch headers, shares as numbers in a percent format.

    Written with XlsxWriter, in memory: a fifth of the time of openpyxl's streaming mode
    (which cost 2.5 s per region). Text is written as text, never read as a formula or link.
    """
    import xlsxwriter

    columns = [c for c in HEADERS if c != "section"]
    percent = {n for n, c in enumerate(columns) if c in PERCENT_COLUMNS}
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    with atomic_path(target, ".xlsx") as tmp:
        book = xlsxwriter.Workbook(str(tmp), options)
        share_format = book.add_format({"num_format": "0.0%"})
        for section, rows in frame.groupby("section", sort=False):
            sheet = book.add_worksheet(str(section)[:31])  # Excel's limit on sheet names
            for n, column in enumerate(columns):
                sheet.set_column(n, n, max(10, len(HEADERS[column]) + 2))
            sheet.freeze_panes(1, 0)
            sheet.write_row(0, 0, [HEADERS[c] for c in columns])
            cells = rows[columns].astype(object)
            present = cells.notna().to_numpy().tolist()
            for r, (values, known) in enumerate(
                zip(cells.to_numpy().tolist(), present, strict=True), start=1
            ):
                for n, value in enumerate(values):
                    if not known[n]:
                        continue
                    value = _plain(value)
                    if isinstance(value, str):
                        sheet.write_string(r, n, value)
                    else:
                        sheet.write_number(r, n, value, share_format if n in percent else None)
        if not book.worksheets():
            book.add_worksheet("Geen cijfers").write_string(0, 0, "Deze regio heeft geen cijfers.")
        book.close()


def _plain(value: object) -> object:
    """A value openpyxl writes: numpy/pandas scalars to Python ones."""
    return value.item() if hasattr(value, "item") else value


def write_downloads(ctx: ReportContext, html_target: Path) -> tuple[Path, Path]:
    """Write ``<slug>.csv`` and ``<slug>.xlsx`` beside the report (atomically)."""
    frame = download_frame(ctx)
    csv_target = html_target.with_suffix(".csv")
    xlsx_target = html_target.with_suffix(".xlsx")
    write_bytes(csv_target, csv_bytes(frame))
    write_xlsx(frame, xlsx_target)
    return csv_target, xlsx_target


def write_for_jobs(
    jobs: list, processed_dir: Path, reports_dir: Path, built: set[str]
) -> list[str]:
    """Downloads of the reports just built and of any whose downloads are missing.

    One region's failure is reported (its message returned) and the others still get theirs.
    """
    from analysis import data

    failures = []
    for job in jobs:
        html_target = job.path(reports_dir, ".html")
        present = all(job.path(reports_dir, s).is_file() for s in (".csv", ".xlsx"))
        if job.label not in built and present:
            continue
        try:
            ctx = data.context(processed_dir, job.region.level, job.region.name)
            write_downloads(ctx, html_target)
        except Exception as exc:  # one region's downloads must not sink the batch
            failures.append(f"{job.label}: downloads not written: {type(exc).__name__}: {exc}")
    return failures
