"""Getting one file's bytes safely: downloads through pooch, mirror folders as links.

Downloads go through pooch (retries, temp file, hash check) into a hidden staging dir
(``<raw>/.fetch-tmp``) and are renamed into place atomically, so the raw dir never holds a
partial or unverified file, even after a kill. A mirror *folder* is not copied: its
verified files are linked (symbolic links), so the data are read where they are and exist
once on disk. Hidden paths are ignored by ``techniekpact process``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from analysis.errors import TechniekpactError
from analysis.fetch.lock import LockEntry
from analysis.provenance import sha256_file

STAGING_DIR = ".fetch-tmp"  # under the raw dir; hidden, so processing never reads it
QUARANTINE_DIR = ".quarantine"  # files that failed verification or were superseded, kept
LOCK_FILE = ".fetch.lock"
OFFICIAL_TIMEOUT = 10.0  # seconds; short, because the mirror is the usual source
MIRROR_TIMEOUT = 60.0
RETRIES = 3  # extra attempts on 5xx, timeouts and broken transfers (pooch waits 1, 2, 3 s)


class SourceFailed(Exception):
    """One source could not deliver a verified file; the message says why."""


class Unreachable(SourceFailed):
    """The host or folder cannot be reached at all: skip it for the other files too."""


class Replaced(SourceFailed):
    """The publisher serves other bytes than the lock pins: a new release or a revision."""


class _Permanent(Exception):
    """An HTTP failure that retrying cannot fix (4xx); deliberately not retried by pooch."""


@dataclass
class Run:
    """Settings and per-run memory shared by all files of one command."""

    raw_dir: Path
    mirror: str | None = None
    official_timeout: float = OFFICIAL_TIMEOUT
    mirror_timeout: float = MIRROR_TIMEOUT
    retries: int = RETRIES
    dead: dict[str, str] = field(default_factory=dict)  # host or folder -> why unreachable

    @property
    def staging(self) -> Path:
        return self.raw_dir / STAGING_DIR


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def mirror_folder(mirror: str) -> Path:
    """The folder a non-HTTP mirror names: a plain path or a ``file://`` URL."""
    path = url2pathname(urlsplit(mirror).path) if mirror.startswith("file:") else mirror
    return Path(path).expanduser()


def describe(path: Path) -> str:
    """'N bytes, sha256 abcdef012345…' of a file, for mismatch messages."""
    return f"{path.stat().st_size} bytes, sha256 {sha256_file(path)[:12]}…"


def download(url: str, run: Run, timeout: float, *, name: str, known_hash: str | None) -> Path:
    """Download ``url`` with pooch into staging as ``name``; verified when ``known_hash``.

    Raises ``Replaced`` when the bytes differ from ``known_hash`` (after the retries),
    ``Unreachable`` when the host cannot be reached, ``SourceFailed`` otherwise.
    """
    import pooch
    import requests

    pup = pooch.create(
        path=run.staging,
        base_url="",
        registry={name: f"sha256:{known_hash}" if known_hash else None},
        urls={name: url},
        retry_if_failed=run.retries,
        allow_updates=False,
    )
    attempts = run.retries + 1
    try:
        with _quiet_pooch():
            return Path(pup.fetch(name, downloader=_Downloader(timeout)))
    except _Permanent as exc:
        raise SourceFailed(f"{url}: {exc}") from exc
    except Unreachable as exc:
        raise Unreachable(f"{urlsplit(url).netloc} unreachable: {exc}") from exc
    except requests.exceptions.ConnectTimeout as exc:
        host = urlsplit(url).netloc
        raise Unreachable(f"{host} unreachable: no connection in {timeout:g} s") from exc
    except ValueError as exc:  # pooch: hash mismatch, after the retries
        raise Replaced(
            f"{url}: other bytes than sha256 {known_hash[:12]}… in {attempts} attempt(s)"
        ) from exc
    except requests.exceptions.Timeout as exc:
        raise SourceFailed(f"{url}: timed out after {timeout:g} s, {attempts} attempt(s)") from exc
    except requests.exceptions.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise SourceFailed(f"{url}: HTTP {status}, {attempts} attempt(s)") from exc
    except requests.exceptions.RequestException as exc:
        kind = "timed out" if _is_read_timeout(exc) else "transfer broken (incomplete body)"
        raise SourceFailed(f"{url}: {kind}, {attempts} attempt(s): {exc}") from exc


