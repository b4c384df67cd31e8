"""The report batch on a stand-in notebook: outputs, failures, incremental runs, safety, lock."""

from __future__ import annotations

import contextlib
import html
import io
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from filelock import FileLock
from pypdf import PdfReader
from reports_standin import REGIONS, make_notebook, make_processed, write_manifest

from analysis import cli, paths
from analysis.errors import ConfigError
from analysis.publish import batch, pdf, plan, pool
from analysis.publish.render import external_resources

FIXED_CODE = {"git_commit": "test", "source_sha256": "test"}


A4_POINTS = (595.28, 841.89)


needs_chromium = pytest.mark.skipif(pdf.chromium_path() is None, reason="no Chromium installed")


@pytest.fixture
def fixed_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Teammates edit and commit code all the time; the key's code part is pinned here."""
    monkeypatch.setattr(plan, "code_fingerprint", lambda: dict(FIXED_CODE))


def run(capture: bool = True, **kwargs) -> tuple[int, str, str]:
    """run_batch with defaults; returns (exit status, stdout, stderr)."""
    args = {"level": "provincie", "regions": [], "formats": ["html"], "jobs": 1, "force": False}
    args.update(kwargs)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _messages(out, err):
        status = batch.run_batch(**args)
    return status, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def _messages(out: io.StringIO, err: io.StringIO):
    """The batch's log messages: info into ``out``, warnings and errors into ``err``."""
    info = logging.StreamHandler(out)
    info.addFilter(lambda record: record.levelno < logging.WARNING)
    info.setLevel(logging.INFO)
    problems = logging.StreamHandler(err)
    problems.setLevel(logging.WARNING)
    package = logging.getLogger("analysis")
    package.addHandler(info)
    package.addHandler(problems)
    try:
        yield
    finally:
        package.removeHandler(info)
        package.removeHandler(problems)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One batch over three provinces, HTML + PDF, one worker; Zeeland's notebook raises."""
    if pdf.chromium_path() is None:
        pytest.skip("no Chromium installed")
    root = tmp_path_factory.mktemp("built")
    notebook = make_notebook(root / "nb" / "report.ipynb", fail_for=("Zeeland",))
    processed = make_processed(root / "processed")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(plan, "code_fingerprint", lambda: dict(FIXED_CODE))
        status, out, err = run(
            regions=["Utrecht", "Fryslân", "Zeeland"],
            formats=["html", "pdf"],
            notebook=notebook,
            processed_dir=processed,
            reports_dir=root / "reports",
            generated_on="2025-02-03",
        )
    return {"status": status, "out": out, "err": err, "reports": root / "reports"}


def _launch(folder: Path, slug: str) -> str:
    return re.search(r"kernel-launch-([\w-]+)", (folder / f"{slug}.html").read_text()).group(1)


@needs_chromium
@pytest.mark.parametrize("region", ["Utrecht", "Fryslân"])
def test_html_report_is_self_contained_without_code(built: dict, region: str) -> None:
    page = (built["reports"] / "provincie" / f"{plan.slugify(region)}.html").read_text()
    assert html.escape(region) in page
    assert "Traceback" not in page
    assert '<div class="jp-InputArea' not in page and "In [" not in page and "In&nbsp;[" not in page
    assert "_tp_leak" not in page and "pd.read_parquet" not in page  # no notebook code
    assert "<script" not in page and external_resources(page) == []
    assert "DEMO — synthetische gegevens" in page  # the manifest says demo: true
    assert "2025-02-03" in page  # generated_on reached the notebook as a parameter
    toc = re.search(r'<nav class="toc".*?</nav>', page, re.S).group(0)
    assert re.findall(r'href="#([^"]+)"', toc) == [
        "Kiezen-voor-techniek",
        "Hoger-onderwijs",
        "Datakwaliteit",
    ]
    for anchor in ("Kiezen-voor-techniek", "Hoger-onderwijs", "Datakwaliteit"):
        assert f'id="{anchor}"' in page


