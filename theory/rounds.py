"""Many rounds: the conditions of a strategy profile by one-shot deviation.

For a model played for ``T`` rounds and a named strategy profile, every player (every
member of a population) at every round ``t`` compares following the profile with deviating
once, at ``t``, to another action and following the profile afterwards. By the one-shot
deviation principle a profile of a finite game is a subgame-perfect equilibrium exactly
when no player gains by such a deviation at any history (Fudenberg and Tirole, *Game
Theory*, 1991, Theorem 4.1); this module checks the histories on the profile's path, so
"the profile is an equilibrium" here means: no profitable one-shot deviation from its path
(histories after someone else's deviation are not checked).

Nothing is typed in: the model's own mechanisms are stepped, from genesis, along the path
and along every deviation, on affine forms (:mod:`theory.affine`) in the free parameters
(a collateral, a sanction), so each constraint comes out as an exact inequality in them,
valid in the region where the recorded branches of the mechanisms go as at the point.

How it stays fast: all continuations are stepped together as rows of numpy arrays; rows
whose state is the same in every variable that can still influence a payoff (found from
what the model's functions read, :attr:`theory.model.Model.reads`) are merged, so a member
who defaulted at round 3 and one who defaulted at round 5 share their future; values then
come back by backward induction over the merged rows, ``V_t = u_t + d V_{t+1}``, each
valued at the round of the deviation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

from theory.affine import Affine, Context, NonAffine, constants
from theory.errors import ModelError, ParameterError
from theory.model import Model, Namespace

#: Relative tolerance for "the slack is non-negative" in float arithmetic.
TOL = 1e-9
#: Rounds times members beyond which the derivation refuses (say what to do instead). Every
#: one-shot deviation is stepped to the horizon: at the limit, 100 members x 10 cycles
#: (1,000 rounds), it takes about 3 minutes and 2 GiB on a 2-core machine; 50 x 5 takes 12 s.
MAX_WORK = 100_000


_ON_ROUND: ContextVar[Callable[[int, int], None] | None] = ContextVar("on_round", default=None)


@contextmanager
def reporting(on_round: Callable[[int, int], None]) -> Iterator[None]:
    """Call ``on_round(t, T)`` after every round the derivations inside the block step
    (each derivation counts its rounds from 1 again): progress for long derivations."""
    token = _ON_ROUND.set(on_round)
    try:
        yield
    finally:
        _ON_ROUND.reset(token)


@dataclass(frozen=True)
class Agent:
    """Whoever decides: a single player, or one member of a population."""

    player: int
    member: int | None
    name: str


@dataclass(frozen=True, eq=False)
class Constraint:
    """An incentive constraint: follow the profile at round ``t`` rather than deviate.

    ``slack`` holds the affine coefficients of ``value(follow) - value(deviate)`` (the
    constant first, then one per free parameter), valued at round ``t``.
    """

    agent: Agent
    round: int
    label: str
    deviation: str
    slack: np.ndarray
    value: float
    follow: float
    deviate: float

    def holds(self, scale: float = 1.0) -> bool:
        return bool(self.value >= -TOL * max(1.0, scale))

    def expression(self, names: tuple[str, ...]) -> sp.Expr:
        """The slack as a sympy expression in the free parameters (floats rationalised to
        10 significant digits)."""
        terms = [_num(self.slack[0])]
        terms += [_num(c) * sp.Symbol(n) for c, n in zip(self.slack[1:], names)]
        return sp.Add(*terms)

    def inequality(self, names: tuple[str, ...]) -> str:
        """``collateral + sanction >= 309.51``: the constraint as text."""
        lhs = sp.Add(*[_num(c) * sp.Symbol(n) for c, n in zip(self.slack[1:], names)])
        rhs = _num(-self.slack[0])
        if lhs == 0:
            return f"{_fmt(-self.slack[0])} <= 0" if True else ""
        return f"{sp.sstr(lhs)} >= {_fmt(float(rhs))}"


def _num(x: float) -> sp.Expr:
    if float(x).is_integer():
        return sp.Integer(int(x))
    return sp.Float(float(f"{x:.10g}"), 10)


def _fmt(x: float) -> str:
    return f"{x:.10g}"


@dataclass(frozen=True, eq=False)
class Threshold:
    """The least (or greatest) value of one free parameter for which every constraint
    holds, the others at the point."""

    parameter: str
    least: float | None
    greatest: float | None
    binding: Constraint | None
    feasible: bool
    closed_form: bool = True
    note: str = ""

    @property
    def text(self) -> str:
        if not self.feasible:
            return (
                f"no value of {self.parameter} makes the profile an equilibrium here ({self.note})"
            )
        parts = []
        if self.least is not None:
            where_ = (
                f" (binding: {self.binding.agent.name}, {self.binding.label})"
                if self.binding
                else ""
            )
            parts.append(f"{self.parameter} >= {_fmt(self.least)}{where_}")
        if self.greatest is not None:
            parts.append(f"{self.parameter} <= {_fmt(self.greatest)}")
        how = "" if self.closed_form else " (found numerically)"
        return (" and ".join(parts) or f"any {self.parameter}") + how


@dataclass(frozen=True, eq=False)
class ProfileConditions:
    """The one-shot-deviation constraints of a profile at a point."""

    model: Model
    profile: str
    values: dict[str, Any]
    free: tuple[str, ...]
    agents: tuple[Agent, ...]
    constraints: tuple[Constraint, ...]
    branches: tuple[str, ...]
    notes: tuple[str, ...]
    horizon: int
    comparisons: tuple[tuple[tuple[Any, ...], bool], ...] = ()

    @cached_property
    def scale(self) -> float:
        """The size of the values compared: the tolerance of :meth:`Constraint.holds`."""
        return max([1.0] + [abs(c.follow) + abs(c.deviate) for c in self.constraints])

    @property
    def equilibrium(self) -> bool:
        scale = self.scale
        return all(c.holds(scale) for c in self.constraints)

    def derived_at(self, points: np.ndarray) -> np.ndarray:
        """Where the derivation holds: ``points`` has the free parameters on its last axis;
        ``True`` where every comparison the mechanisms made while deriving goes as it did
        at the point (the constraints are affine, and right, exactly there)."""
        pts = np.asarray(points, dtype=float)
        ok = np.ones(pts.shape[:-1], dtype=bool)
        for (op, c0, *g), outcome in self.comparisons:
            v = c0 + pts @ np.asarray(g, dtype=float)
            tol = 1e-12 * max(1.0, abs(c0) + float(np.abs(g).sum()))
            went = {
                ">": v > tol,
                ">=": v >= -tol,
                "<": v < -tol,
                "<=": v <= tol,
                "==": np.abs(v) <= tol,
                "!=": np.abs(v) > tol,
            }[op]
            ok &= went == outcome
        return ok

    def slacks_at(self, points: np.ndarray) -> np.ndarray:
        """Every constraint's slack (follow minus deviate) at many points of the free
        parameters: shape ``points.shape[:-1] + (constraints,)``."""
        pts = np.asarray(points, dtype=float)
        S = np.array([c.slack for c in self.constraints], dtype=float)
        S = S.reshape(-1, len(self.free) + 1)
        return S[:, 0] + pts @ S[:, 1:].T

    @property
    def binding(self) -> Constraint | None:
        return min(self.constraints, key=lambda c: c.value, default=None)

    @property
    def violated(self) -> list[Constraint]:
        scale = self.scale
        return [c for c in self.constraints if not c.holds(scale)]

    def threshold(self, name: str) -> Threshold:
        """The least and greatest value of free parameter ``name`` keeping every
        constraint, the others at the point (exact: the constraints are affine)."""
        if name not in self.free:
            raise ParameterError(
                f"{name!r} is not a free parameter of this derivation; free: {', '.join(self.free)}"
            )
        j = 1 + self.free.index(name)
        point = np.array([float(self.values[n]) for n in self.free])
        lo: float | None = None
        hi: float | None = None
        lo_c: Constraint | None = None
        for c in self.constraints:
            a = float(c.slack[j])
            b = float(c.slack[0] + c.slack[1:] @ point - a * point[j - 1])
            if abs(a) <= TOL * max(1.0, abs(b)):
                if b < -TOL * max(1.0, self.scale):
                    return Threshold(
                        name,
                        None,
                        None,
                        c,
                        False,
                        note=f"{c.agent.name}, {c.label} does not depend on {name}",
                    )
                continue
            bound = -b / a
            if a > 0 and (lo is None or bound > lo):
                lo, lo_c = bound, c
            if a < 0 and (hi is None or bound < hi):
                hi = bound
        q = self.model.parameter(name)
        floor = float(Fraction(q.lower)) if q.lower is not None else None
        if lo is not None and floor is not None and lo <= floor:
            lo, lo_c = floor, None
        feasible = lo is None or hi is None or lo <= hi + TOL * max(1.0, abs(hi))
        return Threshold(name, lo, hi, lo_c, feasible)


def _batched(x: Any, per_member: bool) -> Any:
    """A genesis value with a leading batch axis (one row)."""
    if isinstance(x, Affine):
        return x[None] if per_member else x.__class__(x.c.reshape((1, 1, -1)), x.ctx)
    arr = np.asarray(x)
    return arr[None] if per_member else arr.reshape(1, 1)


def _shape_like(value: Any, rows: int, width: int) -> Any:
    """Broadcast a mechanism's result to ``(rows, width)`` (affine or plain)."""
    if isinstance(value, Affine):
        c = value.c
        if c.ndim == 1:
            c = c[None, None, :]
        elif c.ndim == 2:
            c = c[:, None, :] if c.shape[0] == rows and width != rows else c[None, :, :]
        return Affine(np.broadcast_to(c, (rows, width, c.shape[-1])), value.ctx)
    arr = np.asarray(value)
    if arr.ndim == 1 and arr.shape[0] == rows and width == 1:
        arr = arr[:, None]
    return np.broadcast_to(arr, (rows, width))


