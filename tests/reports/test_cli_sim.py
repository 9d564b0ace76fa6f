"""``rosca simulate`` and ``rosca compare``: outputs, JSON layout and bad input."""

import json
import os

import pandas as pd
import pytest

from reports.cli import main


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_simulate_writes_trajectories_and_prints_the_summary(capsys, tmp_path):
    out = tmp_path / "t.csv"
    code, text, err = run(capsys, "simulate", "verifiers-dilemma", "--out", str(out))
    assert code == 0 and err == ""  # no progress bar when stderr is not a terminal
    assert "cycle of period 7" in text
    df = pd.read_csv(out)
    assert list(df.columns[:5]) == ["simulation", "subset", "run", "substep", "timestep"]
    assert {"alfa", "seed", "policy", "Verifiers_On"} <= set(df.columns)
    assert len(df) == 101


def test_simulate_json(capsys):
    code, text, _ = run(
        capsys,
        "simulate",
        "rosca-v2",
        "--policy",
        "seed",
        "--runs",
        "3",
        "--steps",
        "20",
        "--seed",
        "4",
        "--format",
        "json",
    )
    d = json.loads(text)
    assert d["runs"] == 3 and d["seed"] == 4 and len(d["per_run"]) == 3
    assert {"act_rate", "outcomes", "roi_median", "cheat_fraction_median"} <= set(d)


def test_simulate_cadcad_engine_with_workers_matches_batched(capsys, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    base = ["simulate", "rosca-v2", "--policy", "logit", "--runs", "3", "--steps", "10"]
    assert run(capsys, *base, "--out", str(a))[0] == 0
    assert run(capsys, *base, "--engine", "cadcad", "--workers", "2", "--out", str(b))[0] == 0
    pd.testing.assert_frame_equal(pd.read_csv(a), pd.read_csv(b))


def test_compare_json_layout(capsys):
    code, text, _ = run(
        capsys,
        "compare",
        "inspection",
        "--policy",
        "last-observation",
        "--steps",
        "100",
        "--format",
        "json",
    )
    d = json.loads(text)
    assert code == 0
    for key in ("predicted", "simulated", "distance", "agree", "period"):
        assert key in d
    assert d["period"] == 4 and d["agree"] is True
    assert d["predicted"]["row"] == [0.5, 0.5] and len(d["simulated"]["col"]) == 2


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["simulate", "inspection", "--runs", "0"], "--runs: must be a positive integer"),
        (["simulate", "inspection", "--steps", "x"], "--steps: must be a positive integer"),
        (["simulate", "inspection", "--workers", "-2"], "--workers: must be a positive integer"),
        (["simulate", "inspection", "--policy", "magic"], "unknown policy 'magic'"),
        (["simulate", "inspection", "--out", "/no/such/folder/t.csv"], "does not exist"),
        (["simulate", "inspection", "--out", "t.xlsx"], "must end in .csv or .parquet"),
        (["simulate", "inspection", "--set", "noise=0"], "'noise' = 0 is outside"),
        (["compare", "inspection", "--steps", "10", "--burn-in", "10"], "--burn-in must be below"),
        (["simulate", "nomodel"], "unknown model"),
        (
            ["simulate", "inspection", "--runs", "10000001"],
            "--runs: must be a positive integer at most 10,000,000",
        ),
        (
            ["simulate", "inspection", "--steps", "1000001"],
            "--steps: must be a positive integer at most 1,000,000",
        ),
        (
            ["simulate", "inspection", "--workers", "1025"],
            "--workers: must be a positive integer at most 1,024",
        ),
        (["simulate", "inspection", "--chunk", "0"], "--chunk: must be a positive integer"),
    ],
)
def test_bad_input(capsys, argv, needle):
    code, _, err = run(capsys, *argv)
    assert code == 2 and needle in err and err.count("\n") == 1


