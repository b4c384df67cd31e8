"""Benchmark ``techniekpact fetch``: first fill from a mirror folder, then no-change re-runs.

Prints figures; asserts nothing. Usage: ``.venv/bin/python benchmarks/bench_fetch.py [MIRROR]``
(default: ../shared/data). The raw dir is a temporary folder; data/raw is not touched.
The no-change figure is the whole command in a child process (interpreter start included)
and, separately, the in-process verification of every registered file (size + sha256).
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
    entries = fetch.load_registry()
    total = sum(e.size for e in entries)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        first = _command(raw, "--mirror", mirror)
        again = min(_command(raw) for _ in range(5))
        started = time.perf_counter()
        fetch.fetch_all(raw, echo=lambda line: None)
        in_process = time.perf_counter() - started
    print(f"registry: {len(entries)} files, {total / 1e6:.1f} MB")
    print(f"first fetch from mirror folder (command):   {first:.2f} s")
    print(f"no-change re-run (command, best of 5):      {again:.2f} s")
    print(f"no-change verification (in process):       {in_process:.3f} s")


if __name__ == "__main__":
    main()
