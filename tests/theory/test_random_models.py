"""Property tests over random two-player models written through the public API.

Random models (:mod:`tests.theory.random_models`: payoffs linear, bilinear, quadratic,
with divisions, ``where`` on the parameters and ``maximum``) at random rational points.
Every answer of :func:`theory.analysis.analyse` is held against oracles that do not use
the symbolic derivation: the stage game obtained by stepping the model's own mechanisms
on fractions, an exact best-response check, pygambit's ``enummixed_solve`` (optional: its
comparison is skipped when pygambit is not installed) and the best response computed
directly on either side of every threshold: every reported equilibrium is a best
response, the symbolic and exact answers agree, and every threshold says where the best
response is what it claims. A hang is caught by an alarm and reported as a failure.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.theory.oracles import gambit_extreme, gbt, is_best_response_pair
from tests.theory.random_models import RandomModel, payoffs_at, random_models, random_points
from theory.analysis import analyse, regime_name
from theory.conditions import holds
from theory.regions import regime_grid

HANG_SECONDS = 60  # an example that takes this long is hung, not slow
MODELS = 25
POINTS = 3

Matrix = list[list[Fraction]]


@contextmanager
def hang_guard(what: str) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs for HANG_SECONDS."""

    def fire(*_: object) -> None:
        raise TimeoutError(f"{what} hung for {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def best_responses(A: Matrix, B: Matrix, x, y) -> bool:
    """Exact: both are probability vectors and no pure deviation pays more."""
    if sum(x) != 1 or sum(y) != 1 or min(*x, *y) < 0:
        return False
    return is_best_response_pair(A, B, x, y)


class Oracle:
    """The stage game at points near a given one, on fractions, each computed once."""

    def __init__(self, rm: RandomModel, values: dict[str, Fraction]) -> None:
        self.rm, self.values = rm, values
        self.seen: dict[tuple[str, Fraction], tuple[Matrix, Matrix] | None] = {}

    def payoffs(self, name: str, x: Fraction) -> tuple[Matrix, Matrix] | None:
        """The payoffs with ``name`` set to ``x``; ``None`` where a divisor vanishes."""
        if (name, x) not in self.seen:
            try:
                self.seen[name, x] = payoffs_at(self.rm, {**self.values, name: x})
            except ZeroDivisionError:
                self.seen[name, x] = None
        return self.seen[name, x]

    def best(self, name: str, x: Fraction, player: int, against: int) -> str | None:
        """The better action of ``player`` against the opponent's pure action ``against``
        (``None`` where the payoffs are undefined)."""
        game = self.payoffs(name, x)
        if game is None:
            return None
        A, B = game
        d = A[0][against] - A[1][against] if player == 0 else B[against][0] - B[against][1]
        acts = self.rm.model.players[player].actions
        return acts[0] if d > 0 else acts[1] if d < 0 else "indifferent"


def inside(rm: RandomModel, name: str, lower, upper) -> list[Fraction]:
    """A few rationals in ``(lower, upper)`` (``None``: unbounded) and the domain."""
    lo = None if lower is None else Fraction(lower)
    hi = None if upper is None else Fraction(upper)
    if lo is None and hi is None:
        xs = [Fraction(0)]
    elif lo is None:
        xs = [hi - 1, hi - Fraction(1, 10**6)]
    elif hi is None:
        xs = [lo + 1, lo + Fraction(1, 10**6)]
    else:
        xs = [(lo + hi) / 2]
    q = rm.model.parameter(name)
    return [x for x in xs if q.admits(x)]


def check_thresholds(rm: RandomModel, values: dict[str, Fraction], a) -> None:
    """Every threshold and interval against the direct best response; every switch seen
    on a grid of the domain is reported."""
    oracle = Oracle(rm, values)
    names = [pl.name for pl in rm.model.players]
    for t in a.thresholds:
        assert t.kind == "payoff"
        k = names.index(t.player)
        j = rm.model.players[1 - k].actions.index(t.against)
        assert "nan" not in t.text and "zoo" not in t.text, t.text
        q = rm.model.parameter(t.parameter)
        assert (
            q.lower is None
            or t.value > float(q.lower)
            or (t.value == float(q.lower) and not q.lower_open)
        ), f"{t.text}: outside the domain {q.bounds_text()}"
        assert q.upper is None or t.value <= float(q.upper), t.text
        probes = []
        for iv in t.intervals:
            for x in inside(rm, t.parameter, iv.lower, iv.upper):
                touch = any(abs(float(x) - z) <= 1e-12 * (1 + abs(z)) for z in iv.indifferent_at)
                probes.append((x, "indifferent" if touch else iv.best))
        v = Fraction(t.value)
        delta = Fraction(1, 10**7) * (1 + abs(v))
        probes += [(v + delta, t.above), (v - delta, t.below)]
        for x, want in probes:
            if not q.admits(x) or want == "undefined":
                continue
            got = oracle.best(t.parameter, x, k, j)
            assert got in (want, None), f"{t.text}: at {t.parameter} = {x} the best is {got}"
    # completeness: a change of the strict best response between two grid values of a
    # parameter must be reported by a threshold between them
    grid = [Fraction(n, 2) for n in range(-6, 7)]
    for k in range(2):
        for j in range(2):
            against = rm.model.players[1 - k].actions[j]
            for q in rm.model.parameters:
                bests = [(x, oracle.best(q.name, x, k, j)) for x in grid if q.admits(x)]
                strict = [(x, b) for x, b in bests if b not in ("indifferent", None)]
                ts = [
                    t.value
                    for t in a.thresholds
                    if t.player == names[k] and t.against == against and t.parameter == q.name
                ]
                for (x0, b0), (x1, b1) in zip(strict, strict[1:]):
                    if b0 != b1:
                        assert any(x0 <= Fraction(v) <= x1 for v in ts), (
                            f"{names[k]} against {against}: best response {b0} at "
                            f"{q.name} = {x0}, {b1} at {x1}, no threshold between"
                        )


def check_regions(rm: RandomModel, values: dict[str, Fraction], a) -> None:
    """The regime map's cell at the point agrees with the exact evaluation there."""
    x, y = rm.model.regime_axes
    grid = regime_grid(
        rm.model, values, x, np.array([float(values[x])]), y, np.array([float(values[y])])
    )
    point = a.game.substitution(a.values)
    expected = sum(1 << k for k, e in enumerate(a.symbolic.equilibria) if e.exists_at(point))
    assert int(grid.codes[0, 0]) == expected
    assert bool(grid.degenerate[0, 0]) == any(holds(c, point) for c in a.symbolic.degenerate_loci)


def check_point(rm: RandomModel, values: dict[str, Fraction], regions: bool) -> None:
    A, B = payoffs_at(rm, values)
    with hang_guard(f"analyse at {values}"):
        a = analyse(rm.model, values)
    As, Bs = a.payoffs_exact
    assert [[Fraction(str(As[i, j])) for j in range(2)] for i in range(2)] == A
    assert [[Fraction(str(Bs[i, j])) for j in range(2)] for i in range(2)] == B
    assert a.equilibria
    for e in a.equilibria:
        assert best_responses(A, B, e.row, e.col), (e.row, e.col)
    point = a.game.substitution(a.values)
    confirmed, rejected = a.symbolic.check_at(point)
    assert not rejected, [e.conditions for e in rejected]
    extreme = {(e.row, e.col) for e in a.equilibria}
    for s in confirmed:
        x, y = s.value_at(point)
        profile = (tuple(Fraction(str(v)) for v in x), tuple(Fraction(str(v)) for v in y))
        assert best_responses(A, B, *profile) and profile in extreme
    if gbt is not None:
        assert gambit_extreme(A, B) == extreme
    if not a.degenerate:
        assert a.agree, a.notes
        assert len(confirmed) == len(extreme)
        assert a.regime == regime_name(a.equilibria, a.game.actions, False)
    check_thresholds(rm, values, a)
    if regions:
        check_regions(rm, values, a)


@settings(
    max_examples=MODELS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_random_models_against_the_oracles(data):
    with hang_guard("deriving the model"):
        rm = data.draw(random_models(), label="model")
    note = rm.describe()
    for n in range(POINTS):
        values = data.draw(random_points(rm), label=f"point {n}")
        try:
            check_point(rm, values, regions=n == 0)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nmodel:\n{note}\npoint: {values}") from None


def test_the_gambit_oracle_is_exact_when_installed():
    """The oracle itself, on matching pennies (skipped without pygambit)."""
    if gbt is None:
        pytest.skip("pygambit is not installed")
    h = Fraction(1, 2)
    A = [[Fraction(1), Fraction(-1)], [Fraction(-1), Fraction(1)]]
    B = [[-v for v in row] for row in A]
    assert gambit_extreme(A, B) == {((h, h), (h, h))}
    assert best_responses(A, B, (h, h), (h, h)) and not best_responses(A, B, (1, 0), (1, 0))


def test_a_wrong_symbolic_condition_is_caught_at_the_point():
    """A candidate whose conditions hold but whose profile is not an equilibrium is
    rejected by the exact check, never reported."""
    from theory.equilibria import SymbolicAnalysis, SymbolicEquilibrium, analyse_symbolic
    from theory.models import get_model
    from theory.payoffs import stage_game

    game = stage_game(get_model("inspection"))
    sym = analyse_symbolic(game)
    one, zero = sp.Integer(1), sp.Integer(0)
    wrong = SymbolicEquilibrium((0,), (1,), (one, zero), (zero, one), ())  # (verify, honest)
    bad = SymbolicAnalysis(game, (*sym.equilibria, wrong), sym.dominance, sym.degenerate_loci)
    point = game.substitution(get_model("inspection").defaults())
    assert wrong.exists_at(point)
    assert bad.rejected_at(point) == (wrong,)
    assert wrong not in bad.existing_at(point)


def test_analyse_notes_a_rejected_candidate(monkeypatch):
    import theory.analysis
    from theory.equilibria import SymbolicAnalysis, SymbolicEquilibrium, analyse_symbolic
    from theory.models import get_model
    from theory.payoffs import stage_game

    model = get_model("inspection")
    sym = analyse_symbolic(stage_game(model))
    one, zero = sp.Integer(1), sp.Integer(0)
    wrong = SymbolicEquilibrium((0,), (1,), (one, zero), (zero, one), ())
    bad = SymbolicAnalysis(sym.game, (*sym.equilibria, wrong), sym.dominance, sym.degenerate_loci)
    monkeypatch.setattr(theory.analysis, "analyse_symbolic", lambda game: bad)
    a = analyse(model)
    verify_honest = ((Fraction(1), Fraction(0)), (Fraction(0), Fraction(1)))
    assert verify_honest not in {(e.row, e.col) for e in a.equilibria}
    assert not a.agree
    assert any(
        "rejected by the exact best-response check: ['(verify, honest)']" in n for n in a.notes
    )
