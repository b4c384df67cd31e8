"""HTML report -> A4 PDF with one headless Chromium for the whole batch.

Launching Chromium costs about a second; printing a page with an already running one
about half of that, most of it waiting. So a batch starts one ``PdfPrinter`` and prints
every report with it, two pages at a time. The pages are kept and reused: a new page (and,
once none is open, a new renderer process) per report cost Chromium 1.5 s CPU more.
Playwright's own browser download is not used: the system Chromium is.

Chromium writes a link to a local file (the downloads, the methodology page) as an absolute
file:// URI of the machine that printed it, which is dead once the reports are published;
``relative_file_links`` makes them relative to the PDF's folder, as they are in the HTML.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import os
import posixpath
import re
import shutil
import threading
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType
from urllib.parse import quote, unquote, urlsplit

from analysis.atomic import atomic_path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MARGINS = {"top": "22mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
_SMALL = "font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 8pt; color: #5b6775;"


class PdfError(Exception):
    """A PDF could not be made (no Chromium, or printing failed)."""


def chromium_path() -> Path | None:
    """The system Chromium: $TECHNIEKPACT_CHROMIUM, /usr/bin/chromium, or on the PATH."""
    candidates = [os.environ.get("TECHNIEKPACT_CHROMIUM"), "/usr/bin/chromium"]
    candidates += [shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def header_template(title: str, demo: bool) -> str:
    """Running header: the report's region on every page (and the demo warning on demo data)."""
    demo_note = (
        '<span style="color: #b00020; font-weight: bold;">DEMO — synthetische gegevens</span>'
        if demo
        else ""
    )
    return (
        f'<div style="{_SMALL} width: 100%; margin: 0 16mm; display: flex; '
        f'justify-content: space-between;"><span>Techniekpact-monitor · {html.escape(title)}'
        f"</span>{demo_note}</div>"
    )


def footer_template() -> str:
    """Page numbers, Dutch."""
    return (
        f'<div style="{_SMALL} width: 100%; margin: 0 16mm; text-align: right;">'
        'Pagina <span class="pageNumber"></span> van <span class="totalPages"></span></div>'
    )