def _take(x: Any, idx: np.ndarray) -> Any:
    if isinstance(x, Affine):
        return Affine(x.c[idx], x.ctx)
    return np.asarray(x)[idx]


def _concat(xs: list[Any], ctx: Context) -> Any:
    if any(isinstance(x, Affine) for x in xs):
        return Affine(np.concatenate([ctx.lift(x).c for x in xs], axis=0), ctx)
    return np.concatenate([np.asarray(x) for x in xs], axis=0)


def _key_columns(x: Any) -> np.ndarray:
    if isinstance(x, Affine):
        return x.c.reshape(x.c.shape[0], -1)
    arr = np.asarray(x)
    return arr.reshape(arr.shape[0], -1).astype(float)


def distinct_rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(first, inverse)``: the index of the first occurrence of each distinct row of
    ``keys``, and for every row the number of its distinct row, numbered by first
    occurrence (so row 0 stays first). Rows are compared byte for byte.

    Examples
    --------
    >>> distinct_rows(np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0]]))
    (array([0, 1]), array([0, 1, 0]))
    """
    if keys.shape[1] == 0:
        return np.array([0]), np.zeros(keys.shape[0], dtype=np.int64)
    rows = np.ascontiguousarray(keys + 0.0)  # -0.0 and 0.0 are the same state
    as_bytes = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(as_bytes, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    rank = np.argsort(first, kind="stable")
    renumber = np.empty_like(rank)
    renumber[rank] = np.arange(len(rank))
    return first[rank], renumber[inverse]


def relevant_state(model: Model, profile: str) -> tuple[str, ...]:
    """The state variables that can influence a later payoff or decision: what the
    mechanisms behind the rewards and costs read, and what the profile reads, closed
    under what their mechanisms read in turn."""
    reads = model.reads
    flags = {pl.flag for pl in model.players}
    seeds: set[str] = set(reads.get(f"profile:{profile}", frozenset()))
    for pl in model.players:
        for what in ("reward", "cost"):
            for v in reads.get(f"{what}:{pl.name}", frozenset()):
                seeds |= set(reads.get(v, frozenset()))
    out: set[str] = set()
    todo = list(seeds)
    while todo:
        v = todo.pop()
        if v in out:
            continue
        out.add(v)
        if v in flags:
            continue
        todo.extend(reads.get(v, frozenset()) - out)
    return tuple(k for k in model.state_keys if k in out)


def _agents(model: Model, p: Namespace) -> tuple[Agent, ...]:
    out = []
    for k, pl in enumerate(model.players):
        if pl.population is None:
            out.append(Agent(k, None, pl.name))
        else:
            n = int(getattr(p, pl.population))
            out += [Agent(k, j, f"{pl.name}[{j + 1}]") for j in range(n)]
    return tuple(out)


def _action_rows(model: Model, acts: tuple[Any, ...], rows: int) -> list[np.ndarray]:
    """Encoded actions as ``(rows, width)`` arrays (width: members, or 1)."""
    out = []
    for pl, a in zip(model.players, acts):
        arr = np.asarray(constants(a))
        if arr.ndim == 0:
            arr = arr.reshape(1, 1)
        elif arr.ndim == 1:
            arr = arr[:, None] if pl.population is None else arr[None, :]
        out.append(np.broadcast_to(arr, (rows, arr.shape[-1])).copy())
    return out


def _flows(model: Model, p: Namespace, state: dict[str, Any], rows: int, ctx: Context) -> Affine:
    """Every agent's payoff this round, ``(rows, agents)``."""
    cols = []
    for pl, (r, c) in zip(model.players, model.rewards_costs(p, state)):
        width = 1
        if pl.population is not None:
            width = int(getattr(p, pl.population))
        cols.append(ctx.lift(_shape_like(ctx.lift(r) - c, rows, width)).c)
    return Affine(np.concatenate(cols, axis=1), ctx)


