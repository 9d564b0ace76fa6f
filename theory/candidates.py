"""Equilibrium candidates of any kind of game, as one shape: a label, a kind, the closed
forms of each player's strategy, and the conditions under which the candidate is an
equilibrium.

Two-player support enumeration (:mod:`theory.equilibria`), pure profiles of n-player games
(:mod:`theory.pure`) and the pure and symmetric equilibria of population games
(:mod:`theory.symmetric`) all give candidates; the regime map, the report, the explorer
page and ``rosca solve`` read them without knowing which kind of game produced them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

from theory.conditions import holds


@dataclass(frozen=True, eq=False)
class Candidate:
    """An equilibrium candidate with its existence conditions.

    Attributes
    ----------
    label : str
        A short name, e.g. ``(withhold, cheat)``, ``mixed`` or ``symmetric mixed``.
    kind : str
        ``pure``, ``mixed`` or ``symmetric``.
    strategies : tuple of tuples of sympy.Expr
        One probability vector per player, in the players' order (for a population: the
        share of members taking each action, or each member's mix when symmetric).
    conditions : tuple of sympy relations
        The candidate is an equilibrium exactly where all hold.
    note : str
        How the closed form was found, or why there is none.
    """

    label: str
    kind: str
    strategies: tuple[tuple[sp.Expr, ...], ...]
    conditions: tuple[sp.Basic, ...]
    note: str = ""

    def exists_at(self, point: Mapping[sp.Symbol, sp.Expr]) -> bool:
        return all(holds(c, point) for c in self.conditions)

    def strategies_at(self, point: Mapping[sp.Symbol, sp.Expr]) -> tuple[tuple[sp.Expr, ...], ...]:
        return tuple(tuple(sp.sympify(v).subs(point) for v in s) for s in self.strategies)


def clean(conds: list[sp.Basic]) -> tuple[sp.Basic, ...] | None:
    """Drop true conditions and duplicates; ``None`` when one is false.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> clean([sp.true, x > 1, x > 1])
    (x > 1,)
    >>> clean([x > 1, sp.false]) is None
    True
    """
    out: list[sp.Basic] = []
    for c in conds:
        if c in (sp.true, True):
            continue
        if c in (sp.false, False):
            return None
        if c not in out:
            out.append(c)
    return tuple(out)
