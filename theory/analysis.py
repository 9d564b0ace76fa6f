"""The analysis of a model at a parameter point: symbolic, exact and numeric, held together.

``analyse(model, values)`` derives the stage game, evaluates every symbolic equilibrium's
existence conditions exactly at the point, enumerates the exact extreme equilibria
(:mod:`theory.vertices`), runs nashpy (:mod:`theory.numeric`) and checks that the three
agree: in a non-degenerate game the symbolic, exact and nashpy sets must be equal; in a
degenerate game the symbolic ones must be among the exact extreme points, every nashpy
profile must have zero regret, and the continua are reported. The result carries its
provenance (methods, tolerance, exactness, degeneracy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from theory.candidates import Candidate
from theory.equilibria import SymbolicAnalysis, SymbolicEquilibrium, analyse_symbolic
from theory.model import Model
from theory.numeric import NumericResult, numeric_equilibria
from theory.payoffs import StageGame, stage_game
from theory.thresholds import Threshold, thresholds
from theory.vertices import ExactEquilibria, Vector, exact_equilibria


@dataclass(frozen=True, eq=False)
class PointEquilibrium:
    """An extreme equilibrium at the point, exactly, with its symbolic closed form when the
    support enumeration produced it."""

    row: Vector
    col: Vector
    symbolic: SymbolicEquilibrium | None
    actions: tuple[tuple[str, ...], ...] = ()

    @property
    def kind(self) -> str:
        pure = sum(v > 0 for v in self.row) == 1 and sum(v > 0 for v in self.col) == 1
        return "pure" if pure else "mixed"

    @property
    def strategies(self) -> tuple[Vector, Vector]:
        """One probability vector per player, in the players' order."""
        return (self.row, self.col)

    @property
    def label(self) -> str:
        """``(a, b)`` for a pure equilibrium, ``mixed`` otherwise."""
        if self.kind == "pure" and self.actions:
            i = next(k for k, v in enumerate(self.row) if v > 0)
            j = next(k for k, v in enumerate(self.col) if v > 0)
            return f"({self.actions[0][i]}, {self.actions[1][j]})"
        return self.kind

    def conditions(self) -> list[str]:
        return [sp.sstr(c) for c in self.symbolic.conditions] if self.symbolic else []


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything ``rosca solve`` reports about a model at one point."""

    model: Model
    values: dict[str, Fraction]
    game: StageGame
    symbolic: SymbolicAnalysis
    exact: ExactEquilibria
    numeric: NumericResult
    equilibria: tuple[PointEquilibrium, ...]
    thresholds: tuple[Threshold, ...]
    agree: bool
    notes: tuple[str, ...]

    kind = "two-player"

    @property
    def players(self) -> list[str]:
        return [pl.name for pl in self.model.players]

    @property
    def actions(self) -> list[list[str]]:
        return [list(pl.actions) for pl in self.model.players]

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        """The support enumeration's candidates in the shape every kind of game shares."""
        acts = self.game.actions
        return tuple(
            Candidate(e.label(acts), e.kind, (e.row, e.col), e.conditions)
            for e in self.symbolic.equilibria
        )

    @property
    def degenerate(self) -> bool:
        return self.exact.degenerate

    @property
    def payoffs_exact(self) -> tuple[sp.Matrix, sp.Matrix]:
        return self.game.at(self.values)

    @property
    def regime(self) -> str:
        return regime_name(self.equilibria, self.game.actions, self.degenerate)

    @property
    def dominant(self) -> list[str]:
        """Strict dominance that holds at the point, in words."""
        from theory.pure import dominance_at

        point = self.game.substitution(self.values)
        return dominance_at(self.symbolic.dominance, self.model.players, point)

    @property
    def provenance(self) -> dict[str, object]:
        return {
            "symbolic": "support enumeration over sympy symbols (equal-size supports)",
            "exact": "vertex enumeration of the best-response polytopes in rationals",
            "numeric": "nashpy support_enumeration, vertex_enumeration (shifted), "
            "lemke_howson (all labels)",
            "tolerance": self.numeric.tol,
            "exact_arithmetic": True,
        }

    def _repr_html_(self) -> str:  # Jupyter's rich display (theory/display.py)
        from theory.display import analysis_html

        return analysis_html(self)

    def _repr_latex_(self) -> str:
        from theory.display import analysis_latex

        return analysis_latex(self)


def regime_name(
    eqs: tuple[PointEquilibrium, ...] | list,
    actions: tuple[tuple[str, ...], ...],
    degenerate: bool,
) -> str:
    """A short name for the set of equilibria, e.g. ``(withhold, cheat)`` or ``mixed``."""
    pure: list[tuple[int, int]] = []
    mixed = 0
    for e in eqs:
        if e.kind == "pure":
            i = next(k for k, v in enumerate(e.row) if v > 0)
            j = next(k for k, v in enumerate(e.col) if v > 0)
            pure.append((i, j))
        else:
            mixed += 1
    parts = [f"({actions[0][i]}, {actions[1][j]})" for i, j in sorted(pure)]
    parts += ["mixed"] * min(mixed, 1) if mixed <= 1 else [f"{mixed} mixed"]
    name = " + ".join(parts) if parts else "none"
    return f"degenerate: {name}" if degenerate else name


