"""Thresholds (theory/thresholds.py): the regressions users reported, each on a model
written through the public API, and the shipped models' switches.

Every claim of a threshold is also checked against the best response computed directly
on fractions, by stepping the model's own mechanisms (tests/theory/random_models.py).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from tests.theory.random_models import make_model, parameter, payoffs_at
from theory.analysis import Analysis, analyse
from theory.functions import maximum, where
from theory.models import MODELS
from theory.regions import regime_grid

ZERO = ("num", Fraction(0))


def row_game(params, up_left, *, up_right=ZERO, down_left=ZERO, down_right=ZERO, cost=ZERO):
    """A model where only the row player's payoffs vary: ``up_left`` (a function of ``p``
    or a tree) against the column player's ``left``."""
    reward = (((up_left, up_right), (down_left, down_right)), ((ZERO, ZERO), (ZERO, ZERO)))
    return make_model(tuple(params), reward, (cost, ZERO))


def direct(rm, values, parameter, x) -> str:
    A, _ = payoffs_at(rm, {**values, parameter: Fraction(x)})
    d = A[0][0] - A[1][0]
    return "up" if d > 0 else "down" if d < 0 else "indifferent"


def switches(a, parameter, against="left"):
    return [t for t in a.thresholds if t.parameter == parameter and t.against == against]


def test_a_divisor_of_either_sign_keeps_its_sign():
    """``r - k/b`` at r = -1 used to read "act iff b > k/r"; it is positive only between
    b = k/r = -1 and the pole at b = 0."""
    rm = row_game(
        [parameter("r", "real"), parameter("k", "positive"), parameter("b", "real")],
        lambda p: p.r - p.k / p.b,
    )
    values = {"r": Fraction(-1), "k": Fraction(1), "b": Fraction(2)}
    a = analyse(rm.model, values)
    ts = switches(a, "b")
    assert [(t.value, t.below, t.above, t.switches) for t in ts] == [
        (-1.0, "down", "up", 2),
        (0.0, "up", "down", 2),
    ]
    assert [sp.sstr(t.expression) for t in ts] == ["k/r", "0"]
    assert [(iv.lower, iv.upper, iv.best) for iv in ts[0].intervals] == [
        (None, -1.0, "down"),
        (-1.0, 0.0, "up"),
        (0.0, None, "down"),
    ]
    assert "one of 2 switches" in ts[0].text and "up iff b >" not in ts[0].text
    for x, want in (("-2", "down"), ("-0.5", "up"), ("2", "down")):
        assert direct(rm, values, "b", x) == want


def test_a_positive_divisor_gives_one_switch_or_none():
    rm = row_game(
        [parameter("r", "real"), parameter("k", "positive"), parameter("b", "positive")],
        lambda p: p.r - p.k / p.b,
    )
    negative = analyse(rm.model, {"r": -1, "k": 1, "b": 2})
    assert switches(negative, "b") == []  # down for every b > 0: no switch to report
    (t,) = switches(negative, "r")
    assert t.text == "row against left: up iff r > k/b (= 0.5); at r = -1: down"
    (t,) = switches(analyse(rm.model, {"r": 2, "k": 1, "b": 2}), "b")
    assert t.text == "row against left: up iff b > k/r (= 0.5); at b = 2: up"


def test_a_square_switches_twice_and_says_so():
    """``a*a - c``: two switches, neither presented as deciding alone."""
    rm = row_game([parameter("a", "real"), parameter("c", "positive")], lambda p: p.a * p.a - p.c)
    values = {"a": Fraction(1), "c": Fraction(2)}
    a = analyse(rm.model, values)
    ts = switches(a, "a")
    assert [sp.sstr(t.expression) for t in ts] == ["-sqrt(c)", "sqrt(c)"]
    assert all(t.switches == 2 and "one of 2 switches" in t.text for t in ts)
    assert [(t.below, t.above) for t in ts] == [("up", "down"), ("down", "up")]
    assert ts[0].text.startswith("row against left: down just above a = -sqrt(c) (= -1.41421)")
    for x, want in (("-2", "up"), ("0", "down"), ("2", "up")):
        assert direct(rm, values, "a", x) == want
    only = row_game(
        [parameter("a", "nonnegative"), parameter("c", "positive")], lambda p: p.a * p.a - p.c
    )
    (t,) = switches(analyse(only.model, values), "a")
    assert t.text == "row against left: up iff a > sqrt(c) (= 1.41421); at a = 1: down"


def test_maximum_in_a_cost():
    """Used to raise NotImplementedError from sympy's solver."""
    rm = row_game(
        [parameter("g", "real"), parameter("c", "real")],
        lambda p: p.g,
        cost=lambda p: maximum(p.c, 1),
    )
    a = analyse(rm.model, {"g": 3, "c": 2})
    (t,) = switches(a, "c")
    assert t.text == "row against left: down iff c > g where c > 1 (= 3); at c = 2: up"
    (t,) = switches(a, "g")
    assert t.text == "row against left: up iff g > c where c > 1 (= 2); at g = 3: up"
    assert switches(analyse(rm.model, {"g": Fraction(1, 2), "c": 2}), "c") == []  # never up


