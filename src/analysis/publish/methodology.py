"""The methodology published with the reports: ``docs/methodology.md`` as one HTML page,
``<reports>/methodologie.html``, which every report and the index link to relatively.

A link into the repository (``docs/…`` or a ``file://`` path of the building machine) is
broken once the reports folder is published elsewhere; a page inside the folder is not.
Links of the document into the repository (``../config/indicators.yaml``) keep their
words and lose the link: those files are not published. Raw HTML in the Markdown is
escaped. The page is written atomically, and only when its content changed.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from analysis import paths
from analysis.atomic import write_text
from analysis.publish.index import page

SOURCE = paths.DOCS_DIR / "methodology.md"
SAFE_LINK = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)
TITLE = "Methodologie van de Techniekpact-monitor"
NOTE = (
    "Hoe de cijfers in de rapporten zijn geteld: telregels, afgeschermde aantallen, regio's, "
    "doelen en trends. Deze verantwoording is in het Engels geschreven."
)


def heading_id(text: str) -> str:
    """'1a. Releases and cuts' -> '1a-releases-and-cuts' (GitHub's anchors, so links that
    work on the repository's page work here too)."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text)).strip().lower()
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", plain))


def render(source_text: str) -> str:
    """The Markdown as HTML: raw HTML escaped, only web, mail and in-page links."""
    import mistune

    class Renderer(mistune.HTMLRenderer):
        def heading(self, text: str, level: int, **attrs) -> str:
            return f'<h{level} id="{heading_id(text)}">{text}</h{level}>\n'

        def link(self, text: str, url: str, title: str | None = None) -> str:
            if not SAFE_LINK.match(url.strip()):
                return text  # a file of the repository: not published with the reports
            return super().link(text, url, title)

    markdown = mistune.create_markdown(
        escape=True, renderer=Renderer(escape=True), plugins=["table"]
    )
    return markdown(source_text)


def page_html(source_text: str) -> str:
    """The whole page, in the reports' house style (no file it would have to fetch)."""
    style = """main { max-width: 56rem; }
main table { display: block; overflow-x: auto; border-collapse: collapse; font-size: .85rem; }
main th, main td { text-align: left; vertical-align: top; padding: .25rem .5rem;
  border-bottom: 1px solid #d9d9d9; }"""
    body = (
        '<main>\n<div lang="nl">\n<p class="tp-intro"><a href="index.html">Alle rapporten</a> · '
        f"{html.escape(NOTE)}</p>\n</div>\n{render(source_text)}</main>"
    )
    return page(TITLE, "en", style, "tp-methodology", body)


def write_methodology(reports_dir: Path, source: Path = SOURCE) -> Path:
    """Write ``<reports_dir>/methodologie.html`` from ``source`` when it differs from what
    is there (atomically); the page's path."""
    target = Path(reports_dir) / paths.METHODOLOGY_PAGE
    page = page_html(source.read_text(encoding="utf-8"))
    if not target.is_file() or target.read_text(encoding="utf-8") != page:
        write_text(target, page)
    return target
