"""Parameter sweeps summarised point by point: prediction, simulation, distance, agreement.

The grid's points are simulated by the batched engine in chunks (:mod:`simulation.backends`
decides where each chunk runs); of a chunk only the action flags are kept, and each point
is reduced to one summary row at once, so the trajectories of the whole sweep are never
held together. Randomness is keyed by the global run number (point index x runs + run), so
a chunked, parallel or distributed sweep gives the same table as a single pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from simulation.batched import run_batched
from simulation.compare import compare_flags
from simulation.experiment import Experiment


def chunk_flags(exp: Experiment, first: int, last: int, engine: str = "batched") -> dict:
    """The players' flags, arrays ``(steps + 1, runs of the chunk)``, for points
    ``first .. last - 1``, from either engine."""
    flags = [pl.flag for pl in exp.model.players]
    if engine == "batched":
        return run_batched(exp, keys=flags, columns=slice(first * exp.runs, last * exp.runs)).data
    from simulation.cadcad_adapter import run_cadcad
    from simulation.frames import from_cadcad

    df = from_cadcad(exp, run_cadcad(exp, subsets=list(range(first * exp.runs, last * exp.runs))))
    steps = exp.n_steps + 1
    return {f: df[f].to_numpy(bool).reshape(-1, steps).T for f in flags}


def summarise(
    exp: Experiment, first: int, last: int, burn_in: int | None = None, engine: str = "batched"
) -> pd.DataFrame:
    """Summary rows for points ``first .. last - 1`` of ``exp``."""
    flags = [pl.flag for pl in exp.model.players]
    data = chunk_flags(exp, first, last, engine)
    rows = []
    for k, i in enumerate(range(first, last)):
        sl = slice(k * exp.runs, (k + 1) * exp.runs)
        c = compare_flags(
            exp, dict(exp.points[i]), data[flags[0]][:, sl], data[flags[1]][:, sl], burn_in
        )
        row: dict[str, Any] = {"point": i}
        row.update({name: float(v) for name, v in exp.points[i].items()})
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
                "agree": c.agree,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def chunks(n_points: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n_points, size):
        yield start, min(start + size, n_points)
