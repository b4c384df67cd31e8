"""Checksums and code versions: what makes every output traceable to its inputs and code.

One place for them, so the processed store, the fetch step and the report batch agree
on what "unchanged" means.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterable
from pathlib import Path

from analysis import paths

PACKAGE_DIR = Path(__file__).resolve().parent


def sha256_file(path: Path) -> str:
    """Checksum of a file, streamed."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=paths.PROJECT_ROOT, capture_output=True, text=True, check=True,
        timeout=5,
    ).stdout.strip()  # fmt: skip


def git_commit() -> str:
    """The checked-out commit, or 'unknown' outside a git checkout."""
    try:
        return _git("rev-parse", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def code_version() -> str:
    """The commit, with '-dirty' when the code or configuration has uncommitted changes."""
    commit = git_commit()
    if commit == "unknown":
        return commit
    try:
        dirty = _git("status", "--porcelain", "--", "src", "config", "notebooks")
    except (OSError, subprocess.SubprocessError):
        return commit
    return commit + ("-dirty" if dirty else "")


def source_fingerprint(extra: Iterable[Path] = ()) -> str:
    """A hash of the package's code, the configuration and ``extra`` files (by content)."""
    digest = hashlib.sha256()
    files = [p for p in sorted(PACKAGE_DIR.rglob("*.py")) if "__pycache__" not in p.parts]
    files += sorted(paths.CONFIG_DIR.glob("*.yaml")) + sorted(extra)
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
