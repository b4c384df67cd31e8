"""Raw data from the publishers, pinned by a data lock.

- ``config/datasets.yaml`` says which catalogues, datasets and resources (cuts) the monitor
  takes (``analysis.fetch.datasets``);
- ``config/data-lock.yaml`` pins every raw file by its bytes (``analysis.fetch.lock``);
- ``techniekpact fetch`` installs exactly the locked files, verified, from the publisher or
  a mirror (``analysis.fetch.pinned``);
- ``techniekpact fetch --update`` asks the catalogues for the newest releases, verifies
  them, prints what changed and writes the new lock (``analysis.fetch.update``).
"""

from __future__ import annotations

from analysis.fetch.download import LOCK_FILE, QUARANTINE_DIR, STAGING_DIR
from analysis.fetch.lock import DATA_LOCK, load_lock
from analysis.fetch.pinned import STATE_FILE, fetch_locked, read_state, run_fetch
from analysis.fetch.update import run_update

__all__ = [
    "DATA_LOCK",
    "LOCK_FILE",
    "QUARANTINE_DIR",
    "STAGING_DIR",
    "STATE_FILE",
    "fetch_locked",
    "load_lock",
    "read_state",
    "run_fetch",
    "run_update",
]
