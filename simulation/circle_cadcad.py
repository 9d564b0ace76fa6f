"""The ROSCA circle in cadCAD 0.5.3: one run per cadCAD subset, one round per timestep.

The cadCAD state holds the circle's arrays (a run axis of length one); the single policy
calls :func:`simulation.circle.circle_step`, the same function the batched engine steps,
and each state update picks its variable from the result. The run's global number and the
seed travel in the subset's parameters, so the random numbers match the batched engine's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.cadcad_adapter import validate_blocks
from simulation.circle import RECORDED, CircleExperiment, CircleRun, circle_step, initial_state


def _blocks(exp: CircleExperiment, keys: list[str]) -> list[dict[str, Any]]:
    def step(params: dict, substep: int, sH: Any, s: dict, **kw: Any) -> dict:
        state = {k: s[k] for k in keys}
        return {"next": circle_step(exp, state, np.array([params["_run"]]), int(s["timestep"]))}

    def pick(key: str) -> Any:
        def update(params: dict, substep: int, sH: Any, s: dict, _input: dict, **kw: Any) -> tuple:
            return key, _input["next"][key]

        return update

    return [{"policies": {"step": step}, "variables": {k: pick(k) for k in keys}}]


def run_circle_cadcad(exp: CircleExperiment) -> CircleRun:
    """Run ``exp`` with cadCAD's Executor (single-process); the same arrays as
    :func:`simulation.circle.run_circle`."""
    from cadCAD.configuration import Experiment as CadExperiment
    from cadCAD.configuration.utils import config_sim
    from cadCAD.engine import ExecutionContext, ExecutionMode, Executor

    genesis = initial_state(exp, np.array([0]))
    keys = list(genesis)
    blocks = _blocks(exp, keys)
    validate_blocks(genesis, blocks)
    runs = list(range(exp.runs))
    M = {"_run": runs if len(runs) > 1 else runs * 2}
    cad = CadExperiment()
    cad.append_model(
        initial_state=genesis,
        partial_state_update_blocks=blocks,
        sim_configs=config_sim({"N": 1, "T": range(exp.n_steps), "M": M}),
    )
    configs = cad.configs[: exp.runs]
    raw, _, _ = Executor(
        ExecutionContext(ExecutionMode().single_mode), configs, supress_print=True
    ).execute()
    by_run: dict[int, list[dict]] = {}
    for record in raw:
        if record["timestep"] > 0:
            by_run.setdefault(int(record["subset"]), []).append(record)
    steps = [sorted(by_run[r], key=lambda x: x["timestep"]) for r in runs]
    arrays = {
        k: np.stack([np.concatenate([rec[k] for rec in run]) for run in steps], axis=1)
        for k in RECORDED
    }
    last = [run[-1] for run in steps]
    net = np.concatenate([r["received_total"] - r["paid_total"] - r["lost_total"] for r in last])
    return CircleRun(exp, net=net, **arrays)
