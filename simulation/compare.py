"""Theory against simulation: do the simulated agents end up where the theory predicts?

Only this module (and the reports built on it) reads the theory. The prediction for each
behaviour (:func:`predict`, with the reason it applies):

* ``fictitious-play`` and ``roi``: the Nash equilibria of the hurdle game
  ``R - (1 + theta) C`` (fictitious play converges in time average, Miyasawa 1961; the
  seed's rule is a best response to experience in that game);
* ``ema``: the frequencies of best response to exponentially weighted beliefs in the
  hurdle game, by stepping that deterministic map from genesis (with a constant weight
  the beliefs forget, so around a mixed equilibrium play cycles off it);
* ``reinforcement``: the Nash equilibria of ``R - C``, the rest points of the replicator
  dynamics that are its mean motion (Borgers and Sarin 1997), around which time averages
  settle;
* ``q-learning``: the logit quantal response equilibrium at the learner's temperature
  times each player's payoff range (Tuyls et al. 2006; Kianercy and Galstyan 2012);
* ``logit``: the logit QRE of the hurdle game at the policy's noise;
* ``last-observation``: the exact cycle of simultaneous best response from genesis;
* a model's own policy: the Nash equilibrium, as the reference it is judged by.

For a population the frequencies are the share of members taking each action, against
the pure equilibria (as shares) and the symmetric equilibrium (or its QRE).

The verdict is an equivalence test at a tolerance, never widened by the noise: with the
time-averaged frequencies of each run after a burn-in, their mean across runs and a 95 %
t-interval of half-width ``h``, a difference ``delta`` from the nearest prediction is
``agree`` when ``|delta| + h <= tolerance``, ``disagree`` when ``|delta| - h > tolerance``
and ``inconclusive`` otherwise, with the number of runs that would be needed. The
smallest difference the run could have detected is reported as its power.

When the theory predicts several equilibria and the runs settle at different ones (each
run's time average nearest to a different candidate), the mean across runs is none of
them: the runs are then grouped by their nearest candidate and each group is tested
against its own (:func:`split_runs`); the verdict is ``disagree`` if any group
disagrees, ``agree`` if all agree. A candidate no run reaches is no evidence either way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from simulation.experiment import Experiment
from simulation.flows import joint_periods
from simulation.intervals import overall, t_interval
from simulation.intervals import verdict as verdict_of
from theory.dynamics import (
    best_response_path,
    ema_frequencies,
    hurdle_arrays,
    logit_qre_bimatrix,
    population_qre,
)
from theory.payoffs import stage_game
from theory.population import population_game
from theory.symmetric import equilibria_at
from theory.vertices import exact_equilibria

TOLERANCE = 0.05
Vector = tuple[float, ...]


@dataclass(frozen=True)
class Prediction:
    """What the theory predicts: candidate frequency profiles (one vector per player)."""

    kind: str
    why: str
    profiles: tuple[tuple[Vector, ...], ...]
    pure: tuple[tuple[int, ...], ...]
    period: int | None

    @property
    def candidates(self) -> tuple[tuple[float, ...], ...]:
        """Each candidate as the probability of every player's first action."""
        return tuple(tuple(v[0] for v in prof) for prof in self.profiles)


def payoff_arrays(exp: Experiment, values: dict[str, Any], hurdle: bool) -> tuple:
    """The theory's payoff arrays at the point (the seam the mutation tests cut)."""
    game = stage_game(exp.model)
    return tuple(np.array(A.tolist(), dtype=float) for A in hurdle_arrays(game, values, hurdle))


def nash_profiles(arrays: tuple) -> tuple[tuple[tuple[Vector, ...], ...], tuple]:
    """Nash equilibria of payoff arrays: every extreme equilibrium of a bimatrix game
    (exact), the pure equilibria of larger games."""
    if len(arrays) == 2:
        A, B = (np.asarray(x, float) for x in arrays)
        ext = exact_equilibria(
            [[Fraction(repr(float(v))) for v in row] for row in A],
            [[Fraction(repr(float(v))) for v in row] for row in B],
        ).extreme
        profs = tuple((tuple(map(float, x)), tuple(map(float, y))) for x, y in ext)
    else:
        found: list = []
        shape = np.shape(arrays[0])
        for idx in np.ndindex(*shape):
            if all(
                arrays[k][idx] >= np.max(arrays[k][idx[:k] + (slice(None),) + idx[k + 1 :]])
                for k in range(len(arrays))
            ):
                found.append(
                    tuple(tuple(float(j == i) for j in range(m)) for i, m in zip(idx, shape))
                )
        profs = tuple(found)
    pure = tuple(
        tuple(int(np.argmax(v)) for v in prof) for prof in profs if all(max(v) == 1 for v in prof)
    )
    return profs, pure


