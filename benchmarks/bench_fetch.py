"""Benchmark ``techniekpact fetch``: first fill from a mirror folder, no-change re-runs, and
``fetch --update`` against the CKAN stand-in of the tests (127.0.0.1).

Prints figures; asserts nothing. Usage: ``.venv/bin/python benchmarks/bench_fetch.py [MIRROR]``
(default: ../shared/data). The raw dir and lock are temporary; data/raw is not touched.
The no-change figure is the whole command in a child process (interpreter start included)
and, separately, the in-process verification of every locked file (size + sha256).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis import fetch, paths

TECHNIEKPACT = Path(sys.executable).with_name("techniekpact")


def _command(raw_dir: Path, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(TECHNIEKPACT), "fetch", "--raw-dir", str(raw_dir), *extra],
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - started


def main() -> None:
    mirror = sys.argv[1] if len(sys.argv) > 1 else str(paths.SHARED_DATA_DIR)
    entries = fetch.load_lock().entries
    total = sum(e.size for e in entries)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        first = _command(raw, "--mirror", mirror)
        again = min(_command(raw) for _ in range(5))
        started = time.perf_counter()
        fetch.fetch_locked(raw, echo=lambda line: None)
        in_process = time.perf_counter() - started
        update = _update(Path(tmp), Path(mirror))
    print(f"lock: {len(entries)} files, {total / 1e6:.1f} MB")
    print(f"first fetch from mirror folder (command):   {first:.2f} s")
    print(f"no-change re-run (command, best of 5):      {again:.2f} s")
    print(f"no-change verification (in process):       {in_process:.3f} s")
    print(f"fetch --update, 3 resources (stand-in):     {update:.2f} s")


def _update(tmp: Path, shared: Path) -> float:
    """One ``fetch --update`` of the taken cuts against the CKAN stand-in (downloads,
    size check, the readers' recognition, lock written)."""
    sys.path.insert(0, str(paths.PROJECT_ROOT / "tests"))
    from ckan_standin import CkanStandIn, serve_shared

    with CkanStandIn() as portal:
        serve_shared(portal, shared)
        started = time.perf_counter()
        fetch.run_update(
            tmp / "raw-update",
            lock_path=tmp / "lock.yaml",
            portals={"duo": portal.url},
            echo=lambda line: None,
        )
        return time.perf_counter() - started


if __name__ == "__main__":
    main()
