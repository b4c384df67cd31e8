"""``techniekpact reports``: one report per region, in parallel, incremental and isolated.

Plan (cheap: no papermill/nbconvert/pandas) -> skip every report whose input key is
unchanged -> execute + render HTML in worker processes -> print PDFs with one Chromium in
this process while the workers go on -> key files, index page, summary.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

from analysis import paths
from analysis.errors import TechniekpactError
from analysis.present.missing import missing_sources_note
from analysis.publish import downloads, editions, plan
from analysis.publish.plan import ReportJob
from analysis.store.manifest import read_manifest

DEFAULT_NOTEBOOK = paths.NOTEBOOKS_DIR / "region_report.ipynb"
LOCK_FILE = ".lock"


class ReportsBusyError(TechniekpactError):
    """Another batch is writing to the same reports folder."""


def run_batch(
    level: str,
    regions: list[str],
    formats: list[str],
    jobs: int | None,
    processed_dir: Path,
    reports_dir: Path,
    force: bool,
    *,
    notebook: Path | None = None,
    generated_on: str | None = None,
    reuse_kernels: bool = True,
    previous_edition: Path | None = None,
    texts_dir: Path | None = None,
) -> int:
    """Build the requested reports; 0 when every one succeeded, 1 when any failed."""
    started = time.perf_counter()
    processed_dir = Path(processed_dir).resolve()
    reports_dir = Path(reports_dir).resolve()
    notebook = Path(notebook or DEFAULT_NOTEBOOK).resolve()
    if not notebook.is_file():
        raise plan.ReportRequestError(f"{notebook}: report notebook not found")
    wanted = plan.parse_formats(formats)
    manifest = read_manifest(processed_dir)
    selected = plan.select_regions(plan.read_regions(processed_dir), level, regions)
    report_jobs = plan.make_jobs(selected, wanted)
    data = plan.data_fingerprint(processed_dir, manifest)
    code = plan.code_fingerprint()
    plan.assign_keys(report_jobs, notebook, data, code)
    reports_dir.mkdir(parents=True, exist_ok=True)
    lock = _acquire_lock(reports_dir)
    try:
        _remove_leftovers(reports_dir)
        # Publication (issue 13): what changed since the previous edition, in every key.
        generated_on = generated_on or date.today().isoformat()
        if changes_key := editions.prepare(
            reports_dir, processed_dir, manifest, previous_edition, generated_on
        ):
            data = {**data, "previous_edition": changes_key}
            plan.assign_keys(report_jobs, notebook, data, code)
        text_problems = _regional_texts(report_jobs, processed_dir, texts_dir)
        stale = [j for j in report_jobs if force or not plan.is_current(j, reports_dir)]
        skipped = len(report_jobs) - len(stale)
        if skipped:
            print(f"techniekpact reports: {skipped} report(s) unchanged, skipped.")
        failures: list[str] = []
        if stale:
            failures = _build(
                stale,
                notebook=notebook,
                processed_dir=processed_dir,
                reports_dir=reports_dir,
                jobs=jobs,
                demo=bool(manifest.get("demo")),
                generated_on=generated_on,
                reuse_kernels=reuse_kernels,
            )
        # Publication (issue 13): the figures beside each report, and this edition's record.
        built = {j.label for j in stale if plan.is_current(j, reports_dir)}
        problems = text_problems + downloads.write_for_jobs(
            report_jobs, processed_dir, reports_dir, built
        )
        editions.write_edition(
            reports_dir, processed_dir, manifest, generated_on, rebuilt=bool(built)
        )
        index_problem = _update_index(reports_dir, processed_dir, manifest, {**data, **code})
    finally:
        lock.release()
    elapsed = time.perf_counter() - started
    print(
        f"techniekpact reports: {len(stale) - len(failures)} built, {skipped} unchanged, "
        f"{len(failures)} failed ({elapsed:.1f} s)."
    )
    missing = missing_sources_note(manifest)
    if missing:
        print(f"techniekpact reports: {missing}", file=sys.stderr)
    failures += problems  # publication (issue 13): texts that match no region, downloads
    if index_problem:
        failures.append(index_problem)
    if failures:
        print(f"techniekpact reports: {len(failures)} report(s) FAILED:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    return 0


def _acquire_lock(reports_dir: Path):
    """An exclusive lock on the reports folder; a second batch gets a clear message."""
    from filelock import FileLock, Timeout

    lock = FileLock(reports_dir / LOCK_FILE, timeout=0)
    try:
        lock.acquire()
    except Timeout as exc:
        raise ReportsBusyError(
            f"{reports_dir} is locked by another `techniekpact reports` run "
            f"({reports_dir / LOCK_FILE}); wait for it to finish and try again"
        ) from exc
    return lock


def _remove_leftovers(reports_dir: Path) -> None:
    """Delete temp files of a batch that was killed; safe because this batch holds the lock."""
    leftovers = [
        p
        for pattern in (".*.tmp", "*/.*.tmp", "*/.*.running.ipynb")
        for p in reports_dir.glob(pattern)
        if p.is_file()
    ]
    for path in leftovers:
        path.unlink(missing_ok=True)
    if leftovers:
        print(
            f"techniekpact reports: removed {len(leftovers)} unfinished file(s) of an "
            "interrupted earlier run."
        )


def _build(
    stale: list[ReportJob],
    *,
    notebook: Path,
    processed_dir: Path,
    reports_dir: Path,
    jobs: int | None,
    demo: bool,
    generated_on: str,
    reuse_kernels: bool,
) -> list[str]:
    """Run the stale reports; returns one message per failed report."""
    import multiprocessing
    from concurrent.futures import (
        Future,
        ProcessPoolExecutor,
        ThreadPoolExecutor,
        as_completed,
        wait,
    )

    from tqdm import tqdm

    from analysis.publish import worker

    workers = max(1, min(jobs or os.cpu_count() or 1, len(stale)))
    # The index page needs pandas in this process at the end: it is imported in the
    # background as soon as a worker has nothing left to do (then a core is free).
    warm_index_after = max(0, len(stale) - workers)
    tasks = {job.label: _task(job, processed_dir, reports_dir, demo, generated_on) for job in stale}
    by_label = {job.label: job for job in stale}
    failures: list[str] = []
    want_pdf = any("pdf" in job.formats for job in stale)
    # Workers fork from a server that imported the report's modules once (a fresh interpreter
    # per worker would import them again, and so would each worker's kernel).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(worker.preload_modules(Path(notebook)))
    with (
        ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=worker.init_worker,
            initargs=(
                str(notebook),
                reuse_kernels,
                {
                    "processed_dir": str(processed_dir),
                    "levels": sorted({job.region.level for job in stale}),
                },
                dict(os.environ),
            ),
        ) as pool,
        tqdm(total=len(stale), unit="rapport", desc="rapporten", file=sys.stderr) as bar,
    ):
        # Chromium starts while the fork server imports (submit waits for that server).
        launching = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium-launch")
        printer_start = launching.submit(_start_printer) if want_pdf else None
        launching.shutdown(wait=False)
        try:
            futures = {pool.submit(worker.run_report, t): label for label, t in tasks.items()}
        finally:  # wait for Chromium either way: if submitting failed, close it below
            printer, printer_error = printer_start.result() if printer_start else (None, None)
            if printer is not None and sys.exc_info()[0] is not None:
                printer.__exit__(None, None, None)
        # PDFs print (and keys are written) in threads, so that the next report's PDF can
        # start while one is still printing; the printer bounds how many print at once.
        finishing = ThreadPoolExecutor(max_workers=printer.pages if printer else 1)
        sealed: list[Future] = []

        def done(sealing: Future, job: ReportJob) -> None:
            try:
                problem = sealing.result()
            except Exception as exc:  # a bug while sealing: this report fails, not the batch
                problem = f"{job.label}: {type(exc).__name__}: {exc}"
            if problem:
                failures.append(problem)
                bar.write(f"FAILED {problem}", file=sys.stderr)
            bar.set_postfix_str(job.slug, refresh=False)
            bar.update()

        try:
            for received, future in enumerate(as_completed(futures)):
                if received == warm_index_after:
                    threading.Thread(
                        target=importlib.import_module, args=("pandas",), daemon=True
                    ).start()
                job = by_label[futures[future]]
                try:
                    outcome = future.result()
                except Exception as exc:  # a worker process died (killed, out of memory)
                    outcome = worker.Outcome(job.label, error=f"worker process failed: {exc!r}")
                sealing = finishing.submit(
                    _finish, job, outcome, printer, printer_error, reports_dir, demo
                )
                sealing.add_done_callback(lambda f, job=job: done(f, job))
                sealed.append(sealing)
            pool.shutdown(wait=False)  # workers stop their kernels while the last PDFs print
            wait(sealed)
        finally:
            finishing.shutdown(wait=True)
            if printer is not None:
                printer.__exit__(None, None, None)
    return failures


def _task(job: ReportJob, processed_dir: Path, reports_dir: Path, demo: bool, generated_on: str):
    from analysis.publish.worker import Task

    return Task(
        label=job.label,
        parameters={
            "region_level": job.region.level,
            "region": job.region.name,
            "processed_dir": str(processed_dir),
            "generated_on": generated_on,
            **_publication_parameters(job, reports_dir),
        },
        title=report_title(job),
        demo=demo,
        html_target=str(job.path(reports_dir, ".html")),
        notebook_target=str(job.path(reports_dir, ".ipynb")),
        failed_target=str(job.path(reports_dir, ".failed.ipynb")),
    )


def _regional_texts(
    jobs: list[ReportJob], processed_dir: Path, texts_dir: Path | None
) -> list[str]:
    """Publication (issue 13): each region's own text goes into its key; a text file that
    matches no region is reported (with close matches), the reports are still built."""
    from analysis.content import regional_text
    from analysis.provenance import sha256_file

    folder = Path(texts_dir or paths.CONFIG_DIR / regional_text.TEXTS_DIR).resolve()
    for job in jobs:
        source = regional_text.text_path(folder, job.level_slug, job.slug)
        if source.is_file():
            entry = {"path": str(source), "root": str(folder), "sha256": sha256_file(source)}
            plan.add_key_part(job, "regional_text", entry)
    every = plan.make_jobs(plan.read_regions(processed_dir), ("html",))
    known: dict[str, set[str]] = {}
    for job in every:
        known.setdefault(job.level_slug, set()).add(job.slug)
    return regional_text.unknown_texts(folder, known)


def _publication_parameters(job: ReportJob, reports_dir: Path) -> dict[str, str]:
    """The notebook's issue-13 parameters: downloads' stem, edition's changes, region's text."""
    edition = reports_dir / paths.EDITION_DIR
    text = job.key_parts.get("regional_text") or {}
    return {
        "regional_text": text.get("path", ""),
        "texts_dir": text.get("root", ""),
        "download_stem": job.slug,
        "edition_dir": str(edition) if (edition / paths.EDITION_SUMMARY_FILE).is_file() else "",
    }


def _start_printer():
    """Launch the batch's one Chromium (while the workers start); an error is kept, not raised."""
    from analysis.publish.pdf import PdfError, PdfPrinter

    try:
        return PdfPrinter().__enter__(), None
    except PdfError as exc:
        return None, str(exc)


