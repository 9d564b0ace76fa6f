"""Summaries of simulations of a population (a circle's members, n verifiers): how often
the members take each action, the model's own outcomes (``Model.outcomes``), money
conservation and contagion (:mod:`simulation.games`), and, for a model's own random
behaviour, its outcomes held against what the model's mechanisms give in expectation
(``Model.extras``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.batched import Trajectories, run_batched
from simulation.experiment import Experiment
from simulation.games import conservation_error, contagion_rate
from simulation.intervals import overall, t_interval
from simulation.intervals import verdict as verdict_of
from theory.model import Namespace


def simulate_members(exp: Experiment, progress: Any = None) -> Trajectories:
    """Every state variable of every run (a population's simulation is summarised from
    its whole record)."""
    keys = list(exp.model.state_keys)
    return run_batched(exp, keys=keys, progress=progress)


def _p(exp: Experiment, point: int = 0) -> Namespace:
    return exp.numeric(exp.points[point])


def act_rates(exp: Experiment, traj: Trajectories) -> dict[str, dict[str, float]]:
    """Per player, the share of (member x step) decisions taking each action."""
    out = {}
    for pl in exp.model.players:
        a = np.asarray(traj.data[pl.flag][1:])
        idx = np.asarray(pl.decode(a))
        out[pl.name] = {act: float((idx == k).mean()) for k, act in enumerate(pl.actions)}
    return out


def per_run(exp: Experiment, traj: Trajectories, keys: list[str]) -> dict[str, np.ndarray]:
    """Model outcomes computed run by run, each run's outcomes once for every key."""
    p = _p(exp)
    rows = []
    for r in range(len(traj.columns)):
        one = {k: v[:, r : r + 1] for k, v in traj.data.items()}
        rows.append(exp.model.outcomes(p, one))  # type: ignore[misc]
    return {key: np.asarray([row[key] for row in rows], dtype=float) for key in keys}


def summarise_members(exp: Experiment, traj: Trajectories) -> dict[str, Any]:
    """The JSON summary of ``rosca simulate`` for a model with a population."""
    out: dict[str, Any] = {
        "model": exp.model.name,
        "policy": exp.policy_name,
        "seed": exp.seed,
        "runs": exp.runs,
        "steps": exp.n_steps,
        "points": exp.n_points,
        "act_rate": act_rates(exp, traj),
    }
    if exp.model.outcomes is not None:
        out.update(exp.model.outcomes(_p(exp), traj.data))
    if exp.model.many_rounds:
        out["rounds_per_game"] = exp.rounds(_p(exp))
        out["games"] = exp.n_steps / out["rounds_per_game"]
        out["conservation_error"] = conservation_error(traj)
        out["contagion_rate"] = contagion_rate(traj)
    return out


_SUMMARY_KEYS = {
    "model",
    "policy",
    "seed",
    "runs",
    "steps",
    "points",
    "act_rate",
    "rounds_per_game",
    "games",
    "conservation_error",
    "contagion_rate",
}
"""The keys of :func:`summarise_members` that are not the model's own outcomes."""


def _number(x: Any) -> str:
    return "n/a" if x is None else f"{x:.4g}"


def text_members(s: dict[str, Any]) -> str:
    lines = [
        f"{s['model']} with policy {s['policy']}: {s['runs']} run(s) x {s['steps']} steps, "
        f"seed {s['seed']}"
    ]
    for pl, rates in s["act_rate"].items():
        lines.append(f"{pl}: " + ", ".join(f"{a} {v:.3f}" for a, v in rates.items()))
    for k, v in s.items():  # the model's own outcomes (Model.outcomes), whatever they are
        if k in _SUMMARY_KEYS:
            continue
        if isinstance(v, list | tuple):
            shown = ", ".join(f"{i + 1}: {_number(x)}" for i, x in enumerate(v))
            lines.append(f"{k.replace('_', ' ')}: {shown}")
        elif isinstance(v, int | float) or v is None:
            lines.append(f"{k.replace('_', ' ')}: {_number(v)}")
    if "conservation_error" in s and s["conservation_error"] is not None:
        lines.append(f"money conservation: largest imbalance {s['conservation_error']:.3g}")
    if s.get("contagion_rate") is not None:
        lines.append(
            f"contagion: {s['contagion_rate']:.1%} of later defaults vanish without the first"
        )
    elif "contagion_rate" in s:
        lines.append("contagion: no game with two defaulters")
    return "\n".join(lines) + "\n"


def compare_expected(exp: Experiment, traj: Trajectories, tolerance: float) -> dict[str, Any]:
    """A model's own random behaviour against the outcomes its mechanisms give in
    expectation (``Model.extras``): each shared key as a 95 % t-interval across runs,
    judged against a relative tolerance."""
    extras = exp.model.extras(exp.model, dict(exp.points[0])) if exp.model.extras else None
    if not extras:
        return {
            "verdict": "inconclusive",
            "agree": False,
            "text": "INCONCLUSIVE: the model gives no expected outcome for this behaviour "
            "at this point",
        }
    rows = {}
    verdicts = []
    simulated = per_run(exp, traj, list(extras)) if exp.model.outcomes is not None else {}
    for key, xs in simulated.items():
        expected = extras[key]
        m, h = t_interval(xs)
        scale = max(abs(expected), 1e-12)
        v = verdict_of(abs(m - expected) / scale, h / scale, tolerance)
        verdicts.append(v)
        rows[key] = {"expected": expected, "simulated": m, "half_width": h, "verdict": v}
    verdict = overall(verdicts)
    text = (
        f"{verdict.upper()}: "
        + "; ".join(
            f"{k} simulated {r['simulated']:.4g} +- {r['half_width']:.2g} against "
            f"{r['expected']:.4g} expected"
            for k, r in rows.items()
        )
        + f" (relative tolerance {tolerance:g})"
    )
    return {"outcomes": rows, "verdict": verdict, "agree": verdict == "agree", "text": text}
