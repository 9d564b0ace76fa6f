"""The explorer page's fixed parts: its style sheet, its JavaScript runtime and the shell
every kind of model shares.

The runtime holds no formula of any model: a model's payoffs, closed forms, conditions and
constraints arrive as functions and data compiled from the theory
(:mod:`reports.jscode`, :mod:`reports.explore_games`, :mod:`reports.explore_population`,
:mod:`reports.explore_rounds`). What is here is the machinery around them:

* ``Q``: exact rationals on ``BigInt`` (a reduced numerator and a positive denominator),
  the arithmetic the compiled expressions call; a value that is not rational (a square
  root, say) is carried as a tagged double, and a comparison that meets one uses a
  relative tolerance of 1e-9 and is reported as approximate.
* ``fmtG``: Python's ``format(x, ".6g")`` (or another number of digits);
  ``limitDenominator``: Python's ``Fraction.limit_denominator``.
* the shell (:data:`SHELL_JS`): sliders and number boxes, the point, the regime line, a
  regime map on a canvas drawn from the kind's ``VIEW.mapCode``, and the update loop that
  asks the kind's ``VIEW`` to evaluate the point and render it.
"""

from __future__ import annotations

CSS = """
:root { --ink: #1f2430; --muted: #5b6275; --line: #d8dce6; --bg: #f7f8fb; --card: #fff;
  --yes: #2e7d32; --no: #b23b3b; --accent: #4C72B0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--ink); background: var(--bg); }
header { padding: 14px 22px 10px; background: var(--card); border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 2px; font-size: 21px; }
header p { margin: 2px 0; color: var(--muted); max-width: 70em; }
main { display: grid; grid-template-columns: minmax(290px, 340px) 1fr; gap: 16px;
  padding: 16px 22px; align-items: start; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 12px 14px; margin-bottom: 14px; }
section h2 { margin: 0 0 8px; font-size: 15px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); }
#controls { position: sticky; top: 10px; }
.param { margin-bottom: 10px; }
.param label { display: flex; justify-content: space-between; gap: 6px; font-weight: 600; }
.param small { color: var(--muted); font-weight: 400; }
.param .row { display: flex; gap: 8px; align-items: center; }
.param input[type=range] { flex: 1; }
.param input[type=number] { width: 7.5em; font: inherit; padding: 2px 4px; }
.param input.bad { outline: 2px solid var(--no); }
.param .error { color: var(--no); font-size: 12px; min-height: 0; }
.fixed { color: var(--muted); font-size: 13px; }
#regime { font-size: 22px; font-weight: 700; font-family: ui-monospace, monospace; }
.status { color: var(--muted); font-size: 13px; margin-top: 4px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 14px; }
#payoffs { overflow-x: auto; }
table.bimatrix { border-collapse: collapse; font-family: ui-monospace, monospace; }
table.bimatrix th, table.bimatrix td { border: 1px solid var(--line); padding: 4px 10px;
  text-align: center; }
table.bimatrix th { background: var(--bg); font-family: system-ui, sans-serif; }
.sym { color: var(--muted); font-size: 12px; }
ul.plain { list-style: none; padding: 0; margin: 0; }
ul.plain > li { padding: 6px 0; border-top: 1px solid var(--line); }
ul.plain > li:first-child { border-top: 0; }
code, .mono { font-family: ui-monospace, monospace; font-size: 13px; }
.yes { color: var(--yes); font-weight: 600; }
.no { color: var(--no); font-weight: 600; }
.undef { color: var(--muted); font-weight: 600; }
.cond { display: inline-block; margin: 2px 8px 2px 0; }
.approx { color: #a66a00; }
canvas { max-width: 100%; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
.legend span { display: inline-block; margin: 2px 10px 2px 0; font-size: 13px; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px;
  vertical-align: -1px; border-radius: 2px; }
.axes select { font: inherit; }
table.grid { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 13px; }
table.grid th, table.grid td { border: 1px solid var(--line); padding: 3px 8px; text-align: right; }
table.grid th { background: var(--bg); font-family: system-ui, sans-serif; text-align: center; }
table.grid tr.bad td { color: var(--no); }
.scroll { max-height: 420px; overflow: auto; }
details summary { cursor: pointer; color: var(--muted); }
.warn { color: var(--no); font-weight: 600; }
footer { padding: 0 22px 20px; color: var(--muted); font-size: 13px; max-width: 80em; }
"""

