"""The explorer page of a normal-form game: two players (any number of actions each) or three
and more single players (:mod:`theory.analysis`, :mod:`theory.nplayer`).

Compute, then render. :func:`game_data` gathers the theory's own expressions at a point:
each player's payoff at every pure profile, every equilibrium candidate (a label, one
probability vector per player as closed forms, the conditions under which it exists), the
degenerate loci, the thresholds and, for two actions each, the replicator dynamics
(:func:`theory.dynamics.replicator`). :func:`compile_game` prints them to JavaScript twice:
over exact rationals, for everything the page says about the current point, and in doubles,
for the regime map and the phase portrait.

Exactness. The sliders and number boxes hold decimals, which are exact rationals; the page
evaluates the compiled conditions in rational arithmetic, so on a boundary (``delta =
gamma``, say) it decides exactly as ``rosca solve`` does. For two players, where the game
is degenerate the regime lists the extreme points of the equilibrium set, which the
candidates do not describe; the page then runs the exact vertex enumeration of
:mod:`theory.vertices` on the payoffs at the point, as :func:`theory.analysis.analyse`
does. For three or more players the page enumerates the pure profiles with an exact
best-response check, as :func:`theory.nplayer.analyse_nplayer` does (mixed equilibria of
such games are not enumerated), and calls the game degenerate where a player is
indifferent between two actions against a pure profile of the others: the loci
``u(a, rest) = u(b, rest)`` it shows. An expression that is not a rational function (a
square root) is evaluated in doubles, compared with a relative tolerance of 1e-9 and marked
approximate. The regime map is a picture in doubles: a cell on a boundary may take either
colour. The thresholds are those the theory reports at the initial point with a closed
form, followed as the point moves (a single switch is stated as ``rosca solve`` states it).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import sympy as sp

from reports.explore_common import (
    CompiledPage,
    Functions,
    Slider,
    check_size,
    fixed_text,
    map_section,
    page_axes,
    parameter_spec,
    render_shell,
    slider,
)
from reports.jscode import to_float_js
from theory.analysis import analyse
from theory.dynamics import replicator
from theory.model import Model
from theory.nplayer import tie_loci


@dataclass(frozen=True)
class PageCandidate:
    """An equilibrium candidate as the page consumes it."""

    label: str
    kind: str
    strategies: tuple[tuple[sp.Expr, ...], ...]
    conditions: tuple[sp.Basic, ...]
    pure: tuple[int, ...] | None


@dataclass(frozen=True)
class PageThreshold:
    """A switch of ``player``'s best response against ``against`` at ``parameter =
    expression`` (where ``guard`` holds); when the switch is the only one, the sign of
    ``slope`` says on which side the player takes ``actions[0]``; ``pair`` names the two
    actions compared for a player with more than two."""

    parameter: str
    player: str
    against: str
    actions: tuple[str, str]
    expression: sp.Expr
    slope: sp.Expr | None
    guard: sp.Basic
    kind: str
    pair: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class ExplorerData:
    """Everything the page of a normal-form game shows, as the theory's expressions, and
    the analysis at the initial point."""

    model: Model
    source: str
    analysis: Any
    sliders: tuple[Slider, ...]
    fixed: dict[str, Any]
    actions: tuple[tuple[str, ...], ...]
    profiles: tuple[tuple[int, ...], ...]
    payoffs: tuple[tuple[sp.Expr, ...], ...]
    candidates: tuple[PageCandidate, ...]
    loci: tuple[sp.Basic, ...]
    thresholds: tuple[PageThreshold, ...]
    dynamics: tuple[sp.Symbol, sp.Symbol, sp.Expr, sp.Expr, sp.Expr, sp.Expr] | None
    map_axes: tuple[str, str] | None


def _pure(strategies: tuple[tuple[sp.Expr, ...], ...]) -> tuple[int, ...] | None:
    out = []
    for s in strategies:
        ones = [i for i, v in enumerate(s) if sp.sympify(v) == 1]
        if len(ones) != 1 or any(sp.sympify(v) != 0 for i, v in enumerate(s) if i != ones[0]):
            return None
        out.append(ones[0])
    return tuple(out)


def _candidates(a: Any) -> tuple[PageCandidate, ...]:
    """The analysis' candidates in the page's shape."""
    out = []
    for c in a.candidates:
        strategies = tuple(tuple(sp.sympify(v) for v in s) for s in c.strategies)
        out.append(
            PageCandidate(c.label, c.kind, strategies, tuple(c.conditions), _pure(strategies))
        )
    return tuple(out)


def _thresholds(a: Any) -> tuple[PageThreshold, ...]:
    """The theory's thresholds at the initial point that have a closed form. A switch between
    two actions ``(first, second)`` has ``slope = d(u(first) - u(second))/d(parameter)``; the
    order of the pair is read off the best responses on either side at the initial point."""
    out = []
    if not a.thresholds:
        return ()
    point = a.game.substitution(a.values)
    for t in a.thresholds:
        if not getattr(t, "closed_form", True):
            continue
        slope = getattr(t, "slope", None) if getattr(t, "switches", 1) == 1 else None
        pair = (t.above, t.below)
        sign = sp.sympify(slope).subs(point) if slope is not None else None
        if sign is None or not sign.is_number or sign == 0:
            slope = None
        elif sign < 0:
            pair = (t.below, t.above)
        guard = getattr(t, "guard", sp.true)
        out.append(
            PageThreshold(
                t.parameter,
                t.player,
                t.against,
                pair,
                t.expression,
                slope,
                guard,
                t.kind,
                tuple(getattr(t, "pair", ())),
            )
        )
    return tuple(out)


def game_data(model: Model, values: dict[str, Any], source: str = "") -> ExplorerData:
    """Analyse the normal-form game ``model`` at ``values`` and gather what the page shows.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("inspection")
    >>> d = game_data(m, m.defaults())
    >>> [c.label for c in d.candidates], [s.parameter.name for s in d.sliders]
    (['(verify, cheat)', '(skip, cheat)', 'mixed'], ['G', 'P', 'R', 'L', 'C'])
    """
    a = analyse(model, values)
    game = a.game
    profiles = tuple(game.profiles())
    payoffs = tuple(tuple(P[prof] for prof in profiles) for P in game.payoff)
    by_parameter: dict[str, list[float]] = {}
    for t in a.thresholds:
        if t.kind == "payoff":
            by_parameter.setdefault(t.parameter, []).append(t.value)
    sliders = tuple(
        slider(q, a.values[q.name], by_parameter.get(q.name, []))
        for q in model.parameters
        if q.role == "game"
    )
    fixed = {q.name: a.values[q.name] for q in model.parameters if q.role != "game"}
    dynamics = None
    if game.shape == (2, 2):
        x, y, xdot, ydot, _ = replicator(game)
        drow = sp.cancel(xdot / (x * (1 - x)))
        dcol = sp.cancel(ydot / (y * (1 - y)))
        dynamics = (x, y, xdot, ydot, drow, dcol)
    axes = page_axes(model, sliders)
    loci = a.symbolic.degenerate_loci if game.n_players == 2 else tie_loci(game)
    return ExplorerData(
        model,
        source,
        a,
        sliders,
        fixed,
        game.actions,
        profiles,
        payoffs,
        _candidates(a),
        tuple(loci),
        _thresholds(a),
        dynamics,
        axes,
    )


def compile_game(data: ExplorerData, limit: int) -> CompiledPage:
    """Compile every expression of ``data`` to JavaScript; refuse a page over ``limit``
    characters.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("inspection")
    >>> page = compile_game(game_data(m, m.defaults()), 2_000_000)
    >>> page.rational, page.spec["candidates"][2]["label"]
    (True, 'mixed')
    """
    fn = Functions(data.model)
    shape = [len(acts) for acts in data.actions]
    strides = [int(sp.prod(shape[k + 1 :])) for k in range(len(shape))]
    spec: dict[str, Any] = {
        "kind": data.analysis.kind,
        "model": {"name": data.model.name, "title": data.model.title},
        "players": [
            {"name": pl.name, "actions": list(acts)}
            for pl, acts in zip(data.model.players, data.actions)
        ],
        "parameters": [parameter_spec(s) for s in data.sliders],
        "fixed": {k: fixed_text(v) for k, v in data.fixed.items()},
        "fixedTitle": "Fixed (policy parameters)",
        "domains": {
            q.name: {
                "bounds": q.bounds_text(),
                "lower": q.lower,
                "upper": q.upper,
                "lowerOpen": q.lower_open,
                "upperOpen": q.upper_open,
                "integer": q.integer,
            }
            for q in data.model.parameters
        },
        "profiles": [list(p) for p in data.profiles],
        "strides": strides,
        "payoffs": [[fn.exact_fn(e) for e in table] for table in data.payoffs],
        "payoffText": [[sp.sstr(e) for e in table] for table in data.payoffs],
        "candidates": [
            {
                "label": c.label,
                "kind": c.kind,
                "pure": list(c.pure) if c.pure is not None else None,
                "strategies": [[fn.exact_fn(v) for v in s] for s in c.strategies],
                "strategyText": [[sp.sstr(v) for v in s] for s in c.strategies],
                "conditions": [
                    {"exact": fn.exact_fn(k), "float": fn.float_fn(k), "text": sp.sstr(k)}
                    for k in c.conditions
                ],
            }
            for c in data.candidates
        ],
        "loci": [
            {
                "exact": fn.exact_fn(k),
                "float": fn.float_fn(k.lhs - k.rhs if isinstance(k, sp.Rel) else k),
                "text": sp.sstr(k),
            }
            for k in data.loci
        ],
        "thresholds": [
            {
                "parameter": t.parameter,
                "player": t.player,
                "against": t.against,
                "actions": list(t.actions),
                "pair": list(t.pair) if t.pair else None,
                "expression": fn.exact_fn(t.expression),
                "slope": None if t.slope is None else fn.exact_fn(t.slope),
                "guard": None if t.guard is sp.true else fn.exact_fn(t.guard),
                "text": sp.sstr(t.expression),
                "where": "" if t.guard is sp.true else f" where {sp.sstr(t.guard)}",
                "kind": t.kind,
            }
            for t in data.thresholds
        ],
        "map": list(data.map_axes) if data.map_axes else None,
        "mapCells": [120, 80],
        "regime": data.analysis.regime,
    }
    dyn = "null"
    if data.dynamics is not None:
        x, y, *exprs = data.dynamics
        bound = {x: "x", y: "y"}
        parts = [
            f"{name}: (v, x, y) => {fn.print(lambda e: to_float_js(e, bound), e)}"
            for name, e in zip(("xdot", "ydot", "drow", "dcol"), exprs)
        ]
        dyn = "{" + ", ".join(parts) + "}"
    spec["dynamics"] = data.dynamics is not None
    script = fn.script(spec, f"const DYN = {dyn};\n")
    check_size(data.model, script, limit)
    return CompiledPage(spec, script, fn.rational)


def render_game(data: ExplorerData, page: CompiledPage) -> str:
    """The self-contained HTML page of a normal-form game."""
    m = data.model
    e = html.escape
    two = len(data.actions) == 2
    players = (" vs " if two else ", ").join(
        f"the {pl.name} ({' / '.join(acts)})" for pl, acts in zip(m.players, data.actions)
    )
    exactness = (
        "Every value at the point is exact: the page evaluates the theory's expressions "
        "in rational arithmetic at the decimal values of the sliders and boxes."
        if page.rational
        else "Some of this model's expressions are not rational functions of the parameters: "
        "they are evaluated in floating point, compared with a relative tolerance of 1e-9 and "
        "marked \u2248; on their boundaries the page may differ from rosca solve."
    )
    how = (
        " Where the game is degenerate, the regime lists the extreme equilibria found by exact "
        "vertex enumeration (Avis, Rosenberg, Savani and von Stengel 2010), as rosca solve does."
        if two
        else " The pure equilibria are found by an exact best-response check of every profile, "
        "as rosca solve does; mixed equilibria of three or more players are not enumerated."
    )
    portrait = (
        '<section><h2>Learning dynamics</h2><canvas id="portrait" width="440" height="420">'
        '</canvas><div class="legend"><span><i style="background:#9aaed0"></i>replicator '
        'flow</span><span><i style="background:#DD8452"></i>replicator path</span><span>'
        '<i style="background:#55A868"></i>fictitious play (beliefs)</span><span><i '
        'style="background:#000"></i>equilibria</span></div><p class="status">Two-population '
        "replicator dynamics and discrete fictitious play from the start point (click to "
        "move it), in the payoffs at the point.</p></section>"
        if data.dynamics is not None
        else '<section><h2>Learning dynamics</h2><p class="status">The phase portrait is '
        "drawn for games of two players with two actions each.</p></section>"
    )
    cell = (
        "Each cell: row player's, column player's payoff; below, the closed form."
        if two
        else "Each row: a pure profile and every player's payoff there; below, the closed forms."
    )
    regime_map = map_section(
        data.map_axes,
        "Which candidates exist, over two parameters (the others at the point), evaluated in "
        "floating point on a grid",
    )
    sections = f"""<div class="grid2">
