"""What every kind of explorer page shares: the error, the sliders, the compiled functions
and the HTML shell (``rosca explore``; :mod:`reports.explore` dispatches on the model's kind).

A slider holds exact decimals: its bounds are the parameter's, its span up to three times
the value or past every threshold (as the report's regime map), and its step a power of ten
that hits the value exactly. :class:`Functions` prints each distinct expression once, by
sympy's JavaScript code printer (:mod:`reports.jscode`): over exact rationals for what the
page says about the point, in doubles for pictures. :func:`render_shell` writes the page
around a kind's sections and its view script; the page loads nothing.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from reports.explore_assets import CSS, RUNTIME_JS, SHELL_JS
from reports.jscode import is_rational, to_exact_js, to_float_js
from theory.errors import RoscaError
from theory.model import Model, Parameter

FAR = 20
"""A slider spans a parameter's finite upper bound only when the bound is at most this many
times the span the value and thresholds call for (a member count bounded by 100,000 gets a
slider to 15 and a number box that takes any count)."""


class ExploreError(RoscaError):
    """The explorer cannot show this model (its expressions are too large to compile)."""


@dataclass(frozen=True)
class Slider:
    """A game parameter's control: bounds (exact decimals) and the slider's range and step."""

    parameter: Parameter
    value: str
    min: str
    max: str
    step: str


def decimal(f: Fraction) -> str:
    """An exact decimal for a fraction whose denominator divides a power of ten.

    Examples
    --------
    >>> decimal(Fraction(1, 8)), decimal(Fraction(-3)), decimal(Fraction(1, 3))
    ('0.125', '-3', '1/3')
    """
    for k in range(40):
        scaled = f * 10**k
        if scaled.denominator == 1:
            digits = str(abs(scaled.numerator)).rjust(k + 1, "0")
            sign = "-" if f < 0 else ""
            return sign + (digits[:-k] + "." + digits[-k:] if k else digits)
    return str(f)


def slider(q: Parameter, value: Fraction, thresholds: list[float]) -> Slider:
    """The slider of one parameter: its bounds, up to three times its value or past every
    threshold (a finite upper bound when it is not far beyond that, see :data:`FAR`), in
    decimal steps that hit the value exactly.

    Examples
    --------
    >>> s = slider(Parameter("delta", "0.25", "penalty"), Fraction(1, 4), [1.0])
    >>> s.min, s.max, s.step
    ('0', '1.5', '0.001')
    >>> n = slider(Parameter("n", "5", "members", lower="2", upper="100000", integer=True),
    ...            Fraction(5), [])
    >>> n.min, n.max, n.step
    ('2', '15', '1')
    """
    hi = Fraction(q.upper) if q.upper is not None else None
    past = [Fraction(3, 2) * Fraction(str(t)) for t in thresholds if t > 0]
    natural = max([3 * value, Fraction(1), *past])
    top = hi if hi is not None and hi <= FAR * natural else natural
    if hi is not None:
        top = min(top, hi)
    if q.lower is not None:
        lo = Fraction(q.lower)
    else:
        lo = min(value, Fraction(0)) - max(abs(value), Fraction(1))
    step = Fraction(10) ** math.floor(math.log10(max(top - lo, Fraction(1, 10**6)) / 200))
    if q.integer:
        step = max(Fraction(1), Fraction(math.floor(step)))
    for _ in range(12):
        if (value / step).denominator == 1 and (lo / step).denominator == 1:
            break
        step /= 10
    if q.lower is None:
        lo = math.floor(lo / step) * step
    if top != hi:
        top = math.ceil(top / step) * step
    low = lo + step if q.lower_open else lo
    high = top - step if (q.upper_open and top == hi) else top
    return Slider(q, decimal(value), decimal(Fraction(low)), decimal(Fraction(high)), decimal(step))


def parameter_spec(s: Slider) -> dict[str, Any]:
    """A slider as the page's JSON."""
    q = s.parameter
    return {
        "name": q.name,
        "meaning": q.meaning,
        "unit": q.unit,
        "bounds": q.bounds_text(),
        "lower": q.lower,
        "upper": q.upper,
        "lowerOpen": q.lower_open,
        "upperOpen": q.upper_open,
        "integer": q.integer,
        "value": s.value,
        "min": s.min,
        "max": s.max,
        "step": s.step,
    }


def fixed_text(value: Any) -> str:
    """A fixed parameter or option as the page shows it (and reads it back, when a number).

    Examples
    --------
    >>> fixed_text(Fraction(1, 10)), fixed_text("uniform"), fixed_text(("1", "2"))
    ('0.1', 'uniform', '1,2')
    """
    if isinstance(value, Fraction):
        return decimal(value)
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    return str(value)


