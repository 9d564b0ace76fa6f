"""The sign of an expression in the parameters: exact conditions, decided at any point.

Payoffs are rational functions of the parameters, made piecewise by ``where`` and
``maximum``. Three steps make their sign conditions exact:

* **cases**: ``Max``/``Min`` are rewritten as ``Piecewise`` and every expression is split
  on the truth values of the relations that guard its pieces (:func:`split`), so each case
  is a plain rational function valid under a conjunction of relations; assignments of
  the relations that cannot hold together are dropped (:func:`_feasible`);
* **divisors keep their sign**: ``num/den > 0`` becomes ``num*den > 0`` (the same sign
  wherever the expression is defined), never a division by a factor of unknown sign;
  only factors whose sign sympy's assumptions decide are dropped, flipping the relation
  for a negative one (:func:`sign_condition`);
* **exact evaluation**: :func:`holds` decides any condition at a rational point by exact
  substitution; an undefined value (a vanishing divisor) satisfies no relation, so no
  condition is ever undecided.

Along one parameter, with the others at a point, :func:`sign_stretches` returns the
stretches of constant sign between the real roots of every numerator, denominator and
guard, each root isolated exactly (``Poly.real_roots``: rationals and ``CRootOf``), with
bracketing and bisection only for an expression that is not rational in the parameter.

Nothing here calls ``simplify`` or ``solve``: factoring is targeted (``cancel``,
``factor_list``) and skipped above :data:`MAX_TERMS` terms, so the cost is bounded. This
follows sympy's own advice on assumptions and piecewise functions (sympy documentation,
"Symbolic assumptions" and ``piecewise_fold``); the minimal guard formulas come from the
Quine-McCluskey reduction of ``sympy.logic.SOPform``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from itertools import product
from typing import Any

import sympy as sp
from sympy.core.relational import Relational
from sympy.logic.boolalg import BooleanAtom, BooleanFunction, SOPform
from sympy.polys.fields import FracElement

from theory.errors import ModelError

_OPS = {
    ">": sp.StrictGreaterThan,
    ">=": sp.GreaterThan,
    "<": sp.StrictLessThan,
    "<=": sp.LessThan,
    "==": sp.Eq,
    "!=": sp.Ne,
}
_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}
_TEST = {
    ">": lambda s: s > 0,
    ">=": lambda s: s >= 0,
    "<": lambda s: s < 0,
    "<=": lambda s: s <= 0,
    "==": lambda s: s == 0,
    "!=": lambda s: s != 0,
}

MAX_ATOMS = 10
"""At most this many distinct relations may guard the pieces of a set of expressions."""
MAX_TERMS = 60
"""Polynomials with more terms are not factored (their sign condition stays expanded)."""

Point = Mapping[sp.Symbol, sp.Expr]


class TooManyCasesError(ModelError):
    """The expressions have more distinct ``where``/``maximum`` guards than can be split."""


# ---------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------


def _op(rel: Relational) -> str:
    return str(rel.rel_op)


def normalise(expr: sp.Basic) -> sp.Expr:
    """``Max``/``Min`` as ``Piecewise``; guards free of piecewise expressions.

    Examples
    --------
    >>> c = sp.Symbol("c", real=True)
    >>> normalise(sp.Max(c, 1))
    Piecewise((1, c <= 1), (c, True))
    """
    e = sp.sympify(expr)
    if e.has(sp.Max, sp.Min):
        e = e.rewrite(sp.Piecewise)
    if not e.has(sp.Piecewise):
        return e

    def inner(rel: Relational) -> bool:
        return isinstance(rel, Relational) and rel.has(sp.Piecewise, sp.Max, sp.Min)

    return e.replace(inner, lambda rel: sign_condition(rel.lhs - rel.rhs, _op(rel)))


def _variants(rel: Relational) -> tuple[tuple[sp.Basic, bool], ...]:
    """The spellings of a relation and of its negation: ``a > c``, ``c < a``, ``a <= c``..."""
    neg = sp.Not(rel)
    out = [(rel, True), (rel.reversed, True)]
    if isinstance(neg, Relational):
        out += [(neg, False), (neg.reversed, False)]
    return tuple(out)


def guard_atoms(exprs: Iterable[sp.Basic]) -> tuple[Relational, ...]:
    """The distinct relations guarding the pieces of ``exprs`` (negations identified).

    Examples
    --------
    >>> a, c = sp.symbols("a c", real=True)
    >>> guard_atoms([sp.Piecewise((a, a > c), (c, True)), sp.Piecewise((1, a <= c), (0, True))])
    (a > c,)
    """
    seen: dict[sp.Basic, Relational] = {}
    out: list[Relational] = []
    for e in exprs:
        for pw in sp.sympify(e).atoms(sp.Piecewise):
            for _, cond in pw.args:
                for rel in sp.sympify(cond).atoms(Relational):
                    if rel in seen:
                        continue
                    for v, _ in _variants(rel):
                        seen[v] = rel
                    out.append(rel)
    return tuple(sorted(out, key=sp.default_sort_key))


def _interval(rel: Relational, truth: bool) -> tuple[sp.Expr, tuple] | None:
    """``rel`` (or its negation) as ``base in (lo, hi)`` for a linear ``lhs - rhs``."""
    if not truth:
        neg = sp.Not(rel)
        if not isinstance(neg, Relational):
            return None
        rel = neg
    op = _op(rel)
    if op == "!=":
        return None
    d = sp.expand(rel.lhs - rel.rhs)
    const = d.as_coeff_Add()[0]
    base = d - const
    if base == 0 or not base.is_polynomial() or sp.Poly(base).total_degree() != 1:
        return None
    if base.could_extract_minus_sign():
        base, const, op = -base, -const, _FLIP[op]
    # base + const op 0  <=>  base op -const
    v = -const
    lo, hi = -sp.oo, sp.oo
    lo_open = hi_open = True
    if op in (">", ">="):
        lo, lo_open = v, op == ">"
    elif op in ("<", "<="):
        hi, hi_open = v, op == "<"
    else:
        lo = hi = v
        lo_open = hi_open = False
    return base, (lo, lo_open, hi, hi_open)


def _feasible(atoms: Sequence[Relational], truths: Sequence[bool]) -> bool:
    """False when some of the assigned relations on one linear form cannot hold together
    (e.g. ``c > 2`` and ``c < 1``, or ``a > c`` and ``c > a``); True when unsure."""
    bounds: dict[sp.Expr, list] = {}
    for rel, t in zip(atoms, truths):
        iv = _interval(rel, t)
        if iv is None:
            continue
        base, (lo, lo_open, hi, hi_open) = iv
        if base not in bounds:
            if base.is_Symbol and base.is_positive:
                bounds[base] = [sp.Integer(0), True, sp.oo, True]
            elif base.is_Symbol and base.is_nonnegative:
                bounds[base] = [sp.Integer(0), False, sp.oo, True]
            else:
                bounds[base] = [-sp.oo, True, sp.oo, True]
        b = bounds[base]
        if lo > b[0] or (lo == b[0] and lo_open):
            b[0], b[1] = lo, lo_open
        if hi < b[2] or (hi == b[2] and hi_open):
            b[2], b[3] = hi, hi_open
        if b[0] > b[2] or (b[0] == b[2] and (b[1] or b[3])):
            return False
    return True


@dataclass(frozen=True)
class Case:
    """One case of a piecewise split: ``pieces`` hold where every relation in ``atoms``
    has the truth value in ``truths``; ``guard`` is that conjunction."""

    truths: tuple[bool, ...]
    guard: sp.Basic
    pieces: tuple[sp.Expr, ...]


@dataclass(frozen=True)
class Split:
    """Expressions split on the relations that guard their pieces (see :func:`split`)."""

    atoms: tuple[Relational, ...]
    cases: tuple[Case, ...]

    def guard(self, truths: Iterable[tuple[bool, ...]]) -> sp.Basic:
        """The shortest disjunction of guards covering the given cases (Quine-McCluskey),
        with the infeasible assignments as don't-cares."""
        wanted = {tuple(t) for t in truths}
        if not self.atoms:
            return sp.true if wanted else sp.false
        if not wanted:
            return sp.false
        feasible = {c.truths for c in self.cases}
        if wanted >= feasible:
            return sp.true
        names = sp.symbols(f"_q0:{len(self.atoms)}")
        dont = [
            list(map(int, t))
            for t in product((True, False), repeat=len(self.atoms))
            if t not in feasible
        ]
        form = SOPform(list(names), [list(map(int, t)) for t in wanted], dont)
        return form.xreplace(dict(zip(names, self.atoms)))


