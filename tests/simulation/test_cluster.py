"""A real Dask cluster on loopback: a standalone ``dask scheduler`` and ``dask worker``s
started as subprocesses on free ports, then broken on purpose.

Losing a worker is survived with the same table; losing the scheduler is one line, exit
status 2 and nothing written; a scheduler without workers, too few threads, or a worker
that cannot import the project are each one line naming what is there and what is
missing, within a bounded wait.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("distributed", reason="the cluster tests need the dask extra")

from simulation.backends import run_sweep  # noqa: E402
from simulation.cluster import BackendError  # noqa: E402
from simulation.experiment import Experiment, cartesian  # noqa: E402
from theory.models import get_model  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DASK = str(Path(sys.executable).with_name("dask"))
START = 60.0  # seconds a worker may take to join (a slow CI machine), never reached here

# A worker that cannot import the project: a site hook that hides its packages.
HIDE_PROJECT = """
import sys
class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("simulation", "theory", "reports"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Hide())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Loopback:
    """A scheduler and workers on 127.0.0.1, each a subprocess; all stopped at the end."""

    def __init__(self, folder: Path, hide_project: bool = False) -> None:
        self.folder = folder
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.procs: list[subprocess.Popen] = []
        self.scheduler = self._start(
            "scheduler",
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(self.port)]
            + ["--no-dashboard"],
            self.environment(hide_project),
        )

    def environment(self, hide_project: bool) -> dict:
        env = dict(os.environ)
        if hide_project:
            site = self.folder / "hide"
            site.mkdir(exist_ok=True)
            (site / "sitecustomize.py").write_text(HIDE_PROJECT)
            env["PYTHONPATH"] = str(site)
        return env

    def _start(self, name: str, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        p = subprocess.Popen(argv, stdout=log, stderr=log, cwd=self.folder, env=env)
        log.close()
        self.procs.append(p)
        return p

    def worker(self, hide_project: bool = False) -> subprocess.Popen:
        env = self.environment(hide_project)
        n = len(self.procs)
        argv = [DASK, "worker", self.address, "--nthreads", "1", "--no-nanny"]
        argv += ["--no-dashboard", "--host", "127.0.0.1", "--death-timeout", "30"]
        argv += ["--local-directory", str(self.folder / f"w{n}")]
        return self._start(f"worker{n}", argv, env)

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.kill()
        for p in self.procs:
            p.wait(timeout=30)


@pytest.fixture
def cluster(tmp_path):
    c = Loopback(tmp_path)
    yield c
    c.stop()


def grid(n: int = 6, runs: int = 4, steps: int = 60) -> Experiment:
    m = get_model("inspection")
    points = cartesian({"P": [0.5 + k for k in range(n)], "C": [0.5 + 0.5 * k for k in range(n)]})
    return Experiment(m, points=points, policy="fictitious-play", runs=runs, steps=steps, seed=5)


def sweep(exp: Experiment, cluster: Loopback, timeout: float = START, **kw) -> Iterator:
    return run_sweep(exp, backend="dask", scheduler=cluster.address, connect_timeout=timeout, **kw)


def test_losing_a_worker_is_survived_with_the_same_table_losing_all_is_an_error(cluster):
    exp = grid()
    local = pd.concat(run_sweep(exp, chunk_points=2), ignore_index=True)
    survivor, doomed = cluster.worker(), cluster.worker()
    tables = []
    for table in sweep(exp, cluster, workers=2, chunk_points=2):
        if not tables:  # each worker holds a slice now (--workers 2: two in flight)
            doomed.kill()
        tables.append(table)
    assert doomed.wait(timeout=30) is not None
    pd.testing.assert_frame_equal(pd.concat(tables, ignore_index=True), local)
    # the last worker lost mid-sweep: a bounded wait for another, then one line
    with pytest.raises(BackendError, match="lost all its workers and none came back within 2 s"):
        for _ in sweep(exp, cluster, timeout=2, chunk_points=2):
            survivor.kill()


def test_no_workers_too_few_threads_and_workers_without_the_project(cluster):
    exp = grid(n=2, steps=10)
    with pytest.raises(BackendError, match=r"has no workers after 2 s; start `dask worker tcp://"):
        list(sweep(exp, cluster, timeout=2))
    cluster.worker(hide_project=True)
    named = (
        r"^1 of 1 Dask workers cannot import the project \(ModuleNotFoundError: No module "
        r"named 'simulation'\): tcp://127\.0\.0\.1:\d+; install rosca-equilibria on every"
    )
    with pytest.raises(BackendError, match=named):
        list(sweep(exp, cluster))  # waits for the worker to join, then probes it
    with pytest.raises(BackendError) as err:
        list(sweep(exp, cluster, timeout=2, workers=2))
    assert "has 1 worker(s) with 1 thread(s) after 2 s; --workers 2 needs 2 threads" in str(err)


def written(folder: Path) -> bool:
    for f in folder.iterdir():
        try:
            if f.stat().st_size > 0:
                return True
        except FileNotFoundError:  # removed meanwhile
            pass
    return False


def test_losing_the_scheduler_is_one_line_exit_2_and_nothing_written(cluster, tmp_path):
    cluster.worker()
    out = tmp_path / "out"
    out.mkdir()
    argv = [sys.executable, "-m", "reports.cli", "sweep", "inspection"]
    argv += ["--grid", "P=0.5:5:20", "--grid", "C=0.5:3:4", "--runs", "40", "--steps", "300"]
    argv += ["--backend", "dask", "--scheduler", cluster.address, "--chunk", "2"]
    argv += ["--connect-timeout", str(START), "--out", str(out / "s.parquet")]
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 2 * START
    while not written(out):  # the first chunk is in the temporary file
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    cluster.scheduler.send_signal(signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=START)
    assert proc.returncode == 2, stderr
    assert stderr.decode().startswith("rosca: error: lost the connection to the Dask scheduler")
    assert stderr.decode().count("\n") == 1 and stdout == b""
    assert list(out.iterdir()) == []


def test_a_scheduler_without_the_project_is_named(tmp_path):
    """The scheduler reads every task it hands out, so it needs the project too."""
    cluster = Loopback(tmp_path, hide_project=True)
    try:
        with pytest.raises(BackendError) as err:
            list(sweep(grid(n=1, steps=5), cluster))
    finally:
        cluster.stop()
    assert str(err.value) == (
        f"the Dask scheduler at {cluster.address} cannot import the project "
        "(ModuleNotFoundError: No module named 'simulation'); install rosca-equilibria there too"
    )
