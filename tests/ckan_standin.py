"""A CKAN portal stand-in on 127.0.0.1: ``package_show`` and resource downloads, with faults.

It answers ``/api/3/action/package_show?id=<dataset>`` the way CKAN does (``success``,
``result.id``, ``result.name``, ``result.resources[]`` with ``id``, ``name``, ``url``,
``format``, ``last_modified``, ``size``, ``package_id``) and serves each resource at
``/dataset/<package id>/resource/<resource id>/download/<name>``, the real portal's path.
Bytes come from files (e.g. ../shared/data), converted to CRLF where the real portal serves
CRLF. Faults are scripted per dataset (catalogue) or per resource name.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

CATALOGUE_FAULTS = ("status", "delay", "invalid-json", "success-false")
RESOURCE_FAULTS = ("status", "truncate", "delay", "bytes")


@dataclass
class Served:
    """One resource of one dataset: its bytes and CKAN metadata."""

    dataset: str
    name: str
    data: bytes
    last_modified: str = "2026-02-20T09:00:00.000000"
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    state_size: bool = True  # whether package_show states the size


@dataclass
class Fault:
    kind: str
    status: int = 500
    seconds: float = 0.0
    data: bytes = b""
    times: int | None = None


class CkanStandIn:
    """Context manager: ``with CkanStandIn() as portal: portal.url``."""

    def __init__(self) -> None:
        self.packages: dict[str, str] = {}  # dataset name -> package id (a uuid)
        self.resources: list[Served] = []
        self.faults: dict[str, Fault] = {}  # dataset name or resource name -> fault
        self.log: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> CkanStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def serve(
        self, dataset: str, name: str, data: bytes, package_id: str | None = None, **meta: object
    ) -> Served:
        """Add (or replace, same dataset and name) a resource."""
        self.packages.setdefault(dataset, package_id or str(uuid.uuid4()))
        self.resources = [r for r in self.resources if (r.dataset, r.name) != (dataset, name)]
        served = Served(dataset, name, data, **meta)  # type: ignore[arg-type]
        self.resources.append(served)
        return served

    def withdraw(self, dataset: str, name: str) -> None:
        self.resources = [r for r in self.resources if (r.dataset, r.name) != (dataset, name)]

    def fault(self, target: str, kind: str, **options: object) -> None:
        """Script a fault for a dataset's package_show or for a resource's download."""
        self.faults[target] = Fault(kind, **options)  # type: ignore[arg-type]

    def download_url(self, served: Served) -> str:
        package = self.packages[served.dataset]
        return f"{self.url}/dataset/{package}/resource/{served.id}/download/{served.name}"

    def hits(self, what: str) -> int:
        return sum(what in path for path, _ in self.log)

    def _next_fault(self, target: str) -> Fault | None:
        with self._lock:
            fault = self.faults.get(target)
            if fault is None or fault.times == 0:
                return None
            if fault.times is not None:
                fault.times -= 1
            return fault

    def _package(self, dataset: str) -> dict:
        package = self.packages.get(dataset)
        if package is None:
            return {
                "success": False,
                "error": {"message": "Not found", "__type": "Not Found Error"},
            }
        return {
            "help": f"{self.url}/api/3/action/help_show?name=package_show",
            "success": True,
            "result": {
                "id": package,
                "name": dataset,
                "num_resources": sum(r.dataset == dataset for r in self.resources),
                "resources": [
                    {
                        "id": r.id,
                        "package_id": package,
                        "name": r.name,
                        "format": "CSV",
                        "url": self.download_url(r),
                        "last_modified": r.last_modified,
                        "size": len(r.data) if r.state_size else None,
                        "hash": "",
                    }
                    for r in self.resources
                    if r.dataset == dataset
                ],
            },
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: object) -> None:
                """Requests are in ``portal.log``."""

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path == "/api/3/action/package_show":
                    self._package_show(parse_qs(parts.query).get("id", [""])[0])
                else:
                    self._download(parts.path)

            def _package_show(self, dataset: str) -> None:
                fault = portal._next_fault(dataset)
                if fault and fault.kind == "delay":
                    portal._stop.wait(fault.seconds)
                if fault and fault.kind == "status":
                    return self._send(
                        self.path, fault.status, b"<html>Internal Server Error</html>"
                    )
                if fault and fault.kind == "invalid-json":
                    return self._send(self.path, 200, b'{"help": "...", "success": tru')
                doc = portal._package(dataset)
                if fault and fault.kind == "success-false":
                    doc = {
                        "success": False,
                        "error": {"message": "Access denied", "__type": "Authorization Error"},
                    }
                status = 200 if doc["success"] else 404
                self._send(self.path, status, json.dumps(doc).encode(), "application/json")

            def _download(self, path: str) -> None:
                served = next(
                    (r for r in portal.resources if portal.download_url(r).endswith(path)), None
                )
                if served is None:
                    return self._send(path, 404, b"not found\n")
                fault = portal._next_fault(served.name)
                data = served.data
                if fault and fault.kind == "delay":
                    portal._stop.wait(fault.seconds)
                if fault and fault.kind == "status":
                    return self._send(path, fault.status, b"error\n")
                if fault and fault.kind == "truncate":
                    return self._send(path, 200, data[: len(data) // 2], length=len(data))
                if fault and fault.kind == "bytes":
                    data = fault.data
                self._send(path, 200, data)

            def _send(
                self,
                path: str,
                status: int,
                body: bytes,
                ctype: str = "text/csv",
                length: int | None = None,
            ) -> None:
                portal.log.append((path, status))
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body) if length is None else length))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def crlf(data: bytes) -> bytes:
    """LF line ends -> CRLF, as DUO's portal serves its CSV files."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


