"""Editions: what every run of ``techniekpact reports`` published, and what changed since
the previous one.

A run records its edition in ``<reports>/edition/``: ``edition.json`` (date, data vintage
per source, the input files' checksums, each indicator definition's checksum) and
``indicators.parquet`` (the indicator table the reports printed). Given an earlier reports
folder, ``compare`` lists the new school years, the figures that changed for years both
editions show (old and new value, and the reason where it is known) and the indicators
added, removed or redefined. A redefined indicator's figures are reported as a definition
change, never as revised figures.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import paths
from analysis.atomic import atomic_path, write_text
from analysis.configfile import read_config_yaml
from analysis.errors import TechniekpactError

if TYPE_CHECKING:
    import pandas as pd

FORMAT_VERSION = 1
EDITION_FILE = "edition.json"
TABLE_FILE = "indicators.parquet"
EDITION_DIR = paths.EDITION_DIR
CHANGES_FILE = paths.EDITION_CHANGES_FILE
SUMMARY_FILE = paths.EDITION_SUMMARY_FILE
# A share that moved less than this is the same figure (float noise, not a revision).
TOLERANCE = 1e-9
KEY = ["indicator", "region_code", "year", "gender"]
REASON_RELEASE = "nieuwere of andere DUO-levering"
REASON_UNKNOWN = "onbekend"


class EditionError(TechniekpactError):
    """A previous edition that cannot be compared with this one."""


@dataclass(frozen=True)
class Edition:
    """One edition's record and the indicator table it printed."""

    folder: Path
    record: dict
    table: pd.DataFrame


def definition_checksums(config_path: Path | None = None) -> dict[str, str]:
    """Per indicator id: sha256 of its definition in config/indicators.yaml (canonical JSON).

    Per indicator, so that a changed definition names the indicators it changed; the
    Dutch name and description are left out (rewording is not a redefinition).
    """
    path = config_path or paths.INDICATORS_CONFIG
    raw = read_config_yaml(path) or {}
    out = {}
    for ind_id, spec in sorted((raw.get("indicators") or {}).items()):
        counted = {k: v for k, v in (spec or {}).items() if k not in ("naam", "omschrijving")}
        payload = json.dumps(counted, sort_keys=True, ensure_ascii=False, default=str)
        out[str(ind_id)] = hashlib.sha256(payload.encode()).hexdigest()
    return out


def edition_record(manifest: dict, indicators: pd.DataFrame, generated_on: str) -> dict:
    """What identifies an edition: date, vintage per source, inputs, definitions."""
    from analysis.publish.index import _definitions, data_vintage

    definitions = definition_checksums()
    total = hashlib.sha256(json.dumps(definitions, sort_keys=True).encode()).hexdigest()
    return {
        "format_version": FORMAT_VERSION,
        "date": generated_on or date.today().isoformat(),
        "processed": manifest.get("created"),
        "code_version": manifest.get("code_version"),
        "demo": bool(manifest.get("demo")),
        # The women's-share views carry no `bron` of their own: their base indicator's counts.
        "data_vintage": data_vintage(
            indicators[~indicators["indicator"].str.endswith("__aandeel_vrouwen")], _definitions()
        ),
        "inputs": {
            str(i["path"]): {"sha256": i.get("sha256"), "dataset": i.get("dataset")}
            for i in manifest.get("inputs") or []
        },
        "definitions_sha256": total,
        "definitions": definitions,
    }


