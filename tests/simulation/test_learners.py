"""The payoff-based learners against what the theory predicts for each (Tuyls et al. 2006
and Kianercy and Galstyan 2012 for Q-learning; Borgers and Sarin 1997 for reinforcement;
the hurdle game for the seed's ROI rule), and against each other across engines."""

import numpy as np
import pytest

from simulation.batched import run_batched
from simulation.compare import compare_actions
from simulation.experiment import Experiment
from simulation.policies import check_parameters
from theory.errors import ParameterError
from theory.models import get_model


def comparison(model, policy, point=None, runs=20, steps=4000, tolerance=0.02, seed=1, **pp):
    exp = Experiment(
        get_model(model),
        points=[point or {}],
        policy=policy,
        runs=runs,
        steps=steps,
        seed=seed,
        policy_parameters=pp,
    )
    traj = run_batched(exp, keys=[pl.flag for pl in exp.model.players])
    acts = [np.asarray(pl.decode(traj.data[pl.flag])) for pl in exp.model.players]
    return compare_actions(exp, exp.points[0], acts, tolerance=tolerance)


INSPECTION_POINTS = [{}, {"P": 2, "C": "0.5"}, {"P": 1, "C": 2}]


@pytest.mark.parametrize("point", INSPECTION_POINTS, ids=str)
def test_q_learning_rests_at_the_logit_qre(point):
    c = comparison(
        "inspection", "q-learning", point, steps=8000, temperature="0.1", learning_rate="0.01"
    )
    assert c.prediction.kind.startswith("logit QRE")
    assert c.distance <= 0.02, c.text
    assert c.verdict in ("agree", "inconclusive"), c.text


def test_q_learning_approaches_nash_as_the_temperature_falls():
    gaps = []
    for tau in ("0.4", "0.1", "0.02"):
        c = comparison("inspection", "q-learning", runs=4, steps=20, temperature=tau)
        (x, y) = c.prediction.profiles[0]
        gaps.append(max(abs(x[0] - 0.2), abs(y[0] - 0.2)))  # Nash: (0.2, 0.2)
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 0.05


def test_reinforcement_time_average_settles_at_the_mixed_equilibrium():
    """Cross learning follows the replicator dynamics in the mean, whose orbits around the
    mixed equilibrium average to it over whole periods (Hofbauer and Sigmund 1998, section
    7.6). Every run starts from the same point, so the mean across runs is a window of the
    mean orbit, smoothed by the noise that spreads the runs' phases: the window must hold
    whole orbits. At learning rate 0.01 (with the exploration floor) the mean orbit takes
    about 4300 steps, so the last 10000 hold more than two; at 0.002 one orbit
    outlasts the 20000 steps and the window's average is off by up to 0.13 (measured)."""
    c = comparison(
        "inspection", "reinforcement", runs=50, steps=20000, tolerance=0.03, learning_rate="0.01"
    )
    assert c.prediction.kind == "Nash equilibrium"
    assert c.verdict == "agree", c.text


def test_roi_reaches_the_hurdle_game_of_the_seed():
    c = comparison("rosca-v2", "roi", steps=1500, tolerance=0.05)
    assert c.prediction.kind == "Nash equilibrium of the hurdle game"
    assert c.verdict == "agree", c.text


def test_roi_on_the_verifiers_dilemma_is_reported_as_it_is():
    """The demo's payoffs follow the actions with a lag of two steps: a learner that
    credits each step's payoff to its current action does not reach the hurdle game's
    equilibrium, and the comparison says so (it can fail)."""
    c = comparison("verifiers-dilemma", "roi", steps=1000, tolerance=0.05)
    assert c.verdict == "disagree", c.text


@pytest.mark.parametrize(
    "given,words",
    [
        ({"temperature": "0"}, "outside its bounds (0, inf)"),
        ({"learning_rate": "1.5"}, "outside its bounds (0, 1]"),
        ({"exploration": "-0.1"}, "outside its bounds [0, 1]"),
    ],
)
def test_learner_parameters_outside_their_bounds(given, words):
    policy = {"temperature": "q-learning", "learning_rate": "q-learning", "exploration": "roi"}[
        next(iter(given))
    ]
    with pytest.raises(
        ParameterError,
        match=words.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]"),
    ):
        check_parameters(policy, given)


def test_a_parameter_the_policy_does_not_read_names_the_policies_that_do():
    with pytest.raises(ParameterError, match="read by: q-learning, reinforcement"):
        check_parameters("roi", {"learning_rate": "0.1"})


@pytest.mark.parametrize(
    "argv,words",
    [
        (["--policy", "q-learning", "--set", "theta=0.3"], "theta has no effect with policy "),
        (["--policy", "ema", "--set", "cheat_probability=0.3"], "read by: seed"),
    ],
)
def test_a_model_policy_parameter_the_policy_does_not_read_is_refused(argv, words, capsys):
    """The model's own policy parameters (the hurdle, the seed's cheat probability) are
    refused with a policy that would ignore them, at the command line: one line, status 2."""
    from reports.cli.main import main

    code = main(["simulate", "rosca-v2", "--runs", "2", "--steps", "5", *argv])
    err = capsys.readouterr().err
    assert code == 2 and words in err and err.count("\n") == 1
    assert (
        main(
            [
                "simulate",
                "rosca-v2",
                "--runs",
                "2",
                "--steps",
                "5",
                "--set",
                "theta=0.3",
                "--policy",
                "roi",
            ]
        )
        == 0
    )
    code = main(
        [
            "sweep",
            "inspection",
            "--grid",
            "theta=0:1:2",
            "--policy",
            "reinforcement",
            "--runs",
            "1",
            "--steps",
            "5",
        ]
    )
    assert code == 2 and "theta has no effect with policy reinforcement" in capsys.readouterr().err
