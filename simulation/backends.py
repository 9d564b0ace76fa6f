"""Where a sweep's slices run: this process, a process pool, or a Dask cluster.

A sweep is cut into slices of consecutive grid points (:class:`simulation.sweep.GridSlice`);
each slice carries only its own points and is summarised where it lands. Every random
number is keyed by the global run number, so every backend returns the same table for the
same seed, slice by slice and in grid order.

The work in flight follows the size of what runs it: a *slot* is a process of the pool or
a thread of a Dask worker, and at most two slices per slot are submitted at a time (one
running, one waiting, so no slot idles while the results are collected), re-counted as
Dask workers come and go. On a Dask scheduler ``workers`` caps it at that many slices at
once; on this machine it is the number of processes. Memory stays bounded because only
that many slices and their summaries exist at any time.

``dask`` needs the optional ``dask[distributed]`` extra: a ``LocalCluster`` on this machine
when no scheduler address is given, the given scheduler otherwise
(:mod:`simulation.cluster` says how a cluster's faults are reported).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from simulation.cluster import BackendError, DaskCluster, check_address

if TYPE_CHECKING:  # the heavy imports wait until a sweep runs (``rosca --help`` stays fast)
    import pandas as pd

    from simulation.experiment import Experiment

BACKENDS = ("local", "processes", "dask")
#: The most grid points a sweep may have (the client holds every point's parameters).
MAX_GRID_POINTS = 100_000
#: The most grid points one chunk may have.
MAX_CHUNK = 10_000
#: The most chunks a sweep may run at once (``--workers``).
MAX_WORKERS = 256
#: On this machine (process pool, local Dask cluster), at most this many processes per core.
PROCESSES_PER_CORE = 4
#: The default chunk holds at most this many run-steps (its flags stay a few megabytes).
CHUNK_RUN_STEPS = 1_000_000
#: The default chunk size gives every slot about this many chunks, so that no worker idles
#: while the last ones finish and a slow chunk holds back little.
CHUNKS_PER_SLOT = 4

__all__ = [
    "BACKENDS",
    "MAX_CHUNK",
    "MAX_GRID_POINTS",
    "MAX_WORKERS",
    "BackendError",
    "check_options",
    "cores",
    "default_chunk",
    "run_sweep",
]

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """The cores this process may use.

    Examples
    --------
    >>> cores() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def default_chunk(n_points: int, runs: int, steps: int, slots: int) -> int:
    """Grid points per chunk: about :data:`CHUNKS_PER_SLOT` chunks for each of ``slots``
    workers (so all are busy to the end), at most :data:`CHUNK_RUN_STEPS` run-steps each.

    Examples
    --------
    >>> default_chunk(2500, runs=20, steps=50, slots=2)  # 8 chunks of at most 313 points
    313
    >>> default_chunk(2500, runs=1000, steps=100, slots=2)  # bounded by memory
    10
    >>> default_chunk(3, runs=10, steps=10, slots=4)
    1
    """
    balanced = -(-n_points // (CHUNKS_PER_SLOT * max(1, slots)))
    bounded = CHUNK_RUN_STEPS // max(1, runs * steps)
    return max(1, min(balanced, bounded, MAX_CHUNK))


def check_options(
    backend: str, workers: int | None, scheduler: str | None, chunk_points: int | None
) -> None:
    """Refuse a backend, ``workers`` count, scheduler or chunk size that is not allowed or
    has no effect, before any work.

    Examples
    --------
    >>> check_options("dask", 4, "tcp://127.0.0.1:8786", 10)
    >>> check_options("local", 2, None, None)
    Traceback (most recent call last):
    ...
    simulation.cluster.BackendError: --workers has no effect with --backend local; use ...
    """
    if backend not in BACKENDS:
        raise BackendError(f"unknown backend {backend!r}; allowed: {', '.join(BACKENDS)}")
    if scheduler is not None:
        if backend != "dask":
            raise BackendError("--scheduler needs --backend dask")
        check_address(scheduler)
    if chunk_points is not None and (
        isinstance(chunk_points, bool)
        or not isinstance(chunk_points, int)
        or not 1 <= chunk_points <= MAX_CHUNK
    ):
        raise BackendError(f"--chunk must be in [1, {MAX_CHUNK}] grid points, got {chunk_points}")
    if workers is None:
        return
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise BackendError(f"--workers must be a positive integer, got {workers!r}")
    if backend == "local":
        raise BackendError("--workers has no effect with --backend local; use processes or dask")
    if workers > MAX_WORKERS:
        raise BackendError(f"--workers must be at most {MAX_WORKERS}, got {workers}")
    here = PROCESSES_PER_CORE * cores()
    if scheduler is None and workers > here:
        raise BackendError(
            f"--workers {workers} would start {workers} processes on this machine, which has "
            f"{cores()} cores; at most {here} (or give --backend dask --scheduler ADDRESS)"
        )


def run_sweep(
    exp: Experiment,
    backend: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_points: int | None = None,
    burn_in: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    connect_timeout: float = 10.0,
    engine: str = "batched",
) -> Generator[pd.DataFrame, None, None]:
    """Yield the sweep's summary table chunk by chunk, in grid order.

    Parameters
    ----------
    backend : ``local`` (this process), ``processes`` (a pool on this machine) or ``dask``.
    workers : at most this many slices at once (default: every core, or every thread of
        the Dask cluster, counted as it grows or shrinks); with ``dask`` and no scheduler,
        the size of the local cluster; with a scheduler, the wait for workers lasts until
        the cluster has this many threads.
    scheduler : a Dask scheduler's address, ``tcp://HOST:PORT``.
    chunk_points : grid points per slice (default :func:`default_chunk` for the slots).
    progress : called with (points done, points) after each slice.
    connect_timeout : seconds to wait for the scheduler, then for its workers.

    Raises
    ------
    BackendError
        An unusable backend, or a cluster fault (see :mod:`simulation.cluster`).

    Examples
    --------
    >>> from simulation.experiment import Experiment
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("inspection"), points=[{"P": 1}, {"P": 2}, {"P": 3}],
    ...                  runs=2, steps=10)
    >>> [len(t) for t in run_sweep(exp, chunk_points=2)]
    [2, 1]
    """
    check_options(backend, workers, scheduler, chunk_points)
    from simulation.sweep import check_sweepable, slices, summarise_slice

    check_sweepable(exp)

    with _executor(backend, workers, scheduler, connect_timeout) as (slots, run_all):
        size = chunk_points or default_chunk(exp.n_points, exp.runs, exp.n_steps, slots())
        done = 0
        for table in run_all(summarise_slice, slices(exp, size, burn_in, engine)):
            yield table
            done += len(table)
            if progress is not None:
                progress(done, exp.n_points)


Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]


