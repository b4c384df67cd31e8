"""``config/datasets.yaml``: which catalogues, datasets and resources (cuts) the monitor takes.

Analysts edit this file; ``fetch --update`` reads it to know what to ask each catalogue for.
Dataset-level facts (publisher, licence, Dutch title) live only here, per-file facts only in
the lock, so the two never say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.configfile import load_yaml
from analysis.errors import ConfigError

DATASETS_FILE = paths.CONFIG_DIR / "datasets.yaml"
CATALOGUE_KINDS = ("ckan",)


@dataclass(frozen=True)
class Resource:
    """One cut of a dataset that ``fetch --update`` takes (or, with take false, knowingly not)."""

    name: str  # the catalogue's resource name, e.g. 'eerstejaarsingeschrevenengeslhbo.csv'
    path: str  # under the raw dir; '{years}' is filled from the content
    cut: str
    take: bool
    why: str = ""


@dataclass(frozen=True)
class Dataset:
    """One publisher dataset."""

    key: str
    title: str  # Dutch, as the publisher names it: reports name missing sources by it
    publisher: str
    licence: str
    catalogue: str | None  # a key of ``catalogues``, or None (mirror only)
    id: str | None
    page: str
    resources: tuple[Resource, ...]


@dataclass(frozen=True)
class Catalogue:
    key: str
    kind: str
    portal: str


@dataclass(frozen=True)
class DatasetConfig:
    catalogues: dict[str, Catalogue]
    datasets: dict[str, Dataset]


def load_datasets(path: Path | None = None) -> DatasetConfig:
    """Read and validate the dataset configuration; errors name the file and the entry."""
    path = Path(path or DATASETS_FILE)
    doc = load_yaml(path, "dataset configuration")
    if not isinstance(doc, dict):
        raise ConfigError(path, "expected a mapping with 'catalogues:' and 'datasets:'")
    catalogues = {key: _catalogue(path, key, raw) for key, raw in _mapping(path, doc, "catalogues")}
    datasets = {
        key: _dataset(path, key, raw, catalogues) for key, raw in _mapping(path, doc, "datasets")
    }
    return DatasetConfig(catalogues, datasets)


def _mapping(path: Path, doc: dict, key: str) -> list[tuple[str, Any]]:
    value = doc.get(key)
    if not isinstance(value, dict) or not value:
        raise ConfigError(path, f"expected a non-empty mapping under '{key}:'")
    return list(value.items())


def _catalogue(path: Path, key: str, raw: Any) -> Catalogue:
    if not isinstance(raw, dict) or raw.get("kind") not in CATALOGUE_KINDS:
        raise ConfigError(path, f"catalogue {key!r}: kind must be one of {list(CATALOGUE_KINDS)}")
    portal = str(raw.get("portal") or "")
    if not portal.startswith(("http://", "https://")):
        raise ConfigError(path, f"catalogue {key!r}: portal must be an http(s) URL")
    return Catalogue(key, raw["kind"], portal.rstrip("/"))


def _dataset(path: Path, key: str, raw: Any, catalogues: dict[str, Catalogue]) -> Dataset:
    where = f"dataset {key!r}"
    if not isinstance(raw, dict):
        raise ConfigError(path, f"{where}: expected a mapping")
    missing = [k for k in ("title", "publisher", "licence") if not raw.get(k)]
    if missing:
        raise ConfigError(path, f"{where}: missing {missing}")
    catalogue = raw.get("catalogue")
    catalogue = None if catalogue in (None, "none") else str(catalogue)
    if catalogue is not None and catalogue not in catalogues:
        raise ConfigError(
            path, f"{where}: unknown catalogue {catalogue!r} (known: {sorted(catalogues)})"
        )
    resources = []
    for number, item in enumerate(raw.get("resources") or [], start=1):
        if not isinstance(item, dict) or not item.get("name"):
            raise ConfigError(path, f"{where}, resource {number}: expected a mapping with a name")
        take = item.get("take", True)
        if take and not item.get("path"):
            raise ConfigError(path, f"{where}, resource {item['name']!r}: a taken cut needs a path")
        if take and catalogue is None:
            raise ConfigError(path, f"{where}: resources to take need a catalogue")
        if not take and not item.get("why"):
            raise ConfigError(path, f"{where}, resource {item['name']!r}: take: false needs a why")
        resources.append(
            Resource(
                name=str(item["name"]),
                path=str(item.get("path") or ""),
                cut=" ".join(str(item.get("cut") or "").split()),
                take=bool(take),
                why=" ".join(str(item.get("why") or "").split()),
            )
        )
    names = [r.name for r in resources]
    if len(set(names)) != len(names):
        raise ConfigError(path, f"{where}: a resource is listed twice")
    return Dataset(
        key=key,
        title=str(raw["title"]).strip(),
        publisher=str(raw["publisher"]).strip(),
        licence=str(raw["licence"]).strip(),
        catalogue=catalogue,
        id=None if raw.get("id") is None else str(raw["id"]),
        page=str(raw.get("page") or ""),
        resources=tuple(resources),
    )
