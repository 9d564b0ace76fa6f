"""Run an experiment with a chosen engine and return the tidy frame.

``engine="batched"`` (the default, proven equal to cadCAD by the test suite) steps every
run at once with numpy; ``engine="cadcad"`` runs the same model through cadCAD 0.5.3's
Executor, in ``workers`` processes when asked.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from simulation.batched import run_batched
from simulation.cadcad_adapter import run_cadcad
from simulation.circle import CircleExperiment, CircleRun, run_circle
from simulation.compare import Comparison, compare_flags
from simulation.experiment import Experiment
from simulation.frames import from_batched, from_cadcad
from theory.errors import ParameterError

ENGINES = ("batched", "cadcad")


def simulate(
    exp: Experiment,
    engine: str = "batched",
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Simulate ``exp``; ``progress(done, total)`` is called as work completes."""
    if engine not in ENGINES:
        raise ParameterError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")
    if engine == "batched":
        steps = exp.n_steps
        cb = (lambda t: progress(t, steps)) if progress else None
        return from_batched(run_batched(exp, progress=cb))
    return from_cadcad(exp, run_cadcad(exp, workers=workers, progress=progress))


def compare(exp: Experiment, df: pd.DataFrame, burn_in: int | None = None) -> list[Comparison]:
    """Theory against simulation at every parameter point of ``exp``."""
    out = []
    players = exp.model.players
    steps = exp.n_steps + 1
    for i, values in enumerate(exp.points):
        part = df[df["subset"] == i].sort_values(["run", "timestep"])
        row = part[players[0].flag].to_numpy(bool).reshape(exp.runs, steps).T
        col = part[players[1].flag].to_numpy(bool).reshape(exp.runs, steps).T
        out.append(compare_flags(exp, dict(values), np.asarray(row), np.asarray(col), burn_in))
    return out


def simulate_circle(exp: CircleExperiment, engine: str = "batched") -> CircleRun:
    """Simulate the ROSCA circle with either engine (the same ``circle_step`` in both)."""
    if engine not in ENGINES:
        raise ParameterError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")
    if engine == "cadcad":
        from simulation.circle_cadcad import run_circle_cadcad

        return run_circle_cadcad(exp)
    return run_circle(exp)
