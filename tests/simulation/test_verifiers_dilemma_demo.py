"""The verifier's-dilemma demo, reproduced step by step (docs/domain.md section 2).

The reference trajectory is computed by an independent step function written here from
docs/domain.md's formulas, not from the model's code.
"""

import numpy as np
import pytest

from simulation.analysis import analyse_runs, period
from simulation.experiment import Experiment
from simulation.runner import simulate
from theory.models import get_model


def demo_reference(steps=100):
    alfa, beta, gamma, delta, theta, zeta, eps, h = 0.001, 4, 1, 5, 0.1, 0.2, 1, 0.01
    s = dict(
        Verifiers_On=True,
        Cheaters_On=False,
        Total_Volume=100,
        Honest_Volume=100,
        Cheats_Volume=0,
        Cheats_Caught_Volume=0,
        Verifiers_Cost=0,
        Verifiers_Reward=0,
        Cheaters_Cost=0,
        Cheater_Reward=0,
    )
    out = [dict(s)]
    for _ in range(steps):
        verify = (
            beta * max(h * s["Cheats_Volume"], s["Cheats_Caught_Volume"])
            > (1 + theta) * alfa * s["Total_Volume"]
        )
        cheat = not s["Verifiers_On"]
        n = dict(s)
        n["Verifiers_On"], n["Cheaters_On"] = verify, cheat
        n["Total_Volume"] = eps * s["Total_Volume"]
        n["Cheats_Volume"] = zeta * s["Total_Volume"] if s["Cheaters_On"] else 0
        n["Honest_Volume"] = (
            (1 - zeta) * s["Total_Volume"] if s["Cheaters_On"] else s["Total_Volume"]
        )
        n["Cheats_Caught_Volume"] = s["Cheats_Volume"] if s["Verifiers_On"] else 0
        n["Verifiers_Cost"] = alfa * s["Total_Volume"] if s["Verifiers_On"] else 0
        n["Verifiers_Reward"] = beta * s["Cheats_Volume"] if s["Verifiers_On"] else 0
        n["Cheaters_Cost"] = delta * s["Cheats_Caught_Volume"] if s["Verifiers_On"] else 0
        n["Cheater_Reward"] = gamma * s["Cheats_Volume"] if s["Cheaters_On"] else 0
        s = n
        out.append(dict(s))
    return out


@pytest.fixture(scope="module", params=["batched", "cadcad"])
def demo(request):
    exp = Experiment(get_model("verifiers-dilemma"), runs=1, steps=100, seed=0)
    assert exp.policy == "demo"
    return exp, simulate(exp, engine=request.param)


def test_trajectory_step_by_step(demo):
    exp, df = demo
    ref = demo_reference()
    assert len(df) == 101
    for key in ref[0]:
        expected = np.array([r[key] for r in ref], dtype=float)
        np.testing.assert_allclose(
            df[key].to_numpy(float), expected, rtol=0, atol=1e-12, err_msg=key
        )


def test_cycle_fraction_roi_and_profits(demo):
    exp, df = demo
    ref = demo_reference()[1:]
    a = analyse_runs(exp, df)
    v = np.array([r["Verifiers_On"] for r in ref])
    c = np.array([r["Cheaters_On"] for r in ref])
    assert period(v, c) == 7 and a.summary["period"] == 7
    # (verify, cheat) over one period: F,T / F,T / T,T / T,F / T,F / T,F / F,F
    assert v[1:8].tolist() == [False, False, True, True, True, True, False]
    cum_cheat = np.cumsum([r["Cheats_Volume"] for r in ref])
    cum_total = np.cumsum([r["Total_Volume"] for r in ref])
    frac = cum_cheat / cum_total
    f = a.frame[a.frame.timestep > 0]
    np.testing.assert_allclose(f["cheat_fraction"], frac)
    assert a.summary["cheat_fraction_median"] == pytest.approx(np.median(frac))
    v_profit = np.cumsum([r["Verifiers_Reward"] - r["Verifiers_Cost"] for r in ref])
    c_profit = np.cumsum([r["Cheater_Reward"] - r["Cheaters_Cost"] for r in ref])
    np.testing.assert_allclose(f["verifier_cum_profit"], v_profit)
    np.testing.assert_allclose(f["cheater_cum_profit"], c_profit)
    v_cost = np.cumsum([r["Verifiers_Cost"] for r in ref])
    roi = np.where(v_cost > 0, v_profit / np.where(v_cost > 0, v_cost, 1), np.nan)
    np.testing.assert_allclose(f["verifier_roi"], roi)
    assert a.summary["roi_median"]["verifier"] == pytest.approx(np.nanmedian(roi))
    # the steady cheating share of the cycle: 3 cheating steps of 7 at 20% of the volume
    assert frac[-1] == pytest.approx(0.2 * 3 / 7, abs=0.01)
