"""Sub-commands that run simulations: ``simulate``, ``compare`` and ``report``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from reports.files import atomic_write, check_table_path
from theory.errors import RoscaError


def _int_at_least(lowest: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number >= ``lowest``, with a one-line error otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = lowest - 1
        if value < lowest:
            raise argparse.ArgumentTypeError(f"must be a {what} integer, got {text!r}")
        return value

    return parse


positive_int = _int_at_least(1, "positive")
non_negative_int = _int_at_least(0, "non-negative")


def add_run_options(p: argparse.ArgumentParser, runs_default: int) -> None:
    p.add_argument("--policy", metavar="NAME", help="behaviour (default: the model's own)")
    p.add_argument("--runs", type=positive_int, default=runs_default, metavar="N")
    p.add_argument(
        "--steps", type=positive_int, metavar="T", help="timesteps per run (default: the model's)"
    )
    p.add_argument("--seed", type=non_negative_int, default=0, metavar="S")
    p.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        metavar="N",
        help="processes for the cadcad engine",
    )
    p.add_argument("--engine", choices=("batched", "cadcad"), default="batched")


@contextmanager
def progress_bar(desc: str) -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar on standard error, silent when standard error is not a terminal."""
    from tqdm import tqdm

    bar: Any = None
    enabled = sys.stderr.isatty()

    def update(done: int, total: int) -> None:
        nonlocal bar
        if not enabled:
            return
        if bar is None:
            bar = tqdm(total=total, desc=desc, file=sys.stderr, leave=False)
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()


def build_experiment(args: argparse.Namespace) -> Any:
    from simulation.experiment import Experiment
    from simulation.policies import POLICY_PARAMETERS, check_policy
    from theory.models import get_model
    from theory.parameters import parse_assignments, resolve

    model = get_model(args.model)
    values, extra = resolve(model, parse_assignments(args.sets), args.params, POLICY_PARAMETERS)
    policy = check_policy(model, args.policy) if args.policy else None
    return Experiment(
        model,
        points=[values],
        policy=policy,
        runs=args.runs,
        steps=args.steps,
        seed=args.seed,
        policy_parameters=extra,
    )


def _write_frame(df: Any, out: str) -> None:
    path = check_table_path(out)
    if path.suffix.lower() == ".parquet":
        atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))
    else:
        atomic_write(path, lambda tmp: df.to_csv(tmp, index=False))


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


def _is_circle(name: str) -> bool:
    from theory.models import CIRCLES

    return name in CIRCLES


def cmd_simulate(args: argparse.Namespace) -> int:
    from simulation.analysis import analyse_runs
    from simulation.runner import simulate

    if _is_circle(args.model):
        from reports.cli_circle import cmd_simulate as circle_simulate

        return circle_simulate(args)
    exp = build_experiment(args)
    if args.out:
        check_table_path(args.out)
    with progress_bar("simulating") as bar:
        df = simulate(exp, engine=args.engine, workers=args.workers, progress=bar)
    summary = analyse_runs(exp, df).to_dict()
    if args.out:
        _write_frame(df, args.out)
        summary["out"] = args.out
    if args.format == "json":
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        sys.stdout.write(_text_summary(summary))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from simulation.runner import compare, simulate

    if _is_circle(args.model):
        from reports.cli_circle import cmd_compare as circle_compare

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


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "simulate": cmd_simulate,
    "compare": cmd_compare,
}


def add_commands(sub: Any, add_point_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register the simulation sub-commands on the ``rosca`` parser."""
    p = sub.add_parser("simulate", help="simulate a model; trajectories to a file, summary out")
    p.add_argument("model", metavar="MODEL")
    add_point_options(p)
    add_run_options(p, runs_default=1)
    p.add_argument("--out", metavar="FILE.csv|FILE.parquet")
    p.add_argument("--format", choices=("text", "json"), default="text")

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

    from reports import cli_report, cli_sweep

    cli_report.add_command(sub, add_point_options, add_run_options)
    HANDLERS["report"] = cli_report.cmd_report
    cli_sweep.add_command(sub, add_point_options, add_run_options)
    HANDLERS["sweep"] = cli_sweep.cmd_sweep
