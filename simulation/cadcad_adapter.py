"""The cadCAD adapter: a model description as a cadCAD 0.5.3 experiment, run by cadCAD.

Every (parameter point, run) pair becomes one cadCAD subset, carrying its point index,
run number and the seed in its parameters, so that the policies' random numbers are a
pure function of (seed, run, timestep, draw) in any execution mode. The model's blocks
become partial state update blocks: the first holds the policy (the players' decisions)
and updates the action flags, the block's mechanisms and the beliefs; later blocks read
the actions back from the flags. String keys appear here and nowhere else.

cadCAD's own multi-process mode hands all runs one random state (docs/domain.md section 5) and
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

from simulation.experiment import Experiment, draws, prepare
from theory.errors import ModelError, unknown
from theory.model import Namespace

META = ("simulation", "subset", "run", "substep", "timestep")


def _needs_preparation(exp: Experiment, rounds: int) -> bool:
    games = rounds > 1 and exp.n_steps > rounds
    return games or any(v.draw for v in exp.model.state)


def _blocks(exp: Experiment, genesis: dict[int, dict[str, Any]], rounds: int) -> list[dict]:
    model = exp.model
    behaviour = exp.behaviour
    pp = exp.policy_namespace()
    ints = {q.name for q in model.parameters if q.integer}
    names = [q.name for q in model.parameters] + [o.name for o in model.options]
    learner_keys = [k for k in exp.state_keys if k not in model.state_keys]

    def p_of(params: dict[str, Any]) -> Namespace:
        return Namespace(
            {k: int(params[k]) if k in ints else params[k] for k in names}, "parameter"
        )

    def run_of(params: dict[str, Any]) -> int:
        return int(params["_global_run"])

    def now(s: dict[str, Any], first: bool) -> int:
        """The 1-based timestep being computed: the first substep still sees the last
        record of the previous timestep; later ones see this timestep's."""
        return int(s["timestep"]) + 1 if first else int(s["timestep"])

    decide_first = not _needs_preparation(exp, rounds)

    def prepared(params: dict, substep: int, sH: Any, s: dict, **kw: Any) -> dict:
        t = now(s, True)
        state = {k: s[k] for k in model.state_keys}
        point = genesis[int(params["_point"])]
        return {"state": prepare(exp, p_of(params), state, point, run_of(params), t, rounds)}

    def decide(params: dict[str, Any], substep: int, sH: Any, s: dict[str, Any], **kw: Any) -> dict:
        t = now(s, decide_first)
        r = (t - 1) % rounds
        draw = draws(exp, run_of(params), t)
        acts = behaviour.decide(p_of(params), Namespace(s, "state variable"), s, pp, draw, r)
        return {"acts": tuple(a.copy() if isinstance(a, np.ndarray) else a for a in acts)}

    def learn(params: dict[str, Any], substep: int, sH: Any, s: dict[str, Any], **kw: Any) -> dict:
        t = now(s, False)
        r = (t - 1) % rounds
        acts = tuple(s[pl.flag] for pl in model.players)
        ns = Namespace(s, "state variable")
        return {"learned": behaviour.update(p_of(params), ns, s, acts, pp, r, rounds)}

    def pick(source: str, key: str) -> Callable[..., tuple[str, Any]]:
        def update(params: dict, substep: int, sH: Any, s: dict, _input: dict, **kw: Any) -> tuple:
            return key, _input[source][key]

        return update

    def flag_update(k: int) -> Callable[..., tuple[str, Any]]:
        key = model.players[k].flag

        def update(params: dict, substep: int, sH: Any, s: dict, _input: dict, **kw: Any) -> tuple:
            return key, _input["acts"][k]

        return update

    per_member = {v.name for v in model.state if v.per_member}

    def mechanism_update(m: Any, first: bool) -> Callable[..., tuple[str, Any]]:
        def update(params: dict, substep: int, sH: Any, s: dict, _input: dict, **kw: Any) -> tuple:
            acts = _input["acts"] if first else tuple(s[pl.flag] for pl in model.players)
            a = model.actions_namespace(acts)
            value = m.fn(p_of(params), Namespace(s, "state variable"), a)
            if m.writes in per_member:  # one value per member, as the batched engine keeps
                like = np.asarray(s[m.writes])
                value = np.broadcast_to(np.asarray(value).astype(like.dtype), like.shape).copy()
            return m.writes, value

        return update

    blocks: list[dict[str, Any]] = []
    if _needs_preparation(exp, rounds):
        blocks.append(
            {
                "policies": {"prepare": prepared},
                "variables": {k: pick("state", k) for k in model.state_keys},
            }
        )
    for index, block in enumerate(model.blocks or ((),)):
        variables: dict[str, Any] = {}
        policies: dict[str, Any] = {}
        if index == 0:
            policies["decide"] = decide
            for k in range(len(model.players)):
                variables[model.players[k].flag] = flag_update(k)
        for m in block:
            variables[m.writes] = mechanism_update(m, index == 0)
        blocks.append({"policies": policies, "variables": variables})
    if learner_keys:
        blocks.append(
            {
                "policies": {"learn": learn},
                "variables": {k: pick("learned", k) for k in learner_keys},
            }
        )
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

    points = [g // exp.runs for g in subsets]
    M: dict[str, list[Any]] = {
        "_global_run": list(subsets),
        "_point": points,
        "_seed": [exp.seed] * len(subsets),
    }
    for q in exp.model.parameters:
        M[q.name] = [float(exp.points[i][q.name]) for i in points]
    for o in exp.model.options:
        M[o.name] = [exp.points[i][o.name] for i in points]
    if len(subsets) == 1:
        M = {k: v * 2 for k, v in M.items()}  # cadCAD turns a 1-list sweep into a scalar
    genesis = exp.initial_state(exp.points[points[0]])
    starts = {i: exp.model.initial_state(exp.numeric(exp.points[i])) for i in set(points)}
    rounds = exp.rounds(exp.numeric(exp.points[points[0]]))
    blocks = _blocks(exp, starts, rounds)
    validate_blocks(genesis, blocks)
    cad = CadExperiment()
    cad.append_model(
        initial_state=genesis,
        partial_state_update_blocks=blocks,
        sim_configs=config_sim({"N": 1, "T": range(exp.n_steps), "M": M}),
    )
    configs = cad.configs
    return configs[:1] if len(subsets) == 1 else configs


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.keys() == b.keys() and all(
        np.shape(a[k]) == np.shape(b[k]) and np.array_equal(a[k], b[k]) for k in a
    )


def _initial_states_differ(exp: Experiment) -> bool:
    first = exp.initial_state(exp.points[0])
    return any(not _same(exp.initial_state(pt), first) for pt in exp.points[1:])


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
        if context == ExecutionMode().multi_mode:
            _close_cadcad_pools()
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


def _close_cadcad_pools() -> None:
    """cadCAD's multi-process mode runs in a pathos pool that its ``with`` block leaves
    running (pathos caches pools); close and forget it, so no worker outlives the run."""
    from pathos.multiprocessing import ProcessPool

    for pool in list(ProcessPool.__state__.values()):
        pool.close()
        pool.join()
    ProcessPool.__state__.clear()
