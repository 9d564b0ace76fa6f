"""Symbolic equilibrium conditions of a two-player finite game by support enumeration.

For every pair of supports ``(I, J)`` of equal size the indifference equations are solved
exactly (Nisan, Roughgarden, Tardos and Vazirani, *Algorithmic Game Theory*, 2007, ch. 3;
the same enumeration as nashpy's ``support_enumeration``, here over symbols): the column
mix ``y`` on ``J`` makes the row player indifferent over ``I``, the row mix ``x`` on ``I``
makes the column player indifferent over ``J``. The profile is an equilibrium exactly
where the system is regular, the probabilities are positive, and no action outside a
support pays more: those are its existence conditions, inequalities in the parameters.

Equal-size supports find every equilibrium of a non-degenerate game. Degenerate games
(where a condition holds with equality) can have continua; their loci are reported
(:attr:`SymbolicAnalysis.degenerate_loci`) and the continua themselves are computed at a
point by the exact vertex enumeration of :mod:`theory.vertices`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from itertools import combinations

import sympy as sp

from theory.conditions import holds, sign_condition
from theory.payoffs import StageGame


@dataclass(frozen=True, eq=False)
class SymbolicEquilibrium:
    """An equilibrium candidate as closed forms, with the conditions under which it exists."""

    row_support: tuple[int, ...]
    col_support: tuple[int, ...]
    row: tuple[sp.Expr, ...]
    col: tuple[sp.Expr, ...]
    conditions: tuple[sp.Basic, ...]

    @property
    def kind(self) -> str:
        return "pure" if len(self.row_support) == 1 else "mixed"

    def exists_at(self, point: Mapping[sp.Symbol, sp.Expr]) -> bool:
        return all(holds(c, point) for c in self.conditions)

    def value_at(self, point: Mapping[sp.Symbol, sp.Expr]) -> tuple[tuple[sp.Rational, ...], ...]:
        return (
            tuple(sp.Rational(v.subs(point)) for v in self.row),
            tuple(sp.Rational(v.subs(point)) for v in self.col),
        )

    def label(self, actions: tuple[tuple[str, ...], tuple[str, ...]]) -> str:
        if self.kind == "pure":
            return f"({actions[0][self.row_support[0]]}, {actions[1][self.col_support[0]]})"
        return "mixed"


@dataclass(frozen=True, eq=False)
class Dominance:
    """Conditions under which ``player`` 's action ``better`` dominates ``worse``."""

    player: int
    better: int
    worse: int
    strict: tuple[sp.Basic, ...]
    weak: sp.Basic

    def strictly_at(self, point: Mapping[sp.Symbol, sp.Expr]) -> bool:
        return all(holds(c, point) for c in self.strict)


@dataclass(frozen=True, eq=False)
class SymbolicAnalysis:
    """Every support pair's closed form and conditions, the dominance conditions and the
    degenerate loci of a stage game."""

    game: StageGame
    equilibria: tuple[SymbolicEquilibrium, ...]
    dominance: tuple[Dominance, ...]
    degenerate_loci: tuple[sp.Basic, ...]

    def existing_at(self, point: Mapping[sp.Symbol, sp.Expr]) -> tuple[SymbolicEquilibrium, ...]:
        return tuple(e for e in self.equilibria if e.exists_at(point))


def _clean(conds: list[sp.Basic]) -> tuple[sp.Basic, ...] | None:
    """Drop true conditions and duplicates; ``None`` when one is false."""
    out: list[sp.Basic] = []
    for c in conds:
        if c in (sp.true, True):
            continue
        if c in (sp.false, False):
            return None
        if c not in out:
            out.append(c)
    return tuple(out)


def _indifference(
    M: sp.Matrix, support: tuple[int, ...], other: tuple[int, ...]
) -> tuple[sp.Expr, list[sp.Expr], sp.Expr] | None:
    """Solve ``M[support, other] z = value * 1, sum z = 1`` for the mix ``z`` on ``other``.

    Returns ``(determinant, z, value)`` or ``None`` when the system is singular for all
    parameter values.
    """
    k = len(support)
    S = sp.zeros(k + 1, k + 1)
    for a, r in enumerate(support):
        for b, c in enumerate(other):
            S[a, b] = M[r, c]
        S[a, k] = -1
    for b in range(k):
        S[k, b] = 1
    det = sp.factor(S.det(method="berkowitz"))
    if det == 0:
        return None
    rhs = sp.Matrix([0] * k + [1])
    sol = S.LUsolve(rhs).applyfunc(lambda e: sp.factor(sp.cancel(e)))
    return det, list(sol[:k]), sol[k]


