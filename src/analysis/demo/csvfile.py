"""Write a demo CSV with the byte-level quirks of a DUO release (BOM, CRLF, stray lines)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from analysis import atomic


def write_csv(
    path: str | Path,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    delimiter: str = ";",
    line_end: str = "\r\n",
    bom: bool = False,
    stray_lines: int = 0,
) -> Path:
    """Write rows quoted only where needed, as DUO does; ``stray_lines`` lines holding only
    ``""`` are spread through the body (the re-write artefact of the copies in docs/data-log.md)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(header)
    every = max(1, len(rows) // stray_lines) if stray_lines else 0
    written = 0
    for i, row in enumerate(rows, start=1):
        writer.writerow("" if v is None else v for v in row)
        if every and written < stray_lines and i % every == 0:
            out.write('""' + line_end)
            written += 1
    for _ in range(stray_lines - written):
        out.write('""' + line_end)
    data = out.getvalue().encode("utf-8")
    path = Path(path)
    atomic.write_bytes(path, (b"\xef\xbb\xbf" if bom else b"") + data)
    return path
