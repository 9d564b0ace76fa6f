"""The simulated circle against the theory: default pattern by position below and above
the collateral threshold, version-1 full pots within Monte Carlo error, reproducibility."""

import json
from fractions import Fraction as F

import numpy as np
import pytest

from reports.cli import main
from simulation.circle import RECORDED, CircleExperiment, run_circle
from simulation.circle_outcomes import predict_defaults, summarise_circle
from theory.circle import design
from theory.models.rosca_circle import MODEL


def experiment(policy="roi", runs=4, seed=0, options=None, **values):
    v = MODEL.defaults()
    v.update({k: F(str(x)) for k, x in values.items()})
    return CircleExperiment(MODEL, v, options or {}, policy, runs, seed)


@pytest.mark.parametrize("K", [0, 2000, 2399, 2400, 2699, 2700, 5000])
def test_uniform_collateral_below_and_above_each_threshold(K):
    """Position k defaults right after receiving (round k + 1) iff K < T_k = 300 (10 - k)."""
    exp = experiment(collateral=K)
    s = summarise_circle(run_circle(exp))
    tempted = [k for k in range(1, 11) if K < 300 * (10 - k)]
    assert list(predict_defaults(exp).tempted) == tempted
    assert s["defaults_by_position"] == [1.0 if k in tempted else 0.0 for k in range(1, 11)]
    assert all(s["default_round_by_position"][k - 1] == k + 1 for k in tempted)


def test_theory_schedule_keeps_everyone_paying_and_one_short_position_defaults():
    sched = [float(e.required_collateral) for e in design(MODEL.defaults()).positions]
    exp = experiment(
        options={
            "collateral_mode": "schedule",
            "collateral_schedule": tuple(F(str(x)) for x in sched),
        }
    )
    assert summarise_circle(run_circle(exp))["defaults_by_position"] == [0.0] * 10
    sched[3] -= 1
    exp = experiment(
        options={
            "collateral_mode": "schedule",
            "collateral_schedule": tuple(F(str(x)) for x in sched),
        }
    )
    s = summarise_circle(run_circle(exp))
    assert s["defaults_by_position"] == [1.0 if k == 4 else 0.0 for k in range(1, 11)]
    assert s["completion_rate"] == 0.0


@pytest.mark.parametrize("mode", ["required", "released"])
def test_least_schedules_met_and_missed(mode):
    ok = summarise_circle(run_circle(experiment(options={"collateral_mode": mode})))
    assert ok["defaults_by_position"] == [0.0] * 10 and ok["completion_rate"] == 1.0
    short = experiment(options={"collateral_mode": mode}, collateral_scale="0.9")
    s = summarise_circle(run_circle(short))
    assert list(predict_defaults(short).tempted) == list(range(1, 10))
    assert s["defaults_by_position"][:9] == [1.0] * 9


def test_discounting_and_future_cycles_lower_the_collateral_needed():
    pt = dict(discount="0.95", cycles=3)
    dsg = design(
        {**{k: v for k, v in MODEL.defaults().items()}, "discount": F("0.95"), "cycles": 3}
    )
    K = float(dsg.positions[2].required_collateral) + 1  # covers positions 3.. but not 1, 2
    exp = experiment(collateral=K, **pt)
    s = summarise_circle(run_circle(exp))
    assert list(predict_defaults(exp).tempted) == [1, 2]
    assert s["defaults_by_position"] == [1.0, 1.0] + [0.0] * 8


def test_version_one_matches_the_closed_form_within_monte_carlo_error():
    exp = experiment(policy="v1", runs=3000, seed=7)
    s = summarise_circle(run_circle(exp))
    p_full = 0.9**10
    se = np.sqrt(p_full * (1 - p_full) / (3000 * 10))
    assert abs(s["full_pot_rate"] - p_full) < 4 * se
    assert s["full_pot_probability_theory"] == pytest.approx(p_full)
    se_amount = 300 * np.sqrt(10 * 0.1 * 0.9) / np.sqrt(30000)
    assert abs(s["collected_mean"] - 2700) < 4 * se_amount


