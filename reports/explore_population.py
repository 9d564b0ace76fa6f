"""The explorer page of a population of identical members with two actions
(:mod:`theory.population_analysis`).

A member's payoff depends on its own action and on the count ``k`` of the *other* members
taking the first action (:mod:`theory.population`); write ``D(k)`` for the gain of the
first action over the second. The page receives ``D`` and each action's payoff as the
theory's expressions in the parameters and ``k``, compiled by sympy's code printer, and at
the point it does what :func:`theory.symmetric.equilibria_at` does:

* the pure equilibria are the counts ``K`` from which no member wants to switch, ``K = 0``
  or ``D(K - 1) >= 0``, and ``K = members`` or ``D(K) <= 0``: ``D`` is evaluated exactly,
  in rationals, at every count (in one step for the counts above the last one its
  conditions name, where the theory's split of ``D`` says it is constant in ``k``);
* the symmetric mixed equilibrium is the theory's closed form where it has one (Diekmann
  1985 for the volunteer's dilemma), its conditions decided exactly and its probability, an
  irrational number in general, computed in doubles and marked approximate; where it has
  none, the roots in (0, 1) of the indifference polynomial ``sum_k D(k) C(n-1, k) p^k
  (1-p)^(n-1-k)`` are counted exactly, with their multiplicities, by a square-free
  decomposition and Sturm sequences in rationals for up to 61 members (the degree up to
  which the theory solves it exactly), and found numerically in doubles beyond (as the
  theory does, in 30 digits; marked approximate).

The bystander curve draws the symmetric probability ``p`` and the chance ``(1 - p)^n`` that
no member takes the first action as the member count ``n`` grows, the other parameters at
the point (Diekmann 1985; Hofbauer and Sigmund, *Evolutionary Games and Population
Dynamics*, 1998, ch. 6). The page's agreement line holds the candidates' conditions against
the direct count check; the expanded game of ``rosca solve`` (one player per member, for up
to five members) is not rebuilt in the browser.
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
from theory.analysis import analyse
from theory.candidates import Candidate
from theory.model import Model
from theory.population import PopulationGame
from theory.symmetric import EXACT_DEGREE, K_ANY, split_gain


@dataclass(frozen=True, eq=False)
class PopulationData:
    """Everything the page of a population game shows, as the theory's expressions, and the
    analysis at the initial point."""

    model: Model
    source: str
    analysis: Any
    sliders: tuple[Slider, ...]
    fixed: dict[str, Any]
    game: PopulationGame
    gain: sp.Expr
    constant_from: int | None
    candidates: tuple[Candidate, ...]
    map_axes: tuple[str, str] | None


def constant_from(game: PopulationGame) -> int | None:
    """The count from which ``D(k)`` no longer depends on ``k``, when the theory's split of
    ``D`` says there is one.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.population import population_game
    >>> constant_from(population_game(get_model("volunteers")))
    2
    """
    gain = split_gain(game)
    if gain is None or gain.k in gain.generic.free_symbols:
        return None
    return gain.last + 1


def population_data(model: Model, values: dict[str, Any], source: str = "") -> PopulationData:
    """Analyse the population game ``model`` at ``values`` and gather what the page shows.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("volunteers")
    >>> d = population_data(m, m.defaults())
    >>> [c.label for c in d.candidates], [s.parameter.name for s in d.sliders]
    (['0 verify', '1 verify', 'symmetric mixed'], ['members', 'benefit', 'cost'])
    """
    a = analyse(model, values)
    sliders = tuple(slider(q, a.values[q.name], []) for q in model.parameters if q.role == "game")
    fixed = {q.name: a.values[q.name] for q in model.parameters if q.role != "game"}
    axes = page_axes(model, sliders)
    game = a.game
    return PopulationData(
        model,
        source,
        a,
        sliders,
        fixed,
        game,
        game.gain(),
        constant_from(game),
        tuple(a.candidates),
        axes,
    )


def _closed(c: Candidate) -> bool:
    return c.kind != "symmetric" or sp.Symbol("p") not in sp.sympify(c.strategies[0][0]).atoms()


def compile_population(data: PopulationData, limit: int) -> CompiledPage:
    """Compile the payoffs, ``D(k)``, the candidates and their conditions to JavaScript.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("volunteers")
    >>> page = compile_population(population_data(m, m.defaults()), 2_000_000)
    >>> page.spec["size"], page.spec["constantFrom"], page.rational
    ('members', 2, False)
    """
    fn = Functions(data.model)
    game = data.game
    bound = {game.k: "k", K_ANY: "K"}
    a0, a1 = game.actions
    candidates = []
    for c in data.candidates:
        closed = _closed(c)
        generic = K_ANY in set().union(*(sp.sympify(k).free_symbols for k in c.conditions))
        candidates.append(
            {
                "label": c.label,
                "kind": c.kind,
                "closed": closed,
                "generic": generic,
                "note": c.note,
                "share": fn.exact_fn(c.strategies[0][0], bound) if closed else None,
                "shareFloat": fn.float_fn(c.strategies[0][0], bound) if closed else None,
                "strategyText": [[sp.sstr(v) for v in s] for s in c.strategies],
                "conditions": [
                    {
                        "exact": fn.exact_fn(k, bound),
                        "float": fn.float_fn(k, bound),
                        "text": sp.sstr(k),
                    }
                    for k in c.conditions
                ],
            }
        )
    gain = split_gain(game)
    generic_from = None if gain is None else gain.last + 2  # theory.symmetric.count_candidates
    spec: dict[str, Any] = {
        "kind": "population",
        "model": {"name": data.model.name, "title": data.model.title},
        "players": [{"name": game.player.name, "actions": list(game.actions)}],
        "parameters": [parameter_spec(s) for s in data.sliders],
        "fixed": {k: fixed_text(v) for k, v in data.fixed.items()},
        "fixedTitle": "Fixed (policy parameters)",
        "size": game.size.name,
        "count": game.k.name,
        "payoffs": [fn.exact_fn(u, bound) for u in game.payoff],
        "payoffText": [sp.sstr(u) for u in game.payoff],
        "gain": fn.exact_fn(data.gain, bound),
        "gainFloat": fn.float_fn(data.gain, bound),
        "gainText": sp.sstr(data.gain),
        "constantFrom": data.constant_from,
        "genericFrom": generic_from,
        "exactDegree": EXACT_DEGREE,
        "candidates": candidates,
        "map": list(data.map_axes) if data.map_axes else None,
        "mapCells": [90, 60],
        "regime": data.analysis.regime,
        "first": a0,
        "second": a1,
    }
    script = fn.script(spec)
    check_size(data.model, script, limit)
    return CompiledPage(spec, script, fn.rational)


def render_population(data: PopulationData, page: CompiledPage) -> str:
    """The self-contained HTML page of a population game."""
    m = data.model
    e = html.escape
    game = data.game
    a0, a1 = game.actions
    n = game.size.name
    players = f"a population of {n} identical {game.player.name} ({' / '.join(game.actions)})"
    regime_map = map_section(
        data.map_axes,
        "Which candidates exist, over two parameters (the others at the point), evaluated in "
        "floating point on a grid (a candidate for any count in a range is not drawn)",
    )
    closed = all(_closed(c) for c in data.candidates)
    no_closed = (
        ""
        if closed
        else f" Without a closed form, p is found numerically for up to {EXACT_DEGREE + 1} members."
    )
    sections = f"""<div class="grid2">