@pytest.mark.parametrize("engine,fail_at", [("batched", 2), ("cadcad", 1)])
def test_failed_write_leaves_nothing(capsys, tmp_path, monkeypatch, engine, fail_at):
    """A write that fails (for the chunked engine: after a first chunk is on disk) leaves
    no file behind."""
    out = tmp_path / "t.csv"
    to_csv = pd.DataFrame.to_csv
    calls = []

    def broken(self, path=None, **kw):
        if not isinstance(path, str | os.PathLike):  # the size estimate, in memory
            return to_csv(self, path, **kw)
        calls.append(path)
        if len(calls) < fail_at:
            return to_csv(self, path, **kw)
        with open(path, "a") as fh:
            fh.write("partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    argv = ["simulate", "inspection", "--steps", "5", "--runs", "4", "--chunk", "2"]
    with pytest.raises(RuntimeError):
        main([*argv, "--engine", engine, "--out", str(out)])
    assert len(calls) == fail_at and list(tmp_path.iterdir()) == []


def test_streamed_files_equal_the_in_memory_frame(capsys, tmp_path):
    """Several chunks appended to one file give the frame of all runs at once: the CSV
    byte for byte, the Parquet file value for value."""
    from simulation.batched import run_batched
    from simulation.experiment import Experiment
    from simulation.frames import from_batched
    from theory.models import get_model

    exp = Experiment(get_model("rosca-v2"), policy="logit", runs=23, steps=15, seed=9)
    frame = from_batched(run_batched(exp))
    base = ["simulate", "rosca-v2", "--policy", "logit", "--runs", "23", "--steps", "15"]
    csv, parquet = tmp_path / "t.csv", tmp_path / "t.parquet"
    assert run(capsys, *base, "--seed", "9", "--chunk", "5", "--out", str(csv))[0] == 0
    assert run(capsys, *base, "--seed", "9", "--chunk", "7", "--out", str(parquet))[0] == 0
    assert csv.read_text() == frame.to_csv(index=False)
    pd.testing.assert_frame_equal(pd.read_parquet(parquet), frame)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.parquet"]


def test_chunk_size_does_not_change_the_summary(capsys):
    base = ["simulate", "inspection", "--policy", "logit", "--runs", "30", "--format", "json"]
    _, a, _ = run(capsys, *base, "--chunk", "4")
    _, b, _ = run(capsys, *base)
    assert json.loads(a) == json.loads(b)


def test_per_run_only_up_to_the_limit_unless_asked(capsys):
    from reports.cli.simulate import PER_RUN_LIMIT
    from simulation.summaries import PER_RUN_LIMIT as LIBRARY_LIMIT

    assert PER_RUN_LIMIT == LIBRARY_LIMIT
    base = ["simulate", "inspection", "--steps", "3", "--format", "json"]
    big = str(PER_RUN_LIMIT + 1)
    assert json.loads(run(capsys, *base, "--runs", big)[1])["per_run"] is None
    records = json.loads(run(capsys, *base, "--runs", big, "--per-run")[1])["per_run"]
    assert len(records) == PER_RUN_LIMIT + 1


def test_progress_on_a_terminal_counts_run_steps(capsys, monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    code, _, err = run(capsys, "simulate", "inspection", "--runs", "50", "--steps", "40")
    assert code == 0 and "run-steps" in err


def _no_simulation(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("simulated although the output cannot fit")

    monkeypatch.setattr("simulation.chunked.run_batched", refuse)
    monkeypatch.setattr("simulation.runner.simulate", refuse)


def test_a_table_larger_than_the_free_disk_is_refused_before_simulating(
    capsys, tmp_path, monkeypatch
):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 10**6, 10**6))
    _no_simulation(monkeypatch)
    out = tmp_path / "t.csv"
    code, _, err = run(capsys, "simulate", "rosca-v2", "--runs", "10000", "--out", str(out))
    assert code == 2 and err.count("\n") == 1
    assert "would take about" in err and "976.6 KiB are free" in err
    assert list(tmp_path.iterdir()) == []


def test_a_simulation_larger_than_the_memory_is_refused_before_simulating(capsys, monkeypatch):
    monkeypatch.setattr("reports.cli.simulate.available_memory", lambda: 8 * 2**30)
    _no_simulation(monkeypatch)
    argv = ["simulate", "rosca-v2", "--engine", "cadcad", "--runs", "10000000"]
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.count("\n") == 1
    assert "of memory, but 8.0 GiB are available" in err and "--engine batched" in err
    code, _, err = run(capsys, "simulate", "rosca-v2", "--runs", "10000000", "--per-run")
    assert code == 2 and "drop --per-run" in err


def test_design_shows_the_rounds_it_derives_on_a_terminal(capsys, monkeypatch):
    """A derivation can take minutes (100 members x 10 cycles): on a terminal the rounds
    stepped, over every derivation the design makes, are counted on standard error."""
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    code, out, err = run(capsys, "design", "rosca-circle", "--set", "members=4")
    assert code == 0 and "deriving" in err and "rounds" in err
    assert "deriving" not in out
