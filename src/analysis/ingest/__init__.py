"""Readers for every raw DUO/CBS file: recognise a file by its header, read it to a tidy frame.

Each module registers one ``SourceFormat`` per release format it reads. ``identify``
picks the format from a file's content, never from its name.
"""

from __future__ import annotations

from pathlib import Path

from analysis.errors import DataError
from analysis.ingest.rawfile import Sniffed, SourceFormat, sniff

__all__ = ["SourceFormat", "all_formats", "identify"]


def all_formats() -> list[SourceFormat]:
    """Every known release format, in recognition order."""
    from analysis.ingest import cbs, geo, ho, institutions, mbo, vo

    return [
        *vo.FORMATS,
        *mbo.FORMATS,
        *ho.FORMATS,
        *institutions.FORMATS,
        *cbs.FORMATS,
        *geo.FORMATS,
    ]


def identify(path: str | Path) -> tuple[SourceFormat, Sniffed]:
    """The format of ``path``, by content; a clear error listing what was looked for."""
    sniffed = sniff(path)
    for fmt in all_formats():
        if fmt.matches(sniffed):
            return fmt, sniffed
    looked_for = "; ".join(f"{f.description}: {f.signature}" for f in all_formats())
    seen = sniffed.header or sniffed.json_keys
    raise DataError(
        path,
        f"unrecognised file; its header starts {list(seen)[:8]}",
        expected=f"one of the known release formats — {looked_for}",
    )
