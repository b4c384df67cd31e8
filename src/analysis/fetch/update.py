"""``techniekpact fetch --update``: take the newest releases from the catalogues and pin them.

For every resource (cut) that ``config/datasets.yaml`` takes, ask the catalogue for the
dataset's current resources, download each, verify what can be verified (the size the
catalogue states, a complete transfer, content the readers recognise as the dataset it
should be), then say per dataset what changed against the lock: a new release (other
years), a revised file (same years, other bytes), a new resource, a resource the catalogue
no longer lists. Only when every step succeeded are the files installed and the new lock
written (atomically), and the difference is printed; any failure leaves the raw dir and
the lock as they were.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from analysis.errors import TechniekpactError
from analysis.fetch import download
from analysis.fetch.ckan import CatalogueError, CkanResource, package_show
from analysis.fetch.datasets import Dataset, DatasetConfig, Resource, load_datasets
from analysis.fetch.download import Run, SourceFailed
from analysis.fetch.lock import DATA_LOCK, Lock, LockEntry, load_lock, lock_diff, write_lock
from analysis.fetch.pinned import check_datasets
from analysis.provenance import sha256_file

UNCHANGED_NOTE = "The publisher's download matched the pinned bytes on {date}."


class UpdateError(TechniekpactError):
    """``fetch --update`` stopped; nothing was installed and the lock is unchanged."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{message}. Nothing was installed and the lock is unchanged")


@dataclass
class Change:
    """What the update found for one resource, for the per-dataset report."""

    # 'new release' | 'revised file' | 'new resource' | 'unchanged' | 'gone' | 'not offered'
    kind: str
    resource: str
    detail: str


@dataclass
class _Got:
    """One downloaded, verified resource, staged until everything has succeeded."""

    entry: LockEntry
    staged: Path
    replaces: LockEntry | None


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _read_years(staged: Path, dataset: Dataset, resource: Resource) -> str:
    """First and last year the readers find, after checking they recognise the dataset."""
    from analysis.ingest import identify

    where = f"dataset {dataset.key} ({dataset.id}), resource {resource.name}"
    try:
        fmt, sniffed = identify(staged)
        frame = fmt.read(sniffed)
    except TechniekpactError as exc:
        raise UpdateError(
            f"{where}: the readers do not recognise the file the catalogue serves (has the "
            f"publisher changed the format?): {exc}"
        ) from exc
    except (ValueError, KeyError, UnicodeError) as exc:
        raise UpdateError(
            f"{where}: the readers cannot read it ({type(exc).__name__}: {exc})"
        ) from exc
    found = frame.attrs.get("dataset", fmt.dataset)
    if found != dataset.key:
        raise UpdateError(f"{where}: the readers recognise it as {found!r}, not {dataset.key!r}")
    years = frame["year"].dropna() if "year" in frame else []
    if not len(years):
        raise UpdateError(f"{where}: the readers find no years in it, so it cannot be named")
    first, last = int(min(years)), int(max(years))
    return f"{first}-{last}" if first != last else str(first)


def _match(resource: Resource, listed: list[CkanResource]) -> CkanResource | None:
    """The catalogue's resource for a configured cut: by name, else by download file name."""
    for item in listed:
        if item.name == resource.name:
            return item
    return next((item for item in listed if item.filename == resource.name), None)


