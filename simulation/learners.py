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
  ``exploration`` an action drawn at random so every action keeps being sampled (in a
  many-round model the average weighs recent returns, see :data:`RECENCY`).

In a many-round model the values are kept per round of the game and per *situation* the
agent can tell apart (``Model.situations``: for a circle's member, due before its turn,
due after it, or not due), and learned from the return: this round's payoff plus the
discounted value of the next round's action, as in SARSA (Rummery and Niranjan 1994), so
a member learns what defaulting after its turn is worth over the rest of the game. Games
are played in sequence and the experience carries over. Where the model says a decision
is not learned (``Model.learns``), the agent plays the model's first profile. All state
lives in arrays ``(..., agents, rounds x situations, actions)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from simulation.choice import expand, from_probabilities, greedy_last, softmax
from theory.model import Model, Namespace, Player

NAMES = ("reinforcement", "q-learning", "roi")
RECENCY = 0.02
"""In a many-round model ``roi``'s averages give each new return at least this weight:
the returns are bootstrapped from later rounds' values, which change as those are
learned, so an average over all history would keep the early, wrong ones (Sutton and
Barto, *Reinforcement Learning*, 2018, section 2.5)."""


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


def _fields(name: str) -> tuple[str, ...]:
    return {"reinforcement": ("probs", "values"), "q-learning": ("values",)}.get(
        name, ("reward", "cost", "count")
    )


