"""What learning dynamics predict on a 2x2 stage game (docs/domain.md section 3).

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
from typing import Any

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

    return [(p, col(p)) for p in bracketed_roots(f, 4001)]


def bracketed_roots(f: Any, points: int) -> list[float]:
    """Every root of ``f`` on [0, 1]: sign changes on a grid of ``points``, each bisected
    to machine precision (a root exactly on the grid counts once).

    Examples
    --------
    >>> [round(r, 6) for r in bracketed_roots(lambda x: (x - 0.25) * (x - 0.7), 101)]
    [0.25, 0.7]
    """
    grid = np.linspace(0.0, 1.0, points)
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
    return roots


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


# ---------------------------------------------------------------------------------------
# Beyond 2 x 2: predictions for m actions, n players and populations
# ---------------------------------------------------------------------------------------


def hurdle_arrays(game: StageGame, values: Mapping[str, object], hurdle: bool = True) -> tuple:
    """Exact payoff arrays ``R - (1 + theta) C`` of any single-player game at a point
    (``R - C`` when ``hurdle`` is False or the model has no ``theta``)."""
    sub = game.substitution(values)
    theta = game.model.symbols.get("theta")
    factor = 1 + (sub[theta] if theta is not None and hurdle else 0)
    return tuple((game.reward[k] - factor * game.cost[k]).subs(sub) for k in range(game.n_players))


def _softmax(v: np.ndarray, lam: float) -> np.ndarray:
    z = (v - v.max()) / lam
    e = np.exp(z)
    return e / e.sum()


def logit_qre_bimatrix(
    A: np.ndarray, B: np.ndarray, lam_row: float, lam_col: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Logit quantal response equilibria of an m x n game with a noise per player (in
    payoff units): ``x = softmax(A y / lam_row)``, ``y = softmax(B^T x / lam_col)``
    (McKelvey and Palfrey 1995).

    2 x 2 games are solved by bracketing every root (:func:`logit_qre`, with the column
    player's noise rescaled); larger games from a grid of starts with a root finder, each
    solution kept when its residual is below 1e-12.

    Examples
    --------
    >>> A = np.array([[1., -1.], [-3., 0.]]); B = np.array([[-4., 0.], [1., 0.]])
    >>> ((x, y),) = logit_qre_bimatrix(A, B, 1e-3, 1e-3)
    >>> round(float(x[0]), 3), round(float(y[0]), 3)
    (0.2, 0.2)
    """
    from scipy.optimize import root

    A = np.asarray(A, float)
    B = np.asarray(B, float)
    if not (lam_row > 0 and lam_col > 0):
        raise ValueError("logit noise must be positive")
    m, n = A.shape
    if (m, n) == (2, 2):
        sols = logit_qre(A / lam_row, B / lam_col, 1.0)
        return [(np.array([p, 1 - p]), np.array([q, 1 - q])) for p, q in sols]

    def residual(z: np.ndarray) -> np.ndarray:
        x = _softmax(np.concatenate([[0.0], z[: m - 1]]), 1.0)
        y = _softmax(np.concatenate([[0.0], z[m - 1 :]]), 1.0)
        bx = _softmax(A @ y, lam_row)
        by = _softmax(B.T @ x, lam_col)
        return np.concatenate([x[1:] - bx[1:], y[1:] - by[1:]])

    found: list[tuple[np.ndarray, np.ndarray]] = []
    rng = np.random.default_rng(0)  # deterministic starts, not the global generator
    starts = [np.zeros(m + n - 2)] + [rng.normal(0, 3, m + n - 2) for _ in range(40)]
    for z0 in starts:
        sol = root(residual, z0, method="hybr", tol=1e-14)
        if not np.all(np.abs(residual(sol.x)) < 1e-12):
            continue
        x = _softmax(np.concatenate([[0.0], sol.x[: m - 1]]), 1.0)
        y = _softmax(np.concatenate([[0.0], sol.x[m - 1 :]]), 1.0)
        if not any(np.allclose(x, u, atol=1e-8) and np.allclose(y, v, atol=1e-8) for u, v in found):
            found.append((x, y))
    return found


