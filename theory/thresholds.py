"""Thresholds: the parameter values at which a player's best response switches.

For a player, an opponent's pure action ``j`` and a pair of the player's own actions
``(a, b)``, the payoff difference ``D = u(a, j) - u(b, j)`` is studied along one
parameter, the others at the point (:func:`theory.conditions.sign_stretches`): its real
roots, its poles and the boundaries of its ``where``/``maximum`` cases cut the line into
stretches of constant sign, and ``a`` is the better action exactly where ``D > 0``. A
*switch* is a point of the parameter's domain where the best response changes. Each
switch is reported with the best response on every interval of the domain, so a best
response that flips several times is never presented as decided by one root; the sign of
every divisor is kept (``r - k/b`` with ``r < 0`` is positive only between ``k/r`` and the
pole at 0), and only real roots count.

The switching value is given in closed form (a root of a factor of degree one or two of
``D``'s numerator or denominator, or a case boundary, in the other parameters) when one
matches it at the point; otherwise it is said plainly that there is none, and its value
at the point is given (isolated exactly, or by bracketing and bisection). This gives the
design answers of the inspection literature, e.g. the least penalty ``delta`` that makes
honesty the cheater's best response (``delta > gamma`` in ``rosca-v2``).

For the ROI hurdle ``theta`` of the adaptive policies (act iff reward > (1 + theta) x
cost, docs/domain.md sections 1 and 2) the same is done with ``dR - (1 + theta) dC``, the
reward and cost differences: the hurdle at which acting stops.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from itertools import combinations
from typing import Any

import sympy as sp

from theory.conditions import (
    MAX_TERMS,
    Stretch,
    factored,
    fraction_field,
    holds,
    rational_between,
    sign_at,
    sign_stretches,
    split,
    to_fraction,
)
from theory.model import Parameter
from theory.payoffs import StageGame


@dataclass(frozen=True)
class Interval:
    """The best response on a stretch of the parameter's domain, the others at the point.

    ``lower``/``upper`` are ``None`` when unbounded; a ``closed`` end is a bound of the
    domain that belongs to it. ``best`` is an action, ``indifferent`` or ``undefined``.

    Examples
    --------
    >>> Interval(0.0, None, "up", lower_closed=True, indifferent_at=(1.0,)).text("c")
    'c >= 0: up (indifferent at c = 1)'
    """

    lower: float | None
    upper: float | None
    best: str
    lower_closed: bool = False
    upper_closed: bool = False
    indifferent_at: tuple[float, ...] = ()  # isolated points where both actions pay the same

    def text(self, name: str) -> str:
        """``-1 < b < 0: up``, ``b > 0: down``, ``any b: up``."""
        lt = {False: "<", True: "<="}
        if self.lower is None and self.upper is None:
            where = f"any {name}"
        elif self.lower is None:
            where = f"{name} {lt[self.upper_closed]} {self.upper:.6g}"
        elif self.upper is None:
            where = f"{name} {'>=' if self.lower_closed else '>'} {self.lower:.6g}"
        else:
            where = (
                f"{self.lower:.6g} {lt[self.lower_closed]} {name} "
                f"{lt[self.upper_closed]} {self.upper:.6g}"
            )
        at = ", ".join(f"{name} = {z:.6g}" for z in self.indifferent_at)
        return f"{where}: {self.best}" + (f" (indifferent at {at})" if at else "")

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"lower": self.lower, "upper": self.upper, "best": self.best}
        if self.indifferent_at:
            out["indifferent_at"] = list(self.indifferent_at)
        return out


@dataclass(frozen=True, eq=False)
class Threshold:
    """A switch of ``player``'s best response against ``against`` in ``parameter``.

    ``above``/``below`` are the best responses just above and just below ``value`` (an
    action, ``indifferent`` or ``undefined``; for a player with more than two actions, the
    better of the two in ``pair``); ``expression`` is the switching value in
    the other parameters (valid where ``guard`` holds), or its exact value at the point
    when ``closed_form`` is false. ``intervals`` hold the best response on the whole
    domain of the parameter, ``switches`` how many switches it has there.
    """

    parameter: str
    player: str
    against: str
    above: str
    below: str
    expression: sp.Expr
    value: float
    current: float
    kind: str  # "payoff" or "hurdle"
    slope: sp.Expr | None = None  # d(first minus second action)/d(parameter); single switch
    closed_form: bool = True
    intervals: tuple[Interval, ...] = ()
    switches: int = 1
    now: str = ""
    guard: sp.Basic = field(default=sp.true)
    exact: bool = True  # False: the value at the point was found by bisection
    pair: tuple[str, ...] = ()  # the two actions compared, for a player with more than two

    @property
    def text(self) -> str:
        now = self.now or (self.above if self.current > self.value else self.below)
        vs = f", {self.pair[0]} vs {self.pair[1]}" if self.pair else ""
        head = f"{self.player} against {self.against}{vs}: "
        tail = f"; at {self.parameter} = {self.current:.6g}: {now}"
        where = "" if self.guard is sp.true else f" where {sp.sstr(self.guard)}"
        if not self.closed_form:
            how = "" if self.exact else ", by bracketing and bisection"
            at = (
                f"{self.above} just above {self.parameter} = {self.value:.6g} and {self.below} "
                f"just below (no closed form; at the point{how}: {self.parameter} = "
                f"{self.value:.6g})"
            )
        elif self.switches == 1:
            zeros = [z for iv in self.intervals for z in iv.indifferent_at]
            but = ", ".join(f"{self.parameter} = {z:.6g}" for z in zeros)
            return (
                f"{head}{self.above} iff {self.parameter} > {sp.sstr(self.expression)}{where} "
                f"(= {self.value:.6g}){f', indifferent at {but}' if but else ''}{tail}"
            )
        else:
            value = "" if self.expression.is_number else f" (= {self.value:.6g})"
            at = (
                f"{self.above} just above {self.parameter} = {sp.sstr(self.expression)}{where}"
                f"{value} and {self.below} just below"
            )
        if self.switches > 1:
            spans = "; ".join(iv.text(self.parameter) for iv in self.intervals)
            at += f"; one of {self.switches} switches in {self.parameter} ({spans})"
        return head + at + tail


# ---------------------------------------------------------------------------------------
# Closed forms of the switching values
# ---------------------------------------------------------------------------------------


def _poly_roots(p: Any, sym: sp.Symbol, K: Any) -> list[sp.Expr]:
    """Closed-form roots in ``sym`` of the factors of degree one or two of the polynomial
    ``p`` (a numerator or denominator of an element of the field ``K``)."""
    if len(p.terms()) > MAX_TERMS:
        return []
    x = p.ring.gens[p.ring.symbols.index(sym)]
    out: list[sp.Expr] = []
    for f, _ in p.factor_list()[1]:
        deg = f.degree(x)
        if deg not in (1, 2):
            continue
        c = [K.field(f.coeff_wrt(x, d)) for d in range(deg + 1)]
        if deg == 1:
            out.append(factored(-c[0] / c[1]))
        else:
            disc = factored(c[1] ** 2 - 4 * c[2] * c[0])
            for sgn in (1, -1):
                out.append(
                    factored(-c[1] / (2 * c[2])) + sgn * sp.sqrt(disc) * factored(1 / (2 * c[2]))
                )
    return out


@lru_cache(maxsize=4096)
def _closed_forms(D: sp.Expr, sym: sp.Symbol) -> tuple[tuple[sp.Expr, sp.Basic], ...]:
    """Candidate switching values of ``D`` in ``sym``: roots and poles of each case, with
    the case's guard, and the roots of every case boundary (rational functions only)."""
    s = split([D])
    out: list[tuple[sp.Expr, sp.Basic]] = []

    def roots(e: sp.Expr) -> list[sp.Expr]:
        K = fraction_field([e, sym])
        f = to_fraction(e, K)
        if f is None:
            return []
        return [r for p in (f.numer, f.denom) for r in _poly_roots(p, sym, K)]

    for case in s.cases:
        guard = s.guard([case.truths])
        out += [(r, guard) for r in roots(case.pieces[0])]
    for rel in s.atoms:
        out += [(r, sp.true) for r in roots(rel.lhs - rel.rhs)]
    return tuple(out)


