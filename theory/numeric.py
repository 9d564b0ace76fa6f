"""Numeric equilibria at a parameter point with nashpy, each verified by its regret.

Three of nashpy's algorithms (Knight and Campbell, "Nashpy: a Python library for the
computation of Nash equilibria", JOSS 2018) are run on the float payoff matrices:

* support enumeration (warnings about degeneracy are kept, not silenced);
* vertex enumeration on payoffs translated to be strictly positive (nashpy 0.0.43 shifts
  only until the minimum is 0 and then misses equilibria, docs/domain.md section 5);
* Lemke-Howson from every initial label, as a cross-check.

Every profile found is kept only if both players' regret (the best deviation payoff minus
the equilibrium payoff) is at most ``tol``; duplicates within ``tol`` are merged and the
methods that found each are recorded.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import nashpy as nash
import numpy as np


@dataclass(frozen=True)
class NumericEquilibrium:
    """A float equilibrium with the methods that found it and its regret."""

    row: tuple[float, ...]
    col: tuple[float, ...]
    regret: float
    methods: tuple[str, ...]


@dataclass(frozen=True)
class NumericResult:
    equilibria: tuple[NumericEquilibrium, ...]
    tol: float
    warnings: tuple[str, ...] = field(default_factory=tuple)
    rejected: int = 0  # profiles returned by nashpy whose regret exceeded tol


def regret(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """The larger of the two players' regrets at ``(x, y)``.

    Examples
    --------
    >>> A = np.array([[1., -1.], [-1., 1.]])
    >>> regret(A, -A, np.array([.5, .5]), np.array([.5, .5]))
    0.0
    >>> regret(A, -A, np.array([1., 0.]), np.array([1., 0.]))
    2.0
    """
    ra = float(np.max(A @ y) - x @ A @ y)
    rb = float(np.max(x @ B) - x @ B @ y)
    return max(ra, rb, 0.0)


def _candidates(
    A: np.ndarray, B: np.ndarray
) -> tuple[list[tuple[str, np.ndarray, np.ndarray]], list[str]]:
    out: list[tuple[str, np.ndarray, np.ndarray]] = []
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        for x, y in nash.Game(A, B).support_enumeration():
            out.append(("support_enumeration", np.asarray(x), np.asarray(y)))
        caught += [f"support_enumeration: {m.message}" for m in w]
    shift = 1.0 - min(A.min(), B.min())
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        for x, y in nash.Game(A + shift, B + shift).vertex_enumeration():
            out.append(("vertex_enumeration", np.asarray(x), np.asarray(y)))
        caught += [f"vertex_enumeration: {m.message}" for m in w]
    m, n = A.shape
    for label in range(m + n):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                x, y = nash.Game(A + shift, B + shift).lemke_howson(initial_dropped_label=label)
            except Exception as exc:  # nashpy raises on some degenerate games
                caught.append(f"lemke_howson label {label}: {exc}")
                continue
            if np.all(np.isfinite(x)) and np.all(np.isfinite(y)) and x.shape == (m,):
                out.append((f"lemke_howson[{label}]", np.asarray(x), np.asarray(y)))
            caught += [f"lemke_howson label {label}: {m_.message}" for m_ in w]
    return out, sorted(set(caught))


def numeric_equilibria(A: np.ndarray, B: np.ndarray, tol: float = 1e-9) -> NumericResult:
    """All equilibria nashpy finds at a point, verified and merged.

    Examples
    --------
    >>> A = np.array([[1., -1.], [-3., 0.]]); B = np.array([[-4., 0.], [1., 0.]])
    >>> r = numeric_equilibria(A, B)
    >>> [(e.row, e.col) for e in r.equilibria]
    [((0.2, 0.8), (0.2, 0.8))]
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    scale = max(1.0, float(np.max(np.abs(A))), float(np.max(np.abs(B))))
    atol = tol * scale
    merged: list[tuple[np.ndarray, np.ndarray, float, list[str]]] = []
    cands, caught = _candidates(A, B)
    rejected = 0
    for method, x, y in cands:
        r = regret(A, B, x, y)
        if not r <= atol:
            rejected += 1
            continue
        for entry in merged:
            if np.allclose(entry[0], x, atol=1e-7) and np.allclose(entry[1], y, atol=1e-7):
                if method not in entry[3]:
                    entry[3].append(method)
                break
        else:
            merged.append((x, y, r, [method]))
    merged.sort(key=lambda e: (tuple(-e[0]), tuple(-e[1])))
    eqs = tuple(
        NumericEquilibrium(
            tuple(float(round(v, 12)) for v in x),
            tuple(float(round(v, 12)) for v in y),
            r,
            tuple(ms),
        )
        for x, y, r, ms in merged
    )
    return NumericResult(eqs, tol, tuple(caught), rejected)