def split(exprs: Sequence[sp.Basic]) -> Split:
    """Split expressions into cases on the truth values of their guards.

    Raises
    ------
    TooManyCasesError
        When more than :data:`MAX_ATOMS` distinct relations guard the pieces.

    Examples
    --------
    >>> c, g = sp.symbols("c g", real=True)
    >>> s = split([sp.Max(c, 1) - g])
    >>> [(str(k.guard), str(k.pieces[0])) for k in s.cases]
    [('c <= 1', '1 - g'), ('c > 1', 'c - g')]
    """
    norm = [normalise(e) for e in exprs]
    atoms = guard_atoms(norm)
    if len(atoms) > MAX_ATOMS:
        raise TooManyCasesError(
            f"{len(atoms)} distinct where/maximum conditions guard the payoffs; at most "
            f"{MAX_ATOMS} can be split into cases (write fewer distinct conditions)"
        )
    cases: list[Case] = []
    for truths in product((True, False), repeat=len(atoms)):
        if not _feasible(atoms, truths):
            continue
        rep: dict[sp.Basic, sp.Basic] = {}
        for rel, t in zip(atoms, truths):
            for v, same in _variants(rel):
                rep[v] = sp.true if same == t else sp.false
        pieces = []
        for e in norm:
            p = e.xreplace(rep)
            if p.has(sp.Piecewise):  # a guard that is not a plain conjunction of atoms
                p = sp.piecewise_fold(p)
            pieces.append(p)
        guard = sp.And(*[rel if t else sp.Not(rel) for rel, t in zip(atoms, truths)])
        cases.append(Case(tuple(truths), guard, tuple(pieces)))
    return Split(atoms, tuple(cases))


