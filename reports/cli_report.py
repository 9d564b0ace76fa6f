"""``rosca report``: the equilibrium report of a model."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def add_command(sub: Any, add_point_options: Callable[..., None],
                add_run_options: Callable[..., None]) -> None:
    p = sub.add_parser("report", help="write the equilibrium report (markdown, HTML, figures)")
    p.add_argument("model", metavar="MODEL", nargs="?", default="rosca-v2")
    add_point_options(p)
    add_run_options(p, runs_default=20)
    p.add_argument("--out", metavar="DIR", default="rosca-report")
    p.add_argument("--force", action="store_true", help="replace the report in an existing folder")


def cmd_report(args: argparse.Namespace) -> int:
    raise NotImplementedError
