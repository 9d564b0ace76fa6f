"""The theory's expressions as JavaScript, for the explorer page: exact and floating point.

Both printers are sympy's own JavaScript code printer
(:class:`sympy.printing.jscode.JavascriptCodePrinter`, ``Piecewise`` included), so no
formula is typed twice by hand; they differ only in the arithmetic they print.

* :class:`ExactPrinter` prints a rational function of the parameters (sums, products,
  integer powers, ``Piecewise``, ``Max``, ``Min``, ``Abs``, relations and their logic) as
  calls into the page's runtime ``Q`` of exact rationals on ``BigInt``. At the decimal values
  of the page's sliders the page therefore decides every condition exactly as ``rosca solve``
  does in Python's rationals: on a boundary and on a degenerate locus too.
* :class:`FloatPrinter` prints the same expression in IEEE doubles, for pictures (the
  regime map, the phase portrait), where speed matters and a boundary pixel may go either
  way; and as the fallback for an expression that is not a rational function (a square
  root, a logarithm), which the page then marks as approximate.

A parameter ``name`` is read as ``v["name"]``; other symbols (the phase portrait's ``x`` and
``y``) can be bound to plain JavaScript names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import sympy as sp
from sympy.functions.elementary.piecewise import ExprCondPair
from sympy.printing.jscode import JavascriptCodePrinter

_RELATIONS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}
_EXACT_NODES = (
    sp.Symbol,
    sp.Integer,
    sp.Rational,
    sp.Add,
    sp.Mul,
    sp.Piecewise,
    sp.Max,
    sp.Min,
    sp.Abs,
    sp.logic.boolalg.BooleanAtom,
    sp.And,
    sp.Or,
    sp.Not,
)


def is_rational(expr: sp.Basic) -> bool:
    """Whether ``expr`` can be evaluated exactly in rational arithmetic.

    Examples
    --------
    >>> x, y = sp.symbols("x y", positive=True)
    >>> is_rational(sp.Piecewise((x / (x + y), x > 1), (sp.Max(x, 2) ** 2, True)))
    True
    >>> is_rational(sp.sqrt(x)), is_rational(x + sp.Float(0.5))
    (False, False)
    """
    for node in sp.preorder_traversal(sp.sympify(expr)):
        if isinstance(node, sp.logic.boolalg.BooleanAtom):
            continue
        if isinstance(node, sp.Pow):
            if not node.exp.is_Integer:
                return False
        elif isinstance(node, sp.Rel):
            if node.rel_op not in _RELATIONS:
                return False
        elif isinstance(node, sp.Number):
            if not node.is_Rational:
                return False
        elif not isinstance(node, _EXACT_NODES) and not isinstance(node, ExprCondPair):
            return False
    return True


class _Printer(JavascriptCodePrinter):
    """Symbols through ``symbol`` (a format string: ``v[{}]`` with the JSON-quoted name), or
    a plain JavaScript name from ``bound``."""

    def __init__(self, bound: Mapping[sp.Symbol, str] | None = None, symbol: str = "v[{}]") -> None:
        super().__init__({"strict": True})
        self.bound = dict(bound or {})
        self.symbol = symbol

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        if expr in self.bound:
            return self.bound[expr]
        return self.symbol.format(json.dumps(expr.name))

    def _print_BooleanTrue(self, expr: Any) -> str:
        return "true"

    def _print_BooleanFalse(self, expr: Any) -> str:
        return "false"

    def _print_And(self, expr: sp.And) -> str:
        return "(" + " && ".join(self._print(a) for a in expr.args) + ")"

    def _print_Or(self, expr: sp.Or) -> str:
        return "(" + " || ".join(self._print(a) for a in expr.args) + ")"

    def _print_Not(self, expr: sp.Not) -> str:
        return f"!({self._print(expr.args[0])})"

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        if expr.args[-1].cond != sp.true:
            raise ValueError(f"a Piecewise needs a last (value, True) branch: {expr}")
        out = self._print(expr.args[-1].expr)
        for e, c in reversed(expr.args[:-1]):
            out = f"(({self._print(c)}) ? ({self._print(e)}) : ({out}))"
        return out


class FloatPrinter(_Printer):
    """JavaScript in IEEE doubles (``Math.pow``, ``Math.max``, native comparisons).

    Examples
    --------
    >>> x = sp.Symbol("x", positive=True)
    >>> FloatPrinter().doprint(sp.Piecewise((1 / x, x > 1), (0, True)))
    '((v["x"] > 1) ? (1/v["x"]) : (0))'
    """

    def _print_Rational(self, expr: sp.Rational) -> str:
        return f"({int(expr.p)}/{int(expr.q)})"

    def _print_Max(self, expr: sp.Max) -> str:
        return "Math.max(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Min(self, expr: sp.Min) -> str:
        return "Math.min(" + ", ".join(self._print(a) for a in expr.args) + ")"


class ExactPrinter(_Printer):
    """JavaScript over the page's exact rationals ``Q`` (``BigInt`` numerator and
    denominator): ``Q.add``, ``Q.mul``, ``Q.pow``, ``Q.lt`` ...

    A part that is not a rational function (a square root, a logarithm, a float) is printed
    in doubles and wrapped as ``Q.approx(...)``; a comparison that meets one is decided
    with a relative tolerance, and the page marks it approximate.

    Examples
    --------
    >>> g, d = sp.symbols("gamma delta", positive=True)
    >>> ExactPrinter().doprint(d < g / 3)
    'Q.lt(v["delta"], Q.mul(Q.r(1n, 3n), v["gamma"]))'
    >>> ExactPrinter().doprint(sp.sqrt(g) + 1)
    'Q.add(Q.approx(Math.sqrt(Q.num(v["gamma"]))), Q.r(1n, 1n))'
    """

    def _approx(self, expr: sp.Basic) -> str:
        bound = {s: f"Q.num({name})" for s, name in self.bound.items()}
        inner = FloatPrinter(bound, symbol="Q.num(v[{}])").doprint(expr)
        return f"Q.approx({inner})"

    def _print_Integer(self, expr: sp.Integer) -> str:
        return f"Q.r({int(expr)}n, 1n)"

    def _print_Rational(self, expr: sp.Rational) -> str:
        return f"Q.r({int(expr.p)}n, {int(expr.q)}n)"

    _print_Zero = _print_One = _print_NegativeOne = _print_Integer
    _print_Half = _print_Rational

    def _print_Float(self, expr: sp.Float) -> str:
        return self._approx(expr)

    _print_Function = _print_Exp1 = _print_Pi = _print_Infinity = _print_Float
    _print_NegativeInfinity = _print_ComplexInfinity = _print_NaN = _print_Float
    _print_exp = _print_log = _print_Float

    def _call(self, name: str, args: Any) -> str:
        return f"Q.{name}(" + ", ".join(self._print(a) for a in args) + ")"

    def _print_Add(self, expr: sp.Add, order: Any = None) -> str:
        return self._call("add", expr.as_ordered_terms())

    def _print_Mul(self, expr: sp.Mul) -> str:
        return self._call("mul", expr.args)

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        if not expr.exp.is_Integer:
            return self._approx(expr)
        return f"Q.pow({self._print(expr.base)}, {int(expr.exp)})"

    def _print_Relational(self, expr: sp.Rel) -> str:
        return self._call(_RELATIONS[expr.rel_op], (expr.lhs, expr.rhs))

    def _print_Max(self, expr: sp.Max) -> str:
        return self._call("max", expr.args)

    def _print_Min(self, expr: sp.Min) -> str:
        return self._call("min", expr.args)

    def _print_Abs(self, expr: sp.Abs) -> str:
        return self._call("abs", expr.args)


def to_float_js(expr: sp.Basic, bound: Mapping[sp.Symbol, str] | None = None) -> str:
    """``expr`` as a JavaScript expression in doubles."""
    return FloatPrinter(bound).doprint(sp.sympify(expr))


def to_exact_js(expr: sp.Basic, bound: Mapping[sp.Symbol, str] | None = None) -> str:
    """``expr`` as a JavaScript expression over the page's exact rationals (the parts that
    are not rational functions in doubles, marked approximate); a symbol in ``bound`` is the
    JavaScript name given there (an exact rational too).

    Examples
    --------
    >>> x, k = sp.symbols("x k", positive=True)
    >>> to_exact_js(x**2 - 1)
    'Q.add(Q.pow(v["x"], 2), Q.r(-1n, 1n))'
    >>> to_exact_js(sp.log(x))
    'Q.approx(Math.log(Q.num(v["x"])))'
    >>> to_exact_js(x * k, {k: "k"})
    'Q.mul(k, v["x"])'
    """
    return ExactPrinter(bound).doprint(sp.sympify(expr))


def difference(condition: sp.Basic) -> tuple[str, sp.Expr] | None:
    """A relation ``lhs op rhs`` as ``(op, lhs - rhs)``, for a floating-point evaluation
    that compares the difference with zero under a tolerance; ``None`` for anything else.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> difference(x < 2)
    ('<', x - 2)
    """
    if isinstance(condition, sp.Rel) and condition.rel_op in _RELATIONS:
        return condition.rel_op, condition.lhs - condition.rhs
    return None
