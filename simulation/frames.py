"""The tidy DataFrame cadCAD users know, from either engine.

Columns: ``simulation, subset, run, substep, timestep``, the state variables (the model's,
then the learner's small ones: a belief vector becomes one column per action; a learner's
value tables are internal and left out), one column per parameter, then ``policy`` and
``seed``. One row per run and timestep (the last substep of each timestep, as cadCAD
users usually keep); ``subset`` is the parameter point and ``run`` counts from 1 within it.
For a model with a population the frame is long: one row per run, timestep and member
(``member`` from 1), the per-member variables in their columns and the others repeated.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from simulation.batched import Trajectories
from simulation.experiment import Experiment

META = ["simulation", "subset", "run", "substep", "timestep"]


def layout(exp: Experiment) -> dict[str, tuple[str, int]]:
    """How each recorded state variable enters the frame: ``("scalar", 0)``,
    ``("member", members)`` or ``("vector", length)`` (learner keys that do not fit,
    value tables, are left out)."""
    genesis = exp.initial_state(exp.points[0])
    per_member = {v.name for v in exp.model.state if v.per_member}
    out: dict[str, tuple[str, int]] = {}
    for k in exp.state_keys:
        shape = np.shape(genesis[k])
        if k in per_member:
            out[k] = ("member", shape[-1])
        elif not shape:
            out[k] = ("scalar", 0)
        elif len(shape) == 1 and k.startswith("belief:"):
            out[k] = ("vector", shape[0])
    return out


def vector_labels(exp: Experiment, key: str, n: int) -> list[str]:
    """Column names of a learner's vector: ``belief:verifier:cheater=cheat``..."""
    parts = key.split(":")
    other = next((pl for pl in exp.model.players if pl.name == parts[-1]), None)
    names = other.actions if other is not None and len(other.actions) == n else range(n)
    return [f"{key}={a}" for a in names]


def _finish(exp: Experiment, df: pd.DataFrame, global_run: np.ndarray) -> pd.DataFrame:
    points = global_run // exp.runs
    for q in exp.model.parameters:
        values = np.array([float(pt[q.name]) for pt in exp.points])
        df[q.name] = values[points]
    df["policy"] = exp.policy_name
    df["seed"] = exp.seed
    return df


def _columns(exp: Experiment, get: Any, rows: int, members: int) -> dict[str, np.ndarray]:
    """The state columns, given ``get(key)`` -> an array ``(records, ...)``."""
    cols: dict[str, np.ndarray] = {}
    for k, (kind, n) in layout(exp).items():
        arr = get(k)
        if arr is None:
            continue
        arr = np.asarray(arr)
        flag = arr.dtype == bool
        if kind == "scalar":
            col = arr.reshape(-1)
            cols[k] = np.repeat(col, members) if members else col
        elif kind == "member":
            cols[k] = arr.reshape(-1)
        else:
            for j, label in enumerate(vector_labels(exp, k, n)):
                col = arr.reshape(-1, n)[:, j]
                cols[label] = np.repeat(col, members) if members else col
        for c in list(cols):
            if c == k or c.startswith(f"{k}="):
                cols[c] = cols[c].astype(bool) if flag else cols[c].astype(np.float64)
    return cols


def _members(exp: Experiment) -> int:
    return max((n for kind, n in layout(exp).values() if kind == "member"), default=0)


def from_cadcad(exp: Experiment, raw: pd.DataFrame) -> pd.DataFrame:
    """cadCAD's records (every substep) to the tidy frame (last substep per timestep)."""
    last = raw.groupby(["_global_run", "timestep"], sort=False)["substep"].transform("max")
    df = raw[raw["substep"] == last]
    g = df["_global_run"].to_numpy()
    n = _members(exp)
    rep = max(n, 1)
    out = pd.DataFrame(
        {
            "simulation": 0,
            "subset": np.repeat(g // exp.runs, rep),
            "run": np.repeat(g % exp.runs + 1, rep),
            "substep": np.repeat(df["substep"].to_numpy(), rep),
            "timestep": np.repeat(df["timestep"].to_numpy(), rep),
        }
    )
    if n:
        out["member"] = np.tile(np.arange(1, n + 1), len(df))

    def get(k: str) -> np.ndarray | None:
        return np.stack([np.asarray(v) for v in df[k].to_numpy()]) if k in df else None

    for k, v in _columns(exp, get, len(df), n).items():
        out[k] = v
    return _finish(exp, out.reset_index(drop=True), np.repeat(g, rep))


def from_batched(traj: Trajectories) -> pd.DataFrame:
    """Batched trajectories to the tidy frame, rows ordered by subset, run, timestep (and
    member)."""
    exp = traj.experiment
    steps = next(iter(traj.data.values())).shape[0]
    n_runs = len(traj.columns)
    n = _members(exp)
    rep = max(n, 1)
    g = np.repeat(traj.columns, steps * rep)
    timestep = np.tile(np.repeat(np.arange(steps), rep), n_runs)
    out = pd.DataFrame(
        {
            "simulation": 0,
            "subset": g // exp.runs,
            "run": g % exp.runs + 1,
            "substep": np.where(timestep == 0, 0, exp.substeps),
            "timestep": timestep,
        }
    )
    if n:
        out["member"] = np.tile(np.arange(1, n + 1), steps * n_runs)

    def get(k: str) -> np.ndarray | None:
        if k not in traj.data:
            return None
        # (steps, runs, ...) -> (runs, steps, ...): rows ordered by run, then timestep
        return np.swapaxes(traj.data[k], 0, 1)

    for k, v in _columns(exp, get, steps * n_runs, n).items():
        out[k] = v
    return _finish(exp, out, g)
