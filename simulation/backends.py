"""Where a sweep's chunks run: this process, a process pool, or a Dask cluster.

A sweep is split into chunks of consecutive grid points; each chunk is summarised by
:func:`simulation.sweep.summarise` from a plain description (model name, points, policy,
runs, steps, seed), so a worker anywhere rebuilds it exactly. Every random number is keyed
by the global run number (grid point index x runs + run), so every backend returns the
same table for the same seed, chunk by chunk and in order.

``dask`` needs the optional ``dask[distributed]`` extra: a ``LocalCluster`` when no
scheduler address is given, the given scheduler otherwise (reached within a bounded wait).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from simulation.experiment import Experiment
from simulation.sweep import chunks, summarise
from theory.errors import RoscaError

BACKENDS = ("local", "processes", "dask")


class BackendError(RoscaError):
    """A backend cannot be used (missing extra, unreachable scheduler)."""


@dataclass(frozen=True)
class SweepJob:
    """A picklable description of a sweep: what a worker needs to rebuild it."""

    model: str
    points: tuple[dict[str, str], ...]
    policy: str
    runs: int
    steps: int
    seed: int
    policy_parameters: dict[str, str]
    burn_in: int | None = None
    engine: str = "batched"

    @classmethod
    def of(cls, exp: Experiment, burn_in: int | None = None, engine: str = "batched") -> SweepJob:
        return cls(
            exp.model.name,
            tuple({k: str(v) for k, v in pt.items()} for pt in exp.points),
            str(exp.policy_name),
            exp.runs,
            exp.n_steps,
            exp.seed,
            {k: str(v) for k, v in exp.policy_parameters.items()},
            burn_in,
            engine,
        )

    def experiment(self) -> Experiment:
        from theory.models import get_model

        return Experiment(
            get_model(self.model),
            points=list(self.points),
            policy=self.policy,
            runs=self.runs,
            steps=self.steps,
            seed=self.seed,
            policy_parameters=self.policy_parameters,
        )


def run_chunk(job: SweepJob, first: int, last: int) -> pd.DataFrame:
    """Summarise points ``first .. last - 1`` (runs in a worker)."""
    return summarise(job.experiment(), first, last, job.burn_in, job.engine)


def _args(job: SweepJob, bounds: tuple[int, int]) -> pd.DataFrame:
    return run_chunk(job, *bounds)


def run_sweep(
    exp: Experiment,
    backend: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    chunk_points: int | None = None,
    burn_in: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    connect_timeout: float = 10.0,
    engine: str = "batched",
) -> Iterator[pd.DataFrame]:
    """Yield the sweep's summary table chunk by chunk, in grid order."""
    if backend not in BACKENDS:
        raise BackendError(f"unknown backend {backend!r}; allowed: {', '.join(BACKENDS)}")
    if scheduler is not None and backend != "dask":
        raise BackendError("--scheduler needs --backend dask")
    job = SweepJob.of(exp, burn_in, engine)
    size = chunk_points or max(1, 1_000_000 // max(1, exp.runs * job.steps))
    bounds = list(chunks(exp.n_points, size))
    done = 0

    def tick(b: tuple[int, int]) -> None:
        nonlocal done
        done = b[1]
        if progress is not None:
            progress(done, exp.n_points)

    if backend == "local" or (backend == "processes" and workers <= 1):
        for b in bounds:
            yield run_chunk(job, *b)
            tick(b)
    elif backend == "processes":
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            for b, table in zip(bounds, pool.map(_args, [job] * len(bounds), bounds)):
                yield table
                tick(b)
    else:
        yield from _dask(job, bounds, workers, scheduler, tick, connect_timeout)


def _dask(
    job: SweepJob,
    bounds: list[tuple[int, int]],
    workers: int,
    scheduler: str | None,
    tick: Callable[[tuple[int, int]], None],
    timeout: float,
) -> Iterator[pd.DataFrame]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BackendError(
            "the dask backend needs dask.distributed: pip install 'rosca-equilibria[dask]'"
        ) from None
    cluster: Any = None
    try:
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise BackendError(
            f"cannot reach the Dask scheduler at {scheduler!r} within "
            f"{timeout:g} s ({type(exc).__name__})"
        ) from None
    try:
        # at most two chunks per worker in flight: summaries stream, memory stays bounded
        window = max(2, 2 * workers)
        pending: list[Any] = []
        queue = list(bounds)
        while queue or pending:
            while queue and len(pending) < window:
                b = queue.pop(0)
                pending.append((b, client.submit(run_chunk, job, *b, pure=False)))
            b, fut = pending.pop(0)
            yield fut.result()
            tick(b)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
