"""Outcomes of simulated circles: the tidy table, summaries across runs, and the theory's
prediction of who defaults (DOMAIN.md section 4; closed forms in :mod:`theory.circle`).

Per run and across runs: completion rate, full-pot rate and amount collected (against the
version-1 closed forms), pot shortfall by round, defaults and net value by position,
honest members' losses, defaulters' gains and contagion (a default followed by more).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from simulation.circle import CircleExperiment, CircleRun
from theory.circle import design, expected_collected, full_pot_probability
from theory.errors import ParameterError


def frame(run: CircleRun) -> pd.DataFrame:
    """One row per run, round and member: the tidy table ``rosca simulate --out`` writes."""
    e = run.experiment
    T, R, n = run.paid.shape
    idx = np.indices((T, R, n)).reshape(3, -1)
    t, r, m = idx
    df = pd.DataFrame(
        {
            "run": r + 1,
            "step": t + 1,
            "cycle": run.cycle[t, r],
            "round": run.round[t, r],
            "member": m,
            "position": run.position[t, r, m],
            "recipient": run.recipient[t, r] == m,
            "paid": run.paid[t, r, m],
            "missed": run.missed[t, r, m],
            "collateral": run.collateral[t, r, m],
            "pot": run.pot[t, r],
        }
    )
    for k, val in e.values.items():
        df[k] = float(val)
    for k in ("order", "collateral_mode"):
        df[k] = e.options[k]
    df["policy"] = e.policy
    df["seed"] = e.seed
    return df


def summarise_circle(run: CircleRun) -> dict[str, Any]:
    """Outcomes per run and across runs, with the version-1 closed forms."""
    e = run.experiment
    T, R, n = run.paid.shape
    real = run.real
    full = real & (run.missed.sum(axis=2) == 0) & (run.contributions >= run.expected - 1e-9)
    first = run.cycle == 1
    pos1 = run.position[0]  # positions in cycle 1, (runs, n)
    missed1 = run.missed[first[:, 0]]  # (n rounds, runs, n)
    defaulted_at = np.where(missed1.any(axis=0), missed1.argmax(axis=0) + 1, 0)  # round or 0
    by_pos_rate, by_pos_round, net_by_pos = [], [], []
    for k in range(1, n + 1):
        at = pos1 == k
        hit = defaulted_at[at]
        by_pos_rate.append(float((hit > 0).mean()) if hit.size else 0.0)
        by_pos_round.append(float(hit[hit > 0].mean()) if (hit > 0).any() else None)
        net_by_pos.append(float(run.net[at].mean()) if at.any() else 0.0)
    cycle_ok = [
        (~run.missed[run.cycle[:, 0] == cy].any(axis=(0, 2))).mean()
        for cy in range(1, int(run.cycle.max()) + 1)
    ]
    defaulters = run.missed.any(axis=0)
    n_def = defaulters.sum(axis=1)
    honest = ~defaulters
    shortfall = np.where(real, run.expected - run.contributions, 0.0)
    v = e.values
    p = Fraction(v["default_probability"])
    out: dict[str, Any] = {
        "model": e.model.name,
        "policy": e.policy,
        "runs": R,
        "rounds": T,
        "seed": e.seed,
        "members": n,
        "order": e.options["order"],
        "collateral_mode": e.options["collateral_mode"],
        "full_pot_rate": float(full[real].mean()),
        "collected_mean": float(run.contributions[real].mean()),
        "completion_rate": float(np.mean(cycle_ok)),
        "defaults_by_position": by_pos_rate,
        "default_round_by_position": by_pos_round,
        "net_value_by_position": net_by_pos,
        "shortfall_by_round": [float(x) for x in shortfall.mean(axis=1)],
        "honest_losses_mean": float(np.where(honest, np.maximum(-run.net, 0), 0).sum(1).mean()),
        "defaulter_gains_mean": float(np.where(defaulters, run.net, 0).sum(1).mean()),
        "defaulters_mean": float(n_def.mean()),
        "contagion_rate": float((n_def >= 2).sum() / max(1, (n_def >= 1).sum())),
    }
    if e.policy == "v1":
        out["full_pot_probability_theory"] = float(full_pot_probability(n, p))
        out["collected_mean_theory"] = float(expected_collected(n, Fraction(v["contribution"]), p))
    return out


@dataclass(frozen=True)
class CirclePrediction:
    tempted: tuple[int, ...]
    required: tuple[float, ...]
    held: tuple[float, ...]


def predict_defaults(exp: CircleExperiment) -> CirclePrediction:
    """The theory's prediction for ROI members in cycle 1: who is tempted to default right
    after receiving, given the collateral each position holds."""
    vals = dict(exp.values)
    if int(vals["rating_gate"]) == 0:  # no exclusion: future cycles are not at stake
        vals["cycles"] = Fraction(1)
    own = exp.options.get("member_discounts") or ()
    if own and exp.options["order"] == "random":
        raise ParameterError(
            "a prediction by position with member_discounts needs a fixed or "
            "rating order (the member at each position must be known)"
        )
    # in cycle 1 the fixed and rating orders put member k - 1 at position k
    positions = [
        design({**vals, "discount": Fraction(own[k - 1]) if own else vals["discount"]}).positions[
            k - 1
        ]
        for k in range(1, int(vals["members"]) + 1)
    ]
    dsg = design(vals)
    theta = Fraction(exp.values["theta"])
    mode = exp.options["collateral_mode"]
    held: list[Fraction] = []
    for pd_ in positions:
        if mode == "uniform":
            held.append(Fraction(exp.values["collateral"]))
        elif mode == "schedule":
            held.append(Fraction(exp.options["collateral_schedule"][pd_.position - 1]))
        else:
            held.append(Fraction(exp.values["collateral_scale"]) * pd_.required_collateral)
    tempted = tuple(
        pd_.position
        for pd_, k in zip(positions, held)
        if k + dsg.sanction + pd_.future_value < (1 + theta) * pd_.temptation
    )
    return CirclePrediction(
        tempted,
        tuple(float(p.required_collateral) for p in positions),
        tuple(float(k) for k in held),
    )
