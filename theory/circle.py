"""The enforcement problem of a ROSCA circle, in closed form (DOMAIN.md section 4).

Sources: Besley, Coate and Loury, "The economics of rotating savings and credit
associations", AER 83 (1993); Anderson, Baland and Moene, "Enforcement in informal saving
groups", JDE 90 (2009). ``n`` members pay ``c`` each round for ``n`` rounds; the member at
position ``k`` receives the pot ``n c`` in round ``k``; ``d`` is the discount factor per
round.

* Temptation of position ``k``: defaulting right after receiving saves the remaining
  contributions, ``T_k = c d (1 - d^(n-k)) / (1 - d)`` (``c (n - k)`` when ``d = 1``),
  valued at round ``k``. It is largest at ``k = 1`` (the binding position) and 0 at ``k = n``.
* A defaulter forfeits its collateral ``K_k``, pays the sanction ``S`` and is excluded from
  the remaining cycles, whose value to it is ``V_k``. No default by position ``k`` iff
  ``S + K_k + V_k >= T_k``; a later default saves less (the remaining payments shrink), so
  this one condition is the whole backward induction over the cycle.
* The value of one cycle to position ``k`` at its start is ``n c d^(k-1) - c (1 - d^n) /
  (1 - d)`` (0 when ``d = 1``: a ROSCA pays no interest); a member can decline a cycle, so
  exclusion costs ``V_k = sum_m d^(n - k + 1 + (m - 1) n) max(0, value_k)`` over the cycles
  left. With ``d = 1`` exclusion is worthless: without an outside sanction or collateral
  a fixed-order ROSCA is not self-enforcing.
* Least collateral: ``K_k = max(0, T_k - S - V_k)`` by position; a uniform collateral must
  cover the binding position, ``max_k K_k``; collateral released as payments arrive holds
  at round ``t`` only what the remaining payments require.
* Version-1 behaviour (each member fails to pay with probability ``p``, independently): a
  round's pot is full with probability ``(1 - p)^n`` and collects ``n c (1 - p)`` on average.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

n_, c_, d_, k_, p_ = sp.symbols("n c d k p", positive=True)
m_ = sp.Symbol("m", integer=True, positive=True)

#: ``T_k``, symbolic in ``n, c, d, k``.
TEMPTATION = sp.Piecewise(
    (c_ * (n_ - k_), sp.Eq(d_, 1)), (c_ * d_ * (1 - d_ ** (n_ - k_)) / (1 - d_), True)
)
#: The value of one cycle to position ``k`` at its start.
CYCLE_VALUE = sp.Piecewise(
    (0, sp.Eq(d_, 1)), (n_ * c_ * d_ ** (k_ - 1) - c_ * (1 - d_**n_) / (1 - d_), True)
)
#: Version-1 closed forms.
FULL_POT = (1 - p_) ** n_
COLLECTED = n_ * c_ * (1 - p_)


def _at(expr: sp.Expr, **values: object) -> Fraction:
    sub = {
        sp.Symbol(k, positive=True): sp.Rational(str(Fraction(str(v)))) for k, v in values.items()
    }
    return Fraction(str(expr.subs(sub)))


def temptation(n: int, c: Fraction, d: Fraction, k: int) -> Fraction:
    """``T_k`` exactly.

    Examples
    --------
    >>> temptation(10, Fraction(300), Fraction(1), 1)
    Fraction(2700, 1)
    >>> temptation(3, Fraction(1), Fraction(1, 2), 1)  # 1/2 + 1/4
    Fraction(3, 4)
    """
    return _at(TEMPTATION, n=n, c=c, d=d, k=k)


def cycle_value(n: int, c: Fraction, d: Fraction, k: int) -> Fraction:
    return _at(CYCLE_VALUE, n=n, c=c, d=d, k=k)


def future_value(n: int, c: Fraction, d: Fraction, k: int, cycles_left: int) -> Fraction:
    """``V_k``: what exclusion from the remaining cycles costs position ``k``, valued at
    round ``k`` of the current cycle."""
    v = max(Fraction(0), cycle_value(n, c, d, k))
    return sum((d ** (n - k + 1 + (m - 1) * n) * v for m in range(1, cycles_left + 1)), Fraction(0))


@dataclass(frozen=True)
class PositionDesign:
    position: int
    temptation: Fraction
    future_value: Fraction
    required_collateral: Fraction


@dataclass(frozen=True)
class CircleDesign:
    """The no-default design of a circle: by position, and its summaries."""

    n: int
    c: Fraction
    d: Fraction
    sanction: Fraction
    cycles: int
    positions: tuple[PositionDesign, ...]

    @property
    def least_uniform_collateral(self) -> Fraction:
        return max(p.required_collateral for p in self.positions)

    @property
    def binding_position(self) -> int:
        return max(self.positions, key=lambda p: (p.required_collateral, -p.position)).position

    @property
    def exclusion_fails_at(self) -> tuple[int, ...]:
        """Positions that exclusion alone (no collateral, no sanction) does not deter."""
        return tuple(p.position for p in self.positions if p.future_value < p.temptation)

    def released(self, position: int, t: int) -> Fraction:
        """Collateral released as payments arrive: what position ``position`` must still
        hold at the start of round ``t`` (after it received, ``t > position``)."""
        if t <= position:
            return self.positions[position - 1].required_collateral
        remaining = temptation(self.n, self.c, self.d, t - 1)  # payments t..n, valued at t-1
        return max(
            Fraction(0), remaining - self.sanction - self.positions[position - 1].future_value
        )


def design(values: Mapping[str, object]) -> CircleDesign:
    """The least collateral by position for ``values`` (``members``, ``contribution``,
    ``discount``, ``sanction``, ``cycles``).

    Examples
    --------
    >>> dsg = design({"members": 10, "contribution": 300, "discount": 1, "sanction": 0,
    ...               "cycles": 1})
    >>> dsg.least_uniform_collateral, dsg.binding_position, dsg.positions[-1].temptation
    (Fraction(2700, 1), 1, Fraction(0, 1))
    """
    n = int(Fraction(str(values["members"])))
    c = Fraction(str(values["contribution"]))
    d = Fraction(str(values["discount"]))
    s = Fraction(str(values["sanction"]))
    cycles = int(Fraction(str(values["cycles"])))
    rows = []
    for k in range(1, n + 1):
        t = temptation(n, c, d, k)
        v = future_value(n, c, d, k, cycles - 1)
        rows.append(PositionDesign(k, t, v, max(Fraction(0), t - s - v)))
    return CircleDesign(n, c, d, s, cycles, tuple(rows))


def full_pot_probability(n: int, p: Fraction) -> Fraction:
    """Version 1: ``(1 - p)^n``.

    >>> full_pot_probability(10, Fraction(1, 10)) == Fraction(9, 10) ** 10
    True
    """
    return _at(FULL_POT, n=n, p=p)


def expected_collected(n: int, c: Fraction, p: Fraction) -> Fraction:
    """Version 1: ``n c (1 - p)`` per round."""
    return _at(COLLECTED, n=n, c=c, p=p)
