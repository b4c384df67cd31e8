"""Benchmark: the two parts of a report batch that no runner avoids. Asserts nothing.

Prints, for the first N provinces (default 12):
- content: the report's own work in this process, as a batch worker does it (the notebook's
  cells in the in-process engine, the HTML export, the CSV/XLSX downloads), CPU seconds per
  report, after the worker's start-up (imports and data, printed on their own);
- pdf: Chromium printing those HTML reports with the batch's printer (one browser, two pages
  at a time), CPU seconds of its process tree per PDF;
- with ``--naive-s`` (the naive route's time from bench_reports.py, same host phase): the CPU
  the 8x goal leaves on this machine's cores, against the two parts' sum.

    .venv/bin/python benchmarks/bench_report_parts.py [--processed-dir DIR] [--limit N]
        [--naive-s SECONDS]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench_reports import TreeCpu
from machine import speed_check

from analysis import paths
from analysis.publish import batch, pdf, plan, worker


def content(regions: list[plan.Region], processed: Path, out: Path) -> tuple[float, list[float]]:
    """(start-up CPU s, CPU s per report) of one worker running the reports in turn."""
    started = time.process_time()
    warm_up = {"processed_dir": str(processed), "levels": ["provincie"]}
    worker.init_worker(str(batch.DEFAULT_NOTEBOOK), False, warm_up)
    start_up = time.process_time() - started
    seconds = []
    for region in regions:
        slug = plan.slugify(region.name)
        task = worker.Task(
            label=region.name,
            parameters={
                "region_level": region.level,
                "region": region.name,
                "processed_dir": str(processed),
                "generated_on": "2026-01-01",
                "regional_text": "",
                "texts_dir": "",
                "download_stem": slug,
                "edition_dir": "",
            },
            title=region.name,
            demo=False,
            html_target=str(out / f"{slug}.html"),
            notebook_target=str(out / f"{slug}.ipynb"),
            failed_target=str(out / f"{slug}.failed.ipynb"),
        )
        before = time.process_time()
        outcome = worker.run_report(task)
        seconds.append(time.process_time() - before)
        if outcome.error:
            raise SystemExit(f"{region.name}: {outcome.error}")
    return start_up, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processed-dir", type=Path, default=paths.PROCESSED_DIR)
    parser.add_argument("--limit", type=int, default=12, help="number of provinces (default 12)")
    parser.add_argument("--naive-s", type=float, help="the naive route's seconds (bench_reports)")
    args = parser.parse_args()
    processed = args.processed_dir.resolve()
    if not (processed / paths.MANIFEST_FILE).is_file() or pdf.chromium_path() is None:
        print("needs a processed store (techniekpact process) and Chromium", file=sys.stderr)
        return 2
    regions = plan.select_regions(plan.read_regions(processed), "provincie", [])[: args.limit]
    n, cores = len(regions), os.cpu_count() or 1
    print(f"{n} provincial reports, {cores} cores")
    print(f"before: {speed_check()}")
    with tempfile.TemporaryDirectory(prefix="bench-parts-") as tmp:
        out = Path(tmp)
        start_up, per_report = content(regions, processed, out)
        with TreeCpu() as chromium, pdf.PdfPrinter() as printer:
            futures = [
                printer.submit(out / f"{plan.slugify(r.name)}.html", out / f"{i}.pdf", title="x",
                               demo=False)
                for i, r in enumerate(regions)
            ]  # fmt: skip
            for future in futures:
                future.result()
    content_s, pdf_s = sum(per_report), chromium.seconds
    print(f"worker start-up:  {start_up:6.1f} s cpu (imports and data, once per worker)")
    print(
        f"content:          {content_s:6.1f} s cpu ({content_s / n:.2f} per report; "
        f"first {per_report[0]:.2f}, the others {sum(per_report[1:]) / max(n - 1, 1):.2f})"
    )
    print(f"pdf (Chromium):   {pdf_s:6.1f} s cpu ({pdf_s / n:.2f} per PDF, browser start included)")
    print(f"both:             {content_s + pdf_s:6.1f} s cpu")
    if args.naive_s:
        budget = args.naive_s / 8 * cores
        print(
            f"8x of naive {args.naive_s:.1f} s: batch <= {args.naive_s / 8:.1f} s, i.e. "
            f"<= {budget:.1f} s cpu on {cores} cores; the two parts alone use "
            f"{(content_s + pdf_s) / budget:.0%} of it"
        )
    print(f"after:  {speed_check()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
