"""Symbolic payoff derivation: the stage game implied by a model's own functions.

For each action profile the model's mechanisms are stepped on sympy symbols (holding the
profile for ``model.stage_steps`` steps from the genesis state), then each player's reward
and cost functions are read on the resulting state: ``payoff = reward - cost``. This is
the one-shot game of the differential-game specification ``state+ = F(state, actions)``;
no payoff is typed in by hand.

Row player = ``model.players[0]``; action index 0 is "acting" (contribute, verify, cheat).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import sympy as sp

from theory.model import Model


@dataclass(frozen=True, eq=False)
class StageGame:
    """The reward, cost and payoff matrices of a model's stage game, as sympy matrices.

    Attributes
    ----------
    model : Model
    reward, cost, payoff : tuple of two sympy.Matrix
        ``[row player, column player]``; entry ``[i, j]`` is for row action ``i`` and
        column action ``j``.
    """

    model: Model
    reward: tuple[sp.Matrix, sp.Matrix]
    cost: tuple[sp.Matrix, sp.Matrix]
    payoff: tuple[sp.Matrix, sp.Matrix]

    @property
    def actions(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return (self.model.players[0].actions, self.model.players[1].actions)

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

    def at(self, values: Mapping[str, object]) -> tuple[sp.Matrix, sp.Matrix]:
        """The payoff matrices at a point, exactly (rationals in, rationals out).

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
        return (self.payoff[0].subs(sub), self.payoff[1].subs(sub))

    def numeric(self, values: Mapping[str, object]) -> tuple[np.ndarray, np.ndarray]:
        """The payoff matrices at a point as float arrays (through the compiled functions)."""
        args = [float(values[s.name]) for s in self.symbols]  # type: ignore[arg-type]
        f = _compiled(self)
        return (np.asarray(f[0](*args), dtype=float), np.asarray(f[1](*args), dtype=float))

    def reward_cost_numeric(
        self, values: Mapping[str, object]
    ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """``((reward_row, reward_col), (cost_row, cost_col))`` at a point, as floats."""
        args = [float(values[s.name]) for s in self.symbols]  # type: ignore[arg-type]
        f = _compiled(self)
        r = tuple(np.asarray(g(*args), dtype=float) for g in f[2:4])
        c = tuple(np.asarray(g(*args), dtype=float) for g in f[4:6])
        return (r[0], r[1]), (c[0], c[1])


@cache
def _compiled(game: StageGame) -> tuple:
    """One ``lambdify`` per matrix, at the numeric boundary, cached per game."""
    mats = (*game.payoff, *game.reward, *game.cost)
    return tuple(sp.lambdify(game.symbols, m, modules="numpy") for m in mats)


def _tidy(expr: sp.Expr) -> sp.Expr:
    """Targeted clean-up of a payoff entry: expand, then pull out common factors."""
    return sp.factor_terms(sp.expand(sp.piecewise_fold(expr)))


@cache
def stage_game(model: Model) -> StageGame:
    """Derive the stage game of ``model`` from its mechanisms, rewards and costs.

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
    p = model.symbolic_parameters()
    genesis = model.initial_state(p)
    flags = (model.players[0].flag, model.players[1].flag)
    mats: dict[str, list[sp.Matrix]] = {
        k: [sp.zeros(2, 2), sp.zeros(2, 2)] for k in ("reward", "cost")
    }
    for i, row_acts in enumerate((True, False)):
        for j, col_acts in enumerate((True, False)):
            state = dict(genesis)
            state[flags[0]], state[flags[1]] = row_acts, col_acts
            for _ in range(model.stage_steps):
                state = model.step(p, state, (row_acts, col_acts))
            for k, (r, c) in enumerate(model.rewards_costs(p, state)):
                mats["reward"][k][i, j] = _tidy(sp.sympify(r))
                mats["cost"][k][i, j] = _tidy(sp.sympify(c))
    reward = (mats["reward"][0], mats["reward"][1])
    cost = (mats["cost"][0], mats["cost"][1])
    payoff = tuple((reward[k] - cost[k]).applyfunc(_tidy) for k in range(2))
    return StageGame(model, reward, cost, (payoff[0], payoff[1]))
