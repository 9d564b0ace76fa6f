"""``verifiers-dilemma``: the cadCAD "Verifier's Dilemma" demo (Zargham, BlockScience, 2019).

The public cadCAD tutorial model that the seed copied its structure and its theta hurdle
from, reproduced exactly (docs/domain.md section 2): one partial state update block per
timestep in which every update reads the previous state, so the flags a policy sets this
step move the volumes next step, and the catch is penalised the step after.

State: ``Verifiers_On=True, Cheaters_On=False, Total_Volume=100`` and zero flows.
Functions: ``verifier_cost = alfa * Total_Volume`` (alfa 0.001), ``verifier_reward = beta *
Cheats_Volume`` (beta 4), ``cheater_reward = gamma * Cheats_Volume`` (gamma 1),
``cheater_cost = delta * Cheats_Caught_Volume`` (delta 5). Policies (``demo``): verify iff
``beta * max(h * Cheats_Volume, Cheats_Caught_Volume) > (1 + theta) * verifier_cost``
(theta 0.1, hearsay h 0.01); cheat iff the verifiers were off.

Because a profile reaches the penalty only two steps after it is chosen, the theory holds
a profile for ``stage_steps = 3`` steps before it reads the flows: the stage game is the
one the players face in the steady state of a held profile (with epsilon 1).
"""

from __future__ import annotations

from theory.model import Mechanism, Model, Parameter, Player, StateVariable, maximum, where


def verifier_cost(p, s):
    return p.alfa * s.Total_Volume


def verifier_reward(p, s):
    return p.beta * s.Cheats_Volume


def cheater_reward(p, s):
    return p.gamma * s.Cheats_Volume


def cheater_cost(p, s):
    return p.delta * s.Cheats_Caught_Volume


def demo_policy(p, s, draw):
    """The demo's ROI rules: the verifier's hearsay-or-catch estimate against its cost;
    the cheater cheats iff the verifiers were off."""
    estimate = p.beta * maximum(p.h * s.Cheats_Volume, s.Cheats_Caught_Volume)
    verify = estimate > (1 + p.theta) * verifier_cost(p, s)
    cheat = where(s.Verifiers_On, False, True)
    return verify, cheat


MODEL = Model(
    name="verifiers-dilemma",
    title="The Verifier's Dilemma (cadCAD demo, 2019)",
    summary=(
        "Verifiers pay alfa per unit of volume to check transactions and earn beta per unit "
        "of cheating they catch; cheaters take a share zeta of the volume and pay delta per "
        "unit caught. The demo's ROI feedback cycles instead of settling."
    ),
    parameters=(
        Parameter("alfa", "0.001", "verifier cost per unit of volume", "1/unit", lower_open=True),
        Parameter(
            "beta", "4", "verifier reward per unit of cheat volume", "1/unit", lower_open=True
        ),
        Parameter(
            "gamma", "1", "cheater reward per unit of cheat volume", "1/unit", lower_open=True
        ),
        Parameter("delta", "5", "cheater penalty per unit of caught volume", "1/unit"),
        Parameter(
            "zeta",
            "0.2",
            "share of the volume that is cheating when cheaters are on",
            "1",
            upper="1",
            lower_open=True,
        ),
        Parameter("epsilon", "1", "growth factor of the volume per step", "1", lower_open=True),
        Parameter("volume", "100", "initial total volume", "unit", lower_open=True),
        Parameter("theta", "0.1", "ROI hurdle of the verifier's rule", "1", role="policy"),
        Parameter(
            "h",
            "0.01",
            "off-chain hearsay signal of the cheat volume",
            "1",
            upper="1",
            role="policy",
        ),
    ),
    state=(
        StateVariable("Verifiers_On", True, "verifiers are verifying", "bool"),
        StateVariable("Cheaters_On", False, "cheaters are cheating", "bool"),
        StateVariable("Total_Volume", lambda p: p.volume, "total volume", "unit"),
        StateVariable("Honest_Volume", lambda p: p.volume, "honest volume", "unit"),
        StateVariable("Cheats_Volume", 0, "cheating volume", "unit"),
        StateVariable("Cheats_Caught_Volume", 0, "cheating volume caught", "unit"),
        StateVariable("Verifiers_Cost", 0, "verifiers' cost this step", "unit"),
        StateVariable("Verifiers_Reward", 0, "verifiers' reward this step", "unit"),
        StateVariable("Cheaters_Cost", 0, "cheaters' penalty this step", "unit"),
        StateVariable("Cheater_Reward", 0, "cheaters' take this step", "unit"),
    ),
    players=(
        Player(
            "verifier",
            ("verify", "idle"),
            "Verifiers_On",
            reward=lambda p, s: s.Verifiers_Reward,
            cost=lambda p, s: s.Verifiers_Cost,
            reward_text="beta * Cheats_Volume, when verifying",
            cost_text="alfa * Total_Volume, when verifying",
        ),
        Player(
            "cheater",
            ("cheat", "honest"),
            "Cheaters_On",
            reward=lambda p, s: s.Cheater_Reward,
            cost=lambda p, s: s.Cheaters_Cost,
            reward_text="gamma * Cheats_Volume, when cheating",
            cost_text="delta * Cheats_Caught_Volume, when verifiers are on",
        ),
    ),
    blocks=(
        (
            Mechanism(
                "Total_Volume",
                lambda p, s, a: p.epsilon * s.Total_Volume,
                "Total <- epsilon * Total",
            ),
            Mechanism(
                "Cheats_Volume",
                lambda p, s, a: where(s.Cheaters_On, p.zeta * s.Total_Volume, 0),
                "Cheats <- zeta * Total if Cheaters_On else 0",
            ),
            Mechanism(
                "Honest_Volume",
                lambda p, s, a: where(s.Cheaters_On, (1 - p.zeta) * s.Total_Volume, s.Total_Volume),
                "Honest <- (1 - zeta) * Total if Cheaters_On else Total",
            ),
            Mechanism(
                "Cheats_Caught_Volume",
                lambda p, s, a: where(s.Verifiers_On, s.Cheats_Volume, 0),
                "Caught <- Cheats if Verifiers_On else 0",
            ),
            Mechanism(
                "Verifiers_Cost",
                lambda p, s, a: where(s.Verifiers_On, verifier_cost(p, s), 0),
                "Verifiers_Cost <- alfa * Total if Verifiers_On",
            ),
            Mechanism(
                "Verifiers_Reward",
                lambda p, s, a: where(s.Verifiers_On, verifier_reward(p, s), 0),
                "Verifiers_Reward <- beta * Cheats if Verifiers_On",
            ),
            Mechanism(
                "Cheaters_Cost",
                lambda p, s, a: where(s.Verifiers_On, cheater_cost(p, s), 0),
                "Cheaters_Cost <- delta * Caught if Verifiers_On",
            ),
            Mechanism(
                "Cheater_Reward",
                lambda p, s, a: where(s.Cheaters_On, cheater_reward(p, s), 0),
                "Cheater_Reward <- gamma * Cheats if Cheaters_On",
            ),
        ),
    ),
    stage_steps=3,
    key_parameters=("delta", "gamma", "alfa", "beta"),
    regime_axes=("delta", "alfa"),
    volumes=("Cheats_Volume", "Total_Volume"),
    native_policies={"demo": demo_policy},
    default_policy="demo",
    default_steps=100,
)
