"""Reading a raw file the way processing does, and reading it again by another route."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from analysis.ingest import identify


def read(path: Path) -> tuple[str, str, pd.DataFrame]:
    fmt, sniffed = identify(path)
    return fmt.id, fmt.role, fmt.read(sniffed)


def csv_dicts(path: Path, encoding: str, delimiter: str) -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
