"""Theory against simulation: do the simulated agents end up where the theory predicts?

For each parameter point the simulated players' time-averaged action frequencies after a
burn-in (with a t confidence interval across runs) are held against the theory's
prediction for the policy (:mod:`theory.dynamics`):

* ``fictitious-play`` and ``ema``: the Nash equilibria of the hurdle game
  ``R - (1 + theta) C`` (the nearest one when there are several);
* ``logit``: the logit quantal response equilibrium of that game;
* ``last-observation``: the exact cycle of simultaneous best response from the genesis
  profile, its period and its frequencies;
* a model's native policy: the Nash equilibrium, as the reference the policy is judged by.

The verdict combines the distance (largest absolute difference of acting probabilities)
with the regime: a unique pure equilibrium must be reached and held; a game without a pure
equilibrium must not settle on a pure profile; a best-response cycle must have the
predicted period.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from scipy import stats

from simulation.analysis import periods
from simulation.experiment import Experiment
from simulation.policies import incentives
from theory.dynamics import best_response_cycle, cycle_frequencies, hurdle_game, logit_qre
from theory.payoffs import stage_game
from theory.vertices import exact_equilibria

TOLERANCE = 0.05


@dataclass(frozen=True)
class Prediction:
    kind: str
    candidates: tuple[tuple[float, float], ...]  # acting probabilities (row, col)
    pure: tuple[tuple[bool, bool], ...]  # the pure equilibria among them
    period: int | None


def predict(exp: Experiment, values: dict[str, Fraction]) -> Prediction:
    """The theory's prediction for the experiment's policy at one point."""
    game = stage_game(exp.model)
    Ah, Bh = hurdle_game(game, values)
    A = np.array(Ah.tolist(), dtype=float)
    B = np.array(Bh.tolist(), dtype=float)
    ext = exact_equilibria(
        [[Fraction(str(v)) for v in row] for row in Ah.tolist()],
        [[Fraction(str(v)) for v in row] for row in Bh.tolist()],
    ).extreme
    nash = tuple((float(x[0]), float(y[0])) for x, y in ext)
    pure = tuple(
        (bool(x[0] == 1), bool(y[0] == 1)) for x, y in ext if x[0] in (0, 1) and y[0] in (0, 1)
    )
    if exp.policy_name == "last-observation":
        genesis = exp.initial_state(values)
        start = tuple(bool(genesis[pl.flag]) for pl in exp.model.players)
        cycle, per = best_response_cycle(A, B, start)  # type: ignore[arg-type]
        fr = cycle_frequencies(cycle)
        return Prediction("best-response cycle", ((float(fr[0]), float(fr[1])),), pure, per)
    if exp.policy_name == "logit":
        lam = float(exp.policy_parameters["noise"]) * incentives(exp.model, values).scale
        qre = tuple(logit_qre(A, B, lam))
        return Prediction(f"logit QRE (noise {lam:.4g})", qre, (), None)
    kind = "Nash equilibrium of the hurdle game"
    if exp.policy_name in exp.model.native_policies:
        kind += " (reference for the model's own policy)"
    return Prediction(kind, nash, pure, 1 if len(nash) == 1 and pure else None)


def _ci(xs: np.ndarray) -> tuple[float, float] | None:
    if len(xs) < 2:
        return None
    m = float(xs.mean())
    half = float(stats.t.ppf(0.975, len(xs) - 1) * xs.std(ddof=1) / np.sqrt(len(xs)))
    return (m - half, m + half)


@dataclass(frozen=True)
class Comparison:
    """Prediction against simulation at one point; :meth:`to_dict` is the JSON layout."""

    model: str
    policy: str
    parameters: dict[str, float]
    prediction: Prediction
    predicted: tuple[float, float]
    simulated: tuple[float, float]
    ci: tuple[tuple[float, float] | None, tuple[float, float] | None]
    runs: int
    burn_in: int
    distance: float
    period: int | None
    regime_predicted: str
    regime_simulated: str
    regime_agree: bool
    agree: bool
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        def vec(p: float) -> list[float]:
            return [p, 1.0 - p]

        return {
            "model": self.model,
            "policy": self.policy,
            "parameters": self.parameters,
            "predicted": {
                "row": vec(self.predicted[0]),
                "col": vec(self.predicted[1]),
                "kind": self.prediction.kind,
                "candidates": [
                    {"row": vec(r), "col": vec(c)} for r, c in self.prediction.candidates
                ],
                "period": self.prediction.period,
            },
            "simulated": {
                "row": vec(self.simulated[0]),
                "col": vec(self.simulated[1]),
                "ci": {
                    "row": list(self.ci[0]) if self.ci[0] else None,
                    "col": list(self.ci[1]) if self.ci[1] else None,
                },
                "runs": self.runs,
                "burn_in": self.burn_in,
            },
            "distance": self.distance,
            "agree": self.agree,
            "period": self.period,
            "regime": {
                "predicted": self.regime_predicted,
                "simulated": self.regime_simulated,
                "agree": self.regime_agree,
            },
            "verdict": self.verdict,
        }


def compare_flags(
    exp: Experiment,
    values: dict[str, Fraction],
    row: np.ndarray,
    col: np.ndarray,
    burn_in: int | None = None,
) -> Comparison:
    """Compare one point's simulated flags (arrays ``(steps + 1, runs)``) with the theory."""
    steps = row.shape[0] - 1
    burn = steps // 2 if burn_in is None else burn_in
    if not 0 <= burn < steps:
        raise ValueError(f"burn-in must be in [0, {steps - 1}], got {burn}")
    r_avg = row[burn + 1 :].astype(float).mean(axis=0)
    c_avg = col[burn + 1 :].astype(float).mean(axis=0)
    sim = (float(r_avg.mean()), float(c_avg.mean()))
    pred = predict(exp, values)
    best = min(pred.candidates, key=lambda pc: max(abs(pc[0] - sim[0]), abs(pc[1] - sim[1])))
    distance = max(abs(best[0] - sim[0]), abs(best[1] - sim[1]))
    pers = periods(row[1:], col[1:])
    per = int(pers[0]) if pers[0] and np.all(pers == pers[0]) else None
    names = [pl.name for pl in exp.model.players]
    acts = [pl.actions for pl in exp.model.players]

    def label(prof: tuple[bool, bool]) -> str:
        return f"({acts[0][0 if prof[0] else 1]}, {acts[1][0 if prof[1] else 1]})"

    fixed = None
    if per == 1:
        last = {(bool(row[-1, k]), bool(col[-1, k])) for k in range(row.shape[1])}
        fixed = last.pop() if len(last) == 1 else None
    regime_sim = (
        f"settles on {label(fixed)}"
        if fixed is not None
        else f"cycle of period {per}"
        if per
        else "keeps moving (no cycle)"
    )
    if exp.policy_name == "last-observation":
        regime_pred = (
            f"settles on {label(pred.pure[0])}"
            if pred.period == 1 and pred.pure
            else f"cycle of period {pred.period}"
        )
        regime_ok = per == pred.period
    elif pred.pure and len(pred.candidates) == 1:
        regime_pred = f"settles on {label(pred.pure[0])}"
        regime_ok = fixed == pred.pure[0]
    elif pred.pure:
        regime_pred = "settles on one of " + ", ".join(label(p) for p in pred.pure) + " or mixes"
        regime_ok = fixed in pred.pure or fixed is None
    else:
        regime_pred = "no pure equilibrium: does not settle on a pure profile"
        regime_ok = fixed is None
    ci = (_ci(r_avg), _ci(c_avg))
    half = max([(hi - lo) / 2 for c in ci if c for lo, hi in [c]], default=0.0)
    tol = max(TOLERANCE, 2 * half)
    agree = bool(regime_ok and distance <= tol)
    verdict = (
        f"{'AGREE' if agree else 'DISAGREE'}: simulated {names[0]} acts {sim[0]:.3f}, "
        f"{names[1]} {sim[1]:.3f} after a burn-in of {burn} steps over {row.shape[1]} run(s); "
        f"predicted ({pred.kind}) {best[0]:.3f}, {best[1]:.3f}; distance {distance:.3f} "
        f"(tolerance {tol:.3f}); regime: predicted '{regime_pred}', simulated '{regime_sim}'"
    )
    return Comparison(
        exp.model.name,
        str(exp.policy_name),
        {k: float(v) for k, v in values.items()},
        pred,
        best,
        sim,
        ci,
        row.shape[1],
        burn,
        distance,
        per,
        regime_pred,
        regime_sim,
        bool(regime_ok),
        agree,
        verdict,
    )
