"""A report worker process: executes the notebook for one region and renders its HTML.

A worker is a process of the batch's ``WorkerPool`` (pool.py). It imports the report modules
(from its fork server), loads the processed data and the maps once, builds its HTML exporter
once, and then runs each report it is given with the in-process papermill engine
(engine.py): every report in a fresh IPython namespace, with matplotlib, pandas, numpy,
warnings and the environment set back as a new process has them. No kernel, no fork of a
process with threads or an event loop, no jupyter_client or nbclient internals.

With ``fresh_kernel`` (``techniekpact reports --fresh-kernel``, for debugging) each report
runs the plain way instead: papermill's own nbclient engine in a new kernel, shut down after
the report (a kernel watches its worker and exits with it).
"""

from __future__ import annotations

import ast
import contextlib
import gc
import json
import os
import re
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

CELL_TIMEOUT_S = 600
_PACKAGE = __name__.split(".")[0]
_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def preload_modules(notebook: Path) -> list[str]:
    """What the fork server imports once for a batch: this module, and every module of this
    package that the report notebook or this module imports (directly or through each
    other, also inside functions), with what they import in turn (papermill, IPython,
    nbconvert, pandas, matplotlib).

    Read from the sources, not listed by name: a renamed module is followed, and nothing is
    imported here (the batch process stays light).
    """
    seeds = _imports(Path(__file__).read_text(encoding="utf-8")) | notebook_imports(notebook)
    return [__name__, *sorted(_closure(seeds) - {__name__})]