def _value(e: sp.Expr) -> complex | None:
    try:
        z = complex(sp.N(e, 40))
    except (TypeError, ValueError):
        return None
    return z if z == z and abs(z) != float("inf") else None


def _match(
    D: sp.Expr,
    sym: sp.Symbol,
    switch: sp.Expr,
    point: Mapping[sp.Symbol, sp.Expr],
    sides: tuple[sp.Expr, sp.Expr],
) -> tuple[sp.Expr, sp.Basic] | None:
    """The closed form (and its guard) that equals ``switch`` at the point and whose case
    holds next to it, if any."""
    others = {k: v for k, v in point.items() if k != sym}
    target = complex(sp.N(switch, 40))
    scale = 1e-20 * (1 + abs(target))
    found = []
    for expr, guard in _closed_forms(D, sym):
        z = _value(expr.xreplace(others))
        if z is None or abs(z.imag) > scale or abs(z - target) > scale:
            continue
        found.append((expr, guard))
    for expr, guard in found:
        if guard is sp.true or any(holds(guard, {**others, sym: x}) for x in sides):
            return expr, guard
    return None


# ---------------------------------------------------------------------------------------
# Switches along one parameter
# ---------------------------------------------------------------------------------------


def _bounds(q: Parameter) -> tuple[sp.Expr | None, bool, sp.Expr | None, bool]:
    lo = None if q.lower is None else sp.Rational(str(Fraction(q.lower)))
    hi = None if q.upper is None else sp.Rational(str(Fraction(q.upper)))
    return lo, not q.lower_open, hi, not q.upper_open