<section><h2>Payoffs at the point</h2><div id="payoffs" class="scroll"></div>
<p class="status">A member's payoff by its own action (rows) and the number k of the other
members playing {e(a0)} (columns), and the gain D(k) of {e(a0)} over {e(a1)}; below, the
closed forms.</p><div id="payoff-forms" class="mono"></div></section>
<section><h2>Equilibria at the point</h2><ul class="plain" id="equilibria"></ul></section>
</div>
<section><h2>Equilibrium candidates and their existence conditions</h2>
<ul class="plain" id="candidates"></ul></section>
<div class="grid2">{regime_map}
<section><h2>The bystander curve</h2><canvas id="bystander" width="600" height="420"></canvas>
<div class="legend"><span><i style="background:#4C72B0"></i>p = P(a member plays
{e(a0)}) in the symmetric mixed equilibrium</span><span><i style="background:#C44E52"></i>
P(no member plays {e(a0)}) = (1 - p)<sup>{e(n)}</sup></span></div>
<p class="status" id="bystander-note">As the number of members grows, the other parameters at
the point (Diekmann 1985): each member's own chance falls, and so may the chance that anyone
acts at all. The dashed line is the point.{e(no_closed)}</p></section>
</div>"""
    exactness = (
        "The counts are decided exactly: D(k) is evaluated in rational arithmetic at every "
        "count. The symmetric mixed probability is irrational in general: it is computed in "
        "floating point and marked \u2248 (its existence conditions are decided exactly)."
    )
    return render_shell(
        m,
        data.source,
        players=players,
        regime=data.analysis.regime,
        sections=sections,
        footer=exactness,
        script=page.script,
        view=POPULATION_JS,
    )


POPULATION_JS = r"""
const SIZE = SPEC.size, FIRST = SPEC.first, SECOND = SPEC.second;
const big = (j) => Q.r(BigInt(j), 1n);

