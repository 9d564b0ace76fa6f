"""``rosca design``: the enforcement problem of the circle (and, until the circle is a model
of the general core, its ``simulate`` and ``compare`` paths)."""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from typing import Any

from reports.cli.common import add_point_options, write_frame
from reports.cli.outputs import check_table_path


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "design", help="least collateral by position that keeps every member paying (rosca-circle)"
    )
    p.add_argument("model", metavar="MODEL")
    p.add_argument("--target", choices=("no-default",), default="no-default")
    add_point_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")


def circle_values(args: argparse.Namespace) -> tuple[Any, dict[str, Fraction], dict[str, Any]]:
    from theory.models import get_circle
    from theory.parameters import parse_assignments, resolve

    model = get_circle(args.model)
    values, options = resolve(
        model, parse_assignments(args.sets), args.params, options=model.options
    )
    model.check(values, options)
    return model, values, options


def design_dict(values: dict[str, Fraction]) -> dict[str, Any]:
    from theory.circle import design, expected_collected, full_pot_probability

    vals = dict(values)
    if int(vals["rating_gate"]) == 0:
        vals["cycles"] = Fraction(1)
    dsg = design(vals)
    n, p = dsg.n, Fraction(values["default_probability"])
    return {
        "model": "rosca-circle",
        "target": "no-default",
        "parameters": {k: float(v) for k, v in values.items()},
        "positions": [
            {
                "position": e.position,
                "temptation": float(e.temptation),
                "future_value": float(e.future_value),
                "required_collateral": float(e.required_collateral),
            }
            for e in dsg.positions
        ],
        "least_uniform_collateral": float(dsg.least_uniform_collateral),
        "binding_position": dsg.binding_position,
        "exclusion_alone_fails_at": list(dsg.exclusion_fails_at),
        "v1": {
            "full_pot_probability": float(full_pot_probability(n, p)),
            "collected_mean": float(expected_collected(n, dsg.c, p)),
        },
    }


def run(args: argparse.Namespace) -> int:
    _, values, _ = circle_values(args)
    d = design_dict(values)
    if args.format == "json":
        sys.stdout.write(json.dumps(d, indent=2) + "\n")
        return 0
    v = d["parameters"]
    lines = [
        f"rosca-circle, no-default design: n = {int(v['members'])}, c = {v['contribution']:g}, "
        f"d = {v['discount']:g}, sanction = {v['sanction']:g}, cycles = {int(v['cycles'])}",
        "",
        "position  temptation  future value  required collateral",
    ]
    for e in d["positions"]:
        lines.append(
            f"{e['position']:>8}  {e['temptation']:>10.2f}  {e['future_value']:>12.2f}  "
            f"{e['required_collateral']:>19.2f}"
        )
    fails = d["exclusion_alone_fails_at"]
    lines += [
        "",
        f"least uniform collateral: {d['least_uniform_collateral']:.2f} (binding "
        f"position {d['binding_position']})",
        "exclusion from later cycles alone deters "
        + ("every position" if not fails else f"no one at positions {', '.join(map(str, fails))}"),
        f"version 1 (p = {v['default_probability']:g}): full pot with probability "
        f"{d['v1']['full_pot_probability']:.4f}, {d['v1']['collected_mean']:.2f} collected "
        "per round on average",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def build(args: argparse.Namespace) -> Any:
    from simulation.circle import CircleExperiment

    model, values, options = circle_values(args)
    return CircleExperiment(model, values, options, args.policy, args.runs, args.seed)


def circle_simulate(args: argparse.Namespace) -> int:
    from simulation.circle_outcomes import frame, summarise_circle
    from simulation.runner import simulate_circle

    exp = build(args)
    if args.out:
        check_table_path(args.out)
    run = simulate_circle(exp, args.engine)
    s = summarise_circle(run)
    if args.out:
        write_frame(frame(run), args.out)
        s["out"] = args.out
    if args.format == "json":
        sys.stdout.write(json.dumps(s, indent=2) + "\n")
    else:
        sys.stdout.write(
            f"rosca-circle with policy {s['policy']}: {s['runs']} run(s) x {s['rounds']} rounds, "
            f"{s['members']} members, seed {s['seed']}\n"
            f"full pot in {s['full_pot_rate']:.1%} of rounds; {s['collected_mean']:.2f} collected "
            f"per round; cycles completed without a default: {s['completion_rate']:.1%}\n"
            f"defaults by position (share of runs): "
            + ", ".join(f"{k + 1}: {r:.2f}" for k, r in enumerate(s["defaults_by_position"]))
            + f"\nhonest members' losses {s['honest_losses_mean']:.2f}, defaulters' gains "
            f"{s['defaulter_gains_mean']:.2f} per run; contagion (a default followed by more): "
            f"{s['contagion_rate']:.1%} of runs with a default\n"
        )
    return 0


def compare_dict(exp: Any, engine: str = "batched") -> dict[str, Any]:
    from scipy import stats

    from simulation.circle_outcomes import predict_defaults, summarise_circle
    from simulation.runner import simulate_circle

    run = simulate_circle(exp, engine)
    s = summarise_circle(run)
    n = s["members"]
    if exp.policy_name == "v1":
        theory = s["full_pot_probability_theory"]
        rounds = int(run.real.sum())
        se = (theory * (1 - theory) / rounds) ** 0.5
        z = float(stats.norm.ppf(0.999))
        distance = abs(s["full_pot_rate"] - theory)
        agree = distance <= z * se
        return {
            "model": exp.model.name,
            "policy": "v1",
            "predicted": {"full_pot_rate": theory, "collected_mean": s["collected_mean_theory"]},
            "simulated": {
                "full_pot_rate": s["full_pot_rate"],
                "collected_mean": s["collected_mean"],
                "rounds": rounds,
            },
            "distance": distance,
            "tolerance": z * se,
            "agree": bool(agree),
            "period": None,
            "verdict": f"{'AGREE' if agree else 'DISAGREE'}: full pot in {s['full_pot_rate']:.4f} "
            f"of {rounds} rounds against (1 - p)^n = {theory:.4f} (tolerance "
            f"{z * se:.4f}, 99.8 % normal interval)",
        }
    pred = predict_defaults(exp)
    predicted = [1.0 if k in pred.tempted else 0.0 for k in range(1, n + 1)]
    simulated = s["defaults_by_position"]
    distance = max(abs(a - b) for a, b in zip(predicted, simulated))
    rounds_ok = all(s["default_round_by_position"][k - 1] == k + 1 for k in pred.tempted)
    agree = distance == 0 and rounds_ok
    return {
        "model": exp.model.name,
        "policy": exp.policy_name,
        "predicted": {
            "defaults_by_position": predicted,
            "tempted": list(pred.tempted),
            "required_collateral": list(pred.required),
            "held": list(pred.held),
        },
        "simulated": {
            "defaults_by_position": simulated,
            "default_round_by_position": s["default_round_by_position"],
        },
        "distance": distance,
        "agree": bool(agree),
        "period": None,
        "verdict": f"{'AGREE' if agree else 'DISAGREE'}: theory predicts defaults right after "
        f"receiving at positions {list(pred.tempted) or 'none'}; simulated default "
        f"shares by position {[round(x, 3) for x in simulated]}",
    }


def circle_compare(args: argparse.Namespace) -> int:
    d = compare_dict(build(args), args.engine)
    if args.format == "json":
        sys.stdout.write(json.dumps(d, indent=2) + "\n")
    else:
        sys.stdout.write(d["verdict"] + "\n")
    return 0
