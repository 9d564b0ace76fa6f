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

from reports.cli.outputs import atomic_write_text
from theory.errors import ParameterError, printable


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one printable line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{printable(self.prog)}: error: {printable(message, 400)}\n")


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


def _int_at_least(lowest: int, what: str, highest: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number >= ``lowest`` (and <= ``highest``), with a one-line
    error otherwise."""
    most = "" if highest is None else f" at most {highest:,}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = lowest - 1
        if value < lowest or (highest is not None and value > highest):
            raise argparse.ArgumentTypeError(f"must be a {what} integer{most}, got {text!r}")
        return value

    return parse


positive_int = _int_at_least(1, "positive")
non_negative_int = _int_at_least(0, "non-negative")

MAX_RUNS = 10_000_000
"""The most runs per point a command accepts (a simulation's memory grows with the runs
only through a few numbers per run, see simulation/summaries.py)."""
MAX_STEPS = 1_000_000
"""The most timesteps per run a command accepts."""
MAX_WORKERS = 1024
"""The most worker processes a command accepts."""
MAX_SEED = 2**63 - 1
"""The largest seed: it is written to the int64 ``seed`` column of every table."""


def add_run_options(p: argparse.ArgumentParser, runs_default: int) -> None:
    """The options that describe a simulation: policy, runs, steps, seed, engine."""
    p.add_argument("--policy", metavar="NAME", help="behaviour (default: the model's own)")
    p.add_argument(
        "--runs",
        type=_int_at_least(1, "positive", MAX_RUNS),
        default=runs_default,
        metavar="N",
        help=f"runs per parameter point (at most {MAX_RUNS:,})",
    )
    p.add_argument(
        "--steps",
        type=_int_at_least(1, "positive", MAX_STEPS),
        metavar="T",
        help=f"timesteps per run (default: the model's; at most {MAX_STEPS:,})",
    )
    p.add_argument(
        "--seed",
        type=_int_at_least(0, "non-negative", MAX_SEED),
        default=0,
        metavar="S",
        help="the root of every random number (at most 2**63 - 1: it is a table column)",
    )
    p.add_argument(
        "--workers",
        type=_int_at_least(1, "positive", MAX_WORKERS),
        default=1,
        metavar="N",
        help=f"processes for the cadcad engine (at most {MAX_WORKERS:,})",
    )
    p.add_argument("--engine", choices=("batched", "cadcad"), default="batched")


@contextmanager
def progress_bar(desc: str, unit: str = "it") -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar on standard error, silent when standard error is not a terminal;
    ``update(done, total)`` counts ``unit``s (shown as 1.2M for a unit other than "it")."""
    bar: Any = None
    enabled = sys.stderr.isatty()

    def update(done: int, total: int) -> None:
        nonlocal bar
        if not enabled:
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(
                total=total,
                desc=desc,
                file=sys.stderr,
                leave=False,
                unit=unit,
                unit_scale=unit != "it",
            )
        if total != bar.total:  # work found along the way (another derivation)
            bar.total = total
        bar.update(done - bar.n)  # redraws at most every tqdm.mininterval seconds

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


def given_names(args: argparse.Namespace) -> set[str]:
    """The parameter names a command's ``--set`` and ``--params`` give."""
    from theory.parameters import parse_assignments, read_toml

    names = set(parse_assignments(args.sets))
    if args.params is not None:
        names |= set(read_toml(args.params))
    return names


def check_workers(engine: str, workers: int) -> None:
    """Refuse ``--workers`` where it would be silently ignored: with the batched engine.
    (A policy parameter the policy does not read is refused by
    :func:`simulation.policies.check_parameters`.)

    Examples
    --------
    >>> check_workers("cadcad", 2)
    >>> check_workers("batched", 2)
    Traceback (most recent call last):
    ...
    theory.errors.ParameterError: --workers 2 has no effect with --engine batched (it steps ...
    """
    if engine == "batched" and workers != 1:
        raise ParameterError(
            f"--workers {workers} has no effect with --engine batched (it steps every run at "
            "once in one process); --workers is for --engine cadcad"
        )


def check_health(exp: Any, df: Any) -> None:
    """Refuse a simulation whose recorded state stops being finite (see
    :func:`simulation.health.check_finite`)."""
    from simulation.health import check_finite

    check_finite(exp, df)


def build_experiment(args: argparse.Namespace) -> Any:
    """The simulation experiment the options of a command describe, every option checked
    (values, policy, options without effect, the payoffs' numeric range)."""
    from simulation.experiment import Experiment
    from simulation.policies import POLICY_PARAMETERS, check_model_parameters, check_policy
    from theory.models import get_model
    from theory.parameters import check_payoff_range, parse_assignments, resolve

    model = get_model(args.model)
    values, extra = resolve(
        model, parse_assignments(args.sets), args.params, POLICY_PARAMETERS, model.options
    )
    policy = check_policy(model, args.policy) if args.policy else None
    given = given_names(args)  # reads --params once
    check_model_parameters(model, policy, given)
    check_workers(args.engine, args.workers)
    check_payoff_range(model, values)
    options = {o.name: extra.pop(o.name) for o in model.options if o.name in extra}
    if model.check is not None:
        model.check(values | options)
    return Experiment(
        model,
        points=[values | options],
        policy=policy,
        runs=args.runs,
        steps=args.steps,
        seed=args.seed,
        policy_parameters={k: v for k, v in extra.items() if k in given},
    )