@needs_chromium
def test_pdf_is_a4_with_running_header_page_numbers_and_bookmarks(built: dict) -> None:
    reader = PdfReader(built["reports"] / "provincie" / "utrecht.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Utrecht" in text
    pages = len(reader.pages)
    assert pages >= 2
    assert text.count("Techniekpact-monitor · Utrecht — provincie") == pages  # on every page
    assert f"Pagina 1 van {pages}" in text and f"Pagina {pages} van {pages}" in text
    assert "DEMO — synthetische gegevens" in text
    # The cover has a page to itself: page 1 holds no section text.
    assert "Kiezen voor techniek" not in reader.pages[0].extract_text()
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4_POINTS[0], abs=1.5)
        assert float(page.mediabox.height) == pytest.approx(A4_POINTS[1], abs=1.5)

    def titles(outline: list, depth: int = 0) -> list[tuple[int, str]]:
        found = []
        for item in outline:
            if isinstance(item, list):
                found += titles(item, depth + 1)
            else:
                found.append((depth, item.title))
        return found

    bookmarks = titles(reader.outline)
    names = [title for _, title in bookmarks]
    assert "Kiezen voor techniek" in names and "Datakwaliteit" in names
    depth = dict((title, d) for d, title in bookmarks)
    assert depth["Hoger onderwijs"] == depth["Kiezen voor techniek"] + 1


@needs_chromium
def test_a_failing_region_is_named_and_the_others_complete(built: dict) -> None:
    assert built["status"] == 1
    err = built["err"]
    assert "provincie/Zeeland" in err
    assert "cell 2 ('import html, json, os')" in err
    assert "ValueError: stand-in failure for Zeeland" in err
    folder = built["reports"] / "provincie"
    assert not (folder / "zeeland.html").exists() and not (folder / "zeeland.pdf").exists()
    assert not (folder / "zeeland.key.json").exists()  # so the next run retries it
    failed = nbformat.read(folder / "zeeland.failed.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for c in failed.cells for o in c.get("outputs", []))
    for slug in ("utrecht", "fryslan"):
        for suffix in (".html", ".pdf", ".ipynb", ".key.json"):
            assert (folder / f"{slug}{suffix}").is_file()


@needs_chromium
def test_one_worker_runs_both_reports_in_process_without_leaking_state(built: dict) -> None:
    """Both reports ran in the worker itself (same pid, no kernel launched) and the
    notebook's leak check (``_tp_leak`` not in globals) passed in the second one."""
    folder = built["reports"] / "provincie"
    pids = {
        re.search(r"kernel-(\d+)", (folder / f"{s}.html").read_text()).group(1)
        for s in ("utrecht", "fryslan")
    }
    assert len(pids) == 1
    assert {_launch(folder, s) for s in ("utrecht", "fryslan")} == {"in-process"}


def test_fresh_kernel_runs_each_report_in_a_new_kernel(tmp_path: Path, fixed_code: None) -> None:
    status, _out, err = run(
        regions=["Utrecht", "Fryslân"],
        notebook=make_notebook(tmp_path / "nb" / "report.ipynb"),
        processed_dir=make_processed(tmp_path / "processed"),
        reports_dir=tmp_path / "reports",
        fresh_kernel=True,
    )
    assert status == 0, err
    folder = tmp_path / "reports" / "provincie"
    pids = {
        re.search(r"kernel-(\d+)", (folder / f"{s}.html").read_text()).group(1)
        for s in ("utrecht", "fryslan")
    }
    assert len(pids) == 2
    assert {_launch(folder, s) for s in ("utrecht", "fryslan")} == {"launcher"}


# Run in the report's namespace: what a fresh process has, then changed for the next one.
POLLUTE = """\
import locale, os, sys, warnings
import matplotlib as mpl
import numpy as np
import pandas as pd
fresh = {
    "rc": mpl.rcParams["font.size"] == mpl.rcParamsOrig["font.size"],
    "pandas": pd.get_option("display.max_rows") == 60,
    "numpy": np.geterr()["divide"] == "warn",
    "env": "TP_LEFT_BEHIND" not in os.environ,
    "path": "/tp-left-behind" not in sys.path,
    "warnings": not any(f[0] == "error" and f[2] is UserWarning for f in warnings.filters),
}
assert all(fresh.values()), f"left behind by an earlier report: {fresh}"
mpl.rcParams["font.size"] = 31
pd.set_option("display.max_rows", 3)
np.seterr(divide="raise")
os.environ["TP_LEFT_BEHIND"] = "1"
sys.path.append("/tp-left-behind")
warnings.simplefilter("error", UserWarning)
os.chdir("/")
"""


def _stand_in_with(tmp_path: Path, code: str) -> Path:
    """The stand-in report notebook with one more code cell after its parameters."""
    notebook = make_notebook(tmp_path / "nb" / "report.ipynb")
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell(code))
    nbformat.write(nb, notebook)
    return notebook


