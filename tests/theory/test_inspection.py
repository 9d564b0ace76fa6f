"""The inspection game's closed forms (docs/domain.md section 3), derived and checked."""

from fractions import Fraction

import nashpy as nash
import numpy as np
import pytest
import sympy as sp

from theory.analysis import analyse
from theory.equilibria import analyse_symbolic
from theory.models import get_model
from theory.payoffs import stage_game

M = get_model("inspection")
G, P, R, L, C = (M.symbols[k] for k in "GPRLC")


def test_payoffs_derived_from_the_mechanisms():
    g = stage_game(M)
    assert g.payoff[0] == sp.Matrix([[R - C, -C], [-L, 0]])
    assert g.payoff[1] == sp.Matrix([[-P, 0], [G, 0]])


def test_mixed_equilibrium_closed_form():
    """P(verify) = G/(G+P) and P(cheat) = C/(R+L), symbolically."""
    a = analyse_symbolic(stage_game(M))
    mixed = [e for e in a.equilibria if e.kind == "mixed"]
    assert len(mixed) == 1
    e = mixed[0]
    assert sp.simplify(e.row[0] - G / (G + P)) == 0
    assert sp.simplify(e.col[0] - C / (R + L)) == 0
    # existence: R + L > C and P > 0
    assert set(map(str, e.conditions)) >= {"L + R > C", "P > 0"}


def test_tsebelis_paradox():
    """The cheating rate does not depend on the penalty; the verification rate does."""
    e = [e for e in analyse_symbolic(stage_game(M)).equilibria if e.kind == "mixed"][0]
    assert sp.diff(e.col[0], P) == 0
    assert sp.diff(e.row[0], P) != 0


@pytest.mark.parametrize("g,p,r,l,c", [(1, 4, 2, 3, 1), (3, 1, 1, 1, 1), ("0.5", "2.5", 0, 4, 3)])
def test_closed_form_against_nashpy(g, p, r, l, c):
    vals = dict(G=g, P=p, R=r, L=l, C=c)
    a = analyse(M, vals)
    f = {k: Fraction(str(v)) for k, v in vals.items()}
    y = f["G"] / (f["G"] + f["P"])
    x = f["C"] / (f["R"] + f["L"])
    assert a.regime == "mixed" and not a.degenerate and a.agree
    (e,) = a.equilibria
    assert e.row == (y, 1 - y) and e.col == (x, 1 - x)
    A = np.array([[float(f["R"] - f["C"]), -float(f["C"])], [-float(f["L"]), 0.0]])
    B = np.array([[-float(f["P"]), 0.0], [float(f["G"]), 0.0]])
    (ne,) = list(nash.Game(A, B).support_enumeration())
    np.testing.assert_allclose(ne[0], [float(y), float(1 - y)])
    np.testing.assert_allclose(ne[1], [float(x), float(1 - x)])


def test_no_mixed_equilibrium_when_inspection_is_too_costly():
    a = analyse(M, dict(C=6))  # R + L = 5 < C: skipping dominates, cheat
    assert a.regime == "(skip, cheat)"
    assert "skip strictly dominates verify for the verifier" in a.dominant


def test_zero_penalty_makes_cheating_weakly_dominant_and_the_game_degenerate():
    a = analyse(M, dict(P=0))
    assert a.degenerate
    sym = analyse_symbolic(stage_game(M))
    d = [d for d in sym.dominance if d.player == 1 and d.better == 0][0]
    pt = stage_game(M).substitution(a.values)
    assert bool(d.weak.subs(pt)) is True
    assert a.exact.continua  # a segment of equilibria: (verify, cheat) ... (mixed verify, cheat)
