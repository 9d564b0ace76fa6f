"""``rosca sweep``: a grid of parameter points, one summary row each, streamed to a file.

Each chunk of grid points is summarised where the backend runs it and appended to a
temporary file as it arrives; the file is moved into place at the end, so an interrupted
sweep leaves nothing behind and the trajectories are never all held at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

from reports.cli.common import add_point_options, add_run_options
from reports.cli.outputs import check_table_path
from theory.errors import ParameterError, unknown


def parse_grid(model: Any, text: str) -> tuple[str, list[Fraction]]:
    """``NAME=LO:HI:N`` to the parameter name and its ``N`` values (``LO`` when N = 1)."""
    from theory.parameters import parse_value

    name, sep, spec = text.partition("=")
    parts = spec.split(":")
    if not sep or len(parts) != 3:
        raise ParameterError(f"--grid expects NAME=LO:HI:N, got {text!r}")
    names = [q.name for q in model.parameters]
    if name not in names:
        raise ParameterError(f"--grid: model {model.name}: " + unknown("parameter", name, names))
    q = model.parameter(name)
    lo, hi = parse_value(q, parts[0]), parse_value(q, parts[1])
    try:
        n = int(parts[2])
    except ValueError:
        raise ParameterError(f"--grid {name}: N must be a whole number, got {parts[2]!r}") from None
    if n < 1:
        raise ParameterError(f"--grid {name}: N must be at least 1, got {n}")
    if lo > hi:
        raise ParameterError(f"--grid {name}: LO ({parts[0]}) must not exceed HI ({parts[1]})")
    if n == 1:
        return name, [lo]
    values = [lo + (hi - lo) * Fraction(k, n - 1) for k in range(n)]
    return name, [Fraction(repr(float(v))) for v in values]


def add_parser(sub: Any) -> None:
    p = sub.add_parser("sweep", help="theory against simulation over a parameter grid")
    p.add_argument("model", metavar="MODEL")
    p.add_argument(
        "--grid",
        action="append",
        required=True,
        metavar="NAME=LO:HI:N",
        help="a grid axis (repeatable; the grid is their cartesian product)",
    )
    add_point_options(p)
    add_run_options(p, runs_default=20)
    p.add_argument(
        "--zip",
        action="store_true",
        help="take the grid axes together, point by point (each of length 1 or one "
        "common length), instead of their cartesian product",
    )
    p.add_argument("--burn-in", type=int, metavar="T")
    p.add_argument("--backend", choices=("local", "processes", "dask"), default="local")
    p.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler (with --backend dask)")
    p.add_argument("--chunk", type=int, metavar="POINTS", help="grid points per chunk")
    p.add_argument(
        "--connect-timeout",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="how long to try to reach a Dask scheduler (default 5)",
    )
    p.add_argument("--out", metavar="FILE.parquet|FILE.csv")
    p.add_argument("--format", choices=("text", "json"), default="text")


class _Sink:
    """Appends summary chunks to a temporary file beside the destination."""

    def __init__(self, out: str | None) -> None:
        self.out = Path(out) if out else None
        self.tmp: Path | None = None
        self.writer: Any = None
        if self.out is not None:
            check_table_path(self.out)
            fd, name = tempfile.mkstemp(prefix=f".{self.out.name}.", dir=self.out.parent)
            os.close(fd)
            self.tmp = Path(name)

    def write(self, table: Any) -> None:
        if self.tmp is None:
            return
        if self.out is not None and self.out.suffix.lower() == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            t = pa.Table.from_pandas(table, preserve_index=False)
            if self.writer is None:
                self.writer = pq.ParquetWriter(self.tmp, t.schema)
            self.writer.write_table(t)
        else:
            table.to_csv(self.tmp, mode="a", header=self.writer is None, index=False)
            self.writer = True

    def close(self, ok: bool) -> None:
        if self.writer not in (None, True):
            self.writer.close()
        if self.tmp is not None:
            if ok and self.out is not None:
                os.replace(self.tmp, self.out)
            else:
                self.tmp.unlink(missing_ok=True)


def run(args: argparse.Namespace) -> int:
    from reports.cli.common import progress_bar
    from simulation.backends import run_sweep
    from simulation.experiment import Experiment, cartesian, zipped
    from simulation.policies import POLICY_PARAMETERS, check_policy
    from theory.models import get_model
    from theory.parameters import parse_assignments, resolve

    model = get_model(args.model)
    base, extra = resolve(model, parse_assignments(args.sets), args.params, POLICY_PARAMETERS)
    axes = dict(parse_grid(model, g) for g in args.grid)
    points = []
    for pt in zipped(axes) if args.zip else cartesian(axes):
        values: dict[str, object] = dict(base)
        values.update(pt)
        points.append(values)
    if args.chunk is not None and args.chunk < 1:
        raise ParameterError(f"--chunk must be a positive integer, got {args.chunk}")
    policy = check_policy(model, args.policy) if args.policy else None
    exp = Experiment(
        model,
        points=points,
        policy=policy,
        runs=args.runs,
        steps=args.steps,
        seed=args.seed,
        policy_parameters=extra,
    )
    if args.burn_in is not None and not 0 <= args.burn_in < exp.n_steps:
        raise ParameterError(f"--burn-in must be in [0, {exp.n_steps - 1}], got {args.burn_in}")
    sink = _Sink(args.out)
    ok = False
    n = agree = regime_agree = 0
    distance_sum = 0.0
    regimes: dict[str, int] = {}
    try:
        with progress_bar("sweep") as bar:
            for table in run_sweep(
                exp,
                backend=args.backend,
                workers=args.workers,
                scheduler=args.scheduler,
                chunk_points=args.chunk,
                burn_in=args.burn_in,
                progress=bar,
                connect_timeout=args.connect_timeout,
                engine=args.engine,
            ):
                sink.write(table)
                n += len(table)
                agree += int(table["agree"].sum())
                regime_agree += int(table["regime_agree"].sum())
                distance_sum += float(table["distance"].sum())
                for r, c in table["regime_predicted"].value_counts().items():
                    regimes[str(r)] = regimes.get(str(r), 0) + int(c)
        ok = True
    finally:
        sink.close(ok)
    summary = {
        "model": model.name,
        "policy": exp.policy_name,
        "points": n,
        "runs": exp.runs,
        "steps": exp.n_steps,
        "seed": exp.seed,
        "run_steps": n * exp.runs * exp.n_steps,
        "grid": {k: [float(v[0]), float(v[-1]), len(v)] for k, v in axes.items()},
        "agree_rate": agree / n,
        "regime_agree_rate": regime_agree / n,
        "mean_distance": distance_sum / n,
        "predicted_regimes": regimes,
        "out": args.out,
    }
    if args.format == "json":
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        sys.stdout.write(
            f"{model.name}, policy {exp.policy_name}: {n} grid points x {exp.runs} runs x "
            f"{exp.n_steps} steps ({summary['run_steps']:.3g} run-steps), seed {exp.seed}\n"
            f"agreement with the theory: {agree}/{n} points ({summary['agree_rate']:.1%}); "
            f"regime agrees at {summary['regime_agree_rate']:.1%}; mean distance "
            f"{summary['mean_distance']:.4f}\n"
            + "".join(f"  predicted '{r}': {c} points\n" for r, c in sorted(regimes.items()))
            + (f"table written to {args.out}\n" if args.out else "")
        )
    return 0
