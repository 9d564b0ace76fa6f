"""The README's code blocks, its commands, and the teaching examples all run, the examples
as notebooks (jupytext turns the percent-format scripts into notebooks; nbclient runs them
in an ipykernel kernel, as Jupyter would)."""

import asyncio
import re
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
        "explore",
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
        "models ./audit.py games.mymodels:audit --format json",
        "explore rosca-v2 --set delta=1 --params p.toml --out page.html",
        "solve inspection --format nfg --out x.nfg",
        "simulate inspection --policy logit --runs 2 --steps 5 --engine cadcad "
        "--workers 2 --out t.csv --format json",
        "compare inspection --burn-in 3",
        "report --out d --force",
        "sweep inspection --grid P=1:2:3 --backend dask --workers 2 --chunk 2 --out s.parquet",
        "design rosca-circle --target no-default --format json",
    ):
        parser.parse_args(shlex.split(argv))


EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def test_examples_run_as_notebooks(tmp_path):
    """Every example, converted to a notebook and executed in its own kernel (the kernels
    run side by side); the teaching examples draw and save their figures, and an analysis
    shows itself as HTML."""
    jupytext = pytest.importorskip("jupytext", reason="jupytext is in the 'test' extra")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is in the 'test' extra")
    pytest.importorskip("ipykernel", reason="ipykernel is in the 'test' extra")
    runs = {}
    for path in EXAMPLES:
        folder = tmp_path / path.stem
        folder.mkdir()
        nb = jupytext.read(path)
        assert sum(c.cell_type == "markdown" for c in nb.cells) >= 2, path.name
        client = nbclient.NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        )
        runs[path] = (nb, folder, client)

    async def run_all():
        jobs = [client.async_execute() for _, _, client in runs.values()]
        return await asyncio.gather(*jobs, return_exceptions=True)

    results = asyncio.run(run_all())
    failed = {p.name: r for p, r in zip(runs, results) if isinstance(r, BaseException)}
    assert not failed, failed  # a CellExecutionError names the cell and its traceback
    for path, (nb, folder, _) in runs.items():
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
        figures = sorted(p.name for p in folder.glob("*.png"))
        if path.name[:2] in {"01", "02", "03", "04"}:  # the teaching examples draw figures
            assert figures and all(f.startswith(path.name[:3]) for f in figures), figures
            assert all((folder / f).stat().st_size > 5_000 for f in figures)
        rich = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
        if path.name[:2] in {"01", "03"}:  # an analysis shows itself in the notebook
            assert any("rosca-analysis" in h and "regime: <b>" in h for h in rich), path.name
