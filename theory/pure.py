"""Pure equilibria of an n-player game with their existence conditions, and dominance.

A pure profile is a Nash equilibrium exactly where no player gains by a unilateral
deviation: for every player ``i`` and every other action ``b`` of ``i``,
``u_i(profile) - u_i(b, profile_-i) >= 0`` (Nash 1951; Fudenberg and Tirole, *Game
Theory*, 1991, ch. 1). Each such difference is an expression in the parameters; reduced
by sign (:func:`theory.conditions.sign_condition`) they are the candidate's conditions.
The same differences, against every profile of the others, give strict dominance.

At a point, :func:`pure_equilibria_at` enumerates the exact payoff arrays directly (a
best-response check on rationals, independent of the symbolic conditions).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp

from theory.candidates import Candidate, clean
from theory.conditions import holds, sign_condition
from theory.payoffs import StageGame


def profile_label(game: StageGame, profile: tuple[int, ...]) -> str:
    """``(a, b, c)``: each player's action at a pure profile."""
    return "(" + ", ".join(game.actions[k][i] for k, i in enumerate(profile)) + ")"


def _one_hot(m: int, i: int) -> tuple[sp.Expr, ...]:
    return tuple(sp.Integer(int(j == i)) for j in range(m))


def pure_candidates(game: StageGame) -> list[Candidate]:
    """Every pure profile that is an equilibrium somewhere, with its conditions.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.payoffs import stage_game
    >>> for c in pure_candidates(stage_game(get_model("rosca-v2"))):
    ...     print(c.label, c.conditions)
    (contribute, cheat) (beta >= volume*zeta, delta <= gamma)
    (contribute, honest) (delta >= gamma,)
    (withhold, cheat) (volume*zeta >= beta,)
    """
    out = []
    for profile in game.profiles():
        conds = []
        for k in range(game.n_players):
            for dev in game.deviations(k, profile):
                conds.append(sign_condition(game.entry(k, profile) - game.entry(k, dev), ">="))
        cleaned = clean(conds)
        if cleaned is None:
            continue
        strategies = tuple(_one_hot(m, i) for m, i in zip(game.shape, profile))
        out.append(Candidate(profile_label(game, profile), "pure", strategies, cleaned))
    return out


def pure_equilibria_at(game: StageGame, values: Mapping[str, object]) -> list[tuple[int, ...]]:
    """The pure equilibria at a point, by an exact best-response check on every profile.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.payoffs import stage_game
    >>> m = get_model("rosca-v2")
    >>> pure_equilibria_at(stage_game(m), m.defaults())
    [(1, 0)]
    """
    arrays = game.at(values)
    out = []
    for profile in game.profiles():
        ok = True
        for k in range(game.n_players):
            u = arrays[k][profile]
            if any(arrays[k][dev] > u for dev in game.deviations(k, profile)):
                ok = False
                break
        if ok:
            out.append(profile)
    return out


@dataclass(frozen=True, eq=False)
class Dominance:
    """Conditions under which ``player``'s action ``better`` strictly dominates ``worse``
    (better against every profile of the others)."""

    player: int
    better: int
    worse: int
    strict: tuple[sp.Basic, ...]

    def strictly_at(self, point: Mapping[sp.Symbol, sp.Expr]) -> bool:
        return all(holds(c, point) for c in self.strict)


def dominance_at(dominances: Any, players: Any, point: Mapping[sp.Symbol, sp.Expr]) -> list[str]:
    """The strict dominances that hold at a point, in words (any object with ``player``,
    ``better``, ``worse`` and ``strictly_at``)."""
    out = []
    for d in dominances:
        if d.strictly_at(point):
            pl = players[d.player]
            out.append(
                f"{pl.actions[d.better]} strictly dominates {pl.actions[d.worse]} for the {pl.name}"
            )
    return out


def dominance(game: StageGame) -> list[Dominance]:
    """Strict dominance between each player's actions, as conditions.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.payoffs import stage_game
    >>> d = [x for x in dominance(stage_game(get_model("rosca-v2"))) if x.player == 1]
    >>> [(x.better, x.worse, x.strict) for x in d]
    [(0, 1, (delta < gamma,)), (1, 0, (False,))]
    """
    out = []
    for k in range(game.n_players):
        others = [range(m) for j, m in enumerate(game.shape) if j != k]
        for i, w in itertools.permutations(range(game.shape[k]), 2):
            conds = []
            for rest in itertools.product(*others):
                hi = rest[:k] + (i,) + rest[k:]
                lo = rest[:k] + (w,) + rest[k:]
                conds.append(sign_condition(game.entry(k, hi) - game.entry(k, lo), ">"))
            cleaned = clean(conds)
            out.append(Dominance(k, i, w, cleaned if cleaned is not None else (sp.false,)))
    return out
