"""Benchmark ``techniekpact process`` on the real files: full run, no-change re-run, peak memory.

Prints wall time and the child's CPU time (user + sys): on this shared 2-core machine the
wall time of a run depends on what else runs, the CPU time much less. Prints figures;
asserts nothing. Usage: ``.venv/bin/python benchmarks/bench_process.py [RAW_DIR]``
(default: ../shared/data, read in place).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import speed_check

from analysis import paths

TECHNIEKPACT = Path(sys.executable).with_name("techniekpact")


def _run(raw_dir: Path, processed_dir: Path, *extra: str) -> tuple[float, float, int, str]:
    """Run one process in a child; wall time, CPU time, peak RSS in MiB, last output line."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    done = subprocess.run(
        [
            str(TECHNIEKPACT),
            "process",
            "--raw-dir",
            str(raw_dir),
            "--processed-dir",
            str(processed_dir),
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    if done.returncode != 0:
        sys.exit(f"process failed ({done.returncode}):\n{done.stderr}")
    last = (done.stdout.strip().splitlines() or [""])[-1]
    return elapsed, cpu, max(peak, before) // 1024, last


def main() -> None:
    raw_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else paths.SHARED_DATA_DIR
    if not raw_dir.is_dir():
        sys.exit(f"no raw data at {raw_dir}")
    before = speed_check()
    with tempfile.TemporaryDirectory() as tmp:
        processed = Path(tmp) / "processed"
        full, full_cpu, peak, _ = _run(raw_dir, processed)
        again, _, _, message = _run(raw_dir, processed)
        forced, forced_cpu, _, _ = _run(raw_dir, processed, "--force")
    print(f"raw dir: {raw_dir}")
    print(f"full process (first run):  {full:6.2f} s   (target < 10 s; CPU {full_cpu:.2f} s)")
    print(f"full process (--force):    {forced:6.2f} s   (CPU {forced_cpu:.2f} s)")
    print(f"no-change re-run:          {again:6.2f} s   (target < 1 s)  -> {message}")
    print(f"peak memory (max RSS):     {peak:6d} MiB")
    print(f"before: {before}")
    print(f"after:  {speed_check()}")


if __name__ == "__main__":
    main()
