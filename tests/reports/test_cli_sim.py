"""``rosca simulate`` and ``rosca compare``: outputs, JSON layout and bad input."""

import json

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
    ],
)
def test_bad_input(capsys, argv, needle):
    code, _, err = run(capsys, *argv)
    assert code == 2 and needle in err and err.count("\n") == 1


def test_failed_write_leaves_nothing(capsys, tmp_path, monkeypatch):
    out = tmp_path / "t.csv"

    def broken(self, path, **kw):
        with open(path, "w") as fh:
            fh.write("partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(RuntimeError):
        main(["simulate", "inspection", "--steps", "5", "--out", str(out)])
    assert list(tmp_path.iterdir()) == []
