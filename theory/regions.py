"""Regime maps: which equilibria exist where, over a grid of two parameters, vectorised.

Every symbolic equilibrium's existence conditions (:mod:`theory.equilibria`) are compiled
once with ``lambdify`` in the two axis parameters (the others fixed at the point) and
evaluated on the whole grid at once; the regime of a cell is the set of equilibria whose
conditions hold there, and a cell on a degenerate locus (an equation, widened by a
relative tolerance of 1e-9 on the float grid; ``True`` where a player is indifferent
everywhere) is flagged. The maps are checked against the exact point analysis and
nashpy at sampled cells in the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from theory.equilibria import SymbolicEquilibrium, analyse_symbolic
from theory.model import Model
from theory.payoffs import stage_game


@dataclass(frozen=True)
class RegimeGrid:
    """Regime codes on a grid: ``codes[i, j]`` for ``y[i]``, ``x[j]``; bit ``k`` of a code
    is set where the symbolic equilibrium ``k`` exists; ``names`` maps codes to regimes."""

    x_name: str
    y_name: str
    x: np.ndarray
    y: np.ndarray
    codes: np.ndarray
    degenerate: np.ndarray
    names: dict[int, str]
    point: tuple[float, float]

    def regime_at(self, i: int, j: int) -> str:
        name = self.names[int(self.codes[i, j])]
        return f"degenerate: {name}" if self.degenerate[i, j] else name


def _name(eqs: list[SymbolicEquilibrium], actions: tuple[tuple[str, ...], ...]) -> str:
    pure = sorted((e.row_support[0], e.col_support[0]) for e in eqs if e.kind == "pure")
    mixed = sum(e.kind == "mixed" for e in eqs)
    parts = [f"({actions[0][i]}, {actions[1][j]})" for i, j in pure]
    parts += ["mixed"] if mixed == 1 else ([f"{mixed} mixed"] if mixed else [])
    return " + ".join(parts) if parts else "none"


def _compile(expr: sp.Basic, *args: sp.Symbol) -> Callable[..., Any]:
    return sp.lambdify(args, expr, modules="numpy")


_TOL = sp.Symbol("_tolerance", positive=True)


def _near(locus: sp.Basic) -> sp.Basic:
    """A locus with each equation ``a = b`` widened to ``|a - b| <= tolerance``, so that
    it can be found on a float grid."""
    return locus.replace(
        lambda e: isinstance(e, sp.Eq), lambda e: sp.Le(sp.Abs(e.lhs - e.rhs), _TOL)
    )


def axis_grid(x_values: np.ndarray, y_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The grid's ``(X, Y)`` arrays, rows along ``y``."""
    return np.meshgrid(np.asarray(x_values, float), np.asarray(y_values, float))


def point_on_axes(values: Mapping[str, object], x_name: str, y_name: str) -> tuple[float, float]:
    """Where the point lies on the map's two axes."""
    return float(Fraction(str(values[x_name]))), float(Fraction(str(values[y_name])))


def fixed_values(model: Model, values: Mapping[str, object], axes: tuple[str, ...]) -> dict:
    """The symbols of every parameter but the axes, with their exact values."""
    return {
        model.symbols[k]: sp.Rational(str(Fraction(str(v))))
        for k, v in values.items()
        if k not in axes and k in model.symbols
    }


def _on_grid(
    cond: sp.Basic,
    xs: sp.Symbol,
    ys: sp.Symbol,
    X: np.ndarray,
    Y: np.ndarray,
    tol: np.ndarray | None = None,
) -> np.ndarray:
    """Where a condition holds on the grid (``True``/``False`` conditions included)."""
    if cond in (sp.true, True):
        return np.ones(X.shape, dtype=bool)
    if cond in (sp.false, False):
        return np.zeros(X.shape, dtype=bool)
    if tol is None:
        val = _compile(cond, xs, ys)(X, Y)
    else:
        val = _compile(cond, xs, ys, _TOL)(X, Y, tol)
    return np.broadcast_to(np.asarray(val, dtype=bool), X.shape)


def regime_grid(
    model: Model,
    values: Mapping[str, object],
    x_name: str,
    x_values: np.ndarray,
    y_name: str,
    y_values: np.ndarray,
) -> RegimeGrid:
    """Evaluate every equilibrium's existence conditions over a grid.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("inspection")
    >>> g = regime_grid(m, m.defaults(), "P", np.array([1.0, 2.0]), "C", np.array([1.0, 9.0]))
    >>> [g.regime_at(i, 0) for i in range(2)]
    ['mixed', '(skip, cheat)']
    """
    game = stage_game(model)
    sym = analyse_symbolic(game)
    xs, ys = model.symbols[x_name], model.symbols[y_name]
    fixed = fixed_values(model, values, (x_name, y_name))
    X, Y = axis_grid(x_values, y_values)
    codes = np.zeros(X.shape, dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k, e in enumerate(sym.equilibria):
            ok = np.ones(X.shape, dtype=bool)
            for c in e.conditions:
                ok &= _on_grid(sp.sympify(c).xreplace(fixed), xs, ys, X, Y)
            codes |= ok.astype(np.int64) << k
        degenerate = np.zeros(X.shape, dtype=bool)
        tol = 1e-9 * np.maximum(1.0, np.abs(X) + np.abs(Y))
        for locus in sym.degenerate_loci:
            degenerate |= _on_grid(_near(sp.sympify(locus).xreplace(fixed)), xs, ys, X, Y, tol)
    names = {}
    for code in np.unique(codes):
        eqs = [e for k, e in enumerate(sym.equilibria) if int(code) >> k & 1]
        names[int(code)] = _name(eqs, game.actions)
    point = point_on_axes(values, x_name, y_name)
    return RegimeGrid(
        x_name,
        y_name,
        np.asarray(x_values, float),
        np.asarray(y_values, float),
        codes,
        degenerate,
        names,
        point,
    )


def axis_range(
    model: Model,
    name: str,
    values: Mapping[str, object],
    n: int,
    thresholds: list[float] | None = None,
) -> np.ndarray:
    """A sensible grid for one parameter: from its lower bound to three times its value
    (or past every threshold), inside its bounds."""
    q = model.parameter(name)
    v = float(Fraction(str(values[name])))
    hi = max([3 * v if v > 0 else 1.0] + [1.5 * t for t in thresholds or [] if t > 0])
    if q.upper is not None:  # a bounded parameter (a share, a probability): its whole range
        hi = float(Fraction(q.upper))
    lo = float(Fraction(q.lower)) if q.lower is not None else -hi
    step = (hi - lo) / n
    if q.lower_open or q.lower is None:
        lo += step / 2
    return np.linspace(lo, hi, n)
