"""``rosca compare``: theory against simulation at one point: predicted and simulated
frequencies, distance, regime and a verdict that can fail (agree, disagree or
inconclusive, with the runs that would decide it).

For a many-round model with learning members the learned behaviour (one greedy game after
learning over games in sequence) is held against the derived one-shot-deviation
constraints, member by member; for a model's own random behaviour, against the outcomes
its mechanisms give in expectation.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from reports.cli.common import (
    add_point_options,
    add_run_options,
    build_experiment,
    check_health,
    non_negative_int,
    progress_bar,
)
from theory.errors import RoscaError

#: Games a learner plays in sequence when --steps is not given (a many-round model).
LEARNING_GAMES = 1000


def _tolerance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1), got {text!r}")
    return value


def add_parser(sub: Any) -> None:
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
    p.add_argument(
        "--tolerance",
        type=_tolerance,
        metavar="X",
        help="largest difference still called agreement (default 0.05; 0.1 for the members "
        "of a many-round model, as a share of runs)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")


def _many_rounds(exp: Any, args: argparse.Namespace) -> dict[str, Any]:
    from simulation.batched import run_batched
    from simulation.compare_rounds import compare_rounds
    from simulation.members import compare_expected

    keys = list(exp.model.state_keys)
    with progress_bar("simulating", unit="steps") as bar:
        traj = run_batched(exp, keys=keys, progress=lambda t: bar(t, exp.n_steps))
    if exp.behaviour.kind == "native":
        return compare_expected(exp, traj, args.tolerance or 0.05)
    return compare_rounds(exp, traj, args.tolerance or 0.1).to_dict()


def run(args: argparse.Namespace) -> int:
    from simulation.runner import compare, simulate

    exp = build_experiment(args)
    if exp.model.many_rounds:
        if args.burn_in is not None:
            raise RoscaError(
                "--burn-in has no effect on a many-round model: the members' learned "
                "behaviour is read from one game after learning"
            )
        if args.engine != "batched":
            raise RoscaError("a many-round comparison runs on --engine batched")
        if args.steps is None and exp.behaviour.kind != "native":
            from dataclasses import replace

            rounds = exp.rounds(exp.numeric(exp.points[0]))
            exp = replace(exp, steps=LEARNING_GAMES * rounds)
        d = _many_rounds(exp, args)
        if args.format == "json":
            sys.stdout.write(json.dumps(d, indent=2) + "\n")
        else:
            sys.stdout.write(f"{exp.model.name} with policy {exp.policy_name}\n{d['text']}\n")
        return 0
    if args.burn_in is not None and args.burn_in >= exp.n_steps:
        raise RoscaError(f"--burn-in must be below --steps ({exp.n_steps}), got {args.burn_in}")
    with progress_bar("simulating") as bar:
        df = simulate(exp, engine=args.engine, workers=args.workers, progress=bar)
    check_health(exp, df)
    (c,) = compare(exp, df, args.burn_in, args.tolerance or 0.05)
    if args.format == "json":
        sys.stdout.write(json.dumps(c.to_dict(), indent=2) + "\n")
    else:
        names = [pl.name for pl in exp.model.players]
        sys.stdout.write(
            f"{c.model} with policy {c.policy}\n"
            f"predicted ({c.prediction.kind}; {c.prediction.why}):\n"
            + "".join(
                f"  {n}: {[round(v, 4) for v in u]}\n" for n, u in zip(names, c.predicted_profile)
            )
            + "simulated:\n"
            + "".join(
                f"  {n}: {[round(v, 4) for v in u]}\n" for n, u in zip(names, c.simulated_profile)
            )
            + f"{c.text}\n"
        )
    return 0
