"""A model's functions as equations: each mechanism, reward and cost evaluated on symbols.

The state variables become plain symbols, the players' actions boolean symbols, and the
model's own functions are called on them, so the equations a report shows are the code
that runs, not a description of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from theory.model import Model, Namespace


@dataclass(frozen=True)
class Equation:
    lhs: str
    rhs: sp.Expr
    block: int | None  # the partial state update block, None for rewards and costs


def equations(model: Model) -> list[Equation]:
    """Mechanisms (``x+ = f(x, a)``), then each player's reward and cost.

    Examples
    --------
    >>> from theory.models import get_model
    >>> [str(e.rhs) for e in equations(get_model("inspection")) if e.lhs == "Cheater_Cost+"]
    ['Piecewise((P, cheater & verifier), (0, True))']
    """
    p = model.symbolic_parameters()
    s = Namespace({k: sp.Symbol(k) for k in model.state_keys}, "state variable")
    a = Namespace({pl.name: sp.Symbol(pl.name) for pl in model.players}, "player")
    out = []
    for i, block in enumerate(model.blocks):
        for m in block:
            out.append(Equation(f"{m.writes}+", sp.piecewise_fold(sp.sympify(m.fn(p, s, a))), i))
    for pl in model.players:
        out.append(Equation(f"reward[{pl.name}]", sp.sympify(pl.reward(p, s)), None))
        out.append(Equation(f"cost[{pl.name}]", sp.sympify(pl.cost(p, s)), None))
    return out
