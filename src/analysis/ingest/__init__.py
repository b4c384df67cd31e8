"""Readers for every raw DUO/CBS file: recognise a file by its header, read it to a tidy frame.

Each module registers one ``SourceFormat`` per release format it reads. ``identify``
picks the format from a file's content, never from its name.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.errors import DataError, TechniekpactError
from analysis.ingest.rawfile import Sniffed, SourceFormat, sniff

__all__ = ["SourceFormat", "all_formats", "format_by_id", "identify", "read_file"]


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


def format_by_id(format_id: str) -> SourceFormat:
    """The registered format with this id (``read_file`` returns ids, not formats)."""
    return next(f for f in all_formats() if f.id == format_id)


def read_file(
    path: Path, roles: frozenset[str] | None = None
) -> tuple[str, pd.DataFrame | None] | str:
    """Recognise and read one file: (format id, frame), or the error message naming the file.

    With ``roles``, a file of another role is recognised but not read (frame None).
    A plain function of a path that returns picklable values, so that processing can read
    files in worker processes.
    """
    try:
        fmt, sniffed = identify(path)
        if roles is not None and fmt.role not in roles:
            return fmt.id, None
        return fmt.id, fmt.load(sniffed)
    except TechniekpactError as exc:
        return str(exc)
    except (ValueError, KeyError, UnicodeError) as exc:  # a reader bug must still name the file
        return f"{path}: could not be read ({type(exc).__name__}: {exc})"
