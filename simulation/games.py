"""Many-round games in simulation: money conservation, contagion by counterfactual, and
the learned behaviour of a population held against the derived equilibrium conditions.

* Conservation: with the model's ledger (``Model.ledger``: paid in, paid out, held, after
  each step), everything paid in since the game began must be paid out or held; the
  largest absolute imbalance over runs and rounds is ``conservation_error``.
* Contagion: a default is contagious when it would not have happened without an earlier
  one. Each run with several defaulters in a game is simulated again with the same random
  numbers (the generator is a pure function of seed, run, timestep and draw) and the first
  default of that game replaced by a payment; the later defaults that disappear are the
  contagious ones, and ``contagion_rate`` is their share of all later defaults.
* Learned behaviour: after learning over games in sequence, one more game is played with
  every member taking what it has learned (no exploration), and each member's first
  default is held against the one-shot-deviation constraints the theory derives along
  the same profile (:mod:`theory.rounds`): a member whose decision is learned at a round
  where deviating pays is predicted to default there (the first such round), and no one
  else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from simulation.batched import Trajectories, run_batched
from simulation.experiment import Experiment
from theory.model import Namespace
from theory.rounds import derive


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
    if "Missed" not in traj.data:
        return None
    missed = np.asarray(traj.data["Missed"][1:], dtype=bool)  # (T, runs, n)
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
        again = run_batched(short, keys=["Missed"], intervene=intervene)
        return np.asarray(again.data["Missed"][1:], dtype=bool)

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


@dataclass(frozen=True)
class MemberVerdict:
    member: int
    predicted_round: int | None
    predicted_label: str
    share_as_predicted: float
    half_width: float
    verdict: str


@dataclass(frozen=True)
class RoundsComparison:
    """Learned behaviour against the derived conditions, member by member."""

    model: str
    policy: str
    profile: str
    members: tuple[MemberVerdict, ...]
    tolerance: float
    runs: int
    verdict: str
    text: str
    conservation_error: float | None

    @property
    def agree(self) -> bool:
        return self.verdict == "agree"

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "policy": self.policy,
            "profile": self.profile,
            "runs": self.runs,
            "tolerance": self.tolerance,
            "predicted": {
                "defaults_after_turn": [
                    {"member": m.member, "round": m.predicted_round, "label": m.predicted_label}
                    for m in self.members
                ]
            },
            "simulated": {
                "share_as_predicted": [m.share_as_predicted for m in self.members],
                "half_width": [m.half_width for m in self.members],
            },
            "members": [m.verdict for m in self.members],
            "verdict": self.verdict,
            "agree": self.agree,
            "conservation_error": self.conservation_error,
            "text": self.text,
        }


def _learned_mask(exp: Experiment) -> np.ndarray:
    """Along the profile's path: where each agent's decision is learned, ``(T, n)``."""
    model = exp.model
    p = exp.numeric(exp.points[0])
    state = model.initial_state(p)
    prof = model.profiles[0]
    rounds = exp.rounds(p)
    out: list[np.ndarray] = []
    for _ in range(rounds):
        ns = Namespace(state, "state variable")
        if model.learns is None:
            out.append(np.ones(np.shape(state[model.players[0].flag])[-1:] or (1,), dtype=bool))
        else:
            out.append(np.asarray(model.learns(p, ns)[0], dtype=bool).reshape(-1))
        state = model.step(p, state, prof.decide(p, ns))
    return np.array(out)


def compare_rounds(exp: Experiment, traj: Trajectories, tolerance: float = 0.1) -> RoundsComparison:
    """Hold the members' learned behaviour (one greedy game after learning) against the
    first profitable one-shot deviation the theory derives where their decision is
    learned."""
    model = exp.model
    values = dict(exp.points[0])
    pc = derive(model, values, model.profiles[0].name)
    mask = _learned_mask(exp)
    predicted: dict[int, tuple[int, str]] = {}
    for c in pc.constraints:
        j = c.agent.member if c.agent.member is not None else 0
        if mask[c.round - 1, j] and not c.holds(pc.scale):
            if j not in predicted or c.round < predicted[j][0]:
                predicted[j] = (c.round, c.label)
    if traj.final is None:
        raise ValueError("the learning run must keep its final state")
    learner = {k: v for k, v in traj.final.items() if k not in model.state_keys}
    rounds = exp.rounds(exp.numeric(values))
    probe = Experiment(
        model,
        points=[values],
        policy=exp.policy_name,
        runs=exp.runs,
        steps=rounds,
        seed=exp.seed,
        policy_parameters=exp.given_parameters,
        first_run=exp.first_run,
    )
    game = run_batched(probe, keys=["Missed"], start=learner, greedy=True)
    missed = np.asarray(game.data["Missed"][1:], dtype=bool)  # (T, runs, n)
    any_missed = missed.any(axis=0)
    first = np.where(any_missed, missed.argmax(axis=0) + 1, 0)  # (runs, n), 0: never
    verdicts = []
    for j in range(first.shape[1]):
        want = predicted.get(j)
        ok = (first[:, j] == want[0]) if want else (first[:, j] == 0)
        share = float(ok.mean())
        half = _wilson_half(ok.sum(), len(ok))
        if 1 - share + half <= tolerance:
            v = "agree"
        elif 1 - share - half > tolerance:
            v = "disagree"
        else:
            v = "inconclusive"
        verdicts.append(
            MemberVerdict(
                j + 1, want[0] if want else None, want[1] if want else "never", share, half, v
            )
        )
    if any(v.verdict == "disagree" for v in verdicts):
        verdict = "disagree"
    elif all(v.verdict == "agree" for v in verdicts):
        verdict = "agree"
    else:
        verdict = "inconclusive"
    text = (
        f"{verdict.upper()}: after learning, members default right where the derivation "
        "says deviating pays: "
        + "; ".join(
            f"member {v.member} predicted {v.predicted_label}, as predicted in "
            f"{v.share_as_predicted:.0%} of {exp.runs} runs"
            for v in verdicts
        )
    )
    return RoundsComparison(
        model.name,
        exp.policy_name,
        pc.profile,
        tuple(verdicts),
        tolerance,
        exp.runs,
        verdict,
        text,
        conservation_error(traj),
    )


def _wilson_half(k: int, n: int, z: float = 1.96) -> float:
    """Half-width of the Wilson score interval of a share ``k / n``."""
    if n == 0:
        return 1.0
    ph = k / n
    return z * math.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n)) / (1 + z * z / n)
