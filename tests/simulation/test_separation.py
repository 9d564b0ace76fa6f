"""The simulated agents know only the simulation: no module on the decision path reads the
theory's derived payoffs, equilibria or conditions (docs/design.md: the two sides must be
able to disagree, or their agreement proves nothing). Checked twice: statically, on the
imports of every module that decides, steps or measures a simulation; and by running
every model with every policy in both engines while the theory's derivation modules
cannot be imported at all."""

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DECIDING = (
    "simulation/policies.py",
    "simulation/beliefs.py",
    "simulation/learners.py",
    "simulation/counterfactual.py",
    "simulation/choice.py",
    "simulation/experiment.py",
    "simulation/batched.py",
    "simulation/cadcad_adapter.py",
    "simulation/rng.py",
    "simulation/frames.py",
    "simulation/games.py",
    "simulation/members.py",
)

DERIVED = (
    "theory.payoffs",
    "theory.equilibria",
    "theory.analysis",
    "theory.dynamics",
    "theory.vertices",
    "theory.numeric",
    "theory.thresholds",
    "theory.regions",
    "theory.conditions",
    "theory.population",
    "theory.symmetric",
    "theory.pure",
    "theory.nplayer",
    "theory.population_analysis",
    "theory.rounds",
    "theory.design",
    "theory.candidates",
    "theory.affine",
)


def imported(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_no_deciding_module_imports_the_derivation():
    for rel in DECIDING:
        bad = {m for m in imported(ROOT / rel) if m in DERIVED}
        assert not bad, f"{rel} imports {bad}"


SCRIPT = """
import json, sys
for name in {blocked}:
    sys.modules[name] = None  # any import of the derivation now raises ImportError
from simulation.batched import run_batched
from simulation.cadcad_adapter import run_cadcad
from simulation.experiment import Experiment
from simulation.frames import from_batched, from_cadcad
from simulation.policies import policy_names
from theory.models import MODELS
done = []
for m in MODELS.values():
    for policy in policy_names(m):
        exp = Experiment(m, policy=policy, runs=2, steps=6, seed=3)
        a = from_batched(run_batched(exp))
        b = from_cadcad(exp, run_cadcad(exp))
        assert a.shape == b.shape, (m.name, policy)
        done.append([m.name, policy])
print(json.dumps(done))
"""


def test_every_policy_runs_without_the_derivation():
    code = SCRIPT.format(blocked=list(DERIVED))
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert r.returncode == 0, r.stderr[-2000:]
    done = json.loads(r.stdout)
    models = {m for m, _ in done}
    assert {
        "rosca-v2",
        "inspection",
        "verifiers-dilemma",
        "rosca-audit",
        "volunteers",
        "rosca-circle",
    } <= models
    assert {"reinforcement", "q-learning", "roi", "fictitious-play"} <= {p for _, p in done}
