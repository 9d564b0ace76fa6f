"""The explorer page of a many-round model (:mod:`theory.design`, :mod:`theory.rounds`).

A profile of a many-round model is an equilibrium when no player gains by a one-shot
deviation from its path (Fudenberg and Tirole, *Game Theory*, 1991, Theorem 4.1). The
theory derives each such incentive constraint by stepping the model's own mechanisms on
affine forms in the free parameters (a collateral, a sanction): ``follow - deviate`` comes
out as exact coefficients ``[constant, one per free parameter]``. The page carries those
coefficients, so it moves the free parameters live and re-evaluates every constraint, the
equilibrium flag (with the theory's tolerance), the binding constraint, the least value of
the first free parameter for each member (:func:`theory.design.per_member`) and the
threshold of each free parameter, re-checked at its value as
:func:`theory.design.verified_threshold` does, all in the same floating-point arithmetic
as the theory.

The coefficients hold only where the mechanisms' comparisons go as at the point where they
were derived; :mod:`reports.explore_regions` covers the sliders' box with derivations, one
per cell of the recorded comparisons, and the page picks, at every point, the derivation
whose recorded comparisons all hold there (decided exactly), or says that none does. The
other parameters (the member count, the contribution, the discount factor, the number of
cycles) and the options enter the derivation itself, which the browser cannot redo: the
page shows them as fixed and says how to change them (``rosca explore MODEL --set ...``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from reports.explore_common import (
    CompiledPage,
    Slider,
    check_size,
    decimal,
    fixed_text,
    map_section,
    parameter_spec,
    render_shell,
    slider,
    to_json,
)
from reports.explore_regions import Cover, Region, cover, point_of, region
from theory.analysis import analyse
from theory.model import Model
from theory.rounds import TOL, ProfileConditions, derive


@dataclass(frozen=True, eq=False)
class ProfilePage:
    """A profile of the model with the derivations that cover the sliders' box."""

    name: str
    meaning: str
    cover: Cover


@dataclass(frozen=True, eq=False)
class RoundsData:
    """Everything the page of a many-round model shows, and the analysis at the initial
    point."""

    model: Model
    source: str
    analysis: Any
    sliders: tuple[Slider, ...]
    fixed: dict[str, Any]
    free: tuple[str, ...]
    profiles: tuple[ProfilePage, ...]
    map_axes: tuple[str, str] | None


