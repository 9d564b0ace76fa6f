"""A model's functions as equations: each mechanism, reward and cost evaluated on symbols.

The state variables become plain symbols, the players' actions boolean symbols (one per
action for a player with more than two, ``verifiers=verify`` for a member of a
population), and the model's own functions are called on them, so the equations a report
shows are the code that runs, not a description of it. Sums over members show as
``total(...)``; a function that cannot run on symbols (a ranking of members, say) is
shown by its description instead, marked as such.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import sympy as sp

from theory.functions import Choice
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
    p = model.params(dict(model.symbols))
    s = Namespace({k: sp.Symbol(k) for k in model.state_keys}, "state variable")
    choices = {}
    for pl in model.players:
        if pl.n_actions == 2 and pl.population is None:
            flag = sp.Symbol(pl.name)
            choices[pl.name] = Choice({pl.actions[0]: flag, pl.actions[1]: sp.Not(flag)}, pl.name)
        else:
            choices[pl.name] = Choice(
                {act: sp.Symbol(f"{pl.name}={act}") for act in pl.actions}, pl.name
            )
    a = Namespace(choices, "player")
    out = []
    # a many-round model's functions compare round counters and positions with ==, which
    # on symbols is sympy's structural equality: show their descriptions instead
    described = model.many_rounds
    for i, block in enumerate(model.blocks):
        for m in block:
            if described:
                out.append(Equation(f"{m.writes}+", sp.Symbol(f"[{m.text}]"), i))
                continue
            out.append(Equation(f"{m.writes}+", _shown(partial(m.fn, p, s, a), m.text), i))
    for pl in model.players:
        out.append(
            Equation(f"reward[{pl.name}]", _shown(partial(pl.reward, p, s), pl.reward_text), None)
        )
        out.append(Equation(f"cost[{pl.name}]", _shown(partial(pl.cost, p, s), pl.cost_text), None))
    return out


def _shown(evaluate: Callable[[], object], text: str) -> sp.Expr:
    """The function on symbols, or its description when it cannot run on them."""
    try:
        return sp.piecewise_fold(sp.sympify(evaluate()))
    except Exception:  # noqa: BLE001 - any failure on symbols falls back to the text
        return sp.Symbol(f"[{text or 'not symbolic'}]")
