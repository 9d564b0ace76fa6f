"""The verifier's dilemma as a stage game: a held profile's steady state."""

import sympy as sp

from theory.analysis import analyse
from theory.models import get_model
from theory.payoffs import stage_game

M = get_model("verifiers-dilemma")


def test_stage_steps_reach_the_steady_state():
    """Holding a profile one step longer changes no payoff (with epsilon = 1)."""
    import dataclasses

    longer = dataclasses.replace(M, stage_steps=M.stage_steps + 1)
    eps = M.symbols["epsilon"]
    for k in range(2):
        a = stage_game(M).payoff[k].subs(eps, 1)
        b = stage_game(longer).payoff[k].subs(eps, 1)
        assert (a - b).applyfunc(sp.simplify) == sp.zeros(2, 2)


def test_mixed_equilibrium_of_the_demo():
    """P(verify) = gamma/delta = 0.2; P(cheat) = alfa/(beta zeta) = 1/800."""
    a = analyse(M)
    (e,) = a.equilibria
    assert e.kind == "mixed"
    assert e.row == (sp.Rational(1, 5), sp.Rational(4, 5))
    assert e.col == (sp.Rational(1, 800), sp.Rational(799, 800))
    assert a.agree
