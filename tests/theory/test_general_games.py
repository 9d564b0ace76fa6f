"""Beyond 2 x 2: the volunteer's dilemma against Diekmann's closed forms, the three-action
game and random three-player games against pygambit, an n-player population expanded
member by member against the counts."""

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from tests.theory.oracles import gambit_extreme, gbt
from theory.analysis import analyse
from theory.model import Mechanism, Model, Parameter, Player, StateVariable, where
from theory.models import get_model
from theory.payoffs import explicit_game, stage_game
from theory.population import population_game
from theory.pure import pure_equilibria_at
from theory.symmetric import equilibria_at, symmetric_candidates

needs_gambit = pytest.mark.skipif(gbt is None, reason="pygambit, the exact oracle, is missing")

VOLUNTEERS = get_model("volunteers")
AUDIT = get_model("rosca-audit")


# -- the volunteer's dilemma (Diekmann 1985) --------------------------------------------


def test_symmetric_equilibrium_is_diekmanns_closed_form():
    (c,) = symmetric_candidates(population_game(VOLUNTEERS))
    n, b, k = sp.symbols("members benefit cost", positive=True)
    diekmann = 1 - (k / b) ** (1 / (n - 1))
    got = c.strategies[0][0].subs(
        {s: sp.Symbol(s.name, positive=True) for s in c.strategies[0][0].free_symbols}
    )
    assert sp.simplify(got - diekmann) == 0
    assert [sp.sstr(x) for x in c.conditions] == ["cost < benefit"]


@given(
    n=st.integers(2, 40),
    b=st.fractions(F(1, 10), 50),
    ratio=st.fractions(F(1, 100), F(99, 100)),
)
def test_volunteers_at_random_points(n, b, ratio):
    cost = b * ratio
    values = {"members": n, "benefit": b, "cost": cost}
    a = analyse(VOLUNTEERS, values)
    assert a.agree, a.notes
    pure = [e for e in a.equilibria if e.kind == "pure"]
    assert [e.label for e in pure] == [f"(1 verify, {n - 1} idle)"]  # exactly one volunteers
    (sym,) = [e for e in a.equilibria if e.kind == "symmetric"]
    p = float(sym.strategies[0][0])
    assert p == pytest.approx(1 - float(ratio) ** (1 / (n - 1)), rel=1e-12)
    # nobody volunteers with probability (c/b)^(n/(n-1))
    assert (1 - p) ** n == pytest.approx(float(ratio) ** (n / (n - 1)), rel=1e-9)


def test_bystander_effect_nobody_volunteers_more_often_in_larger_groups():
    chances = []
    for n in (2, 3, 5, 10, 100, 1000):
        e = equilibria_at(population_game(VOLUNTEERS), {"members": n, "benefit": 2, "cost": 1})
        (p,) = e.symmetric
        chances.append(float((1 - p) ** n))
    assert chances == sorted(chances) and chances[0] == pytest.approx(0.25)


def test_a_thousand_members_cost_no_more_than_three():
    g = population_game(VOLUNTEERS)  # derived once, with the member count a symbol
    assert isinstance(g.size, sp.Symbol) and g.others == (g.k, g.size - 1 - g.k)
    e = equilibria_at(g, {"members": 100000, "benefit": 2, "cost": 1})
    assert e.counts == ((1, 1),) and e.exact


@needs_gambit
@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_members_expanded_one_by_one_against_gambit(n):
    values = {"members": n, "benefit": F(3), "cost": F(1)}
    game = explicit_game(VOLUNTEERS, n)
    arrays = game.at(values)
    g = gbt.Game.from_arrays(*[np.array(A.tolist(), dtype=object) for A in arrays])
    found = set()
    for eq in gbt.nash.enumpure_solve(g).equilibria:
        found.add(
            tuple(next(i for i, s in enumerate(pl.strategies) if eq[s] == 1) for pl in g.players)
        )
    assert found == set(pure_equilibria_at(game, values))
    assert found == {tuple(int(j != i) for j in range(n)) for i in range(n)}


# -- the three-action game ----------------------------------------------------------------


