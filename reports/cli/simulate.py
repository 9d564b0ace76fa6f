"""``rosca simulate``: the demo's analysis of every run on standard output, trajectories
streamed to a file.

The batched engine simulates and summarises the runs a chunk at a time
(:mod:`simulation.chunked`), so memory holds one chunk whatever the number of runs; each
chunk's tidy frame is appended to a temporary file beside ``--out`` (CSV, or Parquet
through pyarrow's ``ParquetWriter``), which is moved into place at the end. The cadCAD
engine runs in memory. Before any work, the table's size is estimated against the free
disk space and the memory need against the available memory (:mod:`simulation.capacity`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from reports.cli.common import (
    add_point_options,
    add_run_options,
    build_experiment,
    check_health,
    positive_int,
    progress_bar,
)
from reports.cli.outputs import (
    OutputError,
    check_table_path,
    move_into_place,
    temporary_file,
)
from theory.errors import ParameterError, quoted

PER_RUN_LIMIT = 1000
"""``per_run`` is in the summary up to this many runs unless ``--per-run`` (the same
number as simulation.summaries.PER_RUN_LIMIT, which the tests check; not imported here so
that building the parser stays light)."""


def add_parser(sub: Any) -> None:
    p = sub.add_parser("simulate", help="simulate a model; trajectories to a file, summary out")
    p.add_argument("model", metavar="MODEL")
    add_point_options(p)
    add_run_options(p, runs_default=1)
    p.add_argument("--out", metavar="FILE.csv|FILE.parquet")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--chunk",
        type=positive_int,
        metavar="RUNS",
        help="runs simulated and summarised at a time (default: as many as fit in about 128 MiB)",
    )
    p.add_argument(
        "--per-run",
        action="store_true",
        help=f"include one record per run in the summary whatever the number of runs "
        f"(default: only up to {PER_RUN_LIMIT:,} runs; about 4 KB of memory per run)",
    )


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
        keys = list(o)[: list(o).index("steps")]  # the players' flags
        lines.append(
            "  "
            + ", ".join(f"{k}={o[k]}" for k in keys)
            + f": {o['steps']} steps ({o['share']:.1%})"
        )
    return "\n".join(lines) + "\n"


def _size(n: float) -> str:
    """Bytes in words.

    Examples
    --------
    >>> _size(3 * 2**30), _size(512)
    ('3.0 GiB', '512 B')
    """
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{int(n)} B"


def available_memory() -> int | None:
    """The memory the kernel says can be allocated without swapping (``MemAvailable`` of
    /proc/meminfo), or ``None`` where that is not known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def chunk_plan(exp: Any, out: Path | None, chunk: int | None) -> tuple[list[str], int, int]:
    """The state variables a chunk records, the runs per chunk and a chunk's bytes (its
    trajectories, their analysis and, with ``--out``, its table)."""
    from simulation.chunked import CHUNK_BYTES, analysis_bytes, chunk_size, state_bytes

    keys = list(exp.state_keys if out is not None else exp.model.state_keys)
    table = 0
    if out is not None:  # the tidy frame and its Parquet or CSV copy
        table = 16 * (exp.n_steps + 1) * (len(exp.state_keys) + len(exp.model.parameters) + 7)
    total = exp.n_points * exp.runs
    runs = min(chunk, total) if chunk else chunk_size(exp, keys, CHUNK_BYTES, table)
    return keys, runs, runs * (state_bytes(exp, keys) + analysis_bytes(exp) + table)


def check_capacity(
    exp: Any, engine: str, per_run: bool, out: Path | None, chunk_bytes: int
) -> None:
    """Refuse, before any work, a table that cannot fit on its disk or a simulation whose
    memory need exceeds the available memory (one line each)."""
    from simulation.capacity import memory_bytes, table_bytes, table_rows

    if out is not None:
        need = table_bytes(exp, out.suffix.lower())
        free = shutil.disk_usage(out.parent if str(out.parent) else ".").free
        if need > free:
            raise OutputError(
                f"--out {quoted(out)}: the table of {table_rows(exp):,} rows would take about "
                f"{_size(need)} (estimated from a pilot run), but only {_size(free)} are free "
                f"there; use fewer --runs or --steps"
                + (", or .parquet" if out.suffix.lower() == ".csv" else "")
            )
    available = available_memory()
    if available is None:
        return
    need = memory_bytes(exp, engine, per_run=per_run, chunk_bytes=chunk_bytes)
    if need > available:
        hint = " or --engine batched" if engine == "cadcad" else ""
        hint += " or drop --per-run" if per_run else ""
        hint += " or a smaller --chunk" if engine == "batched" else ""
        raise ParameterError(
            f"{exp.n_points * exp.runs:,} runs x {exp.n_steps:,} steps with --engine {engine} "
            f"would need about {_size(need)} of memory, but {_size(available)} are "
            f"available; use fewer --runs or --steps{hint}"
        )


