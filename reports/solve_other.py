"""``rosca solve`` output for games other than two-player ones: n single players, a
population of identical members, and many-round models with their profiles.

Every kind shares the keys ``model``, ``kind``, ``parameters``, ``players``, ``actions``,
``equilibria`` (each with ``label``, ``kind``, ``strategies``, ``strategies_exact``,
``conditions``), ``regime``, ``agree``, ``notes`` and ``provenance``; each adds its own:
``payoffs`` and ``symbolic_equilibria`` for n players, the payoffs through counts for a
population, ``profiles`` (constraints, thresholds, the binding round) for many rounds.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from theory.errors import RoscaError
from theory.symmetric import K_ANY


class FormatError(RoscaError):
    """A format that does not apply to this kind of model."""


def exact_text(v: object) -> str:
    """A probability or payoff as exact text: ``3/7``, or the closed form when irrational."""
    e = sp.sympify(v)
    if e.is_Rational:
        f = Fraction(int(e.p), int(e.q))
        return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"
    return sp.sstr(e)


def number(v: object) -> float | int:
    e = sp.sympify(v)
    if e.is_Integer:
        return int(e)
    return float(e)


def _params(a: Any) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    options = {o.name for o in a.model.options}
    nums, exact, opts = {}, {}, {}
    for k, v in a.values.items():
        if k in options:
            opts[k] = [float(x) for x in v] if isinstance(v, tuple) else v
        else:
            nums[k] = number(sp.Rational(str(v)))
            exact[k] = exact_text(sp.Rational(str(v)))
    return nums, exact, opts


def equilibrium_dict(e: Any) -> dict[str, Any]:
    return {
        "label": e.label,
        "kind": e.kind,
        "strategies": [[number(x) for x in s] for s in e.strategies],
        "strategies_exact": [[exact_text(x) for x in s] for s in e.strategies],
        "conditions": e.conditions(),
    }


def candidate_dict(c: Any, point: dict) -> dict[str, Any]:
    return {
        "label": c.label,
        "kind": c.kind,
        "strategies": [[sp.sstr(x) for x in s] for s in c.strategies],
        "conditions": [sp.sstr(x) for x in c.conditions],
        "exists_here": (
            c.exists_at(point) if (c.conditions or c.kind == "pure") and not _any_count(c) else None
        ),
        "note": c.note,
    }


def _any_count(c: Any) -> bool:
    return K_ANY in set().union(*(sp.sympify(x).free_symbols for x in c.strategies[0]))


def _counts(a: Any, c: Any) -> dict[str, Any]:
    """A population's pure candidate: whether it holds here, and at which counts."""
    if c.kind != "pure":
        return {}
    ks = a.counts_here(c)
    return {"exists_here": bool(ks), "counts_here": list(ks)}


def common(a: Any) -> dict[str, Any]:
    nums, exact, opts = _params(a)
    out: dict[str, Any] = {
        "model": a.model.name,
        "kind": a.kind,
        "parameters": nums,
        "parameters_exact": exact,
        "players": a.players,
        "actions": a.actions,
        "equilibria": [equilibrium_dict(e) for e in a.equilibria],
        "regime": a.regime,
        "agree": a.agree,
        "notes": list(a.notes),
        "provenance": a.provenance,
    }
    if opts:
        out["options"] = opts
    return out


def _nested(A: Any, conv: Any) -> Any:
    arr = np.array(A.tolist(), dtype=object)
    return np.vectorize(conv, otypes=[object])(arr).tolist()


def to_dict(a: Any) -> dict[str, Any]:
    """The JSON-ready description of an n-player, population or many-round analysis."""
    out = common(a)
    if a.kind == "n-player":
        exact = a.game.at(a.values)
        out["payoffs"] = {
            "arrays": [_nested(A, number) for A in exact],
            "exact": [_nested(A, exact_text) for A in exact],
            "symbolic": [_nested(A, sp.sstr) for A in a.game.payoff],
        }
        out["symbolic_equilibria"] = [candidate_dict(c, a.point) for c in a.candidates]
        out["dominance"] = a.dominant
        out["degenerate"] = a.degenerate
        out["thresholds"] = [switch_dict(t) for t in a.thresholds]
    elif a.kind == "population":
        g = a.game
        out["members"] = a.members
        out["payoffs"] = {
            "by_own_action": {act: sp.sstr(u) for act, u in zip(g.actions, g.payoff)},
            "counts": [sp.sstr(k) for k in g.others],
            "gain": sp.sstr(g.gain()) if len(g.actions) == 2 else None,
        }
        out["symbolic_equilibria"] = [
            candidate_dict(c, a.point) | _counts(a, c) for c in a.candidates
        ]
        out["degenerate"] = a.degenerate
        out["dominance"] = list(a.dominant)
        out["thresholds"] = [switch_dict(t) for t in a.thresholds]
    else:
        out["profiles"] = [profile_dict(pd) for pd in a.profiles]
        out["thresholds"] = [threshold_dict(t) for t in a.thresholds]
    return out