def _close(a: Vector, b: tuple[float, ...], tol: float = 1e-6) -> bool:
    return all(abs(float(u) - v) <= tol for u, v in zip(a, b))


def _analyse_other(model: Model, vals: dict[str, Fraction]) -> Any:
    if model.kind == "n-player":
        from theory.nplayer import analyse_nplayer

        return analyse_nplayer(model, vals)
    if model.kind == "population":
        from theory.population_analysis import analyse_population

        return analyse_population(model, vals)
    from theory.design import analyse_rounds

    return analyse_rounds(model, vals)


def exact_values(model: Model, values: Mapping[str, object]) -> dict[str, Any]:
    """Every parameter at the point, as an exact fraction (defaults filled in); options
    as given."""
    out: dict[str, Any] = model.defaults()
    options = {o.name for o in model.options}
    for k, v in values.items():
        if k in options:
            out[k] = v
        else:
            out[k] = Fraction(str(v)) if not isinstance(v, Fraction) else v
    return out


def analyse(model: Model, values: Mapping[str, object] | None = None, tol: float = 1e-9) -> Any:
    """Analyse ``model`` at the point ``values`` (defaults for the parameters not given):
    a two-player game here, other kinds of game in their own modules
    (:mod:`theory.nplayer`, :mod:`theory.population_analysis`, :mod:`theory.rounds`).

    Examples
    --------
    >>> from theory.models import get_model
    >>> a = analyse(get_model("rosca-v2"))
    >>> a.regime, a.agree, a.degenerate
    ('(withhold, cheat)', True, False)
    >>> a.dominant
    ['cheat strictly dominates honest for the cheater']
    """
    vals = exact_values(model, values or {})
    if model.kind != "two-player":
        return _analyse_other(model, vals)
    game = stage_game(model)
    sym = analyse_symbolic(game)
    point = game.substitution(vals)
    A, B = game.at(vals)
    exact = exact_equilibria(
        [[Fraction(str(A[i, j])) for j in range(A.shape[1])] for i in range(A.shape[0])],
        [[Fraction(str(B[i, j])) for j in range(B.shape[1])] for i in range(B.shape[0])],
    )
    existing, rejected = sym.check_at(point)  # each confirmed by an exact check
    sym_points = {}
    for e in existing:
        r, c = e.value_at(point)
        sym_points[(tuple(Fraction(str(v)) for v in r), tuple(Fraction(str(v)) for v in c))] = e
    An, Bn = (np.array(A.tolist(), dtype=float), np.array(B.tolist(), dtype=float))
    numeric = numeric_equilibria(An, Bn, tol=tol)
    notes: list[str] = []
    agree = True
    if rejected or exact.rejected:
        agree = False
        notes.append(
            "rejected by the exact best-response check: "
            f"{[e.label(game.actions) for e in rejected]} (symbolic conditions held), "
            f"{list(exact.rejected)} (vertex enumeration)"
        )
    ext = set(exact.extreme)
    missing_sym = [k for k in sym_points if k not in ext]
    if missing_sym:
        agree = False
        notes.append(f"symbolic equilibria not among the exact extreme points: {missing_sym}")
    if not exact.degenerate:
        extra = [k for k in ext if k not in sym_points]
        if extra:
            agree = False
            notes.append(f"exact equilibria the symbolic enumeration lacks: {extra}")
    for ne in numeric.equilibria:
        if not exact.degenerate and not any(
            _close(x, ne.row) and _close(y, ne.col) for x, y in ext
        ):
            agree = False
            notes.append(f"nashpy equilibrium {ne.row}, {ne.col} is not an exact extreme point")
    missed = [
        k
        for k in ext
        if not any(_close(k[0], e.row) and _close(k[1], e.col) for e in numeric.equilibria)
    ]
    if missed:
        if exact.degenerate:
            notes.append(f"nashpy missed {len(missed)} extreme point(s) of the degenerate game")
        else:
            agree = False
            notes.append(f"nashpy missed equilibria: {missed}")
    if numeric.rejected:
        notes.append(f"{numeric.rejected} nashpy profile(s) rejected by the regret test")
    if exact.degenerate:
        notes.append("the game is degenerate at this point: see the continua")
    eqs = tuple(
        PointEquilibrium(x, y, sym_points.get((x, y)), game.actions) for x, y in exact.extreme
    )
    return Analysis(
        model, vals, game, sym, exact, numeric, eqs, thresholds(game, vals), agree, tuple(notes)
    )
