"""Worker processes for a report batch: one task at a time each, over a pipe.

Not ``ProcessPoolExecutor``: a worker that dies (killed, out of memory) breaks that pool and
fails every report still waiting, and it offers no public way to stop its workers on Ctrl-C.
Here a dead worker fails only the report it held and is replaced, and ``terminate`` stops
every worker (SIGTERM, then SIGKILL) through ``multiprocessing.Process``'s own methods.

Workers come from multiprocessing's fork server: a process started fresh for the batch,
without an event loop, that imported the report modules once, so they are imported once
per batch instead of once per worker. It must also be single-threaded: pyarrow's jemalloc
starts a background thread on import, so the server is started with that thread off
(``SINGLE_THREADED_ENV``; OpenBLAS stops its own threads before a fork, and is told to use
one anyway: one worker per core gains nothing from BLAS threads). Each worker checks at
start (``assert_forked_cleanly``); if its server had threads or an event loop anyway (other
libraries, another environment), the worker stops before doing anything and the pool
starts fresh interpreters ("spawn") instead: slower to start, never forked.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

STOP_GRACE_S = 3.0
# Set (unless already set) before the fork server starts: see the module docstring.
SINGLE_THREADED_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "JE_ARROW_MALLOC_CONF": "background_thread:false",
}
# A worker that dies before finishing any report twice in a row cannot start at all: the
# remaining reports fail with that message instead of starting workers forever.
MAX_FRUITLESS_STARTS = 2


class ForkHazardError(RuntimeError):
    """A worker was forked from a process with threads or an event loop."""


def thread_count(pid: int) -> int:
    """The number of OS threads of process ``pid`` (Linux /proc; 1 where unknown)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 1
    for line in status.splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 1


def event_loops() -> int:
    """How many asyncio event loops exist in this process (open or not yet collected)."""
    return sum(isinstance(o, asyncio.AbstractEventLoop) for o in gc.get_objects())


def assert_forked_cleanly() -> None:
    """Fail when this process was forked from one that had threads or an event loop.

    A forked child inherits its parent's objects, so a loop made in the parent shows up
    here; the parent's threads are counted in /proc (the child itself has only one).
    """
    parent_threads = thread_count(os.getppid())
    loops = event_loops()
    if parent_threads > 1 or loops:
        raise ForkHazardError(
            f"worker {os.getpid()} was forked from process {os.getppid()} with "
            f"{parent_threads} thread(s) ({', '.join(thread_names(os.getppid()))}) and "
            f"{loops} event loop(s)"
        )


def thread_names(pid: int) -> list[str]:
    """The names of process ``pid``'s threads (Linux /proc), for the message above."""
    try:
        tasks = sorted(Path(f"/proc/{pid}/task").iterdir())
        return [(t / "comm").read_text(encoding="utf-8").strip() for t in tasks]
    except OSError:
        return []


def _serve(
    conn: Connection, forked: bool, initializer: Callable, initargs: tuple, run: Callable
) -> None:
    """A worker's life: ignore Ctrl-C (the batch decides), check how it was made,
    initialise, then run tasks until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if forked:
        try:
            assert_forked_cleanly()
        except ForkHazardError as exc:
            conn.send(("hazard", str(exc)))
            return
    initializer(*initargs)
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the batch is gone
            return
        if task is None:
            return
        conn.send(("done", run(task)))


class WorkerPool:
    """``size`` worker processes; ``map_unordered`` yields (task, result or exception)."""

    def __init__(
        self,
        size: int,
        *,
        initializer: Callable,
        initargs: tuple,
        run: Callable[[Any], Any],
        preload: list[str],
    ) -> None:
        self.size = size
        for name, value in SINGLE_THREADED_ENV.items():
            os.environ.setdefault(name, value)
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(preload)
        self.fork_hazard: str | None = None  # why the pool spawns instead, if it does
        self._target_args = (initializer, initargs, run)
        self.workers: dict[Connection, multiprocessing.process.BaseProcess] = {}
        self._retired: list[multiprocessing.process.BaseProcess] = []

    def _start_worker(self) -> Connection:
        ours, theirs = self._context.Pipe()
        forked = self._context.get_start_method() == "forkserver"
        process = self._context.Process(
            target=_serve,
            args=(theirs, forked, *self._target_args),
            name="report-worker",
            daemon=True,
        )
        process.start()
        theirs.close()
        self.workers[ours] = process
        return ours

    def start(self, tasks: int | None = None) -> None:
        """Start the workers now (they initialise while the caller prepares the tasks); at
        most one per task when ``tasks`` is given."""
        wanted = self.size if tasks is None else min(self.size, tasks)
        while len(self.workers) < wanted:
            self._start_worker()

    def map_unordered(self, tasks: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Run every task; yield (task, result) as they finish, or (task, WorkerDiedError)."""
        todo = list(tasks)
        todo.reverse()  # pop() from the end keeps the given order
        busy: dict[Connection, Any] = {}
        fruitless = 0
        self.start(len(todo))
        while self.workers:
            by_sentinel = {p.sentinel: c for c, p in self.workers.items()}
            for ready in wait([*self.workers, *by_sentinel]):
                conn = by_sentinel.get(ready, ready)
                if conn not in self.workers:
                    continue  # handled already this round (its pipe and sentinel both fired)
                try:
                    kind, result = conn.recv()
                except (EOFError, OSError):
                    kind, result = "died", None
                finished = busy.pop(conn) if kind == "done" else None
                if kind in ("ready", "done"):
                    if todo:  # the next task first, so the worker goes on while we yield
                        busy[conn] = todo.pop()
                        conn.send(busy[conn])
                    else:
                        self._retire(conn, stop=True)
                    if kind == "done":
                        fruitless = 0
                        yield finished, result
                    continue
                if kind == "hazard":  # from now on: fresh interpreters, never a fork
                    self._retire(conn, stop=False)
                    self.fork_hazard = result
                    self._context = multiprocessing.get_context("spawn")
                    self._start_worker()
                    continue
                process = self._retire(conn, stop=False)
                error = WorkerDiedError(f"worker process {process.pid} ended ({process.exitcode})")
                if conn in busy:
                    yield busy.pop(conn), error
                fruitless += 1
                if fruitless >= MAX_FRUITLESS_STARTS:
                    while todo:
                        yield todo.pop(), error
                elif todo and len(self.workers) < self.size:
                    self._start_worker()

    def _retire(self, conn: Connection, *, stop: bool):
        process = self.workers.pop(conn)
        if stop:
            with contextlib.suppress(OSError):  # already gone
                conn.send(None)
        conn.close()
        self._retired.append(process)
        if not stop:
            process.join(timeout=STOP_GRACE_S)
        return process

    def close(self) -> None:
        """Let the workers finish (they were sent their stop) and reap them."""
        for conn in list(self.workers):
            self._retire(conn, stop=True)
        for process in self._retired:
            process.join(timeout=STOP_GRACE_S)
            if process.is_alive():  # did not stop when asked: it is stopped
                process.terminate()
                process.join(timeout=STOP_GRACE_S)

    def terminate(self) -> list[int]:
        """Stop every worker now: SIGTERM, then SIGKILL after a grace period. Returns pids."""
        processes = [*self.workers.values(), *self._retired]
        for conn in list(self.workers):
            conn.close()
        self.workers.clear()
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=STOP_GRACE_S)
            if process.is_alive():
                process.kill()
                process.join(timeout=STOP_GRACE_S)
        return [p.pid for p in processes if p.pid is not None]


class WorkerDiedError(Exception):
    """The worker running a task ended before it answered."""
