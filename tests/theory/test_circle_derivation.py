"""The circle's enforcement conditions, derived from its mechanisms by one-shot deviation
(theory.rounds), held against closed forms written here independently of the model.

The closed forms are those of the literature (Besley, Coate and Loury 1993; Anderson,
Baland and Moene 2009; docs/domain.md): with contribution c, n members in a fixed order,
discount d, the member at position k is tempted, right after receiving, by the payments it
would save; a defaulter forfeits its collateral K_k and pays the sanction S, and (with the
rating gate) loses the later cycles. Here every value is taken at the round of the
deviation, and every round is checked, not only the one after receipt.
"""

from fractions import Fraction as F

import pytest

from theory.design import analyse_rounds
from theory.models import get_model
from theory.rounds import derive

CIRCLE = get_model("rosca-circle")


def geometric(c, d, count):
    """c (1 + d + ... + d^(count-1))."""
    return sum((c * d**j for j in range(count)), F(0))


def temptation(n, c, d, k):
    """The payments position k saves by defaulting right after its turn, valued at round k
    (the literature's T_k = c d (1 - d^(n-k)) / (1 - d); c (n - k) when d = 1)."""
    return d * geometric(c, d, n - k)


def cycle_value(n, c, d, k):
    """One cycle to position k, valued at its first round: pay every round, receive n c
    at round k."""
    return -geometric(c, d, n) + n * c * d ** (k - 1)


def held(mode, n, c, k, t, K, scale, schedule):
    """Collateral position k holds when it decides at round t of a cycle."""
    if mode == "uniform":
        return K
    if mode == "schedule":
        return schedule[k - 1]
    owed = scale * c * (n - k)
    if mode == "released" and t > k:
        return min(owed, scale * c * (n - t + 1))
    return owed


def oracle_slack(pt, k, cycle, t):
    """Follow minus deviate for position k at round t of cycle `cycle`."""
    n, c, S, C = pt["members"], F(pt["contribution"]), F(pt["sanction"]), pt["cycles"]
    d = F(pt["own"][k - 1]) if pt.get("own") else F(pt["discount"])
    K = held(pt["mode"], n, c, k, t, F(pt["collateral"]), F(pt["scale"]), pt.get("schedule"))
    within = -geometric(c, d, n - t + 1) + (n * c * d ** (k - t) if t <= k else 0)
    future = sum(
        (d ** (n - t + 1 + (j - 1) * n) * cycle_value(n, c, d, k) for j in range(1, C - cycle + 1)),
        F(0),
    )
    # a defaulter loses K and S now; with the rating gate it also loses the later cycles
    lost_future = future if pt["gate"] else 0
    return within + lost_future + K + S


POINTS = [
    dict(members=10, contribution=300, discount=1, sanction=0, cycles=1, collateral=0),
    dict(members=5, contribution=1, discount=F(1, 2), sanction=0, cycles=1, collateral=F(1, 4)),
    dict(members=8, contribution=100, discount=F(9, 10), sanction=50, cycles=3, collateral=120),
    dict(members=4, contribution=10, discount=F(99, 100), sanction=0, cycles=5, collateral=0),
    dict(members=6, contribution=20, discount=1, sanction=35, cycles=4, collateral=10),
    dict(members=5, contribution=100, discount=F(9, 10), sanction=20, cycles=3, collateral=210),
    dict(
        members=6, contribution=20, discount=F(95, 100), sanction=5, cycles=2, collateral=30, gate=0
    ),
    dict(
        members=5,
        contribution=50,
        discount=F(9, 10),
        sanction=0,
        cycles=2,
        collateral=0,
        mode="required",
        scale=F(3, 4),
    ),
    dict(
        members=5,
        contribution=50,
        discount=F(9, 10),
        sanction=10,
        cycles=2,
        collateral=0,
        mode="released",
        scale=1,
    ),
    dict(
        members=4,
        contribution=30,
        discount=1,
        sanction=0,
        cycles=1,
        collateral=0,
        mode="schedule",
        schedule=[F(90), F(40), F(7), F(0)],
    ),
    dict(
        members=4,
        contribution=30,
        discount=F(9, 10),
        sanction=5,
        cycles=2,
        collateral=25,
        own=[F(9, 10), F(1, 2), 1, F(8, 10)],
    ),
]


