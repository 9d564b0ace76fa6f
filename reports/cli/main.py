"""The ``rosca`` command line: one module per command, assembled here.

What every command promises (docs/design.md rule 7; the README's "What the command promises"):

* bad input gives one printable line on standard error naming what is wrong and what is
  allowed, and exit status 2, never a traceback; outputs are checked before any work;
* SIGINT, SIGTERM and SIGHUP become exceptions (in the console command), so every
  clean-up runs and no temporary is left behind (exit status 130, 143, 129); files are
  written to a temporary place and moved into place at the end, so nothing is
  half-written;
* floating-point overflow is not a warning on standard error but an error naming the
  parameters that cause it (the commands check payoffs and simulated states);
* a standard output that cannot be written (``> /dev/full``) is one line and exit 2.

Only ``argparse`` is imported to build the parser; each command imports what it uses
when it runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO, TypeVar

from reports.cli import compare, design, explore, models, report, simulate, solve, sweep
from reports.cli.common import Parser
from reports.cli.outputs import OutputError, check_output_file
from theory.errors import RoscaError, printable, quoted

COMMANDS = {
    "models": models,
    "solve": solve,
    "simulate": simulate,
    "compare": compare,
    "report": report,
    "sweep": sweep,
    "design": design,
    "explore": explore,
}

T = TypeVar("T")

ERROR_CHARACTERS = 400
"""An error line is cut to this length: it names what is wrong, it does not echo a file."""

FLOATING_POINT_WARNINGS = r".*(overflow|invalid value|divide by zero|underflow) encountered"
"""numpy's floating-point warnings: the commands check results for finiteness instead."""


class Terminated(BaseException):
    """A termination signal (SIGTERM, SIGHUP) arrived; raised like ``KeyboardInterrupt`` so
    that every ``finally`` and clean-up runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


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


@contextmanager
def signals_as_exceptions() -> Iterator[None]:
    """While inside, SIGINT raises ``KeyboardInterrupt`` and SIGTERM or SIGHUP raise
    :class:`Terminated` in this process (not in forked workers, which keep the default
    action); after the first signal the others are ignored, so the clean-up is not cut
    short. Signals the caller ignores stay ignored; outside the main thread nothing
    changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    caught = [getattr(signal, n) for n in names if hasattr(signal, n)]
    previous = {s: signal.getsignal(s) for s in caught}
    owner = os.getpid()

    def handler(signum: int, frame: object) -> None:
        if os.getpid() != owner:  # a forked worker: die as it would have
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        for s in caught:
            signal.signal(s, signal.SIG_IGN)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Terminated(signum)

    for s in caught:
        if previous[s] is not signal.SIG_IGN:
            signal.signal(s, handler)
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)


def _error(message: str) -> int:
    sys.stderr.write(f"rosca: error: {printable(message, ERROR_CHARACTERS)}\n")
    return 2


def _silence_stdout() -> None:
    """Point a broken or full standard output at /dev/null, so that the interpreter's last
    flush does not print a second error."""
    if sys.stdout is not sys.__stdout__ or sys.stdout is None:
        return
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


class StdoutError(OutputError):
    """Standard output cannot be written (a full disk, a closed descriptor)."""


class _GuardedStdout:
    """Standard output whose write errors (other than a closed pipe) are a
    :class:`StdoutError`, so that they are told apart from other I/O errors."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream  # None when the process started with descriptor 1 closed

    def _guard(self, call: Callable[[], T]) -> T:
        if self._stream is None:
            raise StdoutError("cannot write to standard output: it is closed")
        try:
            return call()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise StdoutError(f"cannot write to standard output: {exc.strerror or exc}") from None

    def write(self, text: str) -> int:
        return self._guard(lambda: self._stream.write(text))  # type: ignore[union-attr]

    def flush(self) -> None:
        if self._stream is not None:
            self._guard(self._stream.flush)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _run(args: argparse.Namespace) -> int:
    out = getattr(args, "out", None)
    if out is not None and getattr(args, "out_kind", "file") == "file":
        check_output_file(out)  # before any work; the command checks the rest
    stdout = sys.stdout
    sys.stdout = _GuardedStdout(stdout)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", FLOATING_POINT_WARNINGS, RuntimeWarning)
            code = int(COMMANDS[args.command].run(args))
        sys.stdout.flush()
    finally:
        sys.stdout = stdout
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Without ``argv`` (the console command: its arguments are the process's own) SIGINT,
    SIGTERM and SIGHUP become exceptions for the run (:func:`signals_as_exceptions`);
    a caller that passes ``argv`` (a test, a script) keeps its own signal handling.
    """
    handlers = signals_as_exceptions() if argv is None else contextlib.nullcontext()
    with handlers:
        parser = build_parser()
        args = parser.parse_args(argv)
        try:
            return _run(args)
        except RoscaError as exc:
            if isinstance(exc, StdoutError):
                _silence_stdout()
            return _error(str(exc))
        except BrokenPipeError:  # e.g. `rosca models | head`: the reader has what it wants
            _silence_stdout()
            return 0
        except MemoryError:
            return _error("out of memory: use fewer --runs, --steps or grid points")
        except OSError as exc:
            where = f" {quoted(exc.filename)}" if exc.filename else ""
            return _error(f"cannot write or read{where}: {exc.strerror or exc}")
        except KeyboardInterrupt:
            sys.stderr.write("rosca: interrupted; nothing was written\n")
            return 130
        except Terminated as exc:
            name = signal.Signals(exc.signum).name
            sys.stderr.write(f"rosca: stopped by {name}; nothing was written\n")
            return 128 + exc.signum


def entry() -> None:  # pragma: no cover - console script wrapper
    sys.exit(main())