<section><h2>Payoffs at the point</h2><div id="payoffs"></div>
<p class="status">{e(cell)}</p></section>
<section><h2>Equilibria at the point</h2><ul class="plain" id="equilibria"></ul></section>
</div>
<section><h2>Equilibrium candidates and their existence conditions</h2>
<ul class="plain" id="candidates"></ul>
<div class="status">degenerate where: <span id="loci"></span></div></section>
<section><h2>Thresholds</h2><ul class="plain" id="thresholds"></ul></section>
<div class="grid2">{regime_map}{portrait}</div>"""
    return render_shell(
        m,
        data.source,
        players=players,
        regime=data.analysis.regime,
        sections=sections,
        footer=exactness + how,
        script=page.script,
        view=GAME_JS,
    )


GAME_JS = r"""
function combinations(n, k) {
  const out = [], pick = [];
  (function rec(start) {
    if (pick.length === k) return void out.push(pick.slice());
    for (let i = start; i < n; i++) {
      pick.push(i);
      rec(i + 1);
      pick.pop();
    }
  })(0);
  return out;
}

function solveQ(M, b) {
  // Gauss-Jordan elimination over the rationals; null if M is singular
  const n = M.length, aug = M.map((row, i) => row.concat([b[i]]));
  for (let col = 0; col < n; col++) {
    let piv = -1;
    for (let r = col; r < n && piv < 0; r++) if (!Q.isZero(aug[r][col])) piv = r;
    if (piv < 0) return null;
    [aug[col], aug[piv]] = [aug[piv], aug[col]];
    const pv = aug[col][col];
    aug[col] = aug[col].map((x) => Q.div(x, pv));
    for (let r = 0; r < n; r++) {
      if (r === col || Q.isZero(aug[r][col])) continue;
      const f = aug[r][col];
      aug[r] = aug[r].map((x, k) => Q.sub(x, Q.mul(f, aug[col][k])));
    }
  }
  return aug.map((row) => row[n]);
}