function gainAt(v) {
  // D(k) at the point, exactly, memoised by k
  const cache = new Map();
  return (j) => {
    if (SPEC.constantFrom !== null && j > SPEC.constantFrom) j = SPEC.constantFrom;
    if (!cache.has(j)) {
      const d = EXACT[SPEC.gain](v, big(j));
      if (d === null || d === undefined) throw new RangeError("D(" + j + ") is undefined");
      cache.set(j, Q.exactly(d));
    }
    return cache.get(j);
  };
}

function countRanges(n, D) {
  // the counts K of members playing the first action from which nobody wants to switch
  const ok = (K) => (K === 0 || Q.ge(D(K - 1), Q.ZERO)) && (K === n || Q.le(D(K), Q.ZERO));
  const ranges = [];
  const add = (lo, hi) => {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === lo - 1) last[1] = hi;
    else ranges.push([lo, hi]);
  };
  const c = SPEC.constantFrom;
  if (c !== null && n > c + 3) {
    for (let K = 0; K <= c + 1; K++) if (ok(K)) add(K, K);
    if (Q.isZero(D(c))) add(c + 2, n - 1);
    if (ok(n)) add(n, n);
  } else {
    for (let K = 0; K <= n; K++) if (ok(K)) add(K, K);
  }
  return ranges;
}

// -- polynomials over the exact rationals (index = degree) ------------------------------
const Poly = {
  trim(a) {
    const b = a.slice();
    while (b.length && Q.isZero(b[b.length - 1])) b.pop();
    return b;
  },
  deriv: (a) => a.slice(1).map((c, i) => Q.mul(c, big(i + 1))),
  monic(a) {
    const l = a[a.length - 1];
    return a.map((c) => Q.div(c, l));
  },
  divmod(a, b) {
    const r = a.slice(), db = b.length - 1, lb = b[db];
    const q = new Array(Math.max(0, a.length - db)).fill(Q.ZERO);
    for (let i = a.length - 1 - db; i >= 0; i--) {
      const c = Q.div(r[i + db], lb);
      q[i] = c;
      if (Q.isZero(c)) continue;
      for (let j = 0; j <= db; j++) r[i + j] = Q.sub(r[i + j], Q.mul(c, b[j]));
    }
    return [Poly.trim(q), Poly.trim(r.slice(0, db))];
  },
  gcd(a, b) {
    a = Poly.trim(a);
    b = Poly.trim(b);
    while (b.length) [a, b] = [b, Poly.divmod(a, b)[1]];
    return Poly.monic(a);
  },
  sub(a, b) {
    const out = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      out.push(Q.sub(a[i] || Q.ZERO, b[i] || Q.ZERO));
    }
    return Poly.trim(out);
  },
  at(a, x) {
    let acc = Q.ZERO;
    for (let i = a.length - 1; i >= 0; i--) acc = Q.add(Q.mul(acc, x), a[i]);
    return acc;
  },
  atFloat(a, x) {
    let acc = 0;
    for (let i = a.length - 1; i >= 0; i--) acc = acc * x + Q.num(a[i]);
    return acc;
  },
};

function squareFree(f) {
  // Yun's algorithm: [[factor, multiplicity], ...] with f = c * prod factor^multiplicity
  const out = [];
  const df = Poly.deriv(f);
  const a0 = Poly.gcd(f, df);
  let b = Poly.divmod(f, a0)[0], c = Poly.divmod(df, a0)[0];
  let d = Poly.sub(c, Poly.deriv(b)), i = 1;
  while (b.length > 1) {
    const a = Poly.gcd(b, d);
    if (a.length > 1) out.push([a, i]);
    b = Poly.divmod(b, a)[0];
    c = Poly.divmod(d, a)[0];
    d = Poly.sub(c, Poly.deriv(b));
    i += 1;
  }
  return out;
}

