"""Regime maps of every kind of model, held cell by cell against the exact analysis at that
cell (a separate code path: exact rationals, no compiled grid), against Diekmann's closed
form for the volunteer's dilemma, and against a fresh derivation for many rounds."""

from fractions import Fraction

import numpy as np
import pytest

from tests.reports.explore_models import PAIR, THREE
from theory.analysis import analyse
from theory.errors import ModelError, ParameterError
from theory.maps import default_axes, regime_map
from theory.models import get_model
from theory.models.loading import load_model
from theory.rounds import derive


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "three.py"
    path.write_text(THREE)
    return load_model(str(path))


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "pair.py"
    path.write_text(PAIR)
    return load_model(str(path))


def _at(values, x_name, x, y_name, y):
    out = dict(values)
    out[x_name] = Fraction(str(x))
    out[y_name] = Fraction(str(y))
    return out


def test_three_players_every_cell_matches_the_exact_pure_equilibria(three):
    xs = np.linspace(0.25, 4, 16)
    ys = np.linspace(0.5, 5, 10)
    g = regime_map(three, three.defaults(), "cost_alice", xs, "benefit", ys)
    assert len(g.names) >= 3  # who volunteers changes with the costs
    for i in range(len(ys)):
        for j in range(len(xs)):
            a = analyse(three, _at(three.defaults(), "cost_alice", xs[j], "benefit", ys[i]))
            assert g.regime_at(i, j) == a.regime, (xs[j], ys[i])


def test_volunteers_map_is_diekmanns_closed_form():
    """One volunteer is an equilibrium, and the symmetric mixed one exists, exactly when the
    benefit exceeds the cost (Diekmann 1985); otherwise nobody volunteers."""
    m = get_model("volunteers")
    costs = np.linspace(0.1, 4, 14)
    members = np.array([2, 3, 5, 10, 40, 200])
    g = regime_map(m, m.defaults(), "cost", costs, "members", members)
    b = float(m.defaults()["benefit"])
    for i in range(len(members)):
        for j, c in enumerate(costs):
            expected = "1 takes verify + symmetric mixed" if c < b else "nobody takes verify"
            assert g.regime_at(i, j) == expected


def test_a_population_without_a_closed_form_matches_the_exact_roots(pair):
    costs = np.linspace(0.05, 2.5, 12)
    members = np.array([2, 3, 4, 6, 9])
    g = regime_map(pair, pair.defaults(), "cost", costs, "members", members)
    assert any("2 symmetric mixed" in n for n in g.names.values())
    for i, n in enumerate(members):
        for j, c in enumerate(costs):
            a = analyse(pair, _at(pair.defaults(), "cost", c, "members", n))
            pe = a.point_equilibria
            assert g.regime_at(i, j).count("symmetric mixed") == (len(pe.symmetric) > 0), (c, n)
            shown = g.regime_at(i, j)
            k = 0 if "symmetric" not in shown else (2 if "2 symmetric" in shown else 1)
            assert k == len(pe.symmetric), (c, n, shown, pe.symmetric)
            counts = [K for lo, hi in pe.counts for K in range(lo, hi + 1)]
            assert ("nobody takes verify" in shown) == (0 in counts)


@pytest.mark.parametrize("cycles", [1, 2])
def test_circle_map_matches_a_fresh_derivation_at_every_sampled_cell(cycles):
    m = get_model("rosca-circle")
    values = m.defaults() | {"members": 5, "cycles": cycles}
    xs = np.linspace(0, 600, 13)
    ys = np.linspace(0, 300, 7)
    g = regime_map(m, values, "collateral", xs, "sanction", ys)
    assert len(g.names) >= 2
    rng = np.random.default_rng(cycles)
    for i, j in zip(rng.integers(0, len(ys), 12), rng.integers(0, len(xs), 12)):
        pc = derive(m, _at(values, "collateral", xs[j], "sanction", ys[i]))
        tempted = list(dict.fromkeys(c.agent.name for c in pc.violated))
        shown = g.regime_at(i, j)
        if g.degenerate[i, j]:
            continue
        if not tempted:
            assert shown == "no-default is an equilibrium", (xs[j], ys[i])
        else:
            if len(tempted) <= 3:
                assert shown == f"{', '.join(tempted)} tempted", (xs[j], ys[i], shown)
            else:
                assert shown.startswith(f"{len(tempted)} tempted ({tempted[0]}, {tempted[1]},")
                assert shown.endswith(f"{tempted[-1]})"), (xs[j], ys[i], shown)


def test_default_axes_and_refusals(three):
    assert default_axes(get_model("rosca-circle")) == ("collateral", "sanction")
    assert default_axes(three) == ("benefit", "cost_alice")
    m = get_model("rosca-circle")
    with pytest.raises(ParameterError, match="not affine"):
        regime_map(m, m.defaults(), "collateral", np.array([1.0]), "discount", np.array([0.9]))
    with pytest.raises(ParameterError, match="must differ"):
        regime_map(m, m.defaults(), "sanction", np.array([1.0]), "sanction", np.array([1.0]))
    with pytest.raises(ModelError, match="did you mean .collateral."):
        regime_map(m, m.defaults(), "sanction", np.array([1.0]), "colateral", np.array([1.0]))
    v = get_model("rosca-v2")
    with pytest.raises(ParameterError, match="policy parameter"):
        regime_map(v, v.defaults(), "delta", np.array([1.0]), "theta", np.array([1.0]))
