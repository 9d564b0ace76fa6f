"""The seed's game: cheating strictly dominant, and the penalty threshold that changes it."""

import pytest
import sympy as sp

from theory.analysis import analyse
from theory.models import get_model
from theory.payoffs import stage_game

M = get_model("rosca-v2")


def test_payoffs_at_the_seed_point_by_hand():
    """Hand-computed from the seed's functions: cheat volume 0.2 x 3000 = 600."""
    A, B = stage_game(M).at(M.defaults())
    assert A == sp.Matrix([[sp.Rational(2, 5) - 600, sp.Rational(2, 5)], [0, 0]])
    # cheat & caught: 1 x 600 - 0.25 x 600 = 450; cheat & not caught: 600
    assert B == sp.Matrix([[450, 0], [600, 0]])


def test_seed_parameters_make_cheating_strictly_dominant():
    a = analyse(M)
    assert "cheat strictly dominates honest for the cheater" in a.dominant
    assert a.regime == "(withhold, cheat)"
    assert a.agree and not a.degenerate


def test_threshold_on_delta_against_gamma():
    a = analyse(M)
    t = [t for t in a.thresholds if t.parameter == "delta" and t.against == "contribute"]
    assert len(t) == 1
    assert t[0].expression == M.symbols["gamma"]
    assert t[0].value == 1.0 and t[0].above == "honest" and t[0].below == "cheat"
    # the dominance condition itself is delta < gamma
    sym = a.symbolic
    d = [d for d in sym.dominance if d.player == 1 and d.better == 0][0]
    assert [str(c) for c in d.strict] == ["delta < gamma"]


@pytest.mark.parametrize(
    "delta,regime",
    [
        ("0.99", "(withhold, cheat)"),
        ("1", "degenerate: (contribute, honest) + (withhold, cheat) + mixed"),
        ("1.5", "(contribute, honest) + (withhold, cheat) + mixed"),
    ],
)
def test_regimes_across_the_threshold(delta, regime):
    a = analyse(M, {"delta": delta})
    assert a.regime == regime
    assert a.agree


def test_honesty_equilibrium_mixed_closed_form():
    """Above the threshold the mixed equilibrium has P(contribute) = gamma/delta."""
    a = analyse(M, {"delta": "2"})
    mixed = [e for e in a.equilibria if e.kind == "mixed"][0]
    assert mixed.row[0] == sp.Rational(1, 2)
    assert mixed.col[0] == sp.Rational(2, 5) / 600