def switch_dict(t: Any) -> dict[str, Any]:
    """A best-response switch (:class:`theory.thresholds.Threshold`) as JSON."""
    return {
        "parameter": t.parameter,
        "player": t.player,
        "against": t.against,
        "above": t.above,
        "below": t.below,
        "expression": sp.sstr(t.expression),
        "value": t.value,
        "current": t.current,
        "kind": t.kind,
        "closed_form": t.closed_form,
        "switches": t.switches,
        "intervals": [i.as_dict() for i in t.intervals],
        "text": t.text,
    }


def threshold_dict(t: Any) -> dict[str, Any]:
    return {
        "parameter": t.parameter,
        "least": t.least,
        "greatest": t.greatest,
        "feasible": t.feasible,
        "closed_form": t.closed_form,
        "binding": None
        if t.binding is None
        else {"player": t.binding.agent.name, "round": t.binding.round, "label": t.binding.label},
        "text": t.text,
        "note": t.note,
    }


def constraint_dict(c: Any, free: tuple[str, ...]) -> dict[str, Any]:
    return {
        "player": c.agent.name,
        "round": c.round,
        "label": c.label,
        "deviation": c.deviation,
        "inequality": c.inequality(free),
        "slack": c.value,
        "follow": c.follow,
        "deviate": c.deviate,
    }


def profile_dict(pd: Any) -> dict[str, Any]:
    pc = pd.conditions
    b = pc.binding
    return {
        "name": pd.name,
        "meaning": pc.model.profile(pd.name).meaning,
        "equilibrium": pc.equilibrium,
        "rounds": pc.horizon,
        "free_parameters": list(pc.free),
        "binding": None if b is None else constraint_dict(b, pc.free),
        "violated": len(pc.violated),
        "thresholds": {k: threshold_dict(t) for k, t in pd.thresholds.items()},
        "constraints": [constraint_dict(c, pc.free) for c in pc.constraints],
        "branches": list(pc.branches),
        "notes": list(pc.notes),
    }


def to_json(a: Any) -> str:
    return json.dumps(to_dict(a), indent=2)


def _eq_lines(a: Any) -> list[str]:
    lines = [f"equilibria at the point (regime: {a.regime}):"]
    for e in a.equilibria:
        probs = "; ".join(
            f"{pl} {dict(zip(acts, map(exact_text, s)))}"
            for pl, acts, s in zip(a.players, a.actions, e.strategies)
        )
        lines.append(f"  - {e.label} [{e.kind}]: {probs}")
        conds = e.conditions()
        if conds:
            lines.append("      exists iff " + " and ".join(conds))
    if not a.equilibria:
        lines.append("  (none)")
    return lines


