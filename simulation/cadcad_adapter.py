"""The cadCAD adapter: a model description as a cadCAD 0.5.3 experiment, run by cadCAD.

Every (parameter point, run) pair becomes one cadCAD subset, carrying its point index,
run number and the seed in its parameters, so that the policies' random numbers are a
pure function of (seed, run, timestep, draw) in any execution mode. The model's blocks
become partial state update blocks: the first holds the policy (the players' decisions)
and updates the action flags, the block's mechanisms and the beliefs; later blocks read
the actions back from the flags. String keys appear here and nowhere else.

cadCAD's own multi-process mode hands all runs one random state (DOMAIN.md section 5) and
is slower than its single-process mode; ``workers > 1`` therefore splits the subsets over
a process pool, each worker running single-process cadCAD on its share. The output is the
same either way, which the tests check, also against cadCAD's own multi-process mode.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiment import Experiment
from simulation.policies import Incentives, incentives
from simulation.rng import uniform
from theory.errors import ModelError, unknown
from theory.model import Namespace

META = ("simulation", "subset", "run", "substep", "timestep")


def _blocks(exp: Experiment, incs: list[Incentives]) -> list[dict[str, Any]]:
    model = exp.model
    behaviour = exp.behaviour
    pp = exp.policy_namespace()
    names = [q.name for q in model.parameters]

    def p_of(params: dict[str, Any]) -> Namespace:
        return Namespace({k: params[k] for k in names}, "parameter")

    def decide(params: dict[str, Any], substep: int, sH: Any, s: dict[str, Any], **kw: Any) -> dict:
        t = int(s["timestep"]) + 1
        run = int(params["_global_run"])

        def draw(k: int) -> float:
            return uniform(int(params["_seed"]), run, t, k)

        acts = behaviour.decide(
            p_of(params), Namespace(s, "state variable"), incs[int(params["_point"])], pp, draw
        )
        return {"acts": (bool(acts[0]), bool(acts[1]))}

    def flag_update(k: int) -> Callable[..., tuple[str, Any]]:
        key = model.players[k].flag

        def update(params: dict, substep: int, sH: Any, s: dict, _input: dict, **kw: Any) -> tuple:
            return key, _input["acts"][k]

        return update

    def mechanism_update(m: Any, first: bool) -> Callable[..., tuple[str, Any]]:
        def update(params: dict, substep: int, sH: Any, s: dict, _input: dict, **kw: Any) -> tuple:
            acts = _input["acts"] if first else tuple(s[pl.flag] for pl in model.players)
            a = Namespace({pl.name: act for pl, act in zip(model.players, acts)}, "player")
            return m.writes, m.fn(p_of(params), Namespace(s, "state variable"), a)

        return update

    def belief_update(key: str) -> Callable[..., tuple[str, Any]]:
        def update(params: dict, substep: int, sH: Any, s: dict, _input: dict, **kw: Any) -> tuple:
            return key, behaviour.update(Namespace(s, "state variable"), _input["acts"], pp)[key]

        return update

    blocks: list[dict[str, Any]] = []
    for index, block in enumerate(model.blocks or ((),)):
        variables: dict[str, Any] = {}
        policies: dict[str, Any] = {}
        if index == 0:
            policies["decide"] = decide
            for k in range(2):
                variables[model.players[k].flag] = flag_update(k)
            for key in behaviour.belief_keys():
                variables[key] = belief_update(key)
        for m in block:
            variables[m.writes] = mechanism_update(m, index == 0)
        blocks.append({"policies": policies, "variables": variables})
    return blocks


def validate_blocks(initial_state: dict[str, Any], blocks: list[dict[str, Any]]) -> None:
    """The model lint at the cadCAD boundary: every variable a partial state update block
    updates must be a state variable. cadCAD 0.5.3 silently ignores an unknown key (the
    seed notebook's ``'Contributer_On'``); this raises :class:`ModelError` naming it.
    """
    for i, block in enumerate(blocks):
        for key in block.get("variables", {}):
            if key not in initial_state:
                raise ModelError(
                    f"partial state update block {i} updates "
                    + unknown("state variable", key, initial_state)
                )


def _configs(exp: Experiment, subsets: list[int]) -> list[Any]:
    from cadCAD.configuration import Experiment as CadExperiment
    from cadCAD.configuration.utils import config_sim

    incs = [incentives(exp.model, pt) for pt in exp.points]
    points = [g // exp.runs for g in subsets]
    M: dict[str, list[Any]] = {
        "_global_run": list(subsets),
        "_point": points,
        "_seed": [exp.seed] * len(subsets),
    }
    for q in exp.model.parameters:
        M[q.name] = [float(exp.points[i][q.name]) for i in points]
    if len(subsets) == 1:
        M = {k: v * 2 for k, v in M.items()}  # cadCAD turns a 1-list sweep into a scalar
    genesis = exp.initial_state(exp.points[points[0]])
    blocks = _blocks(exp, incs)
    validate_blocks(genesis, blocks)
    cad = CadExperiment()
    cad.append_model(
        initial_state=genesis,
        partial_state_update_blocks=blocks,
        sim_configs=config_sim({"N": 1, "T": range(exp.n_steps), "M": M}),
    )
    configs = cad.configs
    return configs[:1] if len(subsets) == 1 else configs


def _initial_states_differ(exp: Experiment) -> bool:
    first = exp.initial_state(exp.points[0])
    return any(exp.initial_state(pt) != first for pt in exp.points[1:])


def _execute(exp: Experiment, subsets: list[int], mode: str = "single") -> pd.DataFrame:
    from cadCAD.engine import ExecutionContext, ExecutionMode, Executor

    frames = []
    # cadCAD has one genesis state per model: points with different genesis states
    # (e.g. another initial volume) are run as separate cadCAD models.
    groups: list[list[int]] = []
    if _initial_states_differ(exp):
        by_point: dict[int, list[int]] = {}
        for g in subsets:
            by_point.setdefault(g // exp.runs, []).append(g)
        groups = list(by_point.values())
    else:
        groups = [subsets]
    for group in groups:
        configs = _configs(exp, group)
        context = (
            ExecutionMode().multi_mode
            if mode == "multi" and len(configs) > 1
            else ExecutionMode().single_mode
        )
        raw, _, _ = Executor(ExecutionContext(context), configs, supress_print=True).execute()
        df = pd.DataFrame(raw)
        # subset i of this group is global run group[i]
        df["_global_run"] = np.asarray(group)[df["subset"].to_numpy()]
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


_POOL_EXPERIMENT: Experiment | None = None


def _worker(subsets: list[int]) -> pd.DataFrame:
    assert _POOL_EXPERIMENT is not None
    return _execute(_POOL_EXPERIMENT, subsets)


def run_cadcad(
    exp: Experiment,
    workers: int = 1,
    mode: str = "single",
    progress: Callable[[int, int], None] | None = None,
    subsets: list[int] | None = None,
) -> pd.DataFrame:
    """Run ``exp`` with cadCAD's Executor; return cadCAD's records, one row per substep.

    ``subsets`` restricts the run to these global run numbers (all by default).

    ``workers > 1`` splits the runs over that many processes, each running cadCAD in its
    single-process mode; ``mode="multi"`` uses cadCAD's own multi-process mode instead.
    ``progress(done, total)`` is called after each chunk of runs.
    """
    global _POOL_EXPERIMENT
    if subsets is None:
        subsets = list(range(exp.n_points * exp.runs))
    n_chunks = 1 if progress is None else min(len(subsets), 20)
    if workers > 1 and len(subsets) > 1:
        n_chunks = max(n_chunks, min(workers, len(subsets)))
    chunks = [[int(g) for g in c] for c in np.array_split(subsets, n_chunks) if len(c)]
    frames: list[pd.DataFrame] = []
    if workers <= 1 or len(chunks) == 1:
        for c in chunks:
            frames.append(_execute(exp, c, mode))
            if progress is not None:
                progress(len(frames), len(chunks))
    else:
        _POOL_EXPERIMENT = exp
        try:
            ctx = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=ctx) as pool:
                for part in pool.map(_worker, chunks):
                    frames.append(part)
                    if progress is not None:
                        progress(len(frames), len(chunks))
        finally:
            _POOL_EXPERIMENT = None
    df = pd.concat(frames, ignore_index=True)
    df = df.sort_values(["_global_run", "timestep", "substep"], kind="stable")
    return df.reset_index(drop=True)