def test_a_report_starts_from_what_a_new_process_has(tmp_path: Path, fixed_code: None) -> None:
    """Each report changes rcParams, pandas and numpy options, the environment, sys.path,
    warning filters and the working directory; the next report in the worker sees none of it."""
    notebook = _stand_in_with(tmp_path, POLLUTE)
    status, _out, err = run(
        regions=["Utrecht", "Fryslân", "Zeeland"],
        notebook=notebook,
        processed_dir=make_processed(tmp_path / "processed"),
        reports_dir=tmp_path / "reports",
    )
    assert status == 0, err
    pages = [
        (tmp_path / "reports" / "provincie" / f"{s}.html").read_text()
        for s in ("utrecht", "fryslan", "zeeland")
    ]
    assert len({re.search(r"kernel-(\d+)", page).group(1) for page in pages}) == 1


def test_a_killed_worker_fails_its_report_only(tmp_path: Path, fixed_code: None) -> None:
    """The worker running Fryslân dies (SIGKILL, as the OOM killer would); Fryslân fails with
    that message, a new worker builds the reports after it."""
    kill = "import os, signal\nif region == 'Fryslân':\n    os.kill(os.getpid(), signal.SIGKILL)"
    notebook = _stand_in_with(tmp_path, kill)
    status, _out, err = run(
        regions=["Utrecht", "Fryslân", "Zeeland"],
        notebook=notebook,
        processed_dir=make_processed(tmp_path / "processed"),
        reports_dir=tmp_path / "reports",
    )
    assert status == 1
    assert "provincie/Fryslân: worker process failed" in err
    assert "Utrecht" not in err and "Zeeland" not in err
    folder = tmp_path / "reports" / "provincie"
    assert (folder / "utrecht.key.json").is_file() and (folder / "zeeland.key.json").is_file()
    assert not (folder / "fryslan.html").exists() and not (folder / "fryslan.key.json").exists()
    assert not list(folder.glob(".*"))  # no unfinished file of the killed report stays


def test_workers_come_from_a_single_threaded_fork_server_without_event_loop() -> None:
    """In a new process (its own fork server): the workers are forks that passed the check."""
    script = """
import os
from analysis.publish.pool import WorkerPool
pool = WorkerPool(2, initializer=os.getpid, initargs=(), run=abs, preload=["pandas"])
print(sorted(r for _, r in pool.map_unordered([-1, -2, -3])), pool.fork_hazard)
pool.close()
"""
    env = {k: v for k, v in os.environ.items() if k not in pool.SINGLE_THREADED_ENV}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.stdout.strip() == "[1, 2, 3] None", done.stdout + done.stderr


