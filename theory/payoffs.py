"""Symbolic payoff derivation: the normal form implied by a model's own functions.

For each action profile the model's mechanisms are stepped on sympy symbols (holding the
profile for ``model.stage_steps`` steps from the genesis state), then each player's reward
and cost functions are read on the resulting state: ``payoff = reward - cost``. This is
the one-shot game of the differential-game specification ``state+ = F(state, actions)``;
no payoff is typed in by hand.

A game of ``n`` single players with ``m_1, ..., m_n`` actions has one payoff array of shape
``(m_1, ..., m_n)`` per player; for two players the arrays are sympy matrices (row player
= ``model.players[0]``). A population of identical members is derived through counts in
:mod:`theory.population`; with a given member count it can also be expanded here into
that many single players (:func:`explicit_game`), which the tests hold against the counts.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import sympy as sp

from theory.errors import ModelError
from theory.model import Model, Player

MAX_PROFILES = 4096
"""The largest number of pure profiles a normal form is derived for, one symbolic step
each."""

PayoffArray = Any
"""A sympy Matrix (two players) or an N-dimensional sympy Array (three or more)."""


@dataclass(frozen=True, eq=False)
class StageGame:
    """The reward, cost and payoff arrays of a model's one-shot game.

    Attributes
    ----------
    model : Model
    players : tuple of Player
        The players in order (the members, one by one, for an expanded population).
    reward, cost, payoff : tuple of arrays, one per player
        Entry ``[i, j, ...]`` is for the first player's action ``i``, the second's ``j``...
        Sympy matrices for two players, N-dimensional sympy arrays otherwise.
    """

    model: Model
    reward: tuple[PayoffArray, ...]
    cost: tuple[PayoffArray, ...]
    payoff: tuple[PayoffArray, ...]
    players: tuple[Player, ...] = ()

    def __post_init__(self) -> None:
        if not self.players:
            object.__setattr__(self, "players", self.model.players)

    @property
    def n_players(self) -> int:
        return len(self.players)

    @property
    def actions(self) -> tuple[tuple[str, ...], ...]:
        return tuple(pl.actions for pl in self.players)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a) for a in self.actions)

    def profiles(self) -> list[tuple[int, ...]]:
        """Every pure profile, first player's action varying slowest."""
        return list(itertools.product(*(range(m) for m in self.shape)))

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        """The parameter symbols, in the model's parameter order."""
        return tuple(self.model.symbols.values())

    def substitution(self, values: Mapping[str, object]) -> dict[sp.Symbol, sp.Expr]:
        """Map parameter names to exact sympy numbers (``Rational`` for decimals)."""
        return {
            self.model.symbols[k]: sp.Rational(str(v))
            for k, v in values.items()
            if k in self.model.symbols
        }

    def at(self, values: Mapping[str, object]) -> tuple[PayoffArray, ...]:
        """The payoff arrays at a point, exactly (rationals in, rationals out).

        Examples
        --------
        >>> from theory.models import get_model
        >>> g = stage_game(get_model("inspection"))
        >>> g.at(get_model("inspection").defaults())[1]
        Matrix([
        [-4, 0],
        [ 1, 0]])
        """
        sub = self.substitution(values)
        return tuple(P.subs(sub) for P in self.payoff)

    def numeric(self, values: Mapping[str, object]) -> tuple[np.ndarray, ...]:
        """The payoff arrays at a point as float arrays (through the compiled functions)."""
        args = [float(values[s.name]) for s in self.symbols]  # type: ignore[arg-type]
        f = _compiled(self)
        k = self.n_players
        return tuple(np.asarray(g(*args), dtype=float).reshape(self.shape) for g in f[:k])

    def reward_cost_numeric(
        self, values: Mapping[str, object]
    ) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
        """``((reward per player), (cost per player))`` at a point, as floats."""
        args = [float(values[s.name]) for s in self.symbols]  # type: ignore[arg-type]
        f = _compiled(self)
        k = self.n_players
        r = tuple(np.asarray(g(*args), dtype=float).reshape(self.shape) for g in f[k : 2 * k])
        c = tuple(np.asarray(g(*args), dtype=float).reshape(self.shape) for g in f[2 * k :])
        return r, c

    def entry(self, player: int, profile: tuple[int, ...]) -> sp.Expr:
        """The payoff of ``player`` at a pure ``profile``."""
        return self.payoff[player][profile]

    def deviations(self, player: int, profile: tuple[int, ...]) -> list[tuple[int, ...]]:
        """The profiles where ``player`` alone plays another action."""
        return [
            profile[:player] + (a,) + profile[player + 1 :]
            for a in range(self.shape[player])
            if a != profile[player]
        ]


@cache
def _compiled(game: StageGame) -> tuple[Any, ...]:
    """One ``lambdify`` per array, at the numeric boundary, cached per game."""
    arrays = (*game.payoff, *game.reward, *game.cost)
    return tuple(sp.lambdify(game.symbols, _flat(A), modules="numpy") for A in arrays)


def _flat(A: PayoffArray) -> list[sp.Expr]:
    if isinstance(A, sp.MatrixBase):
        return list(A)
    return list(sp.flatten(A.tolist()))


def tidy(expr: Any) -> sp.Expr:
    """Targeted clean-up of a payoff entry: fold piecewise parts, expand, then pull out
    common factors (no blanket ``simplify``)."""
    return sp.factor_terms(sp.expand(sp.piecewise_fold(sp.sympify(expr))))


