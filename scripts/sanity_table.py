"""Print the national value per indicator (latest year) beside the published reference figures.

.venv/bin/python scripts/sanity_table.py [--processed-dir DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.indicators.engine import load_indicator_config
from analysis.store.sanity import GAP_PP, format_table, sanity_table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processed-dir", type=Path, default=paths.PROCESSED_DIR)
    args = parser.parse_args()
    source = args.processed_dir / paths.INDICATORS_FILE
    if not source.is_file():
        print(f"{source}: not found; run `techniekpact process` first.", file=sys.stderr)
        return 1
    table = sanity_table(pd.read_parquet(source), load_indicator_config())
    print(f"National values from {source} (gender totaal, latest year with data)\n")
    print(format_table(table))
    print(
        f"\nEXPLAIN: gap > {GAP_PP:g} percentage points to the reference; "
        "docs/methodology.md explains each one."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