const dot = (a, b) => a.reduce((s, x, i) => Q.add(s, Q.mul(x, b[i])), Q.ZERO);
const unitRow = (dim, i) => Array.from({ length: dim }, (_, k) => (k === i ? Q.ONE : Q.ZERO));

function vertices(M, dim) {
  // vertices of {z >= 0, M z <= 1} with their labels: i for z_i = 0, dim + r for row r tight
  const cons = [];
  for (let i = 0; i < dim; i++) cons.push([unitRow(dim, i), Q.ZERO]);
  for (const row of M) cons.push([row, Q.ONE]);
  const found = new Map();
  for (const chosen of combinations(cons.length, dim)) {
    const z = solveQ(chosen.map((c) => cons[c][0]), chosen.map((c) => cons[c][1]));
    if (z === null || z.some((v) => Q.lt(v, Q.ZERO))) continue;
    if (M.some((row) => Q.gt(dot(row, z), Q.ONE))) continue;
    const key = z.map(Q.str).join(",");
    if (found.has(key)) continue;
    const labels = new Set();
    z.forEach((v, i) => Q.isZero(v) && labels.add(i));
    M.forEach((row, r) => Q.eq(dot(row, z), Q.ONE) && labels.add(dim + r));
    found.set(key, { z: z, labels: labels });
  }
  return Array.from(found.values());
}