def _finish(job, outcome, printer, printer_error, reports_dir: Path, demo: bool) -> str | None:
    """Print the PDF of a rendered report and write its key; returns a failure message."""
    if outcome.error is not None:
        audit = job.path(reports_dir, ".failed.ipynb")
        return f"{job.label}: {outcome.error.strip()} (executed notebook: {audit})"
    try:
        return _print_and_seal(job, printer, printer_error, reports_dir, demo)
    except OSError as exc:  # e.g. a full disk: this report fails, the earlier outputs stay
        return f"{job.label}: outputs could not be written: {exc}"


def _print_and_seal(job, printer, printer_error, reports_dir: Path, demo: bool) -> str | None:
    """The PDF (when asked for), then the key file that marks the report as complete."""
    from analysis.atomic import write_text
    from analysis.publish.pdf import PdfError

    html = job.path(reports_dir, ".html")
    if "pdf" in job.formats:
        if printer is None:
            return f"{job.label}: PDF not made: {printer_error}"
        try:
            printer.print_pdf(
                html, job.path(reports_dir, ".pdf"), title=report_title(job), demo=demo
            )
        except PdfError as exc:
            return f"{job.label}: {exc}"
    if "html" not in job.formats:
        # The HTML is the PDF's source; keep it only when it was asked for.
        html.unlink(missing_ok=True)
    built = datetime.now(UTC).replace(microsecond=0).isoformat()
    write_text(job.path(reports_dir, ".key.json"), plan.key_record(job, reports_dir, built))
    return None


def report_title(job: ReportJob) -> str:
    """The region as the running header of its PDF names it, with its level in Dutch."""
    from analysis.present.text import level_label  # pandas: only once there is something to build

    if job.region.level == "nederland":
        return job.region.name
    return f"{job.region.name} — {level_label(job.region.level)}"


def _update_index(
    reports_dir: Path, processed_dir: Path, manifest: dict, inputs: dict[str, str]
) -> str | None:
    """Rewrite reports/index.html when the data, the code or the set of reports changed."""
    from analysis.publish import index

    key = index.index_key(reports_dir, inputs)
    if index.is_current(reports_dir, key):
        return None
    try:
        index.write_index(reports_dir, processed_dir, manifest, key)
    except Exception as exc:  # the reports themselves are fine; say so and fail the run
        return f"index: {reports_dir / index.INDEX_FILE} not written: {type(exc).__name__}: {exc}"
    return None