# The three resources of DUO's portal that ../shared/data holds (as LF copies), with the
# portal's package and resource ids (from the download URLs), so that the lock's URLs,
# re-based onto the stand-in by --duo-portal, find them.
SHARED_PORTAL_FILES = {
    ("p02ho1ejrs", "eerstejaarsingeschrevenengeslhbo.csv"): (
        "duo/ho/hbo_eerstejaars_geslacht_2020-2024_nieuw-portaal.csv",
        "eec8c988-66a6-4b06-9bcf-4038d016f2a1",
        "5338f63e-af6a-434c-8086-c4584767c3fc",
    ),
    ("p02ho1ejrs", "eerstejaarsingeschrevenenhbo.csv"): (
        "duo/ho/hbo_eerstejaars_opleiding_2020-2024_nieuw-portaal.csv",
        "eec8c988-66a6-4b06-9bcf-4038d016f2a1",
        "0f594842-cca9-4f17-8cbc-e502dba408b4",
    ),
    ("p01hoinges", "ingeschrevenengeslhbo.csv"): (
        "duo/ho/hbo_ingeschrevenen_geslacht_2020-2024_nieuw-portaal.csv",
        "978f900e-088e-4d27-804f-2d897c161c70",
        "c454d7e1-b9b1-4460-b9ff-55938c85788e",
    ),
}


def serve_shared(
    portal: CkanStandIn, shared: Path, datasets: set[str] | None = None
) -> dict[str, bytes]:
    """Serve the shared copies as the portal does (CRLF); raw path -> bytes served."""
    served = {}
    for (dataset, name), (rel, package, resource) in SHARED_PORTAL_FILES.items():
        if datasets is not None and dataset not in datasets:
            continue
        data = crlf((shared / rel).read_bytes())
        portal.serve(dataset, name, data, package_id=package, id=resource)
        served[rel] = data
    return served


NOWHERE = "http://127.0.0.1:9"  # discard port: connection refused at once
PORTAL = "https://onderwijsdata.duo.nl/"


def offline_lock(path: Path) -> Path:
    """The committed lock with nothing pointing at the internet: DUO's portal URLs stay (the
    tests re-base them onto the stand-in with --duo-portal); every other publisher URL and
    every third-party copy points at 127.0.0.1:9, where nothing listens."""
    from analysis.fetch.lock import DATA_LOCK, Lock, load_lock, write_lock

    committed = load_lock(DATA_LOCK)
    entries = [
        replace(
            e,
            url=e.url if not e.url or e.url.startswith(PORTAL) else f"{NOWHERE}/{e.path}",
            copies=(f"{NOWHERE}/{e.path}",),
        )
        for e in committed.entries
    ]
    write_lock(path, Lock(entries, committed.updated))
    return path
