"""Reading the raw files, in worker processes where it pays: recognise, read, attribute.

The workers are started before anything heavy is imported, so that they load the readers
while the main process checks the config; a count file is attributed to its regions in
the worker that read it, so the main process only gathers the frames. Importing this
module costs nothing: a no-change run imports it too.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from analysis.regions.reference import Reference

# Below this many bytes, starting worker processes costs more than it saves.
PARALLEL_READ_BYTES = 4_000_000


@contextlib.contextmanager
def readers(files: list[Path], jobs: int) -> Iterator[Executor | None]:
    """Worker processes for ``read_one``, starting now; None where reading in turn pays.

    Spawned, not forked: the caller may have started threads (pyarrow) by the time it reads.
    """
    if jobs <= 1 or len(files) < 2 or sum(p.stat().st_size for p in files) < PARALLEL_READ_BYTES:
        yield None
        return
    workers = min(jobs, len(files))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_import_readers) as pool:
        for _ in range(workers):  # each submit to a pool without an idle worker starts one
            pool.submit(int)
        yield pool


def _import_readers() -> None:
    """Load every reader, the attribution and the contracts (pandera) while the main
    process is busy elsewhere."""
    import analysis.ingest
    import analysis.regions
    from analysis.store import schema

    analysis.ingest.all_formats()
    assert schema.COUNT_SCHEMA is not None and schema.STORE_SCHEMA is not None


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

    outcome = read_file(path)
    if isinstance(outcome, str):
        return outcome
    format_id, frame = outcome
    read_attrs = dict(frame.attrs)
    if reference is None or format_by_id(format_id).role != "counts":
        return format_id, frame, read_attrs
    try:
        attributed = regions.attribute(frame, reference, source_file)
        check_contract(attributed, "store contract", path)
    except TechniekpactError as exc:
        return str(exc)
    return format_id, attributed, read_attrs


def read_every(
    files: list[Path], source_files: list[str], reference: Reference | None, pool: Executor | None
) -> list[tuple | str]:
    """``read_one`` of every file, in order; in ``pool``'s workers (largest first) if given."""
    if pool is None:
        return [read_one(p, s, reference) for p, s in zip(files, source_files, strict=True)]
    sizes = [path.stat().st_size for path in files]
    futures = {
        i: pool.submit(read_one, files[i], source_files[i], reference)
        for i in sorted(range(len(files)), key=lambda i: -sizes[i])
    }
    return [_outcome(futures[i], files[i]) for i in range(len(files))]


def _outcome(future: Future, path: Path) -> tuple | str:
    """A worker's result; a worker that died is an error naming the file, not a crash."""
    try:
        return future.result()
    except Exception as exc:  # BrokenProcessPool, an unpicklable result, ...
        return f"{path}: could not be read in a worker process ({type(exc).__name__}: {exc})"
