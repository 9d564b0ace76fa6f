"""``rosca compare``: theory against simulation at one point: predicted and simulated
frequencies, distance, regime and verdict."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from reports.cli.common import (
    add_point_options,
    add_run_options,
    build_experiment,
    non_negative_int,
    progress_bar,
)
from reports.cli.simulate import is_circle
from theory.errors import RoscaError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("compare", help="theory against simulation")
    p.add_argument("model", metavar="MODEL")
    add_point_options(p)
    add_run_options(p, runs_default=10)
    p.add_argument(
        "--burn-in",
        type=non_negative_int,
        metavar="T",
        help="timesteps discarded before averaging (default: half)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from simulation.runner import compare, simulate

    if is_circle(args.model):
        from reports.cli.design import circle_compare

        return circle_compare(args)
    exp = build_experiment(args)
    if args.burn_in is not None and args.burn_in >= exp.n_steps:
        raise RoscaError(f"--burn-in must be below --steps ({exp.n_steps}), got {args.burn_in}")
    with progress_bar("simulating") as bar:
        df = simulate(exp, engine=args.engine, workers=args.workers, progress=bar)
    (c,) = compare(exp, df, args.burn_in)
    if args.format == "json":
        sys.stdout.write(json.dumps(c.to_dict(), indent=2) + "\n")
    else:
        d = c.to_dict()
        sys.stdout.write(
            f"{c.model} with policy {c.policy}\n"
            f"predicted ({d['predicted']['kind']}): row {d['predicted']['row']}, "
            f"col {d['predicted']['col']}\n"
            f"simulated: row {[round(v, 4) for v in d['simulated']['row']]}, "
            f"col {[round(v, 4) for v in d['simulated']['col']]}\n"
            f"{c.verdict}\n"
        )
    return 0