def _support_pair(
    A: sp.Matrix, B: sp.Matrix, I: tuple[int, ...], J: tuple[int, ...]
) -> SymbolicEquilibrium | None:
    m, n = A.shape
    ys = _indifference(A, I, J)  # column mix making the row player indifferent over I
    xs = _indifference(B.T, J, I)  # row mix making the column player indifferent over J
    if ys is None or xs is None:
        return None
    det_y, y_s, u = ys
    det_x, x_s, v = xs
    conds: list[sp.Basic] = []
    if len(I) > 1:
        conds += [sign_condition(det_y, "!="), sign_condition(det_x, "!=")]
        conds += [sign_condition(p, ">") for p in (*y_s, *x_s)]
    for r in range(m):
        if r not in I:
            gain = sum(A[r, c] * yc for c, yc in zip(J, y_s)) - u
            conds.append(sign_condition(gain, "<="))
    for c in range(n):
        if c not in J:
            gain = sum(B[r, c] * xr for r, xr in zip(I, x_s)) - v
            conds.append(sign_condition(gain, "<="))
    cleaned = _clean(conds)
    if cleaned is None:
        return None
    row = [sp.Integer(0)] * m
    col = [sp.Integer(0)] * n
    for r, xr in zip(I, x_s):
        row[r] = xr
    for c, yc in zip(J, y_s):
        col[c] = yc
    return SymbolicEquilibrium(I, J, tuple(row), tuple(col), cleaned)


def _dominance(A: sp.Matrix, player: int) -> list[Dominance]:
    """Dominance between the actions of ``player`` (0 row, 1 column)."""
    M = A if player == 0 else A.T
    out = []
    for i in range(M.shape[0]):
        for k in range(M.shape[0]):
            if i == k:
                continue
            diffs = [M[i, j] - M[k, j] for j in range(M.shape[1])]
            strict = _clean([sign_condition(d, ">") for d in diffs])
            weak_all = [sign_condition(d, ">=") for d in diffs]
            weak = sp.And(*weak_all, sp.Or(*[sign_condition(d, ">") for d in diffs]))
            if strict is not None or weak is not sp.false:
                out.append(
                    Dominance(player, i, k, strict if strict is not None else (sp.false,), weak)
                )
    return out


def _degenerate_loci(A: sp.Matrix, B: sp.Matrix) -> tuple[sp.Basic, ...]:
    """Where a player is indifferent between two actions against an opponent's pure action."""
    loci: list[sp.Basic] = []
    for M in (A, B.T):
        for i, k in combinations(range(M.shape[0]), 2):
            for j in range(M.shape[1]):
                eq = sign_condition(M[i, j] - M[k, j], "==")
                if eq not in (sp.false, False) and eq not in loci:
                    loci.append(eq)
    return tuple(loci)


@cache
def analyse_symbolic(game: StageGame) -> SymbolicAnalysis:
    """Enumerate every support pair of ``game`` symbolically.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.payoffs import stage_game
    >>> a = analyse_symbolic(stage_game(get_model("inspection")))
    >>> [e.kind for e in a.equilibria]
    ['pure', 'pure', 'mixed']
    >>> mixed = a.equilibria[-1]
    >>> mixed.row, mixed.col
    ((G/(G + P), P/(G + P)), (C/(L + R), -(C - L - R)/(L + R)))
    """
    A, B = game.payoff
    m, n = A.shape
    eqs: list[SymbolicEquilibrium] = []
    for k in range(1, min(m, n) + 1):
        for I in combinations(range(m), k):
            for J in combinations(range(n), k):
                e = _support_pair(A, B, I, J)
                if e is not None:
                    eqs.append(e)
    dom = _dominance(A, 0) + _dominance(B, 1)
    return SymbolicAnalysis(game, tuple(eqs), tuple(dom), _degenerate_loci(A, B))
