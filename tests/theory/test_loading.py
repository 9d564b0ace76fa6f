"""Models from the user's files, modules and installed packages (theory/models/loading.py):
the README's example as a file on the command line, an entry point of an installed
distribution, and one line with exit status 2 for each bad input."""

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reports.cli import main
from theory.errors import ModelError, UnknownNameError
from theory.models import MODELS, get_model, list_models, model_source
from theory.models.loading import ENTRY_POINT_GROUP

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()

AUDIT = re.findall(r"```python\n(.*?)```", README.split("## Defining a new model")[1], flags=re.S)[
    0
]
"""The README's "Defining a new model" example, unchanged."""

SMALL = textwrap.dedent(
    """
    from dataclasses import replace

    from theory.models import inspection

    strict = replace(inspection.MODEL, name="strict", title="Strict inspection")
    lenient = replace(inspection.MODEL, name="lenient-inspection", title="Lenient inspection")
    """
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def cli(*argv: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command line in its own process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "reports.cli", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_readme_example_runs_as_a_file_from_the_command_line(tmp_path):
    write(tmp_path, "audit_model.py", AUDIT)
    r = cli("solve", "audit_model.py", "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)  # the file's own prints went to standard error
    assert data["model"] == "audit" and data["regime"] == "mixed"
    (eq,) = data["equilibria"]
    assert eq["row_exact"] == ["2/7", "5/7"] and eq["col_exact"] == ["1/7", "6/7"]
    assert "mixed" in r.stderr  # what the README block prints


def test_file_models_work_in_every_command(tmp_path, monkeypatch, capsys):
    write(tmp_path, "audit_model.py", AUDIT)
    monkeypatch.chdir(tmp_path)
    assert main(["solve", "./audit_model.py:audit", "--set", "f=9", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["parameters_exact"]["f"] == "9"
    argv = ["simulate", "audit_model.py", "--runs", "2", "--steps", "8", "--format", "json"]
    assert main(argv) == 0
    assert "act_rate" in json.loads(capsys.readouterr().out)
    assert main(["explore", "audit_model.py", "--out", "audit.html"]) == 0
    assert "A toy audit game" in Path("audit.html").read_text()
    assert "wrote audit.html" in capsys.readouterr().out
    assert main(["models", "audit_model.py", "--format", "json"]) == 0
    listed = {d["name"]: d for d in json.loads(capsys.readouterr().out)}
    assert listed["audit_model.py"]["source"]["kind"] == "file"
    assert listed["audit_model.py"]["source"]["origin"] == str(tmp_path / "audit_model.py")
    assert all(listed[n]["source"]["kind"] == "built-in" for n in MODELS)


def test_the_parameter_checks_apply_to_a_file_model(tmp_path, monkeypatch, capsys):
    write(tmp_path, "audit_model.py", AUDIT)
    monkeypatch.chdir(tmp_path)
    assert main(["solve", "audit_model.py", "--set", "c=0"]) == 2
    assert "parameter 'c' = 0 is outside its bounds (0, inf)" in capsys.readouterr().err


def test_a_file_with_several_models_names_one(tmp_path):
    path = write(tmp_path, "games.py", SMALL)
    assert get_model(f"{path}:strict").title == "Strict inspection"
    assert get_model(f"{path}:lenient-inspection").name == "lenient-inspection"  # by its name
    m = get_model(f"{path}:lenient")
    assert model_source(m).kind == "file"
    assert get_model(model_source(m).reference) is m  # what a sweep's worker rebuilds


def test_module_attribute_from_the_current_folder(tmp_path, monkeypatch):
    write(tmp_path, "my_rosca_games.py", SMALL)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "my_rosca_games", raising=False)
    m = get_model("my_rosca_games:strict")
    assert m.name == "strict" and model_source(m).kind == "module"
    assert model_source(m).reference == "my_rosca_games:strict"
    sys.modules.pop("my_rosca_games", None)


def install_distribution(site: Path, package: str, source: str, entry_points: str) -> None:
    """An installed distribution as importlib.metadata sees one: the package and its
    ``.dist-info`` (METADATA and entry_points.txt) on a path entry."""
    (site / package).mkdir(parents=True)
    (site / package / "__init__.py").write_text(source)
    info = site / f"{package}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{entry_points}\n")


def test_an_installed_package_adds_models_through_its_entry_point(tmp_path, monkeypatch):
    site = tmp_path / "site"
    install_distribution(site, "rosca_plugin_demo", AUDIT, "plugin-audit = rosca_plugin_demo:audit")
    install_distribution(
        site,
        "rosca_plugin_broken",
        "x = 1\nraise RuntimeError('broken on purpose')\n",
        "plugin-broken = rosca_plugin_broken:model",
    )
    monkeypatch.syspath_prepend(str(site))
    m = get_model("plugin-audit")
    assert m.name == "audit"
    src = model_source(m)
    assert (src.kind, src.reference) == ("entry point", "plugin-audit")
    assert "rosca_plugin_demo 0.1" in src.origin
    entries = {e.name: e for e in list_models()}
    assert entries["plugin-audit"].model is m
    assert entries["plugin-broken"].model is None
    assert "__init__.py, line 2): RuntimeError: broken on purpose" in entries["plugin-broken"].error
    with pytest.raises(ModelError, match=r"rosca_plugin_broken 0.1\) \(.*__init__.py, line 2\)"):
        get_model("plugin-broken")
    # and in a process of its own, through the command line
    env = {"PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    r = cli("models", "--format", "json", cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    listed = {d["name"]: d for d in json.loads(r.stdout)}
    assert listed["plugin-audit"]["source"]["kind"] == "entry point"
    assert "broken on purpose" in listed["plugin-broken"]["error"]
    r = cli("solve", "plugin-audit", "--format", "json", cwd=tmp_path, env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["regime"] == "mixed"


LINT_WRITE = AUDIT.replace('Mechanism("Trader_Fine"', 'Mechanism("Trader_Fines"')
LINT_READ = AUDIT.replace("s.Trader_Gain,", "s.Trader_Gainz,")
BAD = {
    "none.py": ("x = 1\n", "defines no model"),
    "two.py": (SMALL, "defines 2 models (strict, lenient); name one, e.g. two.py:strict"),
    "raises.py": (
        "import math\n\n\ndef f():\n    return 1 / 0\n\n\nX = f()\n",
        "line 5: ZeroDivisionError",
    ),
    "syntax.py": ("x = (1,\ny = 2\n", "line 1: SyntaxError"),
    "lint_write.py": (
        LINT_WRITE,
        "line 5: ModelError: model 'audit': a mechanism writes unknown state variable "
        "'Trader_Fines'",
    ),
    "lint_read.py": (
        LINT_READ,
        "ModelError: unknown state variable 'Trader_Gainz' (did you mean 'Trader_Gain'?)",
    ),
}


@pytest.mark.parametrize(
    "spec, message",
    [
        ("missing.py", "model file 'missing.py' does not exist"),
        ("two.py:nope", "model file 'two.py': unknown model 'nope'; allowed: strict, lenient"),
        ("no_such_module:model", "no module named 'no_such_module'"),
        ("theory.models.inspection:where", "is a function, not a model"),
        *[(name, f"model file '{name}'") for name in BAD],
    ],
)
def test_bad_model_input_is_one_line_with_exit_status_2(
    spec, message, tmp_path, monkeypatch, capsys
):
    for name, (text, _) in BAD.items():
        write(tmp_path, name, text)
    monkeypatch.chdir(tmp_path)
    assert main(["solve", spec]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert message in err
    if spec in BAD:
        assert BAD[spec][1] in err


def test_errors_are_value_errors_of_the_toolkit(tmp_path):
    with pytest.raises(UnknownNameError, match="did you mean 'inspection'"):
        get_model("inspektion")
    with pytest.raises(ModelError, match="defines no model"):
        get_model(str(write(tmp_path, "empty.py", "")))
