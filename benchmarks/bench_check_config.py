"""Benchmark the config check on the real files: how soon an analyst hears of a config mistake.

Times ``check_config`` in this process (the reference files only), the ``techniekpact
check-config`` command (imports included, with and without a processed store to check rule
values against), and ``techniekpact process`` stopping on a misspelt municipality. Prints
figures; asserts nothing. Usage: ``.venv/bin/python benchmarks/bench_check_config.py [RAW_DIR]``
(default: ../shared/data, read in place).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis import paths
from analysis.store.configcheck import check_config
from analysis.store.process import input_files

TECHNIEKPACT = Path(sys.executable).with_name("techniekpact")


def _timed_command(*args: str, env: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run([str(TECHNIEKPACT), *args], capture_output=True, text=True, env=env)
    return time.perf_counter() - started, done.returncode


def main() -> None:
    raw = Path(sys.argv[1]) if len(sys.argv) > 1 else paths.SHARED_DATA_DIR
    files = input_files(raw)
    for attempt in (1, 2):
        started = time.perf_counter()
        problems = check_config(files)
        took = time.perf_counter() - started
        print(f"check_config, run {attempt}: {took:.2f} s, {len(problems)} problem(s)")
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config"
        shutil.copytree(paths.CONFIG_DIR, config)
        regions = config / "regions.yaml"
        regions.write_text(
            regions.read_text(encoding="utf-8").replace("Ede, Wageningen", "Ede, Wageningn"),
            encoding="utf-8",
        )
        env = {**os.environ, "TECHNIEKPACT_CONFIG_DIR": str(config)}
        empty = Path(tmp) / "processed"
        took, status = _timed_command(
            "check-config", "--raw-dir", str(raw), "--processed-dir", str(empty), env=env
        )
        print(f"techniekpact check-config (no store): {took:.2f} s, exit {status}")
        if (paths.PROCESSED_DIR / paths.STORE_FILE).is_file():
            took, status = _timed_command(
                "check-config", "--raw-dir", str(raw), "--processed-dir",
                str(paths.PROCESSED_DIR), env=env,
            )  # fmt: skip
            print(f"techniekpact check-config (rule values too): {took:.2f} s, exit {status}")
        took, status = _timed_command(
            "process", "--raw-dir", str(raw), "--processed-dir", str(empty), env=env
        )
        print(f"techniekpact process stopping on the misspelt name: {took:.2f} s, exit {status}")
    print(f"load average: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
