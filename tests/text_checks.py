"""Which numbers a generated Dutch sentence may contain: those of its table, formatted."""

from __future__ import annotations

import re

import pandas as pd

from analysis.present import text

NUMBER = re.compile(r"\d{4}/\d{2}|[+\u2212]?\d+(?:\.\d{3})*(?:,\d+)?%?")


def allowed_numbers(frame: pd.DataFrame) -> set[str]:
    """Every way a scorecard value may be printed: shares as %, changes as pp, years, ranks."""
    out: set[str] = set()
    for column in frame.columns:
        for value in frame[column]:
            if text.is_missing(value) or isinstance(value, str):
                continue
            v = float(value)
            out |= {text.pct(v), text.pct(v, 0), text.pp(v, unit=False), text.num(abs(v), 1)}
            if v.is_integer():
                out |= {str(int(v)), text.schooljaar(int(v))}
    return out