def _fetch_resource(
    dataset: Dataset, resource: Resource, item: CkanResource, old: LockEntry | None, run: Run
) -> tuple[_Got, Change]:
    where = f"dataset {dataset.key} ({dataset.id}), resource {resource.name}"
    try:
        staged = download.download(
            item.url,
            run,
            run.official_timeout,
            name=f"update/{dataset.key}/{resource.name}",
            known_hash=None,
        )
    except SourceFailed as exc:
        raise UpdateError(f"{where}: download failed: {exc}") from exc
    size = staged.stat().st_size
    if item.size is not None and size != item.size:
        raise UpdateError(
            f"{where}: got {size} bytes from {item.url}, the catalogue states {item.size} "
            "(a truncated transfer?)"
        )
    years = _read_years(staged, dataset, resource)
    sha = sha256_file(staged)
    today = _now()
    entry = LockEntry(
        path=resource.path.format(years=years),
        dataset=dataset.key,
        sha256=sha,
        size=size,
        resource=resource.name,
        resource_id=item.id or None,
        url=item.url,
        years=years,
        last_modified=item.last_modified,
        retrieved=today,
        got="publisher",
        vintage=f"listed by the catalogue, last modified {item.last_modified or 'not stated'}; "
        f"years {years}",
        origin=f"{item.url} (taken by techniekpact fetch --update)",
    )
    if old is None:
        change = Change(
            "new resource", resource.name, f"years {years}, {size} bytes -> {entry.path}"
        )
    elif old.accepts(sha, size) == "pinned bytes":
        entry = _confirmed(old, entry, today)
        change = Change("unchanged", resource.name, f"years {years}, sha256 {sha[:12]}…")
    elif old.years != years:
        change = Change(
            "new release",
            resource.name,
            f"years {old.years or '?'} -> {years}; {old.path} is replaced by {entry.path}",
        )
    else:
        change = Change(
            "revised file",
            resource.name,
            f"same years {years}, other bytes: sha256 {old.sha256[:12]}… ({old.size} bytes) -> "
            f"{sha[:12]}… ({size} bytes)",
        )
    return _Got(entry, staged, old), change


def _confirmed(old: LockEntry, new: LockEntry, today: str) -> LockEntry:
    """The pinned bytes again: keep the entry, with the catalogue's current metadata."""
    confirmed = old.got == "publisher"
    return dataclasses.replace(
        old,
        resource_id=new.resource_id,
        url=new.url,
        last_modified=new.last_modified,
        gone=None,
        got="publisher",
        retrieved=old.retrieved if confirmed else today,
        note=old.note if confirmed else UNCHANGED_NOTE.format(date=today[:10]),
    )


def _update_dataset(
    dataset: Dataset, lock: Lock, portal: str, run: Run, timeout: float, retries: int
) -> tuple[list[_Got], list[LockEntry], list[Change]]:
    """(downloads, entries marked gone, changes) for one dataset's taken cuts."""
    try:
        listed = package_show(portal, dataset.id or "", timeout=timeout, retries=retries)
    except CatalogueError as exc:
        raise UpdateError(str(exc)) from exc
    got: list[_Got] = []
    gone: list[LockEntry] = []
    changes: list[Change] = []
    for resource in (r for r in dataset.resources if r.take):
        old = next(
            (e for e in lock.entries if e.dataset == dataset.key and e.resource == resource.name),
            None,
        )
        item = _match(resource, listed)
        if item is None:
            if old is None:
                changes.append(
                    Change(
                        "not offered",
                        resource.name,
                        "configured, but the catalogue does not list it",
                    )
                )
            else:
                gone.append(old if old.gone else dataclasses.replace(old, gone=_now()[:10]))
                changes.append(
                    Change(
                        "gone",
                        resource.name,
                        f"the catalogue no longer lists it; {old.path} stays in the lock, marked "
                        "gone (a mirror can still supply it)",
                    )
                )
            continue
        fetched, change = _fetch_resource(dataset, resource, item, old, run)
        got.append(fetched)
        changes.append(change)
    return got, gone, changes