function cmpVec(a, b) {
  for (let i = 0; i < a.length; i++) {
    const c = Q.cmp(a[i], b[i]);
    if (c) return c;
  }
  return 0;
}

const cmpIdx = (a, b) => {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] - b[k];
  return 0;
};

function enumerate(A, B) {
  // every extreme equilibrium of the bimatrix game (A, B) and whether it is degenerate
  const m = A.length, n = A[0].length;
  let lo = A[0][0];
  for (const M of [A, B]) for (const row of M) for (const x of row) if (Q.lt(x, lo)) lo = x;
  const shift = Q.sub(Q.ONE, lo);
  const As = A.map((row) => row.map((x) => Q.add(x, shift)));
  const BsT = A[0].map((_, j) => A.map((_, i) => Q.add(B[i][j], shift)));
  const P = vertices(BsT, m), V = vertices(As, n);
  const degenerate = P.some((p) => p.labels.size > m) || V.some((q) => q.labels.size > n);
  const normal = (z) => {
    const t = z.reduce((s, x) => Q.add(s, x), Q.ZERO);
    return z.map((x) => Q.div(x, t));
  };
  const extreme = [];
  for (const p of P) {
    if (p.z.every((x) => Q.isZero(x))) continue;
    for (const q of V) {
      if (q.z.every((x) => Q.isZero(x))) continue;
      const all = new Set(p.labels);
      q.labels.forEach((lab) => all.add(lab >= n ? lab - n : m + lab));
      if (all.size === m + n) extreme.push([normal(p.z), normal(q.z)]);
    }
  }
  extreme.sort((a, b) => cmpVec(a[0], b[0]) || cmpVec(a[1], b[1]));
  return { extreme: extreme, degenerate: degenerate };
}