def link_from_folder(source: Path, entry: LockEntry, run: Run) -> tuple[Path, str]:
    """A symbolic link in staging to a verified file of a mirror folder (no copy is made),
    and which pinned copy it is."""
    root = mirror_folder(run.mirror or "")
    if not root.is_dir():
        raise Unreachable(f"mirror folder {root} does not exist")
    if not source.is_file():
        raise SourceFailed(f"not in mirror folder ({source} is missing)")
    kind = entry.accepts(sha256_file(source), source.stat().st_size)
    if kind is None:
        raise SourceFailed(f"checksum mismatch: {mismatch(source, entry)}")
    staged = run.staging / entry.path
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.unlink(missing_ok=True)
    staged.symlink_to(source.resolve())
    return staged, kind


def mismatch(path: Path, entry: LockEntry) -> str:
    """What a file has against what the lock pins, in words."""
    pinned = f"{entry.size} bytes, sha256 {entry.sha256[:12]}…"
    if entry.mirror:
        pinned += f" (or the mirror copy: {entry.mirror.size} bytes, {entry.mirror.sha256[:12]}…)"
    return f"got {describe(path)}; the lock pins {pinned}"


def _is_read_timeout(exc: BaseException) -> bool:
    # requests reports a read timeout while streaming the body as a ConnectionError.
    return "timed out" in str(exc).lower()


class _Downloader:
    """pooch's HTTPDownloader, with failures sorted into retryable and not.

    pooch retries every ``RequestException``. 5xx, 408/429, timeouts and broken transfers
    are left as such; 4xx and refused connections are raised as other exceptions, so
    pooch gives up at once instead of backing off on something that cannot recover.
    """

    def __init__(self, timeout: float) -> None:
        import pooch

        self._http = pooch.HTTPDownloader(timeout=timeout, progressbar=False)

    def __call__(self, url: str, output_file: Any, pup: Any, check_only: bool = False) -> Any:
        import requests

        try:
            return self._http(url, output_file, pup, check_only=check_only)
        except requests.exceptions.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status >= 500 or status in (408, 429):
                raise
            raise _Permanent(f"HTTP {status} {getattr(exc.response, 'reason', '')}") from exc
        except requests.exceptions.ConnectTimeout:
            raise
        except requests.exceptions.ConnectionError as exc:
            if _is_read_timeout(exc):
                raise
            raise Unreachable(_root_cause(exc)) from exc


def _root_cause(exc: BaseException) -> str:
    """The OS-level reason ('Connection refused', 'Name or service not known')."""
    found = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(exc))
    return found.group(1).strip() if found else "connection failed"


def move_aside(raw_dir: Path, rel: str) -> Path:
    """Move ``raw_dir/rel`` into the quarantine with a UTC stamp; never overwrite anything."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = raw_dir / QUARANTINE_DIR / f"{rel}.{stamp}"
    aside.parent.mkdir(parents=True, exist_ok=True)
    n = 1
    while aside.exists() or aside.is_symlink():
        n += 1
        aside = aside.with_name(f"{Path(rel).name}.{stamp}.{n}")
    os.replace(raw_dir / rel, aside)
    return aside


def install(staged: Path, target: Path) -> None:
    """Rename a verified staged file (or link) into place atomically."""
    from analysis.atomic import atomic_path

    with atomic_path(target) as tmp:
        os.replace(staged, tmp)


@contextlib.contextmanager
def locked(raw_dir: Path) -> Iterator[None]:
    """One fetch per raw dir at a time; the staging dir is cleaned on entry and exit."""
    from filelock import FileLock, Timeout

    raw_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(raw_dir / LOCK_FILE)
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise TechniekpactError(
            f"{raw_dir}: another `techniekpact fetch` is running on this folder"
        ) from exc
    try:
        shutil.rmtree(raw_dir / STAGING_DIR, ignore_errors=True)  # left by a killed run
        yield
    finally:
        shutil.rmtree(raw_dir / STAGING_DIR, ignore_errors=True)
        lock.release()


@contextlib.contextmanager
def _quiet_pooch() -> Iterator[None]:
    """pooch logs every download at INFO; this command prints its own lines."""
    import pooch

    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
