"""A Dask cluster that runs a sweep's slices, and its faults as one-line errors.

Built on Dask.distributed's client (``Client``, ``Client.run``, ``Future.result``; the
Dask.distributed documentation, "Futures" and "Manage Workers"). What can go wrong on a
cluster becomes a :class:`BackendError` naming what is there and what is missing, within
a bounded wait, never a hang:

* the scheduler cannot be reached within the timeout, or the address is not an address;
* the scheduler has no workers (or, when a number is asked for, fewer threads) when the
  timeout ends: how many workers and threads there are, and how many were asked for;
* the scheduler or a worker cannot import the project, or runs another version of it: a
  probe run on the scheduler (which reads every task) and on every worker before the
  first slice names each such machine by its address;
* the scheduler is lost mid-sweep: at once;
* every worker is lost mid-sweep: after waiting the timeout for one to come back;
* a slice that keeps killing the workers that run it (Dask gives up after a few): its
  points are named.

A worker lost mid-sweep is survived: Dask runs its slices again elsewhere, and because
randomness is keyed by the global run number the table is the same. Dask's own log lines
are held back while the cluster is open; its faults are reported as the errors above.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager
from typing import Any

from theory.errors import RoscaError

PROJECT = "rosca-equilibria"
SCHEMES = ("tcp", "tls", "ws", "wss")
_POLL = 0.5  # seconds between checks on the cluster while a slice runs
_ANSWER = 30.0  # seconds a question to the scheduler may take (at least the timeout)
# Dask's blocking calls with a timeout (``distributed.utils.sync``) can, on Python 3.11,
# surface a call cancelled at its deadline as UnboundLocalError instead of TimeoutError;
# results are therefore awaited through a done-callback, and the few timed calls catch it.
_SYNC_RACE = UnboundLocalError


class BackendError(RoscaError):
    """A backend cannot be used (missing extra, unreachable scheduler, cluster fault)."""


def check_address(text: str) -> str:
    """A scheduler address ``SCHEME://HOST:PORT`` (``tcp://`` when no scheme is given).

    Examples
    --------
    >>> check_address("127.0.0.1:8786")
    'tcp://127.0.0.1:8786'
    >>> check_address("bogus://x")
    Traceback (most recent call last):
    ...
    simulation.cluster.BackendError: --scheduler must be an address ..., got 'bogus://x'
    """
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    host, colon, port = rest.rpartition(":")
    ok = (
        scheme in SCHEMES
        and bool(colon and host)
        and host.isprintable()
        and not any(c.isspace() or c in "/?#@" for c in host)
        and port.isdigit()
        and 0 < int(port) < 65536
    )
    if not ok:
        raise BackendError(
            "--scheduler must be an address SCHEME://HOST:PORT (schemes: "
            f"{', '.join(SCHEMES)}), got {text!r}"
        )
    return f"{scheme}://{host}:{int(port)}"


def _probe() -> str:
    """Run on a worker: import what a slice needs and say which version of the project."""
    from importlib.metadata import PackageNotFoundError, version

    import simulation.sweep  # noqa: F401

    try:
        return version("rosca-equilibria")
    except PackageNotFoundError:
        return "unknown"


def _one_line(exc: BaseException) -> str:
    """``Type: first line of the message``; a remote error that Dask wrapped in a plain
    ``Exception("Type('message')")`` is unwrapped.

    Examples
    --------
    >>> _one_line(Exception(repr(ModuleNotFoundError("No module named 'simulation'"))))
    "ModuleNotFoundError: No module named 'simulation'"
    """
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else ""
    wrapped = re.fullmatch(r"(\w+)\((['\"])(.*)\2\)", text)
    if type(exc) is Exception and wrapped:
        return f"{wrapped[1]}: {wrapped[3]}"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@contextmanager
def _dask_quiet() -> Iterator[None]:
    """Hold back Dask's own log lines (its faults are reported as BackendError)."""
    handlers = logging.getLogger("distributed").handlers
    silence = logging.Filter("nothing-passes-this-filter")
    for h in handlers:
        h.addFilter(silence)
    try:
        yield
    finally:
        for h in handlers:
            h.removeFilter(silence)


