"""The analysis of a game of identical members at a parameter point.

The payoffs come through counts (:mod:`theory.population`), the pure equilibria as counts
and the symmetric mixed equilibrium as closed forms with their conditions
(:mod:`theory.symmetric`). At the point three answers are held together: the symbolic
candidates' conditions, a direct evaluation of ``D(k)`` for every count (and the roots of
the indifference polynomial), and, for a few members, the game expanded into one player
per member (:func:`theory.payoffs.explicit_game`), derived independently of the counts,
whose pure equilibria are enumerated profile by profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from theory.candidates import Candidate
from theory.model import Model
from theory.nplayer import ProfileEquilibrium
from theory.payoffs import explicit_game
from theory.population import PopulationGame, population_game
from theory.pure import pure_equilibria_at
from theory.symmetric import (
    K_ANY,
    PointEquilibria,
    count_candidates,
    equilibria_at,
    split_gain,
    symmetric_candidates,
)
from theory.thresholds import Threshold, switches

#: Up to this many members the expanded game is enumerated as a cross-check.
EXPLICIT_MEMBERS = 5


@dataclass(frozen=True, eq=False)
class PopulationAnalysis:
    """Everything ``rosca solve`` reports about a population game at one point."""

    model: Model
    values: dict[str, Fraction]
    game: PopulationGame
    candidates: tuple[Candidate, ...]
    point_equilibria: PointEquilibria
    equilibria: tuple[ProfileEquilibrium, ...]
    agree: bool
    notes: tuple[str, ...]
    thresholds: tuple[Threshold, ...] = ()
    dominant: tuple[str, ...] = ()

    kind = "population"
    degenerate = False

    @property
    def players(self) -> list[str]:
        return [self.game.player.name]

    @property
    def actions(self) -> list[list[str]]:
        return [list(self.game.actions)]

    @property
    def point(self) -> dict[sp.Symbol, sp.Expr]:
        return self.game.substitution(self.values)

    @property
    def members(self) -> int:
        return self.point_equilibria.members

    @property
    def regime(self) -> str:
        return " + ".join(e.label for e in self.equilibria) or "none"

    def counts_here(self, c: Candidate) -> tuple[int, ...]:
        """The counts of members taking the first action at which the candidate is an
        equilibrium here: its own count, or those of the candidate for any count ``K``
        (the ends only, of a run longer than 20)."""
        if c.kind != "pure":
            return ()
        n = self.members
        if K_ANY not in sp.sympify(c.strategies[0][0]).free_symbols:
            share = sp.sympify(c.strategies[0][0]).subs(self.point)
            return (int(share * n),) if c.exists_at(self.point) else ()
        return tuple(
            int(e.strategies[0][0] * n)
            for e in self.equilibria
            if e.candidate is not None and e.candidate.note.startswith(f"{c.label}, at K = ")
        )

    def here(self, c: Candidate) -> str:
        """``yes``/``no`` (``-`` for a candidate without conditions), or the counts ``K``
        at which a candidate for any count holds here."""
        if c.kind == "pure" and K_ANY in sp.sympify(c.strategies[0][0]).free_symbols:
            ks = self.counts_here(c)
            return f"at K = {', '.join(map(str, ks))}" if ks else "no"
        if not c.conditions:
            return "-"
        return "yes" if c.exists_at(self.point) else "no"

    @property
    def provenance(self) -> dict[str, object]:
        return {
            "symbolic": "payoffs through counts of the other members; binomial expectation "
            "of the gain D(k) for the symmetric equilibrium",
            "exact": "D(k) at every count; roots of the indifference polynomial "
            f"({self.point_equilibria.how})",
            "explicit": f"one player per member, enumerated, up to {EXPLICIT_MEMBERS} members",
            "exact_arithmetic": self.point_equilibria.exact,
        }


def population_thresholds(
    game: PopulationGame, values: Mapping[str, object], parameters: tuple[str, ...] | None = None
) -> tuple[Threshold, ...]:
    """Switches of a member's better action in the key parameters: against each count of
    others named in the gain's conditions (``k = 0``...) and against any larger count.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("volunteers")
    >>> ts = population_thresholds(population_game(m), m.defaults())
    >>> [(t.parameter, t.value) for t in ts], ts[0].against
    ([('cost', 2.0), ('benefit', 1.0)], 'no other member taking verify')
    """
    gain = split_gain(game)
    if gain is None:
        return ()
    model = game.model
    names = parameters if parameters is not None else model.key_parameters
    point = game.substitution(values)
    a0, a1 = game.actions
    cases = [
        (
            v,
            f"{k} other member{'s' if k != 1 else ''} taking {a0}"
            if k
            else f"no other member taking {a0}",
        )
        for k, v in enumerate(gain.special)
    ]
    if game.k not in gain.generic.free_symbols:
        cases.append((gain.generic, f"more than {gain.last} other members taking {a0}"))
    out: list[Threshold] = []
    seen: set[tuple[str, str]] = set()
    for D, against in cases:
        for name in names:
            sym = model.symbols[name]
            if sym not in D.free_symbols:
                continue
            for t in switches(
                sp.expand(D),
                sym,
                model.parameter(name),
                point,
                (a0, a1),
                "payoff",
                game.player.name,
                against,
            ):
                key = (sp.sstr(t.expression), t.parameter)
                if key not in seen:
                    seen.add(key)
                    out.append(t)
    return tuple(out)


def _count_label(game: PopulationGame, K: int, n: int) -> str:
    a0, a1 = game.actions
    return f"({K} {a0}, {n - K} {a1})"


def _at_count(c: Candidate, K: int) -> Candidate:
    """The candidate for any count ``K`` written for one count."""
    at = {K_ANY: sp.Integer(K)}
    return Candidate(
        c.label,
        c.kind,
        tuple(tuple(sp.sympify(v).xreplace(at) for v in s) for s in c.strategies),
        tuple(cond.xreplace(at) for cond in c.conditions),
        f"{c.label}, at K = {K}",
    )


def analyse_population(model: Model, values: Mapping[str, Fraction]) -> PopulationAnalysis:
    """Analyse a population game with two actions at a point.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("volunteers")
    >>> a = analyse_population(m, m.defaults())
    >>> a.regime, a.agree
    ('(1 verify, 4 idle) + symmetric mixed', True)
    """
    game = population_game(model)
    notes: list[str] = []
    if len(game.actions) != 2:
        raise NotImplementedError("population games with more than two actions")
    cands = tuple(count_candidates(game) + symmetric_candidates(game))
    pe = equilibria_at(game, values)
    n = pe.members
    point = game.substitution(values)
    gain = split_gain(game)
    first_any = None if gain is None else gain.last + 2  # count_candidates' generic count
    pure = [c for c in cands if c.kind == "pure"]

    def describes(c: Candidate, K: int) -> bool:
        """Whether the pure candidate ``c`` is the count ``K`` at the point."""
        share = sp.sympify(c.strategies[0][0])
        at = point
        if K_ANY in share.free_symbols:
            if first_any is None or not first_any <= K <= n - 1:
                return False
            at = point | {K_ANY: sp.Integer(K)}
        return bool(share.subs(at) == sp.Rational(K, n)) and c.exists_at(at)

    eqs: list[ProfileEquilibrium] = []
    for lo, hi in pe.counts:
        for K in range(lo, hi + 1) if hi - lo < 20 else (lo, hi):
            share = sp.Rational(K, n)
            match = next((c for c in pure if describes(c, K)), None)
            if match is not None and K_ANY in sp.sympify(match.strategies[0][0]).free_symbols:
                match = _at_count(match, K)
            eqs.append(
                ProfileEquilibrium(_count_label(game, K, n), "pure", ((share, 1 - share),), match)
            )
    sym_cands = [c for c in cands if c.kind == "symmetric"]
    for value in pe.symmetric:
        match = next((c for c in sym_cands if c.conditions and c.exists_at(point)), None)
        eqs.append(ProfileEquilibrium("symmetric mixed", "symmetric", ((value, 1 - value),), match))
    # agreement: the symbolic pure candidates against the direct counts, at every count
    # that is an equilibrium, its neighbours and the ends (all counts for a small circle)
    direct_counts = {K for lo, hi in pe.counts for K in range(lo, hi + 1)}
    if n <= 200:
        probe = set(range(n + 1))
    else:
        probe = {0, 1, n - 1, n} | ({first_any} if first_any else set())
        for lo, hi in pe.counts:
            probe |= {lo - 1, lo, lo + 1, hi - 1, hi, hi + 1}
        probe = {K for K in probe if 0 <= K <= n}
    sym_counts = {K for K in probe if any(describes(c, K) for c in pure)}
    agree = sym_counts == direct_counts & probe
    if not agree:
        notes.append(f"symbolic counts {sorted(sym_counts)} against direct {sorted(direct_counts)}")
    sym_here = [c for c in sym_cands if c.conditions and c.exists_at(point)]
    if len(sym_here) != len(pe.symmetric) and pe.how == "closed form":
        agree = False
        notes.append("symmetric candidates and the roots at the point disagree")
    if n <= EXPLICIT_MEMBERS:
        explicit = explicit_game(model, n)
        found = {sum(1 for i in prof if i == 0) for prof in pure_equilibria_at(explicit, values)}
        if found != direct_counts:
            agree = False
            notes.append(
                f"the game expanded into {n} players has pure equilibria with "
                f"{sorted(found)} members taking '{game.actions[0]}', the counts say "
                f"{sorted(direct_counts)}"
            )
    if not pe.exact:
        notes.append(f"symmetric equilibria found numerically ({pe.how})")
    return PopulationAnalysis(
        model,
        dict(values),
        game,
        cands,
        pe,
        tuple(eqs),
        agree,
        tuple(notes),
        population_thresholds(game, values),
    )
