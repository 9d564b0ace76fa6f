"""Payoff-based learners: each agent sees only the reward and cost it received after its
own action (the seed's ROI feedback), never a payoff matrix or an equilibrium.

* ``reinforcement``: Cross's rule, the probability of the action taken moves toward 1 by
  ``learning_rate x x`` where ``x`` in [0, 1] is the payoff normalised by the range the
  agent has experienced (Cross 1973; Borgers and Sarin, "Learning through reinforcement
  and replicator dynamics", JET 77, 1997: its mean motion is the replicator dynamics;
  Erev and Roth, AER 88, 1998, for cumulative propensities). Each probability is kept
  at least ``exploration / m``: without that floor the sampling noise drifts the orbits
  around a mixed equilibrium outward until play is absorbed near a corner (measured on
  the inspection game; with it, time averages settle at the equilibrium);
* ``q-learning``: action values ``Q <- Q + learning_rate (payoff - Q)`` for the action
  taken, Boltzmann choice at ``temperature`` x the experienced payoff range (Watkins 1989;
  its rest points are the logit quantal response equilibria: Tuyls, 't Hoen and
  Vanschoenwinkel, JAAMAS 12, 2006; Kianercy and Galstyan, PRE 85, 2012);
* ``roi``: the seed's own rule made to learn: each action's average experienced reward
  and cost, the action with the largest ``reward - (1 + theta) x cost`` taken (ties to the
  last action, so acting must strictly clear the hurdle), and with probability
  ``exploration`` an action drawn at random so every action keeps being sampled.

In a many-round model the values are kept per round of the game and learned from the
return (this round's payoff plus the discounted value of the next round's action, as in
SARSA: Rummery and Niranjan 1994), so a member learns what defaulting after its turn is
worth over the rest of the game; games are played in sequence and the experience carries
over. Where the model says a decision is not learned (``Model.learns``), the agent plays
the model's first profile. All state lives in arrays ``(..., agents, rounds, actions)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from simulation.choice import expand, from_probabilities, greedy_last, softmax
from theory.model import Model, Namespace, Player

NAMES = ("reinforcement", "q-learning", "roi")


def width(model: Model, pl: Player, p: Namespace) -> int:
    return 1 if pl.population is None else int(getattr(p, pl.population))


def agents(x: Any, pl: Player) -> np.ndarray:
    """A player-level value as agents ``(..., width)``."""
    arr = np.asarray(x)
    return arr[..., None] if pl.population is None else arr


def player(x: np.ndarray, pl: Player) -> Any:
    """Agents ``(..., width)`` back to the player's layout."""
    if pl.population is None:
        out = x[..., 0]
        return out if out.ndim else out.item()
    return x


def _k(name: str, pl: Player, field: str) -> str:
    return f"{name}:{pl.name}:{field}"


