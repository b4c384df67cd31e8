"""Executed notebook -> one self-contained HTML report (no code, no prompts, no CDN).

One ``HtmlRenderer`` per worker process: building the nbconvert exporter costs more than
using it (export itself takes ~0.05 s).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nbformat
from nbconvert import HTMLExporter

from analysis.publish.plan import TEMPLATES_DIR

CSS_FILE = TEMPLATES_DIR / "report.css"
TOC_TITLE = "Inhoud"
# Resources a page would fetch by itself. Hyperlinks (<a href>) are fine; loads are not.
_EXTERNAL_LOAD = re.compile(
    r"""<(?:script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=\s*["']?(?!data:)([^"'\s>]+)"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?([^"'\s>]+)"""
    r"""|@import\s+(?:url\()?["']?([^"')\s;]+)"""
    r"""|url\(\s*["']?(?!data:)(https?:[^"')\s]+)""",
    re.IGNORECASE,
)


class RenderError(Exception):
    """The rendered page would not be self-contained or readable offline."""


@dataclass(frozen=True)
class Heading:
    """An h2/h3 of the report, for the table of contents and the PDF bookmarks."""

    level: int
    anchor: str
    text: str


class HtmlRenderer:
    """nbconvert HTMLExporter with the house template: inputs, prompts and stderr hidden."""

    def __init__(self) -> None:
        self.exporter = HTMLExporter(
            template_name="techniekpact",
            extra_template_basedirs=[str(TEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            anchor_link_text="",
        )
        self.css = CSS_FILE.read_text(encoding="utf-8")

    def render(self, nb: nbformat.NotebookNode, *, title: str, demo: bool) -> str:
        """The report page for an executed notebook, with its table of contents."""
        resources = {"techniekpact": {"title": title, "demo": demo, "css": self.css}}
        body, _ = self.exporter.from_notebook_node(nb, resources=resources)
        page = add_toc(body)
        external = external_resources(page)
        if external:
            raise RenderError(
                f"the report for {title!r} would load external resources {external[:5]}; "
                "reports must be self-contained (images as data: URIs, no CDN scripts)"
            )
        return page


def external_resources(page: str) -> list[str]:
    """Every resource the page would load from outside itself (scripts, styles, images)."""
    return [next(g for g in m.groups() if g) for m in _EXTERNAL_LOAD.finditer(page)]


class _HeadingParser(HTMLParser):
    """Collects h2/h3 elements with their id, text and source offsets."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0]
        for line in page.split("\n"):
            self._line_starts.append(self._line_starts[-1] + len(line) + 1)
        self.found: list[tuple[int, int, str | None, str]] = []  # (offset, level, id, text)
        self._open: tuple[int, int, str | None] | None = None
        self._text: list[str] = []
        self._skip = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3") and self._open is None:
            self._open = (self._offset(), int(tag[1]), dict(attrs).get("id"))
            self._text = []
        elif (
            self._open is not None
            and tag == "a"
            and "anchor-link" in (dict(attrs).get("class") or "")
        ):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._skip:
            self._skip -= 1
        elif self._open is not None and tag == f"h{self._open[1]}":
            offset, level, anchor = self._open
            text = " ".join("".join(self._text).split())
            self.found.append((offset, level, anchor, text))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None and not self._skip:
            self._text.append(data)


def add_toc(page: str) -> str:
    """Give every h2/h3 an id and insert a table of contents after the cover (or at the top)."""
    parser = _HeadingParser(page)
    parser.feed(page)
    parser.close()
    headings: list[Heading] = []
    used: set[str] = set(re.findall(r'\bid="([^"]+)"', page))
    # Insert missing ids back to front so earlier offsets stay valid.
    for offset, level, anchor, text in reversed(parser.found):
        if not text:
            continue
        if anchor is None:
            anchor = _unique_anchor(text, used)
            tag_end = offset + 3  # after "<h2" / "<h3"
            page = f'{page[:tag_end]} id="{anchor}"{page[tag_end:]}'
        headings.append(Heading(level, anchor, text))
    headings.reverse()
    if not headings:
        return page
    toc = toc_html(headings)
    cover = re.search(r'<section\b[^>]*class="[^"]*\bcover\b[^"]*"', page)
    if cover:
        end = page.find("</section>", cover.end())
        if end != -1:
            cut = end + len("</section>")
            return page[:cut] + toc + page[cut:]
    main = page.find("<main>")
    cut = main + len("<main>") if main != -1 else 0
    return page[:cut] + toc + page[cut:]


def _unique_anchor(text: str, used: set[str]) -> str:
    base = re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "sectie"
    anchor, n = base, 1
    while anchor in used:
        n += 1
        anchor = f"{base}-{n}"
    used.add(anchor)
    return anchor


def toc_html(headings: list[Heading]) -> str:
    """A nested ordered list: h3 entries under the h2 before them."""
    parts = [
        f'<nav class="toc" aria-label="{TOC_TITLE}"><h2 class="toc-title">{TOC_TITLE}</h2><ol>'
    ]
    open_sub = False
    for i, heading in enumerate(headings):
        link = f'<a href="#{html.escape(heading.anchor)}">{html.escape(heading.text)}</a>'
        if heading.level == 3 and i > 0:
            if not open_sub:
                parts.append("<ol>")
                open_sub = True
            parts.append(f"<li>{link}</li>")
            continue
        if open_sub:
            parts.append("</ol>")
            open_sub = False
        if i > 0:
            parts.append("</li>")
        parts.append(f"<li>{link}")
    if open_sub:
        parts.append("</ol>")
    parts.append("</li></ol></nav>")
    return "".join(parts)
