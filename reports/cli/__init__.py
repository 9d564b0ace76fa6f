"""The ``rosca`` command line (one module per command; see :mod:`reports.cli.main`)."""

from reports.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
