"""The hostile inputs of issue 13, each as a regression test: one printable line on
standard error naming what is wrong and what is allowed, exit status 2, no traceback, no
hang, nothing written. (The circle's and the sweep's own examples are tested with them.)"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from reports.cli import main


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *argv):
    """Run ``argv``; require exit 2 and one printable line; return the line."""
    code, out, err = run(capsys, *argv)
    assert code == 2, (code, out, err)
    assert err.count("\n") == 1 and err.endswith("\n") and "Traceback" not in err, err
    line = err.rstrip("\n")
    assert line.isprintable(), line
    return line


def rosca(*argv, timeout=120, **kw):
    """The console command in a fresh interpreter (for signals, hangs and file descriptors)."""
    return subprocess.run(
        [sys.executable, "-m", "reports.cli", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        **kw,
    )


# -- values --------------------------------------------------------------------------------


def test_too_many_exponent_digits_is_refused(capsys):
    line = refused(capsys, "solve", "rosca-v2", "--set", "delta=1e-5000")
    assert "delta" in line and "10^-300 and 10^300" in line


def test_a_huge_exponent_is_refused_at_once():
    r = rosca("solve", "rosca-v2", "--set", "delta=1e-99999999", timeout=60)
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1
    assert "out of the numeric range" in r.stderr


def test_a_value_that_underflows_to_zero_is_refused(capsys):
    line = refused(capsys, "solve", "rosca-v2", "--set", "zeta=1e-400")
    assert "zeta" in line and "(0, 1]" in line


def test_more_digits_than_meaningful_are_refused(capsys):
    line = refused(capsys, "solve", "rosca-v2", "--set", "delta=0." + "1" * 40)
    assert "40 significant digits" in line and "at most 30" in line


def test_overflowing_payoffs_name_their_parameters(capsys):
    line = refused(capsys, "solve", "inspection", "--set", "G=1e308", "--set", "P=1e308")
    assert "'G'" in line and "10^300" in line
    line = refused(capsys, "solve", "inspection", "--set", "G=1e300", "--set", "P=1e300")
    assert "payoffs reach 1e+300" in line and "G = 1e+300, P = 1e+300" in line
    line = refused(capsys, "compare", "inspection", "--set", "P=1e200", "--steps", "5")
    assert "P = 1e+200" in line


def test_a_simulation_that_overflows_is_an_error_naming_the_parameter(capsys):
    line = refused(capsys, "simulate", "rosca-v2", "--set", "epsilon=10000")
    assert "Total_Collected stops being finite" in line and "epsilon = 10000" in line


def test_an_overflowing_comparison_never_agrees(capsys):
    line = refused(capsys, "compare", "rosca-v2", "--set", "epsilon=1e10", "--steps", "50")
    assert "AGREE" not in line and "epsilon = 1e+10" in line
    assert "overflow" not in line  # the warning is replaced by the error


def test_a_growing_but_finite_simulation_still_runs(capsys):
    code, out, err = run(
        capsys, "compare", "rosca-v2", "--set", "epsilon=1.1", "--steps", "50", "--format", "json"
    )
    assert code == 0 and err == ""
    assert json.loads(out)["agree"] in (True, False)


def test_a_repeated_set_is_refused(capsys):
    line = refused(capsys, "solve", "rosca-v2", "--set", "delta=1", "--set", "delta=2")
    assert "given twice" in line


# -- options without effect ---------------------------------------------------------------


def test_a_policy_parameter_the_policy_does_not_read_is_refused(capsys):
    line = refused(capsys, "simulate", "rosca-v2", "--set", "memory=0.5", "--steps", "3")
    assert "memory has no effect with policy fictitious-play" in line and "ema" in line
    line = refused(capsys, "compare", "inspection", "--policy", "ema", "--set", "noise=0.5")
    assert "noise has no effect with policy ema" in line and "logit" in line


def test_a_policy_parameter_in_a_file_is_checked_too(capsys, tmp_path):
    params = tmp_path / "p.toml"
    params.write_text("memory = 0.5\n")
    refused(capsys, "simulate", "rosca-v2", "--params", str(params), "--steps", "3")
    code, _, err = run(
        capsys, "simulate", "rosca-v2", "--params", str(params), "--policy", "ema", "--steps", "3"
    )
    assert code == 0 and err == ""


def test_workers_with_the_batched_engine_are_refused(capsys):
    line = refused(capsys, "simulate", "rosca-v2", "--workers", "4", "--steps", "3")
    assert "--engine cadcad" in line


# -- names and one line -------------------------------------------------------------------


def test_control_characters_in_names_are_escaped(capsys):
    line = refused(capsys, "solve", "rosca-v2", "--set", "del\x1bta=1")
    assert "del\\x1bta" in line
    line = refused(capsys, "solve", "rosca\x1b-v2")
    assert "rosca\\x1b-v2" in line


def test_an_argparse_error_with_a_newline_is_one_line(capsys):
    line = refused(capsys, "solve", "rosca-v2", "--bogus\nx")
    assert "--bogus\\nx" in line


# -- parameter files ----------------------------------------------------------------------


def test_params_naming_a_folder(capsys, tmp_path):
    assert "is a folder" in refused(capsys, "solve", "rosca-v2", "--params", str(tmp_path))


def test_params_naming_a_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "p.toml"
    os.mkfifo(fifo)
    r = rosca("solve", "rosca-v2", "--params", str(fifo), timeout=60)
    assert r.returncode == 2 and r.stderr.splitlines() == [
        f"rosca: error: parameter file '{fifo}' is a named pipe; give a TOML text file"
    ]


def test_params_naming_a_device(capsys):
    assert "is a device" in refused(capsys, "solve", "rosca-v2", "--params", "/dev/zero")


def test_params_binary_too_large_or_not_utf8(capsys, tmp_path):
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"delta = 1\n\x00\x01")
    assert "binary" in refused(capsys, "solve", "rosca-v2", "--params", str(binary))
    latin = tmp_path / "l.toml"
    latin.write_bytes("# caf\xe9\ndelta = 1\n".encode("latin-1"))
    assert "not UTF-8" in refused(capsys, "solve", "rosca-v2", "--params", str(latin))
    big = tmp_path / "big.toml"
    big.write_text("# padding\n" * 200_000)
    assert "larger than 1024 KiB" in refused(capsys, "solve", "rosca-v2", "--params", str(big))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_params_unreadable(capsys, tmp_path):
    p = tmp_path / "p.toml"
    p.write_text("delta = 1\n")
    p.chmod(0)
    assert "permission denied" in refused(capsys, "solve", "rosca-v2", "--params", str(p))


def test_params_huge_integer_in_toml(capsys, tmp_path):
    p = tmp_path / "p.toml"
    p.write_text("delta = " + "9" * 5000 + "\n")
    line = refused(capsys, "solve", "rosca-v2", "--params", str(p))
    assert "delta" in line or "not valid TOML" in line


def test_params_through_a_symlink_to_a_file_are_read(capsys, tmp_path):
    real = tmp_path / "real.toml"
    real.write_text("delta = 2\n")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    code, out, _ = run(capsys, "solve", "rosca-v2", "--params", str(link), "--format", "json")
    assert code == 0 and json.loads(out)["parameters"]["delta"] == 2


# -- standard output and signals ----------------------------------------------------------


def test_a_full_standard_output_is_one_line():
    with open("/dev/full", "w") as full:
        r = subprocess.run(
            [sys.executable, "-m", "reports.cli", "models"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        "rosca: error: cannot write to standard output: No space left on device"
    ]


@pytest.mark.parametrize(
    ("signum", "message"),
    [
        (signal.SIGTERM, "rosca: stopped by SIGTERM; nothing was written"),
        (signal.SIGINT, "rosca: interrupted; nothing was written"),
    ],
    ids=["SIGTERM", "SIGINT"],
)
def test_a_signal_during_report_leaves_no_temporary(tmp_path, signum, message):
    """Wait until the report is being rendered into its hidden temporary folder, then
    send the signal: the folder must be removed and the destination never created."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "reports.cli", "report", "inspection", "--runs", "2"]
        + ["--steps", "20", "--out", "rep"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while not list(tmp_path.glob(".rep.*")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the report never started rendering"
        time.sleep(0.01)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 128 + signum
    assert err.splitlines() == [message]
    assert list(tmp_path.iterdir()) == []
