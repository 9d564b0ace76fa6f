"""The packages pass ruff and mypy with the project's configuration (pyproject.toml)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("tool,args", [("ruff", ["check", "."]), ("mypy", [])])
def test_static_checks(tool, args):
    if shutil.which(tool) is None and not (Path(sys.executable).parent / tool).exists():
        pytest.skip(f"{tool} is not installed (it is in the 'test' extra)")
    exe = shutil.which(tool) or str(Path(sys.executable).parent / tool)
    r = subprocess.run([exe, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
