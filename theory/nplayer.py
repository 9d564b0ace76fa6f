"""The analysis of a game of three or more single players at a parameter point.

The normal form is derived from the mechanisms (:func:`theory.payoffs.stage_game`); every
pure profile's equilibrium conditions come from :mod:`theory.pure`, are evaluated exactly
at the point, and are held against a direct best-response enumeration of the exact payoff
arrays. Mixed equilibria of games of three or more players are not enumerated here (their
supports lead to polynomial systems); the result says so in its notes. Population models
(identical members) are analysed through counts instead (:mod:`theory.population_analysis`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

import sympy as sp

from theory.candidates import Candidate
from theory.model import Model
from theory.payoffs import StageGame, stage_game
from theory.pure import (
    Dominance,
    dominance,
    dominance_at,
    profile_label,
    pure_candidates,
    pure_equilibria_at,
)
from theory.thresholds import Threshold, switches


@dataclass(frozen=True, eq=False)
class ProfileEquilibrium:
    """An equilibrium at the point: one exact probability vector per player."""

    label: str
    kind: str
    strategies: tuple[tuple[sp.Expr, ...], ...]
    candidate: Candidate | None

    def conditions(self) -> list[str]:
        return [sp.sstr(c) for c in self.candidate.conditions] if self.candidate else []


@dataclass(frozen=True, eq=False)
class NPlayerAnalysis:
    """Everything ``rosca solve`` reports about an n-player game at one point."""

    model: Model
    values: dict[str, Fraction]
    game: StageGame
    candidates: tuple[Candidate, ...]
    equilibria: tuple[ProfileEquilibrium, ...]
    dominance: tuple[Dominance, ...]
    degenerate: bool
    agree: bool
    notes: tuple[str, ...]
    thresholds: tuple[Threshold, ...] = ()

    kind = "n-player"

    @property
    def players(self) -> list[str]:
        return [pl.name for pl in self.model.players]

    @property
    def actions(self) -> list[list[str]]:
        return [list(pl.actions) for pl in self.model.players]

    @property
    def point(self) -> dict[sp.Symbol, sp.Expr]:
        return self.game.substitution(self.values)

    @property
    def regime(self) -> str:
        name = " + ".join(e.label for e in self.equilibria) or "no pure equilibrium"
        return f"degenerate: {name}" if self.degenerate else name

    @property
    def dominant(self) -> list[str]:
        return dominance_at(self.dominance, self.model.players, self.point)

    @property
    def provenance(self) -> dict[str, object]:
        return {
            "symbolic": "pure profiles: no profitable unilateral deviation, over sympy symbols",
            "exact": "best-response enumeration of the exact payoff arrays",
            "numeric": "none (mixed equilibria of three or more players are not enumerated)",
            "exact_arithmetic": True,
        }


def _ties(game: StageGame, values: Mapping[str, object]) -> bool:
    """Whether a player is indifferent between two actions against some pure profile of
    the others (the n-player analogue of a degenerate bimatrix game)."""
    arrays = game.at(values)
    for k in range(game.n_players):
        for profile in game.profiles():
            if profile[k] != 0:
                continue
            vals = [arrays[k][dev] for dev in [profile, *game.deviations(k, profile)]]
            if len(set(vals)) < len(vals):
                return True
    return False


def tie_loci(game: StageGame) -> tuple[sp.Basic, ...]:
    """Where a player is indifferent between two of its actions against a pure profile of
    the others: ``u(a, rest) = u(b, rest)``, each distinct equation once (``True`` when a
    difference vanishes identically). The n-player analogue of a bimatrix game's
    degenerate loci (:func:`theory.equilibria.analyse_symbolic`), where :func:`_ties`
    asks the same at a point.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from theory.payoffs import stage_game
    >>> tie_loci(stage_game(get_model("rosca-v2")))
    (Eq(beta, 0), Eq(beta, volume*zeta), Eq(delta, gamma))
    """
    out: dict[str, sp.Basic] = {}
    for k in range(game.n_players):
        others = [range(m) for j, m in enumerate(game.shape) if j != k]
        for rest in itertools.product(*others):
            for a, b in itertools.combinations(range(game.shape[k]), 2):
                hi = rest[:k] + (a,) + rest[k:]
                lo = rest[:k] + (b,) + rest[k:]
                d = sp.cancel(sp.together(game.entry(k, hi) - game.entry(k, lo)))
                if d == 0:
                    out.setdefault("True", sp.true)
                    continue
                _, factors = sp.factor_list(sp.numer(d))
                for f, _ in factors:
                    if f.free_symbols and not _never_zero(f, game):
                        eq = _balanced(f)
                        out.setdefault(sp.sstr(eq), eq)
    return tuple(sorted(out.values(), key=sp.sstr))


def _never_zero(f: sp.Expr, game: StageGame) -> bool:
    """A lone parameter whose domain excludes zero."""
    if not isinstance(f, sp.Symbol) or f.name not in game.model.symbols:
        return False
    q = game.model.parameter(f.name)
    return not q.admits(Fraction(0))


def _balanced(d: sp.Expr) -> sp.Basic:
    """``d = 0`` written with the negative terms on the right."""
    terms = sp.Add.make_args(sp.expand(d))
    pos = sp.Add(*[t for t in terms if not t.could_extract_minus_sign()])
    neg = sp.Add(*[-t for t in terms if t.could_extract_minus_sign()])
    return sp.Eq(sp.factor_terms(pos), sp.factor_terms(neg))


def nplayer_thresholds(
    game: StageGame, values: Mapping[str, object], parameters: tuple[str, ...] | None = None
) -> tuple[Threshold, ...]:
    """Every switch of a player's better action, for each pair of its actions against each
    pure profile of the others, in the model's key parameters
    (:func:`theory.thresholds.switches`).

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("rosca-v2")
    >>> ts = nplayer_thresholds(stage_game(m), m.defaults(), ("delta",))
    >>> ts[0].player, ts[0].against, ts[0].value
    ('cheater', '(contributor=contribute)', 1.0)
    """
    model = game.model
    names = parameters if parameters is not None else model.key_parameters
    point = game.substitution(values)
    out: list[Threshold] = []
    for k, pl in enumerate(game.players):
        others = [j for j in range(game.n_players) if j != k]
        for prof in game.profiles():
            if prof[k] != 0:
                continue
            against = (
                "("
                + ", ".join(f"{game.players[j].name}={game.actions[j][prof[j]]}" for j in others)
                + ")"
            )
            for a, b in combinations(range(game.shape[k]), 2):
                hi = prof[:k] + (a,) + prof[k + 1 :]
                lo = prof[:k] + (b,) + prof[k + 1 :]
                D = sp.expand(game.entry(k, hi) - game.entry(k, lo))
                acts = (pl.actions[a], pl.actions[b])
                pair = acts if game.shape[k] > 2 else ()
                for name in names:
                    sym = model.symbols[name]
                    if sym in D.free_symbols:
                        out += switches(
                            D,
                            sym,
                            model.parameter(name),
                            point,
                            acts,
                            "payoff",
                            pl.name,
                            against,
                            pair,
                        )
    return tuple(out)


def analyse_nplayer(model: Model, values: Mapping[str, Fraction]) -> NPlayerAnalysis:
    """Analyse an n-player game of single players at a point.

    Examples
    --------
    >>> from theory.models import get_model
    >>> a = analyse_nplayer(get_model("rosca-v2"), get_model("rosca-v2").defaults())
    >>> a.regime, a.agree
    ('(withhold, cheat)', True)
    """
    game = stage_game(model)
    cands = tuple(pure_candidates(game))
    point = game.substitution(values)
    by_label = {c.label: c for c in cands}
    direct = pure_equilibria_at(game, values)
    eqs = []
    for profile in direct:
        label = profile_label(game, profile)
        strategies = tuple(
            tuple(sp.Integer(int(j == i)) for j in range(m)) for m, i in zip(game.shape, profile)
        )
        eqs.append(ProfileEquilibrium(label, "pure", strategies, by_label.get(label)))
    symbolic = {c.label for c in cands if c.exists_at(point)}
    notes = []
    agree = symbolic == {e.label for e in eqs}
    if not agree:
        notes.append(
            f"symbolic conditions and the exact enumeration disagree: {sorted(symbolic)} "
            f"against {sorted(e.label for e in eqs)}"
        )
    if game.n_players > 2:
        notes.append("mixed equilibria of games of three or more players are not enumerated")
    return NPlayerAnalysis(
        model,
        dict(values),
        game,
        cands,
        tuple(eqs),
        tuple(dominance(game)),
        _ties(game, values),
        agree,
        tuple(notes),
        nplayer_thresholds(game, values),
    )
