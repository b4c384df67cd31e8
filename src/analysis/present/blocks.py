"""What the notebooks display: HTML and Markdown blocks and charts, shown as raw outputs.

Everything a report or exploration notebook shows goes out through ``show`` as
``text/html`` or ``text/markdown`` only, so the batch renderer gets clean outputs and
nothing reaches stdout or stderr.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:  # matplotlib only where a chart is shown: the batch's index needs none
    from analysis.present.plots import Chart


@dataclass(frozen=True)
class Html:
    """A block of HTML for the report (already escaped)."""

    html: str


@dataclass(frozen=True)
class Markdown:
    """A block of Markdown prose for the report (headings feed the table of contents)."""

    markdown: str


Block = Union[Html, Markdown, "Chart"]  # "Chart" by name: plots is not imported here


def show(blocks: Block | str | Iterable[Block]) -> None:
    """Display blocks as raw ``text/html`` / ``text/markdown`` outputs (no text/plain)."""
    from IPython.display import display

    from analysis.present import plots

    if isinstance(blocks, Html | Markdown | plots.Chart | str):
        blocks = [blocks]
    for block in blocks:
        if isinstance(block, plots.Chart):
            plots.show(block)
        elif isinstance(block, Markdown):
            display({"text/markdown": block.markdown}, raw=True)
        else:
            display({"text/html": block.html if isinstance(block, Html) else block}, raw=True)