def _new_lock(old: Lock, got: list[_Got], gone: list[LockEntry], lock_path: Path) -> Lock:
    """The old lock with updated entries in place and new resources after their dataset."""
    updates = {(g.entry.dataset, g.entry.resource): g.entry for g in got}
    updates |= {(e.dataset, e.resource): e for e in gone}
    entries = [updates.pop((e.dataset, e.resource), e) if e.resource else e for e in old.entries]
    for entry in updates.values():  # resources the lock did not have yet
        same = [i for i, e in enumerate(entries) if e.dataset == entry.dataset]
        entries.insert(same[-1] + 1 if same else len(entries), entry)
    paths = [e.path for e in entries]
    twice = sorted({p for p in paths if paths.count(p) > 1})
    if twice:
        raise UpdateError(
            f"{lock_path}: the update would pin {twice} twice (two cuts with one path?)"
        )
    return Lock(entries, _now())


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _install(got: list[_Got], raw_dir: Path, echo: Callable[[str], None]) -> None:
    """Move superseded files aside, then rename the verified downloads into place."""
    for g in got:
        target = raw_dir / g.entry.path
        old = g.replaces
        if old is not None and old.path != g.entry.path and _exists(raw_dir / old.path):
            aside = download.move_aside(raw_dir, old.path)
            moved = aside.relative_to(raw_dir)
            echo(f"{'aside':<8} {old.path}  superseded by {g.entry.path}; moved to {moved}")
        if target.is_file() and g.entry.accepts(sha256_file(target), target.stat().st_size):
            continue
        if _exists(target):
            moved = download.move_aside(raw_dir, g.entry.path).relative_to(raw_dir)
            echo(f"{'aside':<8} {g.entry.path}  other bytes than the new lock; moved to {moved}")
        download.install(g.staged, target)
        echo(f"{'fetched':<8} {g.entry.path}  from {g.entry.url}")


def run_update(
    raw_dir: Path,
    *,
    lock_path: Path | None = None,
    portals: dict[str, str] | None = None,
    timeout: float = download.OFFICIAL_TIMEOUT,
    retries: int = download.RETRIES,
    echo: Callable[[str], None] = print,
) -> int:
    """CLI entry: ask the catalogues, download, verify, install, write the lock; exit status."""
    lock_path = Path(lock_path or DATA_LOCK)
    old_text = lock_path.read_text(encoding="utf-8") if lock_path.exists() else ""
    old = load_lock(lock_path, missing_ok=True)
    config = load_datasets()
    check_datasets(old, config, lock_path)
    portals = {key: c.portal for key, c in config.catalogues.items()} | (portals or {})
    run = Run(Path(raw_dir), official_timeout=timeout, retries=retries)
    got: list[_Got] = []
    gone: list[LockEntry] = []
    report: list[tuple[Dataset, list[Change]]] = []
    with download.locked(run.raw_dir):
        for dataset in _taken(config):
            more, lost, changes = _update_dataset(
                dataset, old, portals[dataset.catalogue or ""], run, timeout, retries
            )
            got += more
            gone += lost
            report.append((dataset, changes))
        new = _new_lock(old, got, gone, lock_path)
        _install(got, run.raw_dir, echo)
    _print_changes(report, old, echo)
    new_text = write_lock(lock_path, new) if _changed(old, new) else old_text
    if new_text == old_text:
        echo(f"fetch --update: {lock_path} is unchanged.")
    else:
        echo(f"fetch --update: wrote {lock_path}; the difference:")
        echo(lock_diff(old_text, new_text, lock_path))
        echo(
            "Review the changes above, run `techniekpact fetch` and `techniekpact process`, "
            f"then commit {lock_path.name}."
        )
    return 0


def _changed(old: Lock, new: Lock) -> bool:
    return old.entries != new.entries


def _taken(config: DatasetConfig) -> list[Dataset]:
    return [d for d in config.datasets.values() if d.catalogue and any(r.take for r in d.resources)]


def _print_changes(
    report: list[tuple[Dataset, list[Change]]], old: Lock, echo: Callable[[str], None]
) -> None:
    for dataset, changes in report:
        echo(f"{dataset.key} ({dataset.id}: {dataset.title}):")
        for change in changes:
            echo(f"  {change.kind:<13} {change.resource}: {change.detail}")
    asked = {d.key for d, _ in report}
    rest = [e for e in old.entries if e.dataset not in asked or e.resource is None]
    if rest:
        echo(
            f"not in any catalogue (mirror only, kept as locked): {len(rest)} files of "
            f"{len({e.dataset for e in rest})} datasets"
        )
