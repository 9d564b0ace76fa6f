"""Behaviours: ROI-feedback policies with belief estimators, and the models' own rules.

An ROI-feedback player estimates the probability ``q`` that its opponent acts, from what
it has observed, and computes from the theory's reward and cost matrices (no second copy
of the payoffs) the expected extra reward and extra cost of acting:

    dR(q) = q (R[act, opp acts] - R[idle, opp acts])
            + (1 - q) (R[act, opp idle] - R[idle, opp idle])

and likewise ``dC(q)``. It acts iff ``dR > (1 + theta) dC``, the seed's ROI hurdle; with
``theta = 0`` this is the best response to the belief. Estimators (DOMAIN.md section 3):

* ``last-observation``: ``q`` is the opponent's last action (the demo's one-step estimate:
  simultaneous myopic best response, which cycles in inspection games);
* ``fictitious-play``: ``q`` is the running frequency of the opponent's past actions
  (Brown 1951; converges in time average in non-degenerate 2x2 games, Miyasawa 1961);
* ``ema``: exponentially weighted frequency with weight ``memory`` on the newest action;
* ``logit``: fictitious-play beliefs with a logit choice, ``P(act) = 1 / (1 + exp(-(dR -
  (1 + theta) dC) / (noise x scale)))``; its rest point is the logit quantal response
  equilibrium (McKelvey and Palfrey 1995; Fudenberg and Kreps 1993).

Beliefs live in state variables (``belief_<player>`` and ``observations``), so no step
scans the history. Every function here is arithmetic and ``where``: it runs on floats
inside cadCAD and on arrays in the batched engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from theory.errors import UnknownNameError, unknown
from theory.model import Model, Namespace, Parameter, where
from theory.payoffs import stage_game

ESTIMATORS = ("last-observation", "fictitious-play", "ema", "logit")

POLICY_PARAMETERS = (
    Parameter(
        "memory",
        "0.1",
        "ema policy: weight of the newest observation",
        "1",
        lower_open=True,
        upper="1",
        role="policy",
    ),
    Parameter(
        "noise",
        "0.05",
        "logit policy: choice noise as a fraction of the payoff range",
        "1",
        lower_open=True,
        role="policy",
    ),
)


def policy_names(model: Model) -> tuple[str, ...]:
    return tuple(model.native_policies) + ESTIMATORS


def check_policy(model: Model, name: str) -> str:
    if name not in policy_names(model):
        raise UnknownNameError(
            f"model {model.name}: " + unknown("policy", name, policy_names(model))
        )
    return name


@dataclass(frozen=True)
class Incentives:
    """Per player: extra reward and extra cost of acting, against an acting and an idle
    opponent (floats, or arrays over runs), and the payoff scale for logit noise."""

    d_reward: tuple[tuple[Any, Any], tuple[Any, Any]]
    d_cost: tuple[tuple[Any, Any], tuple[Any, Any]]
    scale: Any


def incentives(model: Model, values: Mapping[str, object]) -> Incentives:
    """The incentives at one parameter point, from the theory's reward and cost matrices."""
    (r0, r1), (c0, c1) = stage_game(model).reward_cost_numeric(values)
    dr, dc = [], []
    for k, (R, C) in enumerate(((r0, c0), (r1, c1))):
        if k == 1:  # own action first
            R, C = R.T, C.T
        dr.append((float(R[0, 0] - R[1, 0]), float(R[0, 1] - R[1, 1])))
        dc.append((float(C[0, 0] - C[1, 0]), float(C[0, 1] - C[1, 1])))
    A, B = stage_game(model).numeric(values)
    scale = float(max(np.ptp(A), np.ptp(B), 1e-12))
    return Incentives((dr[0], dr[1]), (dc[0], dc[1]), scale)


def stack(items: list[Incentives], index: np.ndarray) -> Incentives:
    """Incentives of several points, gathered per run (``index`` maps run to point)."""

    def g(f: Callable[[Incentives], float]) -> np.ndarray:
        return np.array([f(i) for i in items], dtype=float)[index]

    def entry(table: Callable[[Incentives], Any], k: int, j: int) -> np.ndarray:
        return g(lambda i: float(table(i)[k][j]))

    def pairs(table: Callable[[Incentives], Any]) -> Any:
        return tuple(tuple(entry(table, k, j) for j in range(2)) for k in range(2))

    return Incentives(
        pairs(lambda i: i.d_reward), pairs(lambda i: i.d_cost), g(lambda i: float(i.scale))
    )


def _exp(x: Any) -> Any:
    return np.exp(x) if isinstance(x, np.ndarray) else float(np.exp(np.float64(x)))


@dataclass(frozen=True)
class Policy:
    """A behaviour for both players of a model: its extra state, decision and update."""

    model: Model
    name: str

    @property
    def native(self) -> bool:
        return self.name in self.model.native_policies

    def belief_keys(self) -> tuple[str, ...]:
        if self.native:
            return ()
        return tuple(f"belief_{pl.name}" for pl in self.model.players) + ("observations",)

    def initial_state(self) -> dict[str, Any]:
        """Beliefs start at the opponent's genesis action, with the weight of one
        observation."""
        if self.native:
            return {}
        p = self.model.params(self.model.defaults())
        genesis = self.model.initial_state(p)
        players = self.model.players
        return {
            f"belief_{players[0].name}": float(bool(genesis[players[1].flag])),
            f"belief_{players[1].name}": float(bool(genesis[players[0].flag])),
            "observations": 1.0,
        }

    def decide(
        self, p: Namespace, s: Namespace, inc: Incentives, pp: Namespace, draw: Callable[[int], Any]
    ) -> tuple[Any, Any]:
        """Each player's "acts" value for this timestep, from the state before it."""
        if self.native:
            return self.model.native_policies[self.name](p, s, draw)
        acts = []
        for k, pl in enumerate(self.model.players):
            opp = self.model.players[1 - k]
            if self.name == "last-observation":
                q = where(getattr(s, opp.flag), 1.0, 0.0)
            else:
                q = getattr(s, f"belief_{pl.name}")
            (r_on, r_off), (c_on, c_off) = inc.d_reward[k], inc.d_cost[k]
            d_r = q * r_on + (1 - q) * r_off
            d_c = q * c_on + (1 - q) * c_off
            margin = d_r - (1 + p.theta) * d_c
            if self.name == "logit":
                prob = 1.0 / (1.0 + _exp(-margin / (pp.noise * inc.scale)))
                acts.append(draw(k) < prob)
            else:
                acts.append(margin > 0)
        return acts[0], acts[1]

    def update(self, s: Namespace, acts: tuple[Any, Any], pp: Namespace) -> dict[str, Any]:
        """New beliefs after observing this timestep's actions."""
        if self.native:
            return {}
        n = s.observations
        out: dict[str, Any] = {"observations": n + 1.0}
        for k, pl in enumerate(self.model.players):
            key = f"belief_{pl.name}"
            q = getattr(s, key)
            seen = where(acts[1 - k], 1.0, 0.0)
            if self.name == "ema":
                out[key] = q + pp.memory * (seen - q)
            elif self.name == "last-observation":
                out[key] = seen
            else:  # fictitious-play and logit: the running frequency
                out[key] = q + (seen - q) / (n + 1.0)
        return out
