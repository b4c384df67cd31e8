"""A report worker process: executes the notebook for one region and renders its HTML.

Each worker imports papermill and builds its HTML exporter once, and keeps one warm
kernel: after a successful report the kernel's namespace is reset (``%reset -f``, figures
closed, execution counter back to 1) and the next region runs in it, so the notebook's
imports are paid once per worker instead of once per region. After a failure, or every
``MAX_RUNS_PER_KERNEL`` reports, the kernel is replaced by a fresh one.

Workers are forked from one server process that has imported ``preload_modules`` (papermill,
ipykernel, and the report modules with pandas, matplotlib and nbconvert), and each worker forks its
first kernel from itself while it is still single-threaded: the imports are paid once per
batch instead of twice per worker. Replacement kernels start the ordinary way.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.util import Finalize
from pathlib import Path

MAX_RUNS_PER_KERNEL = 25
CELL_TIMEOUT_S = 600
ENGINE_NAME = "techniekpact-warm-kernel"
# Runs in the reused kernel between two reports; a fixed string, never built from data. It
# clears what ``%reset -f`` clears (every name the notebook made, output caches, pyplot
# figures) without its two full garbage collections (a quarter of a second on this heap).
RESET_CODE = """\
def _tp_reset(ip):
    import sys
    for name in [n for n in ip.user_ns if n not in ip.user_ns_hidden]:
        del ip.user_ns[name]
    ip.user_ns.get("_oh", {}).clear()
    ip.displayhook._ = ip.displayhook.__ = ip.displayhook.___ = ""
    ip.user_ns.update({"_": "", "__": "", "___": ""})
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    ip.execution_count = 1
_tp_reset(get_ipython())
"""
# No input history database: reports do not need it, and parallel kernels would share it.
KERNEL_ARGS = ["--HistoryManager.enabled=False"]
# Sent to a new kernel as soon as it starts, while the worker builds its HTML exporter: the
# report's modules (already there in a forked kernel), the processed data and the maps of the
# batch's levels are then loaded by the time the first region runs. A fixed string that names
# no module: what to import and which preload function to call come from the kernel's
# environment (WARMUP_ENV, JSON, made by ``init_worker`` from the imported objects).
WARMUP_ENV = "TECHNIEKPACT_REPORT_WARMUP"
WARMUP_CODE = """\
def _tp_warm_up():
    import importlib, json, os
    plan = json.loads(os.environ.get("TECHNIEKPACT_REPORT_WARMUP") or "{}")
    for module in plan.get("modules", []):
        importlib.import_module(module)
    if plan.get("processed_dir") and plan.get("preload"):
        module, name = plan["preload"]
        try:
            getattr(importlib.import_module(module), name)(
                plan["processed_dir"], plan.get("levels", [])
            )
        except Exception:
            pass  # the kernel is still sound; the report itself will say what is wrong
    import gc
    gc.freeze()  # modules and data stay for the kernel's life: keep them out of every GC pass
_tp_warm_up()
del _tp_warm_up
"""
_PACKAGE = __name__.split(".")[0]
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
# Third-party modules every report needs, imported once by the fork server.
RUNNER_MODULES = ("papermill", "ipykernel.kernelapp")


def preload_modules(notebook: Path) -> list[str]:
    """What the fork server imports once for a batch: papermill and ipykernel, this module,
    and every module of this package that the report notebook or this module imports
    (directly or through each other, also inside functions).

    Read from the sources, not listed by name: a renamed module is followed, and nothing is
    imported here (the batch process stays light).
    """
    seeds = _imports(Path(__file__).read_text(encoding="utf-8")) | notebook_imports(notebook)
    return [*RUNNER_MODULES, __name__, *sorted(_closure(seeds) - {__name__})]


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


def _imports(source: str) -> set[str]:
    """The modules of this package that ``source`` imports, at top level or in functions."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a notebook cell with IPython magics: no imports of ours to follow
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
    kernel_run: int = 0


def init_worker(
    notebook: str,
    reuse_kernels: bool,
    warm_up: dict | None = None,
    environ: dict[str, str] | None = None,
) -> None:
    """Pool initializer: start the kernel warming up, then build the HTML exporter.

    ``warm_up`` ({"processed_dir": ..., "levels": [...]}) says what data the kernel preloads;
    it also imports the modules the notebook imports.
    ``environ`` is the batch's environment: a forked worker would otherwise have the fork
    server's, from whenever that server started.
    """
    import nbformat

    if environ is not None:
        os.environ.clear()
        os.environ.update(environ)

    _STATE["notebook"] = nbformat.read(notebook, as_version=4)
    _STATE["notebook_dir"] = str(Path(notebook).resolve().parent)
    _STATE["reuse"] = reuse_kernels
    _STATE["kernel"] = None
    _STATE["runs"] = 0
    from analysis.content import sections  # imported by the fork server already

    _STATE["warm_up"] = json.dumps(
        {
            **(warm_up or {}),
            "modules": sorted(notebook_imports(Path(notebook))),
            "preload": [sections.preload.__module__, sections.preload.__name__],
        }
    )
    # Pool workers leave through os._exit(): atexit would not run, multiprocessing finalizers do.
    Finalize(None, _shutdown_kernel, exitpriority=10)
    if reuse_kernels:
        _start_kernel(fork=True)
        _STATE["runs"] = 0  # warm, but no report has run in it yet

    from papermill.engines import papermill_engines

    from analysis.publish.render import HtmlRenderer

    papermill_engines.register(ENGINE_NAME, _warm_kernel_engine())
    _STATE["renderer"] = HtmlRenderer()


