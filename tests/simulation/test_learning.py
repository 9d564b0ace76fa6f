"""Learning dynamics against closed forms (docs/domain.md section 3)."""

import numpy as np
import pytest
import sympy as sp

from simulation.batched import run_batched
from simulation.compare import compare_actions, compare_flags
from simulation.experiment import Experiment
from theory.dynamics import best_response_cycle, logit_qre, replicator
from theory.models import get_model
from theory.payoffs import stage_game

M = get_model("inspection")


@pytest.mark.parametrize(
    "point",
    [{}, {"G": 3, "P": 1, "R": 1, "L": 1, "C": 1}, {"G": 2, "P": 3, "R": 4, "L": 1, "C": 2}],
)
def test_fictitious_play_time_averages_approach_the_equilibrium(point):
    """Frequencies approach y* = G/(G+P) (verify) and x* = C/(R+L) (cheat); the tolerance
    shrinks as the number of steps grows."""
    vals = {k: float(v) for k, v in {**{"G": 1, "P": 4, "R": 2, "L": 3, "C": 1}, **point}.items()}
    y_star = vals["G"] / (vals["G"] + vals["P"])
    x_star = vals["C"] / (vals["R"] + vals["L"])
    errors = []
    for steps in (250, 1000, 4000, 16000):
        exp = Experiment(M, points=[point], policy="fictitious-play", steps=steps)
        t = run_batched(exp, keys=["Verifier_On", "Cheater_On"])
        err = max(
            abs(t.data["Verifier_On"][1:].mean() - y_star),
            abs(t.data["Cheater_On"][1:].mean() - x_star),
        )
        assert err <= 2 / np.sqrt(steps), (steps, err)
        errors.append(err)
    assert errors[-1] < errors[0]


def test_myopic_best_response_cycles_with_period_four():
    exp = Experiment(M, policy="last-observation", steps=200)
    t = run_batched(exp, keys=["Verifier_On", "Cheater_On"])
    c = compare_flags(exp, exp.points[0], t.data["Verifier_On"], t.data["Cheater_On"])
    assert c.period == 4 and c.prediction.period == 4 and c.agree
    A, B = stage_game(M).numeric(M.defaults())
    cycle, per = best_response_cycle(A, B, (True, True))
    assert per == 4 and len(set(cycle)) == 4  # all four pure profiles


def test_logit_play_rests_at_the_qre_and_the_qre_tends_to_nash():
    exp = Experiment(M, policy="logit", runs=20, steps=2000, seed=5)
    t = run_batched(exp, keys=["Verifier_On", "Cheater_On"])
    c = compare_flags(exp, exp.points[0], t.data["Verifier_On"], t.data["Cheater_On"])
    assert c.agree, c.verdict
    A, B = stage_game(M).numeric(M.defaults())
    dist = []
    for lam in (1.0, 0.1, 0.01, 0.001):
        ((p, q),) = logit_qre(A, B, lam)
        dist.append(max(abs(p - 0.2), abs(q - 0.2)))
    assert dist == sorted(dist, reverse=True) and dist[-1] < 1e-3


def test_replicator_dynamics_conserve_H():
    """dH/dt = 0 along x' = x(1-x)[G-(G+P)y], y' = y(1-y)[(R+L)x-C] (x cheat, y verify)."""
    x, y, xdot, ydot, H = replicator(stage_game(M))
    assert sp.simplify(sp.diff(H, x) * xdot + sp.diff(H, y) * ydot) == 0
    G, P, R, L, C = (M.symbols[k] for k in "GPRLC")
    # in docs/domain.md's variables: the row player (verifier) acts w.p. y_d, the cheater x_d
    yd, xd = x, y
    assert sp.simplify(ydot - xd * (1 - xd) * (G - (G + P) * yd)) == 0
    assert sp.simplify(xdot - yd * (1 - yd) * ((R + L) * xd - C)) == 0
    H_domain = C * sp.log(xd) + (R + L - C) * sp.log(1 - xd) + G * sp.log(yd) + P * sp.log(1 - yd)
    assert sp.simplify(H - H_domain) == 0


def test_replicator_orbit_is_closed_numerically():
    """Integrated numerically, H stays constant and the time average is the equilibrium."""
    from scipy.integrate import solve_ivp

    x, y, xdot, ydot, H = replicator(stage_game(M))
    sub = {M.symbols[k]: v for k, v in dict(G=1, P=4, R=2, L=3, C=1, theta=0).items()}
    f = sp.lambdify((x, y), [xdot.subs(sub), ydot.subs(sub)])
    h = sp.lambdify((x, y), H.subs(sub))
    sol = solve_ivp(
        lambda t, z: f(*z), (0, 200), [0.5, 0.4], rtol=1e-10, atol=1e-12, dense_output=True
    )
    ts = np.linspace(0, 200, 20001)
    zs = sol.sol(ts)
    hs = h(zs[0], zs[1])
    assert np.ptp(hs) < 1e-6
    assert abs(zs[0].mean() - 0.2) < 0.02 and abs(zs[1].mean() - 0.2) < 0.02


def test_runs_that_settle_at_different_equilibria_are_each_held_against_their_own(
    tmp_path, monkeypatch
):
    """Three verifiers (one verification is enough) have a pure equilibrium for each of
    alice and bob verifying alone: learners' runs split between them, and the mean across
    runs is neither. Each group of runs is compared with its own equilibrium; a theory
    that predicts other equilibria is still caught."""
    from simulation import compare as compare_module
    from tests.reports.explore_models import THREE
    from theory.models import get_model

    src = tmp_path / "three.py"
    src.write_text(THREE)
    model = get_model(str(src))
    exp = Experiment(model, policy="roi", runs=20, steps=2000, seed=0)
    traj = run_batched(exp, keys=[pl.flag for pl in model.players])
    acts = [np.asarray(pl.decode(traj.data[pl.flag])) for pl in model.players]
    c = compare_actions(exp, exp.points[0], acts)
    assert c.verdict == "agree", c.text
    assert sum(1 for n in c.runs_by_candidate if n) == 2 and sum(c.runs_by_candidate) == 20
    assert "settle at different equilibria" in c.text
    assert c.to_dict()["simulated"]["runs_by_candidate"] == list(c.runs_by_candidate)

    true = c.prediction
    wrong = (((0.0, 1.0), (0.0, 1.0), (1.0, 0.0)), ((0.0, 1.0), (1.0, 0.0), (1.0, 0.0)))
    monkeypatch.setattr(
        compare_module,
        "predict",
        lambda *a: compare_module.Prediction(
            true.kind, true.why, wrong, ((1, 1, 0), (1, 0, 0)), None
        ),
    )
    assert compare_actions(exp, exp.points[0], acts).verdict == "disagree"


def test_ema_settles_on_its_own_cycle_not_on_the_mixed_equilibrium():
    """Beliefs with a constant weight forget: in the inspection game play cycles around
    the mixed equilibrium (0.2, 0.2) with frequencies of its own, which the theory predicts
    by stepping the best-response map on the derived stage game; the simulated agents,
    which evaluate actions through the model's mechanisms, land on them."""
    exp = Experiment(M, policy="ema", runs=4, steps=3000, seed=2)
    t = run_batched(exp, keys=["Verifier_On", "Cheater_On"])
    c = compare_flags(exp, exp.points[0], t.data["Verifier_On"], t.data["Cheater_On"])
    (pred,) = c.prediction.profiles
    assert max(abs(pred[0][0] - 0.2), abs(pred[1][0] - 0.2)) > 0.1  # not the equilibrium
    assert c.verdict == "agree", c.text