def test_reproducible_and_runs_differ():
    a = run_circle(experiment(policy="v1", runs=5, seed=3))
    b = run_circle(experiment(policy="v1", runs=5, seed=3))
    assert np.array_equal(a.paid, b.paid)
    assert not np.array_equal(a.paid[:, 0], a.paid[:, 1])
    r = run_circle(experiment(runs=6, options={"order": "random"}))
    assert len({tuple(r.position[0, k]) for k in range(6)}) > 1


def test_contagion_is_measured():
    """A waiting member who sees defaults expects a short pot; it can stop paying too."""
    s = summarise_circle(run_circle(experiment(contribution=300, theta="0.5")))
    assert 0.0 <= s["contagion_rate"] <= 1.0 and s["defaulters_mean"] >= 1


def test_design_and_simulate_json(capsys):
    assert main(["design", "rosca-circle", "--target", "no-default", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr()[0])
    assert d["least_uniform_collateral"] == 2700
    assert d["positions"][0] == {
        "position": 1,
        "temptation": 2700.0,
        "future_value": 0.0,
        "required_collateral": 2700.0,
    }
    assert (
        main(["simulate", "rosca-circle", "--policy", "v1", "--runs", "50", "--format", "json"])
        == 0
    )
    s = json.loads(capsys.readouterr()[0])
    assert {"full_pot_rate", "collected_mean", "completion_rate"} <= set(s)


@pytest.mark.parametrize(
    "argv,needle",
    [
        (
            ["design", "rosca-circle", "--set", "members=1"],
            "outside its bounds integer in [2, 1000]",
        ),
        (["design", "rosca-circle", "--set", "discount=1.5"], "'discount' = 1.5 is outside"),
        (["design", "rosca-circle", "--set", "discount=0"], "'discount' = 0 is outside"),
        (["design", "rosca-circle", "--set", "collateral_schedule=1,2"], "needs one per member"),
        (["design", "rosca-circle", "--set", "order=alphabetical"], "must be one of fixed"),
        (["design", "inspection"], "is a two-player game"),
        (["solve", "rosca-circle"], "is an n-member circle"),
        (
            ["simulate", "rosca-circle", "--set", "collateral_mode=schedule"],
            "needs collateral_schedule",
        ),
    ],
)
def test_circle_bad_input(capsys, argv, needle):
    assert main(argv) == 2
    err = capsys.readouterr()[1]
    assert needle in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "policy,options,values",
    [
        ("v1", {}, {}),
        ("roi", {}, {"collateral": 2000}),
        (
            "roi",
            {"order": "random", "collateral_mode": "released"},
            {"collateral_scale": "0.9", "cycles": 2, "discount": "0.97"},
        ),
        ("v1", {"order": "rating"}, {"cycles": 2, "members": 4}),
    ],
)
def test_cadcad_equals_batched_for_the_circle(policy, options, values):
    from simulation.circle_cadcad import run_circle_cadcad

    exp = experiment(policy=policy, runs=3, seed=5, options=options, **values)
    a, b = run_circle(exp), run_circle_cadcad(exp)
    for key in (*RECORDED, "net"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key), err_msg=key)


def test_members_with_their_own_discount_factors():
    """An impatient member (d = 1/2) at position 2 values the payments it would save less:
    T = 100 (1/2 + 1/4) = 75 < K = 150, so it pays; the patient one at position 1 does not."""
    own = tuple(F(x) for x in ("1", "0.5", "1", "0.5"))
    exp = experiment(members=4, contribution=100, collateral=150, options={"member_discounts": own})
    assert predict_defaults(exp).tempted == (1,)
    s = summarise_circle(run_circle(exp))
    assert s["defaults_by_position"] == [1.0, 0.0, 0.0, 0.0]
    with pytest.raises(Exception, match="needs one per member"):
        experiment(members=4, options={"member_discounts": own[:3]})
