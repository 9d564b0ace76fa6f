"""``rosca sweep``: a grid of parameter points, one summary row each, streamed to a file.

Every option is checked before any work: the grid's size (at most
:data:`simulation.sweep.MAX_GRID_POINTS` points, each axis named once), the chunk size,
the number of workers and the scheduler's address. Each chunk of grid points is
summarised where the backend runs it and appended to a temporary file as it arrives; the
file is moved into place at the end (:func:`reports.cli.outputs.atomic_write`), so an
interrupted or failed sweep leaves nothing behind and the trajectories are never all held
at once.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator
from contextlib import closing
from fractions import Fraction
from pathlib import Path
from typing import Any

from reports.cli.common import add_point_options, add_run_options, positive_int
from reports.cli.outputs import atomic_write, check_table_path
from theory.errors import ParameterError, unknown

#: The longest --connect-timeout, in seconds.
MAX_CONNECT_TIMEOUT = 3600.0
DEFAULT_CONNECT_TIMEOUT = 10.0


def parse_grid(model: Any, text: str, most: int) -> tuple[str, list[Fraction]]:
    """``NAME=LO:HI:N`` to the parameter name and its ``N`` values (``LO`` when N = 1);
    ``N`` at most ``most``."""
    from theory.parameters import parse_value

    name, sep, spec = text.partition("=")
    parts = spec.split(":")
    if not sep or len(parts) != 3:
        raise ParameterError(f"--grid expects NAME=LO:HI:N, got {text!r}")
    names = [q.name for q in model.parameters]
    if name not in names:
        raise ParameterError(f"--grid: model {model.name}: " + unknown("parameter", name, names))
    try:
        n = int(parts[2])
    except ValueError:
        raise ParameterError(f"--grid {name}: N must be a whole number, got {parts[2]!r}") from None
    if not 1 <= n <= most:
        raise ParameterError(
            f"--grid {name}: N must be in [1, {most}] (a sweep has at most {most} grid "
            f"points), got {n}"
        )
    q = model.parameter(name)
    lo, hi = parse_value(q, parts[0]), parse_value(q, parts[1])
    if lo > hi:
        raise ParameterError(f"--grid {name}: LO ({parts[0]}) must not exceed HI ({parts[1]})")
    if n == 1:
        return name, [lo]
    values = [lo + (hi - lo) * Fraction(k, n - 1) for k in range(n)]
    return name, [Fraction(repr(float(v))) for v in values]


def parse_axes(model: Any, grids: list[str], zip_axes: bool) -> dict[str, list[Fraction]]:
    """The ``--grid`` axes, each named once, their points within the ceiling."""
    from simulation.backends import MAX_GRID_POINTS

    axes: dict[str, list[Fraction]] = {}
    for text in grids:
        name, values = parse_grid(model, text, MAX_GRID_POINTS)
        if name in axes:
            raise ParameterError(f"--grid {name} is given twice; give each axis once")
        axes[name] = values
    sizes = [len(v) for v in axes.values()]
    n = max(sizes) if zip_axes else math.prod(sizes)
    if n > MAX_GRID_POINTS:
        raise ParameterError(
            f"--grid: {' x '.join(map(str, sizes))} = {n} grid points; a sweep has at most "
            f"{MAX_GRID_POINTS}"
        )
    return axes


def connect_timeout(text: str) -> float:
    """An argparse type: seconds in (0, MAX_CONNECT_TIMEOUT]."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_CONNECT_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds in (0, {MAX_CONNECT_TIMEOUT:g}], got {text!r}"
        )
    return value


def add_parser(sub: Any) -> None:
    from simulation.backends import MAX_CHUNK, MAX_GRID_POINTS, MAX_WORKERS

    p = sub.add_parser(
        "sweep",
        help="theory against simulation over a parameter grid",
        conflict_handler="resolve",  # --workers means something else here
    )
    p.add_argument("model", metavar="MODEL")
    p.add_argument(
        "--grid",
        action="append",
        required=True,
        metavar="NAME=LO:HI:N",
        help="a grid axis (repeatable, each parameter once; the grid is their cartesian "
        f"product, at most {MAX_GRID_POINTS} points)",
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
    p.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        help="processes (--backend processes, or dask without --scheduler; default: the "
        "cores), or the most chunks at once on a Dask cluster (default: all its threads, "
        f"waiting until it has N); at most {MAX_WORKERS}",
    )
    p.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, tcp://HOST:PORT")
    p.add_argument(
        "--chunk",
        type=positive_int,
        metavar="POINTS",
        help=f"grid points per chunk (default: about 4 chunks per worker; at most {MAX_CHUNK})",
    )
    p.add_argument(
        "--connect-timeout",
        type=connect_timeout,
        metavar="SECONDS",
        help="how long to wait for the Dask scheduler, then for its workers, and for a "
        f"lost worker to be replaced (default {DEFAULT_CONNECT_TIMEOUT:g})",
    )
    p.add_argument("--out", metavar="FILE.parquet|FILE.csv")
    p.add_argument("--format", choices=("text", "json"), default="text")


