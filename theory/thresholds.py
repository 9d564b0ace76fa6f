"""Thresholds: the parameter values at which a player's best response switches.

For a player and a pure action ``j`` of the opponent, the payoff difference
``D = u(act, j) - u(not act, j)`` is solved for one parameter: ``D = 0`` at the threshold,
and the sign of ``dD/dparam`` says on which side acting is the best response. This gives
the design answers of the inspection literature, e.g. the least penalty ``delta`` that
makes honesty the cheater's best response (``delta > gamma`` in ``rosca-v2``).

For the ROI hurdle ``theta`` of the adaptive policies (act iff reward > (1 + theta) x
cost, DOMAIN.md sections 1 and 2) the same is done on the reward and cost matrices
separately: ``dR - (1 + theta) dC = 0``, the hurdle at which acting stops.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

from theory.model import Player
from theory.payoffs import StageGame


@dataclass(frozen=True, eq=False)
class Threshold:
    """A switching value of ``parameter`` for ``player`` against ``against``."""

    parameter: str
    player: str
    against: str
    above: str  # the action that is the best response above the threshold
    below: str
    expression: sp.Expr
    value: float
    current: float
    kind: str  # "payoff" or "hurdle"

    @property
    def text(self) -> str:
        now = self.above if self.current > self.value else self.below
        if self.current == self.value:
            now = f"indifferent between {self.above} and {self.below}"
        return (
            f"{self.player} against {self.against}: {self.above} iff {self.parameter} > "
            f"{sp.sstr(self.expression)} (= {self.value:.6g}); at {self.parameter} = "
            f"{self.current:.6g}: {now}"
        )


def _solve_for(D: sp.Expr, sym: sp.Symbol) -> list[sp.Expr]:
    if sym not in D.free_symbols:
        return []
    sols = sp.solve(sp.Eq(D, 0), sym, dict=False)
    return [sp.factor(s) for s in sols if s.is_real is not False]


def _switches(
    D: sp.Expr,
    sym: sp.Symbol,
    kind: str,
    player: Player,
    against: str,
    point: Mapping[sp.Symbol, sp.Expr],
) -> list[Threshold]:
    """The values of ``sym`` where ``D`` (acting minus not acting) changes sign."""
    out = []
    for sol in _solve_for(D, sym):
        slope = sp.diff(D, sym).subs(point)
        if slope == 0 or not slope.is_number:
            continue
        above, below = player.actions if slope > 0 else player.actions[::-1]
        out.append(
            Threshold(
                sym.name,
                player.name,
                against,
                above,
                below,
                sol,
                float(sol.subs(point)),
                float(point[sym]),
                kind,
            )
        )
    return out


def thresholds(
    game: StageGame, values: Mapping[str, object], parameters: tuple[str, ...] | None = None
) -> tuple[Threshold, ...]:
    """Every best-response switching value of the model's key parameters at a point.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.payoffs import stage_game
    >>> m = get_model("rosca-v2")
    >>> t = [t for t in thresholds(stage_game(m), m.defaults(), ("delta",)) if t.kind == "payoff"]
    >>> t[0].text
    'cheater against contribute: honest iff delta > gamma (= 1); at delta = 0.25: cheat'
    """
    model = game.model
    params = parameters if parameters is not None else model.key_parameters
    point = game.substitution(values)
    out: list[Threshold] = []
    players = model.players
    for k, pl in enumerate(players):
        opp = players[1 - k]
        U, R, C = ((M if k == 0 else M.T) for M in (game.payoff[k], game.reward[k], game.cost[k]))

        for j, against in enumerate(opp.actions):
            for name in params:
                D = sp.expand(U[0, j] - U[1, j])
                out += _switches(D, model.symbols[name], "payoff", pl, against, point)
            if "theta" in model.symbols:
                dR = sp.expand(R[0, j] - R[1, j])
                dC = sp.expand(C[0, j] - C[1, j])
                H = dR - (1 + model.symbols["theta"]) * dC
                out += _switches(H, model.symbols["theta"], "hurdle", pl, against, point)
    return tuple(out)
