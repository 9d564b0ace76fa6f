"""Exact extreme equilibria, degeneracy and equilibrium components of a bimatrix game.

Vertex enumeration of the best-response polytopes in exact rational arithmetic (Avis,
Rosenberg, Savani and von Stengel, "Enumeration of Nash equilibria for two-player games",
Economic Theory 42, 2010; von Stengel, "Computing equilibria for two-person games",
Handbook of Game Theory 3, 2002, section 3). With payoffs shifted to be strictly positive,

    P = {x >= 0 : B^T x <= 1},   Q = {y >= 0 : A y <= 1},

and an extreme equilibrium is a completely labelled pair of nonzero vertices, normalised.
The game is degenerate exactly when a vertex has more tight constraints than its dimension
(the polytopes are not simple). Maximal convex sets of equilibria ("Nash subsets") are the
maximal bicliques of the bipartite graph of extreme equilibria; their extreme points are
the continua reported for degenerate games.

Every number here is a ``fractions.Fraction``: no tolerance is involved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

Vector = tuple[Fraction, ...]
Matrix = Sequence[Sequence[Fraction]]


def _solve(M: list[list[Fraction]], b: list[Fraction]) -> list[Fraction] | None:
    """Gauss-Jordan elimination over the rationals; ``None`` if ``M`` is singular."""
    n = len(M)
    aug = [row[:] + [rhs] for row, rhs in zip(M, b)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if aug[r][col] != 0), None)
        if pivot is None:
            return None
        aug[col], aug[pivot] = aug[pivot], aug[col]
        pv = aug[col][col]
        aug[col] = [v / pv for v in aug[col]]
        for r in range(n):
            if r != col and aug[r][col] != 0:
                f = aug[r][col]
                aug[r] = [a - f * c for a, c in zip(aug[r], aug[col])]
    return [aug[r][n] for r in range(n)]


def _vertices(M: list[list[Fraction]], dim: int) -> list[tuple[Vector, frozenset[int], int]]:
    """Vertices of ``{z in R^dim : z >= 0, M z <= 1}`` with their label sets.

    Labels ``0..dim-1`` are the tight ``z_i >= 0``; ``dim + r`` the tight row ``r`` of
    ``M``. Returns ``(vertex, labels, number of tight constraints)``.
    """
    rows = len(M)
    constraints: list[tuple[list[Fraction], Fraction]] = []
    for i in range(dim):
        constraints.append(([Fraction(int(i == k)) for k in range(dim)], Fraction(0)))
    for r in range(rows):
        constraints.append((list(M[r]), Fraction(1)))
    found: dict[Vector, frozenset[int]] = {}
    for chosen in combinations(range(len(constraints)), dim):
        z = _solve([constraints[c][0] for c in chosen], [constraints[c][1] for c in chosen])
        if z is None or any(v < 0 for v in z):
            continue
        if any(sum(a * v for a, v in zip(M[r], z)) > 1 for r in range(rows)):
            continue
        key = tuple(z)
        if key in found:
            continue
        labels = {i for i in range(dim) if z[i] == 0}
        labels |= {dim + r for r in range(rows) if sum(a * v for a, v in zip(M[r], z)) == 1}
        found[key] = frozenset(labels)
    return [(v, lab, len(lab)) for v, lab in found.items()]


def is_equilibrium(A: Matrix, B: Matrix, x: Sequence[Fraction], y: Sequence[Fraction]) -> bool:
    """Whether ``(x, y)`` is a Nash equilibrium of ``(A, B)``, exactly: both are probability
    vectors and no pure deviation of either player pays more.

    Examples
    --------
    >>> h = Fraction(1, 2)
    >>> is_equilibrium([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], (h, h), (h, h))
    True
    >>> is_equilibrium([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], (1, 0), (1, 0))
    False
    """
    m, n = len(A), len(A[0])
    if len(x) != m or len(y) != n or any(v < 0 for v in (*x, *y)) or sum(x) != 1 or sum(y) != 1:
        return False
    row = [sum(Fraction(A[i][j]) * y[j] for j in range(n)) for i in range(m)]
    col = [sum(Fraction(B[i][j]) * x[i] for i in range(m)) for j in range(n)]
    return max(row) == sum(x[i] * row[i] for i in range(m)) and max(col) == sum(
        y[j] * col[j] for j in range(n)
    )


@dataclass(frozen=True)
class ExactEquilibria:
    """All extreme equilibria of a bimatrix game, its degeneracy and its Nash subsets.

    Attributes
    ----------
    extreme : tuple of (row mix, column mix)
        Every extreme equilibrium, exactly.
    degenerate : bool
        Whether a vertex of a best-response polytope has more tight constraints than its
        dimension.
    components : tuple of (row extreme points, column extreme points)
        The maximal Nash subsets: every pair ``(x, y)`` of convex combinations of the
        listed points is an equilibrium. A subset with more than one point on either side
        is a continuum.
    rejected : tuple of (row mix, column mix)
        Completely labelled pairs that failed the exact best-response check
        (:func:`is_equilibrium`) and were dropped; empty unless the enumeration errs.
    """

    extreme: tuple[tuple[Vector, Vector], ...]
    degenerate: bool
    components: tuple[tuple[tuple[Vector, ...], tuple[Vector, ...]], ...]
    rejected: tuple[tuple[Vector, Vector], ...] = ()

    @property
    def continua(self) -> tuple[tuple[tuple[Vector, ...], tuple[Vector, ...]], ...]:
        return tuple(c for c in self.components if len(c[0]) > 1 or len(c[1]) > 1)


def _normalise(z: Vector) -> Vector:
    total = sum(z)
    return tuple(v / total for v in z)


def _bicliques(
    edges: set[tuple[Vector, Vector]],
) -> list[tuple[tuple[Vector, ...], tuple[Vector, ...]]]:
    xs = sorted({e[0] for e in edges})
    ys = sorted({e[1] for e in edges})
    out = []
    for size in range(1, len(xs) + 1):
        for S in combinations(xs, size):
            common = tuple(y for y in ys if all((x, y) in edges for x in S))
            if not common:
                continue
            closure = tuple(x for x in xs if all((x, y) in edges for y in common))
            if closure == S:
                out.append((S, common))
    return out


def exact_equilibria(A: Matrix, B: Matrix) -> ExactEquilibria:
    """Every extreme equilibrium of the bimatrix game ``(A, B)``, exactly.

    Parameters
    ----------
    A, B : sequences of sequences of numbers convertible to ``Fraction``
        The row and column player's payoffs; ``A[i][j]`` for row action ``i``.

    Examples
    --------
    Matching pennies has one equilibrium:

    >>> r = exact_equilibria([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> [tuple(map(str, x)) + tuple(map(str, y)) for x, y in r.extreme]
    [('1/2', '1/2', '1/2', '1/2')]
    >>> r.degenerate
    False

    A degenerate game with a continuum (the column player is indifferent):

    >>> r = exact_equilibria([[1, 0], [0, 1]], [[0, 0], [0, 0]])
    >>> r.degenerate, len(r.extreme), len(r.continua)
    (True, 4, 3)
    """
    Af = [[Fraction(v) for v in row] for row in A]
    Bf = [[Fraction(v) for v in row] for row in B]
    m, n = len(Af), len(Af[0])
    lo = min(min(min(r) for r in Af), min(min(r) for r in Bf))
    shift = 1 - lo  # strictly positive payoffs
    As = [[v + shift for v in row] for row in Af]
    BsT = [[Bf[i][j] + shift for i in range(m)] for j in range(n)]
    P = _vertices(BsT, m)  # x-vertices: labels 0..m-1 (x_i=0), m+j (column j best)
    Q = _vertices(As, n)  # y-vertices: labels 0..n-1 (y_j=0), n+i (row i best)
    degenerate = any(k > m for _, _, k in P) or any(k > n for _, _, k in Q)
    extreme: list[tuple[Vector, Vector]] = []
    for x, lx, _ in P:
        if all(v == 0 for v in x):
            continue
        for y, ly, _ in Q:
            if all(v == 0 for v in y):
                continue
            # relabel y's labels into the common 0..m+n-1 scheme: row i <-> label i
            ly_common = {(lab - n) if lab >= n else (m + lab) for lab in ly}
            if set(lx) | ly_common == set(range(m + n)):
                extreme.append((_normalise(x), _normalise(y)))
    checked = sorted(e for e in extreme if is_equilibrium(Af, Bf, *e))
    rejected = tuple(e for e in extreme if e not in checked)
    comps = _bicliques(set(checked))
    return ExactEquilibria(tuple(checked), degenerate, tuple(comps), rejected)
