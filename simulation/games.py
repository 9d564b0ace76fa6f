"""Many-round games in simulation: money conservation and contagion by counterfactual.

* Conservation: with the model's ledger (``Model.ledger``: paid in, paid out, held, after
  each step), everything paid in since the game began must be paid out or held; the
  largest absolute imbalance over runs and rounds is ``conservation_error``.
* Contagion: a default is contagious when it would not have happened without an earlier
  one. Each run with several defaulters in a game is simulated again with the same random
  numbers (the generator is a pure function of seed, run, timestep and draw) and the first
  default of that game replaced by a payment; the later defaults that disappear are the
  contagious ones, and ``contagion_rate`` is their share of all later defaults.

Nothing here reads the theory: the learned behaviour is held against the derived
conditions by the comparison, :mod:`simulation.compare_rounds`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from simulation.batched import Trajectories, run_batched
from simulation.experiment import Experiment
from theory.model import Namespace


def _state_at(traj: Trajectories, j: int) -> dict[str, Any]:
    out = {}
    for k, v in traj.data.items():
        x = v[j]
        out[k] = x[:, None] if x.ndim == 1 and traj.experiment.model.populations else x
    return out


def _params(exp: Experiment) -> Namespace:
    values = {k: v for k, v in exp.numeric(exp.points[0])._values.items()}  # noqa: SLF001
    return Namespace(values, "parameter")


def conservation_error(traj: Trajectories) -> float | None:
    """The largest absolute imbalance between money paid in since the start of the game
    and money paid out plus money held (``None`` when the model keeps no ledger)."""
    exp = traj.experiment
    if exp.model.ledger is None:
        return None
    from theory.errors import ModelError

    try:  # the ledger needs its variables recorded
        exp.model.ledger(_params(exp), Namespace(_state_at(traj, 0), "state variable"))
    except ModelError:
        return None
    p = _params(exp)
    rounds = exp.rounds(p)
    steps = next(iter(traj.data.values())).shape[0] - 1
    cum_in = cum_out = None
    worst = 0.0
    for j in range(1, steps + 1):
        paid_in, paid_out, held = (
            np.asarray(x, dtype=float).reshape(-1)
            for x in exp.model.ledger(p, Namespace(_state_at(traj, j), "state variable"))
        )
        if cum_in is None or (j - 1) % rounds == 0:
            cum_in = np.zeros_like(paid_in)
            cum_out = np.zeros_like(paid_out)
        cum_in = cum_in + paid_in
        cum_out = cum_out + paid_out
        worst = max(worst, float(np.max(np.abs(cum_in - cum_out - held))))
    return worst


CONTAGION_GAMES = 8
"""Games a learning population's contagion is measured in (the last ones with two
defaulters): each needs its own counterfactual rerun, since what the members learn from
an intervened game changes every later one."""


def contagion_rate(traj: Trajectories, per_game: bool | None = None) -> float | None:
    """The share of later defaults (in a game with an earlier one) that vanish when the
    first default of the game is replaced by a payment, the random numbers unchanged.
    ``None`` when no game had two defaulters.

    Every game starts afresh, so for a behaviour that does not learn one counterfactual
    run replaces the first default of every game at once; learners carry what they learn
    from game to game, so each intervened game is rerun on its own, up to its end, for the
    last :data:`CONTAGION_GAMES` games that had two defaulters (``per_game`` forces one
    way or the other)."""
    exp = traj.experiment
    key = exp.model.missed
    if key is None or key not in traj.data:
        return None
    missed = np.asarray(traj.data[key][1:], dtype=bool)  # (T, runs, n)
    rounds = exp.rounds(_params(exp))
    steps, runs, n = missed.shape
    flag = exp.model.players[0]
    games = []  # (start, runs with two defaulters, their first default's round)
    for g0 in range(0, steps, rounds):
        window = missed[g0 : g0 + rounds]
        several = window.any(axis=0).sum(axis=1) >= 2
        if several.any():
            games.append((g0, np.flatnonzero(several), window.any(axis=2).argmax(axis=0)))
    if not games:
        return None

    def forcing(chosen: list[Any]) -> dict[int, list[tuple[int, np.ndarray]]]:
        force: dict[int, list[tuple[int, np.ndarray]]] = {}
        for g0, runs_idx, first_t in chosen:
            for r in runs_idx:
                t0 = int(first_t[r])
                force.setdefault(g0 + t0 + 1, []).append(
                    (int(r), np.flatnonzero(missed[g0 + t0, r]))
                )
        return force

    def rerun(chosen: list[Any], upto: int) -> np.ndarray:
        force = forcing(chosen)

        def intervene(t: int, acts: tuple[Any, ...]) -> tuple[Any, ...]:
            if t not in force:
                return acts
            a = np.array(acts[0], copy=True)
            for r, members in force[t]:
                a[r, members] = flag.encode(0)
            return (a, *acts[1:])

        short = replace(exp, steps=upto, policy_parameters=exp.given_parameters)
        again = run_batched(short, keys=[key], intervene=intervene)
        return np.asarray(again.data[key][1:], dtype=bool)

    if per_game is None:
        per_game = exp.behaviour.kind != "native"
    if per_game:
        chosen = games[-CONTAGION_GAMES:]
        alts = [(g, rerun([g], g[0] + rounds)) for g in chosen]
    else:
        alt = rerun(games, steps)
        alts = [(g, alt) for g in games]
    later_total = later_gone = 0
    for (g0, runs_idx, first_t), alt in alts:
        window = missed[g0 : g0 + rounds]
        other = alt[g0 : g0 + rounds]
        for r in runs_idx:
            t0 = int(first_t[r])
            later = window[t0 + 1 :, r].any(axis=0) & ~window[: t0 + 1, r].any(axis=0)
            kept = other[:, r].any(axis=0)
            later_total += int(later.sum())
            later_gone += int((later & ~kept).sum())
    if later_total == 0:
        return None
    return later_gone / later_total
