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
for n in (4, 8):  # 16 then 64 grid points, 4 per chunk
    exp = grid_experiment(n=n, runs=200, steps=200, policy="fictitious-play")
    tracemalloc.start()
    rows = sum(len(t) for t in run_sweep(exp, chunk_points=4))
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
    trajectories_of_all = 64 * 200 * 201 * 2  # bytes of the flags if all were held
    assert peaks[1] < 1.5 * peaks[0] and peaks[1] < trajectories_of_all, peaks


def test_sweep_cli_streams_to_parquet_and_csv(capsys, tmp_path):
    pytest.importorskip("pyarrow")
    out = tmp_path / "s.parquet"
    assert (
        main(
            [
                "sweep",
                "inspection",
                "--grid",
                "P=1:4:3",
                "--grid",
                "C=1:3:2",
                "--runs",
                "2",
                "--steps",
                "50",
                "--chunk",
                "2",
                "--out",
                str(out),
                "--format",
                "json",
            ]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr()[0])
    df = pd.read_parquet(out)
    assert len(df) == 6 == summary["points"]
    for col in (
        "P",
        "C",
        "regime_predicted",
        "predicted_row",
        "simulated_row",
        "ci_row_low",
        "distance",
        "agree",
    ):
        assert col in df.columns
    assert [p.name for p in tmp_path.iterdir()] == ["s.parquet"]


@pytest.mark.parametrize(
    "grid,needle",
    [
        ("P=3:1:4", "LO (3) must not exceed HI (1)"),
        ("P=1:3:0", "N must be at least 1"),
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
