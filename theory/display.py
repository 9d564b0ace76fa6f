"""How an analysis shows itself in Jupyter: ``_repr_html_`` and ``_repr_latex_``.

IPython's rich display asks an object for these methods (IPython documentation, "Rich
output": the ``_repr_*_`` protocol); :class:`theory.analysis.Analysis` delegates to the
functions here. Both show the payoff matrices (closed forms and values at the point), every
equilibrium at the point with its probabilities and the conditions under which it exists,
every equilibrium candidate with its conditions, and the regime. Pure text in, text out: no
imports from the notebook machinery.
"""

from __future__ import annotations

import html
from fractions import Fraction
from typing import Any

import sympy as sp


def _frac(v: object) -> str:
    f = Fraction(str(v))
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _cell(M: Any, i: int, j: int) -> Any:
    return M[i, j]


def _table_html(a: Any, M: Any, N: Any, conv: Any) -> str:
    rows, cols = a.game.actions
    pl = a.model.players
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join(
        f"<tr><th>{html.escape(r)}</th>"
        + "".join(
            f"<td>{html.escape(conv(_cell(M, i, j)))}, {html.escape(conv(_cell(N, i, j)))}</td>"
            for j in range(len(cols))
        )
        + "</tr>"
        for i, r in enumerate(rows)
    )
    corner = html.escape(f"{pl[0].name} \\ {pl[1].name}")
    return f"<table><tr><th>{corner}</th>{head}</tr>{body}</table>"


def _mix(a: Any, vectors: tuple[Any, ...]) -> str:
    parts = []
    for pl, vec in zip(a.model.players, vectors):
        probs = ", ".join(f"{act} {_frac(v)}" for act, v in zip(pl.actions, vec))
        parts.append(f"{pl.name} ({probs})")
    return "; ".join(parts)


def _conditions(conds: Any) -> str:
    return " and ".join(sp.sstr(c) for c in conds) or "always"


def analysis_html(a: Any) -> str:
    """The analysis as an HTML fragment for Jupyter.

    Examples
    --------
    >>> from theory.analysis import analyse
    >>> from theory.models import get_model
    >>> text = analysis_html(analyse(get_model("inspection")))
    >>> "regime: <b>mixed</b>" in text, "verifier (verify 1/5, skip 4/5)" in text
    (True, True)
    """
    m = a.model
    e = html.escape
    point = ", ".join(f"{k}={_frac(v)}" for k, v in a.values.items())
    A, B = a.payoffs_exact
    S, T = a.game.payoff
    eqs = "".join(
        f"<li>{e(q.kind)}: {e(_mix(a, (q.row, q.col)))}"
        + (
            f"<br><small>exists iff {e(_conditions(q.symbolic.conditions))}</small>"
            if q.symbolic is not None
            else "<br><small>an extreme point of a continuum</small>"
        )
        + "</li>"
        for q in a.equilibria
    )
    point_sub = a.game.substitution(a.values)
    cands = "".join(
        f"<li>{'&#10003;' if c.exists_at(point_sub) else '&#10007;'} {e(c.label(a.game.actions))}"
        f": {e(_conditions(c.conditions))}</li>"
        for c in a.symbolic.equilibria
    )
    degenerate = " (degenerate here: see the continua)" if a.degenerate else ""
    return (
        f'<div class="rosca-analysis"><p><b>{e(m.title)}</b> [{e(m.name)}] at {e(point)}</p>'
        f"<p>regime: <b>{e(a.regime)}</b>{e(degenerate)}; symbolic, exact and nashpy "
        f"answers agree: {'yes' if a.agree else 'NO'}</p>"
        f"<p>Payoffs (row, column), closed forms:</p>{_table_html(a, S, T, sp.sstr)}"
        f"<p>At the point:</p>{_table_html(a, A, B, _frac)}"
        f"<p>Equilibria at the point:</p><ul>{eqs}</ul>"
        f"<p>Every candidate and its existence conditions (&#10003; holds here):</p>"
        f"<ul>{cands}</ul></div>"
    )


def _bimatrix_latex(a: Any, M: Any, N: Any) -> str:
    rows, cols = a.game.actions
    head = " & ".join(rf"\text{{{c}}}" for c in cols)
    body = r" \\ ".join(
        rf"\text{{{r}}} & "
        + " & ".join(f"{sp.latex(M[i, j])},\\; {sp.latex(N[i, j])}" for j in range(len(cols)))
        for i, r in enumerate(rows)
    )
    return rf"\begin{{array}}{{r|{'c' * len(cols)}}} & {head} \\ \hline {body} \end{{array}}"


def analysis_latex(a: Any) -> str:
    """The analysis as LaTeX (one display, as MathJax renders it in Jupyter).

    Examples
    --------
    >>> from theory.analysis import analyse
    >>> from theory.models import get_model
    >>> text = analysis_latex(analyse(get_model("rosca-v2")))
    >>> text.startswith("$$") and r"\\text{regime: (withhold, cheat)}" in text
    True
    """
    A, B = a.payoffs_exact
    lines = [
        rf"\text{{{a.model.title} [{a.model.name}]}}",
        _bimatrix_latex(a, *a.game.payoff) + r"\qquad " + _bimatrix_latex(a, A, B),
        rf"\text{{regime: {a.regime}}}",
    ]
    for q in a.equilibria:
        x = ", ".join(sp.latex(sp.Rational(str(v))) for v in q.row)
        y = ", ".join(sp.latex(sp.Rational(str(v))) for v in q.col)
        conds = (
            r" \wedge ".join(sp.latex(c) for c in q.symbolic.conditions) or r"\text{always}"
            if q.symbolic is not None
            else r"\text{(extreme point of a continuum)}"
        )
        lines.append(rf"x = ({x}),\ y = ({y}) \quad \text{{iff}}\ {conds}")
    return "$$\\begin{array}{l} " + r" \\ ".join(lines) + r" \end{array}$$"
