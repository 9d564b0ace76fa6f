"""Equilibria of a game of identical members with two actions, from the gain ``D(k)``.

Let ``D(k) = u_first(k) - u_second(k)`` be a member's gain from the first action when
``k`` of the other ``n - 1`` members take it (:mod:`theory.population`).

* A *pure* equilibrium is a count ``K`` of members taking the first action from which
  no member wants to switch: ``K = 0`` or ``D(K - 1) >= 0``, and ``K = n`` or
  ``D(K) <= 0``.
* A *symmetric mixed* equilibrium is a probability ``p`` in ``(0, 1)`` with which every
  member takes the first action, making each indifferent:
  ``E[D(k)] = 0`` for ``k ~ Binomial(n - 1, p)`` (Hofbauer and Sigmund 1998, ch. 6;
  Diekmann 1985 for the volunteer's dilemma).

``D(k)`` is a piecewise function of the count. Its pieces are split at the counts named
in its conditions (``k >= 1``...): below them ``D`` is taken value by value, above them it
is one expression ``g(k)``. When ``g`` is a polynomial in ``k`` its expectation follows
from the binomial factorial moments ``E[k (k-1) ... (k-r+1)] = (n-1)(n-2)...(n-r) p^r``,
and each special count ``s`` adds ``(D(s) - g(s)) C(n-1, s) p^s (1-p)^(n-1-s)``. The
indifference equation is then solved for ``p`` in closed form when its shape allows; when
it does not, the text says so and the roots are found at the point: exactly for a
polynomial of moderate degree, numerically (and marked so) beyond.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp

from theory.candidates import Candidate, clean
from theory.conditions import sign_condition
from theory.population import PopulationGame

#: The largest count named in a condition that the piecewise split handles.
MAX_SPECIAL = 200
#: The largest member count whose indifference polynomial is solved exactly.
EXACT_DEGREE = 60

P = sp.Symbol("p", positive=True)

#: The count of a pure candidate that holds for any count above the special ones.
K_ANY = sp.Symbol("K", integer=True, positive=True)


@dataclass(frozen=True, eq=False)
class Gain:
    """``D(k)`` split into special counts ``0 .. last`` and one expression above them."""

    k: sp.Symbol
    special: tuple[sp.Expr, ...]  # D(0), ..., D(last)
    generic: sp.Expr  # D(k) for k > last

    @property
    def last(self) -> int:
        return len(self.special) - 1

    def at(self, k: int) -> sp.Expr:
        return self.special[k] if k <= self.last else self.generic.subs(self.k, k)


def _boundaries(D: sp.Expr, k: sp.Symbol) -> list[int] | None:
    """The counts at which a condition of ``D`` on ``k`` can change, or ``None`` when a
    condition compares ``k`` with a parameter."""
    out = {0}
    for rel in D.atoms(sp.Rel):
        if k not in rel.free_symbols:
            continue
        diff = sp.expand(rel.lhs - rel.rhs)
        if not diff.is_polynomial(k) or sp.degree(diff, k) != 1:
            return None
        coef = diff.coeff(k, 1)
        const = diff.coeff(k, 0)
        if not (coef.is_number and const.is_number):
            return None
        b = -const / coef
        out.update({int(sp.floor(b)), int(sp.ceiling(b))})
    return sorted(x for x in out if x >= 0)


def split_gain(game: PopulationGame) -> Gain | None:
    """Split ``D(k)`` into special counts and a generic expression, or ``None``.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.population import population_game
    >>> g = split_gain(population_game(get_model("volunteers")))
    >>> g.special, g.generic
    ((benefit - cost, -cost), -cost)
    """
    D = game.gain()
    k = game.k
    bounds = _boundaries(D, k)
    if bounds is None or max(bounds) > MAX_SPECIAL:
        return None
    last = max(bounds)
    # boundaries b make conditions change between floor(b) and ceil(b): values up to the
    # largest boundary are taken one by one; above it one expression holds
    special = tuple(sp.piecewise_fold(D.subs(k, s)) for s in range(last + 1))
    j = sp.Symbol("j", integer=True, nonnegative=True)
    above = sp.piecewise_fold(D.subs(k, last + 1 + j))
    if any(j in rel.free_symbols for rel in above.atoms(sp.Rel)):
        return None
    generic = sp.expand(above.subs(j, k - last - 1))
    if any(k in rel.free_symbols for rel in generic.atoms(sp.Rel)):
        return None
    return Gain(k, special, generic)


def _falling(x: sp.Expr, r: int) -> sp.Expr:
    return sp.Mul(*[x - i for i in range(r)]) if r else sp.Integer(1)


def expected_gain(game: PopulationGame, gain: Gain | None = None) -> sp.Expr | None:
    """``E[D(k)]`` for ``k ~ Binomial(members - 1, p)`` in closed form, or ``None``.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.population import population_game
    >>> expected_gain(population_game(get_model("volunteers")))
    benefit*(1 - p)**(members - 1) - cost
    """
    gain = gain or split_gain(game)
    if gain is None:
        return None
    n1 = game.size - 1
    g = gain.generic
    if not g.is_polynomial(gain.k):
        return None
    poly = sp.Poly(g, gain.k)
    mean = sp.Integer(0)
    for (r,), a in poly.terms():
        # k^r = sum_j S(r, j) k(k-1)...(k-j+1); E[falling_j] = (n-1)_j p^j
        mean += a * sum(
            sp.functions.combinatorial.numbers.stirling(r, j) * _falling(n1, j) * P**j
            for j in range(r + 1)
        )
    for s, value in enumerate(gain.special):
        correction = sp.expand(value - g.subs(gain.k, s))
        if correction != 0:
            mean += correction * sp.binomial(n1, s) * P**s * (1 - P) ** (n1 - s)
    return sp.factor_terms(sp.expand(sp.powsimp(mean)))


@dataclass(frozen=True)
class Root:
    """A root of the indifference condition and the conditions that put it in (0, 1)."""

    value: sp.Expr
    conditions: list[sp.Basic]


def _solve_closed(f: sp.Expr, game: PopulationGame) -> tuple[list[Root], str]:
    """Roots in ``p`` of simple shapes: a polynomial of degree <= 2, or ``A + B x^e`` with
    ``x`` one of ``p``, ``1 - p`` (any exponent, the member count included)."""
    f = sp.expand(f)
    if f.is_polynomial(P):
        try:
            deg = sp.degree(f, P)
        except sp.PolynomialError:
            deg = None
        if deg is not None and deg.is_number and deg <= 2:
            roots = [sp.factor(r) for r in sp.solve(f, P)]
            return [
                Root(r, [sign_condition(r, ">"), sign_condition(1 - r, ">")]) for r in roots
            ], "polynomial of degree <= 2"
    for base in (1 - P, P):
        powers = [t for t in f.atoms(sp.Pow) if t.base == base]
        if len(powers) != 1:
            continue
        (pw,) = powers
        x = sp.Dummy("x", positive=True)
        h = sp.expand(f.subs(pw, x))
        if P in h.free_symbols or not h.is_polynomial(x) or sp.degree(h, x) != 1:
            continue
        A, B = h.coeff(x, 0), h.coeff(x, 1)
        ratio = sp.factor(-A / B)
        if not _positive_given_bounds(pw.exp, game):
            continue
        # x^e = ratio with e > 0: x is in (0, 1) exactly when ratio is
        root = ratio ** (1 / pw.exp)
        sol = 1 - root if base == 1 - P else root
        conds = [sign_condition(ratio, ">"), sign_condition(ratio - 1, "<")]
        return [Root(sol, conds)], f"A + B ({base})^e solved for p"
    return [], "no closed form (the indifference condition is not of a solvable shape)"


def _positive_given_bounds(expr: sp.Expr, game: PopulationGame) -> bool:
    """Whether ``expr`` is positive for every member count the model allows (the count
    written as its lower bound plus a non-negative integer)."""
    q = game.model.parameter(game.size.name)
    j = sp.Symbol("j", integer=True, nonnegative=True)
    return bool(sp.sympify(expr).subs(game.size, int(Fraction(q.lower or "2")) + j).is_positive)


def symmetric_candidates(game: PopulationGame) -> list[Candidate]:
    """The symmetric mixed equilibrium in closed form with its existence conditions, or a
    candidate that says why there is no closed form.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.population import population_game
    >>> (c,) = symmetric_candidates(population_game(get_model("volunteers")))
    >>> c.strategies[0][0], c.conditions
    (1 - (cost/benefit)**(1/(members - 1)), (cost < benefit,))
    """
    gain = split_gain(game)
    f = expected_gain(game, gain)
    a0, a1 = game.actions
    if f is None:
        return [
            Candidate(
                "symmetric mixed",
                "symmetric",
                ((sp.Symbol("p"), 1 - sp.Symbol("p")),),
                (),
                "no closed form: D(k) is not piecewise polynomial in k with constant "
                "breakpoints; solved at the point",
            )
        ]
    roots, how = _solve_closed(f, game)
    out = []
    for root in roots:
        r = root.value
        cleaned = clean(root.conditions)
        if cleaned is None or r.is_real is False:
            continue
        out.append(
            Candidate(
                "symmetric mixed",
                "symmetric",
                ((r, 1 - r),),
                cleaned,
                f"E[D(k)] = {sp.sstr(f)} = 0 ({how}); P({a0}) = p, P({a1}) = 1 - p",
            )
        )
    if not roots:
        out.append(
            Candidate(
                "symmetric mixed",
                "symmetric",
                ((sp.Symbol("p"), 1 - sp.Symbol("p")),),
                (),
                f"E[D(k)] = {sp.sstr(f)} = 0 has {how}; solved at the point",
            )
        )
    return out


def count_candidates(game: PopulationGame) -> list[Candidate]:
    """The pure equilibria as counts ``K`` of members taking the first action, each with
    its conditions (no member wants to switch).

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.population import population_game
    >>> game = population_game(get_model("volunteers"))
    >>> [(c.label, c.conditions) for c in count_candidates(game)]
    [('0 verify', (benefit <= cost,)), ('1 verify', (benefit >= cost,))]
    """
    gain = split_gain(game)
    if gain is None:
        return []
    n = game.size
    a0, a1 = game.actions
    out = []

    def add(K: sp.Expr, conds: list[sp.Basic], label: str) -> None:
        cleaned = clean(conds)
        if cleaned is None:
            return
        share = K / n
        out.append(Candidate(label, "pure", ((share, 1 - share),), cleaned))

    out_first = [sign_condition(gain.at(0), "<=")]
    add(sp.Integer(0), out_first, f"0 {a0}")
    for K in range(1, gain.last + 2):
        conds = [sign_condition(gain.at(K - 1), ">=")]
        # K = n is possible only when the member count allows it; D(K) is then unused
        conds.append(sign_condition(gain.at(K), "<="))
        add(sp.Integer(K), conds, f"{K} {a0}")
    Ks = K_ANY
    g = gain.generic
    if gain.last + 2 <= 10**6:
        generic = [
            sign_condition(g.subs(gain.k, Ks - 1), ">="),
            sign_condition(g.subs(gain.k, Ks), "<="),
        ]
        add(Ks, generic, f"K {a0} (any K from {gain.last + 2} to members - 1)")
    add(n, [sign_condition(g.subs(gain.k, n - 1), ">=")], f"all {a0}")
    return out


@dataclass(frozen=True)
class PointEquilibria:
    """The equilibria of a population game at a point, exactly where possible."""

    members: int
    counts: tuple[tuple[int, int], ...]  # ranges (first K, last K) of pure count equilibria
    symmetric: tuple[sp.Expr, ...]  # P(first action) of each symmetric mixed equilibrium
    exact: bool  # False when a symmetric root was found numerically
    how: str


def _gain_values(game: PopulationGame, gain: Gain | None, values: Mapping[str, object], n: int):
    """``D(k)`` for ``k = 0 .. n - 1`` on fractions: the special counts as they are, the
    generic gain (a rational function of ``k`` at the point) by Horner's rule on its
    numerator and denominator, anything else by exact substitution."""
    sub = game.substitution(values)
    if gain is None:
        D = game.gain().subs(sub)
        return [_exact(D.subs(game.k, j), game.k, j) for j in range(n)]
    special = [_exact(v.subs(sub), game.k, j) for j, v in enumerate(gain.special)]
    generic = sp.together(sp.expand(gain.generic.subs(sub)))
    num, den = sp.fraction(generic)
    try:
        top = [Fraction(str(sp.Rational(c))) for c in sp.Poly(num, gain.k).all_coeffs()]
        bottom = [Fraction(str(sp.Rational(c))) for c in sp.Poly(den, gain.k).all_coeffs()]
    except (sp.PolynomialError, TypeError, ValueError):
        top = bottom = []

    def horner(coeffs: list[Fraction], j: int) -> Fraction:
        acc = Fraction(0)
        for c in coeffs:
            acc = acc * j + c
        return acc

    def at(j: int) -> Fraction:
        if j < len(special):
            return special[j]
        if not top:
            return _exact(generic.subs(gain.k, j), gain.k, j)
        d = horner(bottom, j)
        if d == 0:
            raise ValueError(
                f"a member's gain {sp.sstr(gain.generic)} divides by zero when {j} other "
                "members take the first action"
            )
        return horner(top, j) / d

    return [at(j) for j in range(n)]


def _exact(value: sp.Expr, k: sp.Symbol, j: int) -> Fraction:
    """A gain at the point as a fraction, or one clear error."""
    try:
        return Fraction(str(sp.Rational(value)))
    except (TypeError, ValueError):
        raise ValueError(
            f"a member's gain has no exact value when {j} other members take the first "
            f"action: {sp.sstr(value)}"
        ) from None


def equilibria_at(game: PopulationGame, values: Mapping[str, object]) -> PointEquilibria:
    """Pure count equilibria and symmetric mixed equilibria at a point.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.population import population_game
    >>> e = equilibria_at(population_game(get_model("volunteers")), {"members": 5,
    ...                   "benefit": 2, "cost": 1})
    >>> e.counts, [sp.nsimplify(s) for s in e.symmetric], e.exact
    (((1, 1),), [1 - 2**(3/4)/2], True)
    """
    n = game.members(values)
    gain = split_gain(game)
    D = _gain_values(game, gain, values, n)
    ks = [K for K in range(n + 1) if (K == 0 or D[K - 1] >= 0) and (K == n or D[K] <= 0)]
    ranges: list[tuple[int, int]] = []
    for K in ks:
        if ranges and ranges[-1][1] == K - 1:
            ranges[-1] = (ranges[-1][0], K)
        else:
            ranges.append((K, K))
    sub = game.substitution(values)
    sym: list[sp.Expr] = []
    exact = True
    how = ""
    closed = [c for c in symmetric_candidates(game) if c.strategies[0][0] != sp.Symbol("p")]
    if closed:
        for c in closed:
            if c.exists_at(sub):
                sym.append(sp.sympify(c.strategies[0][0]).subs(sub))
        how = "closed form"
    else:
        # the Bernstein polynomials are a basis: the indifference polynomial is zero
        # exactly when every D(k) is
        if not any(D):
            how = "every p: the members are indifferent whatever the others do"
        elif n - 1 <= EXACT_DEGREE:
            f = sum(D[j] * sp.binomial(n - 1, j) * P**j * (1 - P) ** (n - 1 - j) for j in range(n))
            poly = sp.Poly(sp.expand(f), P)
            sym = [r for r in poly.real_roots() if 0 < r < 1]
            how = "exact real roots of the indifference polynomial"
        else:
            sym = _numeric_roots(D, n)
            exact = False
            how = f"numeric roots (degree {n - 1} polynomial), 30 digits"
    return PointEquilibria(n, tuple(ranges), tuple(sym), exact, how)


def _numeric_roots(D: list[Fraction], n: int) -> list[sp.Expr]:
    """Roots in (0, 1) of ``f(p) = sum_k D[k] C(n-1, k) p^k (1-p)^(n-1-k)``.

    With ``r = p / (1 - p)``, ``f = (1-p)^(n-1) g(r)`` for the polynomial
    ``g(r) = sum_k c_k r^k``, ``c_k = D[k] C(n-1, k)``: its positive roots lie between
    Cauchy's bounds (Cauchy 1829; for the smallest, the bound of the reversed polynomial),
    and there are at most as many as ``D`` changes sign (Descartes' rule of signs). The
    sign of ``g`` is read in float64 on a grid of ``log r`` between the bounds with every
    term scaled by the largest (so nothing overflows, however many members), every
    bracket is narrowed by bisection in ``log r`` and the root is then refined in
    30-digit arithmetic (mpmath's bracketing Anderson-Bjorck solver) on the exact
    coefficients. A root closer to 0 or 1 than any fixed grid is found all the same.
    """
    import numpy as np

    ks = np.array([k for k in range(n) if D[k] != 0])
    if ks.size < 2:
        return []  # one non-zero term: g has no positive root
    sign = np.array([1.0 if D[k] > 0 else -1.0 for k in ks])
    log_binom = np.array([math.lgamma(n) - math.lgamma(k + 1) - math.lgamma(n - k) for k in ks])
    log_c = log_binom + np.array(
        [math.log(abs(D[k].numerator)) - math.log(D[k].denominator) for k in ks]
    )

    rows = max(1, 2**21 // ks.size)  # grid points per block: about 16 MiB of terms

    def signs(x: np.ndarray) -> np.ndarray:
        out = np.empty(x.shape)
        for lo in range(0, x.size, rows):
            terms = log_c[None, :] + ks[None, :] * x[lo : lo + rows, None]
            top = terms.max(axis=1, keepdims=True)
            out[lo : lo + rows] = (sign[None, :] * np.exp(terms - top)).sum(axis=1)
        return np.sign(out)

    # Cauchy: a positive root has log r below log(1 + max |c_k / c_top|), and above
    # minus the same bound of the reversed polynomial
    upper = math.log(2.0) + max(0.0, float((log_c[:-1] - log_c[-1]).max()))
    lower = -math.log(2.0) - max(0.0, float((log_c[1:] - log_c[0]).max()))
    lower -= 1.0 / max(1, ks[-1] - ks[0])  # the bounds are strict; stay inside them
    upper += 1.0 / max(1, ks[-1] - ks[0])
    changes = int(np.count_nonzero(np.diff(sign) != 0))
    grid = np.linspace(lower, upper, 1024)
    values = signs(grid)
    while True:
        brackets = [
            (grid[i], grid[i + 1])
            for i in range(grid.size - 1)
            if values[i] == 0 or values[i] * values[i + 1] < 0
        ]
        # Descartes: the number of roots has the parity of the sign changes
        if (changes - len(brackets)) % 2 == 0 or grid.size > 2**16:
            break
        grid = np.linspace(lower, upper, 2 * grid.size)
        values = signs(grid)
    mpmath.mp.dps = 30
    coeffs = [mpmath.mpf(0)] * n
    binom = mpmath.mpf(1)
    for j, d in enumerate(D):
        coeffs[j] = mpmath.mpf(d.numerator) / d.denominator * binom
        binom = binom * (n - 1 - j) / (j + 1)

    def f(p: mpmath.mpf) -> mpmath.mpf:  # (1 - p)^(n-1) g(p / (1 - p)), by Horner in r
        q = 1 - p
        r = p / q
        acc = mpmath.mpf(0)
        for c in reversed(coeffs):
            acc = acc * r + c
        return acc * q ** (n - 1)

    roots = []
    for a, b in brackets:
        sa = signs(np.array([a]))[0]
        for _ in range(60):  # bisection in log r, to float precision
            mid = 0.5 * (a + b)
            sm = signs(np.array([mid]))[0]
            if sm == 0:
                a = b = mid
                break
            if sm == sa:
                a = mid
            else:
                b = mid
        lo = 1 / (1 + mpmath.exp(-mpmath.mpf(a)))
        hi = 1 / (1 + mpmath.exp(-mpmath.mpf(b)))
        if f(lo) == 0 or lo == hi:
            roots.append(lo)
            continue
        try:
            roots.append(mpmath.findroot(f, (lo, hi), solver="anderson"))
        except (ValueError, ZeroDivisionError):  # the float bracket was off by rounding
            roots.append((lo + hi) / 2)
    return [sp.Float(str(r), 30) for r in roots]