# ---------------------------------------------------------------------------------------
# Sign conditions
# ---------------------------------------------------------------------------------------


Factors = list[tuple[sp.Expr, int]]


def fraction_field(exprs: Iterable[sp.Basic]) -> Any:
    """The field of rational functions over QQ in the symbols of ``exprs`` (generators in
    sympy's own order, so that factors are normalised as :func:`sympy.factor` does).

    Examples
    --------
    >>> r, b = sp.symbols("r b", real=True)
    >>> fraction_field([r - 1 / b])
    QQ(r,b)
    """
    syms: set[sp.Basic] = set()
    for e in exprs:
        syms |= sp.sympify(e).free_symbols
    gens = sp.Poly(sp.Add(*syms)).gens if syms else ()  # sympy's order of generators
    return sp.QQ.frac_field(*gens)


def to_fraction(expr: sp.Basic, field: Any = None) -> FracElement | None:
    """``expr`` as an element of a rational function field, or ``None`` when it is not a
    rational function with rational coefficients (then the expression path is used).

    Examples
    --------
    >>> r, b = sp.symbols("r b", real=True)
    >>> f = to_fraction(r - 1 / b)
    >>> f.numer, f.denom
    (r*b - 1, b)
    >>> to_fraction(sp.sqrt(r)) is None
    True
    """
    e = sp.sympify(expr)
    if not e.free_symbols:
        return None
    K = field if field is not None else fraction_field([e])
    try:
        return K.from_sympy(e)
    except (ValueError, TypeError, NotImplementedError, sp.polys.polyerrors.PolynomialError):
        return None


