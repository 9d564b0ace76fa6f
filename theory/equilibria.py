"""Symbolic equilibrium conditions of a two-player finite game by support enumeration.

For every pair of supports ``(I, J)`` of equal size the indifference equations are solved
exactly (Nisan, Roughgarden, Tardos and Vazirani, *Algorithmic Game Theory*, 2007, ch. 3;
the same enumeration as nashpy's ``support_enumeration``, here over symbols): the column
mix ``y`` on ``J`` makes the row player indifferent over ``I``, the row mix ``x`` on ``I``
makes the column player indifferent over ``J``. The profile is an equilibrium exactly
where the system is regular, the probabilities are positive, and no action outside a
support pays more: those are its existence conditions, inequalities in the parameters.

Payoffs made piecewise by ``where`` and ``maximum`` are first split into cases
(:func:`theory.conditions.split`): each case is a game of rational functions valid under
a conjunction of relations (its guard), and a candidate found in several cases with the
same closed form and conditions is reported once, under the shortest guard covering them.
Every condition is exact (:func:`theory.conditions.sign_condition`) and decided exactly at
a point (:func:`theory.conditions.holds`); a candidate whose conditions hold is reported
at a point only if an exact best-response check of its profile passes as well
(:meth:`SymbolicAnalysis.check_at`).

Equal-size supports find every equilibrium of a non-degenerate game. Degenerate games
(where a condition holds with equality) can have continua; their loci are reported
(:attr:`SymbolicAnalysis.degenerate_loci`, ``True`` when a player is indifferent
everywhere) and the continua themselves are computed at a point by the exact vertex
enumeration of :mod:`theory.vertices`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from itertools import combinations
from typing import Any

import sympy as sp
from sympy.polys.fields import FracElement
from sympy.polys.matrices import DomainMatrix

from theory.conditions import factored, fraction_field, holds, sign_condition, split
from theory.payoffs import StageGame
from theory.vertices import Vector, is_equilibrium


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
        """Whether every condition holds at the point (decided exactly)."""
        return all(holds(c, point) for c in self.conditions)

    def value_at(self, point: Mapping[sp.Symbol, sp.Expr]) -> tuple[tuple[sp.Rational, ...], ...]:
        """The profile at a point where it exists, exactly."""
        sub = dict(point)
        return (
            tuple(sp.Rational(sp.sympify(v).xreplace(sub)) for v in self.row),
            tuple(sp.Rational(sp.sympify(v).xreplace(sub)) for v in self.col),
        )

    def label(self, actions: tuple[tuple[str, ...], ...]) -> str:
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


def exact_matrices(
    game: StageGame, point: Mapping[sp.Symbol, sp.Expr]
) -> tuple[list[list[Fraction]], list[list[Fraction]]]:
    """Both payoff matrices at a point as fractions.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.payoffs import stage_game
    >>> m = get_model("inspection")
    >>> g = stage_game(m)
    >>> exact_matrices(g, g.substitution(m.defaults()))[1]
    [[Fraction(-4, 1), Fraction(0, 1)], [Fraction(1, 1), Fraction(0, 1)]]

    Raises
    ------
    ValueError
        Naming the entry, when a payoff is undefined there (a divisor vanishes).
    """
    out = []
    sub = dict(point)
    for k, M in enumerate(game.payoff[:2]):
        rows = []
        for i in range(M.shape[0]):
            row = []
            for j in range(M.shape[1]):
                v = sp.sympify(M[i, j]).xreplace(sub)
                if not v.is_Rational:
                    raise ValueError(
                        f"the payoff of {game.model.players[k].name} at "
                        f"({game.actions[0][i]}, {game.actions[1][j]}) is {v} at this point "
                        "(a divisor vanishes); choose parameter values where it is defined"
                    )
                row.append(Fraction(int(v.p), int(v.q)))
            rows.append(row)
        out.append(rows)
    return out[0], out[1]


@dataclass(frozen=True, eq=False)
class SymbolicAnalysis:
    """Every support pair's closed form and conditions, the dominance conditions and the
    degenerate loci of a stage game."""

    game: StageGame
    equilibria: tuple[SymbolicEquilibrium, ...]
    dominance: tuple[Dominance, ...]
    degenerate_loci: tuple[sp.Basic, ...]

    def check_at(
        self, point: Mapping[sp.Symbol, sp.Expr]
    ) -> tuple[tuple[SymbolicEquilibrium, ...], tuple[SymbolicEquilibrium, ...]]:
        """``(confirmed, rejected)``: the candidates whose conditions hold at the point,
        split by an exact best-response check of their profile there.

        A rejected candidate means its conditions are wrong; it is never reported.
        """
        A, B = exact_matrices(self.game, point)
        confirmed: list[SymbolicEquilibrium] = []
        rejected: list[SymbolicEquilibrium] = []
        for e in self.equilibria:
            if not e.exists_at(point):
                continue
            try:
                r, c = e.value_at(point)
                x: Vector = tuple(Fraction(int(v.p), int(v.q)) for v in r)
                y: Vector = tuple(Fraction(int(v.p), int(v.q)) for v in c)
                ok = sum(x) == 1 and sum(y) == 1 and is_equilibrium(A, B, x, y)
            except (TypeError, ValueError, ZeroDivisionError):
                ok = False
            (confirmed if ok else rejected).append(e)
        return tuple(confirmed), tuple(rejected)

    def existing_at(self, point: Mapping[sp.Symbol, sp.Expr]) -> tuple[SymbolicEquilibrium, ...]:
        """The candidates that exist at the point, each confirmed by an exact check."""
        return self.check_at(point)[0]

    def rejected_at(self, point: Mapping[sp.Symbol, sp.Expr]) -> tuple[SymbolicEquilibrium, ...]:
        """Candidates whose conditions hold at the point but whose profile is not an
        equilibrium there (empty unless a condition is wrong)."""
        return self.check_at(point)[1]


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


def _field(entries: list[sp.Expr]) -> Any:
    """The exact domain of ``entries``: rational functions in their symbols, the
    rationals, or ``None`` when an entry is not a rational function."""
    K = fraction_field(entries) if any(sp.sympify(e).free_symbols for e in entries) else sp.QQ
    try:
        for e in entries:
            K.from_sympy(sp.sympify(e))
    except (ValueError, TypeError, NotImplementedError, sp.polys.polyerrors.PolynomialError):
        return None
    return K


def _indifference(
    M: sp.Matrix, support: tuple[int, ...], other: tuple[int, ...], K: Any
) -> tuple[Any, list[Any], Any] | None:
    """Solve ``M[support, other] z = value * 1, sum z = 1`` for the mix ``z`` on ``other``
    in the domain ``K`` (sympy expressions when ``K`` is ``None``).

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
    rhs = sp.Matrix([0] * k + [1])
    if K is None:
        det = sp.factor(sp.cancel(S.det(method="berkowitz")))
        if det == 0:
            return None
        sol = S.LUsolve(rhs).applyfunc(lambda e: sp.factor(sp.cancel(e)))
        return det, list(sol[:k]), sol[k]
    D = DomainMatrix.from_Matrix(S).convert_to(K)
    det = D.det()
    if not det:
        return None
    z = D.lu_solve(DomainMatrix.from_Matrix(rhs).convert_to(K)).to_list()
    return det, [row[0] for row in z[:k]], z[k][0]