def predict(exp: Experiment, values: dict[str, Any]) -> Prediction:
    """The theory's prediction for the experiment's policy at one point."""
    if exp.model.is_population_game:
        return _predict_population(exp, values)
    name = exp.policy_name
    if name == "q-learning":
        arrays = payoff_arrays(exp, values, hurdle=False)
        if len(arrays) != 2:
            return _nash(exp, values, False, "pure equilibria (QRE of n players not computed)")
        tau = float(exp.policy_parameters["temperature"])
        lams = [tau * max(float(np.ptp(a)), 1e-12) for a in arrays]
        qre = logit_qre_bimatrix(arrays[0], arrays[1], lams[0], lams[1])
        profs = tuple((tuple(map(float, x)), tuple(map(float, y))) for x, y in qre)
        return Prediction(
            f"logit QRE at temperature {tau:g} x payoff range",
            "Q-learning with Boltzmann exploration rests at the logit QRE of the payoffs it "
            "experiences, at its temperature",
            profs,
            (),
            None,
        )
    if name == "logit":
        arrays = payoff_arrays(exp, values, hurdle=True)
        plain = payoff_arrays(exp, values, hurdle=False)
        lam = float(exp.policy_parameters["noise"]) * max(
            max(float(np.ptp(a)) for a in plain), 1e-12
        )
        qre = logit_qre_bimatrix(arrays[0], arrays[1], lam, lam)
        profs = tuple((tuple(map(float, x)), tuple(map(float, y))) for x, y in qre)
        return Prediction(
            f"logit QRE (noise {lam:.4g})",
            "smooth fictitious play rests at the logit QRE of the hurdle game",
            profs,
            (),
            None,
        )
    if name == "last-observation":
        arrays = payoff_arrays(exp, values, hurdle=True)
        genesis = exp.initial_state(values)
        start = tuple(int(pl.decode(genesis[pl.flag])) for pl in exp.model.players)
        cycle, per = best_response_path(arrays, start)
        freq = tuple(
            tuple(sum(prof[k] == a for prof in cycle) / per for a in range(m))
            for k, m in enumerate(np.shape(arrays[0]))
        )
        _, pure = nash_profiles(arrays)
        return Prediction(
            "best-response cycle",
            "simultaneous myopic best response is a deterministic map on profiles",
            (freq,),
            pure,
            per,
        )
    if name == "ema":
        arrays = payoff_arrays(exp, values, hurdle=True)
        genesis = exp.initial_state(values)
        start = tuple(int(pl.decode(genesis[pl.flag])) for pl in exp.model.players)
        memory = float(exp.policy_parameters["memory"])
        freq = ema_frequencies(arrays, start, memory)
        _, pure = nash_profiles(arrays)
        return Prediction(
            f"best response to beliefs weighted {memory:g} on the newest",
            "with a constant weight the beliefs forget, and play settles on a cycle of the "
            "hurdle game's best responses whose frequencies are predicted by stepping that "
            "map (at a pure equilibrium, the equilibrium; around a mixed one, not in general)",
            (freq,),
            pure,
            None,
        )
    if name == "reinforcement":
        return _nash(
            exp,
            values,
            False,
            "the replicator dynamics' rest points, where time averages settle over whole "
            "orbits (the slower the learning rate, the longer an orbit: run long enough)",
        )
    why = "time averages of fictitious play and of the seed's ROI rule approach them"
    if name in exp.model.native_policies:
        why = "the reference the model's own policy is judged by"
    return _nash(exp, values, True, why)


def _nash(exp: Experiment, values: dict[str, Any], hurdle: bool, why: str) -> Prediction:
    arrays = payoff_arrays(exp, values, hurdle)
    profs, pure = nash_profiles(arrays)
    kind = "Nash equilibrium of the hurdle game" if hurdle else "Nash equilibrium"
    return Prediction(kind, why, profs, pure, 1 if len(profs) == 1 and pure else None)


