"""The equilibrium report: computed once (:func:`compute_report`), then rendered.

Sections: the model, the payoff matrices, the equilibria with their existence conditions,
the regime map, the thresholds, the dynamics of a simulation, theory against simulation
(at the point and over a grid), and a plain-language summary of what the numbers mean.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from simulation.analysis import RunAnalysis, analyse_runs
from simulation.backends import run_sweep
from simulation.compare import Comparison
from simulation.experiment import Experiment, cartesian
from simulation.runner import compare, simulate
from theory.analysis import Analysis, analyse
from theory.model import Model
from theory.regions import RegimeGrid, axis_range, regime_grid

REGIME_CELLS = 160
AGREEMENT_CELLS = 12


@dataclass(frozen=True, eq=False)
class ReportData:
    analysis: Analysis
    grid: RegimeGrid
    experiment: Experiment
    runs: RunAnalysis
    comparison: Comparison
    agreement: pd.DataFrame
    summary: list[str]


def _axes_grid(model: Model, analysis: Analysis, n: int) -> tuple[str, np.ndarray, str, np.ndarray]:
    assert model.regime_axes is not None
    x_name, y_name = model.regime_axes
    ranges = []
    for name in (x_name, y_name):
        ts = [t.value for t in analysis.thresholds if t.parameter == name and t.kind == "payoff"]
        ranges.append(axis_range(model, name, analysis.values, n, ts))
    return x_name, ranges[0], y_name, ranges[1]


def agreement_table(
    exp: Experiment,
    x_name: str,
    xs: np.ndarray,
    y_name: str,
    ys: np.ndarray,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Theory against simulation at every cell of a grid, with the batched engine."""
    base = dict(exp.points[0])
    points = []
    for pt in cartesian({x_name: list(xs), y_name: list(ys)}):
        values = dict(base)
        values.update({k: Fraction(repr(float(v))) for k, v in pt.items()})  # type: ignore[arg-type]
        points.append(values)
    grid_exp = Experiment(
        exp.model,
        points=points,
        policy=exp.policy_name,
        runs=exp.runs,
        steps=exp.n_steps,
        seed=exp.seed,
        policy_parameters=exp.given_parameters,
    )
    return pd.concat(list(run_sweep(grid_exp, progress=progress)), ignore_index=True)


def plain_summary(a: Analysis, ra: RunAnalysis, c: Comparison) -> list[str]:
    """What the numbers mean, in sentences."""
    m = a.model
    out = []
    eqs = a.equilibria
    if len(eqs) == 1:
        e = eqs[0]
        if e.kind == "pure":
            i, j = e.row.index(1), e.col.index(1)
            out.append(
                f"With these values the game has one equilibrium: the {m.players[0].name} "
                f"plays {m.players[0].actions[i]} and the {m.players[1].name} plays "
                f"{m.players[1].actions[j]}."
            )
        else:
            out.append(
                f"With these values the only equilibrium is mixed: the "
                f"{m.players[0].name} plays {m.players[0].actions[0]} with probability "
                f"{float(e.row[0]):.4g} and the {m.players[1].name} plays "
                f"{m.players[1].actions[0]} with probability {float(e.col[0]):.4g}."
            )
    else:
        out.append(
            f"With these values the game has {len(eqs)} extreme equilibria (regime: {a.regime})."
        )
    for d in a.dominant:
        out.append(f"{d[0].upper()}{d[1:]}.")
    if a.degenerate:
        out.append(
            "The point lies on a degenerate locus: a player is indifferent, and the "
            "equilibria form a continuum (see the continua listed above)."
        )
    shown = set()
    for t in a.thresholds:
        if t.kind != "payoff" or t.parameter not in m.key_parameters[:1]:
            continue
        key = (t.player, t.against)
        if key in shown:
            continue
        shown.add(key)
        out.append(
            f"The {t.player}'s best response against {t.against} is {t.above} iff "
            f"{t.parameter} > {t.expression} (= {t.value:.4g}); now {t.parameter} = "
            f"{t.current:.4g}, so it is {t.above if t.current > t.value else t.below}."
        )
    s = ra.summary
    per = s["period"]
    dyn = (
        f"Under the {s['policy']} policy ({s['runs']} run(s) of {s['steps']} steps, "
        f"seed {s['seed']}), "
    )
    if per == 1:
        dyn += "play settles on a fixed profile"
    elif per:
        dyn += f"the ROI feedback settles into a cycle of period {per}"
    else:
        dyn += "play keeps moving without a common cycle"
    if s["cheat_fraction_median"] is not None:
        dyn += f", with a steady cheating share of {s['cheat_fraction_median']:.3g}"
    out.append(dyn + ".")
    out.append(c.text + ".")
    return out


def compute_report(
    model: Model,
    values: Mapping[str, Fraction],
    policy: str | None = None,
    runs: int = 20,
    steps: int | None = None,
    seed: int = 0,
    policy_parameters: Mapping[str, object] | None = None,
    engine: str = "batched",
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    check: Callable[[Experiment, pd.DataFrame], None] | None = None,
) -> ReportData:
    """Compute every number and table the report shows; ``check`` is called on the
    point's simulated frame before anything else is computed from it (the command's
    numerical health check)."""
    a = analyse(model, values)
    x_name, xs, y_name, ys = _axes_grid(model, a, REGIME_CELLS)
    grid = regime_grid(model, a.values, x_name, xs, y_name, ys)
    exp = Experiment(
        model,
        points=[a.values],
        policy=policy,
        runs=runs,
        steps=steps,
        seed=seed,
        policy_parameters=policy_parameters or {},
    )
    frame = simulate(exp, engine=engine, workers=workers)
    if check is not None:
        check(exp, frame)
    ra = analyse_runs(exp, frame)
    (c,) = compare(exp, frame)
    _, gx, _, gy = _axes_grid(model, a, AGREEMENT_CELLS)
    small = Experiment(
        model,
        points=[a.values],
        policy=exp.policy_name,
        runs=min(runs, 10),
        steps=steps,
        seed=seed,
        policy_parameters=exp.given_parameters,
    )
    agreement = agreement_table(small, x_name, gx, y_name, gy, progress)
    return ReportData(a, grid, exp, ra, c, agreement, plain_summary(a, ra, c))


def report_json(data: ReportData) -> dict[str, Any]:
    from reports.solve_output import to_dict

    return {
        "analysis": to_dict(data.analysis),
        "simulation": data.runs.to_dict(),
        "comparison": data.comparison.to_dict(),
        "agreement_rate": float(data.agreement["agree"].mean()),
        "summary": data.summary,
    }
