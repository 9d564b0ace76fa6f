"""The explorer page in a real browser: headless Chromium, driven by Selenium through
Debian's chromedriver, moves the sliders and the number boxes, and what the page shows is
held against :func:`theory.analysis.analyse` at the point the page says it is at, for every
shipped model and for two models of the user's (three single players; a population without
a closed form, tests/reports/explore_models.py).

Points: random slider positions within the bounds (a seeded generator), random decimals
typed into the number boxes, and boundaries typed exactly: for games, every degenerate locus
and existence condition solved for one parameter; for populations, ``benefit = cost`` and
member counts far beyond the slider (the page's one-step evaluation of the constant part of
``D(k)``; the numeric roots past 61 members); for many rounds, the thresholds themselves, a
point on every breakpoint the derivations recorded, and a point beyond the sliders.

The test needs Chromium and chromedriver (``.ci/run`` installs the Debian packages
``chromium`` and ``chromium-driver``) and Selenium (the ``test`` extra); without them it
skips and says which is missing.
"""

import json
import os
import shutil
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from reports.cli import main
from reports.explore import decimal, explorer_data
from tests.reports.explore_models import PAIR, THREE
from theory.analysis import analyse
from theory.models import MODELS, get_model
from theory.parameters import parse_option

webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed (it is in the 'test' extra)"
)

SET = """
const [name, value, kind] = arguments;
const sel = kind === "range" ? 'input[type=range][name="' + name + '"]'
                             : 'input[type=number][data-param="' + name + '"]';
const e = document.querySelector(sel);
e.value = value;
e.dispatchEvent(new Event("input"));
"""

READ = """
const all = (sel) => [...document.querySelectorAll(sel)];
const data = (x) => Object.assign({}, x.dataset);
return {
  point: JSON.parse(document.getElementById("point").dataset.values),
  regime: document.getElementById("regime").textContent,
  note: document.getElementById("regime-note").textContent,
  agree: (document.getElementById("agree") || {}).textContent,
  errors: all(".param .error").map((x) => x.textContent).filter((t) => t),
  equilibria: all("#equilibria li.equilibrium").map(data),
  candidates: all("#candidates li.candidate").map(data),
  thresholds: all("#thresholds li.threshold").map((x) =>
    [x.dataset.parameter, x.dataset.player, x.dataset.against, x.dataset.expression,
     x.dataset.single === "true", Number(x.dataset.value), x.textContent]),
  profiles: all("section.profile").map((s) => ({
    name: s.dataset.profile,
    equilibrium: (s.querySelector(".verdict") || { dataset: {} }).dataset.equilibrium,
    binding: data(s.querySelector(".binding") || { dataset: {} }),
    thresholds: [...s.querySelectorAll("li.threshold")].map(data),
    members: [...s.querySelectorAll("tr.member")].map(data),
    region: (s.querySelector(".region") || { dataset: {} }).dataset.region,
  })),
};
"""


def _binary(names, env):
    for name in names:
        found = shutil.which(name) or next(
            (p for p in (f"/usr/bin/{name}", f"/usr/lib/chromium/{name}") if os.path.exists(p)),
            None,
        )
        if found:
            return found
    pytest.skip(f"{env} is not installed (Debian package '{names[0]}'; .ci/run installs it)")


