"""Populations whose gain ``D(k)`` changes with every count of others, not only at a few
special counts: a bounty shared among the verifiers (``D(k) = b/(k + 1) - c``, rational in
``k``) and a crowded verification (``D(k) = b - c - w k``, polynomial). The analysis is held
against the counts computed here directly from the closed forms, on fractions."""

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from theory.analysis import analyse
from theory.model import Mechanism, Model, Parameter, Player, StateVariable, where


def population(name, share):
    """A population of verifiers; ``share(p, a)`` is a verifier's gross reward."""
    return Model(
        name=name,
        title=name,
        summary="verifiers whose reward depends on how many verify",
        parameters=(
            Parameter(
                "members", "6", "verifiers", "members", lower="2", upper="100000", integer=True
            ),
            Parameter("bounty", "6", "the bounty", "value", lower_open=True),
            Parameter("cost", "1", "cost of verifying", "value", lower_open=True),
            Parameter("crowd", "1", "loss per other verifier", "value", lower="0"),
        ),
        state=(
            StateVariable("Verifies", False, "verifies", "bool", per_member="verifiers"),
            StateVariable("R", 0, "reward", "value", per_member="verifiers"),
            StateVariable("C", 0, "cost", "value", per_member="verifiers"),
        ),
        players=(
            Player(
                "verifiers",
                ("verify", "idle"),
                "Verifies",
                reward=lambda p, s: s.R,
                cost=lambda p, s: s.C,
                population="members",
            ),
        ),
        blocks=(
            (
                Mechanism("R", lambda p, s, a: where(a.verifiers.verify, share(p, a), 0), "reward"),
                Mechanism("C", lambda p, s, a: where(a.verifiers.verify, p.cost, 0), "cost"),
            ),
        ),
        key_parameters=("cost", "bounty"),
    )


BOUNTY = population("bounty", lambda p, a: p.bounty / a.verifiers.count("verify"))
CROWDED = population("crowded", lambda p, a: p.bounty - p.crowd * (a.verifiers.count("verify") - 1))


def gain(model, v, k):
    """D(k): verifying minus idling with k others verifying, from the closed form."""
    if model is BOUNTY:
        return v["bounty"] / (k + 1) - v["cost"]
    return v["bounty"] - v["crowd"] * k - v["cost"]


def counts(model, v):
    n = v["members"]
    return [
        K
        for K in range(n + 1)
        if (K == 0 or gain(model, v, K - 1) >= 0) and (K == n or gain(model, v, K) <= 0)
    ]


@given(
    model=st.sampled_from([BOUNTY, CROWDED]),
    n=st.sampled_from([2, 3, 5, 8, 40, 300]),
    bounty=st.fractions(F(1, 2), 30, max_denominator=4),
    cost=st.fractions(F(1, 4), 5, max_denominator=4),
    crowd=st.fractions(0, 3, max_denominator=4),
)
def test_counts_against_the_closed_form(model, n, bounty, cost, crowd):
    v = {"members": n, "bounty": bounty, "cost": cost, "crowd": crowd}
    a = analyse(model, v)
    want = counts(model, v)
    pure = [e for e in a.equilibria if e.kind == "pure"]
    got = sorted(round(e.strategies[0][0] * n) for e in pure)
    if len(want) <= 20:
        assert got == want
    else:
        assert got == [want[0], want[-1]]
    assert a.agree, a.notes  # the symbolic candidates, and the expanded game up to 5 members
    for e in pure:  # every count is named by a candidate written for that count
        assert e.candidate is not None
        assert all("K" not in str(c) for c in e.candidate.conditions)


def test_a_shared_bounty_at_a_large_circle():
    v = {"members": 500, "bounty": F(6), "cost": F(1), "crowd": F(0)}
    a = analyse(BOUNTY, v)
    assert [e.label for e in a.equilibria if e.kind == "pure"] == [
        "(5 verify, 495 idle)",
        "(6 verify, 494 idle)",
    ]
    assert a.agree


def test_a_gain_that_divides_by_zero_is_named():
    bad = population("bad", lambda p, a: p.bounty / (a.verifiers.count("verify") - 2))
    with pytest.raises(ValueError, match="divides by zero"):
        analyse(bad, {"members": 4, "bounty": F(1), "cost": F(1), "crowd": F(0)})


def test_numeric_symmetric_roots_match_the_exact_ones():
    """Above EXACT_DEGREE the symmetric equilibrium is found by bisection; on a circle small
    enough for exact roots both give the same value."""
    import sympy as sp

    from theory.symmetric import P, _numeric_roots

    n = 40
    v = {"members": n, "bounty": F(7, 2), "cost": F(1, 2), "crowd": F(0)}
    D = [gain(BOUNTY, v, k) for k in range(n)]
    f = sum(D[j] * sp.binomial(n - 1, j) * P**j * (1 - P) ** (n - 1 - j) for j in range(n))
    exact = [r for r in sp.Poly(sp.expand(f), P).real_roots() if 0 < r < 1]
    numeric = _numeric_roots(D, n)
    assert len(exact) == len(numeric) == 1
    assert abs(sp.N(exact[0], 40) - numeric[0]) < sp.Float("1e-25")
    (sym,) = [e for e in analyse(BOUNTY, v | {"members": 300}).equilibria if e.kind != "pure"]
    assert 0 < sym.strategies[0][0] < 1


@pytest.mark.parametrize("n", [2000, 20000])
def test_a_symmetric_root_near_zero_in_a_large_circle(n):
    """With a bounty b shared among k + 1 verifiers, E[1/(k + 1)] = (1 - (1-p)^n) / (n p)
    for k ~ Binomial(n - 1, p), so the symmetric equilibrium solves
    b (1 - (1-p)^n) = c n p: here p is about 6/n, far below any fixed grid's first point."""
    import mpmath

    v = {"members": n, "bounty": F(6), "cost": F(1), "crowd": F(0)}
    (sym,) = [e for e in analyse(BOUNTY, v).equilibria if e.kind == "symmetric"]
    mpmath.mp.dps = 30
    want = mpmath.findroot(lambda p: 6 * (1 - (1 - p) ** n) - n * p, 5.9 / n)
    assert abs(float(sym.strategies[0][0]) - float(want)) < 1e-12 * float(want)
