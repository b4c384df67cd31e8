"""A papermill engine that runs a notebook's cells in this process, in a clean IPython shell.

Why in-process and not a kernel: a report's cells are plain Python that only display
``text/html``/``text/markdown``. A kernel per report costs an interpreter start, the imports
of pandas, matplotlib and the report modules, and the data load, every time; a kept kernel
(the old runner) needed a fork of a process with an event loop and jupyter_client
internals. Here the worker process itself is the "kernel": it imports and loads once, and
each report runs in a fresh IPython namespace on documented interfaces only:

- papermill's engine interface (``Engine.execute_managed_notebook``, registered with
  ``papermill_engines.register``), so parameters, metadata and error reporting stay
  papermill's;
- IPython's ``InteractiveShell`` with its configurable ``display_pub_class`` and
  ``displayhook_class`` (as ipykernel does), and its public ``showtraceback``.

What a report could leave behind for the next one is put back before each report by
``clean_slate``: the namespace (``InteractiveShell.reset``), matplotlib's rcParams (from the
rc file, as a new process reads them), pandas options, numpy error and print settings,
warning filters and their once-registries, the locale, environment, ``sys.path`` and working
directory, and open pyplot figures. Caches of the report modules stay: they are keyed on
the data they were built from (tested: a report built alone and tenth in a batch is the same).
"""

from __future__ import annotations

import contextlib
import gc
import io
import locale
import os
import signal
import sys
import traceback
import warnings
from collections.abc import Iterator

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from papermill.engines import Engine
from traitlets import Type
from traitlets.config import Config

ENGINE_NAME = "techniekpact-in-process"
CELL_TIMEOUT_S = 600


class CellTimeoutError(Exception):
    """A cell ran longer than its timeout."""


def _output(output_type: str, **fields) -> nbformat.NotebookNode:
    """A cell output as nbformat's ``new_output`` makes it, without validating each one
    (papermill validates the whole notebook when it writes it)."""
    return nbformat.from_dict({"output_type": output_type, **fields})


class _Publisher(DisplayPublisher):
    """``display()`` outputs go into the running cell's outputs (as display_data)."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
        output = _output("display_data", data=data, metadata=metadata or {})
        display_id = (transient or {}).get("display_id")
        shown = self.shell.display_ids
        if update and display_id in shown:  # update_display(): the earlier output changes
            shown[display_id].update(output)
            return
        if display_id is not None:
            shown[display_id] = output
        self.shell.cell_outputs.append(output)

    def clear_output(self, wait: bool = False) -> None:
        self.shell.cell_outputs.clear()


class _DisplayHook(DisplayHook):
    """A cell's last expression becomes an execute_result output (nothing is printed)."""

    def write_output_prompt(self) -> None:
        """No 'Out[n]:' prompt: there is no terminal."""

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self.shell.cell_outputs.append(
            _output(
                "execute_result",
                data=format_dict,
                metadata=md_dict or {},
                execution_count=self.prompt_count,
            )
        )

    def finish_displayhook(self) -> None:
        """Nothing to flush."""


class _Stream(io.TextIOBase):
    """stdout/stderr of a cell, as stream outputs (consecutive writes merged)."""

    def __init__(self, name: str, shell: ReportShell) -> None:
        self.name_ = name
        self.shell = shell

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        outputs = self.shell.cell_outputs
        if outputs and outputs[-1].output_type == "stream" and outputs[-1].name == self.name_:
            outputs[-1].text += text
        elif text:
            outputs.append(_output("stream", name=self.name_, text=text))
        return len(text)


