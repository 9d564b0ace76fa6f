"""The batched engine: every run and parameter point of an experiment stepped at once.

The state of all runs is one numpy array per state variable; :func:`advance` applies the
same model, policy and random functions the cadCAD adapter calls, on arrays instead of
floats (DESIGN.md "The one idea"). cadCAD deep-copies the state at every substep; here a
timestep is a handful of vectorised operations, whatever the number of runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulation.experiment import Experiment, advance
from simulation.policies import incentives, stack
from theory.model import Namespace


@dataclass(frozen=True, eq=False)
class Trajectories:
    """Recorded state arrays of shape ``(steps + 1, points * runs)``; run ``r`` of point
    ``i`` is column ``i * runs + r``."""

    experiment: Experiment
    data: dict[str, np.ndarray]
    columns: np.ndarray  # global run numbers of the columns

    @property
    def point_index(self) -> np.ndarray:
        return self.columns // self.experiment.runs

    @property
    def run_index(self) -> np.ndarray:
        return self.columns % self.experiment.runs


def _column(value: Any, like: np.ndarray) -> np.ndarray:
    """``value`` as an array shaped and typed like the state column it replaces (a
    mechanism may return a scalar, e.g. a constant 0, or a wider dtype)."""
    if isinstance(value, np.ndarray) and value.shape == like.shape and value.dtype == like.dtype:
        return value
    return np.broadcast_to(np.asarray(value, dtype=like.dtype), like.shape)


def run_batched(
    exp: Experiment,
    keys: Sequence[str] | None = None,
    columns: slice | None = None,
    progress: Callable[[int], None] | None = None,
) -> Trajectories:
    """Simulate every run of ``exp`` at once.

    Parameters
    ----------
    keys : state variables to record (all when ``None``); the others are only carried.
    columns : a slice of the runs to simulate (global run numbering is kept, so a slice
        gives exactly the columns of the full experiment).
    progress : called with the number of timesteps done.

    Examples
    --------
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("inspection"), runs=3, steps=4, seed=1)
    >>> t = run_batched(exp, keys=["Verifier_On", "Cheater_On"])
    >>> t.data["Verifier_On"].shape
    (5, 3)
    """
    n_total = exp.n_points * exp.runs
    cols = np.arange(n_total)[columns if columns is not None else slice(None)]
    points = cols // exp.runs
    used, local = np.unique(points, return_inverse=True)  # only this slice's points
    chosen = [exp.points[i] for i in used]
    values = {
        q.name: np.array([float(pt[q.name]) for pt in chosen])[local] for q in exp.model.parameters
    }
    p = Namespace(values, "parameter")
    inc = stack([incentives(exp.model, pt) for pt in chosen], local)
    pp = exp.policy_namespace()
    state: dict[str, Any] = {}
    for i, pt in enumerate(chosen):
        init = exp.initial_state(pt)
        for k, v in init.items():
            if k not in state:
                dtype = bool if isinstance(v, bool | np.bool_) else float
                state[k] = np.empty(len(cols), dtype=dtype)
            state[k][local == i] = v
    record = list(keys) if keys is not None else list(state)
    steps: int = exp.n_steps
    data = {k: np.empty((steps + 1, len(cols)), dtype=state[k].dtype) for k in record}
    for k in record:
        data[k][0] = state[k]
    for t in range(1, steps + 1):
        new = advance(exp, p, state, inc, pp, cols, t)
        state = {k: _column(v, state[k]) for k, v in new.items()}
        for k in record:
            data[k][t] = state[k]
        if progress is not None:
            progress(t)
    return Trajectories(exp, data, cols)
