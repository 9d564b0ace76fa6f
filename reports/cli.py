"""The ``rosca`` command line: ``models``, ``solve``, ``simulate``, ``compare``, ``report``.

Bad input gives one line on standard error naming what is wrong and what is allowed, and
exit status 2, never a traceback (DESIGN.md rule 7). Files are written to a temporary
place and moved into place at the end, so nothing is half-written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from reports.files import atomic_write_text
from theory.errors import RoscaError


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _add_point_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a parameter (repeatable)",
    )
    p.add_argument("--params", metavar="FILE.toml", help="read parameter values from a TOML file")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rosca",
        description=(
            "Equilibrium analysis of a blockchain ROSCA: symbolic payoffs and equilibria derived "
            "from one model, checked against cadCAD simulations of ROI-feedback agents."
        ),
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("models", help="list the models with their parameters")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("solve", help="payoffs, equilibria, conditions, regime and thresholds")
    p.add_argument("model", metavar="MODEL")
    _add_point_options(p)
    p.add_argument("--format", choices=("text", "json", "latex", "nfg"), default="text")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")

    from reports import cli_circle, cli_sim

    cli_sim.add_commands(sub, _add_point_options)
    cli_circle.add_command(sub, _add_point_options)
    return parser


def _emit(text: str, out: str | None) -> None:
    if out:
        atomic_write_text(out, text)
    else:
        sys.stdout.write(text)


def _parameter_dict(q: Any) -> dict[str, str]:
    return {
        "name": q.name,
        "default": q.default,
        "bounds": q.bounds_text(),
        "unit": q.unit,
        "meaning": q.meaning,
        "role": q.role,
    }


def cmd_models(args: argparse.Namespace) -> int:
    import json

    from theory.models import CIRCLES, MODELS

    circles: list[dict[str, Any]] = [
        {
            "name": m.name,
            "title": m.title,
            "summary": m.summary,
            "kind": "circle",
            "policies": list(m.policies),
            "default_policy": m.default_policy,
            "parameters": [_parameter_dict(q) for q in m.parameters],
            "options": [
                {
                    "name": o.name,
                    "default": o.default,
                    "allowed": o.allowed_text(),
                    "meaning": o.meaning,
                }
                for o in m.options
            ],
        }
        for m in CIRCLES.values()
    ]
    if args.format == "json":
        data: list[dict[str, object]] = [
            {
                "name": m.name,
                "title": m.title,
                "summary": m.summary,
                "players": [{"name": p.name, "actions": list(p.actions)} for p in m.players],
                "parameters": [_parameter_dict(q) for q in m.parameters],
                "default_policy": m.default_policy,
            }
            for m in MODELS.values()
        ]
        sys.stdout.write(json.dumps(data + circles, indent=2) + "\n")
        return 0
    for m in MODELS.values():
        print(f"{m.name}: {m.title}")
        print(f"  {m.summary}")
        print("  players: " + "; ".join(f"{p.name} ({' / '.join(p.actions)})" for p in m.players))
        print(f"  default policy: {m.default_policy}")
        w = max(len(q.name) for q in m.parameters)
        for q in m.parameters:
            print(
                f"    {q.name.ljust(w)}  default {q.default:<8} {q.bounds_text():<12} "
                f"{q.unit:<10} {q.meaning}"
            )
        print()
    for c in circles:
        print(f"{c['name']}: {c['title']}  [n-member circle: rosca design / simulate / compare]")
        print(f"  {c['summary']}")
        print(f"  policies: {', '.join(c['policies'])} (default {c['default_policy']})")
        for cq in c["parameters"]:
            print(
                f"    {cq['name']:<20} default {cq['default']:<8} {cq['bounds']:<24} "
                f"{cq['meaning']}"
            )
        for o in c["options"]:
            print(
                f"    {o['name']:<20} default {o['default'] or '-':<8} {o['allowed']:<24} "
                f"{o['meaning']}"
            )
        print()
    return 0


def cmd_solve(args: argparse.Namespace) -> int:
    from reports import solve_output
    from theory.analysis import analyse
    from theory.models import get_model
    from theory.parameters import parse_assignments, resolve

    model = get_model(args.model)
    values, _ = resolve(model, parse_assignments(args.sets), args.params)
    a = analyse(model, values)
    render = {
        "text": solve_output.to_text,
        "json": solve_output.to_json,
        "latex": solve_output.to_latex,
        "nfg": solve_output.to_nfg,
    }[args.format]
    text = render(a)
    _emit(text if text.endswith("\n") else text + "\n", args.out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from reports import cli_circle, cli_sim

    handlers = {
        "models": cmd_models,
        "solve": cmd_solve,
        "design": cli_circle.cmd_design,
        **cli_sim.HANDLERS,
    }
    try:
        return handlers[args.command](args)
    except RoscaError as exc:
        sys.stderr.write(f"rosca: error: {exc}\n")
        return 2
    except BrokenPipeError:  # e.g. `rosca models | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("rosca: interrupted; nothing was written\n")
        return 130


def entry() -> None:  # pragma: no cover - console script wrapper
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
