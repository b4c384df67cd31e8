"""Benchmark reading the config files: PyYAML's pure-Python loader against libyaml
(``yaml.CSafeLoader``, what ``analysis.configfile`` uses where it can), and the cache.

Prints figures; asserts nothing. Usage: ``.venv/bin/python benchmarks/bench_config_yaml.py``.
"""

from __future__ import annotations

import os
import time

import yaml

from analysis import configfile, paths, regions
from analysis.indicators.rules import load_indicator_config

ROUNDS = 5


def _best(call) -> float:
    times = []
    for _ in range(ROUNDS):
        configfile._parsed.cache_clear()  # a first read each round
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    files = sorted(paths.CONFIG_DIR.glob("*.yaml"))
    sources = {f: f.read_text(encoding="utf-8") for f in files}
    size = sum(len(s) for s in sources.values()) / 1000
    print(f"config files: {len(files)}, {size:.0f} kB; load average {os.getloadavg()[0]:.2f}")
    loaders = [yaml.SafeLoader] + ([yaml.CSafeLoader] if yaml.__with_libyaml__ else [])
    for loader in loaders:
        took = _best(lambda loader=loader: [yaml.load(s, Loader=loader) for s in sources.values()])
        print(f"  parse every file once, {loader.__name__:<12} {took * 1000:7.1f} ms")

    def configs() -> None:
        load_indicator_config()  # with config/ho_beta_programmes.yaml
        regions.load_config()

    for loader in loaders:
        configfile.SAFE_LOADER = loader
        cold = _best(configs)
        configs()
        started = time.perf_counter()
        for _ in range(10):
            configs()
        warm = (time.perf_counter() - started) / 10
        print(
            f"  indicator + region config, {loader.__name__:<12} first read {cold * 1000:6.1f} ms,"
            f" again (cached) {warm * 1000:6.1f} ms"
        )


if __name__ == "__main__":
    main()
