"""The PDF printer: without Chromium it says what to install; a page it prints reaches
nothing outside the machine."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from analysis.publish import pdf


def test_pdf_printer_without_chromium_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdf, "chromium_path", lambda: None)
    with pytest.raises(pdf.PdfError, match=r"Chromium not found.*make system-deps"):
        pdf.PdfPrinter().__enter__()


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every GET and records its path: any request here left the printed file."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args) -> None:
        """Quiet."""


@pytest.mark.skipif(pdf.chromium_path() is None, reason="no Chromium installed")
def test_printed_page_sends_no_request_out(tmp_path: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"127.0.0.1:{server.server_address[1]}"
    page = tmp_path / "rapport.html"
    page.write_text(
        f'<html><head><link rel="stylesheet" href="http://{base}/s.css">'
        f'<script src="http://{base}/a.js"></script></head><body><p>Rapport</p>'
        f'<img src="http://{base}/i.png"><iframe src="http://{base}/frame"></iframe>'
        f'<script>fetch("http://{base}/fetch"); new WebSocket("ws://{base}/ws");</script>'
        "</body></html>",
        encoding="utf-8",
    )
    _Recorder.seen = []
    try:
        with pdf.PdfPrinter() as printer:
            printer.print_pdf(page, tmp_path / "rapport.pdf", title="Utrecht", demo=False)
    finally:
        server.shutdown()
    assert (tmp_path / "rapport.pdf").read_bytes().startswith(b"%PDF")
    assert _Recorder.seen == []