def notebook_imports(notebook: Path) -> set[str]:
    """The package's modules imported by the code cells of ``notebook`` (and what they import)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    found: set[str] = set()
    for cell in cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            found |= _imports("".join(source) if isinstance(source, list) else source)
    return _closure(found)


def _module_file(name: str) -> Path | None:
    """The source file of module ``name`` of this package, if it has one."""
    parts = name.split(".")
    if parts[0] != _PACKAGE:
        return None
    base = _PACKAGE_DIR.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


# An import statement of this package, at any indent (a parenthesised name list may span
# lines). Only these statements are parsed, not whole modules: the batch waits for this list
# before its workers can start, and parsing every module cost 0.85 s. A match inside a string
# at worst preloads one module more.
_IMPORT_STATEMENT = re.compile(
    rf"^[ \t]*(?:from[ \t]+{_PACKAGE}(?:\.[\w.]+)?[ \t]+import[ \t]+(?:\([^)]*\)|[^\n]*)"
    rf"|import[ \t]+{_PACKAGE}\b[^\n]*)",
    re.MULTILINE,
)


def _imports(source: str) -> set[str]:
    """The modules of this package that ``source`` imports, at top level or in functions."""
    statements = "\n".join(m.group(0).strip() for m in _IMPORT_STATEMENT.finditer(source))
    try:
        tree = ast.parse(statements)
    except SyntaxError:  # e.g. a statement cut by a backslash: whole-source parse instead
        try:
            tree = ast.parse(source)
        except SyntaxError:  # a notebook cell with IPython magics: no imports to follow
            return set()
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return {name for name in names if _module_file(name) is not None}


def _closure(modules: set[str]) -> set[str]:
    """``modules`` and every module of this package they import, transitively."""
    seen: set[str] = set()
    todo = list(modules)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_file(name)
        if path is not None:
            todo += _imports(path.read_text(encoding="utf-8")) - seen
    return seen


_STATE: dict = {}


@dataclass
class Task:
    """What a worker needs for one report (all plain data: it crosses a process boundary)."""

    label: str
    parameters: dict[str, str]
    title: str
    demo: bool
    html_target: str
    notebook_target: str
    failed_target: str


@dataclass
class Outcome:
    """What came of one report; ``error`` is None on success."""

    label: str
    seconds: float = 0.0
    error: str | None = None
    cell_index: int | None = None
    defects: list[str] = field(default_factory=list)
    worker_pid: int = 0
    report_number: int = 0  # 1 for the first report this worker ran, 2 for the next...


def init_worker(notebook: str, fresh_kernel: bool, warm_up: dict | None = None) -> None:
    """Read the notebook, build the HTML exporter and (unless ``fresh_kernel``) load the data
    and maps the reports need: ``warm_up`` is {"processed_dir": ..., "levels": [...]}."""
    import nbformat
    from papermill.engines import papermill_engines

    from analysis.publish.engine import ENGINE_NAME, InProcessEngine, report_shell
    from analysis.publish.render import HtmlRenderer

    _STATE["notebook"] = nbformat.read(notebook, as_version=4)
    _STATE["notebook_dir"] = str(Path(notebook).resolve().parent)
    _STATE["fresh_kernel"] = fresh_kernel
    _STATE["runs"] = 0
    _STATE["renderer"] = HtmlRenderer()
    if fresh_kernel:
        return
    papermill_engines.register(ENGINE_NAME, InProcessEngine)
    report_shell()
    if warm_up and warm_up.get("processed_dir"):
        from analysis.content import sections

        # On bad data the report itself says what is wrong, naming the file.
        with contextlib.suppress(Exception):
            sections.preload(warm_up["processed_dir"], warm_up.get("levels", []))
    gc.freeze()  # modules and data stay for the worker's life: keep them out of every GC pass
    # No automatic collections either: the engine collects once as each report starts (what
    # the previous one left) and freezes what stays. Automatic passes during a report walked
    # the shared caches again and again (a tenth of the worker's CPU; memory the same).
    gc.disable()


def run_report(task: Task) -> Outcome:
    """Execute and render one report; never raises (failures come back as an Outcome)."""
    started = time.perf_counter()
    _STATE["runs"] += 1
    outcome = Outcome(task.label, worker_pid=os.getpid(), report_number=_STATE["runs"])
    try:
        nb = _execute(task, outcome)
        if outcome.error is None:
            outcome.defects = stderr_defects(nb)
        if outcome.error is None and not outcome.defects:
            html = _STATE["renderer"].render(nb, title=task.title, demo=task.demo)
            from analysis.atomic import write_text

            write_text(task.html_target, html)
            _write_downloads(task)
            _install(running_path(task.notebook_target), task.notebook_target)
            Path(task.failed_target).unlink(missing_ok=True)
        else:
            _install(running_path(task.notebook_target), task.failed_target)
            if outcome.error is None:
                outcome.error = "; ".join(outcome.defects)
    except Exception as exc:  # a worker must report, not die: the batch goes on
        outcome.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    finally:
        Path(running_path(task.notebook_target)).unlink(missing_ok=True)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _write_downloads(task: Task) -> None:
    """The report's figures beside it (issue 13), here in the worker where the data is loaded
    and in parallel, not after the batch in its main process. On failure the old files go:
    the batch writes missing downloads again and reports why they fail."""
    from analysis import data
    from analysis.publish import downloads

    p = task.parameters
    try:
        ctx = data.context(p["processed_dir"], p["region_level"], p["region"])
        downloads.write_downloads(ctx, Path(task.html_target))
    except Exception:  # the batch's own attempt reports it
        for suffix in (".csv", ".xlsx"):
            Path(task.html_target).with_suffix(suffix).unlink(missing_ok=True)


def _execute(task: Task, outcome: Outcome):
    """Run the notebook with papermill (in this process, or in a fresh kernel)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from analysis.publish.engine import ENGINE_NAME

    running = running_path(task.notebook_target)
    Path(running).parent.mkdir(parents=True, exist_ok=True)
    # papermill's own nbclient engine (None) starts a kernel and shuts it down afterwards.
    engine = {"engine_name": None if _STATE["fresh_kernel"] else ENGINE_NAME}
    try:
        return papermill.execute_notebook(
            _STATE["notebook"],
            running,
            parameters=task.parameters,
            progress_bar=False,
            request_save_on_cell_execute=False,
            log_output=False,
            execution_timeout=CELL_TIMEOUT_S,
            cwd=_STATE["notebook_dir"],
            **engine,
        )
    except PapermillExecutionError as exc:
        outcome.cell_index = exc.cell_index
        outcome.error = f"{cell_name(exc.cell_index, exc.source)}: {exc.ename}: {exc.evalue}"
        import nbformat

        return nbformat.read(running, as_version=4)


def cell_name(index: int, source: str) -> str:
    """'cell 4 ('first line of its code')': the index papermill reports, and what the cell is."""
    lines = [line for line in source.splitlines() if line.strip()]
    first = lines[0].strip() if lines else ""
    return f"cell {index} ({first[:60]!r})"


def running_path(target: str) -> str:
    """Where papermill writes while executing (hidden, ends in .ipynb as papermill expects)."""
    path = Path(target)
    return str(path.with_name(f".{path.stem}.running.ipynb"))


def stderr_defects(nb) -> list[str]:
    """Every stderr stream or error output of an executed notebook, as 'cell N: text'."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                text = output.get("text", "").strip()[:300]
                found.append(f"{cell_name(index, cell.source)} wrote to stderr: {text}")
            elif output.get("output_type") == "error":
                error = f"{output.get('ename')}: {output.get('evalue')}"
                found.append(f"{cell_name(index, cell.source)}: {error}")
    return found


def _install(source: str, target: str) -> None:
    """Move a finished file into place atomically (same folder, fsync first)."""
    if not os.path.exists(source):
        return
    with open(source, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(source, target)