def _predict_population(exp: Experiment, values: dict[str, Any]) -> Prediction:
    game = population_game(exp.model)
    n = game.members(values)
    name = exp.policy_name
    hurdle = name == "roi"
    theta = float(values.get("theta", 0)) if hurdle else 0.0
    vals = dict(values)
    if name == "q-learning":
        table = np.array(game.payoff_table(vals), dtype=float)
        gains = table[0] - table[1]
        tau = float(exp.policy_parameters["temperature"])
        lam = tau * max(float(np.ptp(table)), 1e-12)
        profs = tuple(((p, 1 - p),) for p in population_qre(gains, lam))
        return Prediction(
            f"symmetric logit QRE at temperature {tau:g} x payoff range",
            "each member's Q-learning rests at the logit QRE of what it experiences",
            profs,
            (),
            None,
        )
    if theta:
        why = "with a hurdle theta the members compare reward with (1 + theta) cost"
    else:
        why = "the members' learning rests at the game's equilibria (as shares of members)"
    pe = equilibria_at(game, vals)
    profs = tuple(((K / n, 1 - K / n),) for lo, hi in pe.counts for K in (lo, hi))
    profs += tuple(((float(p), 1 - float(p)),) for p in pe.symmetric)
    return Prediction("equilibria of the population game", why, profs, (), None)


@dataclass(frozen=True)
class Comparison:
    """Prediction against simulation at one point; :meth:`to_dict` is the JSON layout."""

    model: str
    policy: str
    parameters: dict[str, Any]
    prediction: Prediction
    predicted_profile: tuple[Vector, ...]
    simulated_profile: tuple[Vector, ...]
    half_widths: tuple[Vector, ...]
    runs: int
    burn_in: int
    tolerance: float
    distance: float
    period: int | None
    regime_predicted: str
    regime_simulated: str
    regime_agree: bool
    verdict: str
    runs_needed: int | None
    detectable: float
    text: str
    runs_by_candidate: tuple[int, ...] = ()  # when the runs settle at different candidates

    @property
    def agree(self) -> bool:
        return self.verdict == "agree"

    @property
    def predicted(self) -> tuple[float, ...]:
        return tuple(v[0] for v in self.predicted_profile)

    @property
    def simulated(self) -> tuple[float, ...]:
        return tuple(v[0] for v in self.simulated_profile)

    @property
    def ci(self) -> tuple[tuple[float, float] | None, ...]:
        return tuple(
            (v[0] - h[0], v[0] + h[0]) if self.runs > 1 else None
            for v, h in zip(self.simulated_profile, self.half_widths)
        )

    def to_dict(self) -> dict[str, Any]:
        names = ("row", "col")
        predicted: dict[str, Any] = {
            "kind": self.prediction.kind,
            "why": self.prediction.why,
            "profile": [list(v) for v in self.predicted_profile],
            "candidates": [[list(v) for v in prof] for prof in self.prediction.profiles],
            "period": self.prediction.period,
        }
        simulated: dict[str, Any] = {
            "profile": [list(v) for v in self.simulated_profile],
            "half_width": [list(h) for h in self.half_widths],
            "runs": self.runs,
            "runs_by_candidate": list(self.runs_by_candidate) or None,
            "burn_in": self.burn_in,
        }
        if len(self.predicted_profile) == 2:
            for k, key in enumerate(names):
                predicted[key] = list(self.predicted_profile[k])
                simulated[key] = list(self.simulated_profile[k])
            simulated["ci"] = {
                key: (list(c) if c is not None else None) for key, c in zip(names, self.ci)
            }
        return {
            "model": self.model,
            "policy": self.policy,
            "parameters": self.parameters,
            "predicted": predicted,
            "simulated": simulated,
            "distance": self.distance,
            "tolerance": self.tolerance,
            "verdict": self.verdict,
            "agree": self.agree,
            "runs_needed": self.runs_needed,
            "detectable_difference": self.detectable,
            "period": self.period,
            "regime": {
                "predicted": self.regime_predicted,
                "simulated": self.regime_simulated,
                "agree": self.regime_agree,
            },
            "text": self.text,
        }


def frequencies(exp: Experiment, actions: list[np.ndarray], burn: int) -> list[np.ndarray]:
    """Per player, the time-averaged frequency of each action in every run, ``(runs, m)``:
    of its actions, or of its members' actions for a population."""
    out = []
    for pl, a in zip(exp.model.players, actions):
        tail = np.asarray(a)[burn + 1 :]
        hot = tail[..., None] == np.arange(pl.n_actions)
        if hot.ndim == 4:  # (steps, runs, members, m): the share of members
            hot = hot.mean(axis=2)
        out.append(hot.mean(axis=0))
    return out