def discount_parameters(model: Model) -> frozenset[str]:
    """The parameters the model's discount reads: values are polynomials in them, never
    affine, so they are fixed at the point (their thresholds are found numerically)."""
    if model.discount is None:
        return frozenset()
    reads: set[str] = set()
    values = model.defaults() | model.option_defaults()
    model.discount(model.params(values, numeric=True, reads=reads))
    return frozenset(reads)


def _free_default(model: Model) -> tuple[str, ...]:
    fixed = discount_parameters(model)
    return tuple(
        k
        for k in model.key_parameters
        if not model.parameter(k).integer and model.parameter(k).role == "game" and k not in fixed
    )


def derive(
    model: Model,
    values: Mapping[str, Any],
    profile: str | None = None,
    free: tuple[str, ...] | None = None,
    horizon: int | None = None,
) -> ProfileConditions:
    """Derive every one-shot-deviation constraint of ``profile`` at a point.

    Parameters
    ----------
    model : Model
        A many-round model.
    values : mapping
        Parameter values (exact decimals or fractions) and options; defaults fill in.
    profile : str
        One of the model's profiles (the first by default).
    free : tuple of str
        Parameters kept as symbols (affine forms). By default the model's key parameters
        in which it turns out to be affine; the others are fixed at their values.
    horizon : int, optional
        Stop after this many rounds (the game as if it ended there).

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("rosca-circle")
    >>> pc = derive(m, {"members": 3, "contribution": 10})
    >>> pc.equilibrium, pc.binding.agent.name, pc.binding.label
    (False, 'members[1]', 'cycle 1, round 2')
    >>> pc.binding.inequality(pc.free)
    'collateral + sanction >= 20'
    """
    if not model.many_rounds:
        raise ModelError(f"model {model.name}: not a many-round model")
    name = profile or model.profiles[0].name
    model.profile(name)  # raises on an unknown name
    full: dict[str, Any] = model.defaults() | model.option_defaults()
    full.update(values)
    candidates = free if free is not None else _free_default(model)
    notes: list[str] = []
    bad = [k for k in candidates if k in discount_parameters(model)]
    if bad:
        raise ParameterError(
            f"{', '.join(bad)} set(s) the discount factor, which values are not affine in; "
            "its threshold is found numerically (rosca design --solve-for)"
        )
    while True:
        try:
            return _derive(model, full, name, tuple(candidates), notes, horizon)
        except NonAffine as exc:
            dropped = [n for n in exc.names if n in candidates]
            if not dropped:
                raise
            notes.append(
                f"{', '.join(dropped)} enter(s) the payoffs non-linearly: fixed at the point"
            )
            candidates = tuple(n for n in candidates if n not in dropped)