def test_a_fork_server_with_threads_is_not_forked_from() -> None:
    """pyarrow's jemalloc told to keep its background thread: the server has 2 threads, the
    workers refuse to run, and the pool starts fresh interpreters instead; every task runs."""
    script = """
import os
from analysis.publish.pool import WorkerPool
pool = WorkerPool(2, initializer=os.getpid, initargs=(), run=abs, preload=["pyarrow"])
print(sorted(r for _, r in pool.map_unordered([-1, -2, -3])))
print(pool.fork_hazard)
pool.close()
"""
    env = {**os.environ, "JE_ARROW_MALLOC_CONF": "background_thread:true"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "[1, 2, 3]", done.stdout + done.stderr
    assert "with 2 thread(s)" in lines[1] and "0 event loop(s)" in lines[1]


def test_the_fork_check_sees_threads_and_event_loops() -> None:
    import asyncio
    import gc
    import threading

    # Relative to what earlier tests in this worker left (Playwright, nbclient make loops).
    gc.collect()
    loops_before = pool.event_loops()
    loop = asyncio.new_event_loop()
    try:
        assert pool.event_loops() == loops_before + 1
    finally:
        loop.close()
        del loop
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    before = pool.thread_count(os.getpid())
    thread.start()
    try:
        assert pool.thread_count(os.getpid()) == before + 1
    finally:
        stop.set()
        thread.join()


INTERRUPT_SCRIPT = """
import sys
from pathlib import Path
from analysis import cli
from analysis.publish import batch
batch.DEFAULT_NOTEBOOK = Path(sys.argv[1])
sys.exit(cli.main(sys.argv[2:]))
"""


def _wait_for(condition, what: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@needs_chromium
@pytest.mark.parametrize("fresh_kernel", [False, True], ids=["in-process", "fresh-kernel"])
def test_ctrl_c_stops_everything_within_seconds_and_the_next_run_carries_on(
    tmp_path: Path, fresh_kernel: bool
) -> None:
    """Ctrl-C (SIGINT to the command's process group, as a terminal sends it) while Zeeland
    runs and Utrecht is done: exit 130 within seconds, no process of the run left (workers,
    kernels, Chromium), no unfinished file; the next run keeps Utrecht and builds the rest."""
    import psutil

    block = tmp_path / "block"  # while it exists, Zeeland's report hangs
    started = tmp_path / "zeeland-started"
    hang = (
        "import os, time\n"
        f"if region == 'Zeeland' and os.path.exists({str(block)!r}):\n"
        f"    open({str(started)!r}, 'w').close()\n"
        "    time.sleep(600)"
    )
    notebook = _stand_in_with(tmp_path, hang)
    block.touch()
    reports = tmp_path / "reports"
    argv = [sys.executable, "-c", INTERRUPT_SCRIPT, str(notebook), "reports"]
    argv += ["--level", "provincie", "--region", "Utrecht", "--region", "Zeeland"]
    argv += ["--format", "html,pdf", "--jobs", "2", "--reports-dir", str(reports)]
    argv += ["--processed-dir", str(make_processed(tmp_path / "processed"))]
    argv += ["--fresh-kernel"] if fresh_kernel else []
    proc = subprocess.Popen(argv, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        utrecht = reports / "provincie" / "utrecht.key.json"
        _wait_for(lambda: (started.exists() and utrecht.exists()) or proc.poll() is not None,
                  "Zeeland to start and Utrecht to finish")  # fmt: skip
        assert proc.poll() is None, proc.communicate()[0]
        ours = psutil.Process(proc.pid).children(recursive=True)
        names = " ".join(p.name() for p in ours)
        assert "chrom" in names and ("python" in names), names
        os.killpg(proc.pid, signal.SIGINT)
        interrupted = time.monotonic()
        output = proc.communicate(timeout=60)[0]
        seconds = time.monotonic() - interrupted
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == cli.EXIT_INTERRUPTED == 130, output
    assert seconds < 15, f"took {seconds:.1f} s to stop"
    _gone, alive = psutil.wait_procs(ours, timeout=5)
    assert [p for p in alive if p.status() != psutil.STATUS_ZOMBIE] == [], "left running"
    folder = reports / "provincie"
    assert sorted(p.name for p in folder.iterdir()) == [  # the worker wrote the downloads
        "utrecht.csv", "utrecht.html", "utrecht.ipynb", "utrecht.key.json", "utrecht.pdf",
        "utrecht.xlsx",
    ]  # fmt: skip
    assert not list(reports.glob(".*.tmp"))
    assert (folder / "utrecht.html").read_text().rstrip().endswith("</html>")
    assert len(PdfReader(folder / "utrecht.pdf").pages) >= 2
    built = (folder / "utrecht.pdf").stat().st_mtime_ns

    block.unlink()
    again = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 report(s) unchanged, skipped" in again.stderr
    assert "1 built" in again.stderr
    assert (folder / "utrecht.pdf").stat().st_mtime_ns == built
    assert (folder / "zeeland.key.json").is_file() and (folder / "zeeland.pdf").is_file()


@needs_chromium
def test_executed_notebook_is_kept_with_injected_parameters(built: dict) -> None:
    nb = nbformat.read(built["reports"] / "provincie" / "fryslan.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    namespace: dict = {}
    exec(injected[0].source, namespace)  # papermill wrote data literals; read them back
    assert namespace["region"] == "Fryslân" and namespace["region_level"] == "provincie"
    # issue 13: the report links its downloads, which lie beside it
    assert namespace["download_stem"] == "fryslan"
    assert namespace["edition_dir"] == namespace["regional_text"] == ""
    for suffix in (".csv", ".xlsx"):
        assert (built["reports"] / "provincie" / f"fryslan{suffix}").stat().st_size > 0


@needs_chromium
def test_index_lists_regions_with_headline_figures_and_links(built: dict) -> None:
    page = (built["reports"] / "index.html").read_text()
    assert '<a href="provincie/utrecht.html">HTML</a>' in page
    assert '<a href="provincie/utrecht.pdf">PDF</a>' in page
    assert "provincie/zeeland.html" not in page  # it failed: no link to a missing file
    # make_processed: hbo numerator 20 + 10 per year after 2021, denominator 100 -> 2022: 30%.
    row = re.search(
        r"<tr data-level=\"provincie\">(?:(?!</tr>).)*>Utrecht<.*?</tr>", page, re.S
    ).group(0)
    assert "30,0% <small>(2022/23)</small>" in row
    assert "DEMO — synthetische gegevens" in page
    assert external_resources(page) == []


def test_rerun_skips_unchanged_and_rebuilds_on_notebook_or_data_change(
    tmp_path: Path, fixed_code: None
) -> None:
    notebook = make_notebook(tmp_path / "nb" / "report.ipynb")
    processed = make_processed(tmp_path / "processed")
    reports = tmp_path / "reports"
    common = {"regions": ["Utrecht"], "notebook": notebook, "processed_dir": processed}
    target = reports / "provincie" / "utrecht.html"

    assert run(reports_dir=reports, **common)[0] == 0
    first = target.stat().st_mtime_ns
    status, out, _ = run(reports_dir=reports, **common)
    assert status == 0 and "1 report(s) unchanged, skipped" in out
    assert target.stat().st_mtime_ns == first

    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("## Nieuwe sectie"))
    nbformat.write(nb, notebook)
    status, out, _ = run(reports_dir=reports, **common)
    assert status == 0 and "1 built" in out and "Nieuwe sectie" in target.read_text()
    second = target.stat().st_mtime_ns
    assert second != first

    write_manifest(processed, demo=True, extra="new data")  # other output checksums
    status, out, _ = run(reports_dir=reports, **common)
    assert status == 0 and "1 built" in out and target.stat().st_mtime_ns != second


def test_no_change_run_imports_nothing_heavy(tmp_path: Path, fixed_code: None) -> None:
    notebook = make_notebook(tmp_path / "nb" / "report.ipynb")
    processed = make_processed(tmp_path / "processed")
    reports = tmp_path / "reports"
    common = {"regions": ["Utrecht"], "notebook": notebook, "processed_dir": processed}
    assert run(reports_dir=reports, **common)[0] == 0
    script = f"""
import logging, sys
logging.basicConfig(level=logging.INFO, stream=sys.stdout)
from analysis.publish import batch, plan
plan.code_fingerprint = lambda: {FIXED_CODE!r}
status = batch.run_batch("provincie", ["Utrecht"], ["html"], 1, {str(processed)!r},
                         {str(reports)!r}, False, notebook={str(notebook)!r})
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & {{"papermill", "nbconvert", "pandas",
               "playwright", "nbclient", "matplotlib"}})
print("STATUS", status, "HEAVY", heavy)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert "STATUS 0 HEAVY []" in result.stdout, result.stdout + result.stderr
    assert "1 report(s) unchanged" in result.stdout


def test_a_notebook_writing_to_stderr_fails_its_region(tmp_path: Path, fixed_code: None) -> None:
    notebook = make_notebook(tmp_path / "nb" / "report.ipynb", stderr_for=("Fryslân",))
    status, _, err = run(
        regions=["Utrecht", "Fryslân"],
        notebook=notebook,
        processed_dir=make_processed(tmp_path / "processed"),
        reports_dir=tmp_path / "reports",
    )
    assert status == 1
    assert "provincie/Fryslân" in err and "wrote to stderr" in err
    assert "a warning the notebook should not print" in err
    assert "provincie/Utrecht" not in err
    assert (tmp_path / "reports" / "provincie" / "utrecht.html").is_file()
    assert not (tmp_path / "reports" / "provincie" / "fryslan.html").exists()
    # The progress bar ran (its line has no newline): the message got a line of its own.
    assert "rapporten:" in err
    failed = err.index("FAILED provincie/Fryslân")
    assert err[failed - 1] in "\r\n"


def test_without_chromium_html_is_built_and_pdf_failure_reported(
    tmp_path: Path, fixed_code: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "chromium_path", lambda: None)
    status, _, err = run(
        regions=["Utrecht"],
        formats=["html", "pdf"],
        notebook=make_notebook(tmp_path / "nb" / "report.ipynb"),
        processed_dir=make_processed(tmp_path / "processed"),
        reports_dir=tmp_path / "reports",
    )
    assert status == 1
    assert "provincie/Utrecht: PDF not made: Chromium not found" in err
    assert (tmp_path / "reports" / "provincie" / "utrecht.html").is_file()
    assert not (tmp_path / "reports" / "provincie" / "utrecht.key.json").exists()


def test_region_names_that_look_like_code_or_paths_stay_data(
    tmp_path: Path, fixed_code: None
) -> None:
    hostile = [name for level, name, _, _ in REGIONS if level == "regiopact"]
    notebook = make_notebook(tmp_path / "nb" / "report.ipynb")
    reports = tmp_path / "reports"
    status, _, err = run(
        level="regiopact",
        notebook=notebook,
        processed_dir=make_processed(tmp_path / "processed"),
        reports_dir=reports,
    )
    assert status == 0, err
    written = sorted(p.name for p in (reports / "regiopact").glob("*.html"))
    assert written == sorted(f"{plan.slugify(n)}.html" for n in hostile)
    assert written == ["etc-passwd.html", "import-os-os-system-touch-pwned.html"]
    for name in hostile:
        page = (reports / "regiopact" / f"{plan.slugify(name)}.html").read_text()
        shown = re.search(r'<p class="region">(.*?)</p>', page).group(1)
        assert html.unescape(shown) == name and "<" not in shown
    every_file = [p.resolve() for p in tmp_path.rglob("*")]
    assert all(p.is_relative_to(tmp_path.resolve()) for p in every_file)
    assert not any(p.name == "pwned" for p in every_file)
    assert not (Path.cwd() / "pwned").exists()


def test_unknown_region_lists_close_matches_and_hostile_names_are_rejected(
    tmp_path: Path,
) -> None:
    notebook = make_notebook(tmp_path / "nb" / "report.ipynb")
    processed = make_processed(tmp_path / "processed")
    reports = tmp_path / "reports"
    common = {"notebook": notebook, "processed_dir": processed, "reports_dir": reports}
    with pytest.raises(plan.ReportRequestError, match=r"unknown region 'Utrect'.*'Utrecht'"):
        run(regions=["Utrect"], **common)
    with pytest.raises(plan.ReportRequestError, match=r"unknown region level 'provincies'"):
        run(level="provincies", regions=["Utrecht"], **common)
    for name in ["\"); import os; os.system('x')#", "../../etc/passwd"]:
        with pytest.raises(plan.ReportRequestError, match="unknown region"):
            run(regions=[name], **common)
    assert not reports.exists()  # rejected before anything was written


def test_a_second_concurrent_batch_gets_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    notebook = make_notebook(tmp_path / "nb" / "report.ipynb")
    processed = make_processed(tmp_path / "processed")
    reports = tmp_path / "reports"
    reports.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; "
            f"l = FileLock({str(reports / '.lock')!r}); l.acquire(); print('held', flush=True); "
            "sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(
            batch.ReportsBusyError, match="locked by another `techniekpact reports`"
        ):
            run(
                regions=["Utrecht"], notebook=notebook, processed_dir=processed, reports_dir=reports
            )
        status = cli.main(
            [
                "reports",
                "--level",
                "provincie",
                "--region",
                "Utrecht",
                "--format",
                "html",
                "--processed-dir",
                str(processed),
                "--reports-dir",
                str(reports),
            ]
        )
        assert status == cli.EXIT_BUSY == 4
        assert "locked by another" in capsys.readouterr().err
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert not (reports / "provincie").exists()
    FileLock(reports / ".lock", timeout=0).acquire()  # released once the holder is gone


def test_report_titles_name_the_level_in_dutch() -> None:
    def title(level: str, name: str) -> str:
        job = plan.make_jobs([plan.Region(level, name, "X")], ("html",))[0]
        return batch.report_title(job)

    assert title("corop", "Twente") == "Twente — COROP-gebied"
    assert title("landsdeel_cbs", "West-Nederland") == "West-Nederland — landsdeel (CBS)"
    assert title("nederland", "Nederland") == "Nederland"


def test_a_wrong_summary_tile_stops_the_batch_before_any_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: the tiles of config/publication.yaml are checked once, up front."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "indicators.yaml").write_text("indicators: {mbo_techniek: {}}\n", "utf-8")
    (config / "publication.yaml").write_text("summary:\n  tiles: [mbo_tecniek]\n", "utf-8")
    monkeypatch.setattr(paths, "CONFIG_DIR", config)
    reports = tmp_path / "reports"
    with pytest.raises(ConfigError, match=r"entry 1: 'mbo_tecniek'.*did you mean: 'mbo_techniek'"):
        run(
            notebook=make_notebook(tmp_path / "nb" / "report.ipynb"),
            processed_dir=make_processed(tmp_path / "processed"),
            reports_dir=reports,
        )
    assert not reports.exists()


def test_the_methodology_is_published_inside_the_reports_folder(built: dict) -> None:
    """The index links to the methodology page relatively, and the link resolves to a
    file the batch wrote inside the reports folder (not to the building machine)."""
    reports = built["reports"].resolve()
    page = (reports / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*methodologie[^"]*)"', page)
    assert hrefs == ["methodologie.html"]
    target = (reports / hrefs[0]).resolve()
    assert target.is_file() and target.is_relative_to(reports)
    assert "<h1" in target.read_text(encoding="utf-8")


def _utrecht_into(reports: Path, tmp_path: Path) -> tuple[int, str, str]:
    """A batch of the stand-in report of Utrecht into ``reports``."""
    return run(
        regions=["Utrecht"],
        notebook=make_notebook(tmp_path / "nb" / "report.ipynb"),
        processed_dir=make_processed(tmp_path / "processed"),
        reports_dir=reports,
    )


def test_reports_of_regions_the_data_no_longer_has_are_removed(
    tmp_path: Path, fixed_code: None
) -> None:
    """A merged gemeente or a pact taken out of regions.yaml: its old report is not left in
    the folder that is published. Other files, and the other levels' folders, stay."""
    reports = tmp_path / "reports"
    gone = ("oud-gewest.html", "oud-gewest.pdf", "oud-gewest.key.json", "oud-gewest.csv")
    kept = ("notities.txt", ".verborgen.html")
    (reports / "provincie").mkdir(parents=True)
    (reports / "waterschap").mkdir()
    for name in (*gone, *kept):
        (reports / "provincie" / name).write_text("x", encoding="utf-8")
    (reports / "waterschap" / "rijnland.html").write_text("x", encoding="utf-8")
    status, out, _ = _utrecht_into(reports, tmp_path)
    assert status == 0
    assert "removed the reports of 1 region(s) the data no longer has: provincie/oud-gewest" in out
    assert not any((reports / "provincie" / name).exists() for name in gone)
    assert all((reports / "provincie" / name).exists() for name in kept)
    assert (reports / "provincie" / "utrecht.html").is_file()
    assert (reports / "waterschap" / "rijnland.html").is_file()
    assert "oud-gewest" not in (reports / "index.html").read_text(encoding="utf-8")


def test_a_withdrawn_report_that_cannot_be_removed_fails_the_run_and_is_named(
    tmp_path: Path, fixed_code: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = tmp_path / "reports"
    (reports / "provincie").mkdir(parents=True)
    stuck = reports / "provincie" / "oud-gewest.pdf"
    stuck.write_text("x", encoding="utf-8")
    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self == stuck:
            raise PermissionError(13, "Permission denied")
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    status, _, err = _utrecht_into(reports, tmp_path)
    assert status == 1
    assert f"{stuck}: a report of a region the data no longer has, not removed" in err
    assert "Permission denied" in err
    assert (reports / "provincie" / "utrecht.html").is_file()  # the batch itself went on
