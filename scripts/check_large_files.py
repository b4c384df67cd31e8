"""Refuse files over a size limit (pre-commit hook): data belongs in data/raw, not in git.

Raw DUO/CBS files are fetched (``make data``), processed outputs and reports are rebuilt;
a multi-megabyte file in a commit is almost always one of those, or a notebook that still
carries its outputs. Usage: ``check_large_files.py [--max-kb N] FILE...``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_MAX_KB = 500


def too_large(files: list[Path], max_kb: int) -> list[tuple[Path, int]]:
    """(file, size in kB) of every existing file above ``max_kb``."""
    found = []
    for path in files:
        if path.is_file():
            size_kb = -(-path.stat().st_size // 1024)
            if size_kb > max_kb:
                found.append((path, size_kb))
    return found


def main(argv: list[str] | None = None) -> int:
    """Exit status 1 and one line per offending file, 0 when all are small enough."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-kb", type=int, default=DEFAULT_MAX_KB)
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    found = too_large(args.files, args.max_kb)
    for path, size_kb in found:
        print(
            f"{path}: {size_kb} kB is over the {args.max_kb} kB limit "
            "(raw data goes in data/raw via `make data`; notebooks are committed without outputs)"
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
