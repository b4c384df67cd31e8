"""HTML report -> A4 PDF with one headless Chromium for the whole batch.

Launching Chromium costs about a second; printing a page with an already running one
about half of that. So a batch starts one ``PdfPrinter`` and prints every report with it.
Playwright's own browser download is not used: the system Chromium is.
"""

from __future__ import annotations

import contextlib
import html
import os
import shutil
from pathlib import Path
from types import TracebackType

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
    """One headless Chromium, reused for every PDF of a batch. Use as a context manager."""

    def __init__(self, executable: Path | None = None) -> None:
        self.executable = executable or chromium_path()
        self._playwright = None
        self._browser = None
        self._context = None

    def __enter__(self) -> PdfPrinter:
        if self.executable is None:
            raise PdfError(
                "Chromium not found (looked at $TECHNIEKPACT_CHROMIUM, /usr/bin/chromium and the "
                "PATH): PDF reports cannot be made. Install it with `make system-deps` "
                "(Debian package `chromium`); HTML reports are built regardless."
            )
        from playwright.sync_api import Error, sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._launch()
        except Error as exc:
            self._playwright.stop()
            raise PdfError(f"Chromium at {self.executable} did not start: {exc}") from exc
        return self

    def _launch(self) -> None:
        """Start Chromium and the offline browser context every report is printed in."""
        self._browser = self._playwright.chromium.launch(
            executable_path=str(self.executable), args=CHROMIUM_ARGS, headless=True
        )
        self._context = self._browser.new_context(offline=True)
        # A report must be self-contained: refuse every request that leaves the file.
        self._context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("file:", "data:"))
                else route.abort()
            ),
        )

    def _new_page(self):
        """A fresh page; when Chromium died (killed, crashed) it is started again, once."""
        from playwright.sync_api import Error

        try:
            return self._context.new_page()
        except Error:
            with contextlib.suppress(Error):
                self._browser.close()
        try:
            self._launch()
            return self._context.new_page()
        except Error as exc:
            raise PdfError(f"Chromium stopped and could not be started again: {exc}") from exc

    def print_pdf(self, source: Path, target: Path, *, title: str, demo: bool) -> None:
        """Print ``source`` (an HTML report) to ``target`` atomically: A4, header, page numbers."""
        from playwright.sync_api import Error

        if self._context is None:
            raise PdfError("PdfPrinter used outside its `with` block")
        page = self._new_page()
        try:
            page.goto(Path(source).resolve().as_uri(), wait_until="load")
            page.evaluate("document.documentElement.classList.add('tp-pdf')")
            page.emulate_media(media="print")
            with atomic_path(target, suffix=".pdf") as tmp:
                page.pdf(
                    path=str(tmp),
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
        except Error as exc:
            raise PdfError(f"printing {source} to PDF failed: {exc}") from exc
        finally:
            with contextlib.suppress(Error):  # the browser may have died with the page
                page.close()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._browser is not None:
            from playwright.sync_api import Error

            with contextlib.suppress(Error):  # a browser that was killed is already closed
                self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
