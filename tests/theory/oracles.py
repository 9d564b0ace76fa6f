"""Oracles the theory's answers are held against, independent of the code under test:
pygambit's exact enumeration of a bimatrix game's extreme equilibria (optional: ``gbt``
is ``None`` without pygambit, and only the comparisons that need it skip), and an exact
best-response check on fractions."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

try:
    import pygambit as gbt
except ImportError:  # pragma: no cover - the exact oracle is optional
    gbt = None


def is_best_response_pair(A, B, x, y) -> bool:
    """Exact: no pure deviation of either player pays more (``A``, ``B`` m x n)."""
    m, n = len(A), len(A[0])
    row = [sum(A[i][j] * y[j] for j in range(n)) for i in range(m)]
    col = [sum(B[i][j] * x[i] for i in range(m)) for j in range(n)]
    here_r = sum(x[i] * row[i] for i in range(m))
    here_c = sum(y[j] * col[j] for j in range(n))
    return max(row) == here_r and max(col) == here_c


def gambit_extreme(A, B) -> set:
    """pygambit's extreme equilibria of the bimatrix game, as exact fractions."""
    g = gbt.Game.from_arrays(np.array(A, dtype=object), np.array(B, dtype=object))
    out = set()
    for e in gbt.nash.enummixed_solve(g, rational=True).equilibria:
        x = tuple(Fraction(str(e[s])) for s in list(g.players)[0].strategies)
        y = tuple(Fraction(str(e[s])) for s in list(g.players)[1].strategies)
        out.add((x, y))
    return out