def _poly_factors(p: Any) -> tuple[sp.Expr, Factors]:
    """Content and factors of a polynomial ring element (whole when it is large)."""
    dom = p.ring.domain
    if len(p.terms()) > MAX_TERMS:
        c, prim = p.primitive()
        return dom.to_sympy(c), [(prim.as_expr(), 1)]
    c, fs = p.factor_list()
    return dom.to_sympy(c), [(f.as_expr(), k) for f, k in fs]


def _expr_factors(p: sp.Expr) -> tuple[sp.Expr, Factors]:
    """Coefficient and factors of an expression as :func:`sympy.factor` writes them."""
    p = sp.expand(p)
    if len(sp.Add.make_args(p)) > MAX_TERMS:
        f = sp.factor_terms(p)
    else:
        try:
            f = sp.factor(p)
        except (sp.PolynomialError, NotImplementedError):
            f = p
    coeff: sp.Expr = sp.Integer(1)
    out: Factors = []
    for arg in sp.Mul.make_args(f):
        if arg.is_number:
            coeff *= arg
        elif arg.is_Pow and arg.exp.is_Integer and arg.exp > 0:
            out.append((arg.base, int(arg.exp)))
        else:
            out.append((arg, 1))
    return coeff, out


def _parts(expr: sp.Basic | FracElement) -> tuple[sp.Expr, Factors, Factors]:
    """``coefficient, numerator factors, denominator factors`` of a rational function.

    As in :func:`sympy.factor`, a negative coefficient is absorbed into a numerator that
    is a single factor (``-C + L + R`` rather than ``-(C - L - R)``).
    """
    f = expr if isinstance(expr, FracElement) else to_fraction(expr)
    if f is not None:
        cn, num = _poly_factors(f.numer)
        cd, den = _poly_factors(f.denom)
        coeff = cn / cd
    else:
        n, d = sp.fraction(sp.cancel(sp.together(expr)))
        cn, num = _expr_factors(n)
        cd, den = _expr_factors(d)
        coeff = cn / cd
    if len(num) == 1 and num[0][1] == 1 and coeff.is_negative:
        num, coeff = [(sp.expand(-num[0][0]), 1)], -coeff
    return coeff, num, den


def factored(expr: sp.Basic | FracElement) -> sp.Expr:
    """A rational function in factored form, as :func:`sympy.factor` writes it.

    Examples
    --------
    >>> C, L, R = sp.symbols("C L R", positive=True)
    >>> factored((L + R - C) / (L + R))
    -(C - L - R)/(L + R)
    """
    if not isinstance(expr, FracElement):
        expr = sp.sympify(expr)
        if expr.is_number:
            return expr
        f = to_fraction(expr)
        if f is None:
            return sp.factor(sp.cancel(expr))
        expr = f
    cn, num = _poly_factors(expr.numer)
    cd, den = _poly_factors(expr.denom)
    return sp.Mul(cn / cd, *[b**k for b, k in num], *[b**-k for b, k in den])