SMALL = [F(v) for v in ("0", "0.05", "0.2", "0.5", "1", "1.5", "2", "100", "150", "250", "400")]


def audit_points():
    per = {}
    for q in AUDIT.parameters:
        allowed = [v for v in SMALL if q.admits(v)] or [q.default_value]
        per[q.name] = st.sampled_from(allowed + [q.default_value])
    return st.fixed_dictionaries(per)


@needs_gambit
@given(audit_points())
def test_three_action_game_against_gambit(values):
    a = analyse(AUDIT, values)
    A, B = a.payoffs_exact
    Af = [[F(str(A[i, j])) for j in range(3)] for i in range(3)]
    Bf = [[F(str(B[i, j])) for j in range(3)] for i in range(3)]
    ours = {(tuple(e.row), tuple(e.col)) for e in a.equilibria}
    assert ours == gambit_extreme(Af, Bf)
    assert a.agree or a.degenerate, a.notes


def test_three_action_game_defaults():
    a = analyse(AUDIT)
    (e,) = a.equilibria
    assert (e.row, e.col) == ((F(10, 11), F(1, 11), 0), (F(5, 12), 0, F(7, 12)))
    assert a.regime == "mixed" and not a.degenerate


# -- random three-player games through the public API -----------------------------------


def table_model(coefs, m=(2, 2, 2)):
    """A three-player model whose payoffs are linear in two parameters, written as
    mechanisms with where() on the players' actions."""
    players = []
    state = []
    mechs = []
    names = ("alice", "bob", "carol")
    for k, name in enumerate(names):
        flag = f"{name}_action"
        acts = tuple(f"a{i}" for i in range(m[k]))
        state.append(StateVariable(flag, True if m[k] == 2 else 0, "action"))
        state.append(StateVariable(f"U_{name}", 0, "payoff"))
        players.append(
            Player(
                name,
                acts,
                flag,
                reward=lambda p, s, n=name: getattr(s, f"U_{n}"),
                cost=lambda p, s: 0,
            )
        )

    def payoff_of(k):
        def fn(p, s, a):
            total = 0
            for prof in itertools.product(*(range(x) for x in m)):
                c0, c1, c2 = coefs[k][prof]
                term = c0 + c1 * p.x + c2 * p.y
                cond = True
                for j, i in enumerate(prof):
                    cond = cond & getattr(getattr(a, names[j]), f"a{i}")
                total = total + where(cond, term, 0)
            return total

        return fn

    for k, name in enumerate(names):
        mechs.append(Mechanism(f"U_{name}", payoff_of(k)))
    return Model(
        name="table3",
        title="random three-player game",
        summary="",
        parameters=(Parameter("x", "1", "", lower=None), Parameter("y", "1", "", lower=None)),
        state=tuple(state),
        players=tuple(players),
        blocks=(tuple(mechs),),
    )


coef = st.integers(-3, 3)


@needs_gambit
@given(
    st.lists(st.tuples(coef, coef, coef), min_size=24, max_size=24),
    st.fractions(-3, 3, max_denominator=4),
    st.fractions(-3, 3, max_denominator=4),
)
def test_random_three_player_games_against_gambit(flat, x, y):
    profiles = list(itertools.product(range(2), repeat=3))
    coefs = [{prof: flat[k * 8 + i] for i, prof in enumerate(profiles)} for k in range(3)]
    model = table_model(coefs)
    values = {"x": x, "y": y}
    a = analyse(model, values)
    assert a.kind == "n-player" and a.agree, a.notes
    arrays = stage_game(model).at(values)
    g = gbt.Game.from_arrays(*[np.array(A.tolist(), dtype=object) for A in arrays])
    found = set()
    for eq in gbt.nash.enumpure_solve(g).equilibria:
        found.add(
            tuple(next(i for i, s in enumerate(pl.strategies) if eq[s] == 1) for pl in g.players)
        )
    ours = {
        tuple(next(i for i, v in enumerate(s) if v == 1) for s in e.strategies)
        for e in a.equilibria
    }
    assert ours == found
