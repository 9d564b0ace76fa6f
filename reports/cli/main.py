"""The ``rosca`` command line: one module per command, assembled here.

Bad input gives one line on standard error naming what is wrong and what is allowed, and
exit status 2, never a traceback (DESIGN.md rule 7). Files are written to a temporary
place and moved into place at the end, so nothing is half-written. Only ``argparse`` is
imported to build the parser; each command imports what it uses when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from reports.cli import compare, design, models, report, simulate, solve, sweep
from reports.cli.common import Parser
from theory.errors import RoscaError

COMMANDS = {
    "models": models,
    "solve": solve,
    "simulate": simulate,
    "compare": compare,
    "report": report,
    "sweep": sweep,
    "design": design,
}


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="rosca",
        description=(
            "Equilibrium analysis of a blockchain ROSCA: symbolic payoffs and equilibria derived "
            "from one model, checked against cadCAD simulations of ROI-feedback agents."
        ),
    )
    sub = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    sub.required = True
    for module in COMMANDS.values():
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
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
