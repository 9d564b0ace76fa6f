"""Simulate and summarise an experiment a chunk of runs at a time, in bounded memory.

The batched engine simulates any slice of an experiment's runs with their global run
numbers (:func:`simulation.batched.run_batched`), and randomness is a pure function of
(seed, run, timestep, draw) (:mod:`simulation.rng`), so the chunks of a split experiment
are exactly the columns of the whole one. Each chunk is summarised
(:class:`simulation.summaries.RunSummary`, whose combination is exact) and handed to the
caller (to stream to a file), then dropped: memory holds one chunk of trajectories,
whatever the number of runs.

The chunk size follows a memory budget (:data:`CHUNK_BYTES` for a chunk's trajectories
and the arrays its analysis builds), not a number of runs, so long runs get small chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from simulation.batched import Trajectories, run_batched
from simulation.experiment import Experiment
from simulation.flows import flow_keys
from simulation.summaries import RunSummary

CHUNK_BYTES = 128 * 2**20
"""The memory a chunk's trajectories and analysis aim at (128 MiB)."""

Progress = Callable[[int, int], None]


def state_bytes(exp: Experiment, keys: Sequence[str]) -> int:
    """Bytes of one run's recorded trajectory (``steps + 1`` values of each key).

    Examples
    --------
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("inspection"), steps=9)
    >>> state_bytes(exp, ["Verifier_On", "Cheater_On"])
    20
    """
    init = exp.initial_state(exp.points[0])
    width = sum(1 if isinstance(init[k], bool | np.bool_) else 8 for k in keys)
    return (exp.n_steps + 1) * width


def analysis_bytes(exp: Experiment) -> int:
    """Bytes of the arrays the analysis of one run builds (a generous count: per player
    its actions, flows, cumulative sums and ROI; the shared fractions and profiles)."""
    return exp.n_steps * 8 * (8 * len(exp.model.players) + 8)


def chunk_size(
    exp: Experiment, keys: Sequence[str], budget: int = CHUNK_BYTES, extra_per_run: int = 0
) -> int:
    """Runs per chunk so that a chunk's trajectories and analysis (and ``extra_per_run``
    bytes per run, e.g. for a table of the chunk) take about ``budget`` bytes (at least one
    run, at most all of them).

    Examples
    --------
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("rosca-v2"), policy="fictitious-play", runs=10**6)
    >>> 1000 < chunk_size(exp, exp.state_keys) < 10**6
    True
    """
    per_run = state_bytes(exp, keys) + analysis_bytes(exp) + extra_per_run
    return int(min(exp.n_points * exp.runs, max(1, budget // per_run)))


def run_chunks(
    exp: Experiment,
    keys: Sequence[str] | None = None,
    chunk: int | None = None,
    progress: Progress | None = None,
) -> Iterator[Trajectories]:
    """The experiment's runs, ``chunk`` at a time (all points together, in global run
    order); ``progress(done, total)`` counts run-steps.

    Examples
    --------
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("inspection"), runs=5, steps=3)
    >>> [t.columns.tolist() for t in run_chunks(exp, chunk=2)]
    [[0, 1], [2, 3], [4]]
    """
    recorded = list(keys) if keys is not None else list(exp.state_keys)
    size = chunk or chunk_size(exp, recorded)
    total = exp.n_points * exp.runs
    steps = exp.n_steps
    for start in range(0, total, size):
        stop = min(start + size, total)
        cb = None
        if progress is not None:

            def cb(t: int, start: int = start, n: int = stop - start) -> None:
                progress(start * steps + t * n, total * steps)

        yield run_batched(exp, recorded, slice(start, stop), cb)


def summarise(
    exp: Experiment,
    chunk: int | None = None,
    per_run: bool | None = None,
    progress: Progress | None = None,
    keys: Sequence[str] | None = None,
    each: Callable[[Trajectories], Any] | None = None,
) -> dict[str, Any]:
    """The demo's summary of every run of ``exp`` (:class:`RunSummary`), simulated in
    chunks with the batched engine; ``each(trajectories)`` sees every chunk (to stream
    it to a file, or to check it) before it is summarised; the chunks record ``keys`` (by
    default only what the analysis reads).

    Examples
    --------
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("verifiers-dilemma"), runs=3, steps=100)
    >>> s = summarise(exp, chunk=2)
    >>> s["period"], round(s["cheat_fraction_median"], 4), len(s["per_run"])
    (7, 0.0857, 3)
    """
    acc = RunSummary(exp, per_run=per_run)
    recorded = list(keys) if keys is not None else list(flow_keys(exp))
    for traj in run_chunks(exp, recorded, chunk, progress):
        if each is not None:
            each(traj)
        acc.add(traj.data, traj.columns)
    return acc.result()
