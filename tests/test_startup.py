"""Start-up: the light commands do not import the heavy libraries.

Each command is run in a fresh interpreter (a subprocess), and the modules it loaded are
listed from ``sys.modules``: ``rosca --help`` loads no numerical library at all, ``rosca
models`` only the theory's (numpy, sympy), and ``rosca simulate`` without ``--out`` no
cadCAD, pandas, matplotlib or scipy. Times are measured by ``benchmarks/``, not here.
"""

import json
import subprocess
import sys
import textwrap

import pytest

HEAVY = ("cadCAD", "pandas", "matplotlib", "scipy", "tqdm", "pyarrow", "nashpy", "distributed")

PROBE = textwrap.dedent(
    """
    import io, json, sys
    from contextlib import redirect_stdout
    from reports.cli import main
    with redirect_stdout(io.StringIO()):
        try:
            main(sys.argv[1:])
        except SystemExit:
            pass
    print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
    """
)


def loaded(*argv):
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    "argv,also_absent",
    [
        (["--help"], ("numpy", "sympy")),
        (["simulate", "--help"], ("numpy", "sympy")),
        (["models"], ()),
        (["simulate", "inspection", "--steps", "5"], ()),
    ],
    ids=["help", "simulate-help", "models", "simulate"],
)
def test_light_commands_import_no_heavy_library(argv, also_absent):
    modules = loaded(*argv)
    assert modules.isdisjoint(HEAVY + also_absent), sorted(modules & set(HEAVY + also_absent))
