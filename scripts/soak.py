"""Soak: five consecutive full batches on the real data, one injected fault each.

Every batch re-processes the real files (``process --force``, so every report's input key
changes and every report is really rebuilt) and builds the reports of Nederland, the
landsdelen and the 12 provinces as HTML + PDF. Each batch injects one fault, checks that
the outcome is the expected one, recovers the way a user would (run it again) and checks
that no report is corrupt and nothing was lost. Prints the figures for docs/reliability.md.

    .venv/bin/python scripts/soak.py [--workdir /tmp/techniekpact-soak] [--jobs 2]

Needs the real files (../shared/data), Chromium, and root for the small tmpfs of the
full-disk batch (without it that batch fills a plain folder's quota-less disk: refused).
Nothing is written into the repository: raw copy, store and reports live in --workdir.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import psutil
from pypdf import PdfReader

from analysis import paths
from analysis.publish import plan

LEVELS = ("nederland", "landsdeel", "provincie")
FAILING_REGION = "Zeeland"
CORRUPTED_FILE = "duo/mbo/mbo_deelnemers_instelling_plaats_sector_niveau_geslacht_2015-2019.csv"
LEFTOVER_PATTERNS = ("**/.*.tmp", "**/.*.running.ipynb", "**/.staging-*")


@dataclass
class Tally:
    """The soak's figures."""

    batches: int = 0
    faults: list[str] = field(default_factory=list)
    checks: int = 0
    failed_checks: list[str] = field(default_factory=list)
    reports_built: int = 0
    pdfs_checked: int = 0
    htmls_checked: int = 0
    corrupt: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    records_lost: int = 0

    def check(self, ok: bool, what: str, detail: str = "") -> None:
        self.checks += 1
        print(f"    [{'ok' if ok else 'FAIL'}] {what}", flush=True)
        if not ok:
            self.failed_checks.append(what)
            if detail:
                print(textwrap.indent(detail[-3000:], "      | "), flush=True)


