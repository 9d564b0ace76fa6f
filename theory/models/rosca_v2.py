"""``rosca-v2``: the seed notebook's Contributors-versus-Cheaters game, with its mechanisms on.

Source: "Blockchain based ROSCA - version 2" (the seed notebook; docs/domain.md section 1), whose
reward and cost functions and parameter values are kept exactly: contributor reward
``beta * rating`` (beta 0.4), contributor cost ``Cheats_Volume``, cheater reward
``gamma * Cheats_Volume`` (gamma 1), cheater cost when caught ``delta * Cheats_Volume``
(delta 0.25); hurdle theta 0.1, cheat share zeta 0.2, volume growth epsilon 1, the
cheater's coin flip 0.3, 3000 GBP collected per round (10 members x 300).

The draft left every mechanism commented out. Switched on here, with these choices where
the draft leaves one open:

* Two blocks per timestep (cadCAD partial state update blocks). Block 1 takes the
  players' decisions and moves the volumes: ``Total_Collected <- epsilon * Total``;
  ``Cheats_Volume <- zeta * Total`` when the cheater cheats, else 0; ``Honest_Volume``
  is the complement; ``Contributers_Rating`` grows by one each round contributed.
  Block 2 books the flows on the new volumes, so a decision is paid for in the round it
  is taken (the draft's mechanisms read the previous state, which would pay a cheat one
  round late and break the one-step stage game).
* Contributors' cost and reward are charged only when they contribute (the draft's
  ``verifier_*_ep`` pattern): a contributor who withholds neither loses the cheated
  share nor earns rating. The cheater's cost is charged when contributors are on (the
  cheat is caught by the members who paid in); its reward whenever it cheats.
* The draft's state keys ``Verifiers_Cost``/``Verifiers_Reward`` (copied from the
  verifier's-dilemma demo) and its mechanisms' ``Contributers_Cost``/``Contributers_Reward``
  disagree; the latter are used. The misspelt ``Contributer_On`` is not repeated.
* The total volume is exogenous (as in the draft), so withholding does not shrink the pot
  the cheater can take; the contributor's reward is its rating after this round's growth,
  so contributing from genesis earns ``beta * 1``.

As a game, with ``delta < gamma`` cheating strictly dominates honesty (it nets
``(gamma - delta) * zeta * Total`` even when always caught); honesty is the cheater's best
response to contributing iff ``delta > gamma``.
"""

from __future__ import annotations

from theory.model import Mechanism, Model, Parameter, Player, StateVariable, where


def contributer_reward(p, s):
    """Contributor's reward per round contributed: ``beta * rating``."""
    return p.beta * s.Contributers_Rating


def contributer_cost(p, s):
    """Contributor's cost per round the cheater acts: the amount defaulted."""
    return s.Cheats_Volume


def cheater_reward(p, s):
    """Cheater's reward per cheat: ``gamma * Cheats_Volume``."""
    return p.gamma * s.Cheats_Volume


def cheater_cost(p, s):
    """Cheater's cost per cheat caught: ``delta * Cheats_Volume``."""
    return p.delta * s.Cheats_Volume


def seed_policy(p, s, draw):
    """The draft's behaviour: contribute iff ``Total > (1 + theta) * Cheats_Volume``;
    cheat with probability ``cheat_probability``."""
    contribute = s.Total_Collected > (1 + p.theta) * s.Cheats_Volume
    cheat = draw(0) < p.cheat_probability
    return contribute, cheat