def _array(entries: dict[tuple[int, ...], sp.Expr], shape: tuple[int, ...]) -> PayoffArray:
    if len(shape) == 2:
        M = sp.zeros(*shape)
        for (i, j), v in entries.items():
            M[i, j] = v
        return M
    flat = [entries[idx] for idx in itertools.product(*(range(m) for m in shape))]
    return sp.ImmutableDenseNDimArray(flat, shape)


@cache
def stage_game(model: Model) -> StageGame:
    """Derive the one-shot game of ``model`` (single players) from its mechanisms,
    rewards and costs.

    Examples
    --------
    >>> from theory.models import get_model
    >>> g = stage_game(get_model("inspection"))
    >>> g.payoff[0]
    Matrix([
    [-C + R, -C],
    [    -L,  0]])
    >>> g.payoff[1]
    Matrix([
    [-P, 0],
    [ G, 0]])
    """
    if model.populations:
        raise ModelError(
            f"model {model.name}: a population game is derived through counts "
            "(theory.population.population_game), or expanded with explicit_game(model, n)"
        )
    if model.many_rounds:
        raise ModelError(
            f"model {model.name}: a many-round model is analysed by one-shot deviation "
            "(theory.rounds), not as a one-shot game"
        )
    players = model.players
    shape = tuple(pl.n_actions for pl in players)
    size = int(np.prod(shape))
    if size > MAX_PROFILES:
        raise ModelError(
            f"model {model.name}: {' x '.join(map(str, shape))} = {size:,} action profiles are "
            f"too many to derive one by one (at most {MAX_PROFILES:,}); with identical players, "
            "write them as a population (Player(..., population=...)), derived through counts"
        )
    p = model.symbolic_parameters()
    genesis = model.initial_state(p)
    rewards: list[dict[tuple[int, ...], sp.Expr]] = [{} for _ in players]
    costs: list[dict[tuple[int, ...], sp.Expr]] = [{} for _ in players]
    for profile in itertools.product(*(range(m) for m in shape)):
        encoded = tuple(pl.encode(i) for pl, i in zip(players, profile))
        state = dict(genesis)
        for pl, e in zip(players, encoded):
            state[pl.flag] = e
        for _ in range(model.stage_steps):
            state = model.step(p, state, encoded)
        for k, (r, c) in enumerate(model.rewards_costs(p, state)):
            rewards[k][profile] = tidy(r)
            costs[k][profile] = tidy(c)
    reward = tuple(_array(r, shape) for r in rewards)
    cost = tuple(_array(c, shape) for c in costs)
    payoff = tuple(
        _array({idx: tidy(rewards[k][idx] - costs[k][idx]) for idx in rewards[k]}, shape)
        for k in range(len(players))
    )
    return StageGame(model, reward, cost, payoff)


def explicit_game(model: Model, members: int) -> StageGame:
    """A population model expanded into ``members`` single players, each member's payoff
    derived by stepping the mechanisms with one array entry per member (no counts): an
    independent derivation the tests hold against :mod:`theory.population`.

    Examples
    --------
    >>> from theory.models import get_model
    >>> g = explicit_game(get_model("volunteers"), 2)
    >>> g.shape
    (2, 2)
    """
    if not model.is_population_game:
        raise ModelError(f"model {model.name}: explicit_game expands a one-population model")
    (pop,) = model.players
    if members < 2:
        raise ModelError("a population needs at least two members")
    if pop.n_actions**members > MAX_PROFILES:
        raise ModelError(
            f"model {model.name}: {pop.n_actions}^{members} profiles are too many to "
            "enumerate; analyse it through counts (rosca solve does)"
        )
    count = str(pop.population)
    values: dict[str, Any] = dict(model.symbols)
    values[count] = sp.Integer(members)
    p = model.params(values)
    genesis = {
        k: (np.array(list(v), dtype=object) if isinstance(v, np.ndarray) else v)
        for k, v in model.initial_state(model.params(values | {count: members})).items()
    }
    shape = (pop.n_actions,) * members
    rewards: list[dict[tuple[int, ...], sp.Expr]] = [{} for _ in range(members)]
    costs: list[dict[tuple[int, ...], sp.Expr]] = [{} for _ in range(members)]
    for profile in itertools.product(range(pop.n_actions), repeat=members):
        encoded = np.array([pop.encode(i) for i in profile], dtype=object)
        state = dict(genesis)
        state[pop.flag] = encoded
        for _ in range(model.stage_steps):
            state = model.step(p, state, (encoded,))
        ((r, c),) = model.rewards_costs(p, state)
        r = np.broadcast_to(np.asarray(r, dtype=object), (members,))
        c = np.broadcast_to(np.asarray(c, dtype=object), (members,))
        for k in range(members):
            rewards[k][profile] = tidy(r[k])
            costs[k][profile] = tidy(c[k])
    players = tuple(
        Player(f"{pop.name}[{k + 1}]", pop.actions, pop.flag, pop.reward, pop.cost)
        for k in range(members)
    )
    reward = tuple(_array(r, shape) for r in rewards)
    cost = tuple(_array(c, shape) for c in costs)
    payoff = tuple(
        _array({idx: tidy(rewards[k][idx] - costs[k][idx]) for idx in rewards[k]}, shape)
        for k in range(members)
    )
    return StageGame(model, reward, cost, payoff, players)