class DaskCluster:
    """An open connection to a Dask cluster, with bounded waits (use :meth:`open`)."""

    def __init__(self, client: Any, address: str, timeout: float) -> None:
        self.client = client
        self.address = address
        self.timeout = timeout
        # a busy scheduler may be slow to answer; that is not the wait the user bounds
        self.answer_within = max(timeout, _ANSWER)
        self._slots = (0, -1.0)  # (threads, when counted)

    @classmethod
    @contextmanager
    def open(cls, scheduler: str | None, workers: int | None, timeout: float) -> Iterator[Any]:
        """Connect to ``scheduler`` and wait for ``workers`` threads (at least one), or
        start a local cluster of ``workers`` processes; check that each worker can run a
        slice; close it all at the end.
        """
        address = check_address(scheduler) if scheduler is not None else "a local cluster"
        try:
            import distributed
        except ImportError:
            raise BackendError(
                "the dask backend needs dask.distributed: pip install 'rosca-equilibria[dask]'"
            ) from None
        with _dask_quiet():
            local: Any = None
            try:
                if scheduler is None:
                    local = distributed.LocalCluster(
                        n_workers=workers or 1,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                    )
                    client = distributed.Client(local)
                else:
                    client = distributed.Client(address, timeout=timeout)
            except (OSError, TimeoutError, ValueError) as exc:
                if local is not None:
                    local.close()
                raise BackendError(
                    f"cannot reach the Dask scheduler at {address} within {timeout:g} s "
                    f"({_one_line(exc)})"
                ) from None
            try:
                self = cls(client, address, timeout)
                if scheduler is not None:
                    self.check_scheduler()
                    self.wait_for_threads(workers or 1)
                    self.check_workers()
                yield self
            finally:
                try:
                    client.close(timeout=timeout)
                finally:
                    if local is not None:
                        local.close(timeout=timeout)

    def threads(self) -> dict[str, int]:
        """Each worker's threads, asked of the scheduler (an answer within ``answer_within`` s)."""
        if self.client.status != "running":
            raise self.lost()
        try:
            return dict(self.client.nthreads(callback_timeout=self.answer_within))
        except (TimeoutError, _SYNC_RACE):  # before OSError, of which it is a kind
            raise self.silent() from None
        except OSError:
            raise self.lost() from None

    def slots(self) -> int:
        """The cluster's threads, counted again at most once a second."""
        threads, when = self._slots
        if time.monotonic() - when > 1.0:
            threads = sum(self.threads().values())
            self._slots = (threads, time.monotonic())
        return threads

    def wait_for_threads(self, wanted: int) -> None:
        """Wait up to the timeout for workers with ``wanted`` threads in all."""
        deadline = time.monotonic() + self.timeout
        while True:
            threads = self.threads()
            if sum(threads.values()) >= wanted:
                return
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        n, k = len(threads), sum(threads.values())
        if n == 0:
            raise BackendError(
                f"the Dask scheduler at {self.address} has no workers after "
                f"{self.timeout:g} s; start `dask worker {self.address}` on each machine "
                f"(with {PROJECT} installed) or wait longer with --connect-timeout"
            )
        raise BackendError(
            f"the Dask scheduler at {self.address} has {n} worker(s) with {k} thread(s) "
            f"after {self.timeout:g} s; --workers {wanted} needs {wanted} threads: "
            "start more workers or lower --workers"
        )

    def check_scheduler(self) -> None:
        """Run :func:`_probe` on the scheduler, which reads every task it hands out."""
        try:
            theirs = self.client.run_on_scheduler(_probe, callback_timeout=self.answer_within)
        except (TimeoutError, _SYNC_RACE):  # before OSError, of which it is a kind
            raise self.silent() from None
        except OSError:
            raise self.lost() from None
        except Exception as exc:  # what the scheduler's Python raised
            raise BackendError(
                f"the Dask scheduler at {self.address} cannot import the project "
                f"({_one_line(exc)}); install {PROJECT} there too"
            ) from None
        if theirs != _probe():
            raise BackendError(
                f"the Dask scheduler at {self.address} has {PROJECT} {theirs}, this machine "
                f"{_probe()}: install the same version everywhere"
            )

    def check_workers(self) -> None:
        """Run :func:`_probe` on every worker; name those that cannot run a slice."""
        here = _probe()
        try:
            answers = self.client.run(
                _probe, on_error="return", callback_timeout=self.answer_within
            )
        except (TimeoutError, _SYNC_RACE):  # before OSError, of which it is a kind
            raise BackendError(
                f"the workers of the Dask scheduler at {self.address} did not all answer "
                f"within {self.answer_within:g} s"
            ) from None
        except OSError:
            raise self.lost() from None
        broken = {a: v for a, v in answers.items() if isinstance(v, BaseException)}
        if broken:
            first = next(iter(broken.values()))
            raise BackendError(
                f"{len(broken)} of {len(answers)} Dask workers cannot import the project "
                f"({_one_line(first)}): {', '.join(sorted(broken))}; install {PROJECT} "
                "on every worker"
            )
        other = {a: v for a, v in answers.items() if v != here}
        if other:
            raise BackendError(
                f"Dask workers run another version of {PROJECT} than this machine "
                f"({here}): " + ", ".join(f"{a} has {v}" for a, v in sorted(other.items()))
            )

    def silent(self) -> BackendError:
        return BackendError(
            f"the Dask scheduler at {self.address} did not answer within "
            f"{self.answer_within:g} s; the sweep stopped"
        )

    def lost(self) -> BackendError:
        return BackendError(
            f"lost the connection to the Dask scheduler at {self.address}; the sweep stopped"
        )

    def submit(self, fn: Callable[[Any], Any], item: Any) -> tuple[Any, Any]:
        return item, self.client.submit(fn, item, pure=False)

    def result(self, submitted: tuple[Any, Any]) -> Any:
        """The slice's result, or a :class:`BackendError` for a fault of the cluster."""
        from distributed import KilledWorker

        item, future = submitted
        # the result is fetched in a helper thread, untimed (see _SYNC_RACE), while this
        # one watches the cluster: a finished slice whose data sat on a worker that was
        # lost since is computed again, and waits like any other for a worker to come
        box: dict[str, Any] = {}
        fetched = threading.Event()

        def fetch() -> None:
            try:
                box["value"] = future.result()
            except BaseException as exc:  # handed over to the watching thread
                box["error"] = exc
            finally:
                fetched.set()

        threading.Thread(target=fetch, name="rosca-dask-result", daemon=True).start()
        alone_since: float | None = None
        while not fetched.wait(_POLL):
            if sum(self.threads().values()) > 0:
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > self.timeout:
                raise BackendError(
                    f"the Dask scheduler at {self.address} lost all its workers and none came "
                    f"back within {self.timeout:g} s; the sweep stopped"
                )
        try:
            if "error" in box:
                raise box["error"]
            return box["value"]
        except KilledWorker:
            raise BackendError(
                f"grid points {item.first}..{item.last - 1} killed every Dask worker that "
                "ran them (out of memory? try a smaller --chunk)"
            ) from None
        except CancelledError as exc:
            if self.client.status != "running" or "scheduler" in str(exc):
                raise self.lost() from None
            raise BackendError(f"the Dask cluster cancelled a slice ({_one_line(exc)})") from None
        except ImportError as exc:
            raise BackendError(
                f"a Dask worker cannot import the project ({_one_line(exc)}); install "
                f"{PROJECT} on every worker"
            ) from None
        except OSError as exc:  # the scheduler died while the result was being gathered
            from distributed.comm.core import CommClosedError

            if isinstance(exc, CommClosedError) or self.client.status != "running":
                raise self.lost() from None
            raise
