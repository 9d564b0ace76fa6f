"""The batched engine: every run and parameter point of an experiment stepped at once.

The state of all runs is one numpy array per state variable; :func:`advance` applies the
same model, policy and random functions the cadCAD adapter calls, on arrays instead of
floats (docs/design.md "The one idea"). cadCAD deep-copies the state at every substep; here a
timestep is a handful of vectorised operations, whatever the number of runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulation.experiment import Experiment, advance


@dataclass(frozen=True, eq=False)
class Trajectories:
    """Recorded state arrays of shape ``(steps + 1, points * runs)``; run ``r`` of point
    ``i`` is column ``i * runs + r``."""

    experiment: Experiment
    data: dict[str, np.ndarray]
    columns: np.ndarray  # global run numbers of the columns
    final: dict[str, np.ndarray] | None = None  # every state variable after the last step

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
    arr = np.asarray(value)
    if arr.ndim == like.ndim - 1 and arr.shape == like.shape[:-1]:
        arr = arr[..., None]  # a per-run value for a per-member variable
    return np.broadcast_to(arr.astype(like.dtype, copy=False), like.shape)


def _dtype(v: Any) -> Any:
    arr = np.asarray(v)
    if arr.dtype == bool:
        return bool
    return float


def _groups(exp: Experiment, points: np.ndarray) -> list[np.ndarray]:
    """Runs whose state has the same shape (member counts, rounds per game) are stepped
    together; a sweep over a member count splits into groups."""
    if not exp.model.populations and not exp.model.many_rounds:
        return [np.arange(len(points))]
    shapes: dict[tuple[Any, ...], list[int]] = {}
    cache: dict[int, tuple[Any, ...]] = {}
    for j, i in enumerate(points.tolist()):
        if i not in cache:
            p = exp.numeric(exp.points[i])
            key = tuple(int(getattr(p, str(pl.population))) for pl in exp.model.populations)
            cache[i] = key + (exp.rounds(p),)
        shapes.setdefault(cache[i], []).append(j)
    return [np.asarray(v) for v in shapes.values()]


def run_batched(
    exp: Experiment,
    keys: Sequence[str] | None = None,
    columns: slice | None = None,
    progress: Callable[[int], None] | None = None,
    start: dict[str, np.ndarray] | None = None,
    greedy: bool = False,
    intervene: Callable[[int, tuple[Any, ...]], tuple[Any, ...]] | None = None,
) -> Trajectories:
    """Simulate every run of ``exp`` at once.

    Parameters
    ----------
    keys : state variables to record (all when ``None``); the others are only carried.
    columns : a slice of the runs to simulate (global run numbering is kept, so a slice
        gives exactly the columns of the full experiment).
    progress : called with the number of timesteps done.
    start : state variables (arrays over these runs) that replace genesis values, e.g. a
        learner's state carried over from an earlier simulation.
    greedy : learners play what they have learned, without exploring or learning.
    intervene : ``(t, actions) -> actions``, applied after the decisions of step ``t``
        (a counterfactual: the same random numbers, one decision changed).

    Per-member variables are recorded as ``(steps + 1, runs, members)`` (padded with NaN,
    or False, when points differ in their member count).

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
    groups = _groups(exp, points)
    if (start is not None or greedy or intervene is not None) and len(groups) > 1:
        raise ValueError("start, greedy and intervene need points of one shape")
    parts = [_run_group(exp, keys, cols[g], progress, start, greedy, intervene) for g in groups]
    if len(parts) == 1:
        return Trajectories(exp, parts[0][0], parts[0][1], parts[0][2])
    order = np.argsort(np.concatenate([c for _, c, _ in parts]), kind="stable")
    data = {}
    for k in parts[0][0]:
        arrays = [d[k] for d, _, _ in parts]
        width = max(a.shape[2] if a.ndim > 2 else 0 for a in arrays)
        if width:
            fill = False if arrays[0].dtype == bool else np.nan
            arrays = [
                np.pad(a, ((0, 0), (0, 0), (0, width - a.shape[2])), constant_values=fill)
                for a in arrays
            ]
        data[k] = np.concatenate(arrays, axis=1)[:, order]
    return Trajectories(exp, data, np.concatenate([c for _, c, _ in parts])[order])


def _run_group(
    exp: Experiment,
    keys: Sequence[str] | None,
    cols: np.ndarray,
    progress: Callable[[int], None] | None,
    start: dict[str, np.ndarray] | None = None,
    greedy: bool = False,
    intervene: Callable[[int, tuple[Any, ...]], tuple[Any, ...]] | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray, dict[str, np.ndarray]]:
    points = cols // exp.runs
    used, local = np.unique(points, return_inverse=True)  # only this group's points
    chosen = [exp.points[i] for i in used]
    population = bool(exp.model.populations)
    values: dict[str, Any] = {}
    for q in exp.model.parameters:
        column = np.array([float(pt[q.name]) for pt in chosen])[local]
        if q.integer:
            column = column.astype(np.int64)
        values[q.name] = column[:, None] if population else column
    for o in exp.model.options:
        values[o.name] = chosen[0][o.name]  # options are the same across a sweep's points
    p = exp.model.params(values)
    pp = exp.policy_namespace()
    rounds = exp.rounds(exp.numeric(chosen[0]))
    state: dict[str, Any] = {}
    for i, pt in enumerate(chosen):
        init = exp.initial_state(pt)
        for k, v in init.items():
            arr = np.asarray(v)
            if k not in state:
                shape = arr.shape if arr.ndim else ((1,) if population else ())
                state[k] = np.empty((len(cols),) + shape, dtype=_dtype(arr))
            state[k][local == i] = arr if arr.ndim or not population else arr.reshape(1)
    genesis = {k: v.copy() for k, v in state.items()}
    for k, v in (start or {}).items():
        state[k] = np.array(v, dtype=state[k].dtype).reshape(state[k].shape)
    record = list(keys) if keys is not None else list(state)
    steps: int = exp.n_steps
    data = {k: np.empty((steps + 1,) + state[k].shape, dtype=state[k].dtype) for k in record}
    for k in record:
        data[k][0] = state[k]
    for t in range(1, steps + 1):
        new = advance(exp, p, state, pp, cols, t, genesis, rounds, greedy, intervene)
        state = {k: _column(v, state[k]) for k, v in new.items()}
        for k in record:
            data[k][t] = state[k]
        if progress is not None:
            progress(t)
    for k in record:
        if population and data[k].ndim == 3 and data[k].shape[2] == 1:
            data[k] = data[k][:, :, 0]  # a per-run value recorded as (steps + 1, runs)
    return data, cols, state
