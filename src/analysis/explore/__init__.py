"""What the exploration notebooks call: data overview, comparisons, gender views, and the
tables for an analyst's own work (``explore.long_table``, ``explore.values``)."""

from analysis.explore.tables import long_table, values

__all__ = ["long_table", "values"]
