"""What learning dynamics predict on a 2x2 stage game (DOMAIN.md section 3).

* The hurdle game: adaptive players act iff reward > (1 + theta) x cost, i.e. they best
  respond in the game with payoffs ``R - (1 + theta) C``; fictitious play and its
  exponentially weighted variant are predicted to approach its Nash equilibria in time
  average (Brown 1951; Robinson 1951; Miyasawa 1961 for non-degenerate 2x2 games).
* Simultaneous myopic best response: a deterministic map on pure profiles whose cycle
  (period 4 in inspection games) and time-average frequencies are computed exactly.
* Two-population replicator dynamics ``x' = x(1-x) D_row(y)``, ``y' = y(1-y) D_col(x)`` with
  its constant of motion ``H`` (Hofbauer and Sigmund, *Evolutionary Games and Population
  Dynamics*, 1998, ch. 10): closed orbits around an interior equilibrium.
* Smooth (logit) fictitious play rests at the logit quantal response equilibrium
  (McKelvey and Palfrey 1995), which tends to the Nash equilibrium as noise vanishes.

Probabilities are those of each player's action 0 ("acting").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

import numpy as np
import sympy as sp

from theory.payoffs import StageGame


def hurdle_game(game: StageGame, values: Mapping[str, object]) -> tuple[sp.Matrix, sp.Matrix]:
    """Exact payoffs ``R - (1 + theta) C`` at a point (the plain payoffs when the model has
    no ``theta`` or theta is 0).

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.payoffs import stage_game
    >>> m = get_model("rosca-v2")
    >>> hurdle_game(stage_game(m), m.defaults())[1]
    Matrix([
    [435, 0],
    [600, 0]])
    """
    sub = game.substitution(values)
    theta = game.model.symbols.get("theta")
    factor = 1 + (sub[theta] if theta is not None else 0)
    return tuple(
        (game.reward[k] - factor * game.cost[k]).subs(sub).applyfunc(sp.Rational) for k in range(2)
    )


def _gains(A: np.ndarray, B: np.ndarray) -> tuple[float, float, float, float]:
    """``D_row(q) = a + b q``: row's gain from acting when the column acts w.p. ``q``;
    ``D_col(p) = c + d p`` likewise."""
    a = A[0, 1] - A[1, 1]
    b = (A[0, 0] - A[1, 0]) - a
    c = B[1, 0] - B[1, 1]
    d = (B[0, 0] - B[0, 1]) - c
    return float(a), float(b), float(c), float(d)


def best_response_cycle(
    A: np.ndarray, B: np.ndarray, start: tuple[bool, bool]
) -> tuple[list[tuple[bool, bool]], int]:
    """The cycle simultaneous myopic best response enters from ``start``.

    Each player acts iff acting pays strictly more against the opponent's last action.
    Returns ``(cycle of profiles, period)``.

    Examples
    --------
    >>> A = np.array([[1., -1.], [-3., 0.]]); B = np.array([[-4., 0.], [1., 0.]])
    >>> cycle, period = best_response_cycle(A, B, (False, False))
    >>> period
    4
    """
    a, b, c, d = _gains(np.asarray(A, float), np.asarray(B, float))
    seen: dict[tuple[bool, bool], int] = {}
    path: list[tuple[bool, bool]] = []
    prof = start
    while prof not in seen:
        seen[prof] = len(path)
        path.append(prof)
        row = a + b * float(prof[1]) > 0
        col = c + d * float(prof[0]) > 0
        prof = (row, col)
    cycle = path[seen[prof] :]
    return cycle, len(cycle)


def cycle_frequencies(cycle: list[tuple[bool, bool]]) -> tuple[Fraction, Fraction]:
    """Each player's frequency of acting over one period of a cycle."""
    n = len(cycle)
    return (Fraction(sum(r for r, _ in cycle), n), Fraction(sum(c for _, c in cycle), n))


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def logit_qre(A: np.ndarray, B: np.ndarray, lam: float) -> list[tuple[float, float]]:
    """Every logit QRE with noise ``lam`` (in payoff units) of a 2x2 game.

    Solves ``p = L(D_row(q) / lam)``, ``q = L(D_col(p) / lam)`` by bracketing the roots of
    the composite map on a fine grid and bisecting each.

    Examples
    --------
    >>> A = np.array([[1., -1.], [-3., 0.]]); B = np.array([[-4., 0.], [1., 0.]])
    >>> [(round(p, 3), round(q, 3)) for p, q in logit_qre(A, B, 1e-3)]
    [(0.2, 0.2)]
    """
    if not lam > 0:
        raise ValueError("logit noise must be positive")
    a, b, c, d = _gains(np.asarray(A, float), np.asarray(B, float))

    def col(p: float) -> float:
        return _logistic((c + d * p) / lam)

    def f(p: float) -> float:
        return _logistic((a + b * col(p)) / lam) - p

    grid = np.linspace(0.0, 1.0, 4001)
    vals = [f(float(x)) for x in grid]
    roots = []
    for x0, x1, f0, f1 in zip(grid[:-1], grid[1:], vals[:-1], vals[1:]):
        if f0 == 0:
            roots.append(float(x0))
        elif f0 * f1 < 0:
            lo, hi, flo = float(x0), float(x1), f0
            for _ in range(80):
                mid = 0.5 * (lo + hi)
                fm = f(mid)
                if (fm < 0) == (flo < 0):
                    lo, flo = mid, fm
                else:
                    hi = mid
            roots.append(0.5 * (lo + hi))
    if vals[-1] == 0:
        roots.append(1.0)
    return [(p, col(p)) for p in roots]


def replicator(game: StageGame) -> tuple[sp.Symbol, sp.Symbol, sp.Expr, sp.Expr, sp.Expr]:
    """Two-population replicator dynamics of the stage game and its constant of motion.

    Returns ``(x, y, x', y', H)`` with ``x``, ``y`` the row and column players' probability
    of acting and ``H = c ln x - (c + d) ln(1 - x) - a ln y + (a + b) ln(1 - y)`` for
    ``D_row(y) = a + b y`` and ``D_col(x) = c + d x``, so that ``dH/dt = 0``.
    """
    A, B = game.payoff
    x, y = sp.symbols("x y", positive=True)
    a = A[0, 1] - A[1, 1]
    b = (A[0, 0] - A[1, 0]) - a
    c = B[1, 0] - B[1, 1]
    d = (B[0, 0] - B[0, 1]) - c
    xdot = x * (1 - x) * (a + b * y)
    ydot = y * (1 - y) * (c + d * x)
    H = c * sp.log(x) - (c + d) * sp.log(1 - x) - a * sp.log(y) + (a + b) * sp.log(1 - y)
    return x, y, sp.expand(xdot), sp.expand(ydot), H
