"""The verifier's-dilemma demo's analysis, for any model and run (docs/domain.md section 2).

From the tidy frame of a simulation: each player's reward and cost flows (the model's own
reward and cost functions applied to the recorded states), cumulative profits, the
running cheating-volume fraction (cumulative cheat volume over cumulative total volume;
the last player's running frequency of its first action when the model has no
volumes) and its median, each player's cumulative ROI (cumulative profit over cumulative
cost) and its median, the table of outcomes grouped by the action profile, and the period
of the attractor when the trajectory ends in a cycle.

The frame is turned once into arrays shaped ``(steps + 1, runs)`` and everything is
computed on them at once (:mod:`simulation.flows`, :mod:`simulation.summaries`): no loop
over runs, no group-by. The chunked path of the command line
(:mod:`simulation.chunked`) feeds the same summary without building a frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from simulation.experiment import Experiment
from simulation.flows import flow_keys, flows, joint_periods
from simulation.summaries import RunSummary
from theory.errors import RoscaError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RunAnalysis", "analyse_runs", "frame_arrays", "period", "periods", "with_flows"]


class FrameError(RoscaError):
    """A simulation frame does not hold every timestep of its runs."""


def frame_arrays(
    exp: Experiment, df: pd.DataFrame, keys: tuple[str, ...] | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """The frame's state columns as ``(steps + 1, runs)`` arrays, whatever its row order.

    Returns the arrays, the global run number of each column and, for each column and
    timestep, the row of the frame it came from (to put results back into the frame).
    """
    steps = exp.n_steps + 1
    g = df["subset"].to_numpy(np.int64) * exp.runs + df["run"].to_numpy(np.int64) - 1
    t = df["timestep"].to_numpy(np.int64)
    order = np.lexsort((t, g))
    n = len(df) // steps
    if n * steps != len(df) or not np.array_equal(t[order], np.tile(np.arange(steps), n)):
        raise FrameError(
            f"the frame must hold timesteps 0 to {exp.n_steps} of every run, once each"
        )
    rows = order.reshape(n, steps).T
    columns = g[order][::steps]
    wanted = keys if keys is not None else tuple(k for k in exp.state_keys if k in df)
    data = {k: df[k].to_numpy()[rows] for k in wanted}
    return data, columns, rows


def with_flows(exp: Experiment, df: pd.DataFrame) -> pd.DataFrame:
    """Add per-player ``<player>_reward``, ``_cost``, ``_profit``, ``_cum_profit`` and
    ``_roi``, and ``cheat_fraction`` columns (per run, over timesteps >= 1; timestep 0
    has no flow, so zero flows and NaN ratios).

    Examples
    --------
    >>> from simulation.runner import simulate
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("verifiers-dilemma"), steps=14)
    >>> f = with_flows(exp, simulate(exp))
    >>> round(float(f["cheat_fraction"].iloc[-1]), 4), float(f["verifier_cum_profit"].iloc[0])
    (0.0857, 0.0)
    """
    data, columns, rows = frame_arrays(exp, df, flow_keys(exp))
    f = flows(exp, data, columns)
    out = df.copy()

    def put(name: str, values: np.ndarray, first: float) -> None:
        column = np.empty(len(df))
        column[rows[0]] = first
        column[rows[1:]] = values
        out[name] = column

    for i, pl in enumerate(exp.model.players):
        put(f"{pl.name}_reward", f.reward[i], 0.0)
        put(f"{pl.name}_cost", f.cost[i], 0.0)
        put(f"{pl.name}_profit", f.reward[i] - f.cost[i], 0.0)
        put(f"{pl.name}_cum_profit", f.cum_profit[i], 0.0)
        put(f"{pl.name}_roi", f.roi[i], np.nan)
    put("cheat_fraction", f.cheat_fraction, np.nan)
    return out


def period(row: np.ndarray, col: np.ndarray, tail: float = 0.5) -> int | None:
    """The smallest period of the joint action sequence over its last ``tail`` share, or
    ``None`` when it does not repeat there (at least two repetitions are required).

    Examples
    --------
    >>> seq = np.array([1, 1, 0, 0] * 10, dtype=bool)
    >>> period(seq, seq)
    4
    >>> period(np.array([True] * 20), np.array([False] * 20))
    1
    """
    (p,) = periods(row[:, None], col[:, None], tail)
    return int(p) if p else None


def periods(row: np.ndarray, col: np.ndarray, tail: float = 0.5) -> np.ndarray:
    """:func:`period` of every column of ``(steps, runs)`` arrays at once (0: no cycle).

    Examples
    --------
    >>> a = np.array([[1, 1, 0, 0] * 10, [1, 0] * 20], dtype=bool).T
    >>> periods(a, a).tolist()
    [4, 2]
    """
    return joint_periods(row.astype(np.int8) * 2 + col.astype(np.int8), tail)


@dataclass(frozen=True, eq=False)
class RunAnalysis:
    """The demo's figures for one experiment (all runs), JSON-ready via :meth:`to_dict`;
    :attr:`frame` (the simulation frame with the flows) is built when first read."""

    experiment: Experiment
    data: pd.DataFrame
    summary: dict[str, Any]

    @cached_property
    def frame(self) -> pd.DataFrame:
        return with_flows(self.experiment, self.data)

    def to_dict(self) -> dict[str, Any]:
        return self.summary


def analyse_runs(exp: Experiment, df: pd.DataFrame, per_run: bool | None = None) -> RunAnalysis:
    """The demo's analysis of every run of a simulation frame (either engine's).

    ``per_run`` keeps one record per run in the summary (``None``: only for at most
    :data:`~simulation.summaries.PER_RUN_LIMIT` runs).

    Examples
    --------
    >>> from simulation.runner import simulate
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("verifiers-dilemma"), steps=100)
    >>> s = analyse_runs(exp, simulate(exp)).summary
    >>> s["period"], round(s["cheat_fraction_median"], 4), len(s["per_run"])
    (7, 0.0857, 1)
    """
    data, columns, _ = frame_arrays(exp, df, flow_keys(exp))
    acc = RunSummary(exp, per_run=per_run)
    acc.add(data, columns)
    return RunAnalysis(exp, df, acc.result())
