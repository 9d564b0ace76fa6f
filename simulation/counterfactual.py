"""What an agent would have got: the model's own mechanisms stepped from the current state
with every action profile, read through the players' reward and cost functions.

This is the one counterfactual a simulated agent may compute (docs/design.md, "The two
sides must be able to disagree"): it knows the rules of the game and
the state it sees, not the theory's derived matrices or equilibria. For a model whose
payoffs follow the actions with a lag, the profile is held for the model's
``stage_steps`` steps, as the agent would have to wait for the consequences.

Tables are arrays over the profiles of the single players, one per player, with any
leading axes of the state (runs in the batched engine) first.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any

import numpy as np

from theory.errors import ModelError
from theory.model import Model, Namespace


def payoff_tables(
    model: Model, p: Namespace, state: dict[str, Any]
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """``(rewards, costs)``: per player an array ``(..., m_1, ..., m_n)`` of the reward
    (cost) it would get if the profile were played from ``state``.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("inspection")
    >>> p = m.params(m.defaults(), numeric=True)
    >>> r, c = payoff_tables(m, p, m.initial_state(p))
    >>> (r[1] - c[1]).tolist()  # the cheater: cheat & verified -> -P; unverified -> G
    [[-4.0, 0.0], [1.0, 0.0]]
    """
    if model.populations:
        raise ModelError(
            f"model {model.name}: belief learners evaluate every profile of single players; "
            "a population's members learn from their own payoffs (reinforcement, q-learning, roi)"
        )
    shape = tuple(pl.n_actions for pl in model.players)
    lead = np.shape(state[model.players[0].flag])
    profiles = np.array(list(itertools.product(*(range(m) for m in shape))))  # (P, n)
    P = len(profiles)
    # every profile at once: a leading axis of profiles on every state variable and action
    stacked = (P,) + tuple(lead)
    s = {k: np.broadcast_to(np.asarray(v), (P,) + np.shape(v)) for k, v in state.items()}
    encoded = tuple(
        pl.encode(np.broadcast_to(profiles[:, k].reshape((P,) + (1,) * len(lead)), stacked))
        for k, pl in enumerate(model.players)
    )
    for _ in range(model.stage_steps):
        s = model.step(p, s, encoded)
    rewards: list[np.ndarray] = []
    costs: list[np.ndarray] = []
    for r, c in model.rewards_costs(p, s):
        for out, x in ((rewards, r), (costs, c)):
            x = np.broadcast_to(np.asarray(x, dtype=float), stacked).reshape(shape + tuple(lead))
            out.append(np.moveaxis(x, tuple(range(len(shape))), tuple(range(-len(shape), 0))))
    return tuple(rewards), tuple(costs)


Tables = tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]
_TABLES: weakref.WeakKeyDictionary[Model, dict[tuple[Any, ...], Tables]] = (
    weakref.WeakKeyDictionary()
)
_TABLES_KEPT = 2  # a run reads one entry at every step; a few more would only hold memory


def tables_at(model: Model, p: Namespace, state: dict[str, Any]) -> Tables:
    """:func:`payoff_tables`, computed once per parameter values and shape when the
    model is :attr:`~theory.model.Model.stationary` (the tables are then the same at
    every state), at every call otherwise. The memo belongs to the model object (it goes
    when the model goes), so a new model never reads another's tables."""
    if not model.stationary:
        return payoff_tables(model, p, state)
    values = object.__getattribute__(p, "_values")
    key = (
        np.shape(state[model.players[0].flag]),
        tuple((k, np.asarray(v).tobytes(), np.shape(v)) for k, v in sorted(values.items())),
    )
    memo = _TABLES.setdefault(model, {})
    hit = memo.get(key)
    if hit is None:
        hit = payoff_tables(model, p, state)
        if len(memo) >= _TABLES_KEPT:
            memo.pop(next(iter(memo)))
        memo[key] = hit
    return hit


def own_first(table: np.ndarray, player: int, n_players: int) -> np.ndarray:
    """Move ``player``'s action axis to the front of the profile axes."""
    lead = table.ndim - n_players
    return np.moveaxis(table, lead + player, lead)
