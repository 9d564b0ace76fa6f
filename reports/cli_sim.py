"""Sub-commands that run simulations: ``simulate``, ``compare`` and ``report``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {}


def add_commands(sub: Any, add_point_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register the simulation sub-commands on the ``rosca`` parser."""