def _values(pt):
    v = {
        k: pt[k]
        for k in ("members", "contribution", "discount", "sanction", "cycles", "collateral")
    }
    v["rating_gate"] = pt.get("gate", 1)
    v["collateral_mode"] = pt.get("mode", "uniform")
    v["collateral_scale"] = pt.get("scale", 1)
    if pt.get("schedule"):
        v["collateral_schedule"] = tuple(pt["schedule"])
    if pt.get("own"):
        v["member_discounts"] = tuple(pt["own"])
    return v


@pytest.mark.parametrize(
    "pt",
    POINTS,
    ids=lambda p: f"n{p['members']}-d{p['discount']}-{p.get('mode', 'uniform')}-c{p['cycles']}",
)
def test_every_constraint_against_the_closed_forms(pt):
    pt = {"gate": 1, "mode": "uniform", "scale": 1, **pt}
    pc = derive(CIRCLE, _values(pt))
    n = pt["members"]
    assert len(pc.constraints) == n * n * pt["cycles"]
    for c in pc.constraints:
        cycle, t = (c.round - 1) // n + 1, (c.round - 1) % n + 1
        k = c.agent.member + 1  # fixed order: member k is at position k
        expected = float(oracle_slack(pt, k, cycle, t))
        assert c.value == pytest.approx(expected, rel=1e-9, abs=1e-7), (c.agent.name, c.label)


def test_temptation_right_after_receipt_is_the_literatures_T_k():
    pt = dict(
        members=10,
        contribution=300,
        discount=F(9, 10),
        sanction=0,
        cycles=1,
        collateral=0,
        gate=1,
        mode="uniform",
        scale=1,
    )
    pc = derive(CIRCLE, _values(pt))
    for k in range(1, 10):
        c = next(x for x in pc.constraints if x.agent.member == k - 1 and x.round == k + 1)
        # valued at the round of the first missed payment, T_k / d
        assert -c.value == pytest.approx(float(temptation(10, F(300), F(9, 10), k) / F(9, 10)))
    assert pc.binding.agent.member == 0 and pc.binding.round == 2  # binds at k = 1


def test_the_last_cycle_binds_where_the_old_closed_form_said_the_first():
    """The user's case: n = 5, c = 100, d = 0.9, 3 cycles, sanction 20. The old closed
    form (exclusion from two later cycles deters in cycle 1) asked 204.52; in the last
    cycle nothing is left to lose, and 210 of collateral does not deter position 1."""
    values = dict(
        members=5, contribution=100, discount=F(9, 10), cycles=3, sanction=20, collateral=210
    )
    a = analyse_rounds(CIRCLE, values)
    pc = a.profiles[0].conditions
    assert not pc.equilibrium
    worst = pc.binding
    assert (worst.agent.member, worst.label) == (0, "cycle 3, round 2")
    tempted = float(temptation(5, F(100), F(9, 10), 1))
    assert tempted == pytest.approx(309.51)
    # K + S must cover the temptation valued at the round of default, T_1 / d
    least = a.profiles[0].thresholds["collateral"].least
    assert least == pytest.approx(tempted / 0.9 - 20)
    assert least > 210 > 204.52


def test_without_discounting_exclusion_deters_nobody():
    values = dict(members=10, contribution=300, discount=1, cycles=10, sanction=0, collateral=0)
    pc = derive(CIRCLE, values)
    fails = {c.agent.member + 1 for c in pc.constraints if not c.holds(pc.scale)}
    assert fails == set(range(1, 10))  # everybody but the last position


def test_threshold_is_verified_by_re_derivation():
    values = dict(members=6, contribution=50, discount=F(95, 100), cycles=2, sanction=10)
    a = analyse_rounds(CIRCLE, values)
    least = a.profiles[0].thresholds["collateral"].least
    at = derive(CIRCLE, {**values, "collateral": F(repr(least))})
    below = derive(CIRCLE, {**values, "collateral": F(repr(least)) - F(1, 100)})
    assert at.equilibrium and not below.equilibrium
