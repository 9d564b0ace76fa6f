"""``rosca models`` and ``rosca solve``: formats, and one-line errors with exit status 2."""

import json
import subprocess
import sys

import pytest

from reports.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_models_lists_every_model_with_bounds(capsys):
    code, out, _ = run(capsys, "models")
    assert code == 0
    for name in ("rosca-v2", "verifiers-dilemma", "inspection"):
        assert name in out
    assert "delta" in out and "[0, inf)" in out
    code, out, _ = run(capsys, "models", "--format", "json")
    data = json.loads(out)
    assert {m["name"] for m in data} == {
        "rosca-v2",
        "verifiers-dilemma",
        "inspection",
        "rosca-audit",
        "volunteers",
        "rosca-circle",
    }


def test_solve_json_layout(capsys):
    code, out, _ = run(capsys, "solve", "inspection", "--format", "json")
    assert code == 0
    d = json.loads(out)
    for key in (
        "model",
        "parameters",
        "players",
        "actions",
        "payoffs",
        "equilibria",
        "degenerate",
        "thresholds",
    ):
        assert key in d
    assert d["payoffs"]["row"] == [[1, -1], [-3, 0]]
    assert d["payoffs"]["col"] == [[-4, 0], [1, 0]]
    assert d["payoffs"]["symbolic"]["col"] == [["-P", "0"], ["G", "0"]]
    (e,) = d["equilibria"]
    assert e["kind"] == "mixed" and e["row"] == [0.2, 0.8] and e["col"] == [0.2, 0.8]
    assert "L + R > C" in e["conditions"]
    assert d["degenerate"] is False and d["agree"] is True


def test_solve_set_and_toml(capsys, tmp_path):
    f = tmp_path / "p.toml"
    f.write_text("[parameters]\ndelta = 2\n")
    code, out, _ = run(capsys, "solve", "rosca-v2", "--params", str(f), "--format", "json")
    d = json.loads(out)
    assert d["parameters"]["delta"] == 2
    assert d["regime"] == "(contribute, honest) + (withhold, cheat) + mixed"
    code, out, _ = run(
        capsys, "solve", "rosca-v2", "--params", str(f), "--set", "delta=0.5", "--format", "json"
    )
    assert json.loads(out)["parameters"]["delta"] == 0.5


def test_solve_text_names_the_dominance_and_the_threshold(capsys):
    code, out, _ = run(capsys, "solve", "rosca-v2")
    assert code == 0
    assert "cheat strictly dominates honest for the cheater" in out
    assert "honest iff delta > gamma (= 1)" in out


def test_solve_latex(capsys):
    code, out, _ = run(capsys, "solve", "inspection", "--format", "latex")
    assert code == 0 and r"\begin{array}" in out and r"\frac{G}{G + P}" in out


def test_nfg_opens_in_gambit(capsys, tmp_path):
    gbt = pytest.importorskip("pygambit")
    out = tmp_path / "g.nfg"
    code, _, _ = run(capsys, "solve", "inspection", "--format", "nfg", "--out", str(out))
    assert code == 0
    g = gbt.read_nfg(str(out))
    (e,) = gbt.nash.enummixed_solve(g, rational=True).equilibria
    assert [str(e[s]) for s in list(g.players)[0].strategies] == ["1/5", "4/5"]


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["solve", "nope"], "unknown model 'nope'"),
        (["solve", "inspection", "--set", "P=-1"], "'P' = -1 is outside its bounds [0, inf)"),
        (["solve", "rosca-v2", "--set", "cheat_probability=1.5"], "outside its bounds [0, 1]"),
        (["solve", "inspection", "--set", "Q=1"], "unknown parameter 'Q'"),
        (["solve", "inspection", "--set", "P=abc"], "must be a number"),
        (["solve", "inspection", "--set", "P=inf"], "must be finite"),
        (["solve", "inspection", "--set", "P=nan"], "must be finite"),
        (["solve", "inspection", "--set", "P"], "NAME=VALUE"),
        (["solve", "inspection", "--format", "pdf"], "invalid choice"),
        (["solve", "inspection", "--params", "/nonexistent.toml"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, needle):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    _, err = capsys.readouterr()
    assert code == 2
    assert needle in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_bad_toml_files(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("delta = = 2\n")
    assert main(["solve", "rosca-v2", "--params", str(bad)]) == 2
    assert "not valid TOML" in capsys.readouterr()[1]
    unknown_key = tmp_path / "u.toml"
    unknown_key.write_text("deltaa = 2\n")
    assert main(["solve", "rosca-v2", "--params", str(unknown_key)]) == 2
    assert "did you mean 'delta'" in capsys.readouterr()[1]


def test_console_script_exit_status():
    r = subprocess.run(
        [sys.executable, "-m", "reports.cli", "solve", "inspection", "--set", "C=-1"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "rosca: error: parameter 'C' = -1 is outside its bounds (0, inf)"
    ]
