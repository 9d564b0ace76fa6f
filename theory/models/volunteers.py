"""``volunteers``: the verifier's dilemma with n verifiers, which is Diekmann's volunteer's
dilemma (Diekmann, "Volunteer's dilemma", Journal of Conflict Resolution 29, 1985).

A cheat is attempted every round; one verification is enough to catch it. Each of the
``members`` verifiers may verify at ``cost``; when the cheat is caught every verifier gains
``benefit`` (``benefit > cost > 0``). In the language of the seed's series: the members of
a circle who could each check a suspicious withdrawal, and each hope another does.

Closed forms the tests hold the derivation against (Diekmann 1985): the pure equilibria are
the profiles in which exactly one member verifies; the symmetric mixed equilibrium verifies
with probability ``p = 1 - (cost/benefit)^(1/(members-1))``, and the chance that nobody
verifies, ``(cost/benefit)^(members/(members-1))``, grows with the number of members (the
bystander effect).

Written as a population of identical members: the theory derives a member's payoff through
counts (how many others verify), so any number of members costs the same.
"""

from __future__ import annotations

from theory.model import Mechanism, Model, Parameter, Player, StateVariable, where


def caught(a):
    """1 when at least one member verifies."""
    return where(a.verifiers.count("verify") >= 1, 1, 0)


MODEL = Model(
    name="volunteers",
    title="The volunteer's dilemma of n verifiers",
    summary=(
        "Each of n members may verify a cheat at a cost; one verification catches it, and "
        "then every member gains the benefit. Who volunteers?"
    ),
    parameters=(
        Parameter(
            "members",
            "5",
            "number of verifiers n",
            "members",
            lower="2",
            upper="100000",
            integer=True,
        ),
        Parameter(
            "benefit", "2", "each member's gain when the cheat is caught", "value", lower_open=True
        ),
        Parameter("cost", "1", "a verifier's cost of verifying", "value", lower_open=True),
        Parameter("theta", "0", "ROI hurdle of the adaptive policies", "1", role="policy"),
    ),
    state=(
        StateVariable("Verifies", False, "the member verifies", "bool", per_member="verifiers"),
        StateVariable("Caught", 0, "the cheat was caught this round", "0/1"),
        StateVariable(
            "Verifier_Reward",
            0,
            "each member's gain this round",
            "value",
            per_member="verifiers",
        ),
        StateVariable(
            "Verifier_Cost", 0, "each member's cost this round", "value", per_member="verifiers"
        ),
    ),
    players=(
        Player(
            "verifiers",
            ("verify", "idle"),
            "Verifies",
            reward=lambda p, s: s.Verifier_Reward,
            cost=lambda p, s: s.Verifier_Cost,
            reward_text="benefit when at least one member verifies",
            cost_text="cost when verifying",
            population="members",
        ),
    ),
    blocks=(
        (
            Mechanism("Caught", lambda p, s, a: caught(a), "1 if anyone verifies"),
            Mechanism(
                "Verifier_Reward",
                lambda p, s, a: p.benefit * caught(a),
                "benefit if anyone verifies (every member)",
            ),
            Mechanism(
                "Verifier_Cost",
                lambda p, s, a: where(a.verifiers.verify, p.cost, 0),
                "cost if the member verifies",
            ),
        ),
    ),
    key_parameters=("cost", "benefit"),
    regime_axes=("cost", "members"),
    default_policy="roi",
    default_steps=200,
    source="Diekmann (1985)",
)
