"""Reading the raw files, in worker processes where it pays: recognise, read, attribute.

``jobs`` processes read: this one and ``jobs - 1`` workers, each taking the largest file
left. The workers are started before anything heavy is imported, so that they load the
readers while this process imports its own and checks the config. A count file is
attributed to its regions by the process that read it. Importing this module costs
nothing: a no-change run imports it too.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from analysis.regions.reference import Reference

# Below this many bytes, starting worker processes costs more than it saves.
PARALLEL_READ_BYTES = 4_000_000


@dataclass(frozen=True)
class Readers:
    """Worker processes that read beside this one."""

    pool: ProcessPoolExecutor
    workers: int


@contextlib.contextmanager
def readers(files: list[Path], jobs: int) -> Iterator[Readers | None]:
    """``jobs - 1`` worker processes for ``read_one``, starting now; None where reading in
    turn pays (one job, or too few bytes to make up for starting a process).

    Spawned, not forked: the caller may have started threads (pyarrow) by the time it reads.
    """
    if jobs <= 1 or len(files) < 2 or sum(p.stat().st_size for p in files) < PARALLEL_READ_BYTES:
        yield None
        return
    workers = min(jobs, len(files)) - 1
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_import_readers) as pool:
        for _ in range(workers):  # each submit to a pool without an idle worker starts one
            pool.submit(int)
        yield Readers(pool, workers)


def _import_readers() -> None:
    """Load every reader, the attribution and the contracts (pandera) while the main
    process is busy elsewhere."""
    import analysis.ingest
    import analysis.regions
    from analysis.store import schema

    analysis.ingest.all_formats()
    # Builds both contracts; a first validation registers pandera's backends (a third of a
    # file's validation).
    schema.COUNT_SCHEMA.validate(schema.empty_frame(schema.COUNT_COLUMNS))


def read_one(
    path: Path, source_file: str, reference: Reference | None
) -> tuple[str, pd.DataFrame, dict] | str:
    """``ingest.read_file``, and a count file attributed with ``reference`` when given and
    checked against the store contract.

    Returns (format id, frame, the reader's attrs) — attribution replaces the frame's attrs
    with its own — or the error message naming the file. Picklable both ways.
    """
    from analysis import regions
    from analysis.errors import TechniekpactError
    from analysis.ingest import format_by_id, read_file
    from analysis.ingest.cells import check_contract
    from analysis.store import schema

    outcome = read_file(path)
    if isinstance(outcome, str):
        return outcome
    format_id, frame = outcome
    read_attrs = dict(frame.attrs)
    if reference is None or format_by_id(format_id).role != "counts":
        return format_id, frame, read_attrs
    try:
        attributed = regions.attribute(frame, reference, source_file)
        check_contract(attributed, schema.STORE_SCHEMA, path)
    except TechniekpactError as exc:
        return str(exc)
    return format_id, attributed, read_attrs


def read_every(
    files: list[Path], source_files: list[str], reference: Reference | None, readers: Readers | None
) -> list[tuple | str]:
    """``read_one`` of every file, in order; largest first, each by whichever of this process
    and the ``readers`` is free (a worker's file is handed over only when it is idle)."""
    results: dict[int, tuple | str] = {}
    sizes = [path.stat().st_size for path in files]
    left = sorted(range(len(files)), key=lambda i: -sizes[i])
    running: dict[Future, int] = {}
    while left or running:
        while readers is not None and left and len(running) < readers.workers:
            i = left.pop(0)
            running[readers.pool.submit(read_one, files[i], source_files[i], reference)] = i
        if left:
            i = left.pop(0)
            results[i] = read_one(files[i], source_files[i], reference)
        else:
            wait(running, return_when=FIRST_COMPLETED)
        for future in [f for f in running if f.done()]:
            i = running.pop(future)
            results[i] = _outcome(future, files[i])
    return [results[i] for i in range(len(files))]


def _outcome(future: Future, path: Path) -> tuple | str:
    """A worker's result; a worker that died is an error naming the file, not a crash."""
    try:
        return future.result()
    except Exception as exc:  # BrokenProcessPool, an unpicklable result, ...
        return f"{path}: could not be read in a worker process ({type(exc).__name__}: {exc})"