def _snap(s: Slider, lo: Fraction, hi: Fraction) -> Slider:
    """``s`` with its range cut to ``[lo, hi]`` on its own grid of steps."""
    step, first = Fraction(s.step), Fraction(s.min)
    low = max(first, first + step * -(-(lo - first) // step))
    high = min(Fraction(s.max), first + step * ((hi - first) // step))
    return Slider(s.parameter, s.value, decimal(low), decimal(high), s.step)


def rounds_data(model: Model, values: dict[str, Any], source: str = "") -> RoundsData:
    """Analyse the many-round model ``model`` at ``values`` (parameters and options) and
    derive what the page needs to move its free parameters.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("rosca-circle")
    >>> d = rounds_data(m, m.defaults() | {"members": 4, "contribution": 10})
    >>> d.free, [s.max for s in d.sliders], len(d.profiles[0].cover.regions)
    (('collateral', 'sanction'), ['45', '45'], 5)
    """
    a = analyse(model, values)
    full = dict(a.values)
    firsts = [pd.conditions for pd in a.profiles]
    free = tuple(n for n in firsts[0].free if all(n in pc.free for pc in firsts))
    least: dict[str, list[float]] = {}
    for pd in a.profiles:
        for n, th in pd.thresholds.items():
            if th.least is not None and th.feasible:
                least.setdefault(n, []).append(th.least)
    sliders = [slider(model.parameter(n), Fraction(str(full[n])), least.get(n, [])) for n in free]
    box = [(Fraction(s.min), Fraction(s.max)) for s in sliders]
    start = point_of(full, free)
    pages = []
    for pd, pc in zip(a.profiles, firsts):
        name = pd.name

        def at(y: tuple[Fraction, ...], name: str = name) -> ProfileConditions:
            return derive(model, full | dict(zip(free, y)), name, free)

        first = pc if pc.free == free else at(start)
        cov = cover(region(first, start), at, box)
        box = [(max(lo, clo), min(hi, chi)) for (lo, hi), (clo, chi) in zip(box, cov.box)]
        pages.append(ProfilePage(name, model.profile(name).meaning, cov))
    sliders = [_snap(s, lo, hi) for s, (lo, hi) in zip(sliders, box)]
    known = {o.name for o in model.options} | {q.name for q in model.parameters}
    fixed = {k: v for k, v in full.items() if k not in free and k in known}
    axes = (free[0], free[1]) if len(free) >= 2 else None
    return RoundsData(model, source, a, tuple(sliders), fixed, free, tuple(pages), axes)


def _lower(m: Model, name: str) -> float | None:
    low = m.parameter(name).lower
    return None if low is None else float(Fraction(low))


def _fraction(x: Fraction) -> str:
    return f"{x.numerator}/{x.denominator}"


class _Sets:
    """Constraint sets, each once: the page's arrays of coefficients and texts."""

    def __init__(self, free: tuple[str, ...]) -> None:
        self.free = free
        self.sets: list[list[list[Any]]] = []
        self.keys: dict[bytes, int] = {}
        self.agents: dict[str, int] = {}
        self.labels: dict[str, int] = {}
        self.texts: dict[str, int] = {}
        self.deviations: dict[str, int] = {}
        self.inequalities: dict[bytes, str] = {}

    @staticmethod
    def _index(table: dict[str, int], key: str) -> int:
        return table.setdefault(key, len(table))

    def add(self, pc: ProfileConditions) -> int:
        key = b"".join(
            c.agent.name.encode()
            + bytes([0])
            + c.deviation.encode()
            + c.round.to_bytes(8, "big")
            + c.slack.tobytes()
            for c in pc.constraints
        )
        if key in self.keys:
            return self.keys[key]
        rows = []
        for c in pc.constraints:
            sk = c.slack.tobytes()
            if sk not in self.inequalities:
                self.inequalities[sk] = c.inequality(self.free)
            rows.append(
                [
                    self._index(self.agents, c.agent.name),
                    c.round,
                    self._index(self.labels, c.label),
                    self._index(self.deviations, c.deviation),
                    [float(x) for x in c.slack],
                    self._index(self.texts, self.inequalities[sk]),
                ]
            )
        self.keys[key] = len(self.sets)
        self.sets.append(rows)
        return self.keys[key]


def _region_spec(reg: Region, sets: _Sets) -> dict[str, Any]:
    return {
        "relations": [
            [[_fraction(c) for c in r.coefficients], _fraction(r.constant), r.op, r.outcome]
            for r in reg.relations
        ],
        "text": list(reg.conditions.branches),
        "complete": reg.complete,
        "at": [_fraction(x) for x in reg.at],
        "atText": [decimal(x) for x in reg.at],
        "scale": reg.conditions.scale,
        "set": sets.add(reg.conditions),
    }


def compile_rounds(data: RoundsData, limit: int) -> CompiledPage:
    """The page's data: every derivation's constraints (each distinct set once) and the
    comparisons that bound where each holds.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("rosca-circle")
    >>> page = compile_rounds(rounds_data(m, m.defaults() | {"members": 4}), 2_000_000)
    >>> len(page.spec["sets"]), page.spec["free"], page.spec["regime"]
    (1, ['collateral', 'sanction'], 'no profile is an equilibrium')
    """
    m = data.model
    sets = _Sets(data.free)
    profiles = [
        {
            "name": p.name,
            "meaning": p.meaning,
            "regions": [_region_spec(r, sets) for r in p.cover.regions],
            "shrunk": p.cover.shrunk,
        }
        for p in data.profiles
    ]
    pc0 = data.profiles[0].cover.regions[0].conditions
    game = {q.name for q in m.parameters if q.role == "game"}
    set_command = " ".join(f"--set {k}={fixed_text(v)}" for k, v in data.fixed.items() if k in game)
    total = sum(len(s) for s in sets.sets)
    spec: dict[str, Any] = {
        "kind": "many-round",
        "model": {"name": m.name, "title": m.title},
        "players": [{"name": pl.name, "actions": list(pl.actions)} for pl in m.players],
        "parameters": [parameter_spec(s) for s in data.sliders],
        "fixed": {k: fixed_text(v) for k, v in data.fixed.items()},
        "fixedTitle": "Fixed in the derivation",
        "noSliders": "This model has no free parameter the page can move.",
        "free": list(data.free),
        "lower": {n: _lower(m, n) for n in data.free},
        "tol": TOL,
        "agents": [a.name for a in pc0.agents],
        "agentIndex": list(sets.agents),
        "labels": list(sets.labels),
        "deviations": list(sets.deviations),
        "texts": list(sets.texts),
        "sets": sets.sets,
        "profiles": profiles,
        "map": list(data.map_axes) if data.map_axes else None,
        "mapCells": [60, 40] if total <= 5_000 else [24, 16],
        "regime": data.analysis.regime,
        "command": f"rosca explore {m.name} {set_command}".strip(),
    }
    script = f"const SPEC = {to_json(spec)};\n"
    check_size(m, script, limit)
    return CompiledPage(spec, script, False)


def render_rounds(data: RoundsData, page: CompiledPage) -> str:
    """The self-contained HTML page of a many-round model."""
    m = data.model
    e = html.escape
    players = ", ".join(
        f"{pl.name} ({' / '.join(pl.actions)})"
        + (f", {fixed_text(data.fixed.get(pl.population, ''))} members" if pl.population else "")
        for pl in m.players
    )
    free = ", ".join(data.free) or "none"
    command = page.spec["command"]
    regime_map = map_section(
        data.map_axes,
        "Which profiles are equilibria over the two free parameters (the fixed ones as "
        "set), evaluated in floating point on a grid; grey where the page has no derivation",
    )
    sections = f"""<section><h2>What moves and what does not</h2>
<p class="status">The sliders move the free parameters ({e(free)}): the incentive
constraints are exact affine functions of them, derived by the theory and re-evaluated here
at every point. Everything else enters the derivation itself and is fixed on this page; to
change it, run the command again, e.g. <code>{e(command)}</code> with the values you want
(<code>--set</code> also takes the options).</p>
<p class="status" id="derivation"></p></section>
<div id="profiles"></div>
<div class="grid2">{regime_map}</div>"""
    footer = (
        "The constraints are the theory's one-shot-deviation constraints, derived by stepping "
        "the model's mechanisms on affine forms in the free parameters; the page evaluates "
        "them in floating point with the theory's tolerance (1e-9 of the values' scale), as "
        "rosca solve does, and decides exactly which derivation holds at the point."
    )
    return render_shell(
        m,
        data.source,
        players=players,
        regime=data.analysis.regime,
        sections=sections,
        footer=footer,
        script=page.script,
        view=ROUNDS_JS,
        agree=False,
    )


ROUNDS_JS = r"""
const FREE = SPEC.free, TOL = SPEC.tol;
const frac = (s) => {
  const [a, b] = s.split("/");
  return Q.r(BigInt(a), BigInt(b || "1"));
};
const SIGN = { ">": (s) => s > 0, ">=": (s) => s >= 0, "<": (s) => s < 0, "<=": (s) => s <= 0,
  "==": (s) => s === 0, "!=": (s) => s !== 0 };
for (const pr of SPEC.profiles) {
  for (const reg of pr.regions) {
    reg.rel = reg.relations.map(([cs, c0, op, out]) => ({ cs: cs.map(frac), c0: frac(c0),
      csF: cs.map((x) => Q.num(frac(x))), c0F: Q.num(frac(c0)), op: op, out: out }));
    reg.atQ = reg.at.map(frac);
  }
}
const constraintsOf = (reg) => SPEC.sets[reg.set];

function regionAt(pr, q) {
  // the derivation whose recorded comparisons all hold at q, decided exactly
  return pr.regions.find((reg) => {
    if (!reg.complete) return reg.atQ.every((x, i) => Q.eq(x, q[i]));
    return reg.rel.every((r) => {
      let d = r.c0;
      r.cs.forEach((c, i) => (d = Q.add(d, Q.mul(c, q[i]))));
      return SIGN[r.op](Q.cmp(d, Q.ZERO)) === r.out;
    });
  }) || null;
}

function regionAtFloat(pr, p) {
  return pr.regions.find((reg) => reg.complete && reg.rel.every((r) => {
    let d = r.c0F;
    r.csF.forEach((c, i) => (d += c * p[i]));
    return SIGN[r.op](Math.sign(d)) === r.out;
  })) || null;
}

function valueOf(c, p) {
  // slack[0] + slack[1:] @ point, in doubles
  const s = c[4];
  let dot = 0;
  for (let i = 0; i < p.length; i++) dot += s[i + 1] * p[i];
  return s[0] + dot;
}

function equilibriumAt(reg, p) {
  const bar = -TOL * Math.max(1, reg.scale);
  return constraintsOf(reg).every((c) => valueOf(c, p) >= bar);
}

function threshold(reg, p, j) {
  // as theory.rounds.ProfileConditions.threshold, at the point p
  const name = FREE[j];
  let lo = null, hi = null, loC = null;
  for (const c of constraintsOf(reg)) {
    const a = c[4][1 + j];
    const b = valueOf(c, p) - a * p[j];
    if (Math.abs(a) <= TOL * Math.max(1, Math.abs(b))) {
      if (b < -TOL * Math.max(1, reg.scale)) {
        return { name: name, least: null, greatest: null, binding: c, feasible: false,
          note: SPEC.agentIndex[c[0]] + ", " + SPEC.labels[c[2]] + " does not depend on " + name };
      }
      continue;
    }
    const bound = -b / a;
    if (a > 0 && (lo === null || bound > lo)) [lo, loC] = [bound, c];
    if (a < 0 && (hi === null || bound < hi)) hi = bound;
  }
  const floor = SPEC.lower[name];
  if (lo !== null && floor !== null && lo <= floor) [lo, loC] = [floor, null];
  const feasible = lo === null || hi === null || lo <= hi + TOL * Math.max(1, Math.abs(hi));
  return { name: name, least: lo, greatest: hi, binding: loC, feasible: feasible, note: "" };
}

function verified(pr, reg, q, p, j) {
  // as theory.design.verified_threshold: checked in the derivation at the threshold
  let th = threshold(reg, p, j);
  for (let it = 0; it < 4; it++) {
    if (!th.feasible || th.least === null) return th;
    const atQ = q.slice(), atP = p.slice();
    atQ[j] = limitDenominator(th.least, 1000000000n);
    atP[j] = Q.num(atQ[j]);
    const there = regionAt(pr, atQ);
    if (!there) return Object.assign({}, th, { unchecked: true });
    if (equilibriumAt(there, atP)) return th;
    const th2 = threshold(there, atP, j);
    if (th2.least === null || th2.least <= th.least) {
      return Object.assign({}, th, { note: "re-derivation at the threshold disagrees; see notes" });
    }
    th = th2;
  }
  return th;
}

function thresholdText(t) {
  if (!t.feasible) {
    return "no value of " + t.name + " makes the profile an equilibrium here (" + t.note + ")";
  }
  const parts = [];
  if (t.least !== null) {
    const where = t.binding
      ? " (binding: " + SPEC.agentIndex[t.binding[0]] + ", " + SPEC.labels[t.binding[2]] + ")"
      : "";
    parts.push(t.name + " >= " + fmtG(t.least, 10) + where);
  }
  if (t.greatest !== null) parts.push(t.name + " <= " + fmtG(t.greatest, 10));
  return parts.join(" and ") || "any " + t.name;
}

function perMember(reg, p) {
  // as theory.design.per_member, for the first free parameter
  if (!FREE.length) return [];
  const floor = SPEC.lower[FREE[0]] === null ? -Infinity : SPEC.lower[FREE[0]];
  const best = new Map();
  for (const c of constraintsOf(reg)) {
    const a = c[4][1], b = valueOf(c, p) - a * p[0];
    const need = a > TOL ? -b / a : b >= 0 ? -Infinity : Infinity;
    if (!best.has(c[0]) || need > best.get(c[0])[0]) best.set(c[0], [need, c]);
  }
  return SPEC.agents.map((name) => SPEC.agentIndex.indexOf(name)).filter((i) => best.has(i))
    .map((i) => {
      const [need, c] = best.get(i);
      return { agent: SPEC.agentIndex[i], binding: c, required: Math.max(floor, need),
        gain: -c[4][0] };
    });
}

function assess(pr, q, p) {
  const reg = regionAt(pr, q);
  if (!reg) return { profile: pr, region: null };
  const values = constraintsOf(reg).map((c) => valueOf(c, p));
  const bar = -TOL * Math.max(1, reg.scale);
  let binding = -1;
  values.forEach((x, i) => {
    if (binding < 0 || x < values[binding]) binding = i;
  });
  return {
    profile: pr, region: reg, values: values,
    equilibrium: values.every((x) => x >= bar),
    violated: values.filter((x) => x < bar).length,
    binding: binding >= 0 ? constraintsOf(reg)[binding] : null,
    bindingValue: binding >= 0 ? values[binding] : null,
    thresholds: FREE.map((_, j) => verified(pr, reg, q, p, j)),
    members: perMember(reg, p),
  };
}

function evaluate() {
  const v = exactPoint();
  const q = FREE.map((n) => v[n]), p = q.map(Q.num);
  const res = { v: v, q: q, p: p, notes: [] };
  res.profiles = SPEC.profiles.map((pr) => assess(pr, q, p));
  const missing = res.profiles.filter((r) => !r.region);
  if (missing.length) {
    const here = FREE.map((n) => " --set " + n + "=" + Q.decimal(v[n])).join("");
    res.regime = "not derived at this point";
    res.notes.push("The page carries no derivation whose branches hold here (" +
      missing.map((r) => r.profile.name).join(", ") + "); run " + SPEC.command + here + ".");
    return res;
  }
  const held = res.profiles.filter((r) => r.equilibrium).map((r) => r.profile.name);
  res.regime = held.join(" + ") || "no profile is an equilibrium";
  return res;
}

function cellText(x) {
  return Number.isFinite(x) ? fmtG(x, 10) : String(x);
}

function renderProfile(r, box) {
  const pr = r.profile;
  const sec = el("section", { class: "profile", "data-profile": pr.name });
  box.append(sec);
  sec.append(el("h2", { text: "Profile " + pr.name }),
    el("p", { class: "status", text: pr.meaning }));
  if (!r.region) {
    sec.append(el("p", { class: "warn", text: "not derived at this point" }));
    return;
  }
  const eq = el("div", { class: "verdict", "data-equilibrium": String(r.equilibrium) },
    el("b", { class: r.equilibrium ? "yes" : "no",
      text: r.equilibrium ? "\u2713 an equilibrium" : "\u2717 not an equilibrium" }),
    " (no profitable one-shot deviation from its path: " + (r.values.length - r.violated) +
    " of " + r.values.length + " constraints hold)");
  sec.append(eq);
  const c = r.binding;
  if (c) {
    sec.append(el("div", { class: "binding", "data-agent": SPEC.agentIndex[c[0]],
      "data-round": String(c[1]), "data-deviation": SPEC.deviations[c[3]],
      "data-slack": String(r.bindingValue), "data-violated": String(r.violated) },
    el("b", { text: "binding: " }), SPEC.agentIndex[c[0]] + ", " + SPEC.labels[c[2]] +
      ", deviation '" + SPEC.deviations[c[3]] + "': " + SPEC.texts[c[5]] + " (slack " +
      cellText(r.bindingValue) + ")"));
  }
  const ul = el("ul", { class: "plain" });
  r.thresholds.forEach((t) => {
    const note = t.unchecked
      ? " [not re-checked: the page has no derivation at the threshold]"
      : t.note ? " [" + t.note + "]" : "";
    ul.append(el("li", { class: "threshold", "data-parameter": t.name,
      "data-checked": String(!t.unchecked), "data-text": thresholdText(t),
      text: "least " + t.name + ", the others at the point: " + thresholdText(t) + note }));
  });
  if (FREE.length) sec.append(el("h3", { text: "Thresholds" }), ul);
  if (r.members.length) {
    const head = el("tr", {}, ...["member", "binding round", "deviation",
      "least " + FREE[0], "gain (" + FREE.join(", ") + " at 0)"].map((t) => el("th", { text: t })));
    const rows = r.members.slice(0, 200).map((m) => el("tr", { class: "member",
      "data-agent": m.agent, "data-round": String(m.binding[1]),
      "data-required": String(m.required) },
    el("td", { text: m.agent }), el("td", { text: SPEC.labels[m.binding[2]] }),
    el("td", { text: SPEC.deviations[m.binding[3]] }), el("td", { text: cellText(m.required) }),
    el("td", { text: cellText(m.gain) })));
    sec.append(el("h3", { text: "Who is tempted where" }),
      el("div", { class: "scroll" }, el("table", { class: "grid" }, head, ...rows)));
    if (r.members.length > 200) {
      sec.append(el("p", { class: "status", text: "the first 200 of " + r.members.length }));
    }
  }
  const all = constraintsOf(r.region);
  const bar = -TOL * Math.max(1, r.region.scale);
  const head = el("tr", {}, ...["member", "round", "deviation", "constraint", "slack here"]
    .map((t) => el("th", { text: t })));
  const rows = all.slice(0, 400).map((k, i) => el("tr", { class: r.values[i] < bar ? "bad" : "" },
    el("td", { text: SPEC.agentIndex[k[0]] }), el("td", { text: SPEC.labels[k[2]] }),
    el("td", { text: SPEC.deviations[k[3]] }), el("td", { text: SPEC.texts[k[5]] }),
    el("td", { text: cellText(r.values[i]) })));
  sec.append(el("details", {}, el("summary", { text: "every constraint (" + all.length +
    (all.length > 400 ? ", the first 400 shown" : "") + "; violated ones in red)" }),
  el("div", { class: "scroll" }, el("table", { class: "grid" }, head, ...rows))));
  const reg = r.region;
  const where = reg.complete
    ? (reg.text.length ? "where " + reg.text.join(", ") : "everywhere")
    : "at that point only (its record of branches is full)";
  sec.append(el("p", { class: "status region", "data-region": String(pr.regions.indexOf(reg)),
    text: "Derivation " + (pr.regions.indexOf(reg) + 1) + " of " + pr.regions.length +
      " on this page, made at " + FREE.map((n, i) => n + " = " + reg.atText[i]).join(", ") +
      "; it holds " + where + "." +
      (pr.shrunk ? " The sliders stop where the page's budget of derivations ran out." : "") }));
}

const VIEW = {
  evaluate: evaluate,
  render(res) {
    const box = $("profiles");
    box.textContent = "";
    res.profiles.forEach((r) => renderProfile(r, box));
    const n = SPEC.profiles.map((pr) => pr.regions.length).reduce((a, b) => a + b, 0);
    $("derivation").textContent = "This page carries " + n + " derivation" +
      (n === 1 ? "" : "s") + " of the constraints, each exact where the mechanisms' " +
      "comparisons go as where it was made; at every point it uses the one that holds there.";
  },
  mapCode(w) {
    const p = FREE.map((n) => w[n]);
    let code = "";
    for (const pr of SPEC.profiles) {
      const reg = regionAtFloat(pr, p);
      if (!reg) return null;
      code += equilibriumAt(reg, p) ? "1" : "0";
    }
    return code;
  },
  mapName(code) {
    if (code === null) return "not derived";
    const held = SPEC.profiles.filter((_, k) => code[k] === "1").map((pr) => pr.name);
    return held.join(" + ") || "no profile is an equilibrium";
  },
};
"""
