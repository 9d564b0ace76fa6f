"""Sweeps: every backend gives the same table; memory stays bounded; bad grids refused."""

import json

import pandas as pd
import pytest

from reports.cli import main
from simulation.backends import BackendError, run_sweep
from simulation.experiment import Experiment, cartesian
from theory.models import get_model

M = get_model("inspection")


def grid_experiment(n=4, runs=3, steps=40, policy="logit"):
    points = cartesian({"P": [0.5 + k for k in range(n)], "C": [0.5 + 0.5 * k for k in range(n)]})
    return Experiment(M, points=points, policy=policy, runs=runs, steps=steps, seed=3)


def table(exp, **kw):
    return pd.concat(list(run_sweep(exp, **kw)), ignore_index=True)


def test_chunking_and_processes_do_not_change_the_table():
    exp = grid_experiment()
    whole = table(exp, chunk_points=exp.n_points)
    pd.testing.assert_frame_equal(whole, table(exp, chunk_points=3))
    pd.testing.assert_frame_equal(whole, table(exp, backend="processes", workers=2, chunk_points=5))


def test_dask_local_cluster_equals_local():
    pytest.importorskip("distributed")
    exp = grid_experiment(n=3)
    pd.testing.assert_frame_equal(
        table(exp, chunk_points=2), table(exp, backend="dask", workers=2, chunk_points=2)
    )


def test_unreachable_scheduler_is_one_line_exit_2(capsys):
    pytest.importorskip("distributed")
    code = main(
        [
            "sweep",
            "inspection",
            "--grid",
            "P=1:2:2",
            "--runs",
            "1",
            "--steps",
            "5",
            "--backend",
            "dask",
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--connect-timeout",
            "1",
        ]
    )
    err = capsys.readouterr()[1]
    assert code == 2 and "cannot reach the Dask scheduler" in err and err.count("\n") == 1


MEMORY_PROBE = """
from tests.simulation.test_sweep import grid_experiment
from simulation.backends import run_sweep
import tracemalloc
list(run_sweep(grid_experiment(n=1, runs=2, steps=5, policy="fictitious-play")))  # caches
for n in (4, 8):  # 16 then 64 grid points, 8 per chunk
    exp = grid_experiment(n=n, runs=200, steps=100, policy="fictitious-play")
    tracemalloc.start()
    rows = sum(len(t) for t in run_sweep(exp, chunk_points=8))
    print(rows, tracemalloc.get_traced_memory()[1])
    tracemalloc.stop()
"""


def test_memory_stays_bounded_as_the_sweep_grows():
    """Only summaries are kept: the peak memory of a 4x larger sweep is about the same
    (measured in a fresh interpreter, so no other test's threads are counted)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE], cwd=root, check=True, capture_output=True, text=True
    ).stdout.split()
    rows, peaks = [int(v) for v in out[0::2]], [int(v) for v in out[1::2]]
    assert rows == [16, 64]
    trajectories_of_all = 64 * 200 * 101 * 2  # bytes of the flags if all were held
    assert peaks[1] < 1.5 * peaks[0] and peaks[1] < trajectories_of_all, peaks


CLI_GRID = ["sweep", "inspection", "--grid", "P=1:4:3", "--grid", "C=1:3:2", "--runs", "2"]
CLI_GRID += ["--steps", "50", "--chunk", "2", "--format", "json"]


def cli_table():
    """The table the CLI_GRID command describes, computed in memory."""
    points = cartesian({"P": [1, 2.5, 4], "C": [1, 3]})
    exp = Experiment(M, points=points, runs=2, steps=50)
    return table(exp, chunk_points=2)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_sweep_cli_streams_every_chunk_to_the_file(capsys, tmp_path, suffix):
    pytest.importorskip("pyarrow")
    out = tmp_path / f"s{suffix}"
    assert main([*CLI_GRID, "--out", str(out)]) == 0
    summary = json.loads(capsys.readouterr()[0])
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        assert pq.ParquetFile(out).num_row_groups == 3  # one per chunk of 2 points
        df = pd.read_parquet(out)
    else:
        df = pd.read_csv(out)
    expected = cli_table()
    assert len(df) == 6 == summary["points"]
    assert summary["agree_rate"] == expected["agree"].mean()
    pd.testing.assert_frame_equal(df, expected, check_dtype=suffix == ".parquet")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit, RuntimeError])
def test_an_interrupted_sweep_leaves_nothing_behind(capsys, tmp_path, monkeypatch, interrupt):
    import simulation.sweep

    out = tmp_path / "s.parquet"
    out.write_bytes(b"the previous table")
    real, calls = simulation.sweep.summarise_slice, []

    def second_chunk_fails(s):
        calls.append(s.first)
        if len(calls) == 2:
            raise interrupt()
        return real(s)

    monkeypatch.setattr(simulation.sweep, "summarise_slice", second_chunk_fails)
    if interrupt is KeyboardInterrupt:
        assert main([*CLI_GRID, "--out", str(out)]) == 130
    else:
        with pytest.raises(interrupt):
            main([*CLI_GRID, "--out", str(out)])
    assert calls == [0, 2]  # the first chunk was written to the temporary file
    assert [p.name for p in tmp_path.iterdir()] == ["s.parquet"]
    assert out.read_bytes() == b"the previous table"


def test_a_slice_carries_only_its_own_points():
    """What a worker receives does not grow with the grid, and the slice keeps its
    global run numbers: its rows equal the whole grid's."""
    import pickle

    from simulation.sweep import slices, summarise_slice

    small, large = grid_experiment(n=2), grid_experiment(n=60)  # 4 and 3,600 points
    a, b = next(slices(small, 2)), list(slices(large, 2))[-1]
    assert (a.first, b.first) == (0, 3598) and len(a.points) == len(b.points) == 2
    assert abs(len(pickle.dumps(b)) - len(pickle.dumps(a))) < 40
    whole = table(grid_experiment(n=3), chunk_points=9)
    rows = summarise_slice(list(slices(grid_experiment(n=3), 2))[2])
    pd.testing.assert_frame_equal(rows, whole.iloc[4:6].reset_index(drop=True))


