"""``techniekpact fetch``: put every registered raw file in the raw dir, verified by sha256.

The registry (``config/sources.yaml``) pins each file's bytes by checksum, so a rerun of
the pipeline reads exactly what it was built on. Per file: keep it when present and
verified; move a file with the wrong checksum aside (into ``<raw>/.quarantine/``, never
overwritten silently); otherwise try the official URLs, then the mirror. Downloads go
through pooch (retries, temp file, hash check) into a hidden staging dir and are then
renamed into place atomically, so ``data/raw`` never holds a partial or unverified file,
even after a kill. A mirror *folder* is not copied: its verified files are linked (symbolic
links), so the data are read where they are and exist once on disk. Hidden paths are
ignored by ``techniekpact process``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit
from urllib.request import url2pathname

import yaml

from analysis import paths
from analysis.atomic import atomic_path
from analysis.errors import ConfigError, TechniekpactError
from analysis.provenance import sha256_file

REGISTRY_FILE = paths.CONFIG_DIR / "sources.yaml"
STAGING_DIR = ".fetch-tmp"  # under the raw dir; hidden, so processing never reads it
QUARANTINE_DIR = ".quarantine"  # files that failed verification, kept for inspection
LOCK_FILE = ".fetch.lock"
OFFICIAL_TIMEOUT = 10.0  # seconds; short, because the mirror is the usual source
MIRROR_TIMEOUT = 60.0
RETRIES = 3  # extra attempts on 5xx, timeouts and broken transfers (pooch waits 1, 2, 3 s)

_REQUIRED = ("path", "sha256", "size", "publisher", "dataset", "licence", "vintage")
_TEXT_FIELDS = ("publisher", "dataset", "licence", "vintage", "page", "origin", "note")
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class RegistryEntry:
    """One raw file: where it goes, what its bytes must hash to, and where to get it."""

    path: str  # relative to the raw dir, POSIX separators
    sha256: str
    size: int
    urls: tuple[str, ...]
    publisher: str
    dataset: str
    licence: str
    vintage: str
    page: str = ""
    origin: str = ""
    note: str = ""


def load_registry(path: Path | None = None) -> list[RegistryEntry]:
    """Read and validate the registry; a ConfigError names the entry and field at fault."""
    path = path or REGISTRY_FILE
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(path, f"cannot read the download registry: {exc}") from exc
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, list) or not files:
        raise ConfigError(path, "expected a non-empty list under 'files:'")
    entries: list[RegistryEntry] = []
    seen: set[str] = set()
    for number, raw in enumerate(files, start=1):
        entry = _entry(path, number, raw)
        if entry.path in seen:
            raise ConfigError(path, f"entry {number}: path {entry.path!r} is listed twice")
        seen.add(entry.path)
        entries.append(entry)
    return entries


def _entry(path: Path, number: int, raw: Any) -> RegistryEntry:
    where = f"entry {number}"
    if not isinstance(raw, dict):
        raise ConfigError(path, f"{where}: expected a mapping with keys {list(_REQUIRED)}")
    where = f"entry {number} ({raw.get('path', '?')})"
    missing = [key for key in _REQUIRED if raw.get(key) in (None, "")]
    if missing:
        raise ConfigError(path, f"{where}: missing {missing}")
    rel = PurePosixPath(str(raw["path"]))
    if rel.is_absolute() or any(part in ("..", ".") or part.startswith(".") for part in rel.parts):
        raise ConfigError(path, f"{where}: path must be relative, without '..' or hidden parts")
    sha = str(raw["sha256"]).lower()
    if len(sha) != 64 or not set(sha) <= _HEX:
        raise ConfigError(path, f"{where}: sha256 must be 64 hex digits, got {raw['sha256']!r}")
    if not isinstance(raw["size"], int) or raw["size"] < 0:
        raise ConfigError(path, f"{where}: size must be a byte count, got {raw['size']!r}")
    urls = raw.get("urls") or []
    if not isinstance(urls, list) or not all(
        isinstance(u, str) and u.startswith(("http://", "https://")) for u in urls
    ):
        raise ConfigError(path, f"{where}: urls must be a list of http(s) URLs")
    return RegistryEntry(
        path=str(rel),
        sha256=sha,
        size=raw["size"],
        urls=tuple(urls),
        **{key: str(raw.get(key) or "").strip() for key in _TEXT_FIELDS},
    )


def verified(path: Path, entry: RegistryEntry) -> bool:
    """True when ``path`` has the registered size and sha256 (size first: it is free)."""
    return path.stat().st_size == entry.size and sha256_file(path) == entry.sha256


# --- outcomes --------------------------------------------------------------------------


@dataclass
class Outcome:
    """What happened to one registry file, for the per-file line and the summary."""

    path: str
    status: str  # 'present' | 'fetched' | 'failed'
    detail: str = ""

    def line(self) -> str:
        label = {"present": "ok", "fetched": "fetched", "failed": "FAILED"}[self.status]
        return f"{label:<8} {self.path}  {self.detail}"


class _SourceFailed(Exception):
    """One source could not deliver a verified file; the message says why."""


class _Unreachable(_SourceFailed):
    """The host or folder cannot be reached at all: skip it for the other files too."""


class _Permanent(Exception):
    """An HTTP failure that retrying cannot fix (4xx); deliberately not retried by pooch."""


# --- sources ---------------------------------------------------------------------------


@dataclass
class _Run:
    """Settings and per-run memory shared by all files."""

    raw_dir: Path
    mirror: str | None
    official_timeout: float
    mirror_timeout: float
    retries: int
    dead: dict[str, str] = field(default_factory=dict)  # host or folder -> why unreachable

    @property
    def staging(self) -> Path:
        return self.raw_dir / STAGING_DIR


def _is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def mirror_folder(mirror: str) -> Path:
    """The folder a non-HTTP mirror names: a plain path or a ``file://`` URL."""
    path = url2pathname(urlsplit(mirror).path) if mirror.startswith("file:") else mirror
    return Path(path).expanduser()