Half = tuple[tuple[sp.Expr, ...], tuple[sp.Basic, ...]]


def _expr(v: Any, K: Any) -> sp.Expr:
    """A closed form in factored form."""
    if K is None:
        return v
    return factored(v) if isinstance(v, FracElement) else K.to_sympy(v)


def _condition(v: Any, op: str, K: Any) -> sp.Basic:
    if K is None or isinstance(v, FracElement):
        return sign_condition(v, op)
    return sign_condition(K.to_sympy(v), op)


def _half(M: sp.Matrix, support: tuple[int, ...], other: tuple[int, ...]) -> Half | None:
    """One player's side of a support pair in a game without pieces.

    ``M`` holds the player's payoffs with its own actions as rows. Returns the opponent's
    mix on ``other`` that makes the player indifferent over ``support`` and the
    conditions under which it is a best response: the system is regular, the mix is
    positive, and no action outside ``support`` pays more. ``None`` when impossible.
    Computed in the field of rational functions of the parameters when the payoffs are
    rational functions (exact and fast), with sympy expressions otherwise.
    """
    K = _field(list(M))
    solved = _indifference(M, support, other, K)
    if solved is None:
        return None
    det, mix, value = solved
    conds: list[sp.Basic] = []
    if len(support) > 1:
        conds.append(_condition(det, "!=", K))
        conds += [_condition(p, ">", K) for p in mix]
    for r in range(M.shape[0]):
        if r not in support:
            if K is None:
                gain = sum(M[r, c] * z for c, z in zip(other, mix)) - value
            else:
                gain = sum((K.from_sympy(M[r, c]) * z for c, z in zip(other, mix)), K.zero)
                gain -= value
            conds.append(_condition(gain, "<=", K))
    cleaned = _clean(conds)
    if cleaned is None:
        return None
    return tuple(_expr(z, K) for z in mix), cleaned


