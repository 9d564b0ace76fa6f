"""``rosca report``: compute the equilibrium report, render it in a temporary folder, then
move it into place (an interrupted run leaves no half report)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from reports.cli.common import add_point_options, add_run_options
from reports.cli.outputs import OutputError, atomic_directory, check_parent


def add_parser(sub: Any) -> None:
    p = sub.add_parser("report", help="write the equilibrium report (Markdown, HTML, figures)")
    p.add_argument(
        "model",
        metavar="MODEL",
        nargs="?",
        default="rosca-v2",
        help="the model (default: rosca-v2)",
    )
    add_point_options(p)
    add_run_options(p, runs_default=20)
    p.add_argument(
        "--out", metavar="DIR", default="rosca-report", help="output folder (default: rosca-report)"
    )
    p.add_argument(
        "--force", action="store_true", help="replace the report's files in an existing folder"
    )


def run(args: argparse.Namespace) -> int:
    from reports.cli.common import build_experiment, progress_bar
    from reports.document import render
    from reports.report import compute_report

    out = Path(args.out)
    check_parent(out)
    if out.exists() and not args.force:
        raise OutputError(f"output folder {str(out)!r} exists; use --force to replace the report")
    if out.exists() and not out.is_dir():
        raise OutputError(f"output path {str(out)!r} exists and is not a folder")
    from theory.models import CIRCLES

    if args.model in CIRCLES:
        return _circle_report(args, out)
    exp = build_experiment(args)
    start = time.perf_counter()
    with progress_bar("report: agreement map") as bar:
        data = compute_report(
            exp.model,
            exp.points[0],
            exp.policy_name,
            exp.runs,
            exp.n_steps,
            exp.seed,
            exp.policy_parameters,
            engine=args.engine,
            workers=args.workers,
            progress=bar,
        )
    files: list[str] = []
    atomic_directory(out, lambda tmp: files.extend(render(data, tmp)), force=args.force)
    elapsed = time.perf_counter() - start
    sys.stdout.write(
        f"wrote {len(files)} files to {out}/ in {elapsed:.1f} s: report.md, "
        f"report.html, {sum(f.endswith('.png') for f in files)} figures (PNG and "
        f"SVG) with their data\n"
    )
    for line in data.summary:
        sys.stdout.write(f"  - {line}\n")
    return 0


def _circle_report(args: argparse.Namespace, out: Path) -> int:
    from reports.circle_report import compute_circle
    from reports.cli.design import circle_values
    from reports.document import render_circle_report

    start = time.perf_counter()
    model, values, options = circle_values(args)
    data = compute_circle(values, options, runs=max(args.runs, 100), seed=args.seed, model=model)
    files: list[str] = []
    atomic_directory(
        out, lambda tmp: files.extend(render_circle_report(data, tmp)), force=args.force
    )
    sys.stdout.write(
        f"wrote {len(files)} files to {out}/ in {time.perf_counter() - start:.1f} s\n"
        f"  - least uniform collateral {data.design['least_uniform_collateral']:.2f}"
        f" (binding position {data.design['binding_position']})\n"
        f"  - {data.comparison['verdict']}\n"
    )
    return 0
