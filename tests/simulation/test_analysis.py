"""The demo's analysis of runs (simulation/analysis.py), held to the numbers it gave before
it was vectorised over runs and steps, and to a plain per-run reference.

``EXPECTED`` was recorded from the pandas implementation (a group-by and a median per run)
on the experiments of ``CASES``, with the simulation of that time; the vectorised
analysis must give the same summaries, per run included, up to floating-point rounding of
means (``rel=1e-12``). ``reference_summary`` is that implementation's definition written
run by run (pandas, one run at a time), so that the analysis is also held to it on
whatever the engine simulates today, including experiments whose trajectories changed
since the numbers were recorded (the ``logit`` draws did).
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from simulation.analysis import analyse_runs
from simulation.experiment import Experiment
from simulation.runner import simulate
from theory.model import Namespace
from theory.models import get_model

CASES = {
    "rosca-v2-fp": dict(
        model="rosca-v2",
        policy="fictitious-play",
        runs=3,
        steps=40,
        seed=1,
        points=[{}, {"delta": 2}],
    ),
    "rosca-v2-seed": dict(model="rosca-v2", policy="seed", runs=4, steps=30, seed=5, points=[{}]),
    "verifiers-demo": dict(
        model="verifiers-dilemma", policy=None, runs=2, steps=100, seed=0, points=[{}]
    ),
    "rosca-v2-delta2": dict(
        model="rosca-v2", policy="fictitious-play", runs=2, steps=20, seed=0, points=[{"delta": 2}]
    ),
    "inspection-ema": dict(model="inspection", policy="ema", runs=3, steps=50, seed=2, points=[{}]),
    "inspection-logit": dict(
        model="inspection", policy="logit", runs=4, steps=60, seed=3, points=[{}, {"P": 3}]
    ),
}

EXPECTED = {
    "rosca-v2-fp": {
        "model": "rosca-v2",
        "policy": "fictitious-play",
        "seed": 1,
        "runs": 3,
        "steps": 40,
        "points": 2,
        "period": 1,
        "act_rate": {"contributor": 0.5125, "cheater": 0.5},
        "cheat_fraction_median": 0.1,
        "cum_profit_mean": {"contributor": -135.80000000000004, "cheater": 11925.0},
        "roi_median": {"contributor": -0.9993333333333334, "cheater": 81.0},
        "outcomes": [
            {
                "Contributers_On": False,
                "Cheaters_On": True,
                "steps": 117,
                "share": 0.4875,
                "contributor_reward_mean": 0.0,
                "contributor_cost_mean": 0.0,
                "cheater_reward_mean": 600.0,
                "cheater_cost_mean": 0.0,
            },
            {
                "Contributers_On": True,
                "Cheaters_On": False,
                "steps": 120,
                "share": 0.5,
                "contributor_reward_mean": 8.2,
                "contributor_cost_mean": 0.0,
                "cheater_reward_mean": 0.0,
                "cheater_cost_mean": 0.0,
            },
            {
                "Contributers_On": True,
                "Cheaters_On": True,
                "steps": 3,
                "share": 0.0125,
                "contributor_reward_mean": 0.4000000000000001,
                "contributor_cost_mean": 600.0,
                "cheater_reward_mean": 600.0,
                "cheater_cost_mean": 150.0,
            },
        ],
        "per_run": {
            "columns": [
                "subset",
                "run",
                "period",
                "cheat_fraction_final",
                "cheat_fraction_median",
                "contributor_act_rate",
                "contributor_cum_profit",
                "contributor_roi_final",
                "contributor_roi_median",
                "cheater_act_rate",
                "cheater_cum_profit",
                "cheater_roi_final",
                "cheater_roi_median",
            ],
            "rows": [
                [
                    0,
                    1,
                    1,
                    0.2,
                    0.2,
                    0.025,
                    -599.6,
                    -0.9993333333333334,
                    -0.9993333333333334,
                    1.0,
                    23850.0,
                    159.0,
                    81.0,
                ],
                [
                    0,
                    2,
                    1,
                    0.2,
                    0.2,
                    0.025,
                    -599.6,
                    -0.9993333333333334,
                    -0.9993333333333334,
                    1.0,
                    23850.0,
                    159.0,
                    81.0,
                ],
                [
                    0,
                    3,
                    1,
                    0.2,
                    0.2,
                    0.025,
                    -599.6,
                    -0.9993333333333334,
                    -0.9993333333333334,
                    1.0,
                    23850.0,
                    159.0,
                    81.0,
                ],
                [1, 1, 1, 0.0, 0.0, 1.0, 328.0, None, None, 0.0, 0.0, None, None],
                [1, 2, 1, 0.0, 0.0, 1.0, 328.0, None, None, 0.0, 0.0, None, None],
                [1, 3, 1, 0.0, 0.0, 1.0, 328.0, None, None, 0.0, 0.0, None, None],
            ],
        },
    },
    "rosca-v2-seed": {
        "model": "rosca-v2",
        "policy": "seed",
        "seed": 5,
        "runs": 4,
        "steps": 30,
        "points": 1,
        "period": None,
        "act_rate": {"contributor": 1.0, "cheater": 0.21666666666666667},
        "cheat_fraction_median": 0.03961538461538462,
        "cum_profit_mean": {"contributor": -3714.0, "cheater": 2925.0},
        "roi_median": {"contributor": -0.9699194444444443, "cheater": 3.0},
        "outcomes": [
            {
                "Contributers_On": True,
                "Cheaters_On": False,
                "steps": 94,
                "share": 0.7833333333333333,
                "contributor_reward_mean": 5.995744680851064,
                "contributor_cost_mean": 0.0,
                "cheater_reward_mean": 0.0,
                "cheater_cost_mean": 0.0,
            },
            {
                "Contributers_On": True,
                "Cheaters_On": True,
                "steps": 26,
                "share": 0.21666666666666667,
                "contributor_reward_mean": 6.938461538461538,
                "contributor_cost_mean": 600.0,
                "cheater_reward_mean": 600.0,
                "cheater_cost_mean": 150.0,
            },
        ],
        "per_run": {
            "columns": [
                "subset",
                "run",
                "period",
                "cheat_fraction_final",
                "cheat_fraction_median",
                "contributor_act_rate",
                "contributor_cum_profit",
                "contributor_roi_final",
                "contributor_roi_median",
                "cheater_act_rate",
                "cheater_cum_profit",
                "cheater_roi_final",
                "cheater_roi_median",
            ],
            "rows": [
                [
                    0,
                    1,
                    None,
                    0.04,
                    0.039230769230769236,
                    1.0,
                    -3414.0,
                    -0.9483333333333334,
                    -0.9692,
                    0.2,
                    2700.0,
                    3.0,
                    3.0,
                ],
                [
                    0,
                    2,
                    None,
                    0.06,
                    0.05393939393939394,
                    1.0,
                    -5214.0,
                    -0.9655555555555555,
                    -0.9772666666666666,
                    0.3,
                    4050.0,
                    3.0,
                    3.0,
                ],
                [
                    0,
                    3,
                    None,
                    0.03333333333333333,
                    0.017786561264822136,
                    1.0,
                    -2814.0,
                    -0.938,
                    -0.938,
                    0.16666666666666666,
                    2250.0,
                    3.0,
                    3.0,
                ],
                [
                    0,
                    4,
                    None,
                    0.04,
                    0.04,
                    1.0,
                    -3414.0,
                    -0.9483333333333334,
                    -0.9706388888888888,
                    0.2,
                    2700.0,
                    3.0,
                    3.0,
                ],
            ],
        },
    },
    "verifiers-demo": {
        "model": "verifiers-dilemma",
        "policy": "demo",
        "seed": 0,
        "runs": 2,
        "steps": 100,
        "points": 1,
        "period": 7,
        "act_rate": {"verifier": 0.56, "cheater": 0.43},
        "cheat_fraction_median": 0.08571428571428572,
        "cum_profit_mean": {"verifier": 2234.3, "cheater": -2240.0},
        "roi_median": {"verifier": 390.83673469387753, "cheater": -0.8},
        "outcomes": [
            {
                "Verifiers_On": False,
                "Cheaters_On": False,
                "steps": 30,
                "share": 0.15,
                "verifier_reward_mean": 0.0,
                "verifier_cost_mean": 0.10000000000000003,
                "cheater_reward_mean": 0.0,
                "cheater_cost_mean": 0.0,
            },
            {
                "Verifiers_On": False,
                "Cheaters_On": True,
                "steps": 58,
                "share": 0.29,
                "verifier_reward_mean": 0.0,
                "verifier_cost_mean": 0.0,
                "cheater_reward_mean": 0.0,
                "cheater_cost_mean": 0.0,
            },
            {
                "Verifiers_On": True,
                "Cheaters_On": False,
                "steps": 84,
                "share": 0.42,
                "verifier_reward_mean": 53.333333333333336,
                "verifier_cost_mean": 0.09999999999999998,
                "cheater_reward_mean": 6.666666666666667,
                "cheater_cost_mean": 66.66666666666667,
            },
            {
                "Verifiers_On": True,
                "Cheaters_On": True,
                "steps": 28,
                "share": 0.14,
                "verifier_reward_mean": 0.0,
                "verifier_cost_mean": 0.0,
                "cheater_reward_mean": 20.0,
                "cheater_cost_mean": 0.0,
            },
        ],
        "per_run": {
            "columns": [
                "subset",
                "run",
                "period",
                "cheat_fraction_final",
                "cheat_fraction_median",
                "verifier_act_rate",
                "verifier_cum_profit",
                "verifier_roi_final",
                "verifier_roi_median",
                "cheater_act_rate",
                "cheater_cum_profit",
                "cheater_roi_final",
                "cheater_roi_median",
            ],
            "rows": [
                [
                    0,
                    1,
                    7,
                    0.084,
                    0.08571428571428572,
                    0.56,
                    2234.3,
                    391.9824561403509,
                    390.83673469387753,
                    0.43,
                    -2240.0,
                    -0.8,
                    -0.8,
                ],
                [
                    0,
                    2,
                    7,
                    0.084,
                    0.08571428571428572,
                    0.56,
                    2234.3,
                    391.9824561403509,
                    390.83673469387753,
                    0.43,
                    -2240.0,
                    -0.8,
                    -0.8,
                ],
            ],
        },
    },
    "rosca-v2-delta2": {
        "model": "rosca-v2",
        "policy": "fictitious-play",
        "seed": 0,
        "runs": 2,
        "steps": 20,
        "points": 1,
        "period": 1,
        "act_rate": {"contributor": 1.0, "cheater": 0.0},
        "cheat_fraction_median": 0.0,
        "cum_profit_mean": {"contributor": 84.0, "cheater": 0.0},
        "roi_median": {"contributor": None, "cheater": None},
        "outcomes": [
            {
                "Contributers_On": True,
                "Cheaters_On": False,
                "steps": 40,
                "share": 1.0,
                "contributor_reward_mean": 4.2,
                "contributor_cost_mean": 0.0,
                "cheater_reward_mean": 0.0,
                "cheater_cost_mean": 0.0,
            }
        ],
        "per_run": {
            "columns": [
                "subset",
                "run",
                "period",
                "cheat_fraction_final",
                "cheat_fraction_median",
                "contributor_act_rate",
                "contributor_cum_profit",
                "contributor_roi_final",
                "contributor_roi_median",
                "cheater_act_rate",
                "cheater_cum_profit",
                "cheater_roi_final",
                "cheater_roi_median",
            ],
            "rows": [
                [0, 1, 1, 0.0, 0.0, 1.0, 84.0, None, None, 0.0, 0.0, None, None],
                [0, 2, 1, 0.0, 0.0, 1.0, 84.0, None, None, 0.0, 0.0, None, None],
            ],
        },
    },
    "inspection-ema": {
        "model": "inspection",
        "policy": "ema",
        "seed": 2,
        "runs": 3,
        "steps": 50,
        "points": 1,
        "period": None,
        "act_rate": {"verifier": 0.42, "cheater": 0.24},
        "cheat_fraction_median": 0.26969696969696966,
        "cum_profit_mean": {"verifier": -32.0, "cheater": -13.0},
        "roi_median": {"verifier": -0.7192118226600985, "cheater": -0.6875},
        "outcomes": [
            {
                "Verifier_On": False,
                "Cheater_On": False,
                "steps": 66,
                "share": 0.44,
                "verifier_reward_mean": 0.0,
                "verifier_cost_mean": 0.0,
                "cheater_reward_mean": 0.0,
                "cheater_cost_mean": 0.0,
            },
            {
                "Verifier_On": False,
                "Cheater_On": True,
                "steps": 21,
                "share": 0.14,
                "verifier_reward_mean": 0.0,
                "verifier_cost_mean": 3.0,
                "cheater_reward_mean": 1.0,
                "cheater_cost_mean": 0.0,
            },
            {
                "Verifier_On": True,
                "Cheater_On": False,
                "steps": 48,
                "share": 0.32,
                "verifier_reward_mean": 0.0,
                "verifier_cost_mean": 1.0,
                "cheater_reward_mean": 0.0,
                "cheater_cost_mean": 0.0,
            },
            {
                "Verifier_On": True,
                "Cheater_On": True,
                "steps": 15,
                "share": 0.1,
                "verifier_reward_mean": 2.0,
                "verifier_cost_mean": 1.0,
                "cheater_reward_mean": 0.0,
                "cheater_cost_mean": 4.0,
            },
        ],
        "per_run": {
            "columns": [
                "subset",
                "run",
                "period",
                "cheat_fraction_final",
                "cheat_fraction_median",
                "verifier_act_rate",
                "verifier_cum_profit",
                "verifier_roi_final",
                "verifier_roi_median",
                "cheater_act_rate",
                "cheater_cum_profit",
                "cheater_roi_final",
                "cheater_roi_median",
            ],
            "rows": [
                [
                    0,
                    1,
                    None,
                    0.24,
                    0.26969696969696966,
                    0.42,
                    -32.0,
                    -0.7619047619047619,
                    -0.7192118226600985,
                    0.24,
                    -13.0,
                    -0.65,
                    -0.6875,
                ],
                [
                    0,
                    2,
                    None,
                    0.24,
                    0.26969696969696966,
                    0.42,
                    -32.0,
                    -0.7619047619047619,
                    -0.7192118226600985,
                    0.24,
                    -13.0,
                    -0.65,
                    -0.6875,
                ],
                [
                    0,
                    3,
                    None,
                    0.24,
                    0.26969696969696966,
                    0.42,
                    -32.0,
                    -0.7619047619047619,
                    -0.7192118226600985,
                    0.24,
                    -13.0,
                    -0.65,
                    -0.6875,
                ],
            ],
        },
    },
}


def experiment(name):
    c = dict(CASES[name])
    model = get_model(c.pop("model"))
    return Experiment(model, **c)


def as_table(summary):
    s = dict(summary)
    rows = s.pop("per_run")
    cols = list(rows[0])
    s["per_run"] = {"columns": cols, "rows": [[r[k] for k in cols] for r in rows]}
    return s


def assert_same(actual, expected, where="summary"):
    """Equal structure, keys in the same order, integers, flags and None exactly, floats to
    rounding."""
    if isinstance(expected, dict):
        assert list(actual) == list(expected), where
        for k in expected:
            assert_same(actual[k], expected[k], f"{where}.{k}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_same(a, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert isinstance(actual, float) and math.isclose(
            actual, expected, rel_tol=1e-12, abs_tol=1e-12
        ), (
            where,
            actual,
            expected,
        )
    else:
        assert type(actual) is type(expected) and actual == expected, (where, actual, expected)


@pytest.mark.parametrize("name", list(EXPECTED))  # logit: only the run-by-run reference
def test_summary_equals_the_recorded_one(name):
    exp = experiment(name)
    summary = analyse_runs(exp, simulate(exp)).summary
    assert_same(as_table(summary), EXPECTED[name])


def test_row_order_of_the_frame_does_not_matter():
    exp = experiment("inspection-logit")
    df = simulate(exp)
    shuffled = df.sample(frac=1.0, random_state=np.random.default_rng(0))
    assert_same(analyse_runs(exp, shuffled).summary, analyse_runs(exp, df).summary)


def _value(x):
    x = float(x)
    return x if np.isfinite(x) else None


def _period(row: np.ndarray, col: np.ndarray) -> int | None:
    """The reference period, written out: over the last half of the joint sequence, the
    smallest p (at most half of it) with every step equal to the one p before."""
    joint = list(zip(row.tolist(), col.tolist()))
    tail = joint[len(joint) // 2 :]
    for p in range(1, len(tail) // 2 + 1):
        if tail[p:] == tail[:-p]:
            return p
    return None


def reference_summary(exp, df):
    """The analysis as it was defined before vectorisation, one run at a time."""
    model, players = exp.model, exp.model.players
    per_run, outcome_rows = [], []
    for (subset, run), g in df.sort_values(["subset", "run", "timestep"]).groupby(
        ["subset", "run"], sort=True
    ):
        p = Namespace({q.name: g[q.name].to_numpy(float) for q in model.parameters}, "p")
        s = Namespace({k: g[k].to_numpy() for k in exp.state_keys if k in g}, "s")
        live = g["timestep"].to_numpy() > 0
        flows = {}
        for pl in players:
            r = np.broadcast_to(np.asarray(pl.reward(p, s), dtype=float), (len(g),))[live]
            c = np.broadcast_to(np.asarray(pl.cost(p, s), dtype=float), (len(g),))[live]
            cum_profit, cum_cost = np.cumsum(r - c), np.cumsum(c)
            with np.errstate(divide="ignore", invalid="ignore"):
                roi = np.where(cum_cost > 0, cum_profit / cum_cost, np.nan)
            flows[pl.name] = (r, c, cum_profit, roi)
        if model.volumes is not None:
            num = np.cumsum(g[model.volumes[0]].to_numpy(float)[live])
            den = np.cumsum(g[model.volumes[1]].to_numpy(float)[live])
        else:
            num = np.cumsum(g[players[-1].flag].to_numpy(float)[live])
            den = np.cumsum(np.ones(live.sum()))
        with np.errstate(divide="ignore", invalid="ignore"):
            fraction = np.where(den > 0, num / den, np.nan)
        flags = [g[pl.flag].to_numpy(bool)[live] for pl in players]
        per = _period(flags[0], flags[1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN medians
            entry = {
                "subset": int(subset),
                "run": int(run),
                "period": per,
                "cheat_fraction_final": _value(fraction[-1]),
                "cheat_fraction_median": _value(np.nanmedian(fraction)),
            }
            for pl, f in zip(players, flags):
                r, c, cum_profit, roi = flows[pl.name]
                entry[f"{pl.name}_act_rate"] = float(f.mean())
                entry[f"{pl.name}_cum_profit"] = _value(cum_profit[-1])
                entry[f"{pl.name}_roi_final"] = _value(roi[-1])
                entry[f"{pl.name}_roi_median"] = _value(np.nanmedian(roi))
        per_run.append(entry)
        row = {pl.flag: f for pl, f in zip(players, flags)}
        for pl in players:
            row[f"{pl.name}_reward"], row[f"{pl.name}_cost"] = flows[pl.name][:2]
        outcome_rows.append(pd.DataFrame(row))
    rows = pd.concat(outcome_rows, ignore_index=True)
    outcomes = []
    for key, g in rows.groupby([pl.flag for pl in players], sort=True):
        o = {pl.flag: bool(v) for pl, v in zip(players, key)}
        o["steps"], o["share"] = len(g), len(g) / len(rows)
        for pl in players:
            o[f"{pl.name}_reward_mean"] = float(g[f"{pl.name}_reward"].mean())
            o[f"{pl.name}_cost_mean"] = float(g[f"{pl.name}_cost"].mean())
        outcomes.append(o)

    def median(key):
        values = [r[key] for r in per_run if r[key] is not None]
        return float(np.median(values)) if values else None

    periods = {r["period"] for r in per_run}
    return {
        "model": model.name,
        "policy": exp.policy_name,
        "seed": exp.seed,
        "runs": exp.runs,
        "steps": exp.n_steps,
        "points": len(exp.points),
        "period": periods.pop() if len(periods) == 1 else None,
        "act_rate": {pl.name: float(rows[pl.flag].mean()) for pl in players},
        "cheat_fraction_median": median("cheat_fraction_median"),
        "cum_profit_mean": {
            pl.name: float(np.mean([r[f"{pl.name}_cum_profit"] for r in per_run])) for pl in players
        },
        "roi_median": {pl.name: median(f"{pl.name}_roi_median") for pl in players},
        "outcomes": outcomes,
        "per_run": per_run,
    }


@pytest.mark.parametrize("name", list(CASES))
def test_summary_equals_the_run_by_run_reference(name):
    exp = experiment(name)
    df = simulate(exp)
    assert_same(analyse_runs(exp, df).summary, reference_summary(exp, df))
