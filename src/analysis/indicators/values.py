"""Rule values checked against the data: a value no row has is a mistake, not a zero.

``{column: subfield, in: [Bouw en Infrastructuur]}`` matches nothing when the DOMEIN is
called "Bouw en infra": without this check the indicator is 0,0% everywhere and nobody is
told. Every ``in``/``not_in`` value and every ``regex`` of every indicator must match at
least one value of its column among the rows of the indicator's dataset and level, unless the
indicator lists it under ``may_be_absent`` (a value that is expected to appear only in
some releases).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from analysis.indicators.rules import NUMERIC_COLUMNS, Combination, Condition, IndicatorConfig
from analysis.suggest import did_you_mean

# How many of a column's values an error lists when nothing is close.
SHOWN_VALUES = 8


def conditions(rule: object) -> Iterator[Condition]:
    """Every ``Condition`` in a rule tree (other rule kinds check their own values)."""
    if isinstance(rule, Condition):
        yield rule
    elif isinstance(rule, Combination):
        for part in rule.rules:
            yield from conditions(part)


def unmatched_values(config: IndicatorConfig, store: pd.DataFrame) -> list[str]:
    """One message per rule value that no row of the indicator's dataset has."""
    distinct: dict[tuple[str, tuple[str, ...], str], list] = {}
    # Row positions per (dataset, level), found once: the store has a million rows.
    groups = store.groupby(["dataset", "level"], observed=True, sort=False).indices
    groups = {(str(d), str(v)): rows for (d, v), rows in groups.items()}

    def rows_of(dataset: str, levels: tuple[str, ...]) -> np.ndarray:
        parts = [groups[dataset, level] for level in levels if (dataset, level) in groups]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.intp)

    def values_of(dataset: str, levels: tuple[str, ...], column: str) -> list:
        key = (dataset, levels, column)
        if key not in distinct:
            column_values = store[column].iloc[rows_of(dataset, levels)]
            distinct[key] = sorted(column_values.dropna().unique().tolist(), key=str)
        return distinct[key]

    problems = []
    for ind in config.indicators.values():
        levels = ind.levels
        if not len(rows_of(ind.dataset, levels)):
            continue  # no file with these rows: the report says the data are missing
        allowed = {str(v).casefold() for v in ind.may_be_absent}
        for part, rule in (("numerator", ind.numerator), ("denominator", ind.denominator)):
            for cond in conditions(rule):
                present = values_of(ind.dataset, levels, cond.column)
                for missing in _absent(cond, present):
                    if str(missing).casefold() in allowed:
                        continue
                    problems.append(_message(ind.id, part, cond, missing, present))
    return problems


def _absent(cond: Condition, present: list) -> list:
    """The condition's values (or its pattern) that match none of ``present``."""
    if cond.op == "regex":
        assert cond.pattern is not None
        hit = any(cond.pattern.search(str(v)) for v in present)
        return [] if hit else [cond.pattern.pattern]
    if cond.column in NUMERIC_COLUMNS:
        have = {int(v) for v in present}
        return [v for v in cond.values if v not in have]
    have = {str(v).casefold() for v in present}
    return [v for v in cond.values if v not in have]


def _message(indicator: str, part: str, cond: Condition, value: object, present: list) -> str:
    what = "regex" if cond.op == "regex" else "value"
    hint = did_you_mean(value, [str(v) for v in present], quoted=True)
    if not hint:
        shown = ", ".join(repr(str(v)) for v in present[:SHOWN_VALUES])
        more = f" … ({len(present)} in all)" if len(present) > SHOWN_VALUES else ""
        hint = f"; its values are: {shown}{more}" if present else "; the column is empty there"
    return (
        f"indicator {indicator!r} {part}: {what} {value!r} matches no {cond.column!r} among its "
        f"dataset and level{hint} (a value that may be absent goes under `may_be_absent`; "
        "`explore.values(data, dataset, column)` lists the values)"
    )