RUNTIME_JS = r"""
"use strict";
const Q = (() => {
  const babs = (a) => (a < 0n ? -a : a);
  function gcd(a, b) {
    a = babs(a);
    b = babs(b);
    while (b) [a, b] = [b, a % b];
    return a;
  }
  function r(n, d) {
    if (d === 0n) throw new RangeError("division by zero");
    if (d < 0n) [n, d] = [-n, -d];
    const g = gcd(n, d);
    return g > 1n ? { n: n / g, d: d / g } : { n: n, d: d };
  }
  const exact = (a) => a.x === undefined;
  const approx = (x) => ({ x: x });
  function num(a) {
    if (!exact(a)) return a.x;
    let n = a.n, d = a.d;
    const bits = Math.max(babs(n).toString(2).length, d.toString(2).length);
    if (bits > 1000) {
      const s = BigInt(bits - 1000);
      n >>= s;
      d >>= s;
    }
    return Number(n) / Number(d);
  }
  let touched = false;
  const both = (a, b) => exact(a) && exact(b);
  const add2 = (a, b) =>
    both(a, b) ? r(a.n * b.d + b.n * a.d, a.d * b.d) : approx(num(a) + num(b));
  const mul2 = (a, b) => (both(a, b) ? r(a.n * b.n, a.d * b.d) : approx(num(a) * num(b)));
  const add = (...xs) => xs.reduce(add2);
  const mul = (...xs) => xs.reduce(mul2);
  const neg = (a) => (exact(a) ? { n: -a.n, d: a.d } : approx(-a.x));
  const sub = (a, b) => add2(a, neg(b));
  const inv = (a) => (exact(a) ? r(a.d, a.n) : approx(1 / a.x));
  const div = (a, b) => mul2(a, inv(b));
  function pow(a, k) {
    if (!exact(a)) return approx(Math.pow(a.x, k));
    if (k < 0) return pow(inv(a), -k);
    let out = { n: 1n, d: 1n }, base = a, e = k;
    while (e > 0) {
      if (e & 1) out = mul2(out, base);
      base = mul2(base, base);
      e >>= 1;
    }
    return out;
  }
  const TOL = 1e-9;
  function cmp(a, b) {
    if (both(a, b)) {
      const s = a.n * b.d - b.n * a.d;
      return s > 0n ? 1 : s < 0n ? -1 : 0;
    }
    touched = true;
    const x = num(a), y = num(b);
    if (Number.isNaN(x) || Number.isNaN(y)) throw new RangeError("not a number");
    if (Math.abs(x - y) <= TOL * Math.max(1, Math.abs(x), Math.abs(y))) return 0;
    return x > y ? 1 : -1;
  }
  const ZERO = { n: 0n, d: 1n }, ONE = { n: 1n, d: 1n };
  const lt = (a, b) => cmp(a, b) < 0, le = (a, b) => cmp(a, b) <= 0;
  const gt = (a, b) => cmp(a, b) > 0, ge = (a, b) => cmp(a, b) >= 0;
  const eq = (a, b) => cmp(a, b) === 0, ne = (a, b) => cmp(a, b) !== 0;
  const max = (...xs) => xs.reduce((a, b) => (cmp(b, a) > 0 ? b : a));
  const min = (...xs) => xs.reduce((a, b) => (cmp(b, a) < 0 ? b : a));
  const abs = (a) => (cmp(a, ZERO) < 0 ? neg(a) : a);
  function fromNumber(x) {
    if (!Number.isFinite(x)) throw new RangeError("not a finite number");
    let e = 0n;
    while (!Number.isInteger(x)) {
      x *= 2;
      e += 1n;
    }
    return r(BigInt(x), 1n << e);
  }
  const exactly = (a) => (exact(a) ? a : fromNumber(a.x));
  function parse(text) {
    const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(String(text));
    if (!m || (m[2] === "" && !m[3])) return null;
    const frac = m[3] || "";
    let n = BigInt((m[2] || "0") + frac), d = 10n ** BigInt(frac.length);
    const e = m[4] ? parseInt(m[4], 10) : 0;
    if (Math.abs(e) > 400) return null;
    if (e > 0) n *= 10n ** BigInt(e);
    else if (e < 0) d *= 10n ** BigInt(-e);
    return r(m[1] === "-" ? -n : n, d);
  }
  function str(a) {
    if (!exact(a)) return "\u2248" + fmtG(a.x);
    return a.d === 1n ? String(a.n) : a.n + "/" + a.d;
  }
  function decimal(a) {
    if (!exact(a)) return fmtG(a.x);
    let d = a.d, twos = 0n, fives = 0n;
    while (d % 2n === 0n) [d, twos] = [d / 2n, twos + 1n];
    while (d % 5n === 0n) [d, fives] = [d / 5n, fives + 1n];
    if (d !== 1n) return str(a);
    const k = Number(twos > fives ? twos : fives);
    const scaled = (a.n * 10n ** BigInt(k)) / a.d;
    if (k === 0) return String(scaled);
    const digits = babs(scaled).toString().padStart(k + 1, "0");
    return (scaled < 0n ? "-" : "") + digits.slice(0, -k) + "." + digits.slice(-k);
  }
  return {
    r, approx, exact, exactly, num, add, mul, sub, div, neg, inv, pow, cmp,
    lt, le, gt, ge, eq, ne, max, min, abs, parse, str, decimal, fromNumber, ZERO, ONE,
    reset() {
      touched = false;
    },
    get touched() {
      return touched;
    },
    isZero: (a) => cmp(a, ZERO) === 0,
  };
})();

function fmtG(x, digits) {
  // Python's format(x, ".6g"), or ".{digits}g"
  const p = digits || 6;
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const parts = x.toExponential(p - 1).split("e");
  const e = parseInt(parts[1], 10);
  const strip = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (e >= -4 && e < p) return strip(x.toFixed(p - 1 - e));
  return strip(parts[0]) + "e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
}

function limitDenominator(x, most) {
  // Python's Fraction(repr(x)).limit_denominator(most), for a finite double x
  const f = Q.fromNumber(x);
  if (f.d <= most) return f;
  let [p0, q0, p1, q1] = [0n, 1n, 1n, 0n];
  let n = f.n, d = f.d;
  for (;;) {
    const a = n >= 0n ? n / d : -((-n + d - 1n) / d);
    const q2 = q0 + a * q1;
    if (q2 > most) break;
    [p0, q0, p1, q1] = [p1, q1, p0 + a * p1, q2];
    [n, d] = [d, n - a * d];
  }
  const k = (most - q0) / q1;
  const b1 = Q.r(p0 + k * p1, q0 + k * q1), b2 = Q.r(p1, q1);
  const d1 = Q.abs(Q.sub(b2, f)), d2 = Q.abs(Q.sub(b1, f));
  return Q.le(d1, d2) ? b2 : b1;
}
"""