function sturmCount(g) {
  // distinct roots of the square-free g in the open interval (0, 1)
  const seq = [g, Poly.deriv(g)];
  while (seq[seq.length - 1].length > 1) {
    const r = Poly.divmod(seq[seq.length - 2], seq[seq.length - 1])[1];
    if (!r.length) break;
    seq.push(r.map(Q.neg));
  }
  const changes = (x) => {
    let count = 0, last = 0;
    for (const s of seq) {
      const c = Q.cmp(Poly.at(s, x), Q.ZERO);
      if (c !== 0) {
        if (last !== 0 && c !== last) count += 1;
        last = c;
      }
    }
    return count;
  };
  let n = changes(Q.ZERO) - changes(Q.ONE);
  if (Q.isZero(Poly.at(g, Q.ONE))) n -= 1;
  return n;
}

function floatRoots(h, lo, hi, cells) {
  // sign changes of a double-valued h on a grid, refined by bisection
  const out = [];
  let x0 = lo, f0 = h(x0);
  for (let i = 1; i <= cells; i++) {
    const x1 = lo + ((hi - lo) * i) / cells, f1 = h(x1);
    if (f0 === 0 && x0 > lo) out.push(x0);
    else if (f0 * f1 < 0) {
      let a = x0, b = x1, fa = f0;
      for (let k = 0; k < 80; k++) {
        const mid = 0.5 * (a + b), fm = h(mid);
        if (fa * fm <= 0) b = mid;
        else [a, fa] = [mid, fm];
      }
      out.push(0.5 * (a + b));
    }
    [x0, f0] = [x1, f1];
  }
  return out;
}

function indifference(n, D) {
  // the symmetric mixed equilibria without a closed form, as theory.symmetric finds them
  const m = n - 1, values = [];
  let zero = true;
  for (let j = 0; j <= m; j++) {
    values.push(D(j));
    zero = zero && Q.isZero(values[j]);
  }
  if (zero) return { roots: [], exact: true, how: "every p: the members are indifferent" };
  if (m <= SPEC.exactDegree) {
    // power basis of sum_j D(j) C(m, j) p^j (1 - p)^(m - j)
    const coef = new Array(m + 1).fill(Q.ZERO);
    const binom = (a, b) => {
      let r = 1n;
      for (let t = 1n; t <= BigInt(b); t++) r = (r * (BigInt(a) - t + 1n)) / t;
      return r;
    };
    for (let j = 0; j <= m; j++) {
      if (Q.isZero(values[j])) continue;
      const w = Q.mul(values[j], big(binom(m, j)));
      for (let i = j; i <= m; i++) {
        const s = binom(m - j, i - j) * ((i - j) % 2 ? -1n : 1n);
        coef[i] = Q.add(coef[i], Q.mul(w, Q.r(s, 1n)));
      }
    }
    const f = Poly.trim(coef);
    const roots = [];
    for (const [g, mult] of squareFree(f)) {
      const count = sturmCount(g);
      const found = floatRoots((x) => Poly.atFloat(g, x), 0, 1, 4000).filter(
        (x) => x > 0 && x < 1);
      for (let r = 0; r < count; r++) {
        const x = r < found.length ? Q.approx(found[r]) : null;
        for (let t = 0; t < mult; t++) roots.push(x);
      }
    }
    roots.sort((x, y) => (x === null ? 1 : y === null ? -1 : Q.num(x) - Q.num(y)));
    return { roots: roots, exact: true, how: "exact real roots of the indifference polynomial" };
  }
  // as theory.symmetric._numeric_roots: with r = p / (1 - p) the sign of
  // g(r) = sum_k c_k r^k, c_k = D(k) C(m, k), read in log r with every term scaled by the
  // largest, between Cauchy's bounds on its positive roots; Descartes' parity checked
  const logC = [0];
  for (let j = 1; j <= m; j++) logC.push(logC[j - 1] + Math.log(m - j + 1) - Math.log(j));
  const ks = [], lc = [], sg = [];
  for (let j = 0; j <= m; j++) {
    const dj = Q.num(values[j]);
    if (dj !== 0) {
      ks.push(j);
      lc.push(logC[j] + Math.log(Math.abs(dj)));
      sg.push(Math.sign(dj));
    }
  }
  const last = ks.length - 1;
  let roots = [];
  if (last >= 1) {
    const g = (x) => {
      let top = -Infinity, s = 0;
      for (let i = 0; i <= last; i++) top = Math.max(top, lc[i] + ks[i] * x);
      for (let i = 0; i <= last; i++) s += sg[i] * Math.exp(lc[i] + ks[i] * x - top);
      return s;
    };
    let up = 0, down = 0, changes = 0;
    for (let i = 0; i < last; i++) up = Math.max(up, lc[i] - lc[last]);
    for (let i = 1; i <= last; i++) down = Math.max(down, lc[i] - lc[0]);
    for (let i = 0; i < last; i++) if (sg[i] !== sg[i + 1]) changes++;
    const pad = 1 / Math.max(1, ks[last] - ks[0]);
    const lower = -Math.log(2) - down - pad, upper = Math.log(2) + up + pad;
    let xs = [];
    for (let cells = 1024; ; cells *= 2) {
      xs = floatRoots(g, lower, upper, cells);
      if ((changes - xs.length) % 2 === 0 || cells > 65536) break;
    }
    roots = xs.map((x) => 1 / (1 + Math.exp(-x))).filter((p) => p > 0 && p < 1).map(Q.approx);
  }
  return { roots: roots, exact: false, how: "numeric roots (degree " + m + " polynomial)" };
}

