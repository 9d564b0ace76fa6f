"""Design questions on a many-round model: is a profile an equilibrium, who is tempted
where, and which least collateral, sanction or discount factor makes it one.

From the one-shot-deviation constraints of :mod:`theory.rounds`:

* the binding constraint (least slack) and every violated one;
* per member (player) the constraint that asks the most of a free parameter, and the
  least value of that parameter keeping all of the member's constraints;
* thresholds of each free parameter for the whole profile: exact, because the constraints
  are affine in it, and then re-derived at the threshold to confirm that the mechanisms
  take the same branches there (the derivation is only exact where they do);
* thresholds of parameters that enter non-linearly (a discount factor): found numerically
  by bisection on the least slack, and said to be.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from theory.errors import ModelError
from theory.model import Model
from theory.rounds import TOL, Agent, Constraint, ProfileConditions, Threshold, derive

#: Bisection steps for a threshold found numerically.
BISECTIONS = 40


@dataclass(frozen=True, eq=False)
class MemberDesign:
    """One player's (member's) demands on a free parameter.

    ``gain`` is what deviating at the binding round gains before the free parameters
    (collateral, sanction) are counted; when the model repeats in cycles it splits into
    ``temptation`` (within the cycle) minus ``future_value`` (what the later cycles the
    deviation forfeits are worth at that round).
    """

    agent: Agent
    binding: Constraint
    required: float  # least value of the parameter keeping this player's constraints
    gain: float
    temptation: float = float("nan")
    future_value: float = float("nan")


@dataclass(frozen=True, eq=False)
class ProfileDesign:
    conditions: ProfileConditions
    thresholds: dict[str, Threshold] = field(default_factory=dict)
    members: tuple[MemberDesign, ...] = ()
    parameter: str | None = None  # the free parameter the per-member table is about

    @property
    def name(self) -> str:
        return self.conditions.profile

    @property
    def equilibrium(self) -> bool:
        return self.conditions.equilibrium


def per_member(pc: ProfileConditions, name: str) -> tuple[MemberDesign, ...]:
    """For every player, the constraint that needs the most of free parameter ``name``."""
    j = 1 + pc.free.index(name)
    point = np.array([float(Fraction(str(pc.values[n]))) for n in pc.free])
    best: dict[str, tuple[float, Constraint]] = {}
    for c in pc.constraints:
        a = float(c.slack[j])
        b = float(c.slack[0] + c.slack[1:] @ point - a * point[j - 1])
        need = -b / a if a > TOL else (-np.inf if b >= 0 else np.inf)
        key = c.agent.name
        if key not in best or need > best[key][0]:
            best[key] = (need, c)
    q = pc.model.parameter(name)
    floor = float(Fraction(q.lower)) if q.lower is not None else -np.inf
    out = []
    for ag in pc.agents:
        need, c = best[ag.name]
        # the deviation's gain with every free parameter at zero
        out.append(MemberDesign(ag, c, max(floor, need), -float(c.slack[0])))
    return tuple(out)


def split_by_cycle(
    model: Model, values: Mapping[str, Any], pc: ProfileConditions, rows: tuple[MemberDesign, ...]
) -> tuple[MemberDesign, ...]:
    """Split each member's gain into the temptation within its cycle and the value of the
    later cycles it forfeits: the same deviation derived with the game cut at the end of
    the binding round's cycle, against the whole game."""
    if model.period is None:
        return tuple(
            MemberDesign(r.agent, r.binding, r.required, r.gain, r.gain, 0.0) for r in rows
        )
    period = model.period(model.params(_plain(values), numeric=True))
    cut: dict[int, dict[tuple[str, int, str], Constraint]] = {}
    out = []
    for r in rows:
        end = -(-r.binding.round // period) * period
        if end >= pc.horizon:
            out.append(MemberDesign(r.agent, r.binding, r.required, r.gain, r.gain, 0.0))
            continue
        if end not in cut:
            short = derive(model, values, pc.profile, pc.free, horizon=end)
            cut[end] = {(c.agent.name, c.round, c.deviation): c for c in short.constraints}
        c = cut[end][(r.agent.name, r.binding.round, r.binding.deviation)]
        temptation = -float(c.slack[0])
        future = float(r.binding.slack[0]) - float(c.slack[0])
        out.append(MemberDesign(r.agent, r.binding, r.required, r.gain, temptation, future))
    return tuple(out)


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    return dict(values)


def verified_threshold(
    model: Model, values: Mapping[str, Any], pc: ProfileConditions, name: str
) -> Threshold:
    """The exact threshold of free parameter ``name``, re-derived at its value until the
    mechanisms take the same branches there (at most a few rounds)."""
    th = pc.threshold(name)
    for _ in range(4):
        if not th.feasible or th.least is None:
            return th
        at = dict(values)
        at[name] = Fraction(repr(th.least)).limit_denominator(10**9)
        again = derive(model, at, pc.profile, pc.free)
        if again.equilibrium:
            return th
        th2 = again.threshold(name)
        if th2.least is None or th2.least <= th.least:
            return Threshold(
                name,
                th.least,
                th.greatest,
                th.binding,
                th.feasible,
                True,
                "re-derivation at the threshold disagrees; see notes",
            )
        th = th2
    return th


def numeric_threshold(
    model: Model, values: Mapping[str, Any], profile: str, name: str, free: tuple[str, ...]
) -> Threshold:
    """The least value of ``name`` (a parameter the payoffs are not affine in) at which the
    profile is an equilibrium, by bisection between its bounds; ``None`` when none."""
    q = model.parameter(name)
    lo = float(Fraction(q.lower)) if q.lower is not None else 0.0
    hi = float(Fraction(q.upper)) if q.upper is not None else None
    if hi is None:
        raise ModelError(f"a numeric threshold needs a bounded parameter; {name} is not")

    def ok(x: float) -> bool:
        at = dict(values)
        at[name] = Fraction(repr(x))
        return derive(model, at, profile, tuple(f for f in free if f != name)).equilibrium

    if not ok(hi):
        return Threshold(
            name, None, None, None, False, False, f"not an equilibrium even at {name} = {hi:g}"
        )
    a = lo + (hi - lo) * 1e-6 if q.lower_open else lo
    if ok(a):
        return Threshold(name, a, None, None, True, False)
    b = hi
    for _ in range(BISECTIONS):
        mid = 0.5 * (a + b)
        if ok(mid):
            b = mid
        else:
            a = mid
    return Threshold(
        name,
        b,
        None,
        None,
        True,
        False,
        f"bisection to {b - a:.1e}; assumes one switch between the bounds",
    )


@dataclass(frozen=True, eq=False)
class RoundsAnalysis:
    """Everything ``rosca solve`` reports about a many-round model at one point."""

    model: Model
    values: dict[str, Any]
    profiles: tuple[ProfileDesign, ...]
    agree: bool
    notes: tuple[str, ...]

    kind = "many-round"
    degenerate = False
    candidates: tuple = ()
    dominant: tuple = ()

    @property
    def players(self) -> list[str]:
        return [pl.name for pl in self.model.players]

    @property
    def actions(self) -> list[list[str]]:
        return [list(pl.actions) for pl in self.model.players]

    @property
    def equilibria(self) -> tuple:
        from theory.nplayer import ProfileEquilibrium

        out = []
        for pd in self.profiles:
            if pd.equilibrium:
                shares = tuple(
                    tuple(float(i == 0) for i in range(len(pl.actions)))
                    for pl in self.model.players
                )
                out.append(ProfileEquilibrium(pd.name, "pure", shares, None))
        return tuple(out)

    @property
    def regime(self) -> str:
        held = [pd.name for pd in self.profiles if pd.equilibrium]
        return " + ".join(held) if held else "no profile is an equilibrium"

    @property
    def thresholds(self) -> tuple[Threshold, ...]:
        return tuple(t for pd in self.profiles for t in pd.thresholds.values())

    @property
    def provenance(self) -> dict[str, object]:
        return {
            "symbolic": "one-shot deviations along the profile's path, the mechanisms stepped "
            "on affine forms in the free parameters",
            "exact": "thresholds from the affine constraints, re-derived at their value",
            "numeric": "float64 arithmetic; non-affine thresholds by bisection",
            "exact_arithmetic": False,
        }


def analyse_rounds(
    model: Model,
    values: Mapping[str, Any],
    free: tuple[str, ...] | None = None,
    numeric: tuple[str, ...] = (),
) -> RoundsAnalysis:
    """Derive every profile's constraints at a point, with thresholds.

    ``numeric`` names parameters (such as a discount factor) whose threshold is found by
    bisection; it re-derives the profile about fifty times.

    Examples
    --------
    >>> from theory.models import get_model
    >>> a = analyse_rounds(get_model("rosca-circle"), {"members": 3, "contribution": 10})
    >>> a.regime
    'no profile is an equilibrium'
    >>> a.profiles[0].thresholds["collateral"].text
    'collateral >= 20 (binding: members[1], cycle 1, round 2)'
    """
    full: dict[str, Any] = model.defaults() | model.option_defaults()
    full.update(values)
    designs = []
    notes: list[str] = []
    agree = True
    for pr in model.profiles:
        pc = derive(model, full, pr.name, free)
        notes += list(pc.notes)
        ths = {n: verified_threshold(model, full, pc, n) for n in pc.free}
        for n in numeric:
            ths[n] = numeric_threshold(model, full, pr.name, n, pc.free)
        first = pc.free[0] if pc.free else None
        members = split_by_cycle(model, full, pc, per_member(pc, first)) if first else ()
        designs.append(ProfileDesign(pc, ths, members, first))
        agree = agree and _affine_check(model, full, pc, notes)
    return RoundsAnalysis(model, full, tuple(designs), agree, tuple(notes))


def _affine_check(
    model: Model, values: dict[str, Any], pc: ProfileConditions, notes: list[str]
) -> bool:
    """Re-derive with every free parameter moved by one unit and hold the slacks against
    the affine forms' prediction (small models only)."""
    if not pc.free or len(pc.constraints) > 20_000:
        return True
    moved = dict(values)
    for n in pc.free:
        moved[n] = Fraction(str(values[n])) + 1
    again = derive(model, moved, pc.profile, pc.free)
    point = np.array([float(Fraction(str(moved[n]))) for n in pc.free])
    worst = 0.0
    for a, b in zip(pc.constraints, again.constraints):
        predicted = float(a.slack[0] + a.slack[1:] @ point)
        worst = max(worst, abs(predicted - b.value) / max(1.0, abs(b.value)))
    if worst > 1e-9:
        notes.append(
            f"the constraints are not affine across one unit of {', '.join(pc.free)} "
            f"(relative error {worst:.1e}): a branch of the mechanisms changes nearby"
        )
        return False
    return True