SHELL_JS = r"""
const PALETTE = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3",
  "#8C8C8C", "#CCB974", "#64B5CD"];
const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const kid of kids) e.append(kid);
  return e;
}
const params = SPEC.parameters;
const players = SPEC.players;
const actions = players.map((p) => p.actions);
const state = { values: {}, start: [0.75, 0.25], last: null };
const param = (name) => params.find((p) => p.name === name);
const onGrid = (p, x) => {
  const lo = Q.parse(p.min), step = Q.parse(p.step);
  const k = Math.round((x - Q.num(lo)) / Q.num(step));
  return Q.add(lo, Q.mul(Q.r(BigInt(k), 1n), step));
};

function outside(p, q) {
  // why q is not an allowed value of p (null when it is), decided exactly
  if (p.integer && q.d !== 1n) return "must be a whole number";
  const bad = "is outside its bounds " + p.bounds;
  if (p.lower !== null) {
    const lo = Q.parse(p.lower);
    if (Q.lt(q, lo) || (p.lowerOpen && Q.eq(q, lo))) return bad;
  }
  if (p.upper !== null) {
    const hi = Q.parse(p.upper);
    if (Q.gt(q, hi) || (p.upperOpen && Q.eq(q, hi))) return bad;
  }
  return null;
}

function buildControls() {
  const box = $("sliders");
  for (const p of params) {
    const range = el("input", {
      type: "range", name: p.name, min: p.min, max: p.max, step: p.step, value: p.value,
      "aria-label": p.name,
    });
    const number = el("input", {
      type: "number", step: "any", value: p.value, "data-param": p.name,
      "aria-label": p.name + " value",
    });
    const error = el("div", { class: "error" });
    const bounds = p.bounds + (p.unit ? " " + p.unit : "");
    const label = el("label", {}, el("span", { class: "mono", text: p.name }),
      el("small", { text: bounds }));
    box.append(el("div", { class: "param", title: p.meaning }, label,
      el("small", { text: p.meaning }), el("div", { class: "row" }, range, number), error));
    state.values[p.name] = Q.parse(p.value);
    range.addEventListener("input", () => {
      const q = onGrid(p, Number(range.value));
      state.values[p.name] = q;
      number.value = Q.decimal(q);
      number.classList.remove("bad");
      error.textContent = "";
      update();
    });
    number.addEventListener("input", () => {
      const q = Q.parse(number.value);
      const why = q === null ? "must be a number" : outside(p, q);
      number.classList.toggle("bad", why !== null);
      error.textContent = why ? p.name + " " + why : "";
      if (why) return;
      state.values[p.name] = q;
      range.value = String(Q.num(q));
      update();
    });
    p.range = range;
    p.number = number;
  }
  if (!params.length) box.append(el("p", { class: "status", text: SPEC.noSliders || "" }));
  const fixed = Object.entries(SPEC.fixed).map(([k, v]) => k + " = " + v);
  if (fixed.length) $("fixed").textContent = SPEC.fixedTitle + ": " + fixed.join(", ");
  $("reset").addEventListener("click", () => {
    for (const p of params) setParam(p.name, Q.parse(p.value));
    update();
  });
}

function setParam(name, q) {
  const p = param(name);
  if (!p || outside(p, q)) return;
  state.values[name] = q;
  p.number.value = Q.decimal(q);
  p.range.value = String(Q.num(q));
}

function exactPoint() {
  const v = {};
  for (const [k, t] of Object.entries(SPEC.fixed)) {
    const q = Q.parse(t);
    if (q !== null) v[k] = q;
  }
  for (const p of params) v[p.name] = state.values[p.name];
  return v;
}

function floatPoint(v) {
  const f = {};
  for (const k in v) f[k] = Q.num(v[k]);
  return f;
}

function tryEval(fn, ...args) {
  try {
    return fn(...args);
  } catch (err) {
    return null;
  }
}

function condition(k, c) {
  // a condition with its value at the point: true, false or undefined (null)
  const cls = c.value === true ? "yes" : c.value === false ? "no" : "undef";
  const mark = c.value === true ? "\u2713" : c.value === false ? "\u2717" : "?";
  const how = c.approx ? "decided in floating point (relative tolerance 1e-9)" : "decided exactly";
  return el("span", { class: "cond " + cls + (c.approx ? " approx" : ""),
    "data-value": String(c.value), title: how },
  mark + " ", el("code", { text: k.text + (c.approx ? " \u2248" : "") }));
}

function probability(x) {
  const decimal = Q.exact(x) && x.d !== 1n ? " (" + fmtG(Q.num(x)) + ")" : "";
  return Q.str(x) + decimal;
}

function conditionsOf(c, v, bound) {
  // a candidate's conditions at the point, exactly (bound: the count K, when it has one)
  let exists = true, approx = false;
  const conds = c.conditions.map((k) => {
    Q.reset();
    const value = tryEval(EXACT[k.exact], v, null, bound);
    approx = approx || Q.touched;
    if (value !== true) exists = false;
    return { value: value, approx: Q.touched };
  });
  return { conds: conds, exists: exists, approx: approx };
}

function holdsFloat(c, w) {
  for (const cond of c.conditions) if (tryEval(FLOAT[cond.float], w) !== true) return false;
  return true;
}

const mapColors = new Map();
function colorOf(code) {
  if (code === null) return "#e4e4e4";
  if (!mapColors.has(code)) mapColors.set(code, PALETTE[mapColors.size % PALETTE.length]);
  return mapColors.get(code);
}

function axisRange(name, v) {
  const p = param(name), cur = Q.num(v[name]);
  const lo = Math.min(Number(p.min), cur), hi = Math.max(Number(p.max), cur);
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

function frame(canvas) {
  const W = canvas.width, H = canvas.height, L = 58, T = 10;
  return { W: W, H: H, L: L, T: T, pw: W - L - 12, ph: H - T - 42 };
}

function axes(ctx, f, xr, yr, xl, yl) {
  ctx.strokeStyle = "#333";
  ctx.fillStyle = "#333";
  ctx.lineWidth = 1;
  ctx.setLineDash([]);
  ctx.font = "12px system-ui, sans-serif";
  ctx.strokeRect(f.L, f.T, f.pw, f.ph);
  const tick = (lo, hi, k) => fmtG(Number((lo + (k * (hi - lo)) / 4).toPrecision(3)));
  ctx.textAlign = "center";
  for (let k = 0; k <= 4; k++) {
    ctx.fillText(tick(xr[0], xr[1], k), f.L + (k * f.pw) / 4, f.T + f.ph + 15);
  }
  ctx.fillText(xl, f.L + f.pw / 2, f.T + f.ph + 33);
  ctx.textAlign = "right";
  for (let k = 0; k <= 4; k++) {
    ctx.fillText(tick(yr[0], yr[1], k), f.L - 5, f.T + f.ph - (k * f.ph) / 4 + 4);
  }
  ctx.save();
  ctx.translate(14, f.T + f.ph / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillText(yl, 0, 0);
  ctx.restore();
}

function canvasPoint(canvas, f, ev) {
  const rect = canvas.getBoundingClientRect();
  const cx = ((ev.clientX - rect.left) * f.W) / rect.width;
  const cy = ((ev.clientY - rect.top) * f.H) / rect.height;
  return [(cx - f.L) / f.pw, 1 - (cy - f.T) / f.ph];
}

function crosshair(ctx, f, px, py) {
  ctx.strokeStyle = "#000";
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  ctx.moveTo(px, f.T);
  ctx.lineTo(px, f.T + f.ph);
  ctx.moveTo(f.L, py);
  ctx.lineTo(f.L + f.pw, py);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = "#fff";
  ctx.beginPath();
  ctx.arc(px, py, 5, 0, 2 * Math.PI);
  ctx.fill();
  ctx.stroke();
}

function drawMap(res) {
  // the kind's regime code on a grid of two parameters (the others at the point), in doubles
  if (!SPEC.map || !VIEW.mapCode) return;
  const canvas = $("map"), ctx = canvas.getContext("2d"), f = frame(canvas);
  const xs = $("map-x").value, ys = $("map-y").value;
  const nx = SPEC.mapCells[0], ny = SPEC.mapCells[1];
  const fv = floatPoint(res.v);
  const [x0, x1] = axisRange(xs, res.v), [y0, y1] = axisRange(ys, res.v);
  const cw = f.pw / nx, ch = f.ph / ny;
  ctx.clearRect(0, 0, f.W, f.H);
  const seen = new Set(), signs = [], w = Object.assign({}, fv);
  for (let j = 0; j < ny; j++) {
    signs.push([]);
    for (let i = 0; i < nx; i++) {
      w[xs] = x0 + ((i + 0.5) * (x1 - x0)) / nx;
      w[ys] = y1 - ((j + 0.5) * (y1 - y0)) / ny;
      const code = VIEW.mapCode(w);
      seen.add(code);
      signs[j].push(VIEW.mapSigns ? VIEW.mapSigns(w) : []);
      ctx.fillStyle = colorOf(code);
      ctx.fillRect(f.L + i * cw, f.T + j * ch, cw + 0.6, ch + 0.6);
    }
  }
  const differ = (a, b) => a.some((x, k) => x !== b[k] || x === 0);
  ctx.fillStyle = "rgba(30,30,30,0.75)";
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const s = signs[j][i];
      const right = i + 1 < nx && differ(s, signs[j][i + 1]);
      const down = j + 1 < ny && differ(s, signs[j + 1][i]);
      if (!s.length || !(right || down)) continue;
      ctx.fillRect(f.L + (i + 0.5) * cw - 0.4, f.T + (j + 0.5) * ch - 0.4, 2.2, 2.2);
    }
  }
  const px = f.L + ((Q.num(res.v[xs]) - x0) / (x1 - x0)) * f.pw;
  const py = f.T + ((y1 - Q.num(res.v[ys])) / (y1 - y0)) * f.ph;
  crosshair(ctx, f, px, py);
  axes(ctx, f, [x0, x1], [y0, y1], xs, ys);
  const legend = $("map-legend");
  legend.textContent = "";
  const order = [...seen].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : 1));
  for (const code of order) {
    legend.append(el("span", {}, el("i", { style: "background:" + colorOf(code) }),
      VIEW.mapName(code)));
  }
  if (VIEW.mapSigns && VIEW.mapSignsName) {
    legend.append(el("span", {}, el("i", { style: "background:#333" }), VIEW.mapSignsName));
  }
  canvas.onclick = (ev) => {
    const [u, z] = canvasPoint(canvas, f, ev);
    if (u < 0 || u > 1 || z < 0 || z > 1) return;
    setParam(xs, onGrid(param(xs), x0 + u * (x1 - x0)));
    setParam(ys, onGrid(param(ys), y0 + z * (y1 - y0)));
    update();
  };
}

function update() {
  const res = VIEW.evaluate();
  state.last = res;
  $("regime").textContent = res.regime;
  const point = {};
  for (const p of params) point[p.name] = Q.decimal(state.values[p.name]);
  for (const [k, t] of Object.entries(SPEC.fixed)) point[k] = t;
  $("point").dataset.values = JSON.stringify(point);
  $("point").textContent = Object.entries(point).map(([k, t]) => k + "=" + t).join(", ");
  $("regime-note").textContent = (res.notes || []).join(" ");
  const agree = $("agree");
  if (agree && res.agree !== undefined) {
    agree.textContent = res.agree ? "yes" : "NO";
    agree.className = res.agree ? "yes" : "no";
  }
  VIEW.render(res);
  drawMap(res);
}

function init() {
  buildControls();
  for (const id of ["map-x", "map-y"]) {
    const sel = $(id);
    if (!sel) continue;
    for (const p of params) sel.append(el("option", { value: p.name, text: p.name }));
    sel.addEventListener("change", () => update());
  }
  if (SPEC.map) {
    $("map-x").value = SPEC.map[0];
    $("map-y").value = SPEC.map[1];
  }
  update();
  document.body.dataset.ready = "true";
}
"""
