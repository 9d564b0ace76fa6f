"""Whole commands as a user runs them: ``rosca simulate`` against a cadCAD script.

Run ``python benchmarks/commands.py`` from the repository root (``--quick`` for smaller
sizes). Each measurement is a fresh process (``subprocess``): its wall time, and its peak
resident memory from the kernel's accounting of that child (``os.wait4``). Each side's
fixed cost (the same command at 1 run x 1 step: interpreter, imports, model compilation)
is measured the same way and subtracted for the throughput columns; ``rosca --help`` is
shown too (it imports nothing numerical, so subtracting it alone would count the
command's imports as work).

Work: ``rosca simulate rosca-v2 --policy fictitious-play --steps 120 --runs N --format
json`` (the batched engine, chunked) at N = 1e3, 1e4, 1e5 and 1e6, against
``benchmarks/cadcad_simulate.py``, which runs the same model and policy through cadCAD
0.5.3 and the same analysis. cadCAD takes about 13 ms per run here, so it is measured at
sizes it can do (1e2 and 1e3 runs) and its time and memory are extrapolated linearly
(a straight line through the two measurements) to the larger sizes; the table marks those
figures as extrapolated. At 1e3 runs the two summaries are checked equal before anything
is printed. Also measured: ``rosca --help`` and the default ``rosca report``.

Prints a Markdown table, writes it to ``benchmarks/commands.md`` and draws
``docs/command_scaling.png`` (time and peak memory against runs). Nothing here is
asserted: the test suite has no timing tests.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe  # benchmarks/, on the path when run as a script

ROOT = Path(__file__).resolve().parents[1]
ROSCA = [sys.executable, "-m", "reports.cli"]
CADCAD = [sys.executable, str(ROOT / "benchmarks" / "cadcad_simulate.py")]
WORK = ["rosca-v2", "--policy", "fictitious-play", "--steps", "120"]
STEPS = 120


def measure(cmd: list[str]) -> tuple[float, float, str]:
    """Wall time (s), peak resident memory (MiB) and standard output of one process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed with status {proc.returncode}")
    return wall, usage.ru_maxrss / 1024, text


def best(cmd: list[str], repeat: int) -> tuple[float, float, str]:
    runs = [measure(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs), runs[0][2]


def machine() -> str:
    return describe(after_memory=f", load {os.getloadavg()[0]:.1f} at the start")


def drop_out(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k != "out"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes")
    args = ap.parse_args()
    sizes = [10**3, 10**4] if args.quick else [10**3, 10**4, 10**5, 10**6]
    cad_sizes = [20, 100] if args.quick else [100, 1000]
    header = machine() + (" (quick mode)" if args.quick else "")
    print(header, flush=True)

    help_time, help_mem, _ = best([*ROSCA, "--help"], 5)
    one = ["--runs", "1", "--steps", "1"]
    rosca_fixed, _, _ = best([*ROSCA, "simulate", *WORK[:3], *one], 3)
    cad_fixed, _, _ = best([*CADCAD, *WORK[:3], *one], 3)

    rosca = {}
    for n in sorted(set(sizes) | {cad_sizes[-1]}):
        cmd = [*ROSCA, "simulate", *WORK, "--runs", str(n), "--format", "json"]
        wall, mem, text = best(cmd, 3 if n <= 10**4 else 1)
        rosca[n] = (wall, mem, json.loads(text))
        print(f"rosca {n:,} runs: {wall:.2f} s, {mem:.0f} MiB", flush=True)
    cad = {}
    for n in cad_sizes:
        wall, mem, text = measure([*CADCAD, *WORK, "--runs", str(n)])
        cad[n] = (wall, mem, json.loads(text))
        print(f"cadCAD {n:,} runs: {wall:.2f} s, {mem:.0f} MiB", flush=True)
    check = cad_sizes[-1]
    assert drop_out(rosca[check][2]) == drop_out(cad[check][2]), "summaries differ"

    (n0, (t0, m0, _)), (n1, (t1, m1, _)) = sorted(cad.items())
    t_slope, m_slope = (t1 - t0) / (n1 - n0), (m1 - m0) / (n1 - n0)

    def cad_at(n: int) -> tuple[float, float, bool]:
        if n in cad:
            return cad[n][0], cad[n][1], False
        return t1 + t_slope * (n - n1), m1 + m_slope * (n - n1), True

    rows = []
    points = []
    for n in sizes:
        wall, mem, _ = rosca[n]
        work = max(wall - rosca_fixed, 1e-3)
        c_wall, c_mem, extrapolated = cad_at(n)
        c_work = max(c_wall - cad_fixed, 1e-3)
        mark = " (extrapolated)" if extrapolated else ""
        rows.append(
            f"| {n:,} | {wall:.2f} s | {mem:,.0f} MiB | {n * STEPS / work:.3g} "
            f"| {c_wall:,.0f} s{mark} | {c_mem:,.0f} MiB{mark} | {n * STEPS / c_work:.3g} "
            f"| {c_work / work:,.0f}x | {c_wall / wall:,.0f}x |"
        )
        points.append((n, wall, mem, c_wall, c_mem, extrapolated))
    report_time, report_mem, _ = measure([*ROSCA, "report", "--out", tempfile.mkdtemp() + "/r"])
    lines = [
        f"Measured on: {header}",
        "",
        f"Start-up: `rosca --help` {help_time:.2f} s ({help_mem:.0f} MiB); the fixed cost of "
        f"each side (the same command at 1 run x 1 step: imports, model compilation), "
        f"subtracted for the run-steps/s columns: `rosca simulate` {rosca_fixed:.2f} s, the "
        f"cadCAD script {cad_fixed:.2f} s. Default `rosca report`: {report_time:.1f} s "
        f"({report_mem:.0f} MiB).",
        "",
        "| runs | rosca wall | rosca peak | rosca run-steps/s | cadCAD wall | cadCAD peak "
        "| cadCAD run-steps/s | ratio, fixed costs subtracted | ratio, whole commands |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"cadCAD measured at {', '.join(f'{n:,}' for n in cad_sizes)} runs; larger sizes "
        "are a straight line through those two measurements (marked). The two sides' "
        f"summaries at {check:,} runs are checked equal.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick:
        (ROOT / "benchmarks" / "commands.md").write_text(text)
        plot(points, ROOT / "docs" / "command_scaling.png")


def plot(points: list[tuple[int, float, float, float, float, bool]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [p[0] for p in points]
    fig, (a, b) = plt.subplots(1, 2, figsize=(9.5, 3.8))
    for ax, i, j, label in (
        (a, 1, 3, "wall time of the whole command (s)"),
        (b, 2, 4, "peak memory (MiB)"),
    ):
        ax.plot(n, [p[i] for p in points], "o-", color="#4C72B0", label="rosca simulate")
        measured = [(p[0], p[j]) for p in points if not p[5]]
        guessed = [(p[0], p[j]) for p in points if p[5]]
        if measured:
            ax.plot(*zip(*measured), "s-", color="#DD8452", label="cadCAD script (measured)")
        if guessed:
            line = (measured[-1:] if measured else []) + guessed
            ax.plot(*zip(*line), "s--", color="#DD8452", mfc="none", label="cadCAD (extrapolated)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("runs (120 steps each)")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
    b.axhline(2048, color="grey", lw=0.8, ls=":")
    a.legend(fontsize=8)
    fig.suptitle("rosca-v2, fictitious-play: whole commands, one process each", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