function pureIndex(vec) {
  const pos = vec.map((x, i) => (Q.gt(x, Q.ZERO) ? i : -1)).filter((i) => i >= 0);
  return pos.length === 1 ? pos[0] : -1;
}

function regimeText(pure, mixed, actions) {
  pure.sort(cmpIdx);
  const parts = pure.map((idx) => "(" + idx.map((i, k) => actions[k][i]).join(", ") + ")");
  if (mixed === 1) parts.push("mixed");
  else if (mixed > 1) parts.push(mixed + " mixed");
  return parts.length ? parts.join(" + ") : "none";
}

function regimeName(eqs, actions, degenerate) {
  // as theory.analysis.regime_name: the pure equilibria by index, then the mixed ones
  const pure = [];
  let mixed = 0;
  for (const e of eqs) {
    const idx = e.map(pureIndex);
    if (idx.every((i) => i >= 0)) pure.push(idx);
    else mixed += 1;
  }
  const name = regimeText(pure, mixed, actions);
  return degenerate ? "degenerate: " + name : name;
}

const keyOf = (e) => e.map((s) => s.map(Q.str).join(" ")).join(" | ");
const oneHot = (prof) => prof.map((i, k) => actions[k].map((_, j) => (j === i ? Q.ONE : Q.ZERO)));

function pureProfiles(tables) {
  // every pure profile from which no player gains by a unilateral deviation, exactly
  const out = [];
  SPEC.profiles.forEach((prof, idx) => {
    for (let k = 0; k < players.length; k++) {
      const u = tables[k][idx];
      for (let a = 0; a < actions[k].length; a++) {
        if (a !== prof[k] && Q.gt(tables[k][idx + (a - prof[k]) * SPEC.strides[k]], u)) return;
      }
    }
    out.push(prof);
  });
  return out;
}

