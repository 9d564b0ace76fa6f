"""``rosca solve`` output: an :class:`theory.analysis.Analysis` as text, JSON, LaTeX or a
Gambit ``.nfg`` file.

The JSON layout is documented in the README ("JSON formats"); the NFG writer follows the
Gambit strategic-form file format (outcome version), with exact rational payoffs.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import sympy as sp

from reports import solve_other
from theory.analysis import Analysis
from theory.model import Model


def _frac(v: object) -> str:
    f = Fraction(str(v))
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _num(v: object) -> float | int:
    f = Fraction(str(v))
    return f.numerator if f.denominator == 1 else float(f)


def _matrix(M: sp.Matrix, conv: Any) -> list[list[Any]]:
    return [[conv(M[i, j]) for j in range(M.shape[1])] for i in range(M.shape[0])]


def to_dict(a: Analysis) -> dict[str, Any]:
    """The JSON-ready description of an analysis (see the README's JSON formats)."""
    if a.kind != "two-player":
        return solve_other.to_dict(a)
    out = _two_player_dict(a)
    general = solve_other.common(a)
    for k, v in general.items():
        out.setdefault(k, v)
    for e, g in zip(out["equilibria"], general["equilibria"]):
        for k in ("label", "strategies", "strategies_exact"):
            e[k] = g[k]
    return out


def _two_player_dict(a: Analysis) -> dict[str, Any]:
    g = a.game
    A, B = a.payoffs_exact
    point = g.substitution(a.values)
    return {
        "model": a.model.name,
        "parameters": {k: _num(v) for k, v in a.values.items()},
        "parameters_exact": {k: _frac(v) for k, v in a.values.items()},
        "players": [p.name for p in a.model.players],
        "actions": [list(p.actions) for p in a.model.players],
        "payoffs": {
            "row": _matrix(A, _num),
            "col": _matrix(B, _num),
            "exact": {"row": _matrix(A, _frac), "col": _matrix(B, _frac)},
            "symbolic": {
                "row": _matrix(g.payoff[0], sp.sstr),
                "col": _matrix(g.payoff[1], sp.sstr),
            },
        },
        "rewards": {"row": _matrix(g.reward[0], sp.sstr), "col": _matrix(g.reward[1], sp.sstr)},
        "costs": {"row": _matrix(g.cost[0], sp.sstr), "col": _matrix(g.cost[1], sp.sstr)},
        "equilibria": [
            {
                "row": [float(v) for v in e.row],
                "col": [float(v) for v in e.col],
                "row_exact": [_frac(v) for v in e.row],
                "col_exact": [_frac(v) for v in e.col],
                "kind": e.kind,
                "conditions": e.conditions(),
                "closed_form": None
                if e.symbolic is None
                else {
                    "row": [sp.sstr(v) for v in e.symbolic.row],
                    "col": [sp.sstr(v) for v in e.symbolic.col],
                },
            }
            for e in a.equilibria
        ],
        "symbolic_equilibria": [
            {
                "row": [sp.sstr(v) for v in e.row],
                "col": [sp.sstr(v) for v in e.col],
                "kind": e.kind,
                "label": e.label(g.actions),
                "conditions": [sp.sstr(c) for c in e.conditions],
                "exists_here": e.exists_at(point),
            }
            for e in a.symbolic.equilibria
        ],
        "degenerate": a.degenerate,
        "continua": [
            {"row": [[float(v) for v in x] for x in xs], "col": [[float(v) for v in y] for y in ys]}
            for xs, ys in a.exact.continua
        ],
        "degenerate_loci": [sp.sstr(c) for c in a.symbolic.degenerate_loci],
        "regime": a.regime,
        "dominance": a.dominant,
        "thresholds": [solve_other.switch_dict(t) for t in a.thresholds],
        "agree": a.agree,
        "notes": list(a.notes),
        "numeric": [
            {"row": list(e.row), "col": list(e.col), "regret": e.regret, "methods": list(e.methods)}
            for e in a.numeric.equilibria
        ],
        "provenance": a.provenance,
    }


def to_json(a: Analysis) -> str:
    return json.dumps(to_dict(a), indent=2)


def _dispatch(a: Any, name: str) -> str | None:
    if getattr(a, "kind", "two-player") == "two-player":
        return None
    return str(getattr(solve_other, name)(a))


def text_table(
    M: sp.Matrix, N: sp.Matrix, rows: tuple[str, ...], cols: tuple[str, ...], conv: Any
) -> list[str]:
    cells = [
        [f"{conv(M[i, j])}, {conv(N[i, j])}" for j in range(M.shape[1])] for i in range(M.shape[0])
    ]
    w0 = max(len(r) for r in rows)
    ws = [
        max(len(cols[j]), *(len(cells[i][j]) for i in range(len(rows)))) for j in range(len(cols))
    ]
    out = ["  " + " " * w0 + " | " + " | ".join(c.ljust(w) for c, w in zip(cols, ws))]
    for i, r in enumerate(rows):
        out.append(
            "  " + r.ljust(w0) + " | " + " | ".join(c.ljust(w) for c, w in zip(cells[i], ws))
        )
    return out


def to_text(a: Analysis) -> str:
    other = _dispatch(a, "to_text")
    if other is not None:
        return other
    g = a.game
    m = a.model
    rows, cols = g.actions
    A, B = a.payoffs_exact
    point = g.substitution(a.values)
    lines = [f"{m.title}  [{m.name}]", ""]
    lines.append("parameters: " + ", ".join(f"{k}={_frac(v)}" for k, v in a.values.items()))
    lines.append(f"players: {m.players[0].name} (rows) vs {m.players[1].name} (columns)")
    lines += ["", "payoffs (row, column), symbolic:"]
    lines += text_table(g.payoff[0], g.payoff[1], rows, cols, sp.sstr)
    lines += ["", "payoffs at the point:"]
    lines += text_table(A, B, rows, cols, _frac)
    lines += ["", f"equilibria at the point (regime: {a.regime}):"]
    for e in a.equilibria:
        probs = (
            f"{m.players[0].name} {dict(zip(rows, map(_frac, e.row)))}, "
            f"{m.players[1].name} {dict(zip(cols, map(_frac, e.col)))}"
        )
        lines.append(f"  - {e.kind}: {probs}")
        if e.symbolic is not None:
            lines.append("      exists iff " + (" and ".join(e.conditions()) or "always"))
    if a.degenerate:
        lines.append("  the game is DEGENERATE here; equilibrium continua (extreme points):")
        for xs, ys in a.exact.continua:
            lines.append(
                f"    rows {[list(map(_frac, x)) for x in xs]} x cols "
                f"{[list(map(_frac, y)) for y in ys]}"
            )
    lines += ["", "all equilibrium candidates and their existence conditions:"]
    for se in a.symbolic.equilibria:
        here = "holds here" if se.exists_at(point) else "not here"
        cf = (
            ""
            if se.kind == "pure"
            else (f" row={[sp.sstr(v) for v in se.row]} col={[sp.sstr(v) for v in se.col]}")
        )
        lines.append(
            f"  - {se.label(g.actions)}{cf}: "
            f"{' and '.join(sp.sstr(c) for c in se.conditions) or 'always'} ({here})"
        )
    if a.dominant:
        lines += ["", "dominance at the point:"] + [f"  - {d}" for d in a.dominant]
    if a.symbolic.degenerate_loci:
        lines += [
            "",
            "degenerate where: " + "; ".join(sp.sstr(c) for c in a.symbolic.degenerate_loci),
        ]
    lines += ["", "thresholds:"] + [f"  - {t.text}" for t in a.thresholds]
    lines += ["", f"symbolic, exact and nashpy answers agree: {'yes' if a.agree else 'NO'}"]
    lines += [f"  note: {n}" for n in a.notes]
    return "\n".join(lines) + "\n"


def bimatrix_latex(M: sp.Matrix, N: sp.Matrix, rows: tuple[str, ...], cols: tuple[str, ...]) -> str:
    """Both players' payoffs in one LaTeX array, row player's actions as rows."""
    head = " & ".join(rf"\text{{{c}}}" for c in cols)
    body = r" \\ ".join(
        rf"\text{{{r}}} & "
        + " & ".join(f"{sp.latex(M[i, j])},\\; {sp.latex(N[i, j])}" for j in range(len(cols)))
        for i, r in enumerate(rows)
    )
    return (
        r"\begin{array}{r|"
        + "c" * len(cols)
        + "} & "
        + head
        + r" \\ \hline "
        + body
        + r" \end{array}"
    )


def to_latex(a: Analysis) -> str:
    other = _dispatch(a, "to_latex")
    if other is not None:
        return other
    g = a.game
    rows, cols = g.actions

    A, B = a.payoffs_exact
    out = [
        f"% {a.model.title} [{a.model.name}]",
        r"\[",
        bimatrix_latex(g.payoff[0], g.payoff[1], rows, cols),
        r"\]",
        r"\[",
        bimatrix_latex(A, B, rows, cols),
        r"\]",
        r"\begin{itemize}",
    ]
    for e in a.symbolic.equilibria:
        conds = r" \wedge ".join(sp.latex(c) for c in e.conditions) or r"\text{always}"
        probs = ""
        if e.kind == "mixed":
            probs = (
                r": $x = ("
                + ", ".join(sp.latex(v) for v in e.row)
                + r")$, $y = ("
                + ", ".join(sp.latex(v) for v in e.col)
                + ")$"
            )
        out.append(rf"  \item {e.label(g.actions)}{probs} iff ${conds}$")
    out.append(r"\end{itemize}")
    return "\n".join(out) + "\n"


def to_nfg(a: Analysis) -> str:
    """The game at the point as a Gambit strategic-form (``.nfg``) file, exact payoffs."""
    other = _dispatch(a, "to_nfg")
    if other is not None:
        return other
    m: Model = a.model
    rows, cols = a.game.actions
    A, B = a.payoffs_exact
    q = '"'
    lines = [
        f'NFG 1 R "{m.title} at {", ".join(f"{k}={_frac(v)}" for k, v in a.values.items())}" '
        f'{{ "{m.players[0].name}" "{m.players[1].name}" }}',
        "",
        "{ { " + " ".join(f"{q}{r}{q}" for r in rows) + " }",
        "{ " + " ".join(f"{q}{c}{q}" for c in cols) + " }",
        "}",
        '""',
        "",
        "{",
    ]
    order: list[int] = []
    for j in range(len(cols)):  # the first player's strategy varies fastest
        for i in range(len(rows)):
            lines.append(f'{{ "{rows[i]} / {cols[j]}" {_frac(A[i, j])}, {_frac(B[i, j])} }}')
            order.append(len(order) + 1)
    lines.append("}")
    lines.append(" ".join(map(str, order)))
    return "\n".join(lines) + "\n"
