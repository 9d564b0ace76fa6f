"""The enforcement problem's closed forms (DOMAIN.md section 4) against a brute-force
backward induction and brute-force cash flows written here."""

from fractions import Fraction as F
from itertools import product

import pytest
import sympy as sp

from theory.circle import TEMPTATION, design, full_pot_probability, future_value, temptation

POINTS = [
    dict(members=10, contribution=300, discount=1, sanction=0, cycles=1),
    dict(members=5, contribution=1, discount=F(1, 2), sanction=0, cycles=1),
    dict(members=8, contribution=100, discount=F(9, 10), sanction=50, cycles=3),
    dict(members=4, contribution=10, discount=F(99, 100), sanction=0, cycles=5),
    dict(members=6, contribution=20, discount=1, sanction=35, cycles=4),
]


def honest_cost_to_go(n, c, d, t):
    """Backward induction over the rounds left: the cost, valued at the end of round t - 1,
    of paying rounds t..n (each payment one round after the previous)."""
    w = F(0)
    for _ in range(t, n + 1):
        w = d * (c + w)
    return w


def least_collateral_by_induction(n, c, d, k, sanction, future):
    """The least K for which paying beats defaulting at every round after receipt."""
    need = max((honest_cost_to_go(n, c, d, t) for t in range(k + 1, n + 1)), default=F(0))
    return max(F(0), need - sanction - future)


def cycle_cash_flows_value(n, c, d, k):
    """A cycle at position k, valued at its start: pay c each round, receive n c at round k."""
    return sum((-c + (n * c if r == k else 0)) * d ** (r - 1) for r in range(1, n + 1))


def exclusion_value(n, c, d, k, cycles_left):
    """Cycles after this one, valued at round k of this one; a member may skip a bad cycle."""
    return sum(
        d ** (n - k + 1 + (m - 1) * n) * max(F(0), cycle_cash_flows_value(n, c, d, k))
        for m in range(1, cycles_left + 1)
    )


@pytest.mark.parametrize("pt", POINTS, ids=lambda p: f"n{p['members']}-d{p['discount']}")
def test_closed_forms_against_backward_induction(pt):
    n, c, d = pt["members"], F(pt["contribution"]), F(pt["discount"])
    dsg = design(pt)
    for e in dsg.positions:
        k = e.position
        # the temptation: payments k+1..n saved by defaulting right after receiving
        assert e.temptation == honest_cost_to_go(n, c, d, k + 1)
        assert e.future_value == exclusion_value(n, c, d, k, pt["cycles"] - 1)
        assert e.required_collateral == least_collateral_by_induction(
            n, c, d, k, F(pt["sanction"]), e.future_value
        )
    assert dsg.positions[-1].temptation == 0  # vanishes for the last recipient
    assert max(dsg.positions, key=lambda e: e.temptation).position == 1  # binds at k = 1
    assert dsg.least_uniform_collateral == max(e.required_collateral for e in dsg.positions)


def test_domain_formula_and_its_d_equals_one_limit():
    n, c, d, k = sp.symbols("n c d k", positive=True)
    closed = c * d * (1 - d ** (n - k)) / (1 - d)
    assert sp.simplify(TEMPTATION.args[1][0] - closed) == 0
    assert sp.limit(closed.subs({n: 10, k: 3}), d, 1) == 7 * c
    assert temptation(10, F(300), F(1), 3) == 300 * 7


def test_exclusion_alone_fails_without_discounting():
    """With d = 1 a cycle is worth nothing, so exclusion deters no tempted position."""
    dsg = design(dict(members=10, contribution=300, discount=1, sanction=0, cycles=10))
    assert dsg.exclusion_fails_at == tuple(range(1, 10))
    assert all(e.future_value == 0 for e in dsg.positions)
    # with discounting, early receivers value future cycles, but not enough at k = 1
    dsg = design(dict(members=10, contribution=300, discount=F(95, 100), sanction=0, cycles=3))
    assert 1 in dsg.exclusion_fails_at and dsg.positions[0].future_value > 0


def test_released_collateral_tracks_the_remaining_payments():
    dsg = design(dict(members=5, contribution=10, discount=1, sanction=0, cycles=1))
    assert [dsg.released(1, t) for t in range(2, 6)] == [40, 30, 20, 10]


@pytest.mark.parametrize("n,p", [(3, F(1, 10)), (6, F(1, 4)), (10, F(1, 10))])
def test_version_one_full_pot_probability_by_enumeration(n, p):
    total = sum(
        (p ** sum(miss) * (1 - p) ** (n - sum(miss)))
        for miss in product((0, 1), repeat=n)
        if not any(miss)
    )
    assert full_pot_probability(n, p) == total == (1 - p) ** n


def test_future_value_is_zero_with_one_cycle():
    assert future_value(10, F(300), F(9, 10), 1, 0) == 0