def test_a_where_on_a_parameter():
    """Used to raise "Invalid NaN comparison" and print ``g > Piecewise((c, a < c), (nan,
    True))``."""
    rm = row_game(
        [parameter("g", "real"), parameter("a", "real"), parameter("c", "real")],
        lambda p: where(p.a < p.c, p.g - p.c, p.g - p.a),
    )
    for values, text in (
        (
            {"g": 1, "a": 0, "c": 2},
            "row against left: up iff g > c where a < c (= 2); at g = 1: down",
        ),
        (
            {"g": 1, "a": 3, "c": 2},
            "row against left: up iff g > a where a >= c (= 3); at g = 1: down",
        ),
    ):
        a = analyse(rm.model, values)
        (t,) = switches(a, "g")
        assert t.text == text and "nan" not in t.text
        assert a.agree


def test_a_double_root_is_a_point_of_indifference_not_a_switch():
    """``(c - 1)**2 / c`` touches zero at c = 1 without changing sign."""
    rm = row_game([parameter("c", "nonnegative")], lambda p: (p.c - 1) * (p.c - 1) / p.c)
    (t,) = switches(analyse(rm.model, {"c": 2}), "c")
    assert t.text == "row against left: up iff c > 0 (= 0), indifferent at c = 1; at c = 2: up"
    assert [iv.indifferent_at for iv in t.intervals] == [(1.0,)]
    assert direct(rm, {"c": 2}, "c", 1) == "indifferent"


def test_a_quadratic_without_real_roots():
    """Used to raise "Cannot convert complex to float"."""
    rm = row_game([parameter("a", "real"), parameter("c", "real")], lambda p: p.a * p.a + p.a + p.c)
    assert switches(analyse(rm.model, {"a": 0, "c": 1}), "a") == []  # up for every a
    assert len(switches(analyse(rm.model, {"a": 0, "c": -1}), "a")) == 2


def test_no_closed_form_is_said_plainly():
    rm = row_game([parameter("a", "real")], lambda p: p.a * p.a * p.a - p.a - 1)
    (t,) = switches(analyse(rm.model, {"a": 0}), "a")
    assert not t.closed_form and t.slope is None
    assert t.value == pytest.approx(1.324717957244746)
    assert "no closed form; at the point: a = 1.32472" in t.text
    assert (
        direct(rm, {"a": 0}, "a", "1.3247") == "down"
        and direct(rm, {"a": 0}, "a", "1.3248") == "up"
    )


def test_a_switch_of_an_expression_that_is_not_rational_is_bisected():
    rm = row_game([parameter("a", "positive")], lambda p: sp.sqrt(p.a) - 2)
    (t,) = switches(analyse(rm.model, {"a": 1}), "a")
    assert not t.closed_form and not t.exact and t.value == pytest.approx(4, abs=1e-9)
    assert "no closed form; at the point, by bracketing and bisection: a = 4" in t.text
    assert (t.below, t.above) == ("down", "up")


def test_an_identically_degenerate_locus_in_the_regime_map():
    """The row player is indifferent against ``left`` for every parameter value: the locus
    is ``True``; the regime map used to fail with "'BooleanTrue' object has no attribute
    'lhs'"."""
    rm = row_game(
        [parameter("a", "real"), parameter("b", "real")],
        lambda p: p.a,
        down_left=lambda p: p.a,
        up_right=lambda p: p.b,
    )
    a = analyse(rm.model, {"a": 1, "b": 1})
    assert sp.true in a.symbolic.degenerate_loci and a.degenerate
    grid = regime_grid(rm.model, a.values, "a", np.array([0.0, 1.0]), "b", np.array([-1.0, 1.0]))
    assert grid.degenerate.all()


def test_thresholds_of_the_shipped_models_lie_in_their_domains():
    for model in MODELS.values():
        a = analyse(model)
        if not isinstance(a, Analysis):  # not a two-player game
            continue
        for t in a.thresholds:
            q = model.parameter(t.parameter)
            assert q.lower is None or t.value >= float(Fraction(q.lower)), t.text
            assert t.closed_form and t.switches == 1, t.text


def test_the_penalty_that_keeps_the_cheater_honest():
    a = analyse(MODELS["rosca-v2"])
    texts = [t.text for t in a.thresholds]
    assert (
        "cheater against contribute: honest iff delta > gamma (= 1); at delta = 0.25: cheat"
        in texts
    )
    hurdle = "honest iff theta > -(delta - gamma)/delta (= 3); at theta = 0.1: cheat"
    assert f"cheater against contribute: {hurdle}" in texts


def test_the_json_of_a_threshold_carries_its_intervals():
    from reports.solve_output import to_dict

    (t,) = [
        t for t in to_dict(analyse(MODELS["rosca-v2"]))["thresholds"] if t["parameter"] == "delta"
    ]
    assert t["closed_form"] is True and t["switches"] == 1
    assert t["intervals"] == [
        {"lower": 0.0, "upper": 1.0, "best": "cheat"},
        {"lower": 1.0, "upper": None, "best": "honest"},
    ]