function label(K, n) {
  return "(" + K + " " + FIRST + ", " + (n - K) + " " + SECOND + ")";
}

function evaluate() {
  const v = exactPoint();
  const n = Number(v[SIZE].n);
  const res = { v: v, n: n, notes: [], equilibria: [] };
  const D = gainAt(v);
  res.D = D;
  try {
    res.ranges = countRanges(n, D);
  } catch (err) {
    res.ranges = null;
  }
  res.cands = SPEC.candidates.map((c) => {
    const at = conditionsOf(c, v);
    return { spec: c, conds: at.conds, exists: at.exists, approx: at.approx };
  });
  for (const [lo, hi] of res.ranges || []) {
    const Ks = hi - lo < 20 ? Array.from({ length: hi - lo + 1 }, (_, i) => lo + i) : [lo, hi];
    for (const K of Ks) {
      const share = Q.r(BigInt(K), BigInt(n));
      res.equilibria.push({ label: label(K, n), kind: "pure",
        strategy: [share, Q.sub(Q.ONE, share)] });
    }
  }
  const closed = res.cands.filter((c) => c.spec.kind === "symmetric" && c.spec.closed);
  let how = "closed form", exact = true;
  if (closed.length || !SPEC.candidates.some((c) => c.kind === "symmetric")) {
    for (const c of closed) {
      if (!c.exists) continue;
      Q.reset();
      const p = tryEval(EXACT[c.spec.share], v);
      res.equilibria.push({ label: "symmetric mixed", kind: "symmetric",
        strategy: p === null ? null : [p, Q.sub(Q.ONE, p)], candidate: c.spec.label });
    }
  } else if (res.ranges !== null) {
    const found = indifference(n, D);
    how = found.how;
    exact = found.exact;
    for (const p of found.roots) {
      res.equilibria.push({ label: "symmetric mixed", kind: "symmetric",
        strategy: p === null ? null : [p, Q.sub(Q.ONE, p)] });
    }
  }
  res.how = how;
  res.regime = res.ranges === null
    ? "undefined at this point"
    : res.equilibria.map((e) => e.label).join(" + ") || "none";
  // the candidates' conditions against the direct check (as theory.population_analysis)
  const direct = (K) => (res.ranges || []).some(([lo, hi]) => lo <= K && K <= hi);
  const symCounts = new Set();
  for (const c of res.cands) {
    if (c.spec.kind !== "pure" || c.spec.generic || !c.exists) continue;
    const share = tryEval(EXACT[c.spec.share], v);
    if (share !== null) symCounts.add(Number(Q.mul(share, big(n)).n));
  }
  const generic = res.cands.filter((c) => c.spec.generic);
  const holdsAt = (c, K) => conditionsOf(c.spec, v, big(K)).exists;
  let agree = [...symCounts].every(direct);
  for (const [lo, hi] of res.ranges || []) {
    for (let K = lo; K <= hi && agree; K++) {
      agree = symCounts.has(K) || generic.some((c) => holdsAt(c, K));
    }
  }
  const symHere = closed.filter((c) => c.spec.conditions.length && c.exists).length;
  const symFound = res.equilibria.filter((e) => e.kind === "symmetric").length;
  if (closed.length && symHere !== symFound) agree = false;
  res.agree = agree;
  res.generic = generic.map((c) => {
    const from = SPEC.genericFrom, ks = [];
    for (const [lo, hi] of res.ranges || []) {
      for (let K = Math.max(lo, from); K <= Math.min(hi, n - 1) && ks.length < 50; K++) {
        if (holdsAt(c, K)) ks.push(K);
      }
    }
    return ks;
  });
  if (!exact) res.notes.push("The symmetric equilibria were found numerically (" + how + ").");
  if (res.equilibria.some((e) => e.kind === "symmetric")) {
    res.notes.push("The symmetric mixed probability is computed in floating point (\u2248).");
  }
  return res;
}

