"""The ROSCA circle simulated: every run and every member stepped at once (numpy).

Each round, every active member who has not defaulted decides whether to pay; the
scheduled recipient gets the round's pot (the contributions paid plus any collateral
slashed that round); nothing carries over. Random numbers are the counter-based uniforms
of :mod:`simulation.rng`, keyed by (seed, run, round, member), so runs are reproducible and
independent. Behaviours and levers are described in :mod:`theory.models.rosca_circle`; the
closed forms the results are held against are in :mod:`theory.circle`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from simulation.rng import uniforms
from theory.errors import ParameterError
from theory.models.rosca_circle import CircleModel


def _temptation(n: Any, c: float, d: Any, k: Any) -> np.ndarray:
    """``T_k`` on arrays, ``d`` per member or common (the float twin of
    :data:`theory.circle.TEMPTATION`)."""
    m = np.maximum(np.asarray(n) - k, 0).astype(float)
    d = np.asarray(d, dtype=float)
    one = d == 1.0
    safe = np.where(one, 0.5, d)
    return np.where(one, c * m, c * safe * (1.0 - safe**m) / (1.0 - safe))


def _future(n: Any, c: float, d: Any, k: Any, cycles_left: int) -> np.ndarray:
    """``V_k`` on arrays (:func:`theory.circle.future_value`); 0 where ``d = 1``."""
    d = np.asarray(d, dtype=float)
    shape = np.broadcast(np.asarray(n), np.asarray(k), d).shape
    if cycles_left <= 0:
        return np.zeros(shape)
    one = d == 1.0
    safe = np.where(one, 0.5, d)
    value = np.maximum(0.0, n * c * safe ** (k - 1.0) - c * (1.0 - safe**n) / (1.0 - safe))
    total = sum(safe ** (n - k + 1.0 + (m - 1.0) * n) * value for m in range(1, cycles_left + 1))
    return np.where(one, 0.0, np.broadcast_to(total, shape))


@dataclass(frozen=True, eq=False)
class CircleExperiment:
    """What to simulate on the circle."""

    model: CircleModel
    values: dict[str, Fraction]
    options: dict[str, Any] = field(default_factory=dict)
    policy: str | None = None
    runs: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        policy = self.policy or self.model.default_policy
        if policy not in self.model.policies:
            raise ParameterError(
                f"model {self.model.name}: unknown policy '{policy}'; "
                f"allowed: {', '.join(self.model.policies)}"
            )
        object.__setattr__(self, "policy", policy)
        if isinstance(self.runs, bool) or not isinstance(self.runs, int) or self.runs < 1:
            raise ParameterError(f"runs must be a positive integer, got {self.runs!r}")
        opts: dict[str, Any] = {o.name: o.default for o in self.model.options}
        opts["collateral_schedule"] = opts["member_discounts"] = ()
        opts.update(self.options)
        object.__setattr__(self, "options", opts)
        self.model.check(self.values, opts)

    @property
    def policy_name(self) -> str:
        return str(self.policy)

    @property
    def n_steps(self) -> int:
        return self.model.default_steps(self.values)


@dataclass(frozen=True, eq=False)
class CircleRun:
    """Recorded arrays: per round ``(rounds, runs)``, per member ``(rounds, runs, n)``."""

    experiment: CircleExperiment
    cycle: np.ndarray
    round: np.ndarray  # 1-based round within the cycle
    real: np.ndarray  # (rounds, runs): the round had a recipient
    recipient: np.ndarray
    pot: np.ndarray
    contributions: np.ndarray
    expected: np.ndarray  # n_active * c
    paid: np.ndarray
    missed: np.ndarray
    position: np.ndarray
    collateral: np.ndarray
    net: np.ndarray  # (runs, n) received - paid - slashed - sanctions, all cycles


def member_discounts(exp: CircleExperiment) -> np.ndarray:
    """Each member's discount factor: ``member_discounts`` when given, else ``discount``."""
    given = exp.options.get("member_discounts") or ()
    n = int(exp.values["members"])
    return np.array([float(x) for x in given] if given else [float(exp.values["discount"])] * n)


RECORDED = (
    "cycle",
    "round",
    "real",
    "recipient",
    "pot",
    "contributions",
    "expected",
    "paid",
    "missed",
    "position",
    "collateral",
)


def initial_state(exp: CircleExperiment, runs: np.ndarray) -> dict[str, np.ndarray]:
    """The circle's state for the given global run numbers (a leading run axis)."""
    n, R = int(exp.values["members"]), len(runs)
    zeros = np.zeros((R, n))
    return {
        "rating": np.ones((R, n)),
        "excluded": np.zeros((R, n), dtype=bool),
        "paid_total": zeros,
        "received_total": zeros,
        "lost_total": zeros,
        "misses_seen": np.zeros(R),
        "dues_seen": np.zeros(R),
        "order": np.zeros((R, n), dtype=np.int64),
        "position": np.zeros((R, n), dtype=np.int64),
        "held": zeros,
        "V": zeros,
        "n_a": np.zeros(R, dtype=np.int64),
        "defaulted": np.zeros((R, n), dtype=bool),
        "cycle": np.zeros(R, dtype=np.int64),
        "round": np.zeros(R, dtype=np.int64),
        "real": np.zeros(R, dtype=bool),
        "recipient": np.zeros(R, dtype=np.int64),
        "pot": np.zeros(R),
        "contributions": np.zeros(R),
        "expected": np.zeros(R),
        "paid": np.zeros((R, n), dtype=bool),
        "missed": np.zeros((R, n), dtype=bool),
        "collateral": zeros,
    }


