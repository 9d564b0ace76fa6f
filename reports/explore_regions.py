"""Where a many-round derivation holds: the branches its mechanisms took, and a cover of the
explorer's slider box by derivations.

:func:`theory.rounds.derive` steps the mechanisms on affine forms in the free parameters
(:mod:`theory.affine`): every comparison that depends on them is decided at the point and
recorded (``ProfileConditions.branches``), and the constraints it returns are exact affine
functions of the free parameters wherever every recorded comparison goes as it went at the
point (forward-mode differentiation of piecewise-affine functions; Griewank and Walther,
*Evaluating Derivatives*, 2008, ch. 3). That set is a :class:`Region`.

A recorded comparison may concern a branch whose value is not used (``where`` evaluates
both of its sides), so a region can be much smaller than the set on which the constraints
are in fact the same: at the circle's defaults the record says ``collateral <= 0``. Rather
than pin the sliders there, :func:`cover` derives again, at one point of every cell of the
box that no region yet covers: the cells are the products of the intervals between the
comparisons' breakpoints on each axis (and the breakpoints themselves), on whose points
every comparison of a single parameter keeps its truth value, so a derivation at one point
of a cell holds on the whole cell. New derivations bring new breakpoints until every cell
is covered, or a budget of derivations is spent; then the box shrinks, around the initial
point, to the cells that are covered. A comparison of two or more free parameters is not a
cell boundary: the page checks every point against the regions it carries and says when
none holds there.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from theory.rounds import ProfileConditions

MAX_DERIVATIONS = 48
"""The most derivations a cover may run (the first, at the initial point, included)."""
MAX_WORK = 60_000
"""The most constraints, summed over its derivations, a cover may derive."""

_OPS: dict[str, Callable[[Fraction], bool]] = {
    ">": lambda d: d > 0,
    ">=": lambda d: d >= 0,
    "<": lambda d: d < 0,
    "<=": lambda d: d <= 0,
    "==": lambda d: d == 0,
    "!=": lambda d: d != 0,
}


@dataclass(frozen=True)
class Relation:
    """``constant + sum(coefficients[i] * free[i]) op 0`` went ``outcome`` at the point."""

    coefficients: tuple[Fraction, ...]
    constant: Fraction
    op: str
    outcome: bool

    def holds(self, point: tuple[Fraction, ...]) -> bool:
        """Whether the comparison goes at ``point`` as it went where it was recorded."""
        d = self.constant + sum((c * x for c, x in zip(self.coefficients, point)), Fraction(0))
        return _OPS[self.op](d) == self.outcome

    @property
    def axis(self) -> int | None:
        """The one free parameter the comparison involves, or ``None``."""
        live = [i for i, c in enumerate(self.coefficients) if c != 0]
        return live[0] if len(live) == 1 else None

    @property
    def breakpoint(self) -> Fraction | None:
        i = self.axis
        return None if i is None else -self.constant / self.coefficients[i]


def relation_of(key: tuple[Any, ...], outcome: bool) -> Relation:
    """A comparison the derivation recorded (``ProfileConditions.comparisons``: ``(op,
    constant, *coefficients)`` and how it went) as an exact :class:`Relation`, at the ten
    significant digits the derivation reports its numbers with.

    Examples
    --------
    >>> r = relation_of((">", -2700.0, 1.0, 0.0), False)
    >>> r.coefficients, r.constant, r.op, r.outcome, r.breakpoint
    ((Fraction(1, 1), Fraction(0, 1)), Fraction(-2700, 1), '>', False, Fraction(2700, 1))
    >>> relation_of((">=", -12.0, 0.9, 2.5), True).axis
    """
    op, c0, *g = key
    exact = [Fraction(f"{x:.10g}") for x in (c0, *g)]
    return Relation(tuple(exact[1:]), exact[0], op, outcome)


@dataclass(frozen=True, eq=False)
class Region:
    """A derivation and the comparisons that bound where it holds."""

    conditions: ProfileConditions
    relations: tuple[Relation, ...]
    at: tuple[Fraction, ...]
    complete: bool  # False: the branch record was full, the region is its point only

    def holds(self, point: tuple[Fraction, ...]) -> bool:
        if not self.complete:
            return point == self.at
        return all(r.holds(point) for r in self.relations)


def region(pc: ProfileConditions, at: tuple[Fraction, ...], record_limit: int = 10_000) -> Region:
    """The region of a derivation made at ``at``."""
    relations = tuple(relation_of(key, outcome) for key, outcome in pc.comparisons)
    return Region(pc, relations, at, len(pc.comparisons) < record_limit)


def _axis_points(
    regions: list[Region], i: int, lo: Fraction, hi: Fraction, start: Fraction
) -> list[Fraction]:
    """The representatives of axis ``i``: the box's ends, the start, every breakpoint inside
    the box and a point between consecutive ones."""
    cuts = {lo, hi}
    for reg in regions:
        for r in reg.relations:
            b = r.breakpoint
            if r.axis == i and b is not None and lo < b < hi:
                cuts.add(b)
    ordered = sorted(cuts)
    mids = {(a + b) / 2 for a, b in zip(ordered, ordered[1:])}
    return sorted(cuts | mids | {start})


def _reps(regions: list[Region], box: list[tuple[Fraction, Fraction]], start: tuple[Fraction, ...]):
    return [_axis_points(regions, i, lo, hi, start[i]) for i, (lo, hi) in enumerate(box)]


def _uncovered(
    regions: list[Region], axes: list[list[Fraction]], box: list[tuple[Fraction, Fraction]]
) -> list[tuple[Fraction, ...]]:
    inside = [[x for x in pts if lo <= x <= hi] for pts, (lo, hi) in zip(axes, box)]
    return [y for y in itertools.product(*inside) if not any(reg.holds(y) for reg in regions)]


def _distance(y: tuple[Fraction, ...], start: tuple[Fraction, ...], box) -> Fraction:
    return max(
        (abs(a - b) / max(hi - lo, Fraction(1, 10**9)) for a, b, (lo, hi) in zip(y, start, box)),
        default=Fraction(0),
    )


@dataclass(frozen=True)
class Cover:
    """The regions that cover ``box`` (one interval per free parameter)."""

    regions: tuple[Region, ...]
    box: tuple[tuple[Fraction, Fraction], ...]
    shrunk: bool
    derivations: int


def cover(
    first: Region,
    derive_at: Callable[[tuple[Fraction, ...]], ProfileConditions],
    box: list[tuple[Fraction, Fraction]],
    max_derivations: int = MAX_DERIVATIONS,
    max_work: int = MAX_WORK,
) -> Cover:
    """Derive until every cell of ``box`` is covered by a region, within the budget; then
    shrink the box to covered cells around the first region's point.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.rounds import derive
    >>> m = get_model("rosca-circle")
    >>> free = ("collateral", "sanction")
    >>> def at(y):
    ...     return derive(m, {"members": 3, "contribution": 10} | dict(zip(free, y)))
    >>> start = (Fraction(0), Fraction(0))
    >>> c = cover(region(at(start), start), at, [(Fraction(0), Fraction(40))] * 2)
    >>> len(c.regions), c.shrunk, c.box[0]
    (4, False, (Fraction(0, 1), Fraction(40, 1)))
    """
    start = first.at
    regions = [first]
    work = len(first.conditions.constraints)
    runs = 1
    current = list(box)
    shrunk = False
    while True:
        axes = _reps(regions, current, start)
        todo = _uncovered(regions, axes, current)
        if not todo:
            break
        y = min(todo, key=lambda p: (_distance(p, start, current), p))
        if runs < max_derivations and work < max_work:
            pc = derive_at(y)
            runs += 1
            work += len(pc.constraints)
            regions.append(region(pc, y))
            continue
        # out of budget: cut the axis on which the uncovered point is farthest
        shrunk = True
        i = max(
            range(len(y)),
            key=lambda j: abs(y[j] - start[j]) / max(current[j][1] - current[j][0], Fraction(1)),
        )
        lo, hi = current[i]
        pts = axes[i]
        if y[i] > start[i]:
            hi = max(x for x in pts if start[i] <= x < y[i])
        else:
            lo = min(x for x in pts if y[i] < x <= start[i])
        current[i] = (lo, hi)
    return Cover(tuple(regions), tuple(current), shrunk, runs)


def point_of(values: Mapping[str, Any], free: tuple[str, ...]) -> tuple[Fraction, ...]:
    """The free parameters' values as exact fractions."""
    return tuple(Fraction(str(values[n])) for n in free)