class TableSink:
    """Appends tidy frames to a temporary file beside ``out`` (CSV with one header, or one
    Parquet file written by ``pyarrow.parquet.ParquetWriter``); :meth:`close` moves it
    into place, or removes it when the run failed."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.parquet = out.suffix.lower() == ".parquet"
        self.tmp = temporary_file(out)
        self.writer: Any = None
        self.schema: Any = None
        self.rows = 0

    def write(self, frame: Any) -> None:
        try:
            if self.parquet:
                import pyarrow as pa
                import pyarrow.parquet as pq

                table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
                if self.writer is None:
                    self.schema = table.schema
                    self.writer = pq.ParquetWriter(self.tmp, self.schema)
                self.writer.write_table(table)
            else:
                frame.to_csv(self.tmp, mode="a", header=self.rows == 0, index=False)
        except OSError as exc:
            raise OutputError(f"cannot write {quoted(self.out)}: {exc.strerror or exc}") from None
        self.rows += len(frame)

    def close(self, ok: bool) -> None:
        try:
            if self.writer is not None:
                self.writer.close()
            if ok:
                move_into_place(self.tmp, self.out)
        finally:
            self.tmp.unlink(missing_ok=True)


def _chunked(exp: Any, out: Path | None, per_run: bool | None, chunk: int | None) -> Any:
    from simulation.chunked import summarise
    from simulation.health import check_batched

    keys, runs, _ = chunk_plan(exp, out, chunk)
    sink = TableSink(out) if out is not None else None

    def each(traj: Any) -> None:
        check_batched(exp, traj)
        if sink is not None:
            from simulation.frames import from_batched

            sink.write(from_batched(traj))

    ok = False
    try:
        with progress_bar("simulating", unit="run-steps") as bar:
            summary = summarise(exp, runs, per_run, bar, keys, each)
        ok = True
    finally:
        if sink is not None:
            sink.close(ok)
    return summary


def _in_memory(exp: Any, args: argparse.Namespace, out: Path | None, per_run: bool | None) -> Any:
    from simulation.analysis import analyse_runs
    from simulation.runner import simulate

    total = exp.n_points * exp.runs * exp.n_steps
    with progress_bar("simulating", unit="run-steps") as bar:
        df = simulate(
            exp,
            engine=args.engine,
            workers=args.workers,
            progress=lambda done, parts: bar(done * total // parts, total),
        )
    check_health(exp, df)
    summary = analyse_runs(exp, df, per_run=per_run).to_dict()
    if out is not None:
        sink = TableSink(out)
        ok = False
        try:
            sink.write(df)
            ok = True
        finally:
            sink.close(ok)
    return summary


def _members(exp: Any, args: argparse.Namespace, out: Path | None) -> int:
    """A model with a population: simulated in memory, summarised with the model's own
    outcomes, money conservation and contagion (:mod:`simulation.members`)."""
    from simulation.frames import from_batched
    from simulation.members import simulate_members, summarise_members, text_members

    total = exp.n_steps
    with progress_bar("simulating", unit="steps") as bar:
        traj = simulate_members(exp, progress=lambda t: bar(t, total))
    summary = summarise_members(exp, traj)
    if out is not None:
        sink = TableSink(out)
        ok = False
        try:
            sink.write(from_batched(traj))
            ok = True
        finally:
            sink.close(ok)
        summary["out"] = args.out
    if args.format == "json":
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        sys.stdout.write(text_members(summary))
    return 0


def run(args: argparse.Namespace) -> int:
    exp = build_experiment(args)
    out = check_table_path(args.out) if args.out else None
    if exp.model.populations:
        return _members(exp, args, out)
    per_run = True if args.per_run else None
    wants_records = bool(args.per_run) or exp.n_points * exp.runs <= PER_RUN_LIMIT
    _, _, chunk_bytes = chunk_plan(exp, out, args.chunk)
    check_capacity(exp, args.engine, wants_records, out, chunk_bytes)
    if args.engine == "batched":
        summary = _chunked(exp, out, per_run, args.chunk)
    else:
        summary = _in_memory(exp, args, out, per_run)
    if out is not None:
        summary["out"] = args.out
    if args.format == "json":
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        sys.stdout.write(_text_summary(summary))
    return 0
