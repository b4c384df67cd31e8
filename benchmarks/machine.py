"""How fast this machine is right now, for reading the benchmarks' wall-clock figures.

A shared or virtual machine's speed moves with what else runs on its host: the same
pure-Python loop has taken 1.1 s and 2.0 s here minutes apart, with nothing else running
in the machine itself. The benchmarks print this figure before and after their runs.
"""

from __future__ import annotations

import time

LOOP = 30_000_000


def speed_check() -> str:
    """Seconds of one fixed pure-Python loop (CPU and wall) and the load average, as text."""
    started, cpu = time.perf_counter(), time.process_time()
    total = 0
    for i in range(LOOP):
        total += i
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    with open("/proc/loadavg", encoding="ascii") as handle:
        load = " ".join(handle.read().split()[:3])
    return f"machine check: a fixed loop took {wall:.2f} s (CPU {used:.2f} s); load average {load}"
