"""The in-process engine: a report does not depend on what ran before it in its worker.

The real report notebook on the demo data, with one worker: a region's report built alone
and built tenth in a batch must be the same page, and the same executed notebook apart
from papermill's timestamps and durations.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import nbformat
import pytest

from analysis.publish import batch, plan

TENTH = 9


def _build(processed: Path, reports: Path, regions: list[str]) -> None:
    with contextlib.redirect_stderr(io.StringIO()):
        status = batch.run_batch(
            "provincie", regions, ["html"], 1, processed, reports, False,
            generated_on="2025-03-04",
        )  # fmt: skip
    assert status == 0, f"batch over {regions} failed"


def _injected_id(path: Path) -> str:
    """papermill gives its injected-parameters cell a new random id on every run."""
    nb = nbformat.read(path, as_version=4)
    (cell,) = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    return cell.id


def _outputs(path: Path) -> list:
    """Every cell's source, outputs and execution count (not papermill's timings, not ids)."""
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source, c.get("outputs"), c.get("execution_count")) for c in nb.cells]


def _page(reports: Path, slug: str) -> str:
    page = (reports / "provincie" / f"{slug}.html").read_text(encoding="utf-8")
    injected = _injected_id(reports / "provincie" / f"{slug}.ipynb")
    assert page.count(f"cell-id={injected}") == 1
    return page.replace(f"cell-id={injected}", "cell-id=injected")


def test_a_report_built_tenth_in_a_worker_equals_the_report_built_alone(
    demo_processed: Path, tmp_path: Path
) -> None:
    provinces = [
        r.name for r in plan.select_regions(plan.read_regions(demo_processed), "provincie", [])
    ]
    if len(provinces) <= TENTH:
        pytest.skip(f"the demo data has only {len(provinces)} provinces")
    batch_regions = provinces[: TENTH + 1]
    tenth = batch_regions[TENTH]
    _build(demo_processed, tmp_path / "batch", batch_regions)
    _build(demo_processed, tmp_path / "alone", [tenth])
    slug = plan.slugify(tenth)
    alone = _page(tmp_path / "alone", slug)
    assert f'<p class="region">{tenth}</p>' in alone or tenth in alone  # this region's page
    assert "<svg" in alone or "image/svg+xml" in alone  # with its charts
    assert _page(tmp_path / "batch", slug) == alone
    assert _outputs(tmp_path / "batch" / "provincie" / f"{slug}.ipynb") == _outputs(
        tmp_path / "alone" / "provincie" / f"{slug}.ipynb"
    )
