"""The verifier's-dilemma demo's analysis, for any model and run (DOMAIN.md section 2).

From the tidy frame of a simulation: each player's reward and cost flows (the model's own
reward and cost functions applied to the recorded states), cumulative profits, the
running cheating-volume fraction (cumulative cheat volume over cumulative total volume;
the cheater's running action frequency when the model has no volumes) and its median,
each player's cumulative ROI (cumulative profit over cumulative cost) and its median, the
table of outcomes grouped by the two players' actions, and the period of the attractor
when the trajectory ends in a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiment import Experiment
from theory.model import Namespace


def with_flows(exp: Experiment, df: pd.DataFrame) -> pd.DataFrame:
    """Add per-player ``<player>_reward``, ``_cost``, ``_profit``, cumulative profit and
    ROI, and ``cheat_fraction`` columns (per run, over timesteps >= 1)."""
    model = exp.model
    out = df.copy()
    p = Namespace({q.name: out[q.name].to_numpy(float) for q in model.parameters}, "parameter")
    s = Namespace({k: out[k].to_numpy() for k in exp.state_keys if k in out}, "state variable")
    keys = ["subset", "run"]
    live = (out["timestep"] > 0).to_numpy()
    for pl in model.players:
        r = np.broadcast_to(np.asarray(pl.reward(p, s), dtype=float), (len(out),)) * live
        c = np.broadcast_to(np.asarray(pl.cost(p, s), dtype=float), (len(out),)) * live
        out[f"{pl.name}_reward"] = r
        out[f"{pl.name}_cost"] = c
        out[f"{pl.name}_profit"] = r - c
        g = out.groupby(keys, sort=False)
        out[f"{pl.name}_cum_profit"] = g[f"{pl.name}_profit"].cumsum()
        cum_cost = g[f"{pl.name}_cost"].cumsum()
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"{pl.name}_roi"] = np.where(
                cum_cost > 0, out[f"{pl.name}_cum_profit"] / cum_cost, np.nan
            )
    g = out.groupby(keys, sort=False)
    if model.volumes is not None:
        cheat, total = model.volumes
        num = (out[cheat] * live).groupby([out[k] for k in keys], sort=False).cumsum()
        den = (out[total] * live).groupby([out[k] for k in keys], sort=False).cumsum()
    else:
        flag = model.players[1].flag
        num = (out[flag].astype(float) * live).groupby([out[k] for k in keys], sort=False).cumsum()
        den = (
            pd.Series(live.astype(float), index=out.index)
            .groupby([out[k] for k in keys], sort=False)
            .cumsum()
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cheat_fraction"] = np.where(den > 0, num / den, np.nan)
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
    joint = row.astype(np.int8) * 2 + col.astype(np.int8)
    n = joint.shape[0]
    window = joint[int(n * (1 - tail)) :]
    found = np.zeros(joint.shape[1], dtype=np.int64)
    for p in range(1, window.shape[0] // 2 + 1):
        repeats = np.all(window[p:] == window[:-p], axis=0) & (found == 0)
        found[repeats] = p
        if found.all():
            break
    return found


@dataclass(frozen=True)
class RunAnalysis:
    """The demo's figures for one experiment (all runs), JSON-ready via :meth:`to_dict`."""

    frame: pd.DataFrame
    summary: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.summary


def analyse_runs(exp: Experiment, df: pd.DataFrame) -> RunAnalysis:
    """The demo's analysis of every run of a simulation."""
    model = exp.model
    f = with_flows(exp, df)
    rows = f[f["timestep"] > 0]
    players = model.players
    per_run = []
    periods = []
    for (subset, run), g in rows.groupby(["subset", "run"], sort=True):
        r_flags = g[players[0].flag].to_numpy(bool)
        c_flags = g[players[1].flag].to_numpy(bool)
        per = period(r_flags, c_flags)
        periods.append(per)
        entry: dict[str, Any] = {
            "subset": int(subset),
            "run": int(run),
            "period": per,
            "cheat_fraction_final": _f(g["cheat_fraction"].iloc[-1]),
            "cheat_fraction_median": _f(np.nanmedian(g["cheat_fraction"])),
        }
        for pl in players:
            entry[f"{pl.name}_act_rate"] = float(g[pl.flag].astype(float).mean())
            entry[f"{pl.name}_cum_profit"] = _f(g[f"{pl.name}_cum_profit"].iloc[-1])
            roi = g[f"{pl.name}_roi"].to_numpy(float)
            entry[f"{pl.name}_roi_final"] = _f(roi[-1])
            entry[f"{pl.name}_roi_median"] = (
                _f(np.nanmedian(roi)) if np.isfinite(roi).any() else None
            )
        per_run.append(entry)
    outcomes = []
    total = len(rows)
    for (a, b), g in rows.groupby([players[0].flag, players[1].flag], sort=True):
        o: dict[str, Any] = {
            players[0].flag: bool(a),
            players[1].flag: bool(b),
            "steps": int(len(g)),
            "share": len(g) / total,
        }
        for pl in players:
            o[f"{pl.name}_reward_mean"] = float(g[f"{pl.name}_reward"].mean())
            o[f"{pl.name}_cost_mean"] = float(g[f"{pl.name}_cost"].mean())
        outcomes.append(o)
    common = periods[0] if periods and all(p == periods[0] for p in periods) else None
    summary = {
        "model": model.name,
        "policy": exp.policy_name,
        "seed": exp.seed,
        "runs": exp.runs,
        "steps": exp.n_steps,
        "points": len(exp.points),
        "period": common,
        "act_rate": {pl.name: float(rows[pl.flag].astype(float).mean()) for pl in players},
        "cheat_fraction_median": _f(
            np.nanmedian(
                [
                    r["cheat_fraction_median"]
                    for r in per_run
                    if r["cheat_fraction_median"] is not None
                ]
            )
        )
        if per_run
        else None,
        "cum_profit_mean": {
            pl.name: float(np.mean([r[f"{pl.name}_cum_profit"] for r in per_run])) for pl in players
        },
        "roi_median": {
            pl.name: _median([r[f"{pl.name}_roi_median"] for r in per_run]) for pl in players
        },
        "outcomes": outcomes,
        "per_run": per_run,
    }
    return RunAnalysis(f, summary)


def _f(x: Any) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def _median(xs: list[float | None]) -> float | None:
    vals = [x for x in xs if x is not None]
    return float(np.median(vals)) if vals else None
