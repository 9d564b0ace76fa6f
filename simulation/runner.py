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
from simulation.compare import TOLERANCE, Comparison, compare_actions
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


def actions_of(exp: Experiment, df: pd.DataFrame, point: int) -> list[np.ndarray]:
    """Each player's action indices at one point, ``(steps + 1, runs)`` (and members)."""
    part = df[df["subset"] == point]
    keys = ["run", "timestep"] + (["member"] if "member" in part else [])
    part = part.sort_values(keys)
    steps = exp.n_steps + 1
    out: list[np.ndarray] = []
    for pl in exp.model.players:
        col = part[pl.flag].to_numpy()
        idx = np.asarray(pl.decode(col.astype(bool) if pl.n_actions == 2 else col.astype(int)))
        if "member" in part:
            members = int(part["member"].max())
            out.append(idx.reshape(exp.runs, steps, members).transpose(1, 0, 2))
        else:
            out.append(idx.reshape(exp.runs, steps).T)
    return out


def compare(
    exp: Experiment,
    df: pd.DataFrame,
    burn_in: int | None = None,
    tolerance: float = TOLERANCE,
) -> list[Comparison]:
    """Theory against simulation at every parameter point of ``exp``."""
    return [
        compare_actions(exp, dict(values), actions_of(exp, df, i), burn_in, tolerance)
        for i, values in enumerate(exp.points)
    ]
