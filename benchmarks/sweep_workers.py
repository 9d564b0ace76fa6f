"""A sweep's wall time against the number of Dask workers, on a real cluster on loopback.

Run ``python benchmarks/sweep_workers.py`` from the repository root (``--quick`` for a
smaller grid; ``--workers 1,2,4`` and ``--chunks 2,5,50`` to choose what is measured).
It starts a standalone ``dask scheduler`` and ``dask worker`` processes (one thread each)
on 127.0.0.1, adds workers one by one, and times the same sweep through
:func:`simulation.backends.run_sweep` at each size: with the default chunk size (about four
chunks per worker) and with the given fixed chunk sizes. The sweep is the one of issue
"Fast where the user is": ``rosca-v2``, a 50 x 50 grid of ``delta`` and ``zeta``, 20 runs x
50 steps per point. Every table is checked equal to the one computed in this process
before its time is printed; the first sweep on each new set of workers is a warm-up (the
workers import the project), not timed. Prints a Markdown table. Nothing is asserted about
time: the test suite has no timing tests.
"""

from __future__ import annotations

import argparse
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulation.backends import cores, default_chunk, run_sweep  # noqa: E402
from simulation.experiment import Experiment, cartesian  # noqa: E402
from theory.models import get_model  # noqa: E402

DASK = str(Path(sys.executable).with_name("dask"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def experiment(n: int, runs: int, steps: int) -> Experiment:
    m = get_model("rosca-v2")
    deltas = [round(0.05 + 2.0 * k / (n - 1), 6) for k in range(n)]
    zetas = [round(0.02 + 0.96 * k / (n - 1), 6) for k in range(n)]
    points = cartesian({"delta": deltas, "zeta": zetas})
    return Experiment(m, points=points, runs=runs, steps=steps, seed=0)


def sweep(exp: Experiment, **kw: object) -> tuple[float, pd.DataFrame]:
    t = time.perf_counter()
    table = pd.concat(run_sweep(exp, **kw), ignore_index=True)  # type: ignore[arg-type]
    return time.perf_counter() - t, table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a 20 x 20 grid")
    ap.add_argument("--workers", default="1,2,4", help="worker counts (default 1,2,4)")
    ap.add_argument("--chunks", default="2,5,50", help="fixed chunk sizes to time as well")
    args = ap.parse_args()
    n = 20 if args.quick else 50
    runs, steps = 20, 50
    counts = sorted({int(w) for w in args.workers.split(",")})
    fixed = [int(c) for c in args.chunks.split(",") if c]
    exp = experiment(n, runs, steps)
    print(
        f"Measured on: {platform.processor() or platform.machine()}, {cores()} cores; "
        f"Python {platform.python_version()}\n\nrosca-v2, {n} x {n} grid of delta and zeta, "
        f"{runs} runs x {steps} steps per point; standalone scheduler and single-thread "
        "workers on 127.0.0.1\n",
        flush=True,
    )
    size = default_chunk(exp.n_points, runs, steps, 1)
    base, local = sweep(exp, chunk_points=size)
    rows = [("this process (`--backend local`)", 0, "-", str(size), base)]
    folder = Path(tempfile.mkdtemp(prefix="sweep-workers-"))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs: list[subprocess.Popen[bytes]] = []

    def start(argv: list[str]) -> None:
        log = open(folder / f"p{len(procs)}.log", "w")  # noqa: SIM115 - closed below
        procs.append(subprocess.Popen(argv, stdout=log, stderr=log, cwd=folder))
        log.close()

    try:
        start([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"])
        for w in counts:
            while len(procs) - 1 < w:
                start(
                    [DASK, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard"]
                    + ["--host", "127.0.0.1", "--local-directory", str(folder / f"w{len(procs)}")]
                )
            on = {"backend": "dask", "scheduler": address, "connect_timeout": 120}
            # warm-up: waits until the cluster has w threads; the new workers import
            sweep(experiment(4, runs, steps), workers=w, **on)
            for chunk in [None, *fixed]:
                size = chunk or default_chunk(exp.n_points, runs, steps, w)
                seconds, table = sweep(exp, chunk_points=chunk, **on)
                pd.testing.assert_frame_equal(table, local)
                label = f"{size} (default)" if chunk is None else str(size)
                rows.append((f"{w} worker{'s' if w > 1 else ''}", w, str(chunk), label, seconds))
                print(f"  {w} workers, chunk {label}: {seconds:.2f} s", file=sys.stderr)
    finally:
        for p in procs:
            p.kill()
        for p in procs:
            p.wait(timeout=30)
    first = {kind: seconds for _, w, kind, _, seconds in rows if w == counts[0]}
    print(f"| where | chunk (points) | time | against {counts[0]} worker(s), same chunk rule |")
    print("|---|---|---|---|")
    for where, w, kind, label, seconds in rows:
        ratio = f"{first[kind] / seconds:.2f}x" if w and kind in first else ""
        print(f"| {where} | {label} | {seconds:.2f} s | {ratio} |")
    print(f"\nAll {len(rows)} tables are equal to the one computed in this process.")
    print(f"Logs of the scheduler and workers: {folder}", file=sys.stderr)


if __name__ == "__main__":
    main()
