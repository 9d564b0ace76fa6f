"""What every ``rosca`` sub-command shares: the one-line-error parser, the options that
pick a parameter point and a simulation, the progress bar and the way output is emitted.

Nothing heavy is imported at module level, so ``rosca --help`` starts fast; each command
imports what it uses when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from reports.cli.outputs import atomic_write, atomic_write_text, check_table_path


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def add_point_options(p: argparse.ArgumentParser) -> None:
    """``--set NAME=VALUE`` (repeatable) and ``--params FILE.toml``."""
    p.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a parameter (repeatable)",
    )
    p.add_argument("--params", metavar="FILE.toml", help="read parameter values from a TOML file")


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
    """The options that describe a simulation: policy, runs, steps, seed, engine."""
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
    bar: Any = None
    enabled = sys.stderr.isatty()

    def update(done: int, total: int) -> None:
        nonlocal bar
        if not enabled:
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, desc=desc, file=sys.stderr, leave=False)
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()


def emit(text: str, out: str | None) -> None:
    """Write ``text`` to ``out`` atomically, or to standard output."""
    if not text.endswith("\n"):
        text += "\n"
    if out:
        atomic_write_text(out, text)
    else:
        sys.stdout.write(text)


def write_frame(df: Any, out: str) -> None:
    """A DataFrame to ``.csv`` or ``.parquet``, atomically."""
    path = check_table_path(out)
    if path.suffix.lower() == ".parquet":
        atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))
    else:
        atomic_write(path, lambda tmp: df.to_csv(tmp, index=False))


def build_experiment(args: argparse.Namespace) -> Any:
    """The simulation experiment the options of a command describe."""
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