function renderPayoffs(res) {
  const wrap = $("payoffs");
  wrap.textContent = "";
  const n = res.n;
  let ks = Array.from({ length: n }, (_, j) => j);
  if (n > 14) ks = [0, 1, 2, 3, 4, 5, null, n - 6, n - 5, n - 4, n - 3, n - 2, n - 1];
  const head = el("tr", {}, el("th", { text: "k = " }),
    ...ks.map((k) => el("th", { text: k === null ? "\u2026" : String(k) })));
  const value = (f) => (k) => {
    if (k === null) return el("td", { text: "\u2026" });
    const x = tryEval(f, k);
    return el("td", { "data-k": String(k), text: x === null ? "undefined" : Q.str(x) });
  };
  const rows = actions[0].map((a, i) => el("tr", {}, el("th", { text: "u(" + a + ")" }),
    ...ks.map(value((k) => EXACT[SPEC.payoffs[i]](res.v, big(k))))));
  rows.push(el("tr", { class: "gain" }, el("th", { text: "D(k)" }), ...ks.map(value(res.D))));
  wrap.append(el("table", { class: "grid" }, head, ...rows));
  const forms = $("payoff-forms");
  forms.textContent = "";
  actions[0].forEach((a, i) => forms.append(el("div", { text: "u(" + a + ") = " +
    SPEC.payoffText[i] })));
  forms.append(el("div", { text: "D(k) = " + SPEC.gainText }));
}

function renderEquilibria(res) {
  const ul = $("equilibria");
  ul.textContent = "";
  for (const e of res.equilibria) {
    const text = e.strategy === null
      ? "value not isolated"
      : FIRST + " " + probability(e.strategy[0]) + ", " + SECOND + " " + probability(e.strategy[1]);
    const li = el("li", { class: "equilibrium", "data-kind": e.kind, "data-label": e.label,
      "data-share": e.strategy === null ? "" : Q.exact(e.strategy[0])
        ? Q.str(e.strategy[0]) : String(Q.num(e.strategy[0])) },
    el("b", { text: e.label + " " }), (e.kind === "pure" ? "share: " : "each member: ") + text);
    if (e.kind === "symmetric") {
      li.append(el("div", { class: "status", text: e.candidate
        ? "closed form: " + SPEC.candidates.find((c) => c.label === e.candidate).strategyText[0][0]
        : "a root of the indifference polynomial (" + res.how + ")" }));
    }
    ul.append(li);
  }
  if (!res.equilibria.length) ul.append(el("li", { text: "none" }));
}

