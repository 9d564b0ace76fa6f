"""Regime maps for every kind of model: which equilibria exist over a plane of two
parameters, the others held at the point.

* two players: every symbolic equilibrium's existence conditions on the grid
  (:func:`theory.regions.regime_grid`);
* three or more single players: the payoff of every player at every pure profile, compiled
  once in the two axes, and at every cell the pure profiles where no player gains by a
  unilateral deviation (the conditions of :mod:`theory.pure`, evaluated on the grid);
* a population: the gain ``D(k)`` of the first action with ``k`` others taking it, at every
  count, gives the count equilibria (``K`` members take the first action when
  ``D(K - 1) >= 0`` and ``D(K) <= 0``), and the sign changes of
  ``sum_k D(k) C(n-1, k) p^k (1 - p)^(n-1-k)`` on (0, 1) the symmetric mixed equilibria;
* many rounds: the one-shot-deviation constraints of the model's profile, affine in the
  free parameters, evaluated on the grid; they are right where the mechanisms' comparisons
  go as they did where they were derived (:meth:`theory.rounds.ProfileConditions.derived_at`),
  so the map is derived again at a cell outside, as often as needed (within a budget), and
  a cell is named by the players tempted to deviate there.

Every map is a :class:`theory.regions.RegimeGrid` (codes, names, degenerate cells), drawn
by the same figure. A cell is *degenerate* where a player is indifferent (a payoff
difference, a count's gain or a constraint's slack within a relative ``1e-9`` of zero).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from theory.errors import ModelError, ParameterError
from theory.model import Model
from theory.regions import (
    RegimeGrid,
    axis_grid,
    fixed_values,
    point_on_axes,
    regime_grid,
)

TOL = 1e-9
"""Relative tolerance of a tie on the float grid."""

MAX_DERIVATIONS = 16
"""How many derivations a many-round map may make before leaving cells undecided."""


def default_axes(model: Model) -> tuple[str, str]:
    """The model's regime axes, or its first two game parameters that are not counts
    (for many rounds: that enter the constraints affinely)."""
    if model.regime_axes is not None:
        return model.regime_axes
    if model.many_rounds:
        from theory.rounds import _free_default

        names = list(_free_default(model))
    else:
        names = [
            q.name
            for q in model.parameters
            if q.role == "game" and not q.integer and q.name in model.key_parameters
        ]
    names += [
        q.name
        for q in model.parameters
        if q.role == "game" and not q.integer and q.name not in names
    ]
    if len(names) < 2:
        raise ModelError(
            f"model {model.name}: a regime map needs two continuous game parameters; "
            f"it has {', '.join(names) or 'none'}"
        )
    return names[0], names[1]


def regime_map(
    model: Model,
    values: Mapping[str, object],
    x_name: str,
    x_values: np.ndarray,
    y_name: str,
    y_values: np.ndarray,
    derived: Any = None,
) -> RegimeGrid:
    """The regime map of any model over ``x_name`` x ``y_name``.

    ``derived``: for a many-round model, the profile's conditions already derived at this
    point (:func:`theory.rounds.derive`); used when its free parameters are the two
    axes, instead of deriving them again.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("volunteers")
    >>> g = regime_map(m, m.defaults(), "cost", np.array([1.0, 3.0]), "members",
    ...                np.array([2.0, 5.0]))
    >>> for i in range(2):
    ...     print([g.regime_at(i, j) for j in range(2)])
    ['1 takes verify + symmetric mixed', 'nobody takes verify']
    ['1 takes verify + symmetric mixed', 'nobody takes verify']
    """
    for name in (x_name, y_name):
        q = model.parameter(name)  # raises on an unknown name
        if q.role != "game":
            raise ParameterError(
                f"{name!r} is a policy parameter; a regime map's axes are game parameters"
            )
    if x_name == y_name:
        raise ParameterError(f"the two axes of a regime map must differ, got {x_name!r} twice")
    if model.many_rounds:
        return _rounds_map(model, values, x_name, x_values, y_name, y_values, first=derived)
    if model.populations:
        return _population_map(model, values, x_name, x_values, y_name, y_values)
    if len(model.players) == 2:
        return regime_grid(model, values, x_name, x_values, y_name, y_values)
    return _profiles_map(model, values, x_name, x_values, y_name, y_values)


def _on_grid(expr: sp.Basic, xs: sp.Symbol, ys: sp.Symbol, X: np.ndarray, Y: np.ndarray):
    f = sp.lambdify((xs, ys), expr, modules="numpy")
    with np.errstate(all="ignore"):
        return np.broadcast_to(np.asarray(f(X, Y), dtype=float), X.shape)


def _labelled(
    labels: list[tuple[str, ...]],
    empty: str,
    degenerate: np.ndarray,
    values: Mapping[str, object],
    axes: tuple[str, np.ndarray, str, np.ndarray],
) -> RegimeGrid:
    """The grid of the cells' labels: the distinct sets numbered in order of first
    appearance, each named by its labels joined (``empty`` for none)."""
    names: dict[int, str] = {}
    seen: dict[tuple[str, ...], int] = {}
    codes = np.empty(len(labels), dtype=np.int64)
    for i, lab in enumerate(labels):
        if lab not in seen:
            seen[lab] = len(seen)
            names[seen[lab]] = " + ".join(lab) or empty
        codes[i] = seen[lab]
    x_name, x_values, y_name, y_values = axes
    return RegimeGrid(
        x_name,
        y_name,
        np.asarray(x_values, float),
        np.asarray(y_values, float),
        codes.reshape(np.shape(degenerate)),
        degenerate,
        names,
        point_on_axes(values, x_name, y_name),
    )


# -- three or more single players ---------------------------------------------------------


def _profiles_map(
    model: Model,
    values: Mapping[str, object],
    x_name: str,
    x_values: np.ndarray,
    y_name: str,
    y_values: np.ndarray,
) -> RegimeGrid:
    from theory.payoffs import stage_game
    from theory.pure import profile_label

    game = stage_game(model)
    xs, ys = model.symbols[x_name], model.symbols[y_name]
    fixed = fixed_values(model, values, (x_name, y_name))
    X, Y = axis_grid(x_values, y_values)
    profiles = game.profiles()
    U = {
        (k, prof): _on_grid(sp.sympify(game.entry(k, prof)).xreplace(fixed), xs, ys, X, Y)
        for k in range(game.n_players)
        for prof in profiles
    }
    scale = np.maximum(1.0, np.max([np.abs(u) for u in U.values()], axis=0))
    tol = TOL * scale
    eq = np.zeros((len(profiles),) + X.shape, dtype=bool)
    degenerate = np.zeros(X.shape, dtype=bool)
    for i, prof in enumerate(profiles):
        ok = np.ones(X.shape, dtype=bool)
        for k in range(game.n_players):
            for dev in game.deviations(k, prof):
                gain = U[(k, dev)] - U[(k, prof)]
                ok &= gain <= tol
                degenerate |= np.abs(gain) <= tol
        eq[i] = ok
    flat = eq.reshape(len(profiles), -1).T
    labels = [tuple(profile_label(game, profiles[i]) for i in np.flatnonzero(row)) for row in flat]
    axes = (x_name, x_values, y_name, y_values)
    return _labelled(labels, "no pure equilibrium", degenerate, values, axes)


# -- populations ------------------------------------------------------------------------

P_GRID = 256
"""Points of (0, 1) at which the symmetric indifference condition's sign is read: evenly
spaced, and as many again crowding geometrically toward 0 and 1, where the equilibria of
large populations lie (``p = 1 - (c/b)^(1/(n-1))`` for the volunteers); the ends are the
exact limits ``D(0)`` and ``D(n - 1)``."""


def _population_map(
    model: Model,
    values: Mapping[str, object],
    x_name: str,
    x_values: np.ndarray,
    y_name: str,
    y_values: np.ndarray,
) -> RegimeGrid:
    from theory.population import population_game

    game = population_game(model)
    if len(game.actions) != 2:
        raise ModelError(
            f"model {model.name}: the regime map of a population is drawn for two actions"
        )
    a0 = game.actions[0]
    size = game.size.name
    xs, ys = model.symbols[x_name], model.symbols[y_name]
    fixed = fixed_values(model, values, (x_name, y_name))
    X, Y = axis_grid(x_values, y_values)
    if size in (x_name, y_name):
        N = np.rint(X if size == x_name else Y).astype(np.int64)
        q = model.parameter(size)
        lo = int(Fraction(q.lower)) if q.lower is not None else 2
        if N.min() < max(lo, 2):
            raise ParameterError(f"the member count {size} must be at least {max(lo, 2)}")
    else:
        N = np.full(X.shape, int(Fraction(str(values[size]))), dtype=np.int64)
    n_max = int(N.max())
    k = game.k
    f = sp.lambdify((xs, ys, k), sp.sympify(game.gain()).xreplace(fixed), modules="numpy")
    ks = np.arange(n_max)
    with np.errstate(all="ignore"):
        D = np.broadcast_to(
            np.asarray(f(X[..., None], Y[..., None], ks), dtype=float), X.shape + (n_max,)
        ).copy()
    valid = ks < N[..., None]  # D(k) for k = 0 .. n - 1 others
    scale = np.maximum(1.0, np.nanmax(np.where(valid, np.abs(D), 0.0), axis=-1))
    tol = TOL * scale
    degenerate = np.any(valid & (np.abs(D) <= tol[..., None]), axis=-1)
    # count equilibria: K members take the first action (K = 0 .. n)
    up = np.concatenate([np.ones(X.shape + (1,), bool), D >= -tol[..., None]], axis=-1)
    down = np.concatenate([D <= tol[..., None], np.ones(X.shape + (1,), bool)], axis=-1)
    Ks = np.arange(n_max + 1)
    # D has n_max entries; at K = n the "nobody else switches to the first" test is vacuous
    last = Ks[None, None, :] == N[..., None]
    count_eq = up & (down | last) & (Ks <= N[..., None])
    # symmetric mixed: sign changes of the binomial expectation of D on (0, 1)
    ends = np.geomspace(1e-12, 0.25, P_GRID // 2)
    ps = np.unique(np.concatenate([ends, (np.arange(P_GRID) + 0.5) / P_GRID, 1 - ends]))
    sym = np.zeros(X.shape, dtype=np.int64)
    for n in np.unique(N):
        cells = N == n
        weights = _binomial(int(n) - 1, ps)  # (n, P)
        Dn = D[cells][:, :n]
        E = np.column_stack([Dn[:, 0], Dn @ weights, Dn[:, n - 1]])
        s = np.sign(np.where(np.abs(E) <= tol[cells][:, None], 0.0, E))
        sym[cells] = [_sign_changes(row) for row in s]
    labels = []
    for idx in np.ndindex(X.shape):
        n = int(N[idx])
        found = np.flatnonzero(count_eq[idx][: n + 1]).tolist()
        lab = [_count_text(K, n, a0) for K in _runs(found)]
        m = int(sym[idx])
        if m:
            lab.append("symmetric mixed" if m == 1 else f"{m} symmetric mixed")
        labels.append(tuple(lab))
    axes = (x_name, x_values, y_name, y_values)
    return _labelled(labels, "none", degenerate, values, axes)


def _sign_changes(signs: np.ndarray) -> int:
    nz = signs[signs != 0]
    return int(np.count_nonzero(nz[1:] != nz[:-1]))


def _binomial(m: int, ps: np.ndarray) -> np.ndarray:
    """``C(m, k) p^k (1 - p)^(m - k)`` for ``k = 0 .. m`` (rows) at each ``p`` (columns),
    through logarithms so that a thousand members do not overflow."""
    k = np.arange(m + 1)[:, None]
    log_c = np.array(
        [math.lgamma(m + 1) - math.lgamma(j + 1) - math.lgamma(m - j + 1) for j in range(m + 1)]
    )[:, None]
    return np.exp(log_c + k * np.log(ps)[None, :] + (m - k) * np.log1p(-ps)[None, :])


def _runs(ks: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for K in ks:
        if out and out[-1][1] == K - 1:
            out[-1] = (out[-1][0], K)
        else:
            out.append((K, K))
    return out


def _count_text(span: tuple[int, int], n: int, a0: str) -> str:
    """A count equilibrium named without the member count, so that a map over the count
    keeps one name for one kind of equilibrium."""
    lo, hi = span
    if lo == hi:
        if lo == 0:
            return f"nobody takes {a0}"
        if lo == n:
            return f"all take {a0}"
        return f"{lo} take{'s' if lo == 1 else ''} {a0}"
    return f"{lo} to {'all' if hi == n else hi} take {a0}"


# -- many rounds --------------------------------------------------------------------------


def _rounds_map(
    model: Model,
    values: Mapping[str, object],
    x_name: str,
    x_values: np.ndarray,
    y_name: str,
    y_values: np.ndarray,
    profile: str | None = None,
    first: Any = None,
) -> RegimeGrid:
    from theory.rounds import derive

    X, Y = axis_grid(x_values, y_values)
    pts = np.stack([X, Y], axis=-1)
    full = dict(model.defaults() | model.option_defaults())
    full.update(values)
    name = profile or model.profiles[0].name
    same = first is not None and first.free == (x_name, y_name) and first.profile == name
    pc = first if same else derive(model, full, profile, free=(x_name, y_name))
    if pc.free != (x_name, y_name):
        raise ParameterError(
            f"model {model.name}: the constraints are not affine in "
            f"{', '.join(n for n in (x_name, y_name) if n not in pc.free)}; a regime map "
            f"of many rounds needs axes among {', '.join(_affine(model))}"
        )
    owner = np.full(X.shape, -1, dtype=np.int64)
    derivations = [pc]
    owner[pc.derived_at(pts)] = 0
    while (owner < 0).any() and len(derivations) < MAX_DERIVATIONS:
        i, j = np.argwhere(owner < 0)[0]
        at = dict(full)
        at[x_name] = Fraction(float(X[i, j])).limit_denominator(10**9)
        at[y_name] = Fraction(float(Y[i, j])).limit_denominator(10**9)
        d = derive(model, at, profile, free=(x_name, y_name))
        held = d.derived_at(pts) & (owner < 0)
        held[i, j] = True  # the cell it was derived at, whatever the rounding
        owner[held] = len(derivations)
        derivations.append(d)
    labels: list[tuple[str, ...]] = [()] * X.size
    degenerate = np.zeros(X.shape, dtype=bool)
    flat_owner = owner.reshape(-1)
    flat_pts = pts.reshape(-1, 2)
    for k, d in enumerate(derivations):
        cells = np.flatnonzero(flat_owner == k)
        if not len(cells):
            continue
        S = d.slacks_at(flat_pts[cells])  # (cells, constraints)
        scale = TOL * np.maximum(1.0, d.scale)
        bad = S < -scale
        degenerate.reshape(-1)[cells] = np.any(np.abs(S) <= scale, axis=1)
        names = [c.agent.name for c in d.constraints]
        for row, cell in zip(bad, cells):
            tempted = tuple(dict.fromkeys(names[c] for c in np.flatnonzero(row)))
            labels[cell] = _tempted(tempted)
    for cell in np.flatnonzero(flat_owner < 0):
        labels[cell] = ("not derived (budget)",)
    axes = (x_name, x_values, y_name, y_values)
    return _labelled(labels, f"{pc.profile} is an equilibrium", degenerate, values, axes)


def _tempted(agents: tuple[str, ...]) -> tuple[str, ...]:
    if not agents:
        return ()
    if len(agents) <= 3:
        return (f"{', '.join(agents)} tempted",)
    return (f"{len(agents)} tempted ({agents[0]}, {agents[1]}, ..., {agents[-1]})",)


def _affine(model: Model) -> tuple[str, ...]:
    from theory.rounds import _free_default

    return _free_default(model)
