"""Belief learners: an agent estimates how often each other player takes each action from
what it has observed, evaluates its own actions by stepping the model's mechanisms from
the state it sees (:mod:`simulation.counterfactual`), and feeds the estimate back into its
decision, the seed's ROI hurdle included: it takes the action that maximises expected
``reward - (1 + theta) x cost``, ties going to the last action.

* ``last-observation``: the others repeat their last action (simultaneous myopic best
  response, which cycles in inspection games);
* ``fictitious-play``: the running frequency of their past actions (Brown 1951; converges
  in time average in non-degenerate 2 x 2 games, Miyasawa 1961);
* ``ema``: an exponentially weighted frequency with weight ``memory`` on the newest;
* ``logit``: fictitious-play beliefs with a logit choice of noise ``noise`` x the payoff
  range (McKelvey and Palfrey 1995; Fudenberg and Kreps 1993).

Beliefs live in state variables (``belief:<player>:<other>`` and ``observations``): no
step scans the history, and the same functions run on floats in cadCAD and on arrays of
runs in the batched engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from simulation.choice import expand, from_probabilities, greedy_last, softmax
from simulation.counterfactual import own_first, tables_at
from theory.model import Model, Namespace

NAMES = ("last-observation", "fictitious-play", "ema", "logit")


def _key(model: Model, k: int, j: int) -> str:
    return f"belief:{model.players[k].name}:{model.players[j].name}"


def _one_hot(index: Any, m: int) -> np.ndarray:
    idx = np.asarray(index)
    return (idx[..., None] == np.arange(m)).astype(float)


def initial_state(model: Model, genesis: dict[str, Any]) -> dict[str, Any]:
    """Beliefs start at the others' genesis actions, with the weight of one observation."""
    out: dict[str, Any] = {}
    for k in range(len(model.players)):
        for j, other in enumerate(model.players):
            if j != k:
                seen = other.decode(genesis[other.flag])
                out[_key(model, k, j)] = _one_hot(seen, other.n_actions)
    out["observations"] = 1.0
    return out


def _beliefs(name: str, model: Model, s: Namespace, k: int) -> list[np.ndarray]:
    out = []
    for j, other in enumerate(model.players):
        if j == k:
            continue
        if name == "last-observation":
            out.append(_one_hot(other.decode(getattr(s, other.flag)), other.n_actions))
        else:
            out.append(np.asarray(getattr(s, _key(model, k, j)), dtype=float))
    return out


def decide(
    name: str,
    model: Model,
    p: Namespace,
    s: Namespace,
    state: dict[str, Any],
    pp: Namespace,
    draw: Callable[[Any], Any],
) -> tuple[Any, ...]:
    """Each player's encoded action for this timestep."""
    rewards, costs = tables_at(model, p, state)
    n = len(model.players)
    theta = p.theta if "theta" in {q.name for q in model.parameters} else 0.0
    lead = np.shape(rewards[0])[: np.ndim(rewards[0]) - n]
    scale = None
    if name == "logit":  # the noise is a fraction of the largest payoff range at this state
        scale = np.max(
            [np.ptp(np.reshape(r - c, lead + (-1,)), axis=-1) for r, c in zip(rewards, costs)],
            axis=0,
        )
    acts = []
    for k, pl in enumerate(model.players):
        R = own_first(rewards[k], k, n)
        C = own_first(costs[k], k, n)
        beliefs = _beliefs(name, model, s, k)
        value = _contract(R - (1 + expand(theta, R.ndim)) * C, beliefs)
        if name == "logit":
            assert scale is not None
            probs = softmax(value, pp.noise * np.maximum(scale, 1e-12))
            index = from_probabilities(probs, np.asarray(draw(1000 * k)))
        else:
            index = greedy_last(value)
        acts.append(pl.encode(index if np.ndim(index) else int(index)))
    return tuple(acts)


def _contract(table: np.ndarray, beliefs: list[np.ndarray]) -> np.ndarray:
    """``table`` has axes ``(..., own, other_1, ..., other_{n-1})``; average the others'
    axes under independent beliefs ``(..., m_j)``."""
    out = table
    for b in reversed(beliefs):
        # the last axis of `out` is this other player's
        if out.ndim == b.ndim + 1:
            out = np.einsum("...ij,...j->...i", out, b)
            continue
        bb = b.reshape(b.shape[:-1] + (1,) * (out.ndim - b.ndim) + b.shape[-1:])
        out = (out * bb).sum(axis=-1)
    return out


def update(
    name: str, model: Model, s: Namespace, acts: tuple[Any, ...], pp: Namespace
) -> dict[str, Any]:
    """New beliefs after observing this timestep's actions."""
    n_obs = s.observations
    out: dict[str, Any] = {"observations": n_obs + 1.0}
    for k in range(len(model.players)):
        for j, other in enumerate(model.players):
            if j == k:
                continue
            key = _key(model, k, j)
            q = np.asarray(getattr(s, key), dtype=float)
            seen = _one_hot(other.decode(acts[j]), other.n_actions)
            if name == "ema":
                out[key] = q + float(pp.memory) * (seen - q)
            elif name == "last-observation":
                out[key] = seen
            else:  # fictitious-play and logit: the running frequency
                weight = 1.0 / (np.asarray(n_obs, dtype=float) + 1.0)
                out[key] = q + (seen - q) * np.reshape(weight, np.shape(weight) + (1,))
    return out