def _sources(entry: RegistryEntry, run: _Run) -> list[tuple[str, str, float]]:
    """(label, location, timeout) to try in order: official URLs, then the mirror."""
    out = [("official", url, run.official_timeout) for url in entry.urls]
    if run.mirror and _is_url(run.mirror):
        out.append(("mirror", f"{run.mirror.rstrip('/')}/{quote(entry.path)}", run.mirror_timeout))
    elif run.mirror:
        out.append(("mirror", str(mirror_folder(run.mirror) / entry.path), run.mirror_timeout))
    return out


def _obtain(entry: RegistryEntry, run: _Run) -> Outcome:
    """Try each source until one delivers a verified file, installed atomically."""
    sources = _sources(entry, run)
    if not sources:
        return Outcome(entry.path, "failed", "no official download URL and no --mirror given")
    reasons: list[str] = []
    for label, location, timeout in sources:
        is_url = _is_url(location)
        key = urlsplit(location).netloc if is_url else "mirror folder"
        if key in run.dead:
            reasons.append(f"{label}: {run.dead[key]} (earlier in this run)")
            continue
        try:
            staged = (
                _download(location, entry, run, timeout) if is_url else _link(location, entry, run)
            )
            with atomic_path(run.raw_dir / entry.path) as tmp:
                os.replace(staged, tmp)
        except _Unreachable as exc:
            run.dead[key] = str(exc)
            reasons.append(f"{label}: {exc}")
        except _SourceFailed as exc:
            reasons.append(f"{label}: {exc}")
        except OSError as exc:  # disk full, no permission: report it with the file, go on
            reasons.append(f"{label}: {exc.strerror or exc} ({exc.filename or location})")
        else:
            where = location if label == "official" else "mirror"
            if not is_url:
                where += f" (linked, read in place: {location})"
            tried = f" (after {'; '.join(reasons)})" if reasons else ""
            return Outcome(entry.path, "fetched", f"from {where}{tried}")
        finally:
            shutil.rmtree(run.staging, ignore_errors=True)
    return Outcome(entry.path, "failed", "; ".join(reasons))


def _link(source: str, entry: RegistryEntry, run: _Run) -> Path:
    """A symbolic link in staging to a verified file of a mirror folder (no copy is made)."""
    src = Path(source)
    root = mirror_folder(run.mirror or "")
    if not root.is_dir():
        raise _Unreachable(f"mirror folder {root} does not exist")
    if not src.is_file():
        raise _SourceFailed(f"not in mirror folder ({src} is missing)")
    if not verified(src, entry):
        raise _SourceFailed(_mismatch(src, entry))
    staged = run.staging / entry.path
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.unlink(missing_ok=True)
    staged.symlink_to(src.resolve())
    return staged


def _mismatch(path: Path, entry: RegistryEntry) -> str:
    return (
        f"checksum mismatch: got {path.stat().st_size} bytes, sha256 {sha256_file(path)[:12]}…; "
        f"registry expects {entry.size} bytes, sha256 {entry.sha256[:12]}… "
        "(a new release? check it, then add it to config/sources.yaml)"
    )


