"""The manifest of the processed store: its record type, version, timestamp and reader.

The manifest is written last by ``techniekpact process`` and read by everything after
it (the report batch, the notebooks). One reader, which raises: a caller for whom a
missing manifest is normal (the process step's first run) catches ``ManifestError``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from analysis import paths
from analysis.errors import TechniekpactError

MANIFEST_VERSION = 1


class ManifestError(TechniekpactError):
    """The processed store has no readable manifest."""


@dataclass
class FileResult:
    """What processing learned about one input file; becomes its manifest entry."""

    path: str
    sha256: str
    bytes: int
    format: str = ""
    dataset: str = ""
    role: str = ""
    description: str = ""
    publisher: str = ""  # from the data lock, matched by sha256
    url: str = ""
    licence: str = ""
    vintage: str = ""
    rows_read: int = 0
    cells: int = 0
    suppressed_cells: int = 0
    counts_total: int = 0
    counts_attributed_province: int = 0
    share_attributed_province: float | None = None
    unplaced: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: dict = field(default_factory=dict)


def read_manifest(processed_dir: Path) -> dict:
    """The processed store's manifest; ManifestError when it is missing or not JSON."""
    source = Path(processed_dir) / paths.MANIFEST_FILE
    try:
        return json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(f"{source}: no manifest; run `techniekpact process` first") from exc
    except ValueError as exc:
        raise ManifestError(f"{source}: not valid JSON ({exc})") from exc


def utc_now() -> str:
    """Timestamp for the manifest."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
