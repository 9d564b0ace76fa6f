"""Benchmarks: the same work through the peers and through the toolkit, in one process.

Run ``python benchmarks/run.py`` (``--quick`` for a smaller version of each workload).
It prints a Markdown table of wall times and ratios and writes it to
``benchmarks/results.md``. Nothing here is asserted: the test suite has no timing tests.

Workloads (issue "Speed and scale"):

1. cadCAD 0.5.3 in its single-process mode (its fastest correct mode: its multi-process
   mode is slower on 2 cores, docs/domain.md section 5) against the batched engine, on 1,000
   runs x 120 steps of ``rosca-v2`` with ``fictitious-play``; the outputs are checked equal.
2. The batched engine alone: the inspection game with ``fictitious-play`` at 1e5 runs,
   in run-steps per second on one core.
3. A 1e6-point equilibrium grid of the inspection game (the closed-form conditions,
   lambdified and vectorised) against nashpy's support enumeration point by point
   (measured on a sample of the same points and scaled to the grid; the regimes are
   checked to agree on the sample).
4. A sweep of 5e7 run-steps (50 x 50 grid x 100 runs x 200 steps) on 2 processes, with
   its peak memory.
5. The default ``rosca report``.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from machine import describe  # noqa: E402  (benchmarks/, on the path as a script)

from simulation.backends import run_sweep  # noqa: E402
from simulation.batched import run_batched  # noqa: E402
from simulation.cadcad_adapter import run_cadcad  # noqa: E402
from simulation.experiment import Experiment, cartesian  # noqa: E402
from simulation.frames import from_batched, from_cadcad  # noqa: E402
from theory.models import get_model  # noqa: E402
from theory.payoffs import stage_game  # noqa: E402
from theory.regions import regime_grid  # noqa: E402


def timed(f, repeat=1):  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def machine() -> str:
    return describe(after_python=f", numpy {np.__version__}")


def bench_cadcad(runs: int, steps: int) -> list[tuple[str, str, str, str]]:
    exp = Experiment(
        get_model("rosca-v2"), policy="fictitious-play", runs=runs, steps=steps, seed=1
    )
    t_cad, raw = timed(lambda: run_cadcad(exp))
    t_bat, traj = timed(lambda: run_batched(exp), repeat=3)
    a, b = from_cadcad(exp, raw), from_batched(traj)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)  # identical output
    t_frame, _ = timed(lambda: from_batched(run_batched(exp)), repeat=3)
    work = f"rosca-v2, fictitious-play, {runs:,} runs x {steps} steps"
    return [
        (work, "cadCAD single-process", f"{t_cad:.2f} s", "1"),
        (work, "batched engine (arrays)", f"{t_bat * 1e3:.1f} ms", f"{t_cad / t_bat:,.0f}x"),
        (
            work,
            "batched engine + tidy frame",
            f"{t_frame * 1e3:.1f} ms",
            f"{t_cad / t_frame:,.0f}x",
        ),
    ]


def bench_throughput(runs: int, steps: int) -> list[tuple[str, str, str, str]]:
    exp = Experiment(get_model("inspection"), policy="fictitious-play", runs=runs, steps=steps)
    t, _ = timed(lambda: run_batched(exp, keys=["Verifier_On", "Cheater_On"]), repeat=2)
    rate = runs * steps / t
    return [
        (
            f"inspection, fictitious-play, {runs:,} runs x {steps} steps",
            "batched engine",
            f"{t:.2f} s",
            f"{rate:.3g} run-steps/s",
        )
    ]


def bench_grid(n: int, sample: int) -> list[tuple[str, str, str, str]]:
    import nashpy as nash

    m = get_model("inspection")
    P = np.linspace(0.01, 5, n)
    C = np.linspace(0.01, 6, n)
    regime_grid(m, m.defaults(), "P", P[:2], "C", C[:2])  # compile once
    t_grid, grid = timed(lambda: regime_grid(m, m.defaults(), "P", P, "C", C), repeat=2)
    rng = np.random.default_rng(0)
    idx = rng.integers(0, n, size=(sample, 2))
    game = stage_game(m)
    vals = dict(m.defaults())

    def nashpy_points() -> list[int]:
        counts = []
        for i, j in idx:
            vals["P"], vals["C"] = P[j], C[i]
            A, B = game.numeric(vals)
            counts.append(len(list(nash.Game(A, B).support_enumeration())))
        return counts

    t_nash, counts = timed(nashpy_points)
    # the grid's regimes agree with nashpy's count of equilibria at the sampled points
    for (i, j), c in zip(idx, counts):
        assert bin(int(grid.codes[i, j])).count("1") == c
    per_point = t_nash / sample
    total = per_point * n * n
    work = f"inspection equilibrium grid, {n * n:,} points"
    return [
        (
            work,
            f"nashpy point by point (measured on {sample:,} points)",
            f"{total:,.0f} s (scaled)",
            "1",
        ),
        (work, "vectorised closed forms", f"{t_grid:.2f} s", f"{total / t_grid:,.0f}x"),
    ]


def bench_sweep(n: int, runs: int, steps: int, workers: int) -> list[tuple[str, str, str, str]]:
    m = get_model("inspection")
    pts = cartesian({"P": list(np.linspace(0.5, 5, n)), "C": list(np.linspace(0.5, 6, n))})
    exp = Experiment(m, points=pts, policy="fictitious-play", runs=runs, steps=steps)
    t, rows = timed(
        lambda: sum(len(tb) for tb in run_sweep(exp, backend="processes", workers=workers))
    )
    assert rows == n * n
    peak = (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 2**20
    )
    return [
        (
            f"sweep {n}x{n} grid x {runs} runs x {steps} steps "
            f"({n * n * runs * steps:.2g} run-steps)",
            f"batched, {workers} processes",
            f"{t:.1f} s",
            f"peak RSS {peak:.2f} GiB",
        )
    ]


def bench_report() -> list[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory() as d:
        cmd = [sys.executable, "-m", "reports.cli", "report", "--out", str(Path(d) / "r")]
        t, _ = timed(lambda: subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT))
    return [("default `rosca report` (rosca-v2), whole command", "rosca", f"{t:.1f} s", "")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller workloads")
    args = ap.parse_args()
    q = args.quick
    rows = []
    rows += bench_cadcad(100 if q else 1000, 120)
    rows += bench_throughput(10_000 if q else 100_000, 100)
    rows += bench_grid(300 if q else 1000, 300 if q else 2000)
    rows += bench_sweep(20 if q else 50, 100, 200, 2)
    rows += bench_report()
    lines = [
        f"Measured on: {machine()}" + (" (quick mode)" if q else ""),
        "",
        "| workload | engine | time | ratio / rate |",
        "|---|---|---|---|",
    ]
    lines += [f"| {w} | {e} | {t} | {r} |" for w, e, t, r in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    if not q:
        (ROOT / "benchmarks" / "results.md").write_text(text)


if __name__ == "__main__":
    main()