@contextmanager
def _executor(
    backend: str, workers: int | None, scheduler: str | None, timeout: float
) -> Iterator[tuple[Callable[[], int], Mapper]]:
    """``(slots, map)``: how many slices can run at once, and an ordered, bounded map."""
    n_here = workers or cores()
    if backend == "local" or (backend == "processes" and n_here == 1):
        yield (lambda: 1), lambda fn, items: map(fn, items)
    elif backend == "processes":
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=n_here, mp_context=ctx) as pool:
            try:
                yield (
                    (lambda: n_here),
                    lambda fn, items: in_order(
                        lambda item: pool.submit(fn, item), items, lambda: 2 * n_here, Future.result
                    ),
                )
            finally:
                pool.shutdown(cancel_futures=True)
    else:
        # --workers caps the slices in flight on a cluster, and sizes a local one
        cap = workers if scheduler is not None else None
        with DaskCluster.open(scheduler, n_here if scheduler is None else cap, timeout) as cluster:

            def window() -> int:
                return cap if cap is not None else 2 * cluster.slots()

            def slots() -> int:
                return cap or cluster.slots()

            yield (
                slots,
                lambda fn, items: in_order(
                    lambda item: cluster.submit(fn, item), items, window, cluster.result
                ),
            )


def in_order(
    submit: Callable[[T], Any],
    items: Iterable[T],
    window: Callable[[], int],
    result: Callable[[Any], R],
) -> Iterator[R]:
    """The results of ``submit(item)`` for every item, in the items' order, with at most
    ``window()`` submitted and not yet yielded (asked again before each submission).

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(2) as pool:
    ...     list(in_order(lambda x: pool.submit(pow, x, 2), range(5), lambda: 2, Future.result))
    [0, 1, 4, 9, 16]
    """
    pending: deque[Any] = deque()
    source = iter(items)
    exhausted = False
    while True:
        while not exhausted and len(pending) < max(1, window()):
            try:
                pending.append(submit(next(source)))
            except StopIteration:
                exhausted = True
        if not pending:
            return
        yield result(pending.popleft())
