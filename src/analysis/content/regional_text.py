""" "Regionale aanpak": the region's own text, written by an analyst in Markdown.

``<texts>/<region_level>/<slug>.md`` (the slug is the report's file name). Markdown only:
raw HTML is escaped, never run; links other than http(s), mailto and in-page anchors are
dropped; images must lie inside the texts folder and are embedded in the report. The
section says that its numbers are the analyst's, not computed by the monitor.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import publication_config
from analysis.errors import TechniekpactError

if TYPE_CHECKING:  # the batch reads paths from here without loading the report modules
    from analysis.present.blocks import Block

HEADING = "Regionale aanpak"
NOTE = (
    "Deze tekst is geschreven door de regio en de analist. Getallen erin komen niet uit de "
    "berekeningen van deze monitor en zijn daar niet aan getoetst."
)
SETTINGS_FILE = publication_config.SETTINGS_FILE
TEXTS_DIR = "teksten"  # under config/
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
SAFE_LINK = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)


class RegionalTextError(TechniekpactError):
    """A region's text file that cannot be shown as it is."""


@dataclass(frozen=True)
class TextLimits:
    """Limits on an analyst's text and its images (config/publication.yaml, `teksten`)."""

    max_text_bytes: int = 100_000
    max_image_bytes: int = 2_000_000


def load_limits(config_dir: Path | None = None) -> TextLimits:
    """The limits from config/publication.yaml; the defaults when the file is absent."""
    path = publication_config.settings_path(config_dir)
    raw = publication_config.read_settings(config_dir).get("teksten") or {}
    limits = TextLimits()
    values = {}
    for key in ("max_text_bytes", "max_image_bytes"):
        value = raw.get(key, getattr(limits, key))
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise RegionalTextError(f"{path}: teksten.{key} must be a positive whole number")
        values[key] = value
    return TextLimits(**values)


def text_path(texts_dir: Path, level_slug: str, slug: str) -> Path:
    """Where the text of one region's report lives."""
    return Path(texts_dir) / level_slug / f"{slug}.md"


def read_text(path: Path, limits: TextLimits) -> str:
    """The file's text; an error naming the file and what is wrong (size, encoding)."""
    size = path.stat().st_size
    if size > limits.max_text_bytes:
        raise RegionalTextError(
            f"{path}: {size} bytes, more than the limit of {limits.max_text_bytes} "
            f"(teksten.max_text_bytes in config/{SETTINGS_FILE})"
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RegionalTextError(
            f"{path}: line {line}, byte {exc.start}: not valid UTF-8 (save the file as UTF-8)"
        ) from exc


def _image(src: str, alt: str, texts_dir: Path, source: Path, limits: TextLimits) -> str:
    """An image from the texts folder, embedded; anything else is an error."""
    root = texts_dir.resolve()
    target = (source.parent / src).resolve()
    if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.IGNORECASE) or not target.is_relative_to(root):
        raise RegionalTextError(
            f"{source}: image {src!r} is outside the texts folder {root} "
            "(only images in that folder are shown, embedded in the report)"
        )
    kind = IMAGE_TYPES.get(target.suffix.lower())
    if kind is None:
        raise RegionalTextError(
            f"{source}: image {src!r}: type {target.suffix or '(none)'} not supported "
            f"(expected one of {', '.join(sorted(IMAGE_TYPES))})"
        )
    if not target.is_file():
        raise RegionalTextError(f"{source}: image {src!r} not found ({target})")
    if target.stat().st_size > limits.max_image_bytes:
        raise RegionalTextError(
            f"{source}: image {src!r} is larger than teksten.max_image_bytes "
            f"({limits.max_image_bytes}) in config/{SETTINGS_FILE}"
        )
    data = base64.b64encode(target.read_bytes()).decode("ascii")
    return f'<img src="data:{kind};base64,{data}" alt="{html.escape(alt)}">'


def render_markdown(source_text: str, source: Path, texts_dir: Path, limits: TextLimits) -> str:
    """Markdown to safe HTML: raw HTML escaped, safe links only, headings below the section's."""
    import mistune

    class Renderer(mistune.HTMLRenderer):
        def heading(self, text: str, level: int, **attrs) -> str:
            level = min(level + 2, 6)  # '#' in the file is a sub-heading of the section
            return f"<h{level}>{text}</h{level}>\n"

        def link(self, text: str, url: str, title: str | None = None) -> str:
            if not SAFE_LINK.match(url.strip()):
                return text  # the words stay, the link goes
            return super().link(text, url, title)

        def image(self, text: str, url: str, title: str | None = None) -> str:
            return _image(url, text, texts_dir, source, limits)

    markdown = mistune.create_markdown(escape=True, renderer=Renderer(escape=True))
    return markdown(source_text)


def regional_section(text_file: str | Path = "", texts_dir: str | Path = "") -> list[Block]:
    """The section; empty when the region has no text file (the batch passes its path)."""
    from analysis.present.blocks import Html

    if not text_file:
        return []
    source = Path(text_file)
    if not source.is_file():
        return []
    root = Path(texts_dir) if texts_dir else source.parent.parent
    limits = load_limits()
    body = render_markdown(read_text(source, limits), source, root, limits)
    return [
        Html(
            f'<section class="tp-regional"><h2 id="regionale-aanpak">{HEADING}</h2>'
            f'<p class="note">{html.escape(NOTE)}</p>{body}</section>'
        )
    ]


def unknown_texts(texts_dir: Path, known: dict[str, set[str]]) -> list[str]:
    """Messages for text files that match no report (``known``: level slug -> slugs)."""
    from analysis.suggest import did_you_mean

    problems = []
    root = Path(texts_dir)
    if not root.is_dir():
        return []
    for path in sorted(root.glob("*/*.md")):
        level, slug = path.parent.name, path.stem
        if level not in known:
            problems.append(
                f"{path}: unknown region level folder {level!r}"
                f"{did_you_mean(level, sorted(known), quoted=True)}"
            )
        elif slug not in known[level]:
            problems.append(
                f"{path}: no {level} report is called {slug!r}"
                f"{did_you_mean(slug, sorted(known[level]), quoted=True)}; the file is not shown"
            )
    return problems