def test_in_order_keeps_order_and_at_most_the_window_in_flight():
    from simulation.backends import in_order

    pending, most, sizes = set(), [], iter([1, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2])

    def submit(x):
        pending.add(x)
        most.append(len(pending))
        return x

    def result(x):
        pending.discard(x)
        return x * 10

    window = lambda: next(sizes, 2)  # noqa: E731 - a cluster that grows, then shrinks
    assert list(in_order(submit, range(8), window, result)) == [x * 10 for x in range(8)]
    assert max(most) == 3 and most[0] == 1


def test_default_chunk_keeps_every_worker_busy():
    from simulation.backends import CHUNKS_PER_SLOT, default_chunk

    for points, slots in [(2500, 1), (2500, 2), (2500, 7), (10, 3)]:
        size = default_chunk(points, runs=20, steps=50, slots=slots)
        n_chunks = -(-points // size)
        assert n_chunks >= min(points, CHUNKS_PER_SLOT * slots)


@pytest.mark.parametrize(
    "grid,needle",
    [
        ("P=3:1:4", "LO (3) must not exceed HI (1)"),
        ("P=1:3:0", "N must be in [1, 100000]"),
        ("P=1:3:x", "N must be a whole number"),
        ("Q=1:3:4", "unknown parameter 'Q'"),
        ("P=-1:3:4", "outside its bounds"),
        ("P=1:3", "NAME=LO:HI:N"),
    ],
)
def test_bad_grids(capsys, grid, needle):
    assert main(["sweep", "inspection", "--grid", grid]) == 2
    err = capsys.readouterr()[1]
    assert needle in err and err.count("\n") == 1


def test_unknown_backend_combination():
    with pytest.raises(BackendError, match="--scheduler needs --backend dask"):
        list(run_sweep(grid_experiment(n=1), scheduler="tcp://x:1"))


def test_cadcad_engine_sweep_equals_batched():
    exp = grid_experiment(n=2, runs=2, steps=15)
    pd.testing.assert_frame_equal(
        table(exp, chunk_points=3), table(exp, chunk_points=3, engine="cadcad")
    )


def test_zip_and_product_grids(capsys):
    base = "sweep inspection --grid P=1:3:3 --runs 1 --steps 10 --format json".split()
    assert main([*base, "--grid", "C=1:2:3", "--zip"]) == 0
    assert json.loads(capsys.readouterr()[0])["points"] == 3
    assert main([*base, "--grid", "C=1:2:3"]) == 0
    assert json.loads(capsys.readouterr()[0])["points"] == 9
    assert main([*base, "--grid", "C=1:2:2", "--zip"]) == 2
    assert "length 1 or one common length" in capsys.readouterr()[1]


@pytest.mark.parametrize(
    "options,needle",
    [
        (["--grid", "P=1:2:1000", "--grid", "C=1:2:1000"], "1000 x 1000 = 1000000 grid points"),
        (["--grid", "P=1:2:3", "--grid", "P=2:3:3"], "--grid P is given twice"),
        (["--grid", "P=1:2:3", "--chunk", "10001"], "--chunk must be in [1, 10000]"),
        (["--grid", "P=1:2:3", "--workers", "2"], "--workers has no effect with --backend local"),
        (["--grid", "P=1:2:3", "--backend", "processes", "--workers", "9999"], "at most 256"),
        (["--grid", "P=1:2:3", "--backend", "processes", "--workers", "200"], "on this machine"),
        (["--grid", "P=1:2:3", "--backend", "dask", "--scheduler", "bogus://x"], "got 'bogus://x'"),
        (["--grid", "P=1:2:3", "--backend", "dask", "--scheduler", "not an address"], "HOST:PORT"),
        (["--grid", "P=1:2:3", "--backend", "dask", "--scheduler", "h:99999"], "HOST:PORT"),
        (["--grid", "P=1:2:3", "--scheduler", "tcp://h:1"], "--scheduler needs --backend dask"),
        (["--grid", "P=1:2:3", "--connect-timeout", "3"], "has no effect without --scheduler"),
    ],
)
def test_options_refused_before_any_work(capsys, tmp_path, monkeypatch, options, needle):
    import simulation.sweep

    monkeypatch.setattr(simulation.sweep, "summarise_slice", None)  # no work may start
    out = tmp_path / "s.csv"
    assert main(["sweep", "inspection", *options, "--out", str(out)]) == 2
    err = capsys.readouterr()[1]
    assert needle in err and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_a_grid_beyond_the_ceiling_is_refused_before_it_is_built(capsys):
    assert main(["sweep", "rosca-v2", "--grid", "delta=0:1:10000000"]) == 2
    err = capsys.readouterr()[1]
    assert "--grid delta: N must be in [1, 100000]" in err and err.count("\n") == 1


@pytest.mark.parametrize("seconds", ["nan", "inf", "0", "-1", "3601", "x"])
def test_connect_timeout_is_a_bounded_number_of_seconds(capsys, seconds):
    argv = ["sweep", "inspection", "--grid", "P=1:2:3", "--backend", "dask"]
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", seconds])
    err = capsys.readouterr()[1]
    assert exit_.value.code == 2 and "--connect-timeout: must be a number of seconds" in err


def test_sigterm_mid_sweep_leaves_no_temporary(tmp_path):
    """A real SIGTERM while chunks are being appended: exit 143, the folder as it was."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "s.parquet"
    argv = [sys.executable, "-m", "reports.cli", "sweep", "inspection", "--runs", "50"]
    argv += ["--grid", "P=0.5:5:40", "--grid", "C=0.5:3:10", "--steps", "400", "--chunk", "2"]
    proc = subprocess.Popen([*argv, "--out", str(out)], cwd=root, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120

    def started() -> bool:
        for f in tmp_path.iterdir():
            try:
                if f.stat().st_size > 0:  # the Parquet header and a first chunk
                    return True
            except FileNotFoundError:
                pass
        return False

    while not started():
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    stderr = proc.communicate(timeout=60)[1].decode()
    assert proc.returncode == 143 and stderr.count("\n") == 1, stderr
    assert list(tmp_path.iterdir()) == []


def test_a_model_the_table_cannot_hold_is_refused_in_one_line(capsys):
    assert main(["sweep", "rosca-circle", "--runs", "1", "--grid", "members=2:3:2"]) == 2
    err = capsys.readouterr()[1]
    assert "compares two single players with two actions each" in err, err
    assert "rosca-circle has members (2 actions, a population)" in err and err.count("\n") == 1


def test_a_sweep_whose_state_overflows_is_refused_naming_the_parameter(capsys, tmp_path):
    """A volume growing by epsilon = 5000 per round overflows: the sweep says so and where,
    exit 2, and writes no table (issue: numerical health)."""
    out = tmp_path / "sweep.csv"
    argv = ["sweep", "rosca-v2", "--grid", "epsilon=1:10000:3", "--runs", "2", "--steps", "120"]
    code = main([*argv, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "stops being finite" in err and "epsilon = 5000.5" in err
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert (
        main(["sweep", "rosca-v2", "--grid", "epsilon=1:2:2", "--runs", "2", "--steps", "20"]) == 0
    )
