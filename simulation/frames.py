"""The tidy DataFrame cadCAD users know, from either engine.

Columns: ``simulation, subset, run, substep, timestep``, the state variables (the model's,
then the policy's beliefs), one column per parameter, then ``policy`` and ``seed``. One
row per run and timestep (the last substep of each timestep, as cadCAD users usually
keep); ``subset`` is the parameter point and ``run`` counts from 1 within it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.batched import Trajectories
from simulation.experiment import Experiment

META = ["simulation", "subset", "run", "substep", "timestep"]


def _finish(exp: Experiment, df: pd.DataFrame, global_run: np.ndarray) -> pd.DataFrame:
    points = global_run // exp.runs
    for q in exp.model.parameters:
        values = np.array([float(pt[q.name]) for pt in exp.points])
        df[q.name] = values[points]
    df["policy"] = exp.policy_name
    df["seed"] = exp.seed
    return df


def from_cadcad(exp: Experiment, raw: pd.DataFrame) -> pd.DataFrame:
    """cadCAD's records (every substep) to the tidy frame (last substep per timestep)."""
    last = raw.groupby(["_global_run", "timestep"], sort=False)["substep"].transform("max")
    df = raw[raw["substep"] == last].copy()
    g = df["_global_run"].to_numpy()
    out = pd.DataFrame(
        {
            "simulation": 0,
            "subset": g // exp.runs,
            "run": g % exp.runs + 1,
            "substep": df["substep"].to_numpy(),
            "timestep": df["timestep"].to_numpy(),
        }
    )
    for k in exp.state_keys:
        col = df[k].to_numpy()
        is_flag = isinstance(col[0], bool | np.bool_)
        # numbers as float64 whatever Python type cadCAD kept, as in the batched engine
        out[k] = col.astype(bool) if is_flag else col.astype(np.float64)
    return _finish(exp, out.reset_index(drop=True), g)


def from_batched(traj: Trajectories) -> pd.DataFrame:
    """Batched trajectories to the tidy frame, rows ordered by subset, run, timestep."""
    exp = traj.experiment
    steps = next(iter(traj.data.values())).shape[0]
    n = len(traj.columns)
    g = np.repeat(traj.columns, steps)
    timestep = np.tile(np.arange(steps), n)
    out = pd.DataFrame(
        {
            "simulation": 0,
            "subset": g // exp.runs,
            "run": g % exp.runs + 1,
            "substep": np.where(timestep == 0, 0, max(len(exp.model.blocks), 1)),
            "timestep": timestep,
        }
    )
    for k in exp.state_keys:
        if k in traj.data:
            out[k] = traj.data[k].T.reshape(-1)
    return _finish(exp, out, g)
