"""``rosca explore``: one self-contained HTML page with a slider for each parameter it can
move, on which what ``rosca solve`` reports follows the point: for games, the payoffs,
equilibria, conditions, regime, thresholds, regime map and learning dynamics; for
populations, the count equilibria, the symmetric one and the bystander curve; for many
rounds, the incentive constraints in the free parameters (see :mod:`reports.explore`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from reports.cli.common import add_point_options


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "explore", help="write an interactive HTML page on which the analysis follows sliders"
    )
    p.add_argument("model", metavar="MODEL")
    add_point_options(p)
    p.add_argument(
        "--out", metavar="FILE.html", help="the page to write (default: MODEL-explore.html)"
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from reports.cli.outputs import OutputError, atomic_write_text, check_parent
    from reports.explore import build_page
    from theory.models import get_model, model_source
    from theory.parameters import check_payoff_range, parse_assignments, resolve

    model = get_model(args.model)
    out = Path(args.out) if args.out else Path(f"{model.name}-explore.html")
    if out.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"--out must name an .html file, got {str(out)!r}")
    check_parent(out)
    values, options = resolve(
        model, parse_assignments(args.sets), args.params, options=model.options
    )
    if model.check is not None:
        model.check(values | options)
    check_payoff_range(model, values)
    source = model_source(model)
    where = "" if source.kind == "built-in" else f"{source.kind} {source.origin}"
    text = build_page(model, values | options, where)
    atomic_write_text(out, text)
    sys.stdout.write(f"wrote {out} ({len(text) // 1024} kB); open it in a browser\n")
    return 0
