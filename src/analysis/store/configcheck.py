"""``techniekpact check-config``: the config files checked in seconds, every problem at once.

Processing runs the same check before it reads a single count file, so a typo in
config/regions.yaml costs a second, not a full run. Only the small reference files are
read (the CBS municipality and place lists, DUO's school and institution addresses): they
decide which municipality names exist. When a processed store is there, ``check-config``
also checks every rule value against it (``analysis.indicators.values``); ``process``
does that on the new store, before any indicator is written.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis import paths
from analysis.errors import ConfigError, TechniekpactError

if TYPE_CHECKING:
    from analysis.regions.reference import Reference


def _problems(exc: ConfigError) -> list[str]:
    """'file: problem' lines of one (possibly multiple) config error."""
    return [f"{exc.path}: {p}" for p in getattr(exc, "problems", [exc.problem])]


def reference_files(files: list[Path]) -> tuple[dict[str, tuple[str, pd.DataFrame]], list[str]]:
    """The reference files among ``files``, read: path -> (format id, frame); and the errors.
    Count files are recognised, not read."""
    from analysis.ingest import read_file

    read, errors = {}, []
    for path in files:
        outcome = read_file(path, roles=frozenset({"reference"}))
        if isinstance(outcome, str):
            errors.append(outcome)
            continue
        format_id, frame = outcome
        if frame is not None:
            read[str(path)] = (format_id, frame)
    return read, errors


@dataclass
class ConfigCheck:
    """What checking the config found and built; processing goes on from it."""

    problems: list[str] = field(default_factory=list)
    reference_files: dict[str, tuple[str, pd.DataFrame]] = field(default_factory=dict)
    reference: Reference | None = None
    region_table: pd.DataFrame | None = None
    # Why there is no reference, when the reference files were read but do not make one.
    data_error: str | None = None


def check(files: list[Path]) -> ConfigCheck:
    """Every problem of config/indicators.yaml and config/regions.yaml ('file: problem'),
    with the reference files read and the reference and region table built from them.

    Problems of the data themselves (a broken or missing reference file) are left to
    processing, which reports them with the other files.
    """
    from analysis import regions
    from analysis.indicators.rules import load_indicator_config

    out = ConfigCheck()
    indicator_config = None
    try:
        indicator_config = load_indicator_config()
    except ConfigError as exc:
        out.problems += _problems(exc)
    try:
        region_config = regions.load_config()
    except ConfigError as exc:
        out.problems += _problems(exc)
        return out
    out.reference_files, errors = reference_files(files)
    if errors:
        return out
    try:
        frames = {path: frame for path, (_, frame) in out.reference_files.items()}
        out.reference = regions.build_reference(frames, region_config)
        out.region_table = regions.region_table(out.reference, region_config)
        if indicator_config is not None:
            indicator_config.check_target_regions(out.region_table)
    except ConfigError as exc:
        out.problems += _problems(exc)
    except TechniekpactError as exc:  # a data problem: processing reports it
        out.reference = out.region_table = None
        out.data_error = str(exc)
    return out


def check_config(files: list[Path]) -> list[str]:
    """Every problem of the config files, as ``check`` finds them."""
    return check(files).problems


def store_problems(store_file: Path) -> list[str]:
    """Rule values that match nothing in an existing processed store (columns read only)."""
    from analysis.indicators.rules import load_indicator_config
    from analysis.indicators.values import conditions, unmatched_values

    config = load_indicator_config()
    columns = {"dataset", "level"}
    for ind in config.indicators.values():
        for rule in (ind.numerator, ind.denominator):
            columns |= {c.column for c in conditions(rule)}
    store = pd.read_parquet(store_file, columns=sorted(columns))
    return [f"{config.path}: {p}" for p in unmatched_values(config, store)]


def _indicators_parse() -> bool:
    """Whether config/indicators.yaml parses (its problems are reported on their own)."""
    from analysis.indicators.rules import load_indicator_config

    try:
        load_indicator_config()
    except ConfigError:
        return False
    return True


def previous_store_problems(processed_dir: Path) -> list[str]:
    """Rule values that match nothing in the store a previous run left, marked as such:
    reported with other config problems, so that one run shows them all."""
    store_file = processed_dir / paths.STORE_FILE
    if not store_file.is_file() or not _indicators_parse():
        return []
    return [f"{p} (checked against the previous store)" for p in store_problems(store_file)]


def publication_problems() -> list[str]:
    """The summary tiles and index columns of config/publication.yaml (only the reports
    read them, so ``process`` does not stop on them; ``check-config`` and the batch do)."""
    from analysis import publication_config

    problems = []
    for read in (publication_config.summary_tiles, publication_config.index_columns):
        try:
            read()
        except ConfigError as exc:
            problems += _problems(exc)
    return problems


def run_check_config(raw_dir: Path, processed_dir: Path, files: list[Path]) -> int:
    """CLI entry: print every problem, or what was checked; 0 when all is well, else 3 (the
    CLI's status for a data or config error). ``files``: the raw folder's input files."""
    started = time.perf_counter()
    problems = check_config(files) + publication_problems()
    store_file = processed_dir / paths.STORE_FILE
    checked_values = store_file.is_file() and _indicators_parse()
    if checked_values:
        problems += store_problems(store_file)
    took = f"{time.perf_counter() - started:.1f} s"
    if problems:
        print(f"techniekpact check-config: {len(problems)} problem(s) ({took}):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 3
    against = (
        f"rule values against {store_file}"
        if checked_values
        else "rule values not checked (no processed store yet: `techniekpact process` checks them)"
    )
    where = (
        f"municipalities against the reference files in {raw_dir}"
        if files
        else ("municipalities not checked (no raw files)")
    )
    print(
        f"techniekpact check-config: {paths.INDICATORS_CONFIG}, {paths.REGIONS_CONFIG} and "
        f"{paths.CONFIG_DIR / 'publication.yaml'} are fine; {where}; {against} ({took})."
    )
    return 0
