"""The heavy half of ``techniekpact process``: read, attribute, validate, compute, write.

Kept apart from ``analysis.store.process`` so that a no-change run never imports pandas.
All outputs are staged and then moved into place, the manifest last: an interrupted or
failed run leaves the previous processed store intact.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis import paths
from analysis.errors import ConfigErrors, DataError, TechniekpactError
from analysis.fetch.pinned import read_state
from analysis.ingest import SourceFormat, format_by_id
from analysis.present.missing import missing_sources_note
from analysis.provenance import code_version, sha256_file
from analysis.store import reading, schema
from analysis.store.manifest import MANIFEST_VERSION, FileResult, utc_now

if TYPE_CHECKING:
    from analysis.regions.reference import Reference
    from analysis.store.configcheck import ConfigCheck


def read_all(
    raw_dir: Path,
    files: list[Path],
    checksums: dict[str, str],
    *,
    readers: reading.Readers | None = None,
    reference: Reference | None = None,
    known: dict[str, tuple[str, pd.DataFrame]] | None = None,
) -> tuple[list[tuple[FileResult, SourceFormat, pd.DataFrame]], list[str]]:
    """Recognise and read every file; collect every error instead of stopping at the first.

    Count files are attributed to regions with ``reference`` when it is given (in the
    process that read them, with ``readers`` from ``reading.readers``); ``known``: files
    already read (by path), not read again. The results are in file order either way.
    """
    done: list[tuple[FileResult, SourceFormat, pd.DataFrame]] = []
    errors: list[str] = []
    lock_path = _lock_of(raw_dir)
    known = known or {}
    to_read = [path for path in files if str(path) not in known]
    rels = {path: str(path.relative_to(raw_dir)) for path in files}
    read = iter(reading.read_every(to_read, [rels[p] for p in to_read], reference, readers))
    for path in files:
        rel = rels[path]
        if str(path) in known:
            format_id, frame = known[str(path)]
            outcome: tuple | str = format_id, frame, dict(frame.attrs)
        else:
            outcome = next(read)
        if isinstance(outcome, str):
            errors.append(outcome)
            continue
        format_id, frame, read_attrs = outcome
        fmt = format_by_id(format_id)
        result = FileResult(path=rel, sha256=checksums[rel], bytes=path.stat().st_size)
        # Some formats learn the dataset only from the content (e.g. ho enrolled vs first-years).
        result.format, result.role = fmt.id, fmt.role
        result.dataset = read_attrs.get("dataset", fmt.dataset)
        result.description = fmt.description
        _add_provenance(result, lock_path)
        result.rows_read = len(frame)
        result.warnings.extend(read_attrs.get("warnings", []))
        result.notes = {k: v for k, v in read_attrs.items() if k != "warnings"}
        if fmt.role == "counts" and reference is not None:
            _add_attribution_notes(result, frame)
        done.append((result, fmt, frame))
    return done, errors


def _add_attribution_notes(result: FileResult, attributed: pd.DataFrame) -> None:
    """What attributing the file's rows found (``regions.attribute``'s attrs)."""
    result.warnings.extend(attributed.attrs.get("warnings", []))
    disagreements = attributed.attrs.get("province_disagreements", [])
    if disagreements:
        result.notes["province_disagreements"] = disagreements


def _add_provenance(result: FileResult, lock_path: str) -> None:
    """Publisher, URL, licence and vintage from the data lock, matched by checksum."""
    entry = _lock_by_sha(lock_path).get(result.sha256)
    if entry is None:
        result.warnings.append(
            "not in the data lock (config/data-lock.yaml): provenance unknown, "
            "checksum not verified against a published one"
        )
        return
    result.publisher, result.licence, result.vintage = entry.publisher, entry.licence, entry.vintage
    result.url = entry.url


@functools.cache
def _lock_by_sha(lock_path: str) -> dict:
    from analysis.fetch.pinned import provenance_by_sha

    return provenance_by_sha(Path(lock_path))


def _lock_of(raw_dir: Path) -> str:
    """The lock the last fetch into ``raw_dir`` installed from (default: config/data-lock.yaml)."""
    from analysis.fetch.lock import DATA_LOCK

    state = read_state(raw_dir)
    locked = Path(str(state.get("lock"))) if state and state.get("lock") else DATA_LOCK
    return str(locked if locked.is_file() else DATA_LOCK)


def _summarise_counts(result: FileResult, frame: pd.DataFrame) -> None:
    """Fill the manifest entry of a count file: totals, suppression, attribution share."""
    counts = frame["count"].fillna(0).astype("int64")
    result.cells = len(frame)
    result.suppressed_cells = int(frame["suppressed"].sum())
    result.counts_total = int(counts.sum())
    placed = frame["province_code"].notna()
    result.counts_attributed_province = int(counts[placed].sum())
    result.share_attributed_province = (
        result.counts_attributed_province / result.counts_total if result.counts_total else None
    )
    if result.cells and result.suppressed_cells == result.cells:
        result.warnings.append(
            f"every one of its {result.cells:,} count cells is suppressed ('<5'): no count is "
            "known, so its shares are bounds only"
        )
    unplaced = frame[~placed]
    if len(unplaced):
        grouped = (
            unplaced.assign(c=counts[~placed])
            .groupby(unplaced["unplaced_reason"].fillna("province unknown"), dropna=False)
            .agg(rows=("c", "size"), count=("c", "sum"))
            .reset_index(names="reason")
        )
        result.unplaced = [
            {"reason": r.reason, "rows": int(r.rows), "count": int(r["count"])}
            for _, r in grouped.iterrows()
        ]


def build_processed(
    raw_dir: Path,
    processed_dir: Path,
    files: list[Path],
    checksums: dict[str, str],
    *,
    key: str,
    demo: bool,
    readers: reading.Readers | None = None,
) -> bool:
    """Build and atomically install the processed store; False (nothing written) on bad input.

    ``readers``: worker processes reading beside this one (``reading.readers``), else one.
    """
    from analysis.store.configcheck import check, previous_store_problems

    checked = check(files)  # seconds, before any count file is read
    if checked.problems:
        _report_errors(checked.problems + previous_store_problems(processed_dir), processed_dir)
        return False
    done, errors = read_all(
        raw_dir,
        files,
        checksums,
        readers=readers,
        reference=checked.reference,
        known=checked.reference_files,
    )
    if errors or checked.reference is None:  # without read errors, check says why
        _report_errors(errors or [str(checked.data_error)], processed_dir)
        return False
    try:
        staging = _Staging(processed_dir)
    except OSError as exc:  # a read-only or vanished folder: say so, keep the old
        _report_errors([f"{processed_dir}: the outputs could not be written: {exc}"], processed_dir)
        return False
    with staging:
        try:
            computed = _compute(raw_dir, done, checked, staging, demo=demo)
        except TechniekpactError as exc:
            _report_errors([str(exc)], processed_dir)
            return False
        manifest = {
            "manifest_version": MANIFEST_VERSION,
            "created": utc_now(),
            "demo": demo,
            "input_key": key,
            "code_version": code_version(),
            "raw_dir": str(raw_dir.resolve()),
            "inputs": [asdict(result) for result, _, _ in done],
            "missing_sources": [] if demo else _missing_sources(raw_dir),
            "overlaps": [overlap.as_dict() for overlap in computed.overlaps],
            "indicator_cuts": _cut_summary(computed.cuts),
            "warnings": [
                *computed.warnings,
                *(f"{result.path}: {w}" for result, _, _ in done for w in result.warnings),
            ],
            "outputs": {},
        }
        try:
            staging.install(manifest)
        except OSError as exc:  # a full disk, a vanished folder: say so, keep the old store
            _report_errors(
                [f"{processed_dir}: the outputs could not be written: {exc}"], processed_dir
            )
            return False
    _print_summary(done, demo)
    missing = missing_sources_note(manifest)
    if missing:
        print(f"techniekpact process: {missing}", file=sys.stderr)
    _print_warning_summary(manifest["warnings"], {r.path for r, _, _ in done}, processed_dir)
    return True


@dataclass
class _Computed:
    """What the build adds to the manifest besides the inputs."""

    overlaps: list
    cuts: list[dict]
    warnings: list[str]


def _compute(
    raw_dir: Path,
    done: list[tuple[FileResult, SourceFormat, pd.DataFrame]],
    checked: ConfigCheck,
    staging: _Staging,
    *,
    demo: bool,
) -> _Computed:
    """Store, regions, indicators and derived table from the read files, each handed to
    ``staging`` as soon as it is complete."""
    from analysis import regions
    from analysis.indicators import derived, engine
    from analysis.indicators.values import unmatched_values
    from analysis.store import releases

    config = regions.load_config()
    reference, table = checked.reference, checked.region_table
    assert reference is not None and table is not None  # build_processed checked
    parts = []
    for result, fmt, frame in done:
        if fmt.role == "counts":
            _summarise_counts(result, frame)
            parts.append(frame)
    if not parts:
        raise DataError(raw_dir, "no file with counts was found", expected="DUO count files")
    indicator_config = engine.load_indicator_config()
    store = pd.concat(parts, ignore_index=True)
    store["superseded_by"], overlaps = releases.resolve(
        store, indicator_config.settings.max_revision
    )
    # Each file's rows were checked against the store contract where they were attributed.
    store = schema.conform(store, schema.STORE_COLUMNS)
    for warning in table.attrs.get("warnings", []):
        print(f"WARNING: {config.path}: {warning}", file=sys.stderr)
    unmatched = unmatched_values(indicator_config, store)
    # Synthetic files (the demo set, also when used as an ordinary raw folder) lack
    # some real categories: there the misses are warnings.
    if unmatched and not (demo or reference.synthetic):
        raise ConfigErrors(indicator_config.path, unmatched)
    staging.write("store", store)
    staging.write("regions", table)
    indicator_table = engine.compute_indicators(store, table, indicator_config)
    # Taken off the frame: pandas deep-copies attrs on every operation, and the parquet
    # file should not carry them; the manifest keeps them.
    cuts = indicator_table.attrs.pop("cuts", [])
    staging.write("indicators", indicator_table)
    staging.write("derived", derived.derive(indicator_table, table, indicator_config))
    return _Computed(
        overlaps=overlaps,
        cuts=cuts,
        warnings=[
            *(f"indicators (demo data): {problem}" for problem in unmatched),
            *(f"regions: {issue}" for issue in reference.issues),
            *(f"region table: {warning}" for warning in table.attrs.get("warnings", [])),
        ],
    )


def _missing_sources(raw_dir: Path) -> list[dict]:
    """The locked sources the last ``techniekpact fetch`` could not install in this raw dir."""
    state = read_state(raw_dir)
    return list(state.get("missing", [])) if state else []


def _cut_summary(records: list[dict]) -> list[dict]:
    """Per indicator view: which cut and files it counted, in runs of years."""
    runs: list[dict] = []
    for record in sorted(records, key=lambda r: (r["indicator"], r["gender"], r["year"])):
        last = runs[-1] if runs else None
        same = last is not None and all(
            last[k] == record[k] for k in ("indicator", "gender", "cut", "files")
        )
        if same and last["years"][-1] == record["year"] - 1:
            last["years"].append(record["year"])
        else:
            runs.append(
                {**{k: v for k, v in record.items() if k != "year"}, "years": [record["year"]]}
            )
    return runs


class _Staging:
    """The outputs, written to a staging dir as soon as each is ready, then moved into place
    together, the manifest last.

    Each is written in a thread while the next is computed: Arrow writes and hashes without
    holding the GIL. Leaving the ``with`` block removes whatever was not installed.
    """

    def __init__(self, processed_dir: Path) -> None:
        processed_dir.mkdir(parents=True, exist_ok=True)
        # Left by a run that was killed (SIGKILL, power loss); the caller holds the process lock.
        for stale in processed_dir.glob(".staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        self.processed_dir = processed_dir
        self.dir = Path(tempfile.mkdtemp(prefix=".staging-", dir=processed_dir))
        self._pool = ThreadPoolExecutor(len(OUTPUT_FILES))
        self._written: dict[str, Future[tuple[str, dict]]] = {}

    def __enter__(self) -> _Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name: str, frame: pd.DataFrame) -> None:
        """Start writing output ``name`` (a key of ``OUTPUT_FILES``); nothing may change it."""
        self._written[name] = self._pool.submit(_write, self.dir, name, OUTPUT_FILES[name], frame)

    def install(self, manifest: dict) -> None:
        """Wait for every output, then move each into place; the manifest last."""
        manifest["outputs"].update(self._written[name].result() for name in OUTPUT_FILES)
        (self.dir / paths.MANIFEST_FILE).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, default=_json_default) + "\n",
            encoding="utf-8",
        )
        for filename in [entry["path"] for entry in manifest["outputs"].values()]:
            _fsync(self.dir / filename)
            os.replace(self.dir / filename, self.processed_dir / filename)
        _fsync(self.dir / paths.MANIFEST_FILE)
        os.replace(self.dir / paths.MANIFEST_FILE, self.processed_dir / paths.MANIFEST_FILE)


# The processed store's tables, in the manifest's order.
OUTPUT_FILES = {
    "store": paths.STORE_FILE,
    "indicators": paths.INDICATORS_FILE,
    "derived": paths.DERIVED_FILE,
    "regions": paths.REGIONS_FILE,
}


def _write(staging: Path, name: str, filename: str, frame: pd.DataFrame) -> tuple[str, dict]:
    """Write one output as parquet; its manifest entry."""
    target = staging / filename
    frame.to_parquet(target, index=False)
    entry = {"path": filename, "sha256": sha256_file(target), "bytes": target.stat().st_size}
    return name, {**entry, "rows": len(frame)}


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _json_default(value: object) -> object:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, set | tuple):
        return sorted(value)
    return str(value)


def _report_errors(errors: list[str], processed_dir: Path) -> None:
    print(f"techniekpact process: {len(errors)} problem(s); nothing was written:", file=sys.stderr)
    for error in errors:
        print(f"  - {error}", file=sys.stderr)
    if (processed_dir / paths.MANIFEST_FILE).exists():
        print(f"The previous processed store in {processed_dir} is unchanged.", file=sys.stderr)


def _print_summary(done: list[tuple[FileResult, SourceFormat, pd.DataFrame]], demo: bool) -> None:
    for result, fmt, _ in done:
        if fmt.role != "counts":
            print(f"  {result.path}: {fmt.description} ({fmt.role}, {result.rows_read:,} rows)")
            continue
        share = result.share_attributed_province
        share_text = f"{share:.2%}" if share is not None else "n/a"
        print(
            f"  {result.path}: {result.rows_read:,} cells, {result.suppressed_cells:,} suppressed, "
            f"{share_text} of counts attributed to a province"
        )
    if demo:
        print("WARNING: these outputs are built from SYNTHETIC DEMO data.", file=sys.stderr)


def warning_kinds(warnings: list[str], files: set[str]) -> dict[str, int]:
    """How many warnings of each kind: 'source files' (any of ``files``), or their prefix
    ('regions', 'region table', 'indicators (demo data)')."""
    kinds: dict[str, int] = {}
    for warning in warnings:
        prefix = warning.split(": ", 1)[0]
        kind = "source files" if prefix in files else prefix
        kinds[kind] = kinds.get(kind, 0) + 1
    return dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))


def _print_warning_summary(warnings: list[str], files: set[str], processed_dir: Path) -> None:
    """The warnings in brief on the console; the full list is in the manifest."""
    if not warnings:
        print("techniekpact process: no warnings.")
        return
    kinds = warning_kinds(warnings, files)
    named = {w.split(": ", 1)[0] for w in warnings} & files
    shown = ", ".join(
        f"{kind} {n}" + (f" (in {len(named)} files)" if kind == "source files" else "")
        for kind, n in kinds.items()
    )
    print(
        f"techniekpact process: {len(warnings)} warning(s): {shown}. Read them in "
        f'{processed_dir / paths.MANIFEST_FILE} ("warnings") or in notebook '
        "notebooks/exploration/01_welke_data.ipynb."
    )
