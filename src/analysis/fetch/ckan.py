"""A CKAN catalogue's ``package_show``: the current resources of one dataset.

CKAN's action API answers ``/api/3/action/package_show?id=<dataset>`` with
``{"success": true, "result": {"id", "name", "resources": [...]}}``; each resource has an
``id``, ``name``, ``url``, ``format``, ``last_modified``, ``size`` and ``package_id``. A
failure is ``{"success": false, "error": {"message": ...}}``, often with HTTP 404 or 409.
Every way this can go wrong becomes one ``CatalogueError`` naming the URL and the dataset.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import quote

from analysis.errors import TechniekpactError

TIMEOUT = 20.0
RETRIES = 2  # extra attempts on 5xx and timeouts


class CatalogueError(TechniekpactError):
    """The catalogue could not say which resources a dataset has."""


@dataclass(frozen=True)
class CkanResource:
    id: str
    name: str
    url: str
    format: str
    last_modified: str | None
    size: int | None
    package_id: str

    @property
    def filename(self) -> str:
        """The last part of the download URL: what a resource is matched by when renamed."""
        return self.url.rstrip("/").rsplit("/", 1)[-1]


def package_show(
    portal: str, dataset_id: str, *, timeout: float = TIMEOUT, retries: int = RETRIES
) -> list[CkanResource]:
    """The resources the catalogue lists for ``dataset_id`` now."""
    import requests

    url = f"{portal.rstrip('/')}/api/3/action/package_show?id={quote(dataset_id)}"
    where = f"catalogue {url} (dataset {dataset_id})"
    for attempt in range(retries + 1):
        last = attempt == retries
        try:
            response = requests.get(url, timeout=timeout)
        except requests.exceptions.Timeout as exc:
            if last:
                raise CatalogueError(
                    f"{where}: no answer in {timeout:g} s, {attempt + 1} attempt(s)"
                ) from exc
        except requests.exceptions.RequestException as exc:
            raise CatalogueError(f"{where}: cannot connect ({_reason(exc)})") from exc
        else:
            if response.status_code < 500 or last:
                return _resources(where, dataset_id, response)
        time.sleep(attempt + 1)
    raise AssertionError("unreachable")  # the loop returns or raises


def _resources(where: str, dataset_id: str, response) -> list[CkanResource]:
    try:
        doc = response.json()
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        if response.status_code >= 400:
            raise CatalogueError(f"{where}: HTTP {response.status_code}")
        start = response.text[:60].replace("\n", " ")
        raise CatalogueError(f"{where}: the answer is not CKAN's JSON (it starts {start!r})")
    if doc.get("success") is not True:
        error = doc.get("error") if isinstance(doc.get("error"), dict) else {}
        message = error.get("message") or error.get("__type") or "no message"
        raise CatalogueError(
            f"{where}: the catalogue answers success false (HTTP {response.status_code}: "
            f"{message}); is the dataset id right in config/datasets.yaml?"
        )
    result = doc.get("result")
    items = result.get("resources") if isinstance(result, dict) else None
    if not isinstance(items, list):
        raise CatalogueError(f"{where}: the answer has no result.resources list")
    resources = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not item.get("url") or not item.get("name"):
            raise CatalogueError(f"{where}: resource {number} has no name or url")
        size = item.get("size")
        resources.append(
            CkanResource(
                id=str(item.get("id") or ""),
                name=str(item["name"]),
                url=str(item["url"]),
                format=str(item.get("format") or ""),
                last_modified=item.get("last_modified") or item.get("created"),
                size=size if isinstance(size, int) and size >= 0 else None,
                package_id=str(item.get("package_id") or result.get("id") or ""),
            )
        )
    return resources


def _reason(exc: BaseException) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "No route to host"):
        if marker in text:
            return marker
    return type(exc).__name__
