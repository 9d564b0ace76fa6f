"""``rosca simulate``: trajectories to a file, the demo's analysis of every run on standard
output."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from reports.cli.common import (
    add_point_options,
    add_run_options,
    build_experiment,
    progress_bar,
    write_frame,
)
from reports.cli.outputs import check_table_path


def add_parser(sub: Any) -> None:
    p = sub.add_parser("simulate", help="simulate a model; trajectories to a file, summary out")
    p.add_argument("model", metavar="MODEL")
    add_point_options(p)
    add_run_options(p, runs_default=1)
    p.add_argument("--out", metavar="FILE.csv|FILE.parquet")
    p.add_argument("--format", choices=("text", "json"), default="text")


def _text_summary(s: dict[str, Any]) -> str:
    lines = [
        f"{s['model']} with policy {s['policy']}: {s['runs']} run(s) x {s['steps']} steps, "
        f"seed {s['seed']}"
    ]
    lines.append("acting rate: " + ", ".join(f"{k} {v:.3f}" for k, v in s["act_rate"].items()))
    per = s["period"]
    attractor = (
        f"cycle of period {per}"
        if per and per > 1
        else "fixed point"
        if per == 1
        else "no common cycle"
    )
    lines.append(f"attractor: {attractor}")
    if s["cheat_fraction_median"] is not None:
        lines.append(f"running cheating-volume fraction, median: {s['cheat_fraction_median']:.4f}")
    lines.append(
        "cumulative profit (mean over runs): "
        + ", ".join(f"{k} {v:.4g}" for k, v in s["cum_profit_mean"].items())
    )
    lines.append(
        "cumulative ROI, median: "
        + ", ".join(
            f"{k} {'n/a' if v is None else format(v, '.4g')}" for k, v in s["roi_median"].items()
        )
    )
    lines.append("outcomes by actions:")
    for o in s["outcomes"]:
        keys = [k for k in o if k.endswith("_On")]
        lines.append(
            "  "
            + ", ".join(f"{k}={o[k]}" for k in keys)
            + f": {o['steps']} steps ({o['share']:.1%})"
        )
    for k in ("full_pot_rate", "collected_mean", "completion_rate"):
        if k in s:
            lines.append(f"{k}: {s[k]:.4g}")
    return "\n".join(lines) + "\n"


def is_circle(name: str) -> bool:
    from theory.models import CIRCLES

    return name in CIRCLES


def run(args: argparse.Namespace) -> int:
    from simulation.analysis import analyse_runs
    from simulation.runner import simulate

    if is_circle(args.model):
        from reports.cli.design import circle_simulate

        return circle_simulate(args)
    exp = build_experiment(args)
    if args.out:
        check_table_path(args.out)
    with progress_bar("simulating") as bar:
        df = simulate(exp, engine=args.engine, workers=args.workers, progress=bar)
    summary = analyse_runs(exp, df).to_dict()
    if args.out:
        write_frame(df, args.out)
        summary["out"] = args.out
    if args.format == "json":
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        sys.stdout.write(_text_summary(summary))
    return 0
