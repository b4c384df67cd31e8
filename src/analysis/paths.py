"""Where things live: one place, overridable by environment variables and CLI options.

Analysts and tests point the pipeline elsewhere with ``TECHNIEKPACT_*`` variables
instead of editing code.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


CONFIG_DIR = _env_path("TECHNIEKPACT_CONFIG_DIR", PROJECT_ROOT / "config")
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = _env_path("TECHNIEKPACT_RAW_DIR", DATA_DIR / "raw")
PROCESSED_DIR = _env_path("TECHNIEKPACT_PROCESSED_DIR", DATA_DIR / "processed")
REPORTS_DIR = _env_path("TECHNIEKPACT_REPORTS_DIR", PROJECT_ROOT / "reports")
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
DOCS_DIR = PROJECT_ROOT / "docs"
# The real files kept beside the repository on the team's machines (never copied in).
SHARED_DATA_DIR = _env_path("TECHNIEKPACT_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data")

# Documentation and bookkeeping files that may sit among the raw files: never data (fetch
# leaves them in place, process does not read them).
RAW_DOC_SUFFIXES = frozenset({".md", ".txt", ".rst", ".pdf"})

REGIONS_CONFIG = CONFIG_DIR / "regions.yaml"
INDICATORS_CONFIG = CONFIG_DIR / "indicators.yaml"


def use_config_dir(folder: str | Path) -> None:
    """Read the configuration from ``folder`` (``--config-dir``), here and in child processes
    (report workers, notebook kernels), which read ``TECHNIEKPACT_CONFIG_DIR``."""
    global CONFIG_DIR, REGIONS_CONFIG, INDICATORS_CONFIG
    CONFIG_DIR = Path(folder).expanduser().resolve()
    REGIONS_CONFIG = CONFIG_DIR / "regions.yaml"
    INDICATORS_CONFIG = CONFIG_DIR / "indicators.yaml"
    os.environ["TECHNIEKPACT_CONFIG_DIR"] = str(CONFIG_DIR)


STORE_FILE = "store.parquet"
MANIFEST_FILE = "manifest.json"
INDICATORS_FILE = "indicators.parquet"
DERIVED_FILE = "derived.parquet"
REGIONS_FILE = "regions.parquet"
# A reports folder's edition (issue 13): its record, and the changes since the previous one.
# docs/methodology.md as published in the reports folder (publish.methodology); reports in
# <reports>/<level>/ link to it as ../METHODOLOGY_PAGE, the index as METHODOLOGY_PAGE.
METHODOLOGY_PAGE = "methodologie.html"
EDITION_DIR = "edition"
EDITION_CHANGES_FILE = "changes.parquet"
EDITION_SUMMARY_FILE = "changes.json"