def _inside(c: sp.Expr, q: Parameter) -> bool:
    lo, lo_closed, hi, hi_closed = _bounds(q)
    if lo is not None and (bool(c < lo) or (bool(sp.Eq(c, lo)) and not lo_closed)):
        return False
    if hi is not None and (bool(c > hi) or (bool(sp.Eq(c, hi)) and not hi_closed)):
        return False
    return True


def _clip(stretches: tuple[Stretch, ...], q: Parameter, name: Any) -> tuple[Interval, ...]:
    """The stretches inside the parameter's domain, as intervals of best responses."""
    lo, lo_closed, hi, hi_closed = _bounds(q)
    out = []
    for s in stretches:
        a, b = s.lower, s.upper
        if lo is not None and (b is not None and bool(b <= lo)):
            continue
        if hi is not None and (a is not None and bool(a >= hi)):
            continue
        a_closed = b_closed = False
        if lo is not None and (a is None or bool(a < lo)):
            a, a_closed = lo, lo_closed
        if hi is not None and (b is None or bool(b > hi)):
            b, b_closed = hi, hi_closed
        zeros = tuple(float(sp.N(z, 30)) for z in s.zeros if _inside(z, q))
        out.append(
            Interval(
                None if a is None else float(sp.N(a, 30)),
                None if b is None else float(sp.N(b, 30)),
                name(s.sign),
                a_closed,
                b_closed,
                zeros,
            )
        )
    return tuple(out)