def write_edition(
    reports_dir: Path,
    processed_dir: Path,
    manifest: dict,
    generated_on: str,
    *,
    rebuilt: bool = True,
) -> Path:
    """Record this run's edition in ``<reports>/edition/`` (each file atomically).

    A run that rebuilt nothing, on the same indicator table and definitions, keeps the
    recorded edition (and its date) and reads no table: an unchanged batch stays cheap.
    """
    from analysis.provenance import sha256_file

    source = Path(processed_dir) / paths.INDICATORS_FILE
    folder = Path(reports_dir) / EDITION_DIR
    table_sha = sha256_file(source)
    if not rebuilt and (folder / TABLE_FILE).is_file():
        try:
            old = json.loads((folder / EDITION_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        if (
            old.get("format_version") == FORMAT_VERSION
            and old.get("indicators_sha256") == table_sha
            and old.get("definitions") == definition_checksums()
        ):
            return folder
    import pandas as pd

    indicators = pd.read_parquet(source)
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_path(folder / TABLE_FILE, ".parquet") as tmp:
        shutil.copyfile(source, tmp)
    record = edition_record(manifest, indicators, generated_on)
    record["indicators_sha256"] = table_sha
    write_text(folder / EDITION_FILE, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return folder


def load_edition(reports_dir: Path) -> Edition:
    """An earlier reports folder's edition; a clear error when there is none to compare."""
    import pandas as pd

    reports_dir = Path(reports_dir)
    if not reports_dir.is_dir():
        raise EditionError(f"previous edition {reports_dir}: folder not found")
    folder = reports_dir / EDITION_DIR
    record_path = folder / EDITION_FILE
    if not record_path.is_file():
        raise EditionError(
            f"previous edition {reports_dir}: no {EDITION_DIR}/{EDITION_FILE} (not a reports "
            "folder, or made before editions were recorded)"
        )
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise EditionError(f"{record_path}: not valid JSON ({exc})") from exc
    version = record.get("format_version") if isinstance(record, dict) else None
    if version != FORMAT_VERSION:
        raise EditionError(
            f"{record_path}: edition format version {version!r}, this code reads version "
            f"{FORMAT_VERSION}; build the previous edition again with this code, or compare by hand"
        )
    table_path = folder / TABLE_FILE
    if not table_path.is_file():
        raise EditionError(f"previous edition {reports_dir}: {EDITION_DIR}/{TABLE_FILE} is missing")
    return Edition(folder, record, pd.read_parquet(table_path))


def _base(indicator: str) -> str:
    from analysis.indicators.rules import WOMEN_SHARE_SUFFIX

    return indicator.removesuffix(WOMEN_SHARE_SUFFIX)


def _changed_datasets(previous: dict, current: dict) -> set[str]:
    """Datasets whose input files (path or checksum) differ between two editions."""

    def by_dataset(record: dict) -> dict[str, set[tuple[str, str]]]:
        out: dict[str, set[tuple[str, str]]] = {}
        for path, entry in (record.get("inputs") or {}).items():
            out.setdefault(str(entry.get("dataset")), set()).add((path, str(entry.get("sha256"))))
        return out

    old, new = by_dataset(previous), by_dataset(current)
    return {d for d in set(old) | set(new) if old.get(d) != new.get(d)}


def compare(previous: Edition, current: Edition, datasets: dict[str, str]) -> dict:
    """The changes from ``previous`` to ``current``.

    ``datasets``: indicator id -> its dataset (config), to give a revised figure its reason.
    Returns ``{"summary": {...}, "figures": DataFrame}``: the summary is JSON-ready.
    """

    old_defs = previous.record.get("definitions") or {}
    new_defs = current.record.get("definitions") or {}
    added = sorted(set(new_defs) - set(old_defs))
    removed = sorted(set(old_defs) - set(new_defs))
    redefined = sorted(i for i in set(old_defs) & set(new_defs) if old_defs[i] != new_defs[i])
    comparable = set(old_defs) & set(new_defs) - set(redefined)

    def rows(table: pd.DataFrame) -> pd.DataFrame:
        keep = table["indicator"].map(lambda i: _base(str(i)) in comparable).astype(bool)
        return table.loc[keep, [*KEY, "region_level", "region", "schooljaar", "share"]]

    old, new = rows(previous.table), rows(current.table)
    old_years = old[old["share"].notna()].groupby("indicator")["year"].agg(set).to_dict()
    new_years: dict[str, list[str]] = {}
    for ind, group in new[new["share"].notna()].groupby("indicator"):
        fresh = sorted(set(group["year"]) - old_years.get(ind, set()))
        if fresh:
            labels = group.drop_duplicates("year").set_index("year")["schooljaar"]
            new_years[str(ind)] = [str(labels[y]) for y in fresh]
    both = new.merge(old[[*KEY, "share"]], on=KEY, suffixes=("", "_old"), how="inner")
    moved = (both["share"] - both["share_old"]).abs() > TOLERANCE
    appeared = both["share"].isna() != both["share_old"].isna()
    figures = both[moved.fillna(False).astype(bool) | appeared].copy()
    changed = _changed_datasets(previous.record, current.record)
    figures["reason"] = [
        REASON_RELEASE if datasets.get(_base(str(i))) in changed else REASON_UNKNOWN
        for i in figures["indicator"]
    ]
    figures = figures.rename(columns={"share": "share_new"}).reset_index(drop=True)
    summary = {
        "previous_date": previous.record.get("date"),
        "current_date": current.record.get("date"),
        "previous_folder": str(previous.folder.parent),
        "definitions_differ": previous.record.get("definitions_sha256")
        != current.record.get("definitions_sha256"),
        "added": added,
        "removed": removed,
        "redefined": redefined,
        "new_school_years": new_years,
        "revised_figures": len(figures),
        "revised_indicators": sorted(map(str, figures["indicator"].unique())),
        "changed_datasets": sorted(changed),
    }
    return {"summary": summary, "figures": figures}


def write_changes(reports_dir: Path, changes: dict) -> str:
    """Write the changes beside this edition; returns their checksum (part of report keys)."""
    folder = Path(reports_dir) / EDITION_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_path(folder / CHANGES_FILE, ".parquet") as tmp:
        changes["figures"].to_parquet(tmp, index=False)
    text = json.dumps(changes["summary"], indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    write_text(folder / SUMMARY_FILE, text)
    figures_sha = hashlib.sha256((folder / CHANGES_FILE).read_bytes()).hexdigest()
    return hashlib.sha256((text + figures_sha).encode()).hexdigest()


def clear_changes(reports_dir: Path) -> None:
    """A run without ``--previous-edition`` leaves no stale comparison behind."""
    for name in (CHANGES_FILE, SUMMARY_FILE):
        (Path(reports_dir) / EDITION_DIR / name).unlink(missing_ok=True)


def prepare(
    reports_dir: Path, processed_dir: Path, manifest: dict, previous: Path | None, generated_on: str
) -> str:
    """Before a batch builds: compare with ``previous`` and write the changes.

    Returns the changes' checksum (it goes into every report's key, so a report is rebuilt
    when what it says about the previous edition changes); "" without a previous edition.
    """
    if previous is None:
        clear_changes(reports_dir)
        return ""
    import pandas as pd

    earlier = load_edition(Path(previous).resolve())
    table = pd.read_parquet(Path(processed_dir) / paths.INDICATORS_FILE)
    current = Edition(
        Path(reports_dir) / EDITION_DIR, edition_record(manifest, table, generated_on), table
    )
    from analysis.publish.index import _definitions

    datasets = {i: str(spec.get("dataset")) for i, spec in _definitions().items()}
    return write_changes(reports_dir, compare(earlier, current, datasets))
