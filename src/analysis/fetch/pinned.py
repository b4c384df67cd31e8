"""``techniekpact fetch``: install exactly the files the data lock pins, verified by sha256.

Per file: keep it when present and verified (the publisher's bytes or the pinned mirror
copy); move a file with other bytes aside (``<raw>/.quarantine/``, never overwritten);
otherwise try the publisher's URL, then the mirror. A data file in the raw dir that the lock
does not list (an analyst's own release or cut, say) is left where it is and named: raw data
is immutable, and processing reads it as-is, counting each population once. The outcome,
and which locked sources are missing, is recorded in ``<raw>/.fetch-state.json`` for
``techniekpact process`` (the manifest and the reports name the missing sources).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from analysis import paths
from analysis.atomic import write_text
from analysis.errors import ConfigError
from analysis.fetch import download
from analysis.fetch.datasets import DatasetConfig, load_datasets
from analysis.fetch.download import Replaced, Run, SourceFailed, Unreachable
from analysis.fetch.lock import DATA_LOCK, Lock, LockEntry, load_lock
from analysis.provenance import sha256_file

STATE_FILE = ".fetch-state.json"


@dataclass
class Outcome:
    """What happened to one locked file, for the per-file line and the summary."""

    entry: LockEntry
    status: str  # 'present' | 'fetched' | 'failed'
    detail: str = ""
    replaced: bool = False  # the publisher serves other bytes than the lock pins

    def line(self) -> str:
        label = {"present": "ok", "fetched": "fetched", "failed": "FAILED"}[self.status]
        return f"{label:<8} {self.entry.path}  {self.detail}"


def check_datasets(lock: Lock, config: DatasetConfig, lock_path: Path) -> None:
    """Every locked file names a configured dataset (its title and licence come from there)."""
    for number, entry in enumerate(lock.entries, start=1):
        if entry.dataset not in config.datasets:
            raise ConfigError(
                lock_path,
                f"entry {number} ({entry.path}): dataset {entry.dataset!r} is not in "
                f"config/datasets.yaml (known: {', '.join(sorted(config.datasets))})",
            )


def publisher_url(entry: LockEntry, config: DatasetConfig, portals: dict[str, str]) -> str | None:
    """The URL to ask the publisher for this file: as locked, or on the portal the command
    was pointed at.

    ``portals`` holds only what the command was given (``--duo-portal``): the catalogue's
    download URLs then keep their path on that host (a stand-in, a private mirror of the
    portal). A resource the catalogue no longer lists (``gone``) is not asked for.
    """
    if not entry.url or entry.gone:
        return None
    catalogue = config.datasets[entry.dataset].catalogue
    portal = portals.get(catalogue or "")
    if not portal:
        return entry.url
    base = urlsplit(portal)
    url = urlsplit(entry.url)
    path = base.path.rstrip("/") + url.path
    return urlunsplit((base.scheme, base.netloc, path, url.query, ""))


def _sources(entry: LockEntry, url: str | None, run: Run) -> list[tuple[str, str, float]]:
    """(label, location, timeout) to try in order: the publisher, the mirror, known copies."""
    out = [("publisher", url, run.official_timeout)] if url else []
    if run.mirror and download.is_url(run.mirror):
        out.append(("mirror", f"{run.mirror.rstrip('/')}/{quote(entry.path)}", run.mirror_timeout))
    elif run.mirror:
        out.append(
            ("mirror", str(download.mirror_folder(run.mirror) / entry.path), run.mirror_timeout)
        )
    out += [("copy", copy, run.mirror_timeout) for copy in entry.copies]
    return out


def _obtain(entry: LockEntry, url: str | None, run: Run) -> Outcome:
    """Try each source until one delivers a verified file, installed atomically."""
    sources = _sources(entry, url, run)
    if not sources:
        return Outcome(entry, "failed", "no publisher URL or known copy (mirror only), no --mirror")
    reasons: list[str] = []
    replaced = False
    for label, location, timeout in sources:
        remote = download.is_url(location)
        key = urlsplit(location).netloc if remote else "mirror folder"
        if key in run.dead:
            reasons.append(f"{label}: {run.dead[key]} (earlier in this run)")
            continue
        try:
            if not remote:
                staged, kind = download.link_from_folder(Path(location), entry, run)
            else:
                staged, kind = _download_verified(location, label, entry, run, timeout)
            download.install(staged, run.raw_dir / entry.path)
        except Unreachable as exc:
            run.dead[key] = str(exc)
            reasons.append(f"{label}: {exc}")
        except Replaced as exc:
            replaced = replaced or label == "publisher"
            reasons.append(f"{label}: {exc}")
        except SourceFailed as exc:
            reasons.append(f"{label}: {exc}")
        except OSError as exc:  # disk full, no permission: report it with the file, go on
            reasons.append(f"{label}: {exc.strerror or exc} ({exc.filename or location})")
        else:
            where = location if remote else f"mirror (linked, read in place: {location})"
            tried = f" (after {'; '.join(reasons)})" if reasons else ""
            return Outcome(entry, "fetched", f"from {where}, {kind}{tried}", replaced)
        finally:
            shutil.rmtree(run.staging, ignore_errors=True)
    return Outcome(entry, "failed", "; ".join(reasons), replaced)


def _download_verified(
    url: str, label: str, entry: LockEntry, run: Run, timeout: float
) -> tuple[Path, str]:
    """(staged file, which pinned copy it is): the publisher must send the pinned bytes; a
    mirror or a copy may send either pinned copy."""
    if label == "publisher" or entry.mirror is None:
        try:
            staged = download.download(url, run, timeout, name=entry.path, known_hash=entry.sha256)
            return staged, "pinned bytes"
        except Replaced as exc:
            if label == "publisher":
                raise Replaced(
                    f"{exc}: the publisher has replaced this file (a new release or a revision "
                    f"of {entry.label}); run `techniekpact fetch --update`, review the printed "
                    "changes and commit config/data-lock.yaml"
                ) from exc
            raise Replaced(f"checksum mismatch: {exc}") from exc
    staged = download.download(url, run, timeout, name=entry.path, known_hash=None)
    kind = entry.accepts(sha256_file(staged), staged.stat().st_size)
    if kind is None:
        raise SourceFailed(f"{url}: checksum mismatch: {download.mismatch(staged, entry)}")
    return staged, kind


def _check_present(entry: LockEntry, raw_dir: Path) -> tuple[bool, str]:
    """(verified, note): a file with other bytes is moved aside, never overwritten."""
    target = raw_dir / entry.path
    if not target.is_file():
        return False, ""
    kind = entry.accepts(sha256_file(target), target.stat().st_size)
    if kind:
        return True, f"already present, verified ({kind})"
    why = download.mismatch(target, entry)
    aside = download.move_aside(raw_dir, entry.path)
    return False, f"present with other bytes ({why}); moved aside to {aside.relative_to(raw_dir)}; "


def _unlocked_files(raw_dir: Path, lock: Lock) -> list[str]:
    """Visible data files in the raw dir that the lock does not list."""
    locked = set(lock.by_path())
    found = []
    for path in sorted(raw_dir.rglob("*")):
        rel = path.relative_to(raw_dir)
        if any(part.startswith(".") for part in rel.parts) or path.is_dir():
            continue
        if path.suffix.lower() in paths.RAW_DOC_SUFFIXES or rel.as_posix() in locked:
            continue
        found.append(rel.as_posix())
    return found


def fetch_locked(
    raw_dir: Path,
    *,
    lock_path: Path | None = None,
    mirror: str | None = None,
    portals: dict[str, str] | None = None,
    official_timeout: float = download.OFFICIAL_TIMEOUT,
    mirror_timeout: float = download.MIRROR_TIMEOUT,
    retries: int = download.RETRIES,
    echo: Callable[[str], None] = print,
) -> tuple[list[Outcome], DatasetConfig]:
    """Make every locked file present and verified; one outcome (and line) per file."""
    lock_path = Path(lock_path or DATA_LOCK)
    lock = load_lock(lock_path)
    config = load_datasets()
    check_datasets(lock, config, lock_path)
    portals = portals or {}
    run = Run(Path(raw_dir), mirror, official_timeout, mirror_timeout, retries)
    outcomes: list[Outcome] = []
    with download.locked(run.raw_dir):
        for rel in _unlocked_files(run.raw_dir, lock):
            echo(f"{'unlocked':<8} {rel}  not in {lock_path.name}; kept, and read by process as-is")
        for entry in lock.entries:
            present, note = _check_present(entry, run.raw_dir)
            if present:
                outcome = Outcome(entry, "present", note)
            else:
                outcome = _obtain(entry, publisher_url(entry, config, portals), run)
                outcome.detail = note + outcome.detail
            outcomes.append(outcome)
            echo(outcome.line())
        _write_state(run.raw_dir, lock_path, outcomes, config)
    return outcomes, config


def _write_state(
    raw_dir: Path, lock_path: Path, outcomes: list[Outcome], config: DatasetConfig
) -> None:
    """What this fetch installed and which locked sources are missing, for processing."""
    missing = [
        {
            "path": o.entry.path,
            "dataset": o.entry.dataset,
            "title": source_title(o.entry, config),
            "reason": "replaced at the publisher" if o.replaced else "not obtained",
        }
        for o in outcomes
        if o.status == "failed"
    ]
    state = {
        "lock": str(lock_path.resolve()),
        "lock_sha256": sha256_file(lock_path),
        "files": len(outcomes),
        "missing": missing,
    }
    write_text(raw_dir / STATE_FILE, json.dumps(state, indent=1, ensure_ascii=False) + "\n")


def source_title(entry: LockEntry, config: DatasetConfig) -> str:
    """The Dutch name of a locked file for readers: its dataset's title, the school level
    when the file holds one of several (``wo_...``, ``hbo_...``), and its years."""
    years = entry.years or next(
        iter(re.findall(r"(?<!\d)(\d{4}(?:-\d{4})?)(?!\d)", entry.path)), ""
    )
    level = re.match(r"(hbo|wo)_", Path(entry.path).name)
    parts = [config.datasets[entry.dataset].title, level and level.group(1), years]
    return ", ".join(part for part in parts if part)


def read_state(raw_dir: Path) -> dict | None:
    """The last fetch's record of the raw dir, or None (no fetch ran, or unreadable)."""
    try:
        state = json.loads((Path(raw_dir) / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def run_fetch(
    raw_dir: Path,
    *,
    mirror: str | None,
    allow_offline: bool,
    allow_partial: bool = False,
    lock_path: Path | None = None,
    portals: dict[str, str] | None = None,
    official_timeout: float = download.OFFICIAL_TIMEOUT,
    mirror_timeout: float = download.MIRROR_TIMEOUT,
    retries: int = download.RETRIES,
) -> int:
    """CLI entry: fetch, print one line per file and a summary; exit status.

    0 when every locked file is present and verified. With ``allow_offline``, also 0 when
    not a single file could be obtained (processing then falls back to the synthetic demo
    data, and a warning says so). With ``allow_partial`` (``make reports``), also 0 when
    some files are missing: the reports are built from what is verified and name the
    missing sources. Anything else partial is 1.
    """
    outcomes, config = fetch_locked(
        raw_dir,
        lock_path=lock_path,
        mirror=mirror,
        portals=portals,
        official_timeout=official_timeout,
        mirror_timeout=mirror_timeout,
        retries=retries,
    )
    count = {s: sum(o.status == s for o in outcomes) for s in ("present", "fetched", "failed")}
    print(
        f"fetch: {len(outcomes)} files in {raw_dir}: {count['present']} already present, "
        f"{count['fetched']} fetched, {count['failed']} failed"
    )
    failed = [o for o in outcomes if o.status == "failed"]
    for outcome in failed:
        if outcome.replaced:
            print(
                f"fetch: error: {outcome.entry.path} ({outcome.entry.label}): the publisher has "
                "replaced this file. Run `techniekpact fetch --update`, review the printed "
                "changes, and commit config/data-lock.yaml.",
                file=sys.stderr,
            )
    if not failed:
        return 0
    if (allow_offline or allow_partial) and len(failed) == len(outcomes):
        print(
            "WARNING: no raw file could be obtained from any source (no network and no usable "
            "--mirror?). `techniekpact process` will fall back to the SYNTHETIC DEMO dataset; "
            "its numbers are not real. Get the real files with `make data MIRROR=<dir|url>`.",
            file=sys.stderr,
        )
        return 0
    names = ", ".join(o.entry.path for o in failed)
    if allow_partial:
        titles = "; ".join(dict.fromkeys(source_title(o.entry, config) for o in failed))
        print(
            f"WARNING: {len(failed)} of {len(outcomes)} locked files could not be obtained: "
            f"{names}. The reports are built from the verified files and name what is "
            f"missing. Ontbrekende bronnen: {titles}.",
            file=sys.stderr,
        )
        return 0
    print(f"fetch: error: not verified and not fetched: {names}", file=sys.stderr)
    return 1


@dataclass(frozen=True)
class Provenance:
    """Where a pinned file comes from, for the manifest."""

    publisher: str
    licence: str
    vintage: str
    url: str
    copy: str  # 'pinned bytes' or 'mirror copy (…)'


def provenance_by_sha(lock_path: Path | None = None) -> dict[str, Provenance]:
    """sha256 -> provenance, for both pinned copies of every locked file."""
    lock = load_lock(lock_path or DATA_LOCK)
    datasets = load_datasets().datasets
    out: dict[str, Provenance] = {}
    for entry in lock.entries:
        dataset = datasets.get(entry.dataset)
        if dataset is None:
            continue
        copies = [(entry.sha256, entry.size)] + (
            [(entry.mirror.sha256, entry.mirror.size)] if entry.mirror else []
        )
        for sha, size in copies:
            out[sha] = Provenance(
                dataset.publisher,
                dataset.licence,
                entry.vintage or entry.years or "",
                entry.url or dataset.page,
                entry.accepts(sha, size) or "",
            )
    return out
