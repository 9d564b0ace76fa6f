"""``rosca solve``: payoffs, equilibria with their conditions, regime, dominance and
thresholds of a model at a point, as text, JSON, LaTeX or a Gambit ``.nfg`` file."""

from __future__ import annotations

import argparse
from typing import Any

from reports.cli.common import add_point_options, emit


def add_parser(sub: Any) -> None:
    p = sub.add_parser("solve", help="payoffs, equilibria, conditions, regime and thresholds")
    p.add_argument("model", metavar="MODEL")
    add_point_options(p)
    p.add_argument("--format", choices=("text", "json", "latex", "nfg"), default="text")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")


def run(args: argparse.Namespace) -> int:
    from reports import solve_output
    from theory.analysis import analyse
    from theory.models import get_model
    from theory.parameters import check_payoff_range, parse_assignments, resolve

    model = get_model(args.model)
    values, options = resolve(
        model, parse_assignments(args.sets), args.params, options=model.options
    )
    if model.check is not None:
        model.check(values | options)
    check_payoff_range(model, values)
    a = analyse(model, values | options)
    render = {
        "text": solve_output.to_text,
        "json": solve_output.to_json,
        "latex": solve_output.to_latex,
        "nfg": solve_output.to_nfg,
    }[args.format]
    emit(render(a), args.out)
    return 0