def _half_cases(
    M: sp.Matrix, support: tuple[int, ...], other: tuple[int, ...]
) -> tuple[tuple[sp.Expr, ...], tuple[sp.Basic, ...]] | None:
    """:func:`_half` for a game with pieces: the entries it reads are split into cases
    (only the relations guarding those entries), each case solved, and cases with the
    same answer merged under the shortest guard. Returns the opponent's mix (piecewise
    when it differs between cases) and the conditions."""
    cols = sorted(other)
    sub = sp.Matrix([[M[r, c] for c in cols] for r in range(M.shape[0])])
    local = tuple(cols.index(c) for c in other)
    s = split(list(sub))
    found: dict[Half, list[tuple[bool, ...]]] = {}
    for case in s.cases:
        Mc = sp.Matrix(sub.shape[0], sub.shape[1], list(case.pieces))
        h = _half(Mc, support, local)
        if h is not None:
            found.setdefault(h, []).append(case.truths)
    if not found:
        return None
    groups = [(s.guard(truths), mix, conds) for (mix, conds), truths in found.items()]
    if len(groups) == 1:
        guard, mix, conds = groups[0]
        return mix, conds if guard is sp.true else (guard, *conds)
    either = sp.Or(*[sp.And(guard, *conds) for guard, _, conds in groups])
    mixes = {mix for _, mix, _ in groups}
    if len(mixes) == 1:
        return groups[0][1], (either,)
    pieces = tuple(
        sp.Piecewise(*[(mix[i], guard) for guard, mix, _ in groups[:-1]], (groups[-1][1][i], True))
        for i in range(len(other))
    )
    return pieces, (either,)


def _support_pair(
    A: sp.Matrix, B: sp.Matrix, I: tuple[int, ...], J: tuple[int, ...]
) -> SymbolicEquilibrium | None:
    """The support pair's closed form and existence conditions: the row player's side
    (the column mix ``y`` and conditions on ``A``) and the column player's side (the row
    mix ``x`` and conditions on ``B``) are independent, so each is split on its own."""
    m, n = A.shape
    rows = _half_cases(A, I, J)
    if rows is None:
        return None
    cols = _half_cases(B.T, J, I)
    if cols is None:
        return None
    y_s, conds_y = rows
    x_s, conds_x = cols
    cleaned = _clean([*conds_y, *conds_x])
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
            better = [sign_condition(d, ">") for d in diffs]
            strict = _clean(better)
            weak = sp.And(*[sign_condition(d, ">=") for d in diffs], sp.Or(*better))
            if strict is not None or weak is not sp.false:
                out.append(
                    Dominance(player, i, k, strict if strict is not None else (sp.false,), weak)
                )
    return out


def _degenerate_loci(A: sp.Matrix, B: sp.Matrix) -> tuple[sp.Basic, ...]:
    """Where a player is indifferent between two actions against an opponent's pure action
    (``True``: everywhere)."""
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
    """Enumerate every support pair of ``game`` symbolically, case by case.

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
    A, B = game.payoff[0], game.payoff[1]
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
