"""``techniekpact process``: raw files -> processed store, manifest, regions and indicators.

Data flows one way: every file under the raw dir is recognised by content, read to a tidy
frame, attributed to regions, validated, and written as one store. Indicators are
computed from that store only. A run whose inputs (by checksum), configuration and code
are unchanged does no work.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from analysis import paths
from analysis.errors import DataError, TechniekpactError
from analysis.provenance import sha256_file, source_fingerprint
from analysis.store.manifest import MANIFEST_VERSION, ManifestError, read_manifest

IGNORED_SUFFIXES = paths.RAW_DOC_SUFFIXES  # documentation among the raw files; never data
DEMO_MARKER = "DEMO-SYNTHETIC-DATA.txt"
LOCK_FILE = ".lock"


def input_files(raw_dir: Path) -> list[Path]:
    """Every data file under ``raw_dir``, recursively, in a stable order.

    A link whose file is gone (``fetch`` links a mirror folder's files) is an error, not a
    file left out: the store would silently lack its counts.
    """
    visible = [
        p
        for p in raw_dir.rglob("*")
        if not any(part.startswith(".") for part in p.relative_to(raw_dir).parts)
    ]
    broken = sorted(p for p in visible if p.is_symlink() and not p.exists())
    if broken:
        others = f" (and {len(broken) - 1} more broken links)" if len(broken) > 1 else ""
        raise DataError(
            broken[0],
            f"a link to {os.readlink(broken[0])}, which does not exist{others}",
            expected="the raw file it links to: run `make data` again (has the mirror moved?)",
        )
    return sorted(
        p
        for p in visible
        if p.is_file() and p.suffix.lower() not in IGNORED_SUFFIXES and p.name != DEMO_MARKER
    )


def _input_key(checksums: dict[str, str], demo: bool) -> str:
    payload = json.dumps(
        {"inputs": checksums, "code": source_fingerprint(), "demo": demo, "v": MANIFEST_VERSION},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _outputs_intact(processed_dir: Path, manifest: dict) -> bool:
    """Every output the manifest lists is there with its checksum (a run killed while moving
    outputs into place leaves new files beside the old manifest: that is not intact)."""
    for entry in manifest.get("outputs", {}).values():
        target = processed_dir / entry["path"]
        if not target.is_file() or target.stat().st_size != entry["bytes"]:
            return False
        if sha256_file(target) != entry.get("sha256"):
            return False
    return bool(manifest.get("outputs"))


def _previous_manifest(processed_dir: Path) -> dict | None:
    """The manifest of the current store, or None when there is none (or it is unreadable)."""
    try:
        return read_manifest(processed_dir)
    except (ManifestError, OSError):
        return None


def demo_dir_for(processed_dir: Path) -> Path:
    """Where the synthetic demo raw files live: beside the processed dir, never in raw/."""
    return processed_dir.resolve().parent / "demo"


def run_process(
    raw_dir: Path,
    processed_dir: Path,
    *,
    force: bool = False,
    demo: bool = False,
    jobs: int | None = None,
) -> int:
    """CLI entry: process ``raw_dir`` (or the demo data) into ``processed_dir``; exit status."""
    started = time.perf_counter()
    raw_dir = Path(raw_dir)
    processed_dir = Path(processed_dir)
    files = input_files(raw_dir) if raw_dir.is_dir() else []
    from analysis.demo import is_demo_dir

    demo = demo or is_demo_dir(raw_dir)  # a demo folder passed explicitly stays demo
    if demo or not files:
        if not demo:
            _warn(
                f"no raw data files in {raw_dir}: using the SYNTHETIC DEMO dataset. Every output "
                "is marked as demo; its numbers are not real. Run `make data` for the real files."
            )
        raw_dir = demo_dir_for(processed_dir)
        from analysis.demo import ensure_demo

        ensure_demo(raw_dir)
        files = input_files(raw_dir)
        demo = True
    checksums = {str(p.relative_to(raw_dir)): sha256_file(p) for p in files}
    key = _input_key(checksums, demo)
    with _process_lock(processed_dir):
        previous = _previous_manifest(processed_dir)
        reason = _rebuild_reason(processed_dir, previous, checksums, key)
        if not force and reason is None:
            print(
                f"techniekpact process: nothing to do — {len(files)} input files, configuration "
                f"and code unchanged since {previous.get('created')} "
                f"({time.perf_counter() - started:.2f} s)."
            )
            return 0
        if reason is not None:
            print(f"techniekpact process: {reason}; rebuilding.")

        from analysis.store.reading import readers

        # Started first: the workers load the readers while this process imports the rest.
        with readers(files, jobs or os.cpu_count() or 1) as workers:
            from analysis.store.build import build_processed

            ok = build_processed(
                raw_dir, processed_dir, files, checksums, key=key, demo=demo, readers=workers
            )
    print(f"techniekpact process: finished in {time.perf_counter() - started:.1f} s.")
    return 0 if ok else 1


class ProcessBusyError(TechniekpactError):
    """Another ``techniekpact process`` is writing to the same processed folder."""

    exit_status = 4  # the CLI's EXIT_BUSY: not a data error, try again later


@contextlib.contextmanager
def _process_lock(processed_dir: Path) -> Iterator[None]:
    """An exclusive lock on the processed folder, so two runs never mix their outputs."""
    from filelock import FileLock, Timeout

    processed_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(processed_dir / LOCK_FILE, timeout=0)
    try:
        lock.acquire()
    except Timeout as exc:
        raise ProcessBusyError(
            f"{processed_dir} is locked by another `techniekpact process` run "
            f"({processed_dir / LOCK_FILE}); wait for it to finish and try again"
        ) from exc
    try:
        yield
    finally:
        lock.release()


def _rebuild_reason(
    processed_dir: Path, previous: dict | None, checksums: dict[str, str], key: str
) -> str | None:
    """Why the store must be (re)built, in words; None when it is current and intact."""
    if previous is None:
        return f"no processed store in {processed_dir} yet"
    if previous.get("input_key") != key:
        before = {e.get("path"): e.get("sha256") for e in previous.get("inputs", [])}
        changed = sorted(p for p in checksums if p in before and before[p] != checksums[p])
        added = sorted(set(checksums) - set(before))
        removed = sorted(set(before) - set(checksums))
        parts = [
            f"{label}: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}"
            for label, names in (("changed", changed), ("new", added), ("gone", removed))
            if names
        ]
        if not parts:
            return "configuration or code changed since the store was built"
        return "raw data newer than the processed store (" + "; ".join(parts) + ")"
    if not _outputs_intact(processed_dir, previous):
        return (
            f"the processed store in {processed_dir} is incomplete or inconsistent (an output is "
            "missing or does not match the manifest)"
        )
    return None


def _warn(message: str) -> None:
    print(f"WARNING: {message}", file=sys.stderr)