def to_text(a: Any) -> str:
    m = a.model
    nums, exact, opts = _params(a)
    lines = [f"{m.title}  [{m.name}, {a.kind}]", ""]
    lines.append("parameters: " + ", ".join(f"{k}={v}" for k, v in exact.items()))
    if opts:
        lines.append("options: " + ", ".join(f"{k}={v}" for k, v in opts.items()))
    lines.append(
        "players: "
        + "; ".join(f"{p} ({' / '.join(acts)})" for p, acts in zip(a.players, a.actions))
    )
    lines.append("")
    if a.kind == "n-player":
        lines.append("payoffs at the point, by profile:")
        exact_arrays = a.game.at(a.values)
        for prof in a.game.profiles():
            label = ", ".join(a.game.actions[k][i] for k, i in enumerate(prof))
            pays = ", ".join(exact_text(A[prof]) for A in exact_arrays)
            lines.append(f"  ({label}): {pays}")
        lines.append("")
        lines += _eq_lines(a)
        lines += ["", "pure candidates and their existence conditions:"]
        for c in a.candidates:
            here = "holds here" if c.exists_at(a.point) else "not here"
            lines.append(
                f"  - {c.label}: {' and '.join(map(sp.sstr, c.conditions)) or 'always'} ({here})"
            )
        if a.dominant:
            lines += ["", "dominance at the point:"] + [f"  - {d}" for d in a.dominant]
    elif a.kind == "population":
        g = a.game
        taking = [f"{sp.sstr(k)} taking {act}" for k, act in zip(g.others, g.actions[:-1])]
        lines.append(
            f"a member's payoff when, of the other {g.others_text} members, "
            f"{', '.join(taking)} and the rest take {g.actions[-1]}:"
        )
        for act, u in zip(g.actions, g.payoff):
            lines.append(f"  {act}: {sp.sstr(u)}")
        lines.append("")
        lines += _eq_lines(a)
        lines += ["", "candidates and their existence conditions:"]
        for c in a.candidates:
            strat = (
                "" if c.kind == "pure" else f" P({g.actions[0]}) = {sp.sstr(c.strategies[0][0])}"
            )
            conds = " and ".join(map(sp.sstr, c.conditions)) or "always"
            lines.append(f"  - {c.label}{strat}: {conds}" + (f"  [{c.note}]" if c.note else ""))
    else:
        for pd in a.profiles:
            pc = pd.conditions
            lines.append(
                f"profile '{pd.name}' ({pc.model.profile(pd.name).meaning}): "
                + ("an equilibrium" if pc.equilibrium else "NOT an equilibrium")
                + f" at the point ({len(pc.constraints)} one-shot deviations over "
                f"{pc.horizon} rounds, {len(pc.violated)} profitable)"
            )
            b = pc.binding
            if b is not None:
                lines.append(
                    f"  binding: {b.agent.name}, {b.label}: {b.inequality(pc.free)} "
                    f"(slack {b.value:.6g})"
                )
            for t in pd.thresholds.values():
                lines.append(f"  threshold: {t.text}")
            lines.append("")
    if a.kind in ("n-player", "population") and a.thresholds:
        lines += ["", "thresholds:"] + [f"  - {t.text}" for t in a.thresholds]
    lines += ["", f"the independent checks agree: {'yes' if a.agree else 'NO'}"]
    lines += [f"  note: {n}" for n in a.notes]
    return "\n".join(lines) + "\n"


def to_latex(a: Any) -> str:
    lines = [f"% {a.model.title} [{a.model.name}]", r"\begin{itemize}"]
    if a.kind == "many-round":
        for pd in a.profiles:
            pc = pd.conditions
            b = pc.binding
            if b is not None:
                rel = sp.Ge(b.expression(pc.free), 0)
                lines.append(
                    rf"  \item {pd.name}: binding {b.agent.name}, {b.label}: ${sp.latex(rel)}$"
                )
    else:
        for c in a.candidates:
            conds = r" \wedge ".join(sp.latex(x) for x in c.conditions) or r"\text{always}"
            strat = ", ".join("(" + ", ".join(sp.latex(x) for x in s) + ")" for s in c.strategies)
            lines.append(rf"  \item {c.label}: ${strat}$ iff ${conds}$")
    lines.append(r"\end{itemize}")
    return "\n".join(lines) + "\n"


def to_nfg(a: Any) -> str:
    """The game at the point as a Gambit strategic-form file: n single players, or a
    population expanded into one player per member (a few members only)."""
    from theory.payoffs import explicit_game

    if a.kind == "many-round":
        raise FormatError(
            f"model {a.model.name} is played for many rounds; a strategic-form (.nfg) file "
            "describes a one-shot game: use --format json or text"
        )
    if a.kind == "population":
        n = a.members
        if n > 8:
            raise FormatError(
                f"{n} members make {2**n:,}+ profiles, too many for an .nfg file (at most 8 "
                "members); the counts in --format json describe the same game"
            )
        game = explicit_game(a.model, n)
    else:
        game = a.game
    arrays = game.at(a.values)
    q = '"'
    names = " ".join(f"{q}{pl.name}{q}" for pl in game.players)
    strategies = " ".join(
        "{ " + " ".join(f"{q}{s}{q}" for s in acts) + " }" for acts in game.actions
    )
    values = ", ".join(f"{k}={v}" for k, v in _params(a)[1].items())
    lines = [
        f'NFG 1 R "{a.model.title} at {values}" {{ {names} }}',
        "",
        f"{{ {strategies} }}",
        '""',
        "",
        "{",
    ]
    order: list[int] = []
    # Gambit: the first player's strategy varies fastest
    shape = game.shape
    for idx in np.ndindex(*reversed(shape)):
        prof = tuple(reversed(idx))
        pays = ", ".join(exact_text(A[prof]) for A in arrays)
        label = " / ".join(game.actions[k][i] for k, i in enumerate(prof))
        lines.append(f'{{ "{label}" {pays} }}')
        order.append(len(order) + 1)
    lines.append("}")
    lines.append(" ".join(map(str, order)))
    return "\n".join(lines) + "\n"