class Soak:
    """One soak run in ``workdir``."""

    def __init__(self, workdir: Path, shared: Path, jobs: int) -> None:
        self.workdir = workdir
        self.shared = shared
        self.jobs = jobs
        self.raw = workdir / "raw"
        self.processed = workdir / "processed"
        self.reports = workdir / "reports"
        self.notebook = workdir / "nb" / "region_report.ipynb"
        self.tally = Tally()
        self.baseline_counts: dict[str, tuple[int, int]] = {}

    # --- running the CLI ----------------------------------------------------------------

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "analysis.cli", *args]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        print(f"  $ techniekpact {' '.join(args)} -> exit {done.returncode} "
              f"({time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip
        return done

    def process(self, *extra: str) -> subprocess.CompletedProcess:
        return self.cli(
            "process", "--raw-dir", str(self.raw), "--processed-dir", str(self.processed), *extra
        )

    def report_args(self, level: str) -> list[str]:
        return [
            "reports", "--level", level, "--format", "html,pdf", "--jobs", str(self.jobs),
            "--processed-dir", str(self.processed), "--reports-dir", str(self.reports),
        ]  # fmt: skip

    def reports_level(self, level: str) -> subprocess.CompletedProcess:
        done = self.cli(*self.report_args(level))
        self.tally.reports_built += _built(done.stderr)
        return done

    def all_levels(self, what: str) -> None:
        for level in LEVELS:
            done = self.reports_level(level)
            self.tally.check(done.returncode == 0, f"{what}: reports --level {level} succeeds")

    def launch(self, level: str) -> subprocess.Popen:
        command = [sys.executable, "-m", "analysis.cli", *self.report_args(level)]
        print(f"  $ techniekpact {' '.join(command[3:])} (in the background)", flush=True)
        return subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,
        )  # fmt: skip

    def wait_for(self, proc: subprocess.Popen, suffix: str, count: int, since: float) -> int:
        """Block until ``count`` new provincial outputs with ``suffix`` exist; return how many."""
        while proc.poll() is None:
            fresh = [
                p for p in (self.reports / "provincie").glob(f"*{suffix}")
                if p.stat().st_mtime > since
            ]  # fmt: skip
            if len(fresh) >= count:
                return len(fresh)
            time.sleep(0.2)
        return -1

    # --- checks ---------------------------------------------------------------------------

    def jobs_expected(self) -> list[plan.ReportJob]:
        regions = plan.read_regions(self.processed)
        jobs = []
        for level in LEVELS:
            jobs += plan.make_jobs(plan.select_regions(regions, level, []), ("html", "pdf"))
        return jobs

    def verify_reports(self, what: str, *, complete: bool) -> None:
        """Every report present is sound; with ``complete``, every expected report is present."""
        corrupt, missing = [], []
        for job in self.jobs_expected():
            page, pdf = job.path(self.reports, ".html"), job.path(self.reports, ".pdf")
            for target in (page, pdf, job.path(self.reports, ".key.json")):
                if not target.is_file() and complete:
                    missing.append(str(target.relative_to(self.reports)))
            if page.is_file():
                self.tally.htmls_checked += 1
                if not _html_ok(page, job.region.name):
                    corrupt.append(str(page))
            if pdf.is_file():
                self.tally.pdfs_checked += 1
                if not _pdf_ok(pdf, job.region.name):
                    corrupt.append(str(pdf))
        leftovers = [
            str(p) for root in (self.reports, self.processed)
            for pattern in LEFTOVER_PATTERNS for p in root.glob(pattern)
        ]  # fmt: skip
        self.tally.corrupt += corrupt
        self.tally.missing += missing
        self.tally.check(not corrupt, f"{what}: no corrupt report {corrupt[:3]}")
        if complete:
            self.tally.check(not missing, f"{what}: every report present {missing[:3]}")
            self.tally.leftovers += leftovers
            self.tally.check(not leftovers, f"{what}: no temp/partial files {leftovers[:3]}")

    def verify_records(self, what: str) -> None:
        """The manifest's per-file cells and totals equal the first batch's: no record lost."""
        counts = _manifest_counts(self.processed)
        if not self.baseline_counts:
            self.baseline_counts = counts
        lost = sum(
            max(0, cells - counts.get(path, (0, 0))[0])
            for path, (cells, _) in self.baseline_counts.items()
        )
        self.tally.records_lost += lost
        cells = sum(c for c, _ in counts.values())
        self.tally.check(
            counts == self.baseline_counts,
            f"{what}: every count file's cells and total unchanged ({cells:,} cells)",
        )

    # --- the five batches -----------------------------------------------------------------

    def setup(self) -> None:
        if self.workdir.exists():
            _unmount_all(self.workdir)
            shutil.rmtree(self.workdir)
        shutil.copytree(self.shared, self.raw, ignore=shutil.ignore_patterns("*.md"))
        for path in self.raw.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)  # the shared copy is read-only
        self.notebook.parent.mkdir(parents=True)
        shutil.copy2(paths.NOTEBOOKS_DIR / "region_report.ipynb", self.notebook)
        done = self.process()
        if done.returncode != 0:
            sys.exit(f"soak: the initial process failed:\n{done.stderr}")

    def batch_corrupt_raw(self) -> None:
        self.start("a raw file truncated mid-row")
        target = self.raw / CORRUPTED_FILE
        original = target.read_bytes()
        before = _snapshot(self.processed)
        target.write_bytes(original[: len(original) // 2])
        done = self.process()
        self.tally.check(
            done.returncode == 1 and target.name in done.stderr and "line" in done.stderr,
            "process exits 1 naming the file and line",
        )
        self.tally.check(_snapshot(self.processed) == before, "the previous store is unchanged")
        target.write_bytes(original)
        self.finish_batch()

    def batch_failing_notebook(self) -> None:
        self.start(f"the notebook raises for {FAILING_REGION}")
        self.tally.check(self.process("--force").returncode == 0, "process --force succeeds")
        job = next(j for j in self.jobs_expected() if j.region.name == FAILING_REGION)
        old = {s: _sha(job.path(self.reports, s)) for s in (".html", ".pdf")}
        failing = self.workdir / "nb-failing" / "region_report.ipynb"
        _write_failing_notebook(self.notebook, failing, FAILING_REGION)
        script = (
            "import sys; from analysis.cli import configure_logging; "
            "from analysis.publish.batch import run_batch; configure_logging(0, 0); "
            f"sys.exit(run_batch('provincie', [], ['html', 'pdf'], {self.jobs}, "
            f"{str(self.processed)!r}, {str(self.reports)!r}, False, notebook={str(failing)!r}))"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=False
        )
        self.tally.reports_built += _built(done.stderr)
        self.tally.check(
            done.returncode == 1 and f"provincie/{FAILING_REGION}" in done.stderr
            and "soak: injected failure" in done.stderr and "11 built" in done.stderr,
            f"the batch exits 1 naming {FAILING_REGION}; the 11 other provinces are built",
        )  # fmt: skip
        kept = {s: _sha(job.path(self.reports, s)) for s in (".html", ".pdf")}
        self.tally.check(kept == old, f"{FAILING_REGION}'s earlier HTML and PDF are unchanged")
        self.verify_reports("after the failure", complete=False)
        self.finish_batch()

    def batch_sigkill(self) -> None:
        self.start("the batch is killed with SIGKILL mid-batch")
        self.tally.check(self.process("--force").returncode == 0, "process --force succeeds")
        started = time.time()
        proc = self.launch("provincie")
        seen = self.wait_for(proc, ".key.json", 3, started)
        _kill_tree(proc)
        done_before = len(
            [
                p
                for p in (self.reports / "provincie").glob("*.key.json")
                if p.stat().st_mtime > started
            ]
        )
        self.tally.check(
            seen >= 3 and done_before < 12, f"killed after {done_before} of 12 reports"
        )
        self.verify_reports("after SIGKILL", complete=False)
        done = self.reports_level("provincie")
        rebuilt = _built(done.stderr)
        self.tally.check(
            done.returncode == 0 and rebuilt == 12 - done_before,
            f"the rerun builds only the other {12 - done_before} (built {rebuilt})",
        )
        self.finish_batch(levels=("nederland", "landsdeel"))

    def batch_chromium_killed(self) -> None:
        self.start("Chromium is killed mid-batch")
        self.tally.check(self.process("--force").returncode == 0, "process --force succeeds")
        started = time.time()
        proc = self.launch("provincie")
        printed = self.wait_for(proc, ".pdf", 2, started)
        killed = [p for p in _tree(proc.pid) if "chrom" in p.name().lower()]
        for child in killed:
            child.kill()
        _out, err = proc.communicate(timeout=1800)
        self.tally.reports_built += _built(err)
        self.tally.check(
            bool(killed) and printed >= 2 and "Traceback" not in err
            and (proc.returncode == 0 or (proc.returncode == 1 and "PDF" in err)),
            f"killed {len(killed)} Chromium process(es) after {printed} PDFs; the batch starts "
            f"a new one and goes on (exit {proc.returncode}; a report printing at that moment "
            "fails, named)",
        )  # fmt: skip
        self.verify_reports("after Chromium died", complete=False)
        done = self.reports_level("provincie")
        self.tally.check(done.returncode == 0, "the rerun completes the rest")
        self.finish_batch(levels=("nederland", "landsdeel"))

    def batch_full_disk(self) -> None:
        self.start("the disk fills up mid-batch")
        self.tally.check(self.process("--force").returncode == 0, "process --force succeeds")
        size = sum(p.stat().st_size for p in self.reports.rglob("*") if p.is_file())
        small = self.workdir / "reports-small"
        small.mkdir()
        mib = size // 2**20 + 64
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={mib}m", "tmpfs", str(small)], check=False
        )
        if mounted.returncode != 0:
            sys.exit("soak: cannot mount a tmpfs for the full-disk batch (needs root)")
        shutil.copytree(self.reports, small, dirs_exist_ok=True)
        self.reports = small
        started = time.time()
        proc = self.launch("provincie")
        self.wait_for(proc, ".key.json", 2, started)
        filler = small / "filler.bin"
        _fill(filler)
        _out, err = proc.communicate(timeout=1800)
        self.tally.reports_built += _built(err)
        self.tally.check(
            proc.returncode == 1 and "No space left on device" in err and " built, " in err,
            "the batch finishes, exits 1 and says the disk is full",
            detail=err,
        )
        self.verify_reports("on the full disk", complete=False)
        filler.unlink()
        done = self.reports_level("provincie")
        self.tally.check(done.returncode == 0, "with space again, the rerun completes the rest")
        self.finish_batch(levels=("nederland", "landsdeel"))

    def start(self, fault: str) -> None:
        self.tally.batches += 1
        self.tally.faults.append(fault)
        print(f"\nBatch {self.tally.batches}: {fault}", flush=True)

    def finish_batch(self, levels: tuple[str, ...] = LEVELS) -> None:
        for level in levels:
            done = self.reports_level(level)
            self.tally.check(done.returncode == 0, f"reports --level {level} succeeds")
        self.verify_reports(f"batch {self.tally.batches}", complete=True)
        self.verify_records(f"batch {self.tally.batches}")

    def run(self) -> int:
        started = time.perf_counter()
        self.setup()
        try:
            self.batch_corrupt_raw()
            self.batch_failing_notebook()
            self.batch_sigkill()
            self.batch_chromium_killed()
            self.batch_full_disk()
        finally:
            _unmount_all(self.workdir)
        return self.summary(time.perf_counter() - started)

    def summary(self, seconds: float) -> int:
        t = self.tally
        print("\nSoak summary")
        print(f"  batches (process + {len(self.jobs_expected())} reports each): {t.batches}")
        print(f"  faults injected: {len(t.faults)} ({'; '.join(t.faults)})")
        print(f"  checks: {t.checks}, as expected: {t.checks - len(t.failed_checks)}")
        print(f"  reports built: {t.reports_built}")
        print(f"  HTML files checked: {t.htmls_checked}, PDF files checked: {t.pdfs_checked}")
        print(f"  corrupt reports: {len(t.corrupt)}, missing reports: {len(t.missing)}")
        print(f"  temp/partial files left: {len(t.leftovers)}")
        print(f"  records lost: {t.records_lost}")
        print(f"  time: {seconds / 60:.1f} min")
        for problem in t.failed_checks:
            print(f"  FAILED: {problem}")
        return 1 if t.failed_checks else 0


# --- helpers ---------------------------------------------------------------------------------


def _built(messages: str) -> int:
    """How many reports the summary line says were built (the CLI logs it to stderr)."""
    marker = "techniekpact reports: "
    for line in messages.splitlines():
        if line.startswith(marker) and " built, " in line:
            return int(line[len(marker) :].split(" built")[0])
    return 0


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): _sha(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def _manifest_counts(processed: Path) -> dict[str, tuple[int, int]]:
    manifest = json.loads((processed / paths.MANIFEST_FILE).read_text(encoding="utf-8"))
    return {e["path"]: (e["cells"], e["counts_total"]) for e in manifest["inputs"] if e["cells"]}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.closed_html = False

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self.closed_html |= tag == "html"


def _html_ok(path: Path, region: str) -> bool:
    """Parses, is complete (ends with </html>) and names its region."""
    parser = _Text()
    try:
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
    except (UnicodeDecodeError, AssertionError):
        return False
    return parser.closed_html and region in html.unescape(" ".join(parser.parts))


def _pdf_ok(path: Path, region: str) -> bool:
    """Opens with pypdf, has pages, and its first page names the region."""
    try:
        reader = PdfReader(path, strict=True)
        return len(reader.pages) > 0 and region in reader.pages[0].extract_text()
    except Exception:  # any failure to read is a corrupt PDF
        return False


def _write_failing_notebook(source: Path, target: Path, region: str) -> None:
    import nbformat

    nb = nbformat.read(source, as_version=4)
    cell = nbformat.v4.new_code_cell(
        f"if region == {region!r}:\n    raise RuntimeError('soak: injected failure')"
    )
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, cell)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)


def _tree(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _kill_tree(proc: subprocess.Popen) -> None:
    """SIGKILL the batch and every process it started (workers, kernels, Chromium)."""
    victims = _tree(proc.pid)
    os.killpg(proc.pid, signal.SIGKILL)
    for victim in victims:
        with contextlib.suppress(psutil.NoSuchProcess):
            victim.kill()
    proc.communicate(timeout=60)


def _fill(filler: Path) -> None:
    """Write zeros until the filesystem is full."""
    block = b"\0" * 2**20
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(block)
                handle.flush()
        except OSError:
            pass


def _unmount_all(workdir: Path) -> None:
    small = workdir / "reports-small"
    if small.is_dir() and os.path.ismount(small):
        subprocess.run(["umount", str(small)], check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/techniekpact-soak"))
    parser.add_argument("--shared", type=Path, default=paths.SHARED_DATA_DIR)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if not (args.shared / "SOURCES.md").is_file():
        sys.exit(f"soak: the real data are not at {args.shared}")
    return Soak(args.workdir.resolve(), args.shared, args.jobs).run()


if __name__ == "__main__":
    sys.exit(main())