class _Tally:
    """The sweep's totals, counted chunk by chunk."""

    def __init__(self) -> None:
        self.n = self.agree = self.regime_agree = 0
        self.distance_sum = 0.0
        self.regimes: dict[str, int] = {}

    def add(self, table: Any) -> None:
        self.n += len(table)
        self.agree += int(table["agree"].sum())
        self.regime_agree += int(table["regime_agree"].sum())
        self.distance_sum += float(table["distance"].sum())
        for r, c in table["regime_predicted"].value_counts().items():
            self.regimes[str(r)] = self.regimes.get(str(r), 0) + int(c)


def write_tables(tables: Iterator[Any], tmp: Path, parquet: bool, tally: _Tally) -> None:
    """Append every table to ``tmp`` (Parquet row groups or CSV rows) as it arrives."""
    writer: Any = None
    try:
        for table in tables:
            if parquet:
                import pyarrow as pa
                import pyarrow.parquet as pq

                t = pa.Table.from_pandas(table, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, t.schema)
                writer.write_table(t)
            else:
                table.to_csv(tmp, mode="a", header=tally.n == 0, index=False)
            tally.add(table)
    finally:
        if writer is not None:
            writer.close()


def run(args: argparse.Namespace) -> int:
    from reports.cli.common import given_names, progress_bar
    from simulation.backends import check_options, run_sweep
    from simulation.experiment import Experiment, cartesian, zipped
    from simulation.policies import POLICY_PARAMETERS, check_model_parameters, check_policy
    from simulation.sweep import check_sweepable
    from theory.models import get_model
    from theory.parameters import parse_assignments, resolve

    model = get_model(args.model)
    base, extra = resolve(model, parse_assignments(args.sets), args.params, POLICY_PARAMETERS)
    given = given_names(args)
    extra = {k: v for k, v in extra.items() if k in given}  # the policy checks what it reads
    axes = parse_axes(model, args.grid, args.zip)
    check_options(args.backend, args.workers, args.scheduler, args.chunk)
    if args.connect_timeout is not None and args.scheduler is None:
        raise ParameterError("--connect-timeout has no effect without --scheduler")
    out = check_table_path(args.out) if args.out else None
    points = []
    for pt in zipped(axes) if args.zip else cartesian(axes):
        values: dict[str, object] = dict(base)
        values.update(pt)
        points.append(values)
    policy = check_policy(model, args.policy) if args.policy else None
    check_model_parameters(model, policy, given | set(axes))
    exp = Experiment(
        model,
        points=points,
        policy=policy,
        runs=args.runs,
        steps=args.steps,
        seed=args.seed,
        policy_parameters=extra,
    )
    check_sweepable(exp)
    if args.burn_in is not None and not 0 <= args.burn_in < exp.n_steps:
        raise ParameterError(f"--burn-in must be in [0, {exp.n_steps - 1}], got {args.burn_in}")
    tally = _Tally()
    per_point = exp.runs * exp.n_steps
    with progress_bar("sweep", unit="run-steps") as bar:

        def progress(done: int, total: int) -> None:
            bar(done * per_point, total * per_point)

        sweep = run_sweep(
            exp,
            backend=args.backend,
            workers=args.workers,
            scheduler=args.scheduler,
            chunk_points=args.chunk,
            burn_in=args.burn_in,
            progress=progress,
            connect_timeout=args.connect_timeout or DEFAULT_CONNECT_TIMEOUT,
            engine=args.engine,
        )
        with closing(sweep):  # the cluster is closed however the sweep ends
            if out is None:
                for table in sweep:
                    tally.add(table)
            else:
                parquet = out.suffix.lower() == ".parquet"
                atomic_write(out, lambda tmp: write_tables(sweep, tmp, parquet, tally))
    n = tally.n
    summary = {
        "model": model.name,
        "policy": exp.policy_name,
        "points": n,
        "runs": exp.runs,
        "steps": exp.n_steps,
        "seed": exp.seed,
        "run_steps": n * exp.runs * exp.n_steps,
        "grid": {k: [float(v[0]), float(v[-1]), len(v)] for k, v in axes.items()},
        "agree_rate": tally.agree / n,
        "regime_agree_rate": tally.regime_agree / n,
        "mean_distance": tally.distance_sum / n,
        "predicted_regimes": tally.regimes,
        "out": args.out,
    }
    if args.format == "json":
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        sys.stdout.write(
            f"{model.name}, policy {exp.policy_name}: {n} grid points x {exp.runs} runs x "
            f"{exp.n_steps} steps ({summary['run_steps']:.3g} run-steps), seed {exp.seed}\n"
            f"agreement with the theory: {tally.agree}/{n} points "
            f"({summary['agree_rate']:.1%}); regime agrees at "
            f"{summary['regime_agree_rate']:.1%}; mean distance "
            f"{summary['mean_distance']:.4f}\n"
            + "".join(f"  predicted '{r}': {c} points\n" for r, c in sorted(tally.regimes.items()))
            + (f"table written to {args.out}\n" if args.out else "")
        )
    return 0