class PdfPrinter:
    """One headless Chromium for a batch, in a background thread with its own event loop.

    ``submit`` returns at once with a future; up to ``pages`` PDFs print at the same time
    (printing is mostly waiting on Chromium, so two pages keep it busy while the workers go
    on). A Chromium that died (killed, crashed) is started again, and a PDF it was printing
    is printed once more. Use as a context manager; ``print_pdf`` prints one and waits.
    """

    def __init__(self, executable: Path | None = None, pages: int = 2) -> None:
        self.executable = executable or chromium_path()
        self.pages = pages
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._playwright = None
        self._browser = None
        self._context = None
        self._slots: asyncio.Semaphore | None = None
        self._launching: asyncio.Lock | None = None
        self._idle: list = []  # open pages of the current browser, waiting for a report

    def __enter__(self) -> PdfPrinter:
        if self.executable is None:
            raise PdfError(
                "Chromium not found (looked at $TECHNIEKPACT_CHROMIUM, /usr/bin/chromium and the "
                "PATH): PDF reports cannot be made. Install it with `make system-deps` "
                "(Debian package `chromium`); HTML reports are built regardless."
            )
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="pdf-printer", daemon=True
        )
        self._thread.start()
        try:
            self._call(self._start()).result()
        except BaseException:
            self._stop_loop()
            raise
        return self

    def _call(self, coro) -> Future:
        if self._loop is None:
            coro.close()
            raise PdfError("PdfPrinter used outside its `with` block")
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    async def _start(self) -> None:
        from playwright.async_api import Error, async_playwright

        self._slots = asyncio.Semaphore(self.pages)
        self._launching = asyncio.Lock()
        self._playwright = await async_playwright().start()
        try:
            await self._launch()
        except Error as exc:
            await self._playwright.stop()
            self._playwright = None
            raise PdfError(f"Chromium at {self.executable} did not start: {exc}") from exc

    async def _launch(self) -> None:
        """Start Chromium and the offline browser context every report is printed in."""
        self._browser = await self._playwright.chromium.launch(
            executable_path=str(self.executable), args=CHROMIUM_ARGS, headless=True
        )
        self._idle = []  # pages of a browser that died are gone with it
        self._context = await self._browser.new_context(offline=True)
        # A report must be self-contained: refuse every request that leaves the file.
        await self._context.route("**/*", _local_only)

    async def _ensure_browser(self) -> None:
        """Start Chromium again when it is gone (one restart at a time)."""
        from playwright.async_api import Error

        async with self._launching:
            if self._browser is not None and self._browser.is_connected():
                return
            with contextlib.suppress(Error):
                await self._browser.close()
            try:
                await self._launch()
            except Error as exc:
                raise PdfError(f"Chromium stopped and could not be started again: {exc}") from exc

    def submit(self, source: Path, target: Path, *, title: str, demo: bool) -> Future:
        """Print ``source`` (an HTML report) to ``target`` atomically; a future of None."""
        return self._call(self._print(Path(source), Path(target), title, demo))

    def print_pdf(self, source: Path, target: Path, *, title: str, demo: bool) -> None:
        """Print one PDF and wait for it: A4, running header, page numbers, bookmarks."""
        self.submit(source, target, title=title, demo=demo).result()

    async def _print(self, source: Path, target: Path, title: str, demo: bool) -> None:
        from playwright.async_api import Error

        if self._context is None or self._slots is None:
            raise PdfError("PdfPrinter used outside its `with` block")
        async with self._slots:
            for attempt in (1, 2):
                await self._ensure_browser()
                browser = self._browser
                try:
                    await self._print_page(source, target, title, demo)
                    return
                except Error as exc:
                    alive = browser is self._browser and browser.is_connected()
                    if attempt == 2 or alive:
                        raise PdfError(f"printing {source} to PDF failed: {exc}") from exc
                    # Chromium died while printing (or was replaced since): print once more.

    async def _print_page(self, source: Path, target: Path, title: str, demo: bool) -> None:
        """Print on an idle page (or a new one); the page is kept only when all went well.

        Loading the report replaces the previous report's document, so nothing of it stays.
        """
        from playwright.async_api import Error

        context = self._context
        if self._idle:
            page = self._idle.pop()
        else:
            page = await context.new_page()
            await page.emulate_media(media="print")  # before loading: laid out once, for print
        kept = False
        try:
            await page.goto(source.resolve().as_uri(), wait_until="load")
            await page.evaluate("document.documentElement.classList.add('tp-pdf')")
            with atomic_path(target, suffix=".pdf") as tmp:
                printed = await page.pdf(
                    format="A4",
                    margin=MARGINS,
                    print_background=True,
                    display_header_footer=True,
                    header_template=header_template(title, demo),
                    footer_template=footer_template(),
                    prefer_css_page_size=False,
                    outline=True,
                    tagged=True,
                )
                tmp.write_bytes(relative_file_links(printed, target.parent))  # written once
            kept = context is self._context  # not a page of a browser started since
        finally:
            if kept:
                self._idle.append(page)
            else:
                with contextlib.suppress(Error):  # the browser may have died with the page
                    await page.close()

    async def _close(self) -> None:
        from playwright.async_api import Error

        if self._browser is not None:
            with contextlib.suppress(Error):  # a browser that was killed is already closed
                await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()

    def _stop_loop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self._loop is not None and not self._loop.is_running():
            self._loop.close()
        self._loop = self._thread = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._loop is None:
            return
        try:
            self._call(self._close()).result(timeout=60)
        finally:
            self._stop_loop()


# A link action as Chromium (Skia) writes it: an uncompressed literal string without escapes,
# ASCII (Chromium percent-encodes the rest).
_FILE_LINK = re.compile(rb"/URI \((file://[!-'*-\[\]-~]*)\)")


def relative_file_links(pdf: bytes, folder: Path) -> bytes:
    """The PDF with each link to a local file made relative to ``folder`` (where the PDF
    lies): '../methodologie.html#x' instead of 'file:///home/.../methodologie.html#x'.

    A relative URI is resolved against the PDF's own location (PDF 1.7, 12.6.4.7), so the
    links work wherever the reports folder is published. The shorter URI is padded with
    spaces after the string, so every byte offset in the cross-reference table stays right.
    """
    here = str(folder.resolve())

    def relative(match: re.Match) -> bytes:
        uri = match.group(1).decode("ascii")
        address, hash_sign, fragment = uri.partition("#")
        path = posixpath.relpath(unquote(urlsplit(address).path), here)
        new = f"{quote(path)}{hash_sign}{fragment}".encode("ascii")
        if len(new) > len(match.group(1)):  # cannot happen inside the reports folder
            return match.group(0)
        return b"/URI (" + new + b")" + b" " * (len(match.group(1)) - len(new))

    return _FILE_LINK.sub(relative, pdf)


async def _local_only(route) -> None:
    if route.request.url.startswith(("file:", "data:")):
        await route.continue_()
    else:
        await route.abort()
