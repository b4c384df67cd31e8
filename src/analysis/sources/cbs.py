"""Placeholder: the cbs readers land here (FORMATS lists their release formats)."""

from analysis.sources import SourceFormat

FORMATS: list[SourceFormat] = []
