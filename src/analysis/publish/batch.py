"""``techniekpact reports``: one report per region, in parallel, incremental and isolated.

Plan (cheap: no papermill/nbconvert/pandas) -> skip every report whose input key is
unchanged -> execute + render HTML in worker processes -> print PDFs with one Chromium in
this process while the workers go on -> key files, index page, summary.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import signal
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

from analysis import paths, publication_config
from analysis.errors import TechniekpactError
from analysis.present.missing import missing_sources_note
from analysis.publish import downloads, editions, methodology, plan
from analysis.publish.plan import ReportJob
from analysis.store.manifest import read_manifest

DEFAULT_NOTEBOOK = paths.NOTEBOOKS_DIR / "region_report.ipynb"
LOCK_FILE = ".lock"
# The files a report consists of, longest first (".failed.ipynb" before ".ipynb").
REPORT_SUFFIXES = (".failed.ipynb", ".key.json", ".ipynb", ".html", ".pdf", ".csv", ".xlsx")
LOG_FILE = "reports.log"
log = logging.getLogger(__name__)
_PACKAGE = __name__.split(".")[0]  # the logger the CLI's handler is on


class ReportsBusyError(TechniekpactError):
    """Another batch is writing to the same reports folder."""

    exit_status = 4  # the CLI's EXIT_BUSY: not a data error, try again later


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
    fresh_kernel: bool = False,
    progress: bool = True,
    previous_edition: Path | None = None,
    texts_dir: Path | None = None,
) -> int:
    """Build the requested reports; 0 when every one succeeded, 1 when any failed.

    Messages go to the ``analysis.publish.batch`` logger, and all of them (debug included)
    to ``LOG_FILE`` in the reports folder, rewritten by every run that gets the lock.
    """
    started = time.perf_counter()
    processed_dir = Path(processed_dir).resolve()
    reports_dir = Path(reports_dir).resolve()
    notebook = Path(notebook or DEFAULT_NOTEBOOK).resolve()
    if not notebook.is_file():
        raise plan.ReportRequestError(f"{notebook}: report notebook not found")
    wanted = plan.parse_formats(formats)
    manifest = read_manifest(processed_dir)
    every = plan.read_regions(processed_dir)
    # {level folder: report slugs} of every region of the store, not only those selected:
    # regional texts and report files are matched against it.
    slugs = _report_slugs(every)
    report_jobs = plan.make_jobs(plan.select_regions(every, level, regions), wanted)
    data = plan.data_fingerprint(processed_dir, manifest)
    code = plan.code_fingerprint()
    plan.assign_keys(report_jobs, notebook, data, code)
    # A wrong tile or column id stops the batch, not each report (or the index at its end).
    publication_config.summary_tiles()
    publication_config.index_columns()
    reports_dir.mkdir(parents=True, exist_ok=True)
    lock = _acquire_lock(reports_dir)
    try:
        with _log_file(reports_dir / LOG_FILE):
            log.debug(
                "level %s, regions %s, formats %s, jobs %s, processed %s, notebook %s, "
                "fresh kernel %s, force %s",
                level, regions or "all", ",".join(wanted), jobs, processed_dir, notebook,
                fresh_kernel, force,
            )  # fmt: skip
            generated_on = generated_on or date.today().isoformat()
            # Publication (issue 13): what changed since the previous edition, in every key.
            if changes_key := editions.prepare(
                reports_dir, processed_dir, manifest, previous_edition, generated_on
            ):
                data = {**data, "previous_edition": changes_key}
                plan.assign_keys(report_jobs, notebook, data, code)
            text_problems = _regional_texts(report_jobs, slugs, texts_dir)
            return _run(
                report_jobs,
                started=started,
                problems=text_problems,
                slugs=slugs,
                notebook=notebook,
                processed_dir=processed_dir,
                reports_dir=reports_dir,
                jobs=jobs,
                manifest=manifest,
                inputs={**data, **code},
                force=force,
                generated_on=generated_on,
                fresh_kernel=fresh_kernel,
                progress=progress,
            )
    except KeyboardInterrupt:
        _remove_leftovers(reports_dir)  # every writer has stopped: no partial file stays
        raise
    finally:
        lock.release()


def _run(report_jobs: list[ReportJob], *, started: float, problems: list[str],
         slugs: dict[str, set[str]], manifest: dict, inputs: dict, force: bool,
         **build) -> int:  # fmt: skip
    """The batch behind the lock: skip what is current, build the rest, the index, a summary."""
    reports_dir: Path = build["reports_dir"]
    if removed := _remove_leftovers(reports_dir):
        log.info(
            "techniekpact reports: removed %d unfinished file(s) of an interrupted earlier run.",
            removed,
        )
    stale = [j for j in report_jobs if force or not plan.is_current(j, reports_dir)]
    skipped = len(report_jobs) - len(stale)
    if skipped:
        log.info("techniekpact reports: %d report(s) unchanged, skipped.", skipped)
    failures: list[str] = []
    if stale:
        failures = _build(stale, demo=bool(manifest.get("demo")), **build)
    # Publication (issue 13): the figures beside each report, and this edition's record. The
    # workers wrote the downloads of the reports they built; here only missing ones are
    # written (a report built before, or a worker's attempt that failed: its error is here).
    processed_dir: Path = build["processed_dir"]
    built = {j.label for j in stale if plan.is_current(j, reports_dir)}
    problems = problems + downloads.write_for_jobs(report_jobs, processed_dir, reports_dir, set())
    try:
        editions.write_edition(
            reports_dir, processed_dir, manifest, build["generated_on"], rebuilt=bool(built)
        )
    except OSError as exc:  # a full disk, say: the reports stand, the record is reported
        problems.append(f"edition record not written in {reports_dir / 'edition'}: {exc}")
    try:  # the methodology the reports and the index link to, inside the reports folder
        methodology.write_methodology(reports_dir)
    except OSError as exc:
        problems.append(f"methodology page not written in {reports_dir}: {exc}")
    withdrawn, not_removed = _remove_withdrawn(reports_dir, slugs)
    problems = problems + not_removed
    if withdrawn:
        log.info(
            "techniekpact reports: removed the reports of %d region(s) the data no longer has: %s.",
            len(withdrawn),
            ", ".join(withdrawn),
        )
    index_problem = _update_index(reports_dir, build["processed_dir"], manifest, inputs)
    elapsed = time.perf_counter() - started
    log.info(
        "techniekpact reports: %d built, %d unchanged, %d failed (%.1f s).",
        len(stale) - len(failures), skipped, len(failures), elapsed,
    )  # fmt: skip
    missing = missing_sources_note(manifest)
    if missing:
        log.warning("techniekpact reports: %s", missing)
    failures += problems  # publication (issue 13): texts that match no region, downloads
    if index_problem:
        failures.append(index_problem)
    if failures:
        log.error(
            "techniekpact reports: %d report(s) FAILED:\n%s",
            len(failures),
            "\n".join(f"  - {failure}" for failure in failures),
        )
        return 1
    return 0


def _regional_texts(
    jobs: list[ReportJob], slugs: dict[str, set[str]], texts_dir: Path | None
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
    return regional_text.unknown_texts(folder, slugs)


def _report_slugs(regions: list[plan.Region]) -> dict[str, set[str]]:
    """{level folder: the file slugs of its reports} for ``regions``."""
    known: dict[str, set[str]] = {}
    for job in plan.make_jobs(regions, ("html",)):
        known.setdefault(job.level_slug, set()).add(job.slug)
    return known


def _remove_withdrawn(reports_dir: Path, slugs: dict[str, set[str]]) -> tuple[list[str], list[str]]:
    """Remove the report files of regions the store no longer has (a merged gemeente, a
    pact taken out of config/regions.yaml), so that the folder publishes no report of a
    region that is gone; returns their labels ('gemeente/brielle') and a problem per file
    that could not be removed. Only the files a report consists of (``REPORT_SUFFIXES``)
    in the level folders of the store's levels: anything else there is left alone. The
    published edition is kept aside beforehand (analyst guide, the yearly cycle)."""
    withdrawn: set[str] = set()
    problems: list[str] = []
    for level, known in slugs.items():
        folder = reports_dir / level
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            suffix = next((s for s in REPORT_SUFFIXES if path.name.endswith(s)), None)
            slug = path.name[: -len(suffix)] if suffix else ""
            if slug and not slug.startswith(".") and slug not in known and path.is_file():
                try:
                    path.unlink()
                except OSError as exc:
                    problems.append(
                        f"{path}: a report of a region the data no longer has, "
                        f"not removed: {exc.strerror or exc}"
                    )
                    continue
                withdrawn.add(f"{level}/{slug}")
    return sorted(withdrawn), problems


@contextlib.contextmanager
def _log_file(path: Path) -> Iterator[None]:
    """Every message of this package, debug included, also into ``path`` for this run."""
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    package = logging.getLogger(_PACKAGE)
    level = package.level
    if package.getEffectiveLevel() > logging.DEBUG:  # the CLI sets DEBUG (handlers filter)
        package.setLevel(logging.DEBUG)
    package.addHandler(handler)
    try:
        yield
    finally:
        package.removeHandler(handler)
        package.setLevel(level)
        with contextlib.suppress(OSError):  # a full disk: the batch's outcome still stands
            handler.close()


class _AboveBar(io.TextIOBase):
    """A console stream whose writes go above the progress bar (``tqdm.write``)."""

    def __init__(self, stream: IO[str], bar) -> None:
        self.stream, self._bar = stream, bar

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._bar.write(text, file=self.stream, end="")
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


@contextlib.contextmanager
def _messages_above(bar) -> Iterator[None]:
    """While the bar runs, the package's console handlers write above it instead of into
    its line. Only their stream changes: their levels, filters and formats stay (tqdm's
    ``logging_redirect_tqdm`` would replace them by one handler without a level)."""
    consoles = [
        h
        for h in logging.getLogger(_PACKAGE).handlers
        if not bar.disable
        and type(h) is logging.StreamHandler
        and h.stream in (sys.stdout, sys.stderr)
    ]
    for handler in consoles:
        handler.setStream(_AboveBar(handler.stream, bar))
    try:
        yield
    finally:
        for handler in consoles:
            handler.setStream(handler.stream.stream)


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


def _remove_leftovers(reports_dir: Path) -> int:
    """Delete temp files of a batch that was killed or interrupted (safe: this batch holds
    the lock); returns how many."""
    leftovers = [
        p
        for pattern in (".*.tmp", "*/.*.tmp", "*/.*.running.ipynb")
        for p in reports_dir.glob(pattern)
        if p.is_file()
    ]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return len(leftovers)


def _build(
    stale: list[ReportJob],
    *,
    notebook: Path,
    processed_dir: Path,
    reports_dir: Path,
    jobs: int | None,
    demo: bool,
    generated_on: str,
    fresh_kernel: bool,
    progress: bool,
) -> list[str]:
    """Run the stale reports; returns one message per failed report.

    On Ctrl-C every process this batch started (workers, their kernels, Chromium) is
    stopped before KeyboardInterrupt goes on up.
    """
    from concurrent.futures import Future, ThreadPoolExecutor, wait

    from tqdm import tqdm

    from analysis.publish import worker
    from analysis.publish.pool import WorkerPool

    workers = max(1, min(jobs or os.cpu_count() or 1, len(stale)))
    by_label = {job.label: job for job in stale}
    failures: list[str] = []
    want_pdf = any("pdf" in job.formats for job in stale)
    levels = sorted({job.region.level for job in stale})
    before = _descendants()
    pool = WorkerPool(
        workers,
        initializer=worker.init_worker,
        initargs=(
            str(notebook),
            fresh_kernel,
            {"processed_dir": str(processed_dir), "levels": levels},
        ),
        run=worker.run_report,
        preload=worker.preload_modules(Path(notebook)),
    )
    # The workers start (their fork server imports the report modules) and Chromium starts
    # while this process makes the tasks (their titles import pandas, needed for the index).
    printer_start: Future | None = None
    printer = printer_error = None
    finishing: ThreadPoolExecutor | None = None
    sealed: list[Future] = []
    interrupted = False
    try:
        pool.start(len(stale))
        launching = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium-launch")
        printer_start = launching.submit(_start_printer) if want_pdf else None
        launching.shutdown(wait=False)
        tasks = [_task(job, processed_dir, reports_dir, demo, generated_on) for job in stale]
        # Messages while the bar runs are written above it (tqdm.write), not into its line.
        with (
            tqdm(
                total=len(stale),
                unit="rapport",
                desc="rapporten",
                file=sys.stderr,
                disable=not progress,
            ) as bar,
            _messages_above(bar),
        ):

            def done(sealing: Future, job: ReportJob) -> None:
                try:
                    problem = sealing.result()
                except Exception as exc:  # a bug while sealing: this report fails, not the batch
                    problem = f"{job.label}: {type(exc).__name__}: {exc}"
                if problem:
                    failures.append(problem)
                    log.warning("FAILED %s", problem)
                bar.set_postfix_str(job.slug, refresh=False)
                bar.update()

            for task, outcome in pool.map_unordered(tasks):
                if finishing is None:
                    if printer_start is not None:
                        printer, printer_error = printer_start.result()
                    # PDFs print (and keys are written) in threads, so that the next report's
                    # PDF can start while one is still printing.
                    finishing = ThreadPoolExecutor(max_workers=printer.pages if printer else 1)
                job = by_label[task.label]
                if isinstance(outcome, Exception):  # its worker died (killed, out of memory)
                    outcome = worker.Outcome(job.label, error=f"worker process failed: {outcome}")
                log.debug(
                    "%s: executed and rendered in %.2f s (worker %d, its report %d)",
                    job.label, outcome.seconds, outcome.worker_pid, outcome.report_number,
                )  # fmt: skip
                sealing = finishing.submit(
                    _finish, job, outcome, printer, printer_error, reports_dir, demo
                )
                sealing.add_done_callback(lambda f, job=job: done(f, job))
                sealed.append(sealing)
            if pool.fork_hazard:
                log.warning("workers started as new interpreters: %s", pool.fork_hazard)
            pool.close()  # workers stop while the last PDFs print
            wait(sealed)
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if interrupted else None
        try:
            pool.terminate()  # after close(): nothing left; else every worker stops now
            if finishing is not None:
                finishing.shutdown(wait=not interrupted, cancel_futures=interrupted)
            if printer is None and printer_start is not None:
                printer, _ = printer_start.result()
            if printer is not None:
                printer.__exit__(None, None, None)
            if finishing is not None and interrupted:
                finishing.shutdown(wait=True)
            if interrupted:
                _stop_descendants(before)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
    return failures


def _descendants() -> set[int]:
    """The pids of every process below this one."""
    import psutil

    return {p.pid for p in psutil.Process().children(recursive=True)}


def _stop_descendants(keep: set[int]) -> None:
    """Stop every process below this one that was not there before (``keep``): a kernel or
    Chromium that outlived its worker or browser connection on Ctrl-C."""
    import psutil

    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in keep]
    for process in left:
        with contextlib.suppress(psutil.Error):
            process.terminate()
    _gone, alive = psutil.wait_procs(left, timeout=2)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()


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
        kept = f" (executed notebook: {audit})" if audit.is_file() else ""
        return f"{job.label}: {outcome.error.strip()}{kept}"
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
