"""The data lock (``config/data-lock.yaml``): every raw file the monitor reads, pinned by bytes.

One entry per file: which dataset and resource (cut) it is, where the publisher serves it,
its sha256 and size, the portal's ``last_modified`` and when it was retrieved. Where a known
mirror copy differs from the publisher's bytes only in line ends or packaging, the entry
also pins the mirror copy (``mirror:``), and ``got`` says which of the two was retrieved.
``techniekpact fetch`` installs exactly these files; only ``fetch --update`` rewrites it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from analysis import paths
from analysis.atomic import write_text
from analysis.configfile import load_yaml
from analysis.errors import ConfigError

DATA_LOCK = paths.CONFIG_DIR / "data-lock.yaml"
LOCK_VERSION = 1
GOT = ("publisher", "mirror")
_ALWAYS = ("resource", "url", "last_modified", "retrieved")  # written even when null
_HEX = frozenset("0123456789abcdef")
_HEADER = """\
# The data lock: every raw file the monitor reads, pinned by its bytes (sha256 and size).
# Written by `techniekpact fetch --update` (which prints what changed); read by
# `techniekpact fetch`, which installs exactly these files. Review the printed changes,
# then commit this file. Do not edit checksums by hand. Documented in docs/data-log.md.
#
# Per file: dataset (a key of config/datasets.yaml), resource (the catalogue's name of the
# cut; null for a file no catalogue lists), url (where the publisher serves these bytes;
# null when none does: mirror only), sha256/size (the publisher's bytes, or the only known
# bytes), years, last_modified (the portal's), retrieved (UTC), got (publisher | mirror),
# mirror (a known mirror copy that differs only as said in `differs`; accepted too),
# copies (URLs of third-party copies of these bytes, e.g. the origin repository at a pinned
# commit; tried after the publisher and --mirror, verified like any mirror), gone (the
# date the catalogue stopped listing the resource), vintage, origin, note.
"""


@dataclass(frozen=True)
class Variant:
    """A second accepted copy of one file: same content, other bytes (line ends, packaging)."""

    sha256: str
    size: int
    differs: str


@dataclass(frozen=True)
class LockEntry:
    """One pinned file."""

    path: str  # relative to the raw dir (and to a mirror), POSIX separators
    dataset: str
    sha256: str
    size: int
    resource: str | None = None
    resource_id: str | None = None
    url: str | None = None
    years: str | None = None
    last_modified: str | None = None
    retrieved: str | None = None
    got: str = "publisher"
    mirror: Variant | None = None
    copies: tuple[str, ...] = ()  # byte-identical third-party copies at a pinned commit
    gone: str | None = None
    vintage: str = ""
    origin: str = ""
    note: str = ""

    def accepts(self, sha256: str, size: int) -> str | None:
        """Which pinned copy these bytes are ('pinned bytes' or 'mirror copy (…)'), else None."""
        if (size, sha256) == (self.size, self.sha256):
            return "pinned bytes"
        if self.mirror and (size, sha256) == (self.mirror.size, self.mirror.sha256):
            return f"mirror copy ({self.mirror.differs})"
        return None

    @property
    def label(self) -> str:
        """'dataset/resource' (or dataset and path for a file no catalogue lists), for messages."""
        return (
            f"{self.dataset}/{self.resource}" if self.resource else f"{self.dataset} ({self.path})"
        )


@dataclass
class Lock:
    """The parsed lock: its entries in file order, and when it was last updated."""

    entries: list[LockEntry] = field(default_factory=list)
    updated: str | None = None

    def by_path(self) -> dict[str, LockEntry]:
        return {e.path: e for e in self.entries}


def load_lock(path: Path | None = None, *, missing_ok: bool = False) -> Lock:
    """Read and validate the lock; a ConfigError names the file, the entry and the field."""
    path = Path(path or DATA_LOCK)
    if missing_ok and not path.exists():
        return Lock()
    try:
        doc = load_yaml(path, "data lock")
    except ConfigError as exc:
        cause = exc.__cause__
        if not isinstance(cause, yaml.YAMLError):
            raise  # missing or unreadable: the loader says which
        raise ConfigError(
            path,
            f"the data lock is not valid YAML ({_yaml_where(cause)}); restore it with "
            f"`git checkout -- {path.name}` or rewrite it with `techniekpact fetch --update`",
        ) from cause
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        raise ConfigError(path, "expected a mapping with a list under 'files:'")
    if doc.get("version") != LOCK_VERSION:
        raise ConfigError(path, f"version must be {LOCK_VERSION}, got {doc.get('version')!r}")
    entries: list[LockEntry] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(doc["files"], start=1):
        entry = _entry(path, number, raw)
        if entry.path in seen:
            raise ConfigError(
                path,
                f"entry {number}: path {entry.path!r} is listed twice (also entry "
                f"{seen[entry.path]}); a file is pinned once",
            )
        seen[entry.path] = number
        entries.append(entry)
    return Lock(entries, _text(doc.get("updated")) or None)


def _yaml_where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "malformed"
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _entry(path: Path, number: int, raw: Any) -> LockEntry:
    if not isinstance(raw, dict):
        raise ConfigError(
            path, f"entry {number}: expected a mapping with path, dataset, sha256, size"
        )
    where = f"entry {number} ({raw.get('path', '?')})"
    missing = [key for key in ("path", "dataset", "sha256", "size") if raw.get(key) in (None, "")]
    if missing:
        raise ConfigError(path, f"{where}: missing {missing}")
    known = {f.name for f in fields(LockEntry)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(path, f"{where}: unknown keys {unknown}")
    rel = PurePosixPath(str(raw["path"]))
    if rel.is_absolute() or any(part in ("..", ".") or part.startswith(".") for part in rel.parts):
        raise ConfigError(path, f"{where}: path must be relative, without '..' or hidden parts")
    sha256, size = _checksum(path, where, raw["sha256"], raw["size"])
    url = raw.get("url")
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        raise ConfigError(path, f"{where}: url must be an http(s) URL or null, got {url!r}")
    got = raw.get("got") or "publisher"
    if got not in GOT:
        raise ConfigError(path, f"{where}: got must be one of {list(GOT)}, got {got!r}")
    mirror = raw.get("mirror")
    variant = None
    if mirror is not None:
        if not isinstance(mirror, dict) or not mirror.get("differs"):
            raise ConfigError(path, f"{where}: mirror needs sha256, size and differs")
        variant = Variant(
            *_checksum(path, f"{where} mirror", mirror.get("sha256"), mirror.get("size")),
            differs=_text(mirror["differs"]),
        )
    copies = raw.get("copies") or []
    if not isinstance(copies, list) or not all(
        isinstance(u, str) and u.startswith(("http://", "https://")) for u in copies
    ):
        raise ConfigError(path, f"{where}: copies must be a list of http(s) URLs")
    optional = ("resource", "resource_id", "years", "last_modified", "retrieved", "gone")
    return LockEntry(
        path=str(rel),
        dataset=str(raw["dataset"]),
        sha256=sha256,
        size=size,
        url=url,
        got=got,
        mirror=variant,
        copies=tuple(copies),
        **{
            key: (_text(raw[key]) or None) if raw.get(key) is not None else None for key in optional
        },
        **{key: _text(raw.get(key)) for key in ("vintage", "origin", "note")},
    )


def _checksum(path: Path, where: str, sha: Any, size: Any) -> tuple[str, int]:
    sha = str(sha or "").lower()
    if len(sha) != 64 or not set(sha) <= _HEX:
        raise ConfigError(path, f"{where}: sha256 must be 64 hex digits, got {sha!r}")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ConfigError(path, f"{where}: size must be a byte count, got {size!r}")
    return sha, size


def render_lock(lock: Lock) -> str:
    """The lock as YAML text: stable key order, one block per file, so diffs read well."""
    files = []
    for entry in lock.entries:
        item: dict[str, Any] = {}
        for f in fields(LockEntry):
            value = getattr(entry, f.name)
            if f.name == "mirror" and value is not None:
                value = {"sha256": value.sha256, "size": value.size, "differs": value.differs}
            if f.name == "copies":
                value = list(value)
            if value in (None, "", []) and f.name not in _ALWAYS:
                continue
            item[f.name] = value
        files.append(item)
    body = yaml.safe_dump(
        {"version": LOCK_VERSION, "updated": lock.updated, "files": files},
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return _HEADER + "\n" + body.replace("\n- path:", "\n\n- path:")


def write_lock(path: Path, lock: Lock) -> str:
    """Write the lock atomically (a reader sees the old lock or the new one); the text."""
    text = render_lock(lock)
    write_text(path, text)
    return text


def lock_diff(old_text: str, new_text: str, path: Path) -> str:
    """A unified diff of two lock texts, for the console."""
    return "".join(
        difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"{path} (before)",
            tofile=f"{path} (after)",
            n=2,
        )
    )