def _gap(means: tuple[Vector, ...]) -> Any:
    """The largest difference of a profile from ``means``, as a function of the profile."""

    def gap(prof: tuple[Vector, ...]) -> float:
        return max(abs(a - b) for u, v in zip(prof, means) for a, b in zip(u, v))

    return gap


def split_runs(
    freq: list[np.ndarray], profiles: tuple[tuple[Vector, ...], ...]
) -> list[tuple[int | None, np.ndarray]]:
    """The runs grouped by the predicted profile each ends nearest to, when the runs go to
    different ones (a game with several equilibria: each run settles at one, and their
    mean is none of them); otherwise one group of every run, ``(None, runs)``, compared
    with the profile nearest to the mean.

    Examples
    --------
    >>> freq = [np.array([[1.0, 0.0], [0.02, 0.98], [0.97, 0.03]])]
    >>> [(k, r.tolist()) for k, r in split_runs(freq, (((1.0, 0.0),), ((0.0, 1.0),)))]
    [(0, [0, 2]), (1, [1])]
    >>> [(k, r.tolist()) for k, r in split_runs(freq[:1], (((0.5, 0.5),),))]
    [(None, [0, 1, 2])]
    """
    runs = freq[0].shape[0]
    every = np.arange(runs)
    if len(profiles) < 2 or runs < 2:
        return [(None, every)]
    gaps = np.stack(
        [
            np.max(
                np.concatenate([np.abs(f - np.asarray(u)) for f, u in zip(freq, prof)], axis=1),
                axis=1,
            )
            for prof in profiles
        ],
        axis=1,
    )
    nearest = gaps.argmin(axis=1)
    used = np.unique(nearest)
    if len(used) < 2:
        return [(None, every)]
    return [(int(k), np.flatnonzero(nearest == k)) for k in used]


def compare_actions(
    exp: Experiment,
    values: dict[str, Any],
    actions: list[np.ndarray],
    burn_in: int | None = None,
    tolerance: float = TOLERANCE,
) -> Comparison:
    """Compare one point's simulated actions (per player, action indices shaped
    ``(steps + 1, runs)`` or ``(steps + 1, runs, members)``) with the theory."""
    steps = np.shape(actions[0])[0] - 1
    burn = steps // 2 if burn_in is None else burn_in
    if not 0 <= burn < steps:
        raise ValueError(f"burn-in must be in [0, {steps - 1}], got {burn}")
    if not 0 < tolerance < 1:
        raise ValueError(f"tolerance must be in (0, 1), got {tolerance}")
    runs = np.shape(actions[0])[1]
    freq = frequencies(exp, actions, burn)
    pred = predict(exp, values)
    if not pred.profiles:
        raise ValueError(f"the theory gives no prediction for {exp.policy_name} at this point")
    groups = split_runs(freq, pred.profiles)
    verdicts: list[str] = []
    needed: list[int] = []
    h_max = 0.0
    distance = 0.0
    for k, members in groups:
        sub = [f[members] for f in freq]
        group_stats = [[t_interval(f[:, j]) for j in range(f.shape[1])] for f in sub]
        means = tuple(tuple(m for m, _ in st_) for st_ in group_stats)
        hs = tuple(tuple(h for _, h in st_) for st_ in group_stats)
        target = pred.profiles[k] if k is not None else min(pred.profiles, key=_gap(means))
        distance = max(distance, _gap(means)(target))
        for u, v, hh in zip(target, means, hs):
            for a, b, h in zip(u, v, hh):
                d = abs(b - a)
                h_max = max(h_max, h)
                verdicts.append(verdict_of(d, h, tolerance))
                if verdicts[-1] == "inconclusive" and d < tolerance and h > 0:
                    needed.append(math.ceil(runs * (h / (tolerance - d)) ** 2))
        if k is None or len(members) == max(len(m) for _, m in groups):
            best, simulated, halves = target, means, hs
    acts = [pl.decode(a) if a.dtype == bool else a for pl, a in zip(exp.model.players, actions)]
    per = _common_period(acts) if not exp.model.populations else None
    regime_pred, regime_sim, regime_ok = _regimes(exp, pred, acts, per)
    if pred.period is not None and exp.policy_name == "last-observation" and per != pred.period:
        verdict = "disagree"
    else:
        verdict = overall(verdicts)
    runs_needed = max(needed) if verdict == "inconclusive" and needed else None
    detectable = tolerance + h_max
    names = [pl.name for pl in exp.model.players]
    text = (
        f"{verdict.upper()}: simulated "
        + ", ".join(f"{n} {v[0]:.3f}" for n, v in zip(names, simulated))
        + f" (first action, after a burn-in of {burn} of {steps} steps, {runs} run(s)); "
        f"predicted ({pred.kind}) "
        + ", ".join(f"{u[0]:.3f}" for u in best)
        + f"; distance {distance:.3f} at tolerance {tolerance:g}, 95 % half-width "
        f"{h_max:.3f} (a difference above {detectable:.3f} would have been detected)"
        + (f"; about {runs_needed} runs would decide it" if runs_needed else "")
        + (
            "; the runs settle at different equilibria, each compared with its own: "
            + ", ".join(
                f"{len(m)} at ({', '.join(f'{u[0]:.3f}' for u in pred.profiles[k])})"
                for k, m in groups
                if k is not None
            )
            if len(groups) > 1
            else ""
        )
        + f"; regime: predicted '{regime_pred}', simulated '{regime_sim}'"
    )
    return Comparison(
        exp.model.name,
        exp.policy_name,
        {k: (float(v) if isinstance(v, Fraction | int | float) else v) for k, v in values.items()},
        pred,
        best,
        simulated,
        halves,
        runs,
        burn,
        tolerance,
        distance,
        per,
        regime_pred,
        regime_sim,
        regime_ok,
        verdict,
        runs_needed,
        detectable,
        text,
        tuple(sum(len(m) for k, m in groups if k == i) for i in range(len(pred.profiles)))
        if len(groups) > 1
        else (),
    )