MODEL = Model(
    name="rosca-v2",
    title="Blockchain ROSCA v2: Contributors vs Cheaters",
    summary=(
        "The seed notebook's differential game: a contributor decides each round whether to "
        "pay in; a cheater decides whether to take a share zeta of the pot, paying delta per "
        "unit when the contributors catch it."
    ),
    parameters=(
        Parameter("beta", "0.4", "contributor reward per unit of rating", "GBP/rating"),
        Parameter(
            "gamma", "1", "cheater reward per unit of cheat volume", "GBP/GBP", lower_open=True
        ),
        Parameter(
            "delta", "0.25", "cheater penalty per unit of cheat volume when caught", "GBP/GBP"
        ),
        Parameter(
            "zeta", "0.2", "share of the pot taken when cheating", "1", upper="1", lower_open=True
        ),
        Parameter("epsilon", "1", "growth factor of the volume per round", "1", lower_open=True),
        Parameter(
            "volume", "3000", "GBP collected per round (10 members x 300)", "GBP", lower_open=True
        ),
        Parameter(
            "theta", "0.1", "ROI hurdle: act iff reward > (1 + theta) x cost", "1", role="policy"
        ),
        Parameter(
            "cheat_probability",
            "0.3",
            "the seed policy's chance of cheating per round",
            "1",
            upper="1",
            role="policy",
        ),
    ),
    state=(
        StateVariable("Contributers_On", True, "contributors are paying in", "bool"),
        StateVariable("Cheaters_On", False, "the cheater is cheating", "bool"),
        StateVariable("Total_Collected", lambda p: p.volume, "GBP collected this round", "GBP"),
        StateVariable("Honest_Volume", lambda p: p.volume, "GBP not taken by the cheater", "GBP"),
        StateVariable("Cheats_Volume", 0, "GBP taken by the cheater", "GBP"),
        StateVariable("Contributers_Rating", 0, "rounds contributed (credit rating)", "rounds"),
        StateVariable(
            "Contributers_Cost", 0, "contributors' loss to the cheater this round", "GBP"
        ),
        StateVariable("Contributers_Reward", 0, "contributors' reward this round", "GBP"),
        StateVariable("Cheaters_Cost", 0, "penalty paid by the cheater this round", "GBP"),
        StateVariable("Cheater_Reward", 0, "cheater's take this round", "GBP"),
    ),
    players=(
        Player(
            "contributor",
            ("contribute", "withhold"),
            "Contributers_On",
            reward=lambda p, s: s.Contributers_Reward,
            cost=lambda p, s: s.Contributers_Cost,
            reward_text="beta * rating, when contributing",
            cost_text="Cheats_Volume, when contributing",
        ),
        Player(
            "cheater",
            ("cheat", "honest"),
            "Cheaters_On",
            reward=lambda p, s: s.Cheater_Reward,
            cost=lambda p, s: s.Cheaters_Cost,
            reward_text="gamma * Cheats_Volume, when cheating",
            cost_text="delta * Cheats_Volume, when cheating and caught by contributors",
        ),
    ),
    blocks=(
        (
            Mechanism(
                "Total_Collected",
                lambda p, s, a: p.epsilon * s.Total_Collected,
                "Total <- epsilon * Total",
            ),
            Mechanism(
                "Cheats_Volume",
                lambda p, s, a: where(a.cheater, p.zeta * s.Total_Collected, 0),
                "Cheats <- zeta * Total if cheating else 0",
            ),
            Mechanism(
                "Honest_Volume",
                lambda p, s, a: s.Total_Collected - where(a.cheater, p.zeta * s.Total_Collected, 0),
                "Honest <- Total - Cheats",
            ),
            Mechanism(
                "Contributers_Rating",
                lambda p, s, a: s.Contributers_Rating + where(a.contributor, 1, 0),
                "Rating <- Rating + 1 if contributing",
            ),
        ),
        (
            Mechanism(
                "Contributers_Reward",
                lambda p, s, a: where(a.contributor, contributer_reward(p, s), 0),
                "Contributers_Reward <- beta * Rating if contributing",
            ),
            Mechanism(
                "Contributers_Cost",
                lambda p, s, a: where(a.contributor, contributer_cost(p, s), 0),
                "Contributers_Cost <- Cheats_Volume if contributing",
            ),
            Mechanism(
                "Cheater_Reward",
                lambda p, s, a: where(a.cheater, cheater_reward(p, s), 0),
                "Cheater_Reward <- gamma * Cheats_Volume if cheating",
            ),
            Mechanism(
                "Cheaters_Cost",
                lambda p, s, a: where(a.cheater, where(a.contributor, cheater_cost(p, s), 0), 0),
                "Cheaters_Cost <- delta * Cheats_Volume if cheating and caught",
            ),
        ),
    ),
    key_parameters=("delta", "gamma", "beta", "zeta"),
    regime_axes=("delta", "zeta"),
    volumes=("Cheats_Volume", "Total_Collected"),
    native_policies={"seed": seed_policy},
    default_policy="fictitious-play",
)