function evaluate() {
  // everything the page says about the point, exactly
  const v = exactPoint();
  const tables = SPEC.payoffs.map((idx) => idx.map((i) => tryEval(EXACT[i], v)));
  const cands = SPEC.candidates.map((c) => {
    const at = conditionsOf(c, v);
    const strategies = c.strategies.map((s) => s.map((i) => tryEval(EXACT[i], v)));
    const defined = strategies.every((s) => s.every((x) => x !== null));
    return { spec: c, conds: at.conds, exists: at.exists && defined, approx: at.approx,
      strategies: strategies };
  });
  const res = { v: v, tables: tables, cands: cands, approx: cands.some((c) => c.approx) };
  res.loci = SPEC.loci.map((k) => tryEval(EXACT[k.exact], v));
  const existing = cands.filter((c) => c.exists);
  const defined = tables.every((t) => t.every((x) => x !== null));
  res.approxPayoffs = tables.some((t) => t.some((x) => x !== null && !Q.exact(x)));
  if (players.length === 2 && defined) {
    const n = actions[1].length;
    const mat = (t) => actions[0].map((_, i) => actions[1].map((_, j) => Q.exactly(t[i * n + j])));
    res.enumeration = enumerate(mat(tables[0]), mat(tables[1]));
  }
  const en = res.enumeration;
  res.degenerate = en ? en.degenerate : res.loci.some((x) => x === true);
  if (players.length === 2) {
    res.equilibria = res.degenerate && en ? en.extreme : existing.map((c) => c.strategies);
    res.regime = regimeName(res.equilibria, actions, res.degenerate);
    if (en) {
      const ext = new Set(en.extreme.map(keyOf));
      const sym = new Set(existing.map((c) => keyOf(c.strategies)));
      const inside = [...sym].every((k) => ext.has(k));
      res.agree = inside && (res.degenerate || sym.size === ext.size);
    }
  } else {
    // as theory.nplayer: the pure equilibria by a direct best-response check
    const direct = defined ? pureProfiles(tables) : existing.map((c) => c.spec.pure);
    res.equilibria = direct.map(oneHot);
    const labels = direct.map((p) => "(" + p.map((i, k) => actions[k][i]).join(", ") + ")");
    const name = labels.join(" + ") || "no pure equilibrium";
    res.regime = res.degenerate ? "degenerate: " + name : name;
    const sym = new Set(existing.map((c) => c.spec.label));
    res.agree = sym.size === labels.length && labels.every((l) => sym.has(l));
  }
  res.byKey = new Map(existing.map((c) => [keyOf(c.strategies), c]));
  res.notes = [];
  if (res.degenerate) {
    res.notes.push(players.length === 2
      ? "The game is degenerate here: the regime lists the extreme points of the " +
        "equilibrium set, found by exact vertex enumeration; the closed-form candidates do " +
        "not describe its continua."
      : "The game is degenerate here: a player is indifferent between two of its actions " +
        "against some pure profile of the others.");
  }
  if (players.length > 2) {
    res.notes.push("Mixed equilibria of games of three or more players are not enumerated.");
  }
  if (res.approx || res.approxPayoffs) {
    res.notes.push("Some values here are not rational functions of the parameters and were " +
      "computed in floating point (tolerance 1e-9).");
  }
  return res;
}

function payoffCell(res, k) {
  const vals = res.tables.map((t) => (t[k] === null ? "undefined" : Q.str(t[k])));
  const sym = SPEC.payoffText.map((t) => t[k]).join(", ");
  return el("td", { "data-cell": String(k) }, vals.join(", "),
    el("div", { class: "sym", text: sym }));
}

function renderTables(res) {
  const wrap = $("payoffs");
  wrap.textContent = "";
  if (players.length === 2) {
    const n = actions[1].length;
    const corner = players[0].name + " \\ " + players[1].name;
    const head = el("tr", {}, el("th", { text: corner }),
      ...actions[1].map((a) => el("th", { text: a })));
    const rows = actions[0].map((a, i) =>
      el("tr", {}, el("th", { text: a }), ...actions[1].map((_, j) => payoffCell(res, i * n + j))));
    wrap.append(el("table", { class: "bimatrix" }, head, ...rows));
    return;
  }
  const head = el("tr", {}, el("th", { text: "profile (" + players.map((p) => p.name).join(", ") +
    ")" }), el("th", { text: "payoffs, in the players' order" }));
  const rows = SPEC.profiles.map((prof, k) => el("tr", {},
    el("th", { text: prof.map((i, j) => actions[j][i]).join(", ") }), payoffCell(res, k)));
  wrap.append(el("table", { class: "bimatrix" }, head, ...rows));
}

function strategyText(e) {
  const one = (vec, k) => vec.map((x, i) => actions[k][i] + " " + probability(x)).join(", ");
  return e.map((vec, k) => players[k].name + ": " + one(vec, k)).join("; ");
}

const closedForm = (c) => c.strategyText.map((s) => "[" + s.join(", ") + "]").join(" ; ");

function renderEquilibria(res) {
  const ul = $("equilibria");
  ul.textContent = "";
  for (const e of res.equilibria) {
    const cand = res.byKey.get(keyOf(e));
    const kind = e.every((s) => pureIndex(s) >= 0) ? "pure" : "mixed";
    const li = el("li", { class: "equilibrium", "data-kind": kind,
      "data-strategies": JSON.stringify(e.map((s) => s.map(Q.str))) },
    el("b", { text: kind + " " }), strategyText(e));
    const note = cand
      ? "closed form: " + cand.spec.label + " " + closedForm(cand.spec)
      : "an extreme point of a continuum of equilibria (no closed-form candidate)";
    li.append(el("div", { class: "status", text: note }));
    ul.append(li);
  }
  if (!res.equilibria.length) ul.append(el("li", { text: "none" }));
}