def compare_flags(
    exp: Experiment,
    values: dict[str, Any],
    row: np.ndarray,
    col: np.ndarray,
    burn_in: int | None = None,
    tolerance: float = TOLERANCE,
) -> Comparison:
    """Compare a two-player model's simulated flags (``(steps + 1, runs)`` each)."""
    acts = [np.asarray(pl.decode(np.asarray(f))) for pl, f in zip(exp.model.players, (row, col))]
    return compare_actions(exp, values, acts, burn_in, tolerance)


def _common_period(acts: list[np.ndarray]) -> int | None:
    joint = np.zeros(np.shape(acts[0]), dtype=np.int64)
    for a in acts:
        joint = joint * 16 + np.asarray(a, dtype=np.int64)
    pers = joint_periods(joint[1:])
    return int(pers[0]) if pers[0] and np.all(pers == pers[0]) else None


def _label(exp: Experiment, prof: tuple[int, ...]) -> str:
    return "(" + ", ".join(pl.actions[i] for pl, i in zip(exp.model.players, prof)) + ")"


def _regimes(
    exp: Experiment, pred: Prediction, acts: list[np.ndarray], per: int | None
) -> tuple[str, str, bool]:
    if exp.model.populations:
        return "shares of members", "shares of members", True
    fixed = None
    if per == 1:
        last = {tuple(int(a[-1, k]) for a in acts) for k in range(acts[0].shape[1])}
        fixed = last.pop() if len(last) == 1 else None
    sim = (
        f"settles on {_label(exp, fixed)}"
        if fixed is not None
        else f"cycle of period {per}"
        if per
        else "keeps moving (no cycle)"
    )
    if exp.policy_name == "last-observation":
        p_txt = (
            f"cycle of period {pred.period}"
            if pred.period != 1 or not pred.pure
            else (f"settles on {_label(exp, pred.pure[0])}")
        )
        return p_txt, sim, per == pred.period
    if pred.pure and len(pred.profiles) == 1:
        return f"settles on {_label(exp, pred.pure[0])}", sim, fixed == pred.pure[0]
    if pred.pure:
        txt = "settles on one of " + ", ".join(_label(exp, p) for p in pred.pure) + " or mixes"
        return txt, sim, fixed in pred.pure or fixed is None
    return "no pure equilibrium: does not settle on a pure profile", sim, fixed is None


__all__ = [
    "TOLERANCE",
    "Comparison",
    "Prediction",
    "compare_actions",
    "compare_flags",
    "frequencies",
    "predict",
]