def initial_state(name: str, model: Model, p: Namespace, rounds: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pl in model.players:
        w, m = width(model, pl, p), pl.n_actions
        shape = (w, rounds, m)
        if name == "reinforcement":
            out[_k(name, pl, "probs")] = np.full(shape, 1.0 / m)
            out[_k(name, pl, "values")] = np.zeros(shape)  # returns, to bootstrap from
        elif name == "q-learning":
            out[_k(name, pl, "values")] = np.zeros(shape)
        else:
            out[_k(name, pl, "reward")] = np.zeros(shape)
            out[_k(name, pl, "cost")] = np.zeros(shape)
            out[_k(name, pl, "count")] = np.zeros(shape)
        out[_k(name, pl, "low")] = np.full(w, np.inf)
        out[_k(name, pl, "high")] = np.full(w, -np.inf)
        out[_k(name, pl, "prev_action")] = np.zeros(w)
        out[_k(name, pl, "prev_reward")] = np.zeros(w)
        out[_k(name, pl, "prev_cost")] = np.zeros(w)
        out[_k(name, pl, "has_prev")] = np.zeros(w, dtype=bool)
    return out


def _at(table: np.ndarray, r: int) -> np.ndarray:
    return np.asarray(table)[..., r, :]


def _theta(model: Model, p: Namespace) -> Any:
    return p.theta if "theta" in {q.name for q in model.parameters} else 0.0


def _scale(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    span = np.asarray(high) - np.asarray(low)
    return np.where(np.isfinite(span) & (span > 0), span, np.inf)


def decide(
    name: str,
    model: Model,
    p: Namespace,
    s: Namespace,
    pp: Namespace,
    draw: Callable[[Any], Any],
    r: int,
) -> tuple[Any, ...]:
    """Each player's encoded action for round ``r`` of the game."""
    fixed = model.profiles[0].decide(p, s) if model.learns is not None else None
    learned = model.learns(p, s) if model.learns is not None else None
    acts = []
    for k, pl in enumerate(model.players):
        w = np.shape(getattr(s, _k(name, pl, "low")))[-1]
        u = np.asarray(draw(1000 * k + np.arange(w)))
        if name == "reinforcement":
            index = from_probabilities(_at(getattr(s, _k(name, pl, "probs")), r), u)
        elif name == "q-learning":
            q = _at(getattr(s, _k(name, pl, "values")), r)
            temp = pp.temperature * _scale(getattr(s, _k(name, pl, "low")),
                                           getattr(s, _k(name, pl, "high")))
            index = from_probabilities(softmax(q, temp), u)
        else:
            cost = _at(getattr(s, _k(name, pl, "cost")), r)
            theta = expand(_theta(model, p), cost.ndim)
            value = _at(getattr(s, _k(name, pl, "reward")), r) - (1 + theta) * cost
            index = greedy_last(value)
            explore = np.asarray(draw(500_000 + 1000 * k + np.arange(w))) < float(pp.exploration)
            index = np.where(explore, np.minimum((u * pl.n_actions).astype(np.int64),
                                                 pl.n_actions - 1), index)
        if learned is not None:
            index = np.where(agents(learned[k], pl), index, agents(pl.decode(fixed[k]), pl))
        acts.append(pl.encode(player(np.asarray(index, dtype=np.int64), pl)))
    return tuple(acts)


def _onehot(a: np.ndarray, m: int) -> np.ndarray:
    return (a[..., None] == np.arange(m)).astype(float)


def update(
    name: str,
    model: Model,
    p: Namespace,
    s: Namespace,
    after: dict[str, Any],
    acts: tuple[Any, ...],
    pp: Namespace,
    r: int,
    rounds: int,
) -> dict[str, Any]:
    """Learn from this round's own reward and cost (and, in a many-round model, bootstrap
    the previous round's value from this one's)."""
    out: dict[str, Any] = {}
    d_all = model.discount(p) if model.discount is not None and rounds > 1 else 1.0
    for pl, (rew, cost), act in zip(model.players, model.rewards_costs(p, after), acts):
        m = pl.n_actions
        a = agents(pl.decode(act), pl).astype(np.int64)
        lead = a.shape
        rew = np.broadcast_to(agents(np.asarray(rew, dtype=float), pl), lead)
        cost = np.broadcast_to(agents(np.asarray(cost, dtype=float), pl), lead)
        d = np.asarray(d_all, dtype=float)
        if d.ndim and pl.population is None:
            d = d[..., None]  # a per-run factor, for the player's one agent
        d = np.broadcast_to(d, lead)
        has_prev = np.asarray(getattr(s, _k(name, pl, "has_prev")), dtype=bool)
        prev_a = np.asarray(getattr(s, _k(name, pl, "prev_action"))).astype(np.int64)
        prev_r = np.asarray(getattr(s, _k(name, pl, "prev_reward")), dtype=float)
        prev_c = np.asarray(getattr(s, _k(name, pl, "prev_cost")), dtype=float)
        low = np.asarray(getattr(s, _k(name, pl, "low")), dtype=float)
        high = np.asarray(getattr(s, _k(name, pl, "high")), dtype=float)
        # (round, action, reward target, cost target) pairs to learn from this step
        steps: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        tables = _tables(name, pl, s)
        if r > 0:
            nr, nc = _next_values(name, pl, tables, r, a, model, p)
            steps.append((r - 1, prev_a, prev_r + d * nr, prev_c + d * nc, has_prev))
        if r == rounds - 1:
            steps.append((r, a, rew, cost, np.ones(lead, dtype=bool)))
        for rr, aa, tr, tc, live in steps:
            net = tr - tc
            low = np.where(live, np.minimum(low, net), low)
            high = np.where(live, np.maximum(high, net), high)
            tables = _learn(name, tables, rr, aa, tr, tc, live, low, high, pp, m)
        out.update({_k(name, pl, f): v for f, v in tables.items()})
        terminal = r == rounds - 1
        out[_k(name, pl, "prev_action")] = a.astype(float)
        out[_k(name, pl, "prev_reward")] = rew
        out[_k(name, pl, "prev_cost")] = cost
        out[_k(name, pl, "has_prev")] = np.full(lead, not terminal)
        out[_k(name, pl, "low")] = low
        out[_k(name, pl, "high")] = high
    return out


def _tables(name: str, pl: Player, s: Namespace) -> dict[str, np.ndarray]:
    fields = {"reinforcement": ("probs", "values"), "q-learning": ("values",)}.get(
        name, ("reward", "cost", "count")
    )
    return {f: np.array(getattr(s, _k(name, pl, f)), dtype=float) for f in fields}


def _next_values(
    name: str,
    pl: Player,
    tables: dict[str, np.ndarray],
    r: int,
    a: np.ndarray,
    model: Model,
    p: Namespace,
) -> tuple[np.ndarray, np.ndarray]:
    """The value (reward and cost parts) of this round's action, to bootstrap the last."""
    idx = a[..., None]
    if name == "roi":
        nr = np.take_along_axis(_at(tables["reward"], r), idx, -1)[..., 0]
        nc = np.take_along_axis(_at(tables["cost"], r), idx, -1)[..., 0]
        return nr, nc
    return np.take_along_axis(_at(tables["values"], r), idx, -1)[..., 0], np.zeros(a.shape)


def _learn(
    name: str,
    tables: dict[str, np.ndarray],
    r: int,
    a: np.ndarray,
    target_r: np.ndarray,
    target_c: np.ndarray,
    live: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    pp: Namespace,
    m: int,
) -> dict[str, np.ndarray]:
    hot = _onehot(a, m) * live[..., None]
    if name == "q-learning":
        q = _at(tables["values"], r)
        taken = (q * hot).sum(-1)
        q = q + hot * float(pp.learning_rate) * ((target_r - target_c) - taken)[..., None]
        tables["values"][..., r, :] = q
    elif name == "reinforcement":
        probs = _at(tables["probs"], r)
        span = high - low
        x = np.where(span > 0, ((target_r - target_c) - low) / np.where(span > 0, span, 1), 0.5)
        step = float(pp.learning_rate) * np.clip(x, 0.0, 1.0) * live
        probs = probs + step[..., None] * (hot - probs * live[..., None])
        floor = float(pp.exploration) / m
        probs = np.clip(probs, floor, 1.0 - (m - 1) * floor)
        tables["probs"][..., r, :] = probs / probs.sum(axis=-1, keepdims=True)
        q = _at(tables["values"], r)
        taken = (q * hot).sum(-1)
        q = q + hot * float(pp.learning_rate) * ((target_r - target_c) - taken)[..., None]
        tables["values"][..., r, :] = q
    else:
        count = _at(tables["count"], r) + hot
        for f, target in (("reward", target_r), ("cost", target_c)):
            v = _at(tables[f], r)
            taken = (v * hot).sum(-1)
            step = hot / np.where(count > 0, count, 1)
            tables[f][..., r, :] = v + step * (target - taken)[..., None]
        tables["count"][..., r, :] = count
    return tables
