"""The regime map of a report, for any kind of model: its axes (the model's, or
:func:`theory.maps.default_axes`), a range on each that spans the point and the thresholds
the analysis found, and the map itself (:func:`theory.maps.regime_map`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from theory.maps import default_axes, regime_map
from theory.model import Model
from theory.regions import RegimeGrid, axis_range

MAX_COUNT = 1000
"""The largest member count a report's map reaches (each count's gain is evaluated)."""


def map_axes(
    model: Model,
    values: Mapping[str, object],
    n: int,
    thresholds: Mapping[str, Iterable[float]] | None = None,
) -> tuple[str, np.ndarray, str, np.ndarray]:
    """The two axes and their grids: ``n`` values each, whole numbers for a count."""
    grids: list[np.ndarray] = []
    names = default_axes(model)
    for name in names:
        ts = [float(t) for t in (thresholds or {}).get(name, ()) if t is not None]
        xs = axis_range(model, name, values, n, ts)
        if model.parameter(name).integer:  # a count: whole numbers, spread geometrically
            q = model.parameter(name)
            lo = max(int(Fraction(q.lower)) if q.lower is not None else 0, 1)
            v = int(Fraction(str(values[name])))
            hi = max(10 * v, lo + 10, *[int(1.5 * t) for t in ts if t > 0])
            if q.upper is not None:
                hi = min(hi, int(Fraction(q.upper)))
            hi = min(hi, MAX_COUNT)
            xs = np.unique(np.rint(np.geomspace(lo, max(hi, lo + 1), n)))
        grids.append(np.asarray(xs, dtype=float))
    return names[0], grids[0], names[1], grids[1]


def report_map(
    model: Model,
    values: Mapping[str, object],
    n: int,
    thresholds: Mapping[str, Iterable[float]] | None = None,
    derived: Any = None,
) -> RegimeGrid:
    """The regime map a report shows (``derived``: see :func:`theory.maps.regime_map`)."""
    x_name, xs, y_name, ys = map_axes(model, values, n, thresholds)
    return regime_map(model, values, x_name, xs, y_name, ys, derived)


def threshold_values(switches: Iterable[Any]) -> dict[str, list[float]]:
    """The switching values of an analysis's thresholds, by parameter: where a report's
    map axes should reach.

    Examples
    --------
    >>> from types import SimpleNamespace as T
    >>> threshold_values([T(parameter="c", value=2.0), T(parameter="c", value=None)])
    {'c': [2.0]}
    """
    out: dict[str, list[float]] = {}
    for t in switches:
        if t.value is not None:
            out.setdefault(t.parameter, []).append(float(t.value))
    return out


def map_caption(grid: RegimeGrid) -> str:
    return (
        f"Regime map over {grid.x_name} and {grid.y_name}, the other parameters at the "
        f"point: which equilibria exist in each cell ({len(grid.names)} regime(s))."
    )
