"""The explorer page without a browser: what is computed and compiled for each kind of
model, the cover of a many-round model's sliders by derivations, and the command's bad
input (the browser test holds the pages themselves against the theory:
tests/reports/test_explore_browser.py)."""

import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from reports import explore
from reports.cli import main
from reports.explore import ExploreError, build_page, compile_page, explorer_data, slider
from reports.explore_regions import cover, point_of, region, relation_of
from reports.jscode import ExactPrinter, FloatPrinter, is_rational, to_exact_js
from tests.reports.explore_models import PAIR, THREE
from theory.analysis import analyse
from theory.model import Mechanism, Model, Parameter, Player, StateVariable, where
from theory.models import MODELS, get_model
from theory.nplayer import tie_loci
from theory.payoffs import stage_game
from theory.rounds import derive

GAMES = [n for n, m in MODELS.items() if m.kind == "two-player"]


@pytest.fixture(scope="module")
def user_models(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    (folder / "three.py").write_text(THREE)
    (folder / "pair.py").write_text(PAIR)
    return {
        "three": get_model(str(folder / "three.py")),
        "pair": get_model(str(folder / "pair.py")),
    }


@pytest.mark.parametrize("name", GAMES)
def test_every_expression_of_the_shipped_games_compiles_exactly(name):
    m = get_model(name)
    data = explorer_data(m, m.defaults())
    page = compile_page(data)
    assert page.rational
    spec = page.spec
    assert [c["label"] for c in spec["candidates"]] == [c.label for c in data.analysis.candidates]
    assert [p["name"] for p in spec["parameters"]] == [
        q.name for q in m.parameters if q.role == "game"
    ]
    assert set(spec["fixed"]) == {q.name for q in m.parameters if q.role != "game"}
    # one exact function per distinct expression: the payoff tables, closed forms and
    # conditions are all among them
    n_exact = page.script.split("const FLOAT")[0].count("(v, k, K) => ")
    assert n_exact >= len(spec["payoffs"][0]) + sum(
        len(c["conditions"]) for c in spec["candidates"]
    )


@pytest.mark.parametrize("name", list(MODELS))
def test_every_shipped_page_is_self_contained(name, tmp_path):
    out = tmp_path / "page.html"
    assert main(["explore", name, "--out", str(out)]) == 0
    text = out.read_text()
    assert "<script src" not in text and "<link" not in text
    assert not re.search(r"https?://", text)
    assert 'id="regime"' in text and f"<code>{name}</code>" in text
    assert 'type: "range", name: p.name' in text  # a range input named after each parameter
    regime = re.search(r'<div id="regime">(.*?)</div>', text).group(1)
    assert regime == analyse(get_model(name)).regime  # before the script runs


def test_a_three_player_game(user_models):
    m = user_models["three"]
    data = explorer_data(m, m.defaults())
    page = compile_page(data)
    spec = page.spec
    assert spec["kind"] == "n-player" and page.rational
    assert spec["strides"] == [4, 2, 1] and len(spec["profiles"]) == 8
    assert [c["label"] for c in spec["candidates"]] == [
        "(verify, idle, idle)",
        "(idle, verify, idle)",
        "(idle, idle, verify)",
        "(idle, idle, idle)",
    ]
    assert [k["text"] for k in spec["loci"]] == [
        "Eq(benefit, cost_alice)",
        "Eq(benefit, cost_bob)",
        "Eq(benefit, cost_carol)",
    ]
    assert spec["dynamics"] is False and "not enumerated" in build_page(m, m.defaults())


def test_tie_loci_say_where_an_n_player_game_is_degenerate(user_models):
    """The loci the page shows hold exactly where the theory calls the game degenerate."""
    from theory.conditions import holds

    m = user_models["three"]
    loci = tie_loci(stage_game(m))
    rng = np.random.default_rng(3)
    seen = set()
    for _ in range(12):
        values = {q.name: Fraction(int(rng.integers(1, 5)), 2) for q in m.parameters}
        a = analyse(m, values)
        shown = any(holds(k, a.point) for k in loci)
        assert shown == a.degenerate, values
        seen.add(shown)
    assert seen == {True, False}


def test_a_population_page_compiles_the_gain_and_its_constant_part(user_models):
    m = get_model("volunteers")
    spec = compile_page(explorer_data(m, m.defaults())).spec
    assert spec["kind"] == "population" and spec["constantFrom"] == 2
    assert spec["gainText"] == "Piecewise((-cost, k_verify >= 1), (benefit - cost, True))"
    sym = spec["candidates"][-1]
    assert sym["closed"] and sym["conditions"][0]["text"] == "cost < benefit"
    pair = compile_page(explorer_data(user_models["pair"], user_models["pair"].defaults())).spec
    assert pair["constantFrom"] == 3 and not pair["candidates"][-1]["closed"]


def test_a_rounds_page_carries_every_derivation_once():
    m = get_model("rosca-circle")
    data = explorer_data(m, m.defaults() | {"members": 4})
    page = compile_page(data)
    spec = page.spec
    assert spec["free"] == ["collateral", "sanction"]
    assert "members" in spec["fixed"] and "collateral_mode" in spec["fixed"]
    assert spec["command"].startswith("rosca explore rosca-circle --set members=4")
    regions = spec["profiles"][0]["regions"]
    assert len(regions) == len(data.profiles[0].cover.regions) >= 2
    assert len(spec["sets"]) == 1  # uniform collateral: the same constraints everywhere
    assert [s["max"] for s in spec["parameters"]] == ["1350", "1350"]


def test_the_cover_holds_where_it_says(user_models):
    """At random points of the sliders' box, the derivation the cover picks gives the same
    constraints as a derivation made there."""
    m = get_model("rosca-circle")
    values = m.defaults() | m.option_defaults() | {"members": 5, "cycles": 2}
    values["discount"] = Fraction("0.9")
    free = ("collateral", "sanction")
    start = point_of(values, free)

    def at(y):
        return derive(m, values | dict(zip(free, y)), None, free)

    box = [(Fraction(0), Fraction(2000)), (Fraction(0), Fraction(2000))]
    c = cover(region(at(start), start), at, box)
    assert not c.shrunk and c.box == tuple(box)
    rng = np.random.default_rng(5)
    for _ in range(6):
        y = tuple(Fraction(int(rng.integers(0, 2001))) for _ in free)
        (reg,) = [r for r in c.regions if r.holds(y)][:1]
        here = at(y)
        assert [c.slack.tolist() for c in reg.conditions.constraints] == [
            c.slack.tolist() for c in here.constraints
        ]


def test_a_cover_out_of_budget_shrinks_to_covered_cells():
    m = get_model("rosca-circle")
    values = m.defaults() | m.option_defaults() | {"members": 4, "contribution": 10}
    free = ("collateral", "sanction")
    start = (Fraction(15), Fraction(0))

    def at(y):
        return derive(m, values | dict(zip(free, y)), None, free)

    box = [(Fraction(0), Fraction(60)), (Fraction(0), Fraction(60))]
    c = cover(region(at(start), start), at, box, max_derivations=2)
    assert c.shrunk and c.derivations == 2
    lo, hi = c.box[0]
    assert lo <= 15 <= hi and (lo, hi) != (0, 60)
    for x in np.linspace(float(lo), float(hi), 13):
        y = (Fraction(x).limit_denominator(1000), Fraction(0))
        assert any(r.holds(y) for r in c.regions)


def test_branch_records_are_read_exactly():
    # 0.9 collateral - 2.5 sanction - 1234.5 >= 0, recorded as false
    r = relation_of((">=", -1234.5, 0.9, -2.5), False)
    assert r.coefficients == (Fraction(9, 10), Fraction(-5, 2)) and r.constant == Fraction(-2469, 2)
    assert r.op == ">=" and not r.outcome and r.axis is None
    assert r.holds((Fraction(0), Fraction(0))) and not r.holds((Fraction(10**5), Fraction(0)))
    eq = relation_of(("==", -300.0, 1.0), True)
    assert eq.breakpoint == 300 and eq.holds((Fraction(300),))


def test_options_reach_the_page(tmp_path):
    out = tmp_path / "circle.html"
    argv = ["explore", "rosca-circle", "--set", "members=4", "--set", "collateral_mode=required"]
    assert main([*argv, "--out", str(out)]) == 0
    text = out.read_text()
    assert '"collateral_mode": "required"' in text and '"members": "4"' in text


def test_a_model_too_large_for_the_page_is_refused(tmp_path, capsys, monkeypatch):
    m = get_model("inspection")
    data = explorer_data(m, m.defaults())
    with pytest.raises(ExploreError, match="too large to compile for the explorer page"):
        compile_page(data, limit=1000)
    monkeypatch.setattr(explore, "MAX_SOURCE", 1000)
    for name in ("inspection", "volunteers", "rosca-circle"):
        assert main(["explore", name, "--out", str(tmp_path / "x.html")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "too large" in err and "limit 1,000" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["explore", "inspection", "--out", "page.txt"], "--out must name an .html file"),
        (["explore", "inspection", "--out", "missing/page.html"], "does not exist"),
        (["explore", "inspection", "--set", "P=-1"], "outside its bounds"),
        (["explore", "inspektion"], "unknown model 'inspektion'"),
        (["explore", "rosca-circle", "--set", "order=sideways"], "order"),
        (["explore", "rosca-circle", "--set", "order=random"], "random"),
        (["explore", "volunteers", "--set", "members=1"], "outside its bounds"),
    ],
)
def test_bad_input_is_one_line(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert list(tmp_path.iterdir()) == []


def test_default_output_name_and_set(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["explore", "rosca-v2", "--set", "delta=1.5"]) == 0
    text = Path("rosca-v2-explore.html").read_text()
    assert '"value": "1.5"' in text and "rosca-v2-explore.html" in capsys.readouterr().out


def test_slider_ranges_hit_the_value_and_respect_the_bounds():
    share = Parameter("zeta", "0.2", "share", upper="1", lower_open=True)
    s = slider(share, Fraction(1, 5), [])
    assert (s.min, s.max, s.step) == ("0.001", "1", "0.001")
    odd = slider(Parameter("x", "0.1234", "x"), Fraction("0.1234"), [10.0])
    assert Fraction(odd.value) / Fraction(odd.step) == int(Fraction(odd.value) / Fraction(odd.step))
    assert Fraction(odd.max) >= 15
    count = slider(Parameter("n", "5", "members", lower="2", integer=True), Fraction(5), [])
    assert Fraction(count.step).denominator == 1 and count.min == "2"
    free = slider(Parameter("r", "-2", "anything", lower=None), Fraction(-2), [])
    assert Fraction(free.min) < -2 < Fraction(free.max)
    far = slider(Parameter("n", "5", "", lower="2", upper="100000", integer=True), Fraction(5), [])
    near = slider(Parameter("n", "5", "", lower="2", upper="50", integer=True), Fraction(5), [])
    assert far.max == "15" and near.max == "50"
    shut = slider(Parameter("d", "0.5", "", upper="1", upper_open=True), Fraction(1, 2), [])
    assert Fraction(shut.max) < 1


def test_printers_exact_and_float():
    x, y = sp.symbols("x y", positive=True)
    expr = sp.Piecewise((x / (x + y), x > 2 * y), (sp.Max(x, y) ** 2, True))
    assert is_rational(expr)
    exact = to_exact_js(expr)
    assert "Q.gt(" in exact and "Q.pow(Q.add(" in exact and "Q.max(" in exact
    assert "Math" not in exact and "/" not in exact
    assert FloatPrinter().doprint(expr).count("Math.max") == 1
    assert not is_rational(sp.sqrt(x)) and "Q.approx(Math.sqrt" in ExactPrinter().doprint(
        sp.sqrt(x) < y
    )
    k = sp.Symbol("k_verify", integer=True, nonnegative=True)
    assert to_exact_js(sp.Piecewise((x, k >= 1), (0, True)), {k: "k"}).startswith("((Q.ge(k, ")
    assert "1/Q.num(k)" in to_exact_js(x ** (1 / k), {k: "k"})


def _sqrt_model() -> Model:
    """An inspection game whose gain is the square root of a parameter."""
    return Model(
        name="root-gain",
        title="Inspection with a square-root gain",
        summary="The cheater gains sqrt(g) when not inspected.",
        parameters=(
            Parameter("g", "4", "gain parameter", lower_open=True),
            Parameter("p", "3", "penalty"),
            Parameter("c", "1", "cost of inspecting", lower_open=True),
        ),
        state=(
            StateVariable("I_On", False, "inspecting"),
            StateVariable("C_On", False, "cheating"),
            StateVariable("I_Cost", 0, "inspector's cost"),
            StateVariable("C_Gain", 0, "cheater's net gain"),
        ),
        players=(
            Player("inspector", ("inspect", "skip"), "I_On", lambda p, s: 0, lambda p, s: s.I_Cost),
            Player("cheater", ("cheat", "honest"), "C_On", lambda p, s: s.C_Gain, lambda p, s: 0),
        ),
        blocks=(
            (
                Mechanism(
                    "I_Cost", lambda p, s, a: where(a.inspector, p.c, where(a.cheater, 2, 0))
                ),
                Mechanism(
                    "C_Gain",
                    lambda p, s, a: where(a.cheater, where(a.inspector, -p.p, sp.sqrt(p.g)), 0),
                ),
            ),
        ),
    )


def test_a_model_that_is_not_rational_is_marked_approximate():
    m = _sqrt_model()
    data = explorer_data(m, m.defaults())
    page = compile_page(data)
    assert not page.rational and "Q.approx(Math.sqrt" in page.script
    assert "marked \u2248" in build_page(m, m.defaults())