def run_report(task: Task) -> Outcome:
    """Execute and render one report; never raises (failures come back as an Outcome)."""
    started = time.perf_counter()
    outcome = Outcome(task.label)
    try:
        nb, outcome.kernel_run = _execute(task, outcome)
        if outcome.error is None:
            outcome.defects = stderr_defects(nb)
        if outcome.error is None and not outcome.defects:
            html = _STATE["renderer"].render(nb, title=task.title, demo=task.demo)
            from analysis.atomic import write_text

            write_text(task.html_target, html)
            _install(running_path(task.notebook_target), task.notebook_target)
            Path(task.failed_target).unlink(missing_ok=True)
        else:
            _install(running_path(task.notebook_target), task.failed_target)
            if outcome.error is None:
                outcome.error = "; ".join(outcome.defects)
            _shutdown_kernel()
    except Exception as exc:  # a worker must report, not die: the batch goes on
        outcome.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
        _shutdown_kernel()
    finally:
        Path(running_path(task.notebook_target)).unlink(missing_ok=True)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _execute(task: Task, outcome: Outcome):
    """Run the notebook with papermill in this worker's kernel; returns (notebook, run number)."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    km = _kernel()
    running = running_path(task.notebook_target)
    Path(running).parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            _STATE["notebook"],
            running,
            parameters=task.parameters,
            engine_name=ENGINE_NAME,
            km=km,
            progress_bar=False,
            request_save_on_cell_execute=False,
            log_output=False,
            execution_timeout=CELL_TIMEOUT_S,
        )
    except PapermillExecutionError as exc:
        outcome.cell_index = exc.cell_index
        outcome.error = f"{cell_name(exc.cell_index, exc.source)}: {exc.ename}: {exc.evalue}"
    return nbformat.read(running, as_version=4), _STATE["runs"]


def cell_name(index: int, source: str) -> str:
    """'cell 4 ('first line of its code')': the index papermill reports, and what the cell is."""
    lines = [line for line in source.splitlines() if line.strip()]
    first = lines[0].strip() if lines else ""
    return f"cell {index} ({first[:60]!r})"


def running_path(target: str) -> str:
    """Where papermill writes while executing (hidden, ends in .ipynb as papermill expects)."""
    path = Path(target)
    return str(path.with_name(f".{path.stem}.running.ipynb"))


def _warm_kernel_engine():
    """papermill's nbclient engine, run in the worker's own kernel through its open client."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, logger

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(
                nb_man,
                kernel_name=kernel_name,
                startup_timeout=start_timeout,
                timeout=execution_timeout,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            # The worker's connected client: nbclient would otherwise open a new one and wait
            # in wait_for_ready, which always idles 0.2 s or more to flush IOPub.
            client.kc = _STATE["client"]
            return client.execute()

    return WarmKernelEngine


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


def _kernel():
    """This worker's kernel: the warm one after a reset, or a fresh one."""
    km = _STATE["kernel"]
    reusable = km is not None and _STATE["reuse"] and _STATE["runs"] < MAX_RUNS_PER_KERNEL
    if reusable and km.is_alive() and _finish_warmup() and _reset():
        _STATE["runs"] += 1
        return km
    _shutdown_kernel()
    km = _start_kernel(warm_up=False)
    _STATE["client"].wait_for_ready(timeout=CELL_TIMEOUT_S)
    _STATE["runs"] = 1
    return km


def _start_kernel(warm_up: bool = True, fork: bool = False):
    """Start a kernel and connect this worker's client to it; with ``warm_up``, send it
    WARMUP_CODE without waiting for the reply. With ``fork`` (only while this worker has
    no threads), the kernel is a fork of this process where that runs the same Python."""
    from jupyter_client import KernelManager

    kernel_name = _STATE["notebook"].metadata.get("kernelspec", {}).get("name", "python3")
    # IPC sockets in a private temp dir: no TCP ports, and no "unencrypted TCP" warning.
    if "ipc_dir" not in _STATE:
        _STATE["ipc_dir"] = tempfile.mkdtemp(prefix="techniekpact-kernel-")
        Finalize(None, shutil.rmtree, args=(_STATE["ipc_dir"], True), exitpriority=5)
    km = KernelManager(
        kernel_name=kernel_name, transport="ipc", ip=os.path.join(_STATE["ipc_dir"], "k")
    )
    env = {**os.environ, WARMUP_ENV: _STATE.get("warm_up", "{}") if warm_up else "{}"}
    options = {"cwd": _STATE["notebook_dir"], "extra_arguments": KERNEL_ARGS, "env": env}
    if not (fork and _fork_kernel(km, options)):
        km.start_kernel(**options)
    _STATE["kernel"] = km
    client = km.client()
    client.start_channels()
    client.allow_stdin = False
    _STATE["client"] = client
    if warm_up:
        _STATE["warmup"] = client.execute(WARMUP_CODE, silent=True, store_history=False)
    return km


def _fork_kernel(km, options: dict) -> bool:
    """Start ``km``'s kernel as a fork of this process; False (nothing started) when its
    kernelspec runs another Python or another launcher.

    Mirrors ``KernelManager.start_kernel`` (pre-start: connection file; launch; post-start)
    with ``os.fork`` in place of ``Popen``, outside any running event loop.
    """
    argv = km.kernel_spec.argv
    pythons = {"python", f"python{sys.version_info[0]}", sys.executable}
    if not (argv[0] in pythons and argv[1:3] == ["-m", "ipykernel_launcher"]):
        return False
    kernel_cmd, launch = km.pre_start_kernel(**options)
    env = {**launch.get("env", os.environ), "JPY_PARENT_PID": str(os.getpid())}
    # ipykernel read JPY_PARENT_PID when the fork server imported it: say it again, so the
    # kernel watches this worker (and exits with it) as a launched kernel would.
    argv = [*kernel_cmd[3:], f"--IPKernelApp.parent_handle={os.getpid()}"]
    pid = os.fork()
    if pid == 0:
        _run_forked_kernel(argv, launch.get("cwd"), env)
    km.provisioner.process = _ForkedProcess(pid)
    km.provisioner.pid = km.provisioner.pgid = pid
    km.post_start_kernel(**launch)
    return True


def _run_forked_kernel(argv: list[str], cwd: str | None, env: dict[str, str]):
    """The forked child: become an IPython kernel, as ``python -m ipykernel_launcher`` would."""
    code = 1
    try:
        os.setsid()  # its own process group, like Popen(start_new_session=True)
        if cwd:
            os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)  # never back into the worker's code, atexit or finalizers


