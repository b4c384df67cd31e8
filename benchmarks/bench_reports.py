"""Benchmark: the provincial reports (HTML + PDF), batch vs the naive route. Asserts nothing.

Prints, in one run on the same regions:
- batch: the ``techniekpact reports`` command (workers running the notebook in-process,
  HTML rendered in the worker, one Chromium), forced to rebuild everything;
- naive: per region, serially, the three command-line tools (``papermill``,
  ``jupyter nbconvert --to html --no-input``, ``chromium --headless --print-to-pdf``);
- the ratio, and a floor: one kernel run of an empty notebook per report, divided by jobs
  (what the plain route, a fresh kernel per report, cannot go below), and batch / floor;
- the CPU seconds of both routes (every process of the route, sampled every 0.1 s, so a
  little low): on a shared machine the wall-clock ratio moves with the load of others, the
  CPU ratio much less.

With ``--gemeenten [N]`` it times instead the gemeente reports (all 342, or the first N):
``techniekpact reports --level gemeente`` HTML only, then HTML + PDF, and prints the seconds
per report and, for a partial run, the time 342 would take at that rate.

Needs the processed store (``techniekpact process``) and notebooks/region_report.ipynb.

    .venv/bin/python benchmarks/bench_reports.py [--processed-dir DIR] [--jobs N] [--limit N]
    .venv/bin/python benchmarks/bench_reports.py --gemeenten [N] [--jobs N]
        [--batch-only]   (skip the naive route: ~10x longer than the batch)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from machine import speed_check

from analysis import paths
from analysis.publish import batch, pdf, plan

BIN = Path(sys.executable).parent


def naive(region: plan.Region, notebook: Path, processed: Path, out: Path, today: str) -> None:
    """One report the obvious way: three command-line tools, each starting from scratch."""
    slug = plan.slugify(region.name)
    executed, html_file, pdf_file = (out / f"{slug}{s}" for s in (".ipynb", ".html", ".pdf"))
    params = {
        "region_level": region.level,
        "region": region.name,
        "processed_dir": str(processed),
        "generated_on": today,
    }
    command = [str(BIN / "papermill"), str(notebook), str(executed), "--no-progress-bar"]
    for name, value in params.items():
        command += ["-p", name, value]
    subprocess.run(command, check=True, capture_output=True, cwd=notebook.parent)
    subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            str(pdf.chromium_path()),
            "--headless",
            *pdf.CHROMIUM_ARGS,
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_file}",
            html_file.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
    )


def empty_kernel_run() -> float:
    """Seconds for papermill (already imported) to run a one-cell notebook in a new kernel."""
    import nbformat
    import papermill

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        papermill.execute_notebook(nb, None, progress_bar=False, kernel_name="python3")
        runs.append(time.perf_counter() - started)
    return sorted(runs)[1]


class TreeCpu:
    """CPU seconds of this process's descendants, sampled while they run (they may exit)."""

    def __init__(self) -> None:
        import psutil

        self._psutil = psutil
        self._seen: dict[tuple[int, float], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            for child in self._psutil.Process().children(recursive=True):
                try:
                    times = child.cpu_times()
                    self._seen[(child.pid, child.create_time())] = times.user + times.system
                except self._psutil.Error:  # gone meanwhile: its last sample stays
                    pass
            self._stop.wait(0.1)

    def __enter__(self) -> TreeCpu:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def seconds(self) -> float:
        return sum(self._seen.values())


def gemeente_reports(processed: Path, jobs: int, limit: int | None) -> int:
    """Time the gemeente reports: HTML only, then HTML + PDF (each rebuilt from scratch)."""
    regions = plan.select_regions(plan.read_regions(processed), "gemeente", [])
    everyone = len(regions)
    regions = regions[:limit] if limit else regions
    n = len(regions)
    print(
        f"{n} of {everyone} gemeente reports, jobs={jobs}, {os.cpu_count()} cores; "
        f"load average {_load()}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-gemeenten-") as tmp:
        for formats in ("html", "html,pdf"):
            command = [str(BIN / "techniekpact"), "reports", "--level", "gemeente"]
            if limit:
                for region in regions:
                    command += ["--region", region.name]
            command += ["--format", formats, "--jobs", str(jobs), "--force"]
            command += [
                "--processed-dir",
                str(processed),
                "--reports-dir",
                str(Path(tmp) / formats),
            ]
            with TreeCpu() as cpu:
                started = time.perf_counter()
                status = subprocess.run(command, capture_output=True, text=True).returncode
                seconds = time.perf_counter() - started
            whole = (
                f"; {everyone} at this rate: {seconds / n * everyone / 60:.1f} min"
                if n < everyone
                else ""
            )
            print(
                f"{formats:9} (exit {status}): {seconds:7.1f} s ({seconds / n:5.2f} s per report, "
                f"cpu {cpu.seconds:.0f} s){whole}; load average now {_load()}"
            )
    return 0


def _load() -> str:
    """The 1-, 5- and 15-minute load averages, as ``uptime`` prints them."""
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processed-dir", type=Path, default=paths.PROCESSED_DIR)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, default=12, help="number of provinces (default 12)")
    parser.add_argument(
        "--gemeenten",
        type=int,
        nargs="?",
        const=0,
        default=None,
        help="time the gemeente reports instead (all, or the first N)",
    )
    parser.add_argument("--batch-only", action="store_true", help="skip the naive route")
    args = parser.parse_args()
    processed = args.processed_dir.resolve()
    if args.gemeenten is not None:
        return gemeente_reports(processed, args.jobs, args.gemeenten or None)
    notebook = batch.DEFAULT_NOTEBOOK  # the one `techniekpact reports` runs
    if not (processed / paths.MANIFEST_FILE).is_file() or not notebook.is_file():
        print(
            f"needs a processed store in {processed} (run `techniekpact process`) and the "
            f"report notebook {notebook}",
            file=sys.stderr,
        )
        return 2
    if pdf.chromium_path() is None:
        print("needs Chromium for the PDFs (make system-deps)", file=sys.stderr)
        return 2
    regions = plan.select_regions(plan.read_regions(processed), "provincie", [])[: args.limit]
    names = [r.name for r in regions]
    today = date.today().isoformat()
    print(
        f"{len(regions)} provincial reports, HTML + PDF, jobs={args.jobs}, {os.cpu_count()} cores;"
        f" load average {_load()}"
    )
    print(f"before: {speed_check()}")

    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        command = [str(BIN / "techniekpact"), "reports", "--level", "provincie"]
        for name in names:
            command += ["--region", name]
        command += ["--format", "html,pdf", "--jobs", str(args.jobs), "--force"]
        command += ["--processed-dir", str(processed), "--reports-dir", str(Path(tmp) / "batch")]
        with TreeCpu() as batch_cpu:
            started = time.perf_counter()
            status = subprocess.run(command, capture_output=True, text=True).returncode
            batch_s = time.perf_counter() - started

        naive_s = naive_cpu_s = None
        if not args.batch_only:
            out = Path(tmp) / "naive"
            out.mkdir()
            with TreeCpu() as naive_cpu:
                started = time.perf_counter()
                for region in regions:
                    naive(region, notebook.resolve(), processed, out, today)
                naive_s = time.perf_counter() - started
            naive_cpu_s = naive_cpu.seconds

    floor_s = empty_kernel_run() * len(regions) / args.jobs
    n = len(regions)
    print(f"batch (exit {status}):   {batch_s:7.1f} s   ({batch_s / n:5.2f} s per report)")
    if naive_s is not None:
        print(f"naive, serial CLIs: {naive_s:7.1f} s   ({naive_s / n:5.2f} s per report)")
        print(f"speed-up:           {naive_s / batch_s:7.1f} x   (target: at least 8 x)")
    floor_note = f"(empty-notebook kernel run x {n} / {args.jobs} jobs)"
    print(f"floor:              {floor_s:7.1f} s   {floor_note}")
    print(f"batch / floor:      {batch_s / floor_s:7.2f}     (target: at most 1.5)")
    cpu = f"cpu:                batch {batch_cpu.seconds:.1f} s"
    if naive_cpu_s is not None:
        cpu += f", naive {naive_cpu_s:.1f} s ({naive_cpu_s / batch_cpu.seconds:.1f} x)"
    print(f"{cpu}; load average now {_load()}")
    print(f"after:  {speed_check()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