function renderCandidates(res) {
  const ul = $("candidates");
  ul.textContent = "";
  res.cands.forEach((c, idx) => {
    const head = el("b", { class: c.exists ? "yes" : "no",
      text: (c.exists ? "\u2713 " : "\u2717 ") + c.spec.label });
    const li = el("li", { class: "candidate", "data-candidate": String(idx),
      "data-exists": String(c.exists) }, head, " ",
    el("span", { class: "mono", text: closedForm(c.spec) }));
    const conds = el("div", {});
    if (!c.spec.conditions.length) conds.append(el("span", { class: "cond yes", text: "always" }));
    c.spec.conditions.forEach((k, i) => conds.append(condition(k, c.conds[i])));
    li.append(conds);
    ul.append(li);
  });
  const loci = $("loci");
  if (!loci) return;
  loci.textContent = SPEC.loci.length ? "" : "nowhere";
  SPEC.loci.forEach((k, i) => loci.append(condition(k, { value: res.loci[i], approx: false })));
}

function renderThresholds(res) {
  // the theory's closed-form switching values, at the point
  const ul = $("thresholds");
  ul.textContent = "";
  for (const t of SPEC.thresholds) {
    const value = tryEval(EXACT[t.expression], res.v);
    if (value === null || !Q.exact(value) || outside(SPEC.domains[t.parameter], value)) continue;
    const val = Q.num(value), cur = Q.num(res.v[t.parameter]);
    const vs = t.pair ? ", " + t.pair[0] + " vs " + t.pair[1] : "";
    const head = t.player + " against " + t.against + vs + ": ";
    const at = "; at " + t.parameter + " = " + fmtG(cur) + ": ";
    const slope = t.slope === null ? null : tryEval(EXACT[t.slope], res.v);
    if (t.slope !== null && (slope === null || Q.isZero(slope))) continue;
    let text;
    if (slope !== null) {
      const [above, below] = Q.gt(slope, Q.ZERO) ? t.actions : [t.actions[1], t.actions[0]];
      let now = cur > val ? above : below;
      if (cur === val) now = "indifferent between " + t.actions[0] + " and " + t.actions[1];
      text = head + above + " iff " + t.parameter + " > " + t.text + t.where + " (= " +
        fmtG(val) + ")" + at + now;
    } else {
      const side = cur > val ? "above" : cur < val ? "below" : "at";
      text = head + "switches at " + t.parameter + " = " + t.text + t.where + " (= " +
        fmtG(val) + ")" + at + side + " it (rosca solve gives the best response on each side)";
    }
    const guard = t.guard === null ? true : tryEval(EXACT[t.guard], res.v);
    if (guard !== true) text += " [its case does not hold here]";
    ul.append(el("li", { class: "threshold", "data-kind": t.kind, "data-parameter": t.parameter,
      "data-player": t.player, "data-against": t.against, "data-expression": t.text,
      "data-value": String(val), "data-single": String(slope !== null), text: text }));
  }
  if (!ul.children.length) ul.append(el("li", { text: "none at this point" }));
}

function nameOfCode(code) {
  const pure = [];
  let mixed = 0;
  SPEC.candidates.forEach((c, k) => {
    if (code[k] !== "1") return;
    if (c.pure) pure.push(c.pure);
    else mixed += 1;
  });
  const text = regimeText(pure, mixed, actions);
  return text === "none" && players.length > 2 ? "no pure equilibrium" : text;
}

function arrow(ctx, ax, ay, bx, by) {
  const ang = Math.atan2(by - ay, bx - ax);
  ctx.beginPath();
  ctx.moveTo(ax, ay);
  ctx.lineTo(bx, by);
  ctx.lineTo(bx - 5 * Math.cos(ang - 0.4), by - 5 * Math.sin(ang - 0.4));
  ctx.moveTo(bx, by);
  ctx.lineTo(bx - 5 * Math.cos(ang + 0.4), by - 5 * Math.sin(ang + 0.4));
  ctx.stroke();
}