class ReportShell(InteractiveShell):
    """An IPython shell whose outputs are collected per cell instead of printed."""

    display_pub_class = Type(_Publisher)
    displayhook_class = Type(_DisplayHook)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.cell_outputs: list = []
        self.display_ids: dict[str, dict] = {}

    def showtraceback(
        self,
        exc_tuple=None,
        filename=None,
        tb_offset=None,
        exception_only=False,
        running_compiled_code=False,
    ) -> None:
        """The exception as the cell's error output (ename, evalue, traceback)."""
        etype, value, tb = exc_tuple or sys.exc_info()
        if etype is None:
            return
        try:
            stb = self.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        except Exception:  # a traceback that IPython cannot format: Python's own
            stb = traceback.format_exception(etype, value, tb)
        self._add_error(etype, value, stb)

    def showsyntaxerror(self, filename=None, running_compiled_code=False) -> None:
        etype, value, _tb = sys.exc_info()
        self._add_error(etype, value, traceback.format_exception_only(etype, value))

    def _add_error(self, etype, value, stb: list[str]) -> None:
        self.cell_outputs.append(
            _output("error", ename=etype.__name__, evalue=str(value), traceback=list(stb))
        )


def report_shell() -> ReportShell:
    """This process's shell (made once: no history database, no terminal colours)."""
    if ReportShell.initialized():
        return ReportShell.instance()
    config = Config()
    config.HistoryManager.enabled = False  # parallel workers would share one sqlite file
    config.InteractiveShell.colors = "nocolor"
    # No output cache (``_``, ``Out``): reports do not use it, and without it ``reset`` skips
    # a full garbage collection (a quarter of a second per report on this heap).
    config.InteractiveShell.cache_size = 0
    return ReportShell.instance(config=config)


class InProcessEngine(Engine):
    """papermill engine: each code cell runs in ``report_shell()``; stops at the first error,
    as papermill's nbclient engine does, and papermill raises PapermillExecutionError."""

    @classmethod
    def execute_managed_notebook(
        cls, nb_man, kernel_name, execution_timeout=None, **kwargs
    ) -> None:
        shell = report_shell()
        timeout = int(execution_timeout or CELL_TIMEOUT_S)
        with clean_slate(shell):
            for index, cell in enumerate(nb_man.nb.cells):
                nb_man.cell_start(cell, index)
                failed = False
                try:
                    if cell.cell_type == "code":
                        failed = not run_cell(shell, cell, timeout)
                finally:
                    if failed:
                        nb_man.cell_exception(cell, cell_index=index)
                    nb_man.cell_complete(cell, cell_index=index)
                if failed:
                    break


def run_cell(shell: ReportShell, cell, timeout_s: int) -> bool:
    """Execute one code cell into its outputs; False when it raised."""
    cell.outputs = []
    shell.cell_outputs = cell.outputs
    shell.display_ids = {}
    cell.execution_count = shell.execution_count
    stdout, stderr = _Stream("stdout", shell), _Stream("stderr", shell)
    with (
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
        _time_limit(timeout_s),
    ):
        result = shell.run_cell(cell.source, store_history=True, cell_id=cell.get("id"))
    return result.success


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """Raise CellTimeoutError in the running cell after ``seconds`` (main thread only)."""

    def expired(_signum, _frame):
        raise CellTimeoutError(f"cell did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def clean_slate(shell: ReportShell) -> Iterator[None]:
    """Start a report as a new process would, and put back what it changed afterwards."""
    import matplotlib as mpl
    import numpy as np
    import pandas as pd

    environ, path, cwd = dict(os.environ), list(sys.path), os.getcwd()
    numpy_err, numpy_print = np.geterr(), np.get_printoptions()
    saved_locale = locale.setlocale(locale.LC_ALL)
    shell.reset(new_session=True)
    # The previous report's objects are unreachable now: collect them, and keep what stays
    # (the caches reports share) out of later passes. A worker runs with automatic
    # collection off (worker.init_worker), so this is a report's one full pass.
    gc.collect()
    gc.freeze()
    mpl.rc_file_defaults()
    with warnings.catch_warnings():  # also forgets which warnings were already shown
        warnings.simplefilter("ignore")  # reset_option warns about deprecated options
        pd.reset_option("all")
    try:
        with warnings.catch_warnings():
            yield
    finally:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        np.seterr(**numpy_err)
        np.set_printoptions(**numpy_print)
        locale.setlocale(locale.LC_ALL, saved_locale)
        os.environ.clear()
        os.environ.update(environ)
        sys.path[:] = path
        os.chdir(cwd)
