"""Command-line fuzz: hypothesis draws commands, options and hostile values, and each run
must end in exit status 0 with valid output, or 2 with exactly one printable line on
standard error and no traceback; no temporary is left, and nothing outside the run's
folder is touched (the files a symbolic link, a named pipe or a user's folder point to
included).

Each option takes a valid value most of the time and a hostile one otherwise, so that
both the successful paths and every refusal are reached. Runs are in-process
(``reports.cli.main.main``) with tiny simulations. The number of examples is three times
the hypothesis profile's ``max_examples`` (``ci``: 180, see tests/conftest.py), or
``ROSCA_FUZZ_EXAMPLES`` for a longer hunt (``ROSCA_FUZZ_EXAMPLES=2000 python -m pytest
tests/cli/test_fuzz.py --hypothesis-show-statistics``).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import tempfile
from fractions import Fraction
from pathlib import Path

import pandas as pd
from hypothesis import event, given, settings
from hypothesis import strategies as st

from reports.cli.main import COMMANDS, main
from simulation.policies import ESTIMATORS, POLICY_PARAMETERS
from theory.models import MODELS

EXAMPLES = int(os.environ.get("ROSCA_FUZZ_EXAMPLES") or 3 * settings().max_examples)
ROOT = os.geteuid() == 0
HOSTILE_PERCENT = 8
"""How often an option takes a hostile value instead of a valid one."""

# -- values -----------------------------------------------------------------------------

HOSTILE_NUMBERS = [
    "-1", "1e300", "1e301", "1e-300", "1e-400", "1e308", "1e-5000", "1e-99999999",
    "1e999999999999", "0." + "1" * 40, "9" * 400, "inf", "-inf", "nan", "0x10", "1_000",
    "\uff11", "1/2", "", " ", "abc", "1e", ".", "--1", "1\x00", "1\x1b[2J", "1\n2", "\udcff",
]  # fmt: skip
HOSTILE_COUNTS = ["0", "-1", "x", "1.5", "", "\x1b", "9" * 5000, "1" + "0" * 30]
HOSTILE_NAMES = ["", "nope", "delta\x1b", "del\nta", "\udcff", "x" * 500, "theta ", "memory"]
HOSTILE_MODELS = ["nope", "", "rosca\x1b-v2", "ROSCA-V2", "-", "x" * 300, "./none.py", "dir"]
CANDIDATES = ["0", "0.25", "0.5", "1", "2", "3", "1e-3", "1e3"]

# The run's folder holds every kind of thing an option may name (made by ``_stage``).
TABLE_OUTS = ["out.csv", "out.parquet", "existing.csv", "dir/../out2.csv"]
HOSTILE_TABLE_OUTS = ["out.txt", "dir", "missing/out.csv", "pipe.csv", "link.csv", "", "."]
HOSTILE_TABLE_OUTS += ["ctrl\x1b.csv"]
FILE_OUTS = ["out.json", "existing.csv"]
HOSTILE_FILE_OUTS = ["dir", "pipe.csv", "link.csv", "missing/x", ""]
REPORT_OUTS = ["dir", "existing.csv", "pipe.csv", "link.csv", "missing/rep", "userdir"]
"""Each refused; the first only without --force."""
PARAM_FILES = ["good.toml", "link.toml", "policy.toml"]
HOSTILE_PARAM_FILES = ["bad.toml", "binary.toml", "latin.toml", "dir", "pipe.csv", ""]
HOSTILE_PARAM_FILES += ["missing.toml", "huge.toml", "deep.toml"]
if not ROOT:  # as root a broken check would replace the device: tested without writing
    HOSTILE_TABLE_OUTS += ["/dev/null", "/dev/full"]
    HOSTILE_FILE_OUTS += ["/dev/null"]
    HOSTILE_PARAM_FILES += ["/dev/zero"]


def hostile(draw) -> bool:
    """True about HOSTILE_PERCENT % of the time (away from 0 and 99, which hypothesis
    draws more often than the rest)."""
    return 40 <= draw(st.integers(0, 99)) < 40 + HOSTILE_PERCENT


def either(draw, valid: list[str], bad: list[str]) -> str:
    """A valid value, or now and then a hostile one."""
    return draw(st.sampled_from(bad if hostile(draw) else valid))


def admitted(q) -> list[str]:
    return [v for v in CANDIDATES if q.admits(Fraction(v))] or [q.default]


# -- the run's folder -------------------------------------------------------------------


def _stage(folder: Path, outside: Path) -> None:
    (folder / "existing.csv").write_text("a,b\n1,2\n")
    (folder / "dir").mkdir()
    (folder / "userdir" / "report.md").mkdir(parents=True)  # a user's folder, not a report
    (folder / "userdir" / "report.md" / "mine.txt").write_text("mine")
    os.mkfifo(folder / "pipe.csv")
    (folder / "link.csv").symlink_to(outside / "precious.csv")
    (folder / "link.toml").symlink_to(outside / "precious.toml")
    (folder / "good.toml").write_text("[parameters]\n")
    (folder / "policy.toml").write_text("memory = 0.5\n")
    (folder / "bad.toml").write_text("delta = = 2\n")
    (folder / "binary.toml").write_bytes(b"\x00\x01\x02")
    (folder / "latin.toml").write_bytes(b"# caf\xe9\n")
    (folder / "huge.toml").write_text("#" * (2 << 20))
    (folder / "deep.toml").write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")


def _outside_state(outside: Path) -> dict[str, object]:
    state: dict[str, object] = {
        p.name: (p.read_bytes(), os.lstat(p).st_mtime_ns) for p in sorted(outside.iterdir())
    }
    for device in ("/dev/null", "/dev/full", "/dev/zero"):
        state[device] = stat.S_ISCHR(os.lstat(device).st_mode)
    return state


def _folder_state(folder: Path) -> dict[str, object]:
    return {
        "pipe": stat.S_ISFIFO(os.lstat(folder / "pipe.csv").st_mode),
        "link": os.readlink(folder / "link.csv"),
        "userdir": (folder / "userdir" / "report.md" / "mine.txt").read_text(),
        "dir": sorted(p.name for p in (folder / "dir").iterdir()),
        "temporaries": sorted(str(p) for p in folder.rglob(".*.tmp")),
    }


# -- commands ---------------------------------------------------------------------------


def point_options(draw, model) -> list[str]:
    out: list[str] = []
    params = list(model.parameters) if model is not None else []
    chosen = draw(st.lists(st.sampled_from(params), max_size=2, unique=True)) if params else []
    for q in chosen:
        if not hostile(draw):
            name, value = q.name, either(draw, admitted(q), HOSTILE_NUMBERS)
        else:
            name = draw(st.sampled_from([*HOSTILE_NAMES, *(p.name for p in POLICY_PARAMETERS)]))
            value = either(draw, ["0.5"], HOSTILE_NUMBERS)
        out += ["--set", f"{name}={value}"]
    if draw(st.integers(0, 3)) == 0:
        out += ["--params", either(draw, PARAM_FILES, HOSTILE_PARAM_FILES)]
    return out


def run_options(draw, model, sweep: bool = False) -> list[str]:
    out: list[str] = []
    natives = list(getattr(model, "native_policies", None) or ())
    if draw(st.booleans()):
        out += ["--policy", either(draw, [*natives, *ESTIMATORS], ["nope", "\x1b", ""])]
    out += ["--runs", either(draw, ["1", "2"], HOSTILE_COUNTS)]
    steps = either(draw, ["1", "3", "12"], HOSTILE_COUNTS)
    out += ["--steps", steps]
    if draw(st.booleans()):
        out += ["--seed", either(draw, ["0", "7", str(2**63 - 1)], ["-1", "x", "", "9" * 30])]
    engine = "batched"
    if draw(st.booleans()):
        engine = either(draw, ["batched", "cadcad"], ["gpu"])
        out += ["--engine", engine]
    if hostile(draw) if sweep else draw(st.integers(0, 3)) == 0:  # sweep: --backend's
        valid = ["1", "2"] if engine == "cadcad" else ["1"]
        out += ["--workers", either(draw, valid, ["0", "-4", "many", "3"])]
    return out


def sweep_options(draw, model) -> list[str]:
    out: list[str] = []
    params = list(model.parameters) if model is not None else []
    axes: list = [None]  # an unknown model: one hostile axis
    if params:
        axes = draw(st.lists(st.sampled_from(params), min_size=1, max_size=2, unique=True))
    for q in axes:
        if q is not None and not hostile(draw):
            values = sorted(admitted(q), key=Fraction)
            lo = draw(st.sampled_from(values))
            hi = draw(st.sampled_from([v for v in values if Fraction(v) >= Fraction(lo)]))
            n = either(draw, ["1", "2", "3"], ["0", "-2", "x", "9" * 12])
            out += ["--grid", f"{q.name}={lo}:{hi}:{n}"]
        else:
            name = draw(st.sampled_from(HOSTILE_NAMES + ["delta"]))
            lo, hi = draw(st.sampled_from(HOSTILE_NUMBERS)), draw(st.sampled_from(CANDIDATES))
            out += ["--grid", f"{name}={lo}:{hi}:2"]
    if draw(st.booleans()):
        out.append("--zip")
    if draw(st.booleans()):
        out += ["--chunk", either(draw, ["1", "2"], ["0", "-1", "x"])]
    if hostile(draw):
        out += ["--backend", draw(st.sampled_from(["local", "spark"]))]
    if hostile(draw):
        out += ["--scheduler", draw(st.sampled_from(["bogus://x", "tcp://", "x y", ""]))]
    return out


@st.composite
def commands(draw) -> list[str]:
    command = draw(st.sampled_from(list(COMMANDS)))
    argv = [command]
    if command == "models":
        if draw(st.booleans()):
            argv += ["--format", either(draw, ["text", "json"], ["xml", ""])]
        return argv
    if command not in ("solve", "simulate", "compare", "report", "sweep", "design"):
        return argv + ["--help"] if draw(st.booleans()) else argv
    name = either(draw, list(MODELS), HOSTILE_MODELS)
    model = MODELS.get(name)
    argv.append(name)
    argv += point_options(draw, model)
    if command in ("simulate", "compare", "report", "sweep"):
        argv += run_options(draw, model, sweep=command == "sweep")
    if command == "solve":
        argv += ["--format", either(draw, ["text", "json", "latex", "nfg"], ["pdf"])]
        if draw(st.booleans()):
            argv += ["--out", either(draw, FILE_OUTS, HOSTILE_FILE_OUTS)]
    if command in ("simulate", "compare", "sweep", "design") and draw(st.booleans()):
        argv += ["--format", either(draw, ["text", "json"], ["yaml"])]
    if command in ("simulate", "sweep") and draw(st.booleans()):
        argv += ["--out", either(draw, TABLE_OUTS, HOSTILE_TABLE_OUTS)]
    if command == "compare" and draw(st.booleans()):
        argv += ["--burn-in", either(draw, ["0"], ["-1", "99", "x"])]
    if command == "report":
        # always a path that must be refused: a valid report takes seconds (tests/reports)
        force = draw(st.booleans())
        argv += ["--out", draw(st.sampled_from(REPORT_OUTS[force:]))] + ["--force"] * force
    if command == "sweep":
        argv += sweep_options(draw, model)
    if command == "design" and draw(st.booleans()):
        argv += ["--target", either(draw, ["no-default"], ["max-profit"])]
    if hostile(draw) and hostile(draw):
        argv.insert(draw(st.integers(1, len(argv))), draw(st.sampled_from(["--bogus\nx", "-"])))
    return argv


def _valid_output(argv: list[str], out: str, folder: Path) -> None:
    """What a successful run must have produced."""
    if "--help" in argv:
        return
    target = argv[argv.index("--out") + 1] if "--out" in argv else None
    fmt = argv[len(argv) - argv[::-1].index("--format")] if "--format" in argv else None
    text = out
    if target is not None:
        path = folder / target
        assert stat.S_ISREG(os.lstat(path).st_mode), f"{target} is not a regular file"
        if argv[0] in ("simulate", "sweep"):  # a table; the summary still goes to stdout
            table = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
            assert len(table) > 0
        else:
            text = path.read_text(encoding="utf-8")
    assert text.strip(), "a successful command writes something"
    if fmt == "json":
        json.loads(text if argv[0] == "solve" else out)


@settings(max_examples=EXAMPLES, deadline=None)
@given(argv=commands())
def test_every_command_succeeds_cleanly_or_fails_in_one_line(argv):
    with tempfile.TemporaryDirectory() as top:
        folder, outside = Path(top) / "run", Path(top) / "outside"
        folder.mkdir()
        outside.mkdir()
        (outside / "precious.csv").write_text("x\n1\n")
        (outside / "precious.toml").write_text("delta = 2\n")
        _stage(folder, outside)
        before_outside, before = _outside_state(outside), _folder_state(folder)
        cwd = os.getcwd()
        out, err = io.StringIO(), io.StringIO()
        os.chdir(folder)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(argv)
                except SystemExit as exc:  # argparse's own errors and --help
                    code = exc.code
        finally:
            os.chdir(cwd)
        text, errors = out.getvalue(), err.getvalue()
        event(f"{argv[0]}: exit {code}")  # see --hypothesis-show-statistics
        assert "Traceback" not in errors, errors
        assert code in (0, 2), (code, errors)
        if code == 2:
            assert errors.count("\n") == 1 and errors.endswith("\n"), errors
            assert errors.rstrip("\n").isprintable(), errors
        else:
            assert errors == "", errors
            _valid_output(argv, text, folder)
        assert _outside_state(outside) == before_outside, "a file outside the folder changed"
        after = _folder_state(folder)
        assert after["temporaries"] == [], "a temporary was left behind"
        assert after == before, "a pipe, link or user folder was touched"