function renderCandidates(res) {
  const ul = $("candidates");
  ul.textContent = "";
  let g = 0;
  res.cands.forEach((c, idx) => {
    let exists = c.exists, extra = "";
    if (!c.spec.closed) {
      const roots = res.equilibria.filter((e) => e.kind === "symmetric").length;
      exists = roots > 0;
      extra = " no closed form; " + roots + " root" + (roots === 1 ? "" : "s") + " at the point";
    }
    if (c.spec.generic) {
      const ks = res.generic[g++];
      exists = ks.length > 0;
      extra = exists ? " holds for K = " + ks.join(", ") : " holds for no K here";
    }
    const head = el("b", { class: exists ? "yes" : "no",
      text: (exists ? "\u2713 " : "\u2717 ") + c.spec.label });
    const li = el("li", { class: "candidate", "data-candidate": String(idx),
      "data-exists": String(exists), "data-generic": String(c.spec.generic) }, head, " ",
    el("span", { class: "mono", text: "[" + c.spec.strategyText[0].join(", ") + "]" + extra }));
    const conds = el("div", {});
    if (!c.spec.conditions.length && c.spec.closed) {
      conds.append(el("span", { class: "cond yes", text: "always" }));
    }
    c.spec.conditions.forEach((k, i) => conds.append(c.spec.generic
      ? el("code", { class: "cond", text: k.text }) : condition(k, c.conds[i])));
    li.append(conds);
    if (c.spec.note) li.append(el("div", { class: "status", text: c.spec.note }));
    ul.append(li);
  });
}

function symmetricAt(w, size) {
  // p of each symmetric mixed equilibrium at a member count, in doubles
  const x = Object.assign({}, w);
  x[SIZE] = size;
  const out = [];
  const closed = SPEC.candidates.filter((c) => c.kind === "symmetric" && c.closed);
  if (closed.length) {
    for (const c of closed) {
      if (!holdsFloat(c, x)) continue;
      const p = tryEval(FLOAT[c.shareFloat], x);
      if (p !== null && p > 0 && p < 1) out.push(p);
    }
    return out;
  }
  if (size > SPEC.exactDegree + 1) return out;
  const d = [];
  for (let j = 0; j < size; j++) d.push(tryEval(FLOAT[SPEC.gainFloat], x, j));
  const m = size - 1;
  const h = (p) => {
    let s = 0, c = 1;
    for (let j = 0; j <= m; j++) {
      s += d[j] * c * Math.pow(p, j) * Math.pow(1 - p, m - j);
      c = (c * (m - j)) / (j + 1);
    }
    return s;
  };
  return floatRoots(h, 0, 1, 200).filter((p) => p > 0 && p < 1);
}

function drawBystander(res) {
  const canvas = $("bystander"), ctx = canvas.getContext("2d"), f = frame(canvas);
  const w = floatPoint(res.v), lo = Number(param(SIZE) ? param(SIZE).min : 2);
  const hi = Math.max(30, Math.min(400, 2 * res.n));
  const X = (n) => f.L + ((n - lo) / (hi - lo)) * f.pw, Y = (y) => f.T + (1 - y) * f.ph;
  ctx.clearRect(0, 0, f.W, f.H);
  const series = [[], []];
  for (let n = Math.max(2, lo); n <= hi; n++) {
    for (const p of symmetricAt(w, n)) {
      series[0].push([n, p]);
      series[1].push([n, Math.pow(1 - p, n)]);
    }
  }
  const single = new Set(series[0].map(([n]) => n)).size === series[0].length;
  ["#4C72B0", "#C44E52"].forEach((color, s) => {
    ctx.fillStyle = color;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    if (single) {
      ctx.beginPath();
      series[s].forEach(([n, y], i) => {
        const gap = i === 0 || series[s][i - 1][0] !== n - 1;
        if (gap) ctx.moveTo(X(n), Y(y));
        else ctx.lineTo(X(n), Y(y));
      });
      ctx.stroke();
    }
    for (const [n, y] of series[s]) {
      ctx.beginPath();
      ctx.arc(X(n), Y(y), single ? 1.6 : 2.2, 0, 2 * Math.PI);
      ctx.fill();
    }
  });
  ctx.strokeStyle = "#000";
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  ctx.moveTo(X(res.n), f.T);
  ctx.lineTo(X(res.n), f.T + f.ph);
  ctx.stroke();
  ctx.setLineDash([]);
  axes(ctx, f, [lo, hi], [0, 1], SIZE, "probability");
  canvas.dataset.points = String(series[0].length);
}

const VIEW = {
  evaluate: evaluate,
  render(res) {
    renderPayoffs(res);
    renderEquilibria(res);
    renderCandidates(res);
    drawBystander(res);
  },
  mapCode: (w) => SPEC.candidates.map((c) => (!c.generic && c.closed && holdsFloat(c, w)
    ? "1" : "0")).join(""),
  mapName(code) {
    const names = SPEC.candidates.filter((_, k) => code[k] === "1").map((c) => c.label);
    return names.join(" + ") || "none";
  },
};
"""