class _ForkedProcess:
    """The ``Popen`` methods jupyter_client's provisioner calls, for a forked child."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            _pid, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _finish_warmup() -> bool:
    """Wait for the warm-up to finish; False when it failed (the kernel is then replaced).

    Its reply also proves the shell channel works; its "idle" status on IOPub proves that
    channel is subscribed (else wait_for_ready checks it, once per kernel).
    """
    msg_id = _STATE.pop("warmup", None)
    if msg_id is None:
        return True
    client = _STATE["client"]
    try:  # no wait_for_ready here: it would drop the execute reply it reads while waiting
        if _reply(client, msg_id)["content"]["status"] != "ok":
            return False
        if not _seen_idle(client, msg_id):
            client.wait_for_ready(timeout=CELL_TIMEOUT_S)
        return True
    except Exception:  # a kernel that cannot warm up is replaced, never used
        return False


def _reply(client, msg_id: str, timeout: float = CELL_TIMEOUT_S) -> dict:
    """The shell reply to ``msg_id`` (earlier replies to other requests are skipped)."""
    while True:
        reply = client.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def _seen_idle(client, msg_id: str, timeout: float = 2.0) -> bool:
    """True when IOPub delivers the kernel's "idle" status for ``msg_id`` within ``timeout``."""
    from queue import Empty

    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            msg = client.get_iopub_msg(timeout=left)
        except Empty:
            return False
        content = msg["content"]
        if (
            msg["parent_header"].get("msg_id") == msg_id
            and msg["msg_type"] == "status"
            and content.get("execution_state") == "idle"
        ):
            return True
    return False


def _reset() -> bool:
    """Clear the kernel's namespace; False when the kernel does not answer cleanly."""
    client = _STATE["client"]
    try:
        msg_id = client.execute(RESET_CODE, silent=True, store_history=False)
        return _reply(client, msg_id, timeout=60)["content"]["status"] == "ok"
    except Exception:  # a kernel that cannot be reset is replaced, never reused
        return False


def _shutdown_kernel() -> None:
    _STATE.pop("warmup", None)
    client = _STATE.pop("client", None)
    if client is not None:
        client.stop_channels()
    km = _STATE.get("kernel")
    _STATE["kernel"] = None
    if km is not None:
        with contextlib.suppress(Exception):  # already gone: nothing to clean up
            km.shutdown_kernel(now=True)


def _install(source: str, target: str) -> None:
    """Move a finished file into place atomically (same folder, fsync first)."""
    if not os.path.exists(source):
        return
    with open(source, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(source, target)
