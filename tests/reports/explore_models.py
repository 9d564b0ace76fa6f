"""Models a user writes in their own files, for the explorer's tests: three single players
(an n-player game) and a population whose symmetric equilibrium has no closed form.

``THREE``: three verifiers with their own costs; a cheat is caught when at least one
verifies (the volunteer's dilemma with asymmetric costs; Diekmann 1985). ``PAIR``: a cheat is
caught only when two or more members verify, so the indifference condition
``benefit (n - 1) p (1 - p)^(n - 2) = cost`` has no closed form in ``p`` and zero, one or two
roots in (0, 1).
"""

THREE = '''
"""Three verifiers with their own costs: a cheat is caught when at least one verifies."""

from theory.model import Mechanism, Model, Parameter, Player, StateVariable, where

NAMES = ("alice", "bob", "carol")


def caught(a):
    return where(a.alice.verify, 1, where(a.bob.verify, 1, where(a.carol.verify, 1, 0)))


def payoff(name):
    def fn(p, s, a):
        own = getattr(a, name).verify
        return p.benefit * caught(a) - where(own, getattr(p, "cost_" + name), 0)

    return fn


def cost(name, default):
    return Parameter("cost_" + name, default, name + "'s cost", "value", lower_open=True)


MODEL = Model(
    name="three-verifiers",
    title="Three verifiers with their own costs",
    summary="Each of three verifiers may verify at its own cost; one verification is enough.",
    parameters=(
        Parameter("benefit", "2", "each one's gain when the cheat is caught", lower_open=True),
        cost("alice", "1"),
        cost("bob", "1.5"),
        cost("carol", "3"),
    ),
    state=tuple(StateVariable(n + "_verifies", True, "verifies") for n in NAMES)
    + tuple(StateVariable("U_" + n, 0, "payoff") for n in NAMES),
    players=tuple(
        Player(
            n,
            ("verify", "idle"),
            n + "_verifies",
            reward=lambda p, s, n=n: getattr(s, "U_" + n),
            cost=lambda p, s: 0,
        )
        for n in NAMES
    ),
    blocks=(tuple(Mechanism("U_" + n, payoff(n)) for n in NAMES),),
)
'''

PAIR = '''
"""A cheat is caught only when at least two members verify."""

from theory.model import Mechanism, Model, Parameter, Player, StateVariable, where


def caught(a):
    return where(a.verifiers.count("verify") >= 2, 1, 0)


MODEL = Model(
    name="pair-verifiers",
    title="Two verifications needed",
    summary="Each member may verify at a cost; the cheat is caught when two or more verify.",
    parameters=(
        Parameter("members", "4", "verifiers n", "members", lower="2", upper="1000", integer=True),
        Parameter("benefit", "3", "each one's gain when the cheat is caught", lower_open=True),
        Parameter("cost", "1", "a verifier's cost", "value", lower_open=True),
    ),
    state=(
        StateVariable("Verifies", False, "verifies", "bool", per_member="verifiers"),
        StateVariable("Reward", 0, "gain", "value", per_member="verifiers"),
        StateVariable("Cost", 0, "cost", "value", per_member="verifiers"),
    ),
    players=(
        Player(
            "verifiers",
            ("verify", "idle"),
            "Verifies",
            reward=lambda p, s: s.Reward,
            cost=lambda p, s: s.Cost,
            population="members",
        ),
    ),
    blocks=(
        (
            Mechanism("Reward", lambda p, s, a: p.benefit * caught(a)),
            Mechanism("Cost", lambda p, s, a: where(a.verifiers.verify, p.cost, 0)),
        ),
    ),
)
'''
