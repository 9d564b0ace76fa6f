"""What an agent would have got: the model's own mechanisms stepped from the current state
with every action profile, read through the players' reward and cost functions.

This is the one counterfactual a simulated agent may compute (DESIGN.md: "at most a
counterfactual step of the model's own mechanisms"): it knows the rules of the game and
the state it sees, not the theory's derived matrices or equilibria. For a model whose
payoffs follow the actions with a lag, the profile is held for the model's
``stage_steps`` steps, as the agent would have to wait for the consequences.

Tables are arrays over the profiles of the single players, one per player, with any
leading axes of the state (runs in the batched engine) first.
"""

from __future__ import annotations

import itertools
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
    rewards = [np.zeros(lead + shape) for _ in model.players]
    costs = [np.zeros(lead + shape) for _ in model.players]
    for profile in itertools.product(*(range(m) for m in shape)):
        encoded = tuple(
            pl.encode(np.full(lead, i) if lead else i) for pl, i in zip(model.players, profile)
        )
        s = dict(state)
        for _ in range(model.stage_steps):
            s = model.step(p, s, encoded)
        for k, (r, c) in enumerate(model.rewards_costs(p, s)):
            at: Any = (..., *profile)
            rewards[k][at] = np.broadcast_to(np.asarray(r, dtype=float), lead)
            costs[k][at] = np.broadcast_to(np.asarray(c, dtype=float), lead)
    return tuple(rewards), tuple(costs)


def own_first(table: np.ndarray, player: int, n_players: int) -> np.ndarray:
    """Move ``player``'s action axis to the front of the profile axes."""
    lead = table.ndim - n_players
    return np.moveaxis(table, lead + player, lead)
