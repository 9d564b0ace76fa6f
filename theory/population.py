"""Population games through counts: the payoff of one member given how many others take
each action, derived from the model's own mechanisms.

A member's payoff in a game of identical members depends on its own action and on how
many of the *other* members take each action (a symmetric game; Hofbauer and Sigmund,
*Evolutionary Games and Population Dynamics*, 1998, ch. 6). The mechanisms are stepped
once per own action with the members held as cohorts (:class:`theory.functions.Cohorts`):
the focal member, then one cohort per action whose size is a symbol ``k_<action>`` (the
last cohort has the rest, ``members - 1 - ...``). The member count stays a symbol, so a
circle of a thousand costs no more than one of three.

With two actions, write ``k`` for the number of others taking the first action and
``D(k) = u_first(k) - u_second(k)``. :mod:`theory.symmetric` turns ``D`` into the
equilibrium conditions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import numpy as np
import sympy as sp

from theory.errors import ModelError
from theory.functions import Cohorts
from theory.model import Model, Player
from theory.payoffs import tidy


@dataclass(frozen=True, eq=False)
class PopulationGame:
    """A member's payoff by own action, as expressions in the parameters and the counts.

    Attributes
    ----------
    model : Model
    player : Player
        The population.
    size : sympy.Symbol
        The member count (the model's integer parameter).
    others : tuple of sympy.Expr
        How many of the other members take each action: symbols ``k_<action>`` for all
        but the last action, and the rest for the last.
    reward, cost, payoff : tuple of sympy.Expr
        One entry per own action, functions of the parameters and ``others``.
    """

    model: Model
    player: Player
    size: sp.Symbol
    others: tuple[sp.Expr, ...]
    reward: tuple[sp.Expr, ...]
    cost: tuple[sp.Expr, ...]
    payoff: tuple[sp.Expr, ...]

    @property
    def actions(self) -> tuple[str, ...]:
        return self.player.actions

    @property
    def others_text(self) -> str:
        """How many other members there are, as text: ``4`` or ``(members - 1)``."""
        n = self.size - 1
        return sp.sstr(n) if n.is_number else f"({sp.sstr(n)})"

    @property
    def count_symbols(self) -> tuple[sp.Symbol, ...]:
        """The free count symbols (all actions but the last)."""
        return tuple(k for k in self.others[:-1] if isinstance(k, sp.Symbol))

    @property
    def k(self) -> sp.Symbol:
        """With two actions: the number of others taking the first action."""
        if len(self.actions) != 2:
            raise ModelError("k is defined for populations with two actions")
        return self.count_symbols[0]

    def gain(self) -> sp.Expr:
        """``D(k) = u_first(k) - u_second(k)`` (two actions)."""
        if len(self.actions) != 2:
            raise ModelError("the gain D(k) is defined for populations with two actions")
        return tidy(self.payoff[0] - self.payoff[1])

    def substitution(self, values: Mapping[str, object]) -> dict[sp.Symbol, sp.Expr]:
        return {
            self.model.symbols[k]: sp.Rational(str(v))
            for k, v in values.items()
            if k in self.model.symbols
        }

    def members(self, values: Mapping[str, object]) -> int:
        return int(Fraction(str(values[self.size.name])))

    def payoff_table(self, values: Mapping[str, object]) -> list[list[sp.Rational]]:
        """Exact payoffs at a point by own action (rows) and ``k`` = others taking the
        first action (columns ``0 .. members - 1``), for two actions.

        Examples
        --------
        >>> from theory.models import get_model
        >>> g = population_game(get_model("volunteers"))
        >>> g.payoff_table({"members": 3, "benefit": 2, "cost": 1})
        [[1, 1, 1], [0, 2, 2]]
        """
        n = self.members(values)
        sub = self.substitution(values)
        k = self.k
        return [[sp.Rational(u.subs(sub).subs(k, j)) for j in range(n)] for u in self.payoff]


def _cohorts(value: object, sizes: tuple[sp.Expr, ...]) -> Cohorts:
    return Cohorts(np.array([value] * len(sizes), dtype=object), sizes)


@cache
def population_game(model: Model) -> PopulationGame:
    """Derive a member's payoffs through counts.

    Examples
    --------
    >>> from theory.models import get_model
    >>> g = population_game(get_model("volunteers"))
    >>> g.payoff
    (benefit - cost, Piecewise((benefit, k_verify >= 1), (0, True)))
    """
    if not model.is_population_game:
        raise ModelError(f"model {model.name}: not a game of one population")
    if model.many_rounds:
        raise ModelError(f"model {model.name}: a many-round model is analysed by theory.rounds")
    (pop,) = model.players
    p = model.symbolic_parameters()
    size = model.symbols[pop.population]  # type: ignore[index]
    m = pop.n_actions
    ks = [sp.Symbol(f"k_{a}", integer=True, nonnegative=True) for a in pop.actions[:-1]]
    others = (*ks, size - 1 - sum(ks))
    sizes = (sp.Integer(1), *others)
    rewards, costs, payoffs = [], [], []
    for own in range(m):
        state: dict[str, object] = {}
        for v in model.state:
            init = v.initial_value(p)
            state[v.name] = _cohorts(init, sizes) if v.per_member else init
        flags = _cohorts(None, sizes)
        flags[0] = pop.encode(own)
        for j in range(m):
            flags[1 + j] = pop.encode(j)
        state[pop.flag] = flags
        for _ in range(model.stage_steps):
            state = model.step(p, state, (flags,))
        ((r, c),) = model.rewards_costs(p, state)
        r0 = r[0] if isinstance(r, np.ndarray) else r
        c0 = c[0] if isinstance(c, np.ndarray) else c
        rewards.append(tidy(r0))
        costs.append(tidy(c0))
        payoffs.append(tidy(r0 - c0))
    return PopulationGame(
        model, pop, size, tuple(others), tuple(rewards), tuple(costs), tuple(payoffs)
    )
