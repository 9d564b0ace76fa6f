"""Learned behaviour in a many-round game held against the derived equilibrium conditions.

After learning over games in sequence, one more game is played with every member taking
what it has learned (no exploration), and each member's first default is held against the
one-shot-deviation constraints the theory derives along the same profile
(:mod:`theory.rounds`): a member whose decision is learned at a round where deviating pays
is predicted to default there (the first such round), and no one else. Each member's
share of runs as predicted gets a Wilson score interval (Wilson 1927), and the verdict is
the same equivalence test as :mod:`simulation.compare`'s.

Like :mod:`simulation.compare`, this is the comparison: it reads the theory; the agents
never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simulation.batched import Trajectories, run_batched
from simulation.experiment import Experiment
from simulation.games import conservation_error
from simulation.intervals import overall, wilson_half
from simulation.intervals import verdict as verdict_of
from theory.model import Namespace
from theory.rounds import derive


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
    if model.missed is None:
        raise ValueError(f"model {model.name} names no state variable for a missed step")
    game = run_batched(probe, keys=[model.missed], start=learner, greedy=True)
    missed = np.asarray(game.data[model.missed][1:], dtype=bool)  # (T, runs, n)
    any_missed = missed.any(axis=0)
    first = np.where(any_missed, missed.argmax(axis=0) + 1, 0)  # (runs, n), 0: never
    verdicts = []
    for j in range(first.shape[1]):
        want = predicted.get(j)
        ok = (first[:, j] == want[0]) if want else (first[:, j] == 0)
        share = float(ok.mean())
        half = wilson_half(int(ok.sum()), len(ok))
        v = verdict_of(1 - share, half, tolerance)
        verdicts.append(
            MemberVerdict(
                j + 1, want[0] if want else None, want[1] if want else "never", share, half, v
            )
        )
    verdict = overall(v.verdict for v in verdicts)
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