def _download(url: str, entry: RegistryEntry, run: _Run, timeout: float) -> Path:
    """Download with pooch into staging: temp file, retries, sha256 check, then rename."""
    import pooch
    import requests

    pup = pooch.create(
        path=run.staging,
        base_url="",
        registry={entry.path: f"sha256:{entry.sha256}"},
        urls={entry.path: url},
        retry_if_failed=run.retries,
        allow_updates=False,
    )
    attempts = run.retries + 1
    try:
        return Path(pup.fetch(entry.path, downloader=_Downloader(timeout)))
    except _Permanent as exc:
        raise _SourceFailed(f"{url}: {exc}") from exc
    except _Unreachable as exc:
        raise _Unreachable(f"{urlsplit(url).netloc} unreachable: {exc}") from exc
    except requests.exceptions.ConnectTimeout as exc:
        host = urlsplit(url).netloc
        raise _Unreachable(f"{host} unreachable: no connection in {timeout:g} s") from exc
    except ValueError as exc:  # pooch: hash mismatch, after the retries
        raise _SourceFailed(
            f"{url}: checksum mismatch in {attempts} attempt(s): the server sends other bytes "
            f"than sha256 {entry.sha256[:12]}… (a new release? check it, then add it to "
            "config/sources.yaml)"
        ) from exc
    except requests.exceptions.Timeout as exc:
        raise _SourceFailed(f"{url}: timed out after {timeout:g} s, {attempts} attempt(s)") from exc
    except requests.exceptions.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise _SourceFailed(f"{url}: HTTP {status}, {attempts} attempt(s)") from exc
    except requests.exceptions.RequestException as exc:
        kind = "timed out" if _is_read_timeout(exc) else "transfer broken (incomplete body)"
        raise _SourceFailed(f"{url}: {kind}, {attempts} attempt(s): {exc}") from exc


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
            raise _Unreachable(_root_cause(exc)) from exc


def _root_cause(exc: BaseException) -> str:
    """The OS-level reason ('Connection refused', 'Name or service not known')."""
    found = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(exc))
    return found.group(1).strip() if found else "connection failed"


# --- the command -----------------------------------------------------------------------


def _check_present(entry: RegistryEntry, raw_dir: Path) -> tuple[bool, str]:
    """(verified, note): a file with the wrong checksum is moved aside, never overwritten."""
    target = raw_dir / entry.path
    if not target.is_file():
        return False, ""
    if verified(target, entry):
        return True, "already present, verified"
    why = _mismatch(target, entry).split(" (", 1)[0]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = raw_dir / QUARANTINE_DIR / f"{entry.path}.{stamp}"
    aside.parent.mkdir(parents=True, exist_ok=True)
    n = 1
    while aside.exists():
        n += 1
        aside = aside.with_name(f"{Path(entry.path).name}.{stamp}.{n}")
    os.replace(target, aside)
    return False, f"present with {why}; moved aside to {aside.relative_to(raw_dir)}; "


@contextlib.contextmanager
def _locked(raw_dir: Path) -> Iterator[None]:
    """One fetch per raw dir at a time: the staging dir is cleaned on entry."""
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


def fetch_all(
    raw_dir: Path,
    *,
    mirror: str | None = None,
    registry_path: Path | None = None,
    official_timeout: float = OFFICIAL_TIMEOUT,
    mirror_timeout: float = MIRROR_TIMEOUT,
    retries: int = RETRIES,
    echo: Callable[[str], None] = print,
) -> list[Outcome]:
    """Make every registered file present and verified; one outcome (and line) per file."""
    entries = load_registry(registry_path or REGISTRY_FILE)
    run = _Run(Path(raw_dir), mirror, official_timeout, mirror_timeout, retries)
    outcomes: list[Outcome] = []
    with _locked(run.raw_dir):
        for entry in entries:
            present, note = _check_present(entry, run.raw_dir)
            if present:
                outcome = Outcome(entry.path, "present", note)
            else:
                with _quiet_pooch():
                    outcome = _obtain(entry, run)
                outcome.detail = note + outcome.detail
            outcomes.append(outcome)
            echo(outcome.line())
    return outcomes


def run_fetch(
    raw_dir: Path,
    *,
    mirror: str | None,
    allow_offline: bool,
    registry_path: Path | None = None,
    official_timeout: float = OFFICIAL_TIMEOUT,
    mirror_timeout: float = MIRROR_TIMEOUT,
    retries: int = RETRIES,
) -> int:
    """CLI entry: fetch, print one line per file and a summary; exit status.

    0 when every file is present and verified. With ``allow_offline``, also 0 when not a
    single file could be obtained (nothing present, nothing fetched): processing then
    falls back to the synthetic demo data, and a warning says so. Anything partial is 1.
    """
    outcomes = fetch_all(
        raw_dir,
        mirror=mirror,
        registry_path=registry_path,
        official_timeout=official_timeout,
        mirror_timeout=mirror_timeout,
        retries=retries,
    )
    count = {s: sum(o.status == s for o in outcomes) for s in ("present", "fetched", "failed")}
    print(
        f"fetch: {len(outcomes)} files in {raw_dir}: {count['present']} already present, "
        f"{count['fetched']} fetched, {count['failed']} failed"
    )
    if not count["failed"]:
        return 0
    if allow_offline and count["failed"] == len(outcomes):
        print(
            "WARNING: no raw file could be obtained from any source (no network and no usable "
            "--mirror?). `techniekpact process` will fall back to the SYNTHETIC DEMO dataset; "
            "its numbers are not real. Get the real files with `make data MIRROR=<dir|url>`.",
            file=sys.stderr,
        )
        return 0
    failed = ", ".join(o.path for o in outcomes if o.status == "failed")
    print(f"fetch: error: not verified and not fetched: {failed}", file=sys.stderr)
    return 1