function drawPortrait(res) {
  // replicator flow and path, and fictitious play, on P(first action) of each player
  if (!SPEC.dynamics) return;
  const canvas = $("portrait"), ctx = canvas.getContext("2d"), f = frame(canvas);
  const fv = floatPoint(res.v);
  const field = (x, y) => [DYN.xdot(fv, x, y), DYN.ydot(fv, x, y)];
  const X = (x) => f.L + x * f.pw, Y = (y) => f.T + (1 - y) * f.ph;
  ctx.clearRect(0, 0, f.W, f.H);
  ctx.strokeStyle = "#9aaed0";
  ctx.lineWidth = 1;
  const n = 15, len = 0.028;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = (i + 0.5) / n, y = (j + 0.5) / n, [dx, dy] = field(x, y);
      const s = Math.hypot(dx, dy);
      if (!(s > 1e-12)) continue;
      const ux = (dx / s) * len, uy = (dy / s) * len;
      arrow(ctx, X(x - ux / 2), Y(y - uy / 2), X(x + ux / 2), Y(y + uy / 2));
    }
  }
  const unit = (x, y) => {
    const [dx, dy] = field(x, y), s = Math.hypot(dx, dy);
    return s > 1e-12 ? [dx / s, dy / s] : [0, 0];
  };
  let [x, y] = state.start;
  const h = 0.004;
  ctx.strokeStyle = "#DD8452";
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(X(x), Y(y));
  for (let k = 0; k < 2500; k++) {
    const k1 = unit(x, y), k2 = unit(x + (h / 2) * k1[0], y + (h / 2) * k1[1]);
    const k3 = unit(x + (h / 2) * k2[0], y + (h / 2) * k2[1]);
    const k4 = unit(x + h * k3[0], y + h * k3[1]);
    const nx = x + (h / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
    const ny = y + (h / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
    if (!(nx >= 0 && nx <= 1 && ny >= 0 && ny <= 1) || (nx === x && ny === y)) break;
    [x, y] = [nx, ny];
    ctx.lineTo(X(x), Y(y));
  }
  ctx.stroke();
  let [xb, yb] = state.start;
  ctx.strokeStyle = "#55A868";
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(X(xb), Y(yb));
  for (let t = 1; t <= 1500; t++) {
    const dr = DYN.drow(fv, xb, yb), dc = DYN.dcol(fv, xb, yb);
    const br = dr > 0 ? 1 : dr < 0 ? 0 : xb, bc = dc > 0 ? 1 : dc < 0 ? 0 : yb;
    xb += (br - xb) / (t + 1);
    yb += (bc - yb) / (t + 1);
    ctx.lineTo(X(xb), Y(yb));
  }
  ctx.stroke();
  ctx.strokeStyle = "#000";
  ctx.fillStyle = "#000";
  ctx.beginPath();
  ctx.arc(X(state.start[0]), Y(state.start[1]), 4, 0, 2 * Math.PI);
  ctx.stroke();
  for (const e of res.equilibria) {
    ctx.beginPath();
    ctx.arc(X(Q.num(e[0][0])), Y(Q.num(e[1][0])), 5, 0, 2 * Math.PI);
    ctx.fill();
  }
  const label = (k) => "P(" + players[k].name + ": " + actions[k][0] + ")";
  axes(ctx, f, [0, 1], [0, 1], label(0), label(1));
  canvas.onclick = (ev) => {
    const [u, w] = canvasPoint(canvas, f, ev);
    if (u <= 0 || u >= 1 || w <= 0 || w >= 1) return;
    state.start = [u, w];
    drawPortrait(state.last);
  };
}


const VIEW = {
  evaluate: evaluate,
  render(res) {
    renderTables(res);
    renderEquilibria(res);
    renderCandidates(res);
    renderThresholds(res);
    drawPortrait(res);
  },
  mapCode: (w) => SPEC.candidates.map((c) => (holdsFloat(c, w) ? "1" : "0")).join(""),
  mapName: nameOfCode,
  mapSigns: SPEC.loci.length
    ? (w) => SPEC.loci.map((k) => Math.sign(tryEval(FLOAT[k.float], w)))
    : null,
  mapSignsName: "degenerate loci",
};
"""