def initial_state(name: str, model: Model, p: Namespace, rounds: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    rows = rounds * model.n_situations
    for pl in model.players:
        w, m = width(model, pl, p), pl.n_actions
        for f in _fields(name):
            out[_k(name, pl, f)] = np.full((w, rows, m), 1.0 / m if f == "probs" else 0.0)
        out[_k(name, pl, "low")] = np.full(w, np.inf)
        out[_k(name, pl, "high")] = np.full(w, -np.inf)
        out[_k(name, pl, "prev_row")] = np.zeros(w)
        out[_k(name, pl, "prev_action")] = np.zeros(w)
        out[_k(name, pl, "prev_reward")] = np.zeros(w)
        out[_k(name, pl, "prev_cost")] = np.zeros(w)
        out[_k(name, pl, "has_prev")] = np.zeros(w, dtype=bool)
    return out


def rows(model: Model, p: Namespace, s: Namespace, r: int) -> list[np.ndarray]:
    """Per player, each agent's row of the value tables: round ``r`` and the situation
    the agent is in before the step."""
    if model.situations is None:
        return [np.asarray(r) for _ in model.players]
    sits = model.situations(p, s)
    out = []
    for pl, sit in zip(model.players, sits):
        out.append(r * model.n_situations + agents(np.asarray(sit), pl).astype(np.int64))
    return out


def _row(table: np.ndarray, row: np.ndarray) -> np.ndarray:
    """The ``(..., agents, actions)`` slice of ``table`` at each agent's row."""
    table = np.asarray(table)
    if np.ndim(row) == 0:
        return table[..., int(row), :]
    idx = np.broadcast_to(np.asarray(row), table.shape[:-2])[..., None, None]
    return np.take_along_axis(table, idx, axis=-2)[..., 0, :]


def _put(table: np.ndarray, row: np.ndarray, values: np.ndarray) -> None:
    if np.ndim(row) == 0:
        table[..., int(row), :] = values
        return
    idx = np.broadcast_to(np.asarray(row), table.shape[:-2])[..., None, None]
    np.put_along_axis(table, idx, values[..., None, :], axis=-2)


def _theta(model: Model, p: Namespace) -> Any:
    return p.theta if "theta" in {q.name for q in model.parameters} else 0.0


def _scale(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    span = np.asarray(high) - np.asarray(low)
    return np.where(np.isfinite(span) & (span > 0), span, np.inf)


def _hurdle_values(name: str, model: Model, p: Namespace, s: Namespace, pl: Player, row: Any):
    cost = _row(getattr(s, _k(name, pl, "cost")), row)
    theta = expand(_theta(model, p), cost.ndim)
    return _row(getattr(s, _k(name, pl, "reward")), row) - (1 + theta) * cost


def _greedy_values(name: str, model: Model, p: Namespace, s: Namespace, pl: Player, row: Any):
    if name == "reinforcement":
        return _row(getattr(s, _k(name, pl, "probs")), row)
    if name == "q-learning":
        return _row(getattr(s, _k(name, pl, "values")), row)
    return _hurdle_values(name, model, p, s, pl, row)


def decide(
    name: str,
    model: Model,
    p: Namespace,
    s: Namespace,
    pp: Namespace,
    draw: Callable[[Any], Any],
    r: int,
    greedy: bool = False,
) -> tuple[Any, ...]:
    """Each player's encoded action for round ``r`` of the game; ``greedy`` reads out what
    was learned (the best action by the learner's own values, no exploration)."""
    fixed = model.profiles[0].decide(p, s) if model.learns is not None else None
    learned = model.learns(p, s) if model.learns is not None else None
    acts = []
    for k, (pl, row) in enumerate(zip(model.players, rows(model, p, s, r))):
        w = np.shape(getattr(s, _k(name, pl, "low")))[-1]
        u = np.asarray(draw(1000 * k + np.arange(w)))
        if greedy:
            index = greedy_last(_greedy_values(name, model, p, s, pl, row))
        elif name == "reinforcement":
            index = from_probabilities(_row(getattr(s, _k(name, pl, "probs")), row), u)
        elif name == "q-learning":
            q = _row(getattr(s, _k(name, pl, "values")), row)
            temp = float(pp.temperature) * _scale(
                getattr(s, _k(name, pl, "low")), getattr(s, _k(name, pl, "high"))
            )
            index = from_probabilities(softmax(q, temp), u)
        else:
            index = greedy_last(_hurdle_values(name, model, p, s, pl, row))
            explore = np.asarray(draw(500_000 + 1000 * k + np.arange(w))) < float(pp.exploration)
            random = np.minimum((u * pl.n_actions).astype(np.int64), pl.n_actions - 1)
            index = np.where(explore, random, index)
        if learned is not None and fixed is not None:
            index = np.where(agents(learned[k], pl), index, agents(pl.decode(fixed[k]), pl))
        acts.append(pl.encode(player(np.asarray(index, dtype=np.int64), pl)))
    return tuple(acts)


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
    here = rows(model, p, s, r)
    flows = model.rewards_costs(p, after)
    for pl, (rew, cost), act, row in zip(model.players, flows, acts, here):
        m = pl.n_actions
        a = agents(pl.decode(act), pl).astype(np.int64)
        lead = a.shape
        if np.ndim(row):  # per-agent rows (situations); a scalar row is one round for all
            row = np.broadcast_to(np.asarray(row), lead)
        rew = _like(agents(np.asarray(rew, dtype=float), pl), lead)
        cost = _like(agents(np.asarray(cost, dtype=float), pl), lead)
        d = np.asarray(d_all, dtype=float)
        if d.ndim and pl.population is None:
            d = d[..., None]  # a per-run factor, for the player's one agent
        d = _like(d, lead)
        has_prev = np.asarray(getattr(s, _k(name, pl, "has_prev")), dtype=bool)
        prev_row = np.asarray(getattr(s, _k(name, pl, "prev_row"))).astype(np.int64)
        prev_a = np.asarray(getattr(s, _k(name, pl, "prev_action"))).astype(np.int64)
        prev_r = np.asarray(getattr(s, _k(name, pl, "prev_reward")), dtype=float)
        prev_c = np.asarray(getattr(s, _k(name, pl, "prev_cost")), dtype=float)
        low = np.asarray(getattr(s, _k(name, pl, "low")), dtype=float)
        high = np.asarray(getattr(s, _k(name, pl, "high")), dtype=float)
        tables = {f: np.array(getattr(s, _k(name, pl, f)), dtype=float) for f in _fields(name)}
        steps = []
        if r > 0:
            nr, nc = _next_values(name, tables, row, a)
            steps.append((prev_row, prev_a, prev_r + d * nr, prev_c + d * nc, has_prev))
        if r == rounds - 1:
            steps.append((row, a, rew, cost, np.ones(lead, dtype=bool)))
        for rr, aa, tr, tc, live in steps:
            net = tr - tc
            low = np.where(live, np.minimum(low, net), low)
            high = np.where(live, np.maximum(high, net), high)
            _learn(name, tables, rr, aa, tr, tc, live, low, high, pp, m, rounds > 1)
        out.update({_k(name, pl, f): v for f, v in tables.items()})
        out[_k(name, pl, "prev_row")] = np.broadcast_to(np.asarray(row, dtype=float), lead)
        out[_k(name, pl, "prev_action")] = a.astype(float)
        out[_k(name, pl, "prev_reward")] = rew
        out[_k(name, pl, "prev_cost")] = cost
        out[_k(name, pl, "has_prev")] = np.full(lead, r != rounds - 1)
        out[_k(name, pl, "low")] = low
        out[_k(name, pl, "high")] = high
    return out


def _like(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return x if x.shape == shape else np.broadcast_to(x, shape)


def _next_values(
    name: str, tables: dict[str, np.ndarray], row: np.ndarray, a: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The value (reward and cost parts) of this round's action, to bootstrap the last."""
    idx = a[..., None]
    if name == "roi":
        nr = np.take_along_axis(_row(tables["reward"], row), idx, -1)[..., 0]
        nc = np.take_along_axis(_row(tables["cost"], row), idx, -1)[..., 0]
        return nr, nc
    return np.take_along_axis(_row(tables["values"], row), idx, -1)[..., 0], np.zeros(a.shape)


def _learn(
    name: str,
    tables: dict[str, np.ndarray],
    row: np.ndarray,
    a: np.ndarray,
    target_r: np.ndarray,
    target_c: np.ndarray,
    live: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    pp: Namespace,
    m: int,
    bootstrapped: bool = False,
) -> None:
    hot = (a[..., None] == np.arange(m)) * live[..., None]
    rate = float(pp.learning_rate) if name != "roi" else 0.0
    # a game's returns change as its later rounds are learned: weigh recent experience
    floor_step = RECENCY if bootstrapped else 0.0
    if name in ("q-learning", "reinforcement"):
        q = _row(tables["values"], row)
        taken = (q * hot).sum(-1)
        _put(tables["values"], row, q + hot * rate * ((target_r - target_c) - taken)[..., None])
    if name == "reinforcement":
        probs = _row(tables["probs"], row)
        span = high - low
        x = np.where(span > 0, ((target_r - target_c) - low) / np.where(span > 0, span, 1), 0.5)
        step = rate * np.clip(x, 0.0, 1.0) * live
        probs = probs + step[..., None] * (hot - probs * live[..., None])
        floor = float(pp.exploration) / m
        probs = np.clip(probs, floor, 1.0 - (m - 1) * floor)
        _put(tables["probs"], row, probs / probs.sum(axis=-1, keepdims=True))
    if name == "roi":
        count = _row(tables["count"], row) + hot
        for f, target in (("reward", target_r), ("cost", target_c)):
            v = _row(tables[f], row)
            taken = (v * hot).sum(-1)
            step = hot * np.maximum(1.0 / np.where(count > 0, count, 1), floor_step)
            _put(tables[f], row, v + step * (target - taken)[..., None])
        _put(tables["count"], row, count)