def switches(
    D: sp.Expr,
    sym: sp.Symbol,
    q: Parameter,
    point: Mapping[sp.Symbol, sp.Expr],
    actions: tuple[str, str],
    kind: str,
    player: str,
    against: str,
    pair: tuple[str, ...] = (),
) -> list[Threshold]:
    """Every switch of the better of ``actions`` (the first where ``D > 0``) in ``sym``;
    ``pair`` names the actions compared when the player has more than two.

    Examples
    --------
    >>> from theory.model import Parameter
    >>> r, k, b = sp.symbols("r k b", real=True)
    >>> q = Parameter("b", "1", "a divisor", lower=None)
    >>> ts = switches(r - k / b, b, q, {r: -1, k: 1, b: 1}, ("act", "wait"), "payoff", "p", "x")
    >>> [(t.value, t.below, t.above, t.switches) for t in ts]
    [(-1.0, 'wait', 'act', 2), (0.0, 'act', 'wait', 2)]
    """

    def name(sign: int | None) -> str:
        return {1: actions[0], -1: actions[1], 0: "indifferent"}.get(sign, "undefined")  # type: ignore[arg-type]

    stretches, exact = sign_stretches(D, sym, point)
    cuts = [
        (left, right)
        for left, right in zip(stretches, stretches[1:])
        if left.sign != right.sign and right.lower is not None and _inside(right.lower, q)
    ]
    if not cuts:
        return []
    intervals = _clip(stretches, q, name)
    s_now = sign_at(D, point)
    now = name(s_now) if s_now != 0 else f"indifferent between {actions[0]} and {actions[1]}"
    out = []
    for left, right in cuts:
        c = right.lower
        assert c is not None
        sides = (rational_between(left.lower, c), rational_between(c, right.upper))
        found = _match(D, sym, c, point, sides)
        closed = found is not None
        expr, guard = found if found is not None else (c, sp.true)
        single = len(cuts) == 1 and closed and guard is sp.true
        out.append(
            Threshold(
                sym.name,
                player,
                against,
                name(right.sign),
                name(left.sign),
                expr,
                float(sp.N(c, 30)),
                float(sp.N(point[sym], 30)),
                kind,
                sp.diff(D, sym) if single else None,
                closed,
                intervals,
                len(cuts),
                now,
                guard,
                exact,
                pair,
            )
        )
    return out


def thresholds(
    game: StageGame, values: Mapping[str, object], parameters: tuple[str, ...] | None = None
) -> tuple[Threshold, ...]:
    """Every best-response switch in the model's key parameters at a point.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.payoffs import stage_game
    >>> m = get_model("rosca-v2")
    >>> t = [t for t in thresholds(stage_game(m), m.defaults(), ("delta",)) if t.kind == "payoff"]
    >>> t[0].text
    'cheater against contribute: honest iff delta > gamma (= 1); at delta = 0.25: cheat'
    """
    model = game.model
    params = parameters if parameters is not None else model.key_parameters
    point = game.substitution(values)
    out: list[Threshold] = []
    players = model.players
    for k, pl in enumerate(players[:2]):
        opp = players[1 - k]
        U, R, C = ((M if k == 0 else M.T) for M in (game.payoff[k], game.reward[k], game.cost[k]))
        for j, against in enumerate(opp.actions):
            for a, b in combinations(range(len(pl.actions)), 2):
                acts = (pl.actions[a], pl.actions[b])
                pair = acts if len(pl.actions) > 2 else ()
                D = sp.expand(U[a, j] - U[b, j])
                for name in params:
                    sym = model.symbols[name]
                    if sym in D.free_symbols:
                        q = model.parameter(name)
                        out += switches(D, sym, q, point, acts, "payoff", pl.name, against, pair)
                if "theta" in model.symbols:
                    theta = model.symbols["theta"]
                    H = sp.expand(R[a, j] - R[b, j] - (1 + theta) * (C[a, j] - C[b, j]))
                    if theta in H.free_symbols:
                        q = model.parameter("theta")
                        out += switches(H, theta, q, point, acts, "hurdle", pl.name, against, pair)
    return tuple(out)
