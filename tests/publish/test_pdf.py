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


def test_relative_file_links_keeps_every_byte_offset(tmp_path: Path) -> None:
    folder = tmp_path / "rapporten" / "provincie"
    root = (tmp_path / "rapporten").resolve().as_uri()
    body = (
        f"1 0 obj\n<</URI ({root}/provincie/fryslan%20oost.csv)>>\nendobj\n"
        f"2 0 obj\n<</URI ({root}/methodologie.html#begrippen)>>\nendobj\n"
        "3 0 obj\n<</URI (https://duo.nl/open_onderwijsdata/)>>\nendobj\n"
    ).encode("ascii")
    out = pdf.relative_file_links(body, folder)
    assert len(out) == len(body)
    assert b"/URI (fryslan%20oost.csv)" in out
    assert b"/URI (../methodologie.html#begrippen)" in out
    assert b"/URI (https://duo.nl/open_onderwijsdata/)" in out
    assert b"file:" not in out
    # The objects start where they started: an offset table stays valid.
    for number in (1, 2, 3):
        marker = f"{number} 0 obj".encode()
        assert out.index(marker) == body.index(marker)


@pytest.mark.skipif(pdf.chromium_path() is None, reason="no Chromium installed")
def test_printed_links_to_local_files_are_relative_to_the_pdf(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    folder = tmp_path / "rapporten" / "provincie"
    folder.mkdir(parents=True)
    page = folder / "utrecht.html"
    page.write_text(
        '<html><body><p id="top"><a href="utrecht.csv">CSV</a> '
        '<a href="../methodologie.html#begrippen">Methode</a> '
        '<a href="https://duo.nl/">DUO</a> <a href="#top">Boven</a></p></body></html>',
        encoding="utf-8",
    )
    target = folder / "utrecht.pdf"
    with pdf.PdfPrinter() as printer:
        printer.print_pdf(page, target, title="Utrecht", demo=False)
    raw = target.read_bytes()
    assert b"file:" not in raw
    reader = pypdf.PdfReader(target, strict=True)
    uris = {
        annot.get_object()["/A"]["/URI"]
        for annot in reader.pages[0].get("/Annots", [])
        if "/URI" in annot.get_object().get("/A", {})
    }
    assert uris == {"utrecht.csv", "../methodologie.html#begrippen", "https://duo.nl/"}
    # Every object of the cross-reference table is where the table says.
    table = raw[raw.rindex(b"\nxref\n") + 6 :].split(b"trailer")[0].split(b"\n")
    first = int(table[0].split()[0])
    entries = [line.split() for line in table[1:] if line.strip()]
    in_use = [(first + i, int(e[0])) for i, e in enumerate(entries) if e[2] == b"n"]
    assert in_use
    for number, offset in in_use:
        assert raw[offset:].startswith(f"{number} 0 obj".encode())
