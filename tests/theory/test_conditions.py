"""Sign conditions, exact evaluation and the sign along one parameter
(theory/conditions.py), on the expressions users write: divisions, ``where`` and
``maximum``."""

from __future__ import annotations

import operator
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.theory.random_models import NAMES, VALUES, denominators, entries, evaluate
from theory.conditions import (
    MAX_ATOMS,
    TooManyCasesError,
    holds,
    sign_at,
    sign_condition,
    sign_stretches,
    split,
)
from theory.functions import Namespace, maximum, where

REAL = {n: sp.Symbol(n, real=True) for n in NAMES}
COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
COMPARE |= {"==": operator.eq, "!=": operator.ne}


class _Values:
    def __init__(self, values: dict[str, Fraction]) -> None:
        self.__dict__.update(values)


@settings(max_examples=40, deadline=None)
@given(
    st.data(),
    entries(NAMES),
    st.sampled_from(sorted(COMPARE)),
)
def test_a_sign_condition_holds_exactly_where_the_relation_does(data, tree, op):
    """For random payoff expressions (divisions, where, maximum) and random rational
    points, the reduced condition decides exactly as the relation on fractions."""
    expr = sp.sympify(evaluate(tree, Namespace(REAL, "parameter")))
    cond = sign_condition(expr, op)
    for _ in range(4):
        values = {n: data.draw(st.sampled_from(VALUES)) for n in NAMES}
        p = _Values(values)
        if any(evaluate(d, p) == 0 for d in denominators(tree)):
            continue
        want = COMPARE[op](evaluate(tree, p), 0)
        point = {REAL[n]: sp.Rational(v.numerator, v.denominator) for n, v in values.items()}
        assert holds(cond, point) == want, (expr, op, cond, values)


def test_a_divisor_of_unknown_sign_multiplies_instead_of_dividing():
    r, k, b = (REAL[n] for n in "rkb")
    cond = sign_condition(r - k / b, ">")
    assert cond == sp.StrictGreaterThan(b * (b * r - k), 0)
    at = {r: -1, k: 1}
    assert holds(cond, {**at, b: sp.Rational(-1, 2)})  # -1 + 2 > 0
    assert not holds(cond, {**at, b: 2}) and not holds(cond, {**at, b: -2})


def test_a_positive_divisor_is_dropped():
    r = REAL["r"]
    k, b = sp.symbols("k b", positive=True)
    assert sign_condition(r - k / b, ">") == sp.StrictGreaterThan(b * r, k)


def test_maximum_is_split_into_cases():
    """``maximum(c, 1)`` in a cost used to raise NotImplementedError in sympy's solver."""
    c, g = REAL["c"], REAL["a"]
    cond = sign_condition(g - sp.Max(c, 1), ">")
    assert cond == sp.Or(sp.And(c <= 1, g > 1), sp.And(c > 1, g > c))
    assert holds(cond, {c: 2, g: 3}) and not holds(cond, {c: 2, g: sp.Rational(3, 2)})


def test_an_undefined_value_satisfies_no_relation_and_never_raises():
    """A piecewise value with a ``nan`` piece (as sympy's solver returns) used to raise
    "Invalid NaN comparison"; a vanishing divisor gives ``zoo``."""
    a, c = REAL["a"], REAL["c"]
    undefined = sp.Piecewise((c, a < c), (sp.nan, True))
    assert not holds(undefined > 0, {a: 2, c: 1})
    assert holds(undefined > 0, {a: 0, c: 1})
    assert not holds(sp.Ne(1 / a, 1), {a: 0}) and sign_at(1 / a, {a: 0}) is None


def test_holds_decides_irrational_values():
    a = REAL["a"]
    assert holds(sp.sqrt(a) > sp.Rational(7, 5), {a: 2})
    assert not holds(sp.Eq(sp.sqrt(a) ** 2, 3), {a: 2})


def test_split_drops_cases_that_cannot_hold_together():
    c = REAL["c"]
    s = split([sp.Max(c, 1), sp.Max(c, 2)])
    assert len(s.cases) == 3  # c <= 1; 1 < c <= 2; c > 2 (not c <= 1 and c > 2)
    assert {tuple(p) for p in (k.pieces for k in s.cases)} == {(1, 2), (c, 2), (c, c)}


def test_too_many_guards_is_a_clear_error():
    a = REAL["a"]
    expr = sum(sp.Max(a, i) for i in range(MAX_ATOMS + 1))
    with pytest.raises(TooManyCasesError, match=f"{MAX_ATOMS + 1} distinct where/maximum"):
        split([expr])


def test_a_quadratic_without_real_roots_has_one_sign():
    """Used to fail with "Cannot convert complex to float"."""
    a = REAL["a"]
    stretches, exact = sign_stretches(a * a + a + 1, a, {})
    assert [(s.lower, s.upper, s.sign) for s in stretches] == [(None, None, 1)] and exact


def test_a_square_minus_a_constant_changes_sign_twice():
    a, c = REAL["a"], REAL["c"]
    stretches, _ = sign_stretches(a * a - c, a, {c: 2})
    assert [(s.lower, s.upper, s.sign) for s in stretches] == [
        (None, -sp.sqrt(2), 1),
        (-sp.sqrt(2), sp.sqrt(2), -1),
        (sp.sqrt(2), None, 1),
    ]


def test_a_jump_of_a_where_is_a_switch():
    a, c = REAL["a"], REAL["c"]
    expr = where(a > c, sp.Integer(1), sp.Integer(-1))
    stretches, _ = sign_stretches(expr, a, {c: 3})
    assert [(s.lower, s.upper, s.sign) for s in stretches] == [(None, 3, -1), (3, None, 1)]
    stretches, _ = sign_stretches(maximum(a, 1) - 2, a, {})
    assert [(s.lower, s.upper, s.sign) for s in stretches] == [(None, 2, -1), (2, None, 1)]


def test_an_expression_that_is_not_rational_is_bisected():
    a = sp.Symbol("a", positive=True)
    stretches, exact = sign_stretches(sp.sqrt(a) - 2, a, {})
    assert not exact
    assert [s.sign for s in stretches] == [-1, 1]
    assert abs(float(stretches[0].upper) - 4) < 1e-9
