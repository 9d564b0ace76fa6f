"""Property tests over random parameter points of every shipped model (docs/design.md rule 11).

For every point: every reported equilibrium is a best-response pair (checked exactly, in
rationals, by code independent of the enumeration); the symbolic, exact and nashpy
answers agree; every nashpy profile has zero regret; and the extreme equilibria of an
independent exact solver (pygambit's ``enummixed_solve``) are exactly ours. pygambit is
optional: without it only that last comparison is skipped.
"""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given

from tests.strategies import points
from tests.theory.oracles import gambit_extreme, gbt, is_best_response_pair
from theory.analysis import analyse
from theory.models import MODELS
from theory.numeric import regret

# bimatrix games; the other kinds are held against pygambit in test_general_games.py
TWO_PLAYER = sorted(k for k, m in MODELS.items() if m.kind == "two-player")


def exact_payoffs(a):
    A_s, B_s = a.payoffs_exact
    m, n = A_s.shape
    A = [[Fraction(str(A_s[i, j])) for j in range(n)] for i in range(m)]
    B = [[Fraction(str(B_s[i, j])) for j in range(n)] for i in range(m)]
    return A, B


@pytest.mark.parametrize("name", TWO_PLAYER)
def test_every_point(name):
    model = MODELS[name]

    @given(points(model))
    def check(values):
        a = analyse(model, values)
        A, B = exact_payoffs(a)
        assert a.equilibria, "every finite game has an equilibrium"
        for e in a.equilibria:
            assert is_best_response_pair(A, B, e.row, e.col)
            assert sum(e.row) == 1 and sum(e.col) == 1
        point = a.game.substitution(a.values)
        for s in a.symbolic.existing_at(point):
            x, y = s.value_at(point)
            assert is_best_response_pair(
                A, B, [Fraction(str(v)) for v in x], [Fraction(str(v)) for v in y]
            )
        assert a.agree, a.notes
        An = np.array(A, dtype=float)
        Bn = np.array(B, dtype=float)
        for e in a.numeric.equilibria:
            assert regret(An, Bn, np.array(e.row), np.array(e.col)) <= 1e-9 * max(
                1.0, float(np.abs(An).max()), float(np.abs(Bn).max())
            )
        if not a.degenerate:
            assert len(a.equilibria) == len(a.symbolic.existing_at(point))
            assert len(a.equilibria) % 2 == 1  # the oddness theorem (Wilson 1971)

    check()


@pytest.mark.skipif(gbt is None, reason="pygambit, the exact oracle, is not installed")
@pytest.mark.parametrize("name", TWO_PLAYER)
def test_an_independent_exact_solver_finds_our_extreme_equilibria(name):
    model = MODELS[name]

    @given(points(model))
    def check(values):
        a = analyse(model, values)
        assert gambit_extreme(*exact_payoffs(a)) == set(a.exact.extreme)

    check()
