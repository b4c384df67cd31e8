"""A real HTTP server on 127.0.0.1 (random free port) for download tests, with scripted faults.

It serves the files under a root folder at ``<url>/<relative path>`` and logs every
request, so a test can count attempts. Faults are scripted per path: an HTTP status, a
body shorter than its Content-Length, a delay longer than the client timeout, or
changed bytes, each for the first ``times`` requests (or all of them).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class Fault:
    """What to do instead of serving a file, for the next ``times`` requests (None: always)."""

    kind: str  # 'status' | 'truncate' | 'delay' | 'corrupt'
    times: int | None = None
    status: int = 500
    seconds: float = 0.0


class LoopbackServer:
    """Context manager: ``with LoopbackServer(root) as server: server.url``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.faults: dict[str, Fault] = {}
        self.log: list[tuple[str, int]] = []  # (relative path, status sent)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()  # wakes handlers that are sleeping in a 'delay' fault
        self._httpd.shutdown()
        self._httpd.server_close()

    def fault(self, rel: str, kind: str, **options: object) -> None:
        """Script a fault for ``rel`` (see ``Fault``)."""
        self.faults[rel] = Fault(kind, **options)  # type: ignore[arg-type]

    def hits(self, rel: str) -> int:
        """How many requests asked for ``rel``."""
        return sum(path == rel for path, _ in self.log)

    def _next_fault(self, rel: str) -> Fault | None:
        with self._lock:
            fault = self.faults.get(rel)
            if fault is None or fault.times == 0:
                return None
            if fault.times is not None:
                fault.times -= 1
            return fault

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection: closing ends the body

            def log_message(self, format: str, *args: object) -> None:
                """Keep test output clean; requests are in ``server.log``."""

            def do_GET(self) -> None:
                rel = unquote(urlsplit(self.path).path).lstrip("/")
                fault = server._next_fault(rel)
                target = (server.root / rel).resolve()
                found = target.is_file() and target.is_relative_to(server.root)
                data = target.read_bytes() if found else b""
                if fault is not None and fault.kind == "delay":
                    server._stop.wait(fault.seconds)
                if fault is not None and fault.kind == "status":
                    self._send(rel, fault.status, b"server error\n")
                elif not found:
                    self._send(rel, 404, b"not found\n")
                elif fault is not None and fault.kind == "truncate":
                    self._send(rel, 200, data[: len(data) // 2], length=len(data))
                elif fault is not None and fault.kind == "corrupt":
                    self._send(rel, 200, bytes([data[0] ^ 0xFF]) + data[1:])
                else:
                    self._send(rel, 200, data)

            def _send(self, rel: str, status: int, body: bytes, length: int | None = None) -> None:
                server.log.append((rel, status))
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(body) if length is None else length))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        return Handler