class Functions:
    """Expressions compiled once each, by index: exact and double versions."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.exact: list[str] = []
        self.floats: list[str] = []
        self.index: dict[tuple[str, str], int] = {}
        self.rational = True

    def _add(self, table: list[str], key: tuple[str, str], code: str) -> int:
        if key not in self.index:
            self.index[key] = len(table)
            table.append(code)
        return self.index[key]

    def exact_fn(self, expr: sp.Basic, bound: dict[sp.Symbol, str] | None = None) -> int:
        """The index of ``expr`` compiled over exact rationals (``bound`` symbols are extra
        arguments of the function, named as given)."""
        expr = sp.sympify(expr)
        self.rational = self.rational and is_rational(expr)
        key = (
            "exact",
            sp.srepr(expr) + repr(sorted((s.name, n) for s, n in (bound or {}).items())),
        )
        return self._add(self.exact, key, self.print(lambda e: to_exact_js(e, bound), expr))

    def float_fn(self, expr: sp.Basic, bound: dict[sp.Symbol, str] | None = None) -> int:
        """The index of ``expr`` compiled in doubles."""
        expr = sp.sympify(expr)
        key = (
            "float",
            sp.srepr(expr) + repr(sorted((s.name, n) for s, n in (bound or {}).items())),
        )
        return self._add(self.floats, key, self.print(lambda e: to_float_js(e, bound), expr))

    def print(self, printer: Any, expr: sp.Basic) -> str:
        try:
            return printer(expr)
        except Exception as exc:  # sympy's printers raise several kinds
            raise ExploreError(
                f"model '{self.model.name}': {sp.sstr(expr)[:80]} cannot be compiled to "
                f"JavaScript for the explorer page ({type(exc).__name__}); use rosca solve"
            ) from None

    def script(self, spec: dict[str, Any], extra: str = "") -> str:
        """The page's data and functions: ``SPEC``, ``EXACT[i](v, ...)``, ``FLOAT[i](v, ...)``.

        Every function takes the point ``v`` first and then the bound symbols (``k``...).
        """
        exact = ",\n".join(f"(v, k, K) => {code}" for code in self.exact)
        floats = ",\n".join(f"(v, k, K) => {code}" for code in self.floats)
        return (
            f"const SPEC = {to_json(spec)};\nconst EXACT = [\n{exact}\n];\n"
            f"const FLOAT = [\n{floats}\n];\n{extra}"
        )


def check_size(model: Model, script: str, limit: int) -> None:
    """Refuse a page whose compiled script is over ``limit`` characters."""
    if len(script) > limit:
        raise ExploreError(
            f"model '{model.name}' is too large to compile for the explorer page: its "
            f"expressions print to {len(script):,} characters of JavaScript (limit {limit:,}); "
            "use rosca solve for its analysis"
        )


@dataclass(frozen=True)
class CompiledPage:
    """The page's data (``spec``, JSON-ready) and its compiled functions as JavaScript."""

    spec: dict[str, Any]
    script: str
    rational: bool


def to_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def page_axes(model: Model, sliders: tuple[Slider, ...]) -> tuple[str, str] | None:
    """The axes of the page's regime map: the report's (:func:`theory.maps.default_axes`)
    when both have sliders, else the first two sliders, else none."""
    from theory.errors import ModelError
    from theory.maps import default_axes

    names = [s.parameter.name for s in sliders]
    try:
        axes = default_axes(model)
    except ModelError:
        axes = None
    if axes is not None and all(n in names for n in axes):
        return axes
    return (names[0], names[1]) if len(names) >= 2 else None


def map_section(axes: tuple[str, str] | None, what: str) -> str:
    """The regime map's section: a canvas and two axis selectors, or why there is none."""
    if axes is None:
        return (
            '<section><h2>Regime map</h2><p class="status">The map needs two parameters on '
            'sliders.</p><select id="map-x" hidden></select><select id="map-y" hidden>'
            '</select><canvas id="map" hidden></canvas><div id="map-legend"></div></section>'
        )
    return (
        '<section><h2>Regime map</h2><div class="axes">x <select id="map-x"></select> '
        'y <select id="map-y"></select></div><canvas id="map" width="600" height="420">'
        f'</canvas><div class="legend" id="map-legend"></div><p class="status">{what}; the '
        "dashed cross is the point; click to move it.</p></section>"
    )


def render_shell(
    model: Model,
    source: str,
    *,
    players: str,
    regime: str,
    sections: str,
    footer: str,
    script: str,
    view: str,
    agree: bool = True,
) -> str:
    """The self-contained HTML page around a kind's ``sections`` and ``view`` script."""
    e = html.escape
    agreement = (
        '<div class="status">closed forms and the direct check agree: <span id="agree">'
        "</span></div>"
        if agree
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(model.title)}: rosca explore</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{e(model.title)}</h1>
<p>{e(model.summary)}</p>
<p>Model <code>{e(model.name)}</code>{e(" from " + source) if source else ""}:
{e(players)}. Move a slider or type a value; everything below follows.</p>
</header>
<main>
<div id="controls"><section><h2>Parameters</h2><div id="sliders"></div>
<p class="fixed" id="fixed"></p><button id="reset" type="button">reset</button></section></div>
<div>
<section><h2>Regime</h2><div id="regime">{e(regime)}</div>
<div class="status">at <span id="point" class="mono"></span></div>
<div class="status" id="regime-note"></div>
{agreement}
</section>
{sections}
</div>
</main>
<footer>
<p>{e(footer)} The formulas are the theory's own, compiled to JavaScript by sympy's code
printer. Generated by <code>rosca explore</code>; this page loads nothing from the network.</p>
</footer>
<noscript>This page needs JavaScript to follow the sliders; at the initial point the regime
is {e(regime)}.</noscript>
<script>
{RUNTIME_JS}
{script}
{SHELL_JS}
{view}
init();
</script>
</body>
</html>
"""
