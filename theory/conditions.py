"""Readable inequalities in the parameters: sign conditions with positive factors removed.

A condition such as ``volume*zeta*(gamma - delta) > 0`` holds iff ``gamma - delta > 0``
when ``volume`` and ``zeta`` are positive symbols; :func:`sign_condition` returns the
reduced relation ``delta < gamma``. Only sympy's own assumptions are used to drop a
factor (a factor whose sign sympy cannot decide is kept), so the reduction is exact.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

_OPS = {
    ">": sp.StrictGreaterThan,
    ">=": sp.GreaterThan,
    "<": sp.StrictLessThan,
    "<=": sp.LessThan,
    "==": sp.Eq,
    "!=": sp.Ne,
}
_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}


def _reduce(expr: sp.Expr, op: str) -> tuple[sp.Expr, str]:
    """Drop factors of known sign from ``expr op 0``, flipping ``op`` for negative ones."""
    expr = sp.factor(sp.cancel(sp.together(expr)))
    num, den = sp.fraction(expr)
    kept: list[sp.Expr] = []
    for f in sp.Mul.make_args(num):
        if f.is_positive:
            continue
        if f.is_negative:
            op = _FLIP[op]
            continue
        kept.append(f)
    # A denominator is nonzero wherever the expression is defined, so a nonnegative
    # denominator factor is positive there (and a nonpositive one negative).
    for f in sp.Mul.make_args(den):
        if f.is_nonnegative:
            continue
        if f.is_nonpositive:
            op = _FLIP[op]
            continue
        kept.append(1 / f)
    return sp.Mul(*kept), op


def _split(expr: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """Write ``expr`` as ``lhs - rhs`` with the positively signed terms on the left."""
    expr = sp.expand(expr)
    if not expr.is_Add:
        return expr, sp.Integer(0)
    pos = [t for t in expr.args if not t.could_extract_minus_sign()]
    neg = [-t for t in expr.args if t.could_extract_minus_sign()]
    return sp.Add(*pos), sp.Add(*neg)


def sign_condition(expr: sp.Expr, op: str) -> sp.Basic:
    """The condition ``expr op 0`` reduced to a readable relation, or ``true``/``false``.

    Examples
    --------
    >>> g, d, z = sp.symbols("gamma delta zeta", positive=True)
    >>> sign_condition(z * (g - d), ">")
    delta < gamma
    >>> sign_condition(-z, "<")
    True
    """
    reduced, op = _reduce(sp.sympify(expr), op)
    if reduced.is_number:
        return sp.sympify(_OPS[op](reduced, 0))
    lhs, rhs = _split(reduced)
    if lhs == 0:
        lhs, rhs, op = rhs, sp.Integer(0), _FLIP[op]
    rel = _OPS[op](lhs, rhs)
    # sympy prints a < b as b > a; normalise so the symbol-first form is kept
    return rel


def holds(cond: sp.Basic, point: Mapping[sp.Symbol, sp.Expr]) -> bool:
    """Whether a condition holds at an exact point (rational substitution)."""
    value = cond.subs(point) if isinstance(cond, sp.Basic) else cond
    if value in (sp.true, True):
        return True
    if value in (sp.false, False):
        return False
    simplified = sp.simplify(value)
    if simplified in (sp.true, sp.false):
        return bool(simplified)
    raise ValueError(f"condition {cond} is undecided at the point: {value}")


def latex(cond: sp.Basic) -> str:
    return sp.latex(cond)
