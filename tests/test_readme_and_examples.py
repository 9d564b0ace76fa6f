"""The README's code blocks, its commands, and the teaching examples all run."""

import re
import runpy
import shlex
from pathlib import Path

import pytest

from reports.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def blocks(lang):
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


@pytest.mark.parametrize("code", blocks("python"))
def test_python_blocks_run(code):
    exec(compile(code, "README.md", "exec"), {})


def test_the_two_setup_commands_and_ci():
    sh = blocks("sh")
    assert sh[0].strip() == "pip install . && rosca report"
    test_command = sh[1].strip()
    assert test_command == 'pip install -e ".[test]" && python -m pytest'
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command in ci, ".ci/run must call the README's own test command"


def test_cli_reference_parses():
    parser = build_parser()
    table = README.split("## Command-line reference")[1].split("## JSON formats")[0]
    commands = re.findall(r"`(rosca [a-z]+)", table)
    assert {c.split()[1] for c in commands} == {
        "models",
        "solve",
        "simulate",
        "compare",
        "report",
        "sweep",
        "design",
    }
    for argv in (
        "models --format json",
        "solve inspection --format nfg --out x.nfg",
        "simulate inspection --policy logit --runs 2 --steps 5 --engine cadcad "
        "--workers 2 --out t.csv --format json",
        "compare inspection --burn-in 3",
        "report --out d --force",
        "sweep inspection --grid P=1:2:3 --backend dask --workers 2 --chunk 2 --out s.parquet",
        "design rosca-circle --target no-default --format json",
    ):
        parser.parse_args(shlex.split(argv))


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.py")), ids=lambda p: p.name)
def test_examples_run(path, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(path), run_name="__main__")
