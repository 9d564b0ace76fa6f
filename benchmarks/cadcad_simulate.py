"""The peer side of ``benchmarks/commands.py``: ``rosca simulate``'s work done through cadCAD.

A script as a cadCAD user would write it: the same model and policy as ``rosca simulate
MODEL --policy POLICY --runs N --steps T --seed S`` run by cadCAD 0.5.3's Executor in its
single-process mode (:func:`simulation.cadcad_adapter.run_cadcad`, its fastest correct
mode on this machine), turned into the tidy frame and summarised by the same analysis
(:func:`simulation.analysis.analyse_runs`); the summary is printed as JSON, so the two
sides can be checked equal.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulation.analysis import analyse_runs  # noqa: E402
from simulation.cadcad_adapter import run_cadcad  # noqa: E402
from simulation.experiment import Experiment  # noqa: E402
from simulation.frames import from_cadcad  # noqa: E402
from theory.models import get_model  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--policy", required=True)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--steps", type=int, default=120)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    exp = Experiment(
        get_model(args.model), policy=args.policy, runs=args.runs, steps=args.steps, seed=args.seed
    )
    frame = from_cadcad(exp, run_cadcad(exp))
    print(json.dumps(analyse_runs(exp, frame).summary))


if __name__ == "__main__":
    main()