def _split_sides(expr: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """Write ``expr`` as ``lhs - rhs`` with the positively signed terms on the left."""
    expr = sp.expand(expr)
    if not expr.is_Add:
        return expr, sp.Integer(0)
    pos = [t for t in expr.args if not t.could_extract_minus_sign()]
    neg = [-t for t in expr.args if t.could_extract_minus_sign()]
    return sp.Add(*pos), sp.Add(*neg)


def _relation(kept: list[sp.Expr], op: str) -> sp.Basic:
    """``prod(kept) op 0`` as a readable relation (one factor: its terms on both sides)."""
    if not kept:
        return sp.sympify(_OPS[op](sp.Integer(1), 0))
    if len(kept) > 1:
        return _OPS[op](sp.Mul(*kept), 0)
    lhs, rhs = _split_sides(kept[0])
    if lhs.is_number and not rhs.is_number:  # the parameters on the left: gamma < 1
        lhs, rhs, op = rhs, lhs, _FLIP[op]
    return _OPS[op](lhs, rhs)


def _rational_condition(expr: sp.Basic | FracElement, op: str) -> sp.Basic:
    """``expr op 0`` for an expression without pieces, divisors kept with their sign."""
    if not isinstance(expr, FracElement):
        expr = sp.sympify(expr)
        if expr.is_number:
            s = _sign_number(expr)
            return sp.false if s is None else sp.sympify(_TEST[op](s))
    coeff, f_num, f_den = _parts(expr)
    if coeff == 0:
        return sp.sympify(_TEST[op](0))
    if op not in ("==", "!=") and coeff.is_negative:
        op = _FLIP[op]
    kept: list[sp.Expr] = []
    for f, k in f_num:
        if f.is_positive:
            continue
        if f.is_negative:
            op = _FLIP[op] if k % 2 else op
            continue
        if op in ("==", "!="):  # the sign is irrelevant: P = 0 rather than -P = 0
            kept.append(-f if f.could_extract_minus_sign() else f)
        else:
            kept.append(f ** (2 if k % 2 == 0 else 1))
    if op not in ("==", "!="):
        # Defined only where den != 0: there a nonnegative factor is positive, a
        # nonpositive one negative, an even power positive; any other factor of the
        # divisor multiplies the numerator (num/den and num*den have the same sign).
        for f, k in f_den:
            if k % 2 == 0 or f.is_nonnegative:
                continue
            if f.is_nonpositive:
                op = _FLIP[op]
                continue
            kept.append(f)
    return _relation(kept, op)


def _sequential(pw: sp.Expr, op: str) -> sp.Basic:
    """``pw op 0`` for a piecewise expression whose guards are not plain relations: each
    piece under its condition and the negations of the conditions before it."""
    pw = sp.piecewise_fold(pw)
    if not isinstance(pw, sp.Piecewise):
        return _rational_condition(pw, op)
    out: list[sp.Basic] = []
    before: list[sp.Basic] = []
    for piece, cond in pw.args:
        if not piece.has(sp.nan):
            out.append(sp.And(cond, *[sp.Not(c) for c in before], _rational_condition(piece, op)))
        before.append(cond)
    return sp.Or(*out)


def sign_condition(expr: sp.Basic | FracElement, op: str) -> sp.Basic:
    """The condition ``expr op 0`` as exact relations in the parameters, or ``true``/``false``.

    Factors of known sign are dropped (a negative one flips the relation); a divisor of
    unknown sign multiplies the numerator instead of dividing it; a piecewise expression
    gives one condition per case, under the case's guard. Exact wherever ``expr`` is
    defined.

    Examples
    --------
    >>> g, d, z = sp.symbols("gamma delta zeta", positive=True)
    >>> sign_condition(z * (g - d), ">")
    delta < gamma
    >>> sign_condition(-z, "<")
    True
    >>> r, k = sp.symbols("r k", real=True)
    >>> b = sp.Symbol("b", real=True)
    >>> sign_condition(r - k / b, ">")
    b*(b*r - k) > 0
    >>> c = sp.Symbol("c", real=True)
    >>> sign_condition(sp.Max(c, 1) - g, ">")
    ((c <= 1) & (gamma < 1)) | ((c > 1) & (c > gamma))
    """
    if op not in _OPS:
        raise ValueError(f"unknown relation {op!r}; allowed: {', '.join(_OPS)}")
    if isinstance(expr, FracElement):
        return _rational_condition(expr, op)
    return _expression_condition(sp.sympify(expr), op)


@lru_cache(maxsize=8192)
def _expression_condition(e: sp.Expr, op: str) -> sp.Basic:
    """:func:`sign_condition` of a sympy expression (cached: the same payoff differences
    recur in dominance, degeneracy and the support enumeration)."""
    if not e.has(sp.Piecewise, sp.Max, sp.Min):
        return _rational_condition(e, op)
    s = split([e])
    by_condition: dict[sp.Basic, list[tuple[bool, ...]]] = {}
    for case in s.cases:
        piece = case.pieces[0]
        if piece.has(sp.nan):
            continue
        cond = _sequential(piece, op) if piece.has(sp.Piecewise) else _rational_condition(piece, op)
        if cond is sp.false:
            continue
        by_condition.setdefault(cond, []).append(case.truths)
    return sp.Or(*[sp.And(s.guard(ts), cond) for cond, ts in by_condition.items()])


# ---------------------------------------------------------------------------------------
# Exact evaluation at a point
# ---------------------------------------------------------------------------------------


def _sign_number(v: sp.Basic) -> int | None:
    """The exact sign of a closed number; ``None`` when it is undefined or not real."""
    if v.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    if isinstance(v, sp.Piecewise):
        for piece, cond in v.args:
            if holds(cond, {}):
                return _sign_number(piece)
        return None
    if v.is_Rational:
        return int(v.p > 0) - int(v.p < 0)
    if v.is_zero:
        return 0
    if v.is_real is False:
        return None
    if v.is_positive:
        return 1
    if v.is_negative:
        return -1
    n = v.evalf(60)
    if n.is_real and n.is_Number and abs(n) > sp.Float("1e-50"):
        return 1 if n > 0 else -1
    if v.equals(0):
        return 0
    return None


def sign_at(expr: sp.Basic, point: Point) -> int | None:
    """The exact sign of ``expr`` at ``point``: -1, 0, 1, or ``None`` where undefined.

    Examples
    --------
    >>> r, b = sp.symbols("r b", real=True)
    >>> sign_at(r - 1 / b, {r: sp.Integer(-1), b: sp.Rational(-1, 2)})
    1
    >>> sign_at(r - 1 / b, {r: sp.Integer(1), b: sp.Integer(0)}) is None
    True
    """
    v = sp.sympify(expr).xreplace(dict(point))
    free = v.free_symbols
    if free:
        raise ValueError(f"no value at the point for {', '.join(sorted(map(str, free)))} in {expr}")
    return _sign_number(v)


def holds(cond: sp.Basic | bool, point: Point) -> bool:
    """Whether a condition holds at an exact point; never undecided.

    Relations are decided by the exact sign of ``lhs - rhs``; a relation between
    undefined values (a vanishing divisor) is false.

    Examples
    --------
    >>> a, c = sp.symbols("a c", real=True)
    >>> holds(sp.And(a > c, sp.Ne(a, 2)), {a: sp.Integer(3), c: sp.Integer(1)})
    True
    >>> holds(sp.Piecewise((c, a < c), (sp.nan, True)) > 0, {a: sp.Integer(2), c: sp.Integer(1)})
    False
    """
    if isinstance(cond, bool):
        return cond
    if isinstance(cond, BooleanAtom):
        return bool(cond)
    if isinstance(cond, Relational):
        s = sign_at(cond.lhs - cond.rhs, point)
        return s is not None and _TEST[_op(cond)](s)
    if isinstance(cond, sp.And):
        return all(holds(c, point) for c in cond.args)
    if isinstance(cond, sp.Or):
        return any(holds(c, point) for c in cond.args)
    if isinstance(cond, sp.Not):
        return not holds(cond.args[0], point)
    if isinstance(cond, BooleanFunction):
        truth = {rel: sp.true if holds(rel, point) else sp.false for rel in cond.atoms(Relational)}
        value = cond.xreplace(truth).xreplace(dict(point))
        if isinstance(value, BooleanAtom):
            return bool(value)
    raise ValueError(f"not a condition: {cond}")


# ---------------------------------------------------------------------------------------
# The sign along one parameter
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stretch:
    """An open stretch ``(lower, upper)`` of one parameter (``None``: unbounded) on which
    an expression has constant ``sign`` (-1, 0, 1; ``None`` where it is undefined), except
    at the isolated ``zeros`` inside it where it touches zero without changing sign."""

    lower: sp.Expr | None
    upper: sp.Expr | None
    sign: int | None
    zeros: tuple[sp.Expr, ...] = ()


def _real(v: sp.Expr) -> sp.Float:
    return sp.Float(v.evalf(40), 40)


def _roots(g: sp.Expr, sym: sp.Symbol) -> tuple[list[sp.Expr], bool]:
    """Real zeros and poles of ``g`` in ``sym``; ``exact`` is False when some were found by
    bracketing and bisection."""
    f = to_fraction(g)
    if f is not None:  # a rational function with rational coefficients: isolate exactly
        out: list[sp.Expr] = []
        for p in (f.numer, f.denom):
            if p.degree() > 0:
                out += list(sp.Poly(p.as_expr(), sym).real_roots())
        return out, True
    num, den = sp.fraction(sp.together(g))
    out = []
    for p in (num, den):
        if sym in p.free_symbols:
            out += _bisected(p, sym)
    return out, False


def _bisected(p: sp.Expr, sym: sp.Symbol, span: float = 1e3, n: int = 4001) -> list[sp.Expr]:
    """Sign changes of ``p`` on a grid over ``[-span, span]``, refined by bisection."""
    f = sp.lambdify(sym, p, modules="mpmath")

    def val(x: float) -> float | None:
        try:
            y = complex(f(x))
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            return None
        return y.real if abs(y.imag) <= 1e-12 * max(1.0, abs(y.real)) else None

    xs = [-span + 2 * span * i / (n - 1) for i in range(n)]
    ys = [val(x) for x in xs]
    out: list[sp.Expr] = []
    for x0, x1, y0, y1 in zip(xs, xs[1:], ys, ys[1:]):
        if y0 is None or y1 is None:
            continue
        if y0 == 0:
            out.append(sp.Float(x0))
            continue
        if y0 * y1 < 0:
            for _ in range(80):
                xm = (x0 + x1) / 2
                ym = val(xm)
                if ym is None or ym == 0:
                    break
                x0, x1, y0 = (x0, xm, y0) if y0 * ym < 0 else (xm, x1, ym)
            out.append(sp.Float((x0 + x1) / 2))
    return out


def rational_between(lo: sp.Expr | None, hi: sp.Expr | None) -> sp.Rational:
    """A simple rational number strictly inside ``(lo, hi)`` (``None``: unbounded).

    Examples
    --------
    >>> rational_between(sp.Integer(0), sp.sqrt(2)), rational_between(None, sp.Integer(-1))
    (1, -2)
    """
    if lo is None and hi is None:
        return sp.Integer(0)
    if lo is None:
        return sp.floor(_real(hi)) - 1
    if hi is None:
        return sp.ceiling(_real(lo)) + 1
    mid = Fraction(str((_real(lo) + _real(hi)) / 2))
    for digits in range(0, 42, 2):
        c = mid.limit_denominator(10**digits)
        q = sp.Rational(c.numerator, c.denominator)
        if bool(lo < q) and bool(q < hi):
            return q
    return sp.Rational(mid.numerator, mid.denominator)


def _poly_at(p: Any, x: Fraction) -> Fraction:
    """A univariate polynomial ring element at a rational point, exactly."""
    total = Fraction(0)
    for (e,), c in p.terms():
        total += Fraction(int(c.numerator), int(c.denominator)) * x**e
    return total


class _Univariate:
    """Exact signs of a (piecewise) rational function of one symbol at rational points,
    through its cases and the numerators and denominators of its pieces and guards."""

    def __init__(self, f: sp.Expr, sym: sp.Symbol) -> None:
        self.f, self.sym = f, sym
        K = fraction_field([sym])
        if f.has(sp.Piecewise):
            s = split([f])
            self.atoms = [(to_fraction(r.lhs - r.rhs, K), _op(r), r) for r in s.atoms]
            self.cases = {c.truths: (to_fraction(c.pieces[0], K), c.pieces[0]) for c in s.cases}
            self.parts = [c.pieces[0] for c in s.cases] + [r.lhs - r.rhs for r in s.atoms]
        else:
            self.atoms, self.cases, self.parts = [], {(): (to_fraction(f, K), f)}, [f]

    def _value(self, frac: Any, expr: sp.Expr, x: Fraction) -> int | None:
        if frac is None:
            return _sign_number(expr.xreplace({self.sym: sp.Rational(x.numerator, x.denominator)}))
        den = _poly_at(frac.denom, x)
        if den == 0:
            return None
        v = _poly_at(frac.numer, x) / den
        return (v > 0) - (v < 0)

    def sign(self, x: sp.Rational) -> int | None:
        q = Fraction(int(x.p), int(x.q))
        truths = []
        for frac, op, rel in self.atoms:
            sg = self._value(frac, rel.lhs - rel.rhs, q)
            truths.append(sg is not None and _TEST[op](sg))
        case = self.cases.get(tuple(truths))
        if case is None:
            return _sign_number(self.f.xreplace({self.sym: x}))
        return self._value(case[0], case[1], q)


def sign_stretches(
    expr: sp.Basic, sym: sp.Symbol, point: Point
) -> tuple[tuple[Stretch, ...], bool]:
    """The sign of ``expr`` along ``sym`` on the whole real line, the other parameters at
    ``point``: stretches of constant sign between consecutive real roots, poles and guard
    boundaries (adjacent stretches of equal sign merged), and whether every root was
    isolated exactly.

    Examples
    --------
    ``r - k/b`` with ``r = -1, k = 1``: positive only between ``b = -1`` and the pole at 0.

    >>> r, k, b = sp.symbols("r k b", real=True)
    >>> st, exact = sign_stretches(r - k / b, b, {r: -1, k: 1})
    >>> [(s.lower, s.upper, s.sign) for s in st], exact
    ([(None, -1, -1), (-1, 0, 1), (0, None, -1)], True)
    """
    others = {k: sp.sympify(v) for k, v in point.items() if k != sym}
    f = normalise(sp.sympify(expr).xreplace(others))
    free = f.free_symbols - {sym}
    if free:
        raise ValueError(f"no value at the point for {', '.join(sorted(map(str, free)))}")
    if sym not in f.free_symbols:
        return (Stretch(None, None, _sign_number(f)),), True
    u = _Univariate(f, sym)
    roots: list[sp.Expr] = []
    exact = True
    for g in u.parts:
        if sym in g.free_symbols:
            rs, ok = _roots(g, sym)
            roots += rs
            exact &= ok
    ordered: list[sp.Expr] = []
    for r in sorted(roots, key=_real):
        if ordered and abs(_real(r) - _real(ordered[-1])) <= sp.Float("1e-30"):
            continue
        ordered.append(r)
    bounds: list[sp.Expr | None] = [None, *ordered, None]
    stretches: list[Stretch] = []
    for lo, hi in zip(bounds, bounds[1:]):
        sg = u.sign(rational_between(lo, hi))
        if stretches and stretches[-1].sign == sg:
            last = stretches[-1]
            assert lo is not None
            at = u.sign(lo) if lo.is_Rational else _sign_number(f.xreplace({sym: lo}))
            zeros = (*last.zeros, lo) if at == 0 and sg != 0 else last.zeros
            stretches[-1] = Stretch(last.lower, hi, sg, zeros)
        else:
            stretches.append(Stretch(lo, hi, sg))
    return tuple(stretches), exact