def _numeric(model: Model, full: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ints = {q.name for q in model.parameters if q.integer}
    for k, v in full.items():
        if isinstance(v, Fraction | int | float) and not isinstance(v, bool):
            out[k] = int(v) if k in ints else float(v)
        else:
            out[k] = v
    return out


def _derive(
    model: Model,
    full: dict[str, Any],
    name: str,
    free: tuple[str, ...],
    notes: list[str],
    horizon: int | None = None,
) -> ProfileConditions:
    num = _numeric(model, full)
    p0 = model.params(num)
    if model.random_path is not None:
        reason = model.random_path(p0)
        if reason:
            raise ModelError(f"model {model.name}: {reason}")
    ctx = Context(free, np.array([float(num[k]) for k in free]))
    sym = dict(num)
    for k in free:
        sym[k] = ctx.parameter(k)
    p = model.params(sym)
    T = model.horizon(p0) if horizon is None else min(horizon, model.horizon(p0))
    agents = _agents(model, p0)
    if T * max(1, len(agents)) > MAX_WORK:
        raise ModelError(
            f"model {model.name}: {T:,} rounds x {len(agents):,} players is too large to "
            f"derive one-shot deviations for (at most {MAX_WORK:,}; every deviation is "
            "stepped to the horizon, about 3 minutes at the limit); use fewer members or cycles"
        )
    prof = model.profile(name)
    disc = model.discount(p0) if model.discount is not None else 1.0
    d = (
        np.broadcast_to(np.asarray(disc, dtype=float).reshape(-1), (len(agents),)).copy()
        if (np.ndim(disc) == 0 or np.size(disc) == len(agents))
        else None
    )
    if d is None:
        raise ParameterError(
            f"model {model.name}: the discount gives {np.size(disc)} factors for "
            f"{len(agents)} players"
        )
    per_member = {v.name: v.per_member is not None for v in model.state}
    widths = {
        v.name: (
            int(getattr(p0, str(_owner(model, v.per_member).population))) if v.per_member else 1
        )
        for v in model.state
    }
    draws = [v.name for v in model.state if v.draw]
    key = relevant_state(model, name)
    genesis = model.initial_state(p)
    live = {k: _batched(v, per_member[k]) for k, v in genesis.items()}

    def normalise(state: dict[str, Any], rows: int) -> dict[str, Any]:
        out = {}
        for k, v in state.items():
            out[k] = _shape_like(v, rows, widths[k])
        for k in draws:
            out[k] = np.zeros((rows, widths[k]))
        return out

    live = normalise(live, 1)
    # forward pass: per round the candidates (profile steps of every live row, then the
    # path row's deviations), their flows and the merged row each leads to
    rounds: list[dict[str, Any]] = []
    player_of = np.array([a.player for a in agents])
    on_round = _ON_ROUND.get()
    for t in range(1, T + 1):
        if on_round is not None:
            on_round(t, T)
        B = next(iter(live.values())).shape[0]
        s_ns = Namespace(live, "state variable")
        acts = _action_rows(model, prof.decide(p, s_ns), B)
        path_acts = [a[:1] for a in acts]
        dev_rows: list[list[np.ndarray]] = []
        dev_info: list[tuple[int, int]] = []
        col = 0
        for kp, pl in enumerate(model.players):
            width = path_acts[kp].shape[1]
            current = np.asarray(pl.decode(path_acts[kp][0]))
            for j in range(width):
                for b in range(pl.n_actions):
                    if b == int(current[j]):
                        continue
                    row = [a.copy() for a in path_acts]
                    row[kp][0, j] = pl.encode(b)
                    dev_rows.append(row)
                    dev_info.append((col + j, b))
            col += width
        D = len(dev_rows)
        idx = np.concatenate([np.arange(B), np.zeros(D, dtype=np.int64)])
        states = {k: _take(v, idx) for k, v in live.items()}
        all_acts = tuple(
            np.concatenate([acts[k]] + [r[k] for r in dev_rows], axis=0)
            for k in range(len(model.players))
        )
        with np.errstate(all="ignore"):
            new = model.step(p, states, all_acts)
        new = normalise(new, B + D)
        flows = _flows(model, p, new, B + D, ctx)
        keys = (
            np.concatenate([_key_columns(new[k]) for k in key], axis=1)
            if key
            else (np.zeros((B + D, 0)))
        )
        # distinct rows numbered by first occurrence: the path's successor stays row 0
        keep, child = distinct_rows(keys)
        live = {k: _take(v, keep) for k, v in new.items()}
        if not np.all(np.isfinite(constants(flows))):
            bad = agents[int(np.argwhere(~np.isfinite(constants(flows)))[0][1])].name
            raise ModelError(
                f"model {model.name}: the payoff of {bad} is not finite at round {t}; check "
                "the parameter values"
            )
        rounds.append({"B": B, "child": child, "flows": flows.c, "dev": dev_info})
    # backward pass: values of the merged rows, valued at each round
    P1 = len(free) + 1
    n_agents = len(agents)
    V = np.zeros((1, n_agents, P1))  # rows of the last round's merged set
    constraints: list[Constraint] = []
    label = model.round_label or (lambda _p, t: f"round {t}")
    point = ctx.point
    for t in range(T, 0, -1):
        r = rounds[t - 1]
        if V.shape[0] < int(r["child"].max()) + 1:
            V = np.zeros((int(r["child"].max()) + 1, n_agents, P1))
        Q = r["flows"] + d[None, :, None] * V[r["child"]]
        B = r["B"]
        for i, (agent_col, b) in enumerate(r["dev"]):
            follow = Q[0, agent_col]
            deviate = Q[B + i, agent_col]
            slack = follow - deviate
            ag = agents[agent_col]
            constraints.append(
                Constraint(
                    ag,
                    t,
                    label(p0, t),
                    model.players[ag.player].actions[b],
                    slack,
                    float(slack[0] + slack[1:] @ point),
                    float(follow[0] + follow[1:] @ point),
                    float(deviate[0] + deviate[1:] @ point),
                )
            )
        V = Q[:B]
    del player_of
    constraints.sort(key=lambda c: (c.round, c.agent.player, c.agent.member or 0))
    branches = tuple(_branch_text(k, v, free) for k, v in ctx.branches.items())
    return ProfileConditions(
        model,
        name,
        dict(full),
        free,
        agents,
        tuple(constraints),
        branches,
        tuple(notes),
        T,
        tuple(ctx.branches.items()),
    )


def _branch_text(key: tuple[Any, ...], outcome: bool, names: tuple[str, ...]) -> str:
    op, c0, *g = key
    lhs = sp.Add(*[_num(c) * sp.Symbol(n) for c, n in zip(g, names)]) + _num(c0)
    rel = {">": sp.Gt, ">=": sp.Ge, "<": sp.Lt, "<=": sp.Le, "==": sp.Eq, "!=": sp.Ne}[op]
    text = sp.sstr(rel(lhs, 0)) if lhs.free_symbols else f"{sp.sstr(lhs)} {op} 0"
    return text if outcome else f"not ({text})"


def _owner(model: Model, name: str) -> Any:
    """The player a per-member state variable belongs to."""
    return next(pl for pl in model.players if pl.name == name)