def population_qre(gains: np.ndarray, lam: float) -> list[float]:
    """Symmetric logit QRE of a population with two actions: ``p = L(E[D(k)] / lam)`` for
    ``k ~ Binomial(n - 1, p)``, ``gains[k] = D(k)`` for ``k = 0 .. n - 1``; every root in
    [0, 1], bracketed on a fine grid and bisected.

    Examples
    --------
    >>> [round(p, 4) for p in population_qre(np.array([1.0, -1.0]), 1e-4)]
    [0.5]
    """
    from scipy.stats import binom

    n1 = len(gains) - 1
    ks = np.arange(n1 + 1)

    def f(p: float) -> float:
        mean = float(np.dot(binom.pmf(ks, n1, p), gains))
        return _logistic(mean / lam) - p

    return bracketed_roots(f, 2001)


def best_response_path(arrays: tuple[np.ndarray, ...], start: tuple[int, ...]) -> tuple[list, int]:
    """Simultaneous myopic best response in an n-player game: each player plays the best
    reply to the others' last actions (ties to its last action index, the simulated
    agents' rule). Returns ``(cycle of profiles, period)``.

    Examples
    --------
    >>> A = np.array([[1., -1.], [-3., 0.]]); B = np.array([[-4., 0.], [1., 0.]])
    >>> best_response_path((A, B), (1, 1))[1]
    4
    """
    seen: dict[tuple[int, ...], int] = {}
    path: list[tuple[int, ...]] = []
    prof = tuple(start)
    n = len(arrays)
    while prof not in seen:
        seen[prof] = len(path)
        path.append(prof)
        nxt = []
        for k in range(n):
            idx: list[Any] = list(prof)
            idx[k] = slice(None)
            v = np.asarray(arrays[k], float)[tuple(idx)]
            best = len(v) - 1 - int(np.argmax(v[::-1]))
            nxt.append(best)
        prof = tuple(nxt)
    cycle = path[seen[prof] :]
    return cycle, len(cycle)


def ema_frequencies(
    arrays: tuple[np.ndarray, ...], start: tuple[int, ...], memory: float, steps: int = 20_000
) -> tuple[tuple[float, ...], ...]:
    """Long-run action frequencies of best response to exponentially weighted beliefs.

    Each player holds independent beliefs ``q_j`` about every other player's action and
    plays a best reply to them (ties to the last action index, the simulated agents'
    rule); after each step ``q_j <- q_j + memory (e(a_j) - q_j)``, and beliefs start at
    the others' ``start`` actions. Unlike fictitious play's running average, a constant
    weight forgets: around a mixed equilibrium the play settles on a cycle whose
    frequencies need not be the equilibrium's (Fudenberg and Levine, *The Theory of
    Learning in Games*, 1998, section 2.6, on weighted fictitious play). The map is
    stepped ``steps`` times and the second half averaged.

    Examples
    --------
    The mixed equilibrium of this game is (1/2, 1/3) for the first action of each player;
    a long memory approaches it, a short one does not:

    >>> A = np.array([[2., 0.], [0., 1.]]); B = np.array([[0., 1.], [1., 0.]])
    >>> [round(v[0], 3) for v in ema_frequencies((A, B), (0, 0), 0.5, 2000)]
    [0.6, 0.4]
    >>> [round(v[0], 3) for v in ema_frequencies((A, B), (0, 0), 0.01)]
    [0.517, 0.336]
    """
    n = len(arrays)
    sizes = np.shape(arrays[0])
    beliefs = {(k, j): np.eye(sizes[j])[start[j]] for k in range(n) for j in range(n) if j != k}
    counts = [np.zeros(m) for m in sizes]
    prof = list(start)
    for t in range(steps):
        nxt = []
        for k in range(n):
            v = np.moveaxis(np.asarray(arrays[k], float), k, 0)
            for j in reversed([j for j in range(n) if j != k]):
                v = v @ beliefs[(k, j)]  # the last axis is the last other player's
            nxt.append(len(v) - 1 - int(np.argmax(v[::-1])))
        prof = nxt
        for (k, j), q in beliefs.items():
            beliefs[(k, j)] = q + memory * (np.eye(sizes[j])[prof[j]] - q)
        if t >= steps // 2:
            for k in range(n):
                counts[k][prof[k]] += 1
    return tuple(tuple(float(x) for x in c / c.sum()) for c in counts)
