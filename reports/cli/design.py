"""``rosca design MODEL --target PROFILE``: is a strategy profile of a many-round model an
equilibrium, who is tempted where, and the least value of each free parameter (a
collateral, a sanction) or of a parameter solved for numerically (a discount factor) that
makes it one."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from reports.cli.common import add_point_options, emit


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "design", help="a profile's incentive constraints and the least collateral, sanction..."
    )
    p.add_argument("model", metavar="MODEL")
    p.add_argument(
        "--target", metavar="PROFILE", help="the strategy profile (default: the model's first)"
    )
    add_point_options(p)
    p.add_argument(
        "--free",
        action="append",
        metavar="NAME",
        help="keep this parameter symbolic (repeatable; default: the model's key parameters "
        "that the payoffs are affine in)",
    )
    p.add_argument(
        "--solve-for",
        action="append",
        default=[],
        metavar="NAME",
        help="also find the least value of a parameter numerically (e.g. discount)",
    )
    p.add_argument("--constraints", action="store_true", help="list every constraint (text)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")


def design_dict(a: Any, pd: Any) -> dict[str, Any]:
    """The JSON of a design: the profile's conditions, thresholds, a table by player (by
    position for a population) and the model's own extras."""
    from reports.solve_other import common, profile_dict, threshold_dict

    pc = pd.conditions
    out = common(a)
    out.pop("equilibria", None)
    out["target"] = pd.name
    out["equilibrium"] = pc.equilibrium
    out["profile"] = profile_dict(pd)
    out["thresholds"] = {k: threshold_dict(t) for k, t in pd.thresholds.items()}
    name = pd.parameter
    out["by_player_parameter"] = name
    out["positions"] = [
        {
            "position": (m.agent.member + 1) if m.agent.member is not None else k + 1,
            "player": m.agent.name,
            "binding_round": m.binding.round,
            "binding_label": m.binding.label,
            "temptation": m.temptation,
            "future_value": m.future_value,
            f"required_{name}": m.required,
        }
        for k, m in enumerate(pd.members)
    ]
    th = pd.thresholds.get(name) if name else None
    out[f"least_uniform_{name}"] = None if th is None else th.least
    out["binding_position"] = (
        None
        if th is None or th.binding is None or th.binding.agent.member is None
        else th.binding.agent.member + 1
    )
    out["exclusion_alone_fails_at"] = sorted(
        {(m.agent.member or 0) + 1 for m in pd.members if m.gain > 1e-9 * max(1.0, abs(m.gain))}
    )
    extras = a.model.extras(a.model, a.values) if a.model.extras is not None else None
    out["v1"] = (
        None
        if not extras
        else {
            "full_pot_probability": extras.get("first_round_full_pot_rate"),
            "collected_mean": extras.get("first_round_collected_mean"),
        }
    )
    return out


def _text(a: Any, pd: Any, show_all: bool) -> str:
    pc = pd.conditions
    m = a.model
    name = pd.parameter
    lines = [
        f"{m.name}, profile '{pd.name}' ({m.profile(pd.name).meaning}): "
        + ("an equilibrium" if pc.equilibrium else "NOT an equilibrium")
        + " at the point",
        "parameters: "
        + ", ".join(
            f"{k}={v}" for k, v in a.values.items() if k not in {o.name for o in m.options}
        ),
        f"one-shot deviations checked: {len(pc.constraints)} over {pc.horizon} rounds; "
        f"profitable: {len(pc.violated)}",
        "",
    ]
    if name:
        lines.append(
            f"{'player':<14} {'binding round':<22} {'temptation':>12} {'future value':>13} "
            f"{'least ' + name:>16}"
        )
        for r in pd.members:
            lines.append(
                f"{r.agent.name:<14} {r.binding.label:<22} {r.temptation + 0.0:>12.2f} "
                f"{r.future_value + 0.0:>13.2f} {r.required + 0.0:>16.2f}"
            )
        lines.append("")
    for t in pd.thresholds.values():
        lines.append(f"for the whole profile: {t.text}")
    b = pc.binding
    if b is not None:
        lines.append(
            f"binding constraint: {b.agent.name}, {b.label}: {b.inequality(pc.free)} "
            f"(slack {b.value:.6g} at the point)"
        )
    fails = [r.agent.name for r in pd.members if r.gain > 1e-9 * max(1.0, abs(r.gain))]
    if pd.members:
        lines.append(
            f"with every free parameter ({', '.join(pc.free)}) at 0, tempted: "
            + (", ".join(fails) if fails else "nobody")
        )
    extras = m.extras(m, a.values) if m.extras is not None else None
    if extras:
        lines.append("model extras: " + ", ".join(f"{k} {v:.6g}" for k, v in extras.items()))
    for n in pc.notes:
        lines.append(f"note: {n}")
    if show_all:
        lines += ["", "every constraint (follow >= deviate, valued at its round):"]
        for c in pc.constraints:
            lines.append(
                f"  {c.agent.name:<12} {c.label:<22} -> {c.deviation}: {c.inequality(pc.free)}"
                f"  (slack {c.value:.6g})"
            )
    return "\n".join(lines) + "\n"


def _counting(bar: Any) -> Any:
    """Rounds stepped over every derivation (each restarts at round 1) for the bar."""
    done, last = [0], [0]

    def on_round(t: int, total: int) -> None:
        if t <= last[0]:
            done[0] += last[0]
        last[0] = t
        bar(done[0] + t, done[0] + total)

    return on_round


def run(args: argparse.Namespace) -> int:
    from reports.cli.common import progress_bar
    from theory.design import analyse_rounds
    from theory.errors import ParameterError
    from theory.models import get_model
    from theory.parameters import parse_assignments, resolve
    from theory.rounds import reporting

    model = get_model(args.model)
    if not model.many_rounds:
        raise ParameterError(
            f"model {model.name} is a one-shot game with no strategy profiles to design; "
            "rosca design takes a many-round model (rosca-circle); use rosca solve"
        )
    values, extra = resolve(model, parse_assignments(args.sets), args.params, options=model.options)
    values = {**values, **extra}
    if model.check is not None:
        model.check(values)
    target = args.target or model.profiles[0].name
    model.profile(target)
    for name in [*(args.free or []), *args.solve_for]:
        model.parameter(name)
    with progress_bar("deriving", unit="rounds") as bar, reporting(_counting(bar)):
        a = analyse_rounds(
            model,
            values,
            free=tuple(args.free) if args.free else None,
            numeric=tuple(args.solve_for),
        )
    pd = next(x for x in a.profiles if x.name == target)
    if args.format == "json":
        emit(json.dumps(design_dict(a, pd), indent=2), args.out)
    else:
        emit(_text(a, pd, args.constraints), args.out)
    sys.stdout.flush()
    return 0
