"""``rosca report``: compute the equilibrium report, render it in a temporary folder, then
move it into place (an interrupted run leaves no half report; ``--force`` replaces only
the report's own regular files, see :mod:`reports.cli.outputs`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from reports.cli.common import add_point_options, add_run_options
from reports.cli.outputs import atomic_directory, check_output_folder

REPORT_FILES = ("report.md", "report.html", "report.json")
"""Files every report writes; checked before the work, the figures after it."""
LEARNING_STEPS = 1000
"""Steps of the default learner (roi) in a one-shot game's report: enough to settle."""


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
    p.set_defaults(out_kind="folder")


def run(args: argparse.Namespace) -> int:
    from reports.cli.common import build_experiment, check_health, progress_bar
    from reports.document import render
    from reports.report import compute_report

    out = check_output_folder(args.out, args.force, REPORT_FILES)
    if args.policy is None:  # the theory-against-simulation section: a payoff-based learner
        args.policy = "roi"
        if args.steps is None:
            args.steps = LEARNING_STEPS
    exp = build_experiment(args)
    if exp.model.kind in ("many-round", "population", "n-player"):
        return _sections(args, exp, out)
    start = time.perf_counter()
    with progress_bar("report: agreement map") as bar:
        data = compute_report(
            exp.model,
            exp.points[0],
            exp.policy_name,
            exp.runs,
            exp.n_steps,
            exp.seed,
            exp.given_parameters,
            engine=args.engine,
            workers=args.workers,
            progress=bar,
            check=check_health,  # the point's own runs, before the agreement map
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


def _sections(args: argparse.Namespace, exp: Any, out: Path) -> int:
    """The report of an n-player, population or many-round model (its own sections)."""
    from reports.cli.common import progress_bar
    from reports.document import render_sections

    start = time.perf_counter()
    values = dict(exp.points[0])
    if exp.model.kind == "many-round":
        from reports.report_rounds import compute_rounds

        native = next(iter(exp.model.native_policies), None)
        learner = exp.policy_name if exp.behaviour.kind == "payoff" else None
        with progress_bar("report: learning", unit="steps") as bar:
            data: Any = compute_rounds(
                exp.model,
                values,
                native,
                learner,
                exp.runs,
                exp.seed,
                exp.given_parameters,
                progress=bar,
            )
    elif exp.model.kind == "n-player":
        from reports.report_games import compute_games

        data = compute_games(
            exp.model,
            values,
            exp.policy_name,
            exp.runs,
            args.steps,
            exp.seed,
            exp.given_parameters,
        )
    else:
        from reports.report_population import compute_population

        data = compute_population(
            exp.model,
            values,
            exp.policy_name,
            exp.runs,
            args.steps,
            exp.seed,
            exp.given_parameters,
        )
    files: list[str] = []
    atomic_directory(out, lambda tmp: files.extend(render_sections(data, tmp)), force=args.force)
    sys.stdout.write(
        f"wrote {len(files)} files to {out}/ in {time.perf_counter() - start:.1f} s: report.md, "
        f"report.html, {sum(f.endswith('.png') for f in files)} figures (PNG and SVG) with "
        "their data\n"
    )
    for line in data.summary:
        sys.stdout.write(f"  - {line}\n")
    return 0