@pytest.fixture(scope="module")
def browser():
    chromium = _binary(["chromium", "chromium-browser"], "Chromium")
    driver_path = _binary(["chromedriver"], "chromedriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="rosca-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def user_models(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    out = {}
    for name, text in (("three-verifiers", THREE), ("pair-verifiers", PAIR)):
        path = folder / f"{name.replace('-', '_')}.py"
        path.write_text(text)
        out[name] = str(path)
    return out


def open_page(browser, model, folder, sets=()):
    path = Path(folder) / "page.html"
    argv = ["explore", model, "--out", str(path)]
    for s in sets:
        argv += ["--set", s]
    assert main(argv) == 0
    browser.get(path.as_uri())
    assert browser.execute_script("return document.body.dataset.ready") == "true"
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    return path


def values_of(model, point):
    """The page's point as the library takes it: fractions, and options parsed."""
    options = {o.name: o for o in model.options}
    return {
        k: parse_option(options[k], v) if k in options else Fraction(v) for k, v in point.items()
    }


def sliders_of(browser, model):
    sliders = browser.execute_script(
        "return [...document.querySelectorAll('input[type=range]')]"
        ".map((e) => [e.name, e.min, e.max, e.step])"
    )
    for name, lo, hi, _ in sliders:
        q = model.parameter(name)
        assert q.admits(Fraction(lo)) and q.admits(Fraction(hi)) and Fraction(lo) < Fraction(hi)
    return sliders


def random_points(browser, model, check, rng, trials):
    """Move every slider to a random position (every third trial: type a decimal)."""
    sliders = sliders_of(browser, model)
    for trial in range(trials):
        for pname, lo, hi, _ in sliders:
            if trial % 3 == 2:
                value = decimal(Fraction(str(round(rng.uniform(float(lo), float(hi)), 4))))
                if model.parameter(pname).admits(Fraction(value)):
                    browser.execute_script(SET, pname, value, "number")
            else:
                browser.execute_script(SET, pname, str(rng.uniform(float(lo), float(hi))), "range")
        check(browser, model)


def typed(browser, settings, reset=True):
    if reset:
        browser.execute_script("document.getElementById('reset').click()")
    for name, value in settings:
        browser.execute_script(SET, name, value, "number")
    page = browser.execute_script(READ)
    assert page["errors"] == [], page["errors"]
    assert all(page["point"][name] == value for name, value in settings)
    return page


# -- normal-form games ------------------------------------------------------------------


def check_game(browser, model):
    """What the page shows equals the analysis at the point the page says it is at."""
    page = browser.execute_script(READ)
    a = analyse(model, values_of(model, page["point"]))
    assert page["regime"] == a.regime, page["point"]
    expected = sorted([[str(v) for v in s] for s in e.strategies] for e in a.equilibria)
    shown = sorted(json.loads(e["strategies"]) for e in page["equilibria"])
    assert shown == expected, page["point"]
    point = a.game.substitution(a.values)
    exists = [c["exists"] == "true" for c in page["candidates"]]
    assert exists == [c.exists_at(point) for c in a.candidates], page["point"]
    assert page["agree"] == ("yes" if a.agree else "NO")
    theory = {(t.parameter, t.player, t.against, sp.sstr(t.expression)): t for t in a.thresholds}
    for parameter, player, against, expression, single, value, text in page["thresholds"]:
        key = (parameter, player, against, expression)
        if single:  # one switch: the page states it as rosca solve does
            assert key in theory, (key, page["point"])
            assert text == theory[key].text, page["point"]
        if key in theory:
            assert value == pytest.approx(theory[key].value, rel=1e-12, abs=1e-300)
    return a


def boundary_points(model, most=10):
    """Each degenerate locus and existence condition, solved exactly for one game parameter
    with the others at their defaults: decimal values within the bounds (at most ``most``,
    spread over the list)."""
    a = analyse(model)
    sub = a.game.substitution(a.values)
    game = {q.name for q in model.parameters if q.role == "game"}
    loci = a.symbolic.degenerate_loci if a.kind == "two-player" else ()
    relations = [*loci, *(k for c in a.candidates for k in c.conditions)]
    differences = {sp.expand(r.lhs - r.rhs) for r in relations if isinstance(r, sp.Rel)}
    found = set()
    for diff in differences:
        for sym in sorted(diff.free_symbols, key=lambda s: s.name):
            if sym.name not in game:
                continue
            rest = {k: v for k, v in sub.items() if k != sym}
            num = sp.numer(sp.together(diff.subs(rest)))
            if not num.is_polynomial(sym) or sp.degree(num, sym) != 1:
                continue
            c1, c0 = sp.Poly(num, sym).all_coeffs()
            root = -c0 / c1
            if not root.is_Rational:
                continue
            value = Fraction(int(root.p), int(root.q))
            text = decimal(value)
            if model.parameter(sym.name).admits(value) and "/" not in text:
                found.add((sym.name, text))
    found = sorted(found)
    step = max(1, -(-len(found) // most))
    return found[::step]


GAMES = [n for n, m in MODELS.items() if m.kind in ("two-player", "n-player")]


@pytest.mark.parametrize("name", [*GAMES, "three-verifiers"])
def test_game_page_follows_the_theory_in_chromium(browser, name, user_models, tmp_path):
    model = get_model(user_models.get(name, name))
    open_page(browser, user_models.get(name, name), tmp_path)
    names = [s[0] for s in sliders_of(browser, model)]
    assert names == [q.name for q in model.parameters if q.role == "game"]
    check_game(browser, model)  # the defaults
    random_points(browser, model, check_game, np.random.default_rng(sum(map(ord, name))), 4)
    regimes = set()
    for pname, value in boundary_points(model, most=7):
        typed(browser, [(pname, value)])
        regimes.add(check_game(browser, model).regime)
    assert any(r.startswith("degenerate: ") for r in regimes), "no degenerate point was reached"


def test_number_box_refuses_values_outside_the_bounds(browser, tmp_path):
    open_page(browser, "rosca-v2", tmp_path)
    before = browser.execute_script(READ)["point"]
    browser.execute_script(SET, "zeta", "1.5", "number")
    page = browser.execute_script(READ)
    assert page["errors"] == ["zeta is outside its bounds (0, 1]"]
    assert page["point"] == before
    browser.execute_script(SET, "zeta", "1", "number")
    assert browser.execute_script(READ)["point"]["zeta"] == "1"


# -- populations ------------------------------------------------------------------------


def check_population(browser, model):
    page = browser.execute_script(READ)
    a = analyse(model, values_of(model, page["point"]))
    assert page["regime"] == a.regime, page["point"]
    assert [e["label"] for e in page["equilibria"]] == [e.label for e in a.equilibria]
    for shown, e in zip(page["equilibria"], a.equilibria):
        share = e.strategies[0][0]
        if e.kind == "pure":  # exact
            assert shown["share"] == str(sp.Rational(share)), page["point"]
        else:  # irrational in general: in doubles
            assert float(shown["share"]) == pytest.approx(float(sp.N(share, 30)), rel=1e-7)
    point = a.game.substitution(a.values)
    for shown, c in zip(page["candidates"], a.candidates):
        closed = c.kind != "symmetric" or sp.Symbol("p") not in c.strategies[0][0].atoms()
        if closed and shown["generic"] == "false":
            assert (shown["exists"] == "true") == c.exists_at(point), (c.label, page["point"])
    assert page["agree"] == ("yes" if a.agree else "NO")
    return a


POPULATIONS = [n for n, m in MODELS.items() if m.kind == "population"]


@pytest.mark.parametrize("name", [*POPULATIONS, "pair-verifiers"])
def test_population_page_follows_the_theory_in_chromium(browser, name, user_models, tmp_path):
    model = get_model(user_models.get(name, name))
    open_page(browser, user_models.get(name, name), tmp_path)
    names = [s[0] for s in sliders_of(browser, model)]
    assert names == [q.name for q in model.parameters if q.role == "game"]
    check_population(browser, model)
    rng = np.random.default_rng(sum(map(ord, name)))
    random_points(browser, model, check_population, rng, 5)
    size = model.players[0].population
    points = [
        [("benefit", "1.25"), ("cost", "1.25")],  # D(k) vanishes where the pieces meet
        [(size, "62")],  # past the degree solved exactly when there is no closed form
        [(size, "3"), ("benefit", "0.5")],
    ]
    if name in POPULATIONS:  # the largest count, in one step where D is constant
        points.append([(size, decimal(Fraction(model.parameter(size).upper)))])
    regimes = set()
    for settings in points:
        typed(browser, settings)
        regimes.add(check_population(browser, model).regime)
    assert len(regimes) >= 3, regimes
    browser.execute_script("document.getElementById('reset').click()")
    bystander = browser.execute_script("return document.getElementById('bystander').dataset")
    assert int(bystander["points"]) > 0  # the defaults have a symmetric equilibrium


def test_a_symmetric_root_near_zero_in_a_large_population(browser, tmp_path):
    """20,000 members sharing a bounty: the symmetric equilibrium is at p = 3e-4, below
    any fixed grid of p; the page finds it where the library does."""
    src = tmp_path / "bounty.py"  # the shared bounty of tests/theory/test_population_gains.py
    src.write_text("from tests.theory.test_population_gains import BOUNTY as MODEL\n")
    model = get_model(str(src))
    open_page(browser, str(src), tmp_path, ["members=20000"])
    a = check_population(browser, model)
    assert "symmetric mixed" in a.regime
    for n in ("2000", "100000"):
        typed(browser, [("members", n)])
        assert "symmetric mixed" in check_population(browser, model).regime


# -- many rounds ------------------------------------------------------------------------


def check_rounds(browser, model, covers):
    """The page against the analysis at its point; and the derivation it uses there is the
    first of the cover's regions whose recorded comparisons hold at the point."""
    page = browser.execute_script(READ)
    assert page["note"] == "" or "not derived" not in page["regime"], page["note"]
    a = analyse(model, values_of(model, page["point"]))
    assert page["regime"] == a.regime, page["point"]
    assert [p["name"] for p in page["profiles"]] == [pd.name for pd in a.profiles]
    free = [n for n in covers[0].regions[0].conditions.free]
    y = tuple(Fraction(page["point"][n]) for n in free)
    for shown, pd, cov in zip(page["profiles"], a.profiles, covers):
        assert int(shown["region"]) == next(i for i, r in enumerate(cov.regions) if r.holds(y))
        pc = pd.conditions
        assert shown["equilibrium"] == str(pc.equilibrium).lower(), page["point"]
        b = pc.binding
        assert shown["binding"]["agent"] == b.agent.name and int(shown["binding"]["round"]) == (
            b.round
        ), page["point"]
        assert shown["binding"]["deviation"] == b.deviation
        assert float(shown["binding"]["slack"]) == pytest.approx(b.value, rel=1e-12, abs=1e-9)
        assert int(shown["binding"]["violated"]) == len(pc.violated)
        assert [m["agent"] for m in shown["members"]] == [m.agent.name for m in pd.members]
        for row, md in zip(shown["members"], pd.members):
            assert int(row["round"]) == md.binding.round
            assert float(row["required"]) == pytest.approx(md.required, rel=1e-12, abs=1e-9)
        checked = 0
        for t in shown["thresholds"]:
            if t["checked"] == "true":
                assert t["text"] == pd.thresholds[t["parameter"]].text, page["point"]
                checked += 1
        assert checked == len(pd.thresholds)  # every threshold was re-checked on the page
    return a


def breakpoints(browser):
    """Every breakpoint of a single free parameter the page's derivations recorded."""
    return browser.execute_script(
        "const out = [];"
        "for (const pr of SPEC.profiles) for (const reg of pr.regions) for (const r of reg.rel)"
        "  { const live = r.cs.map((c, i) => [c, i]).filter(([c]) => !Q.isZero(c));"
        "    if (live.length === 1) { const [c, i] = live[0];"
        "      out.push([SPEC.free[i], Q.decimal(Q.neg(Q.div(r.c0, c)))]); } }"
        "return out;"
    )


ROUNDS = [n for n, m in MODELS.items() if m.kind == "many-round"]
VARIANTS = {
    "rosca-circle": [
        (),
        ("members=5", "cycles=2", "discount=0.9", "contribution=100", "order=rating"),
    ]
}


@pytest.mark.parametrize("name, sets", [(n, s) for n in ROUNDS for s in VARIANTS.get(n, [()])])
def test_rounds_page_follows_the_theory_in_chromium(browser, name, sets, tmp_path):
    model = get_model(name)
    open_page(browser, name, tmp_path, sets)
    page = browser.execute_script(READ)
    for s in sets:
        key, value = s.split("=")
        assert page["point"][key] == value  # the fixed parameters and options, as set
    start = values_of(model, page["point"])
    covers = [p.cover for p in explorer_data(model, start).profiles]

    def check(browser, model):
        return check_rounds(browser, model, covers)

    check(browser, model)
    random_points(browser, model, check, np.random.default_rng(sum(map(ord, name)) + len(sets)), 5)
    # the thresholds themselves (the constraints hold with equality there), recorded
    # breakpoints and points just past them, and a point beyond the sliders
    thresholds = [
        (t["parameter"], decimal(Fraction(t["text"].split(" >= ")[1].split(" ")[0])))
        for p in browser.execute_script(READ)["profiles"]
        for t in p["thresholds"]
        if " >= " in t["text"]
    ]
    cuts = sorted({tuple(b) for b in breakpoints(browser)})[:5]
    points = [*cuts, *((n, decimal(Fraction(b) + Fraction(1, 2))) for n, b in cuts), *thresholds]
    free = [s[0] for s in sliders_of(browser, model)]
    points.append((free[0], "100000"))
    regimes = set()
    for pname, value in points:
        if "/" in value or not model.parameter(pname).admits(Fraction(value)):
            continue
        typed(browser, [(pname, value)])
        regimes.add(check(browser, model).regime)
    assert len(regimes) >= 2, regimes
