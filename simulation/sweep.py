"""Parameter sweeps summarised point by point: prediction, simulation, distance, agreement.

A sweep is cut into slices of consecutive grid points (:class:`GridSlice`). A slice carries
only its own points and the global index of its first one, so a worker anywhere rebuilds
that part of the experiment and nothing else: the cost of shipping and rebuilding a slice
grows with the slice, not with the grid (:mod:`simulation.backends` decides where each
slice runs). Of a slice's simulation only the action flags are kept, and each point is
reduced to one summary row at once, so the trajectories of the whole sweep are never held
together. Randomness is keyed by the global run number (point index x runs + run; the
slice's experiment starts at ``first_run`` = first point x runs), so a sliced, parallel or
distributed sweep gives the same table as a single pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from simulation.batched import run_batched
from simulation.compare import compare_flags
from simulation.experiment import Experiment
from theory.errors import ParameterError


@dataclass(frozen=True)
class GridSlice:
    """Points ``first .. first + len(points) - 1`` of a sweep: what a worker needs to
    summarise them, and nothing of the rest of the grid (exact values, picklable).

    Examples
    --------
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("inspection"), points=[{"P": 1}, {"P": 2}, {"P": 3}],
    ...                  runs=4, steps=5)
    >>> s = list(slices(exp, 2))[1]
    >>> s.first, s.last, dict(s.points[0])["P"]
    (2, 3, Fraction(3, 1))
    >>> s.experiment().first_run  # point 2 x 4 runs
    8
    """

    model: str
    first: int
    points: tuple[tuple[tuple[str, Any], ...], ...]
    policy: str
    runs: int
    steps: int
    seed: int
    policy_parameters: tuple[tuple[str, Fraction], ...]
    burn_in: int | None = None
    engine: str = "batched"

    @property
    def last(self) -> int:
        """One past the global index of the slice's last point."""
        return self.first + len(self.points)

    def experiment(self) -> Experiment:
        """The slice's own experiment, its randomness keyed by the global run numbers."""
        from theory.models import get_model

        return Experiment(
            get_model(self.model),
            points=[dict(pt) for pt in self.points],
            policy=self.policy,
            runs=self.runs,
            steps=self.steps,
            seed=self.seed,
            policy_parameters=dict(self.policy_parameters),
            first_run=self.first * self.runs,
        )


def check_sweepable(exp: Experiment) -> None:
    """Refuse a model whose points a sweep's table cannot hold: one row and one column
    player, two actions each (the table's ``predicted_row`` ... ``simulated_col``).

    Examples
    --------
    >>> from theory.models import get_model
    >>> check_sweepable(Experiment(get_model("inspection")))
    """
    m = exp.model
    if len(m.players) != 2 or m.populations or any(pl.n_actions != 2 for pl in m.players):
        kinds = ", ".join(
            f"{pl.name} ({pl.n_actions} actions{', a population' if pl in m.populations else ''})"
            for pl in m.players
        )
        raise ParameterError(
            f"a sweep's table compares two single players with two actions each; model "
            f"{m.name} has {kinds}: compare its points one by one (rosca compare)"
        )


def slices(
    exp: Experiment, size: int, burn_in: int | None = None, engine: str = "batched"
) -> Iterator[GridSlice]:
    """``exp``'s grid cut into slices of ``size`` consecutive points, made one at a time.

    Examples
    --------
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("inspection"), points=[{"P": k} for k in range(1, 6)])
    >>> [(s.first, s.last) for s in slices(exp, 2)]
    [(0, 2), (2, 4), (4, 5)]
    """
    from theory.models import model_source

    template = GridSlice(
        model=model_source(exp.model).reference,  # what get_model rebuilds in a worker
        first=0,
        points=(),
        policy=exp.policy_name,
        runs=exp.runs,
        steps=exp.n_steps,
        seed=exp.seed,
        policy_parameters=tuple(exp.given_parameters.items()),  # the rest is rebuilt
        burn_in=burn_in,
        engine=engine,
    )
    first = exp.first_run // exp.runs
    for start in range(0, exp.n_points, size):
        points = tuple(tuple(pt.items()) for pt in exp.points[start : start + size])
        yield replace(template, first=first + start, points=points)


def chunk_flags(exp: Experiment, engine: str = "batched") -> dict[str, np.ndarray]:
    """The players' flags of every run of ``exp``, arrays ``(steps + 1, points x runs)``,
    from either engine."""
    from simulation.health import check_batched, check_finite

    flags = [pl.flag for pl in exp.model.players]
    if engine == "batched":
        traj = run_batched(exp, keys=flags)
        check_batched(exp, traj)
        return traj.data
    from simulation.cadcad_adapter import run_cadcad
    from simulation.frames import from_cadcad

    df = from_cadcad(exp, run_cadcad(exp))
    check_finite(exp, df)
    steps = exp.n_steps + 1
    return {f: df[f].to_numpy(bool).reshape(-1, steps).T for f in flags}


def summarise(
    exp: Experiment, burn_in: int | None = None, engine: str = "batched", first_point: int = 0
) -> pd.DataFrame:
    """One summary row for every point of ``exp``, numbered from ``first_point``."""
    flags = [pl.flag for pl in exp.model.players]
    data = chunk_flags(exp, engine)
    rows = []
    for k, values in enumerate(exp.points):
        sl = slice(k * exp.runs, (k + 1) * exp.runs)
        c = compare_flags(exp, dict(values), data[flags[0]][:, sl], data[flags[1]][:, sl], burn_in)
        row: dict[str, Any] = {"point": first_point + k}
        row.update({q.name: float(values[q.name]) for q in exp.model.parameters})
        row.update(
            {
                "predicted_row": c.predicted[0],
                "predicted_col": c.predicted[1],
                "predicted_kind": c.prediction.kind,
                "regime_predicted": c.regime_predicted,
                "simulated_row": c.simulated[0],
                "simulated_col": c.simulated[1],
                "ci_row_low": c.ci[0][0] if c.ci[0] else np.nan,
                "ci_row_high": c.ci[0][1] if c.ci[0] else np.nan,
                "ci_col_low": c.ci[1][0] if c.ci[1] else np.nan,
                "ci_col_high": c.ci[1][1] if c.ci[1] else np.nan,
                "regime_simulated": c.regime_simulated,
                "period": c.period if c.period is not None else -1,
                "distance": c.distance,
                "regime_agree": c.regime_agree,
                "verdict": c.verdict,
                "agree": c.agree,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def summarise_slice(s: GridSlice) -> pd.DataFrame:
    """The summary rows of one slice (what a worker runs).

    Examples
    --------
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("inspection"), points=[{"P": 1}, {"P": 2}], runs=2, steps=9)
    >>> alone = summarise_slice(list(slices(exp, 1))[1])
    >>> whole = summarise(exp)
    >>> int(alone["point"][0]), bool(alone.iloc[0].equals(whole.iloc[1]))
    (1, True)
    """
    return summarise(s.experiment(), s.burn_in, s.engine, first_point=s.first)
