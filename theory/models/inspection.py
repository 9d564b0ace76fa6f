"""``inspection``: the canonical inspection game (Tsebelis 1989; Avenhaus, von Stengel and
Zamir, "Inspection games", Handbook of Game Theory 3, 2002).

Cheater: cheat and verified -> ``-P``; cheat and not verified -> ``+G``; honest -> 0.
Verifier: verifying costs ``C``; catching a cheat pays ``R``; an unverified cheat costs
``L``. With ``G, P, C > 0`` and ``R + L > C`` there is no pure equilibrium; the unique
equilibrium is mixed with ``P(verify) = G / (G + P)`` and ``P(cheat) = C / (R + L)``: the
cheating rate does not depend on the penalty (Tsebelis' paradox).

Written as a one-block differential game whose flows are booked from the current action
profile, so one step of the mechanisms gives the stage game.
"""

from __future__ import annotations

from theory.model import Mechanism, Model, Parameter, Player, StateVariable, where

MODEL = Model(
    name="inspection",
    title="The inspection game",
    summary=(
        "A verifier decides whether to inspect at cost C; a cheater gains G when it cheats "
        "unverified and pays P when caught; catching pays the verifier R and an unverified "
        "cheat costs it L."
    ),
    parameters=(
        Parameter("G", "1", "cheater's gain from an unverified cheat", "value", lower_open=True),
        Parameter("P", "4", "cheater's penalty when caught", "value"),
        Parameter("R", "2", "verifier's reward for catching a cheat", "value"),
        Parameter("L", "3", "verifier's loss from an unverified cheat", "value"),
        Parameter("C", "1", "verifier's cost of verifying", "value", lower_open=True),
        Parameter("theta", "0", "ROI hurdle of the adaptive policies", "1", role="policy"),
    ),
    state=(
        StateVariable("Verifier_On", False, "the verifier verifies", "bool"),
        StateVariable("Cheater_On", False, "the cheater cheats", "bool"),
        StateVariable("Verifier_Reward", 0, "verifier's reward this step", "value"),
        StateVariable("Verifier_Cost", 0, "verifier's cost and loss this step", "value"),
        StateVariable("Cheater_Reward", 0, "cheater's gain this step", "value"),
        StateVariable("Cheater_Cost", 0, "cheater's penalty this step", "value"),
    ),
    players=(
        Player(
            "verifier",
            ("verify", "skip"),
            "Verifier_On",
            reward=lambda p, s: s.Verifier_Reward,
            cost=lambda p, s: s.Verifier_Cost,
            reward_text="R when a cheat is caught",
            cost_text="C when verifying, plus L for an unverified cheat",
        ),
        Player(
            "cheater",
            ("cheat", "honest"),
            "Cheater_On",
            reward=lambda p, s: s.Cheater_Reward,
            cost=lambda p, s: s.Cheater_Cost,
            reward_text="G for an unverified cheat",
            cost_text="P when caught",
        ),
    ),
    blocks=(
        (
            Mechanism(
                "Verifier_Reward",
                lambda p, s, a: where(a.verifier, where(a.cheater, p.R, 0), 0),
                "R if verifying and cheating",
            ),
            Mechanism(
                "Verifier_Cost",
                lambda p, s, a: where(a.verifier, p.C, where(a.cheater, p.L, 0)),
                "C if verifying, else L if cheating",
            ),
            Mechanism(
                "Cheater_Reward",
                lambda p, s, a: where(a.cheater, where(a.verifier, 0, p.G), 0),
                "G if cheating unverified",
            ),
            Mechanism(
                "Cheater_Cost",
                lambda p, s, a: where(a.cheater, where(a.verifier, p.P, 0), 0),
                "P if cheating and verified",
            ),
        ),
    ),
    key_parameters=("P", "G", "C", "R", "L"),
    regime_axes=("P", "C"),
    default_policy="fictitious-play",
    default_steps=200,
)