def circle_step(
    exp: CircleExperiment, state: dict[str, np.ndarray], runs: np.ndarray, g: int
) -> dict[str, np.ndarray]:
    """Global round ``g`` (0-based) of every run in ``runs``: a new state, inputs untouched.

    Both engines call this: the batched one with all runs, cadCAD with one run a subset.
    """
    s = {k: np.array(v, copy=True) for k, v in state.items()}
    v = {k: float(x) for k, x in exp.values.items()}
    n, c, S = int(v["members"]), v["contribution"], v["sanction"]
    d = member_discounts(exp)[None, :]  # each member's own discount factor
    cycles, theta, p = int(v["cycles"]), v["theta"], v["default_probability"]
    gate = int(v["rating_gate"]) == 1
    R = len(runs)
    run_ids = np.asarray(runs)[:, None]
    members = np.arange(n)[None, :]
    mode = exp.options["collateral_mode"]
    scale = v["collateral_scale"]
    cyc, slot = divmod(g, n)
    if slot == 0:  # a new cycle: exclusion, order, positions, collateral
        if cyc > 0 and gate:
            s["excluded"] |= s["rating"] == 0
        active = ~s["excluded"]
        s["n_a"] = active.sum(axis=1)
        if exp.options["order"] == "random":
            key = uniforms(exp.seed, run_ids, -(cyc + 1), 10_000 + members)
        elif exp.options["order"] == "rating":
            key = -s["rating"] + members * 1e-9
        else:
            key = np.broadcast_to(members.astype(float), (R, n)).copy()
        order = np.argsort(np.where(active, key, np.inf), axis=1, kind="stable")
        position = np.empty((R, n), dtype=np.int64)
        np.put_along_axis(position, order, np.arange(1, n + 1)[None, :].repeat(R, 0), axis=1)
        s["order"], s["position"] = order, np.where(active, position, n + 1)
        left = cycles - cyc - 1 if gate else 0
        s["V"] = _future(s["n_a"][:, None], c, d, s["position"], left)
        required = np.maximum(0.0, _temptation(s["n_a"][:, None], c, d, s["position"]) - S - s["V"])
        if mode == "uniform":
            held = np.full((R, n), v["collateral"])
        elif mode == "schedule":
            schedule = np.array([float(x) for x in exp.options["collateral_schedule"]])
            held = schedule[np.clip(s["position"] - 1, 0, n - 1)]
        else:
            held = scale * required
        s["held"] = np.where(active, held, 0.0)
        s["defaulted"] = np.zeros((R, n), dtype=bool)
    active = ~s["excluded"]
    n_a, position, V, defaulted = s["n_a"], s["position"], s["V"], s["defaulted"]
    t = slot + 1
    real = t <= n_a
    recipient = s["order"][:, slot]
    due = active & ~defaulted & real[:, None]
    held = s["held"]
    if mode == "released":
        later = scale * np.maximum(0.0, _temptation(n_a[:, None], c, d, t - 1) - S - V)
        held = np.where(active & (position < t) & ~defaulted, np.minimum(held, later), held)
    if exp.policy == "v1":
        pay = due & (uniforms(exp.seed, run_ids, g, members) >= p)
    else:
        cost = _temptation(n_a[:, None], c, d, np.full((R, 1), t - 1))
        q = (s["misses_seen"] / np.maximum(s["dues_seen"], 1.0))[:, None]
        pot_gain = np.where(
            position >= t, n_a[:, None] * c * (1.0 - q) * d ** (position - t + 1.0), 0.0
        )
        pay = due & (pot_gain + held + S + V >= (1.0 + theta) * cost - 1e-9)
    missed = due & ~pay
    slashed = np.where(missed, held, 0.0)
    s["held"] = np.where(missed, 0.0, held)
    s["lost_total"] = s["lost_total"] + slashed + S * missed
    s["rating"] = np.where(missed, 0.0, s["rating"] + pay)
    if exp.policy != "v1":
        s["defaulted"] = defaulted | missed
    contributions = c * pay.sum(axis=1)
    pot = contributions + slashed.sum(axis=1)
    gets = real & ~s["defaulted"][np.arange(R), recipient]
    received = np.zeros((R, n))
    received[np.arange(R), recipient] = np.where(gets, pot, 0.0)
    # a recipient who defaulted before its turn forfeits: the payers are refunded
    received += np.where(~gets & real, c, 0.0)[:, None] * pay
    s["received_total"] = s["received_total"] + received
    s["paid_total"] = s["paid_total"] + c * pay
    s["misses_seen"] = s["misses_seen"] + missed.sum(axis=1)
    s["dues_seen"] = s["dues_seen"] + due.sum(axis=1)
    s.update(
        cycle=np.full(R, cyc + 1),
        round=np.full(R, t),
        real=real,
        recipient=recipient,
        pot=pot,
        contributions=contributions,
        expected=(n_a * c).astype(float),
        paid=pay,
        missed=missed,
        collateral=s["held"],
    )
    return s


def run_circle(exp: CircleExperiment) -> CircleRun:
    """Simulate every run of the circle at once."""
    runs = np.arange(exp.runs)
    state = initial_state(exp, runs)
    rec: dict[str, list[np.ndarray]] = {k: [] for k in RECORDED}
    for g in range(exp.n_steps):
        state = circle_step(exp, state, runs, g)
        for k in RECORDED:
            rec[k].append(state[k])
    net = state["received_total"] - state["paid_total"] - state["lost_total"]
    return CircleRun(exp, net=net, **{k: np.stack(x) for k, x in rec.items()})
