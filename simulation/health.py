"""Numerical health of a simulation: every recorded state value must stay finite.

A state variable that overflows float64 (a volume growing by ``epsilon`` every step, say)
becomes ``inf``, then ``nan`` in the next subtraction; flags and time averages computed
from such a run look normal, and the comparison with the theory would say AGREE about a
simulation that no longer means anything. :func:`check_finite` turns that into an error
(:class:`theory.errors.NumericRangeError`) naming the state variable, the timestep and
the parameter values that drive it out of range.

The driving values are found as :func:`theory.parameters.check_payoff_range` finds them:
the parameters the point changes are put back to their defaults, farthest (in orders of
magnitude) first, re-simulating up to the first bad timestep, until the state stays
finite (at most :data:`TRIAL_RUNS` runs each). Floating-point overflow itself is IEEE 754
behaviour (Goldberg 1991, "What every computer scientist should know about floating-point
arithmetic", section 2.2).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from simulation.experiment import Experiment
from theory.errors import NumericRangeError
from theory.model import Parameter

if TYPE_CHECKING:  # pandas is imported where a frame is read, not by a healthy run
    import pandas as pd


def numeric_state_columns(exp: Experiment, df: pd.DataFrame) -> list[str]:
    """The recorded state variables of ``exp`` that hold numbers (flags excluded)."""
    import pandas as pd

    return [
        k
        for k in exp.state_keys
        if k in df.columns
        and pd.api.types.is_numeric_dtype(df[k])
        and not pd.api.types.is_bool_dtype(df[k])
    ]


class Breach(NamedTuple):
    """Where a state value first stops being finite."""

    subset: int
    run: int
    timestep: int
    variable: str


def first_non_finite(exp: Experiment, df: pd.DataFrame) -> Breach | None:
    """The earliest recorded non-finite state value (``None`` when every value is finite).

    Examples
    --------
    >>> from theory.models import get_model
    >>> from simulation.runner import simulate
    >>> exp = Experiment(get_model("rosca-v2"), points=[{"epsilon": 1000}], steps=120)
    >>> with np.errstate(all="ignore"):
    ...     df = simulate(exp)
    >>> first_non_finite(exp, df)
    Breach(subset=0, run=1, timestep=102, variable='Total_Collected')
    """
    keys = numeric_state_columns(exp, df)
    if not keys:
        return None
    bad = ~np.isfinite(df[keys].to_numpy(dtype=float))
    rows = np.flatnonzero(bad.any(axis=1))
    if rows.size == 0:
        return None
    timesteps = df["timestep"].to_numpy()[rows]
    row = int(rows[np.argmin(timesteps)])  # the earliest; ties: the first recorded
    column = int(np.flatnonzero(bad[row])[0])
    return Breach(
        int(df["subset"].iloc[row]),
        int(df["run"].iloc[row]),
        int(df["timestep"].iloc[row]),
        keys[column],
    )


TRIAL_RUNS = 64
"""Runs of each counterfactual re-simulation (the first runs of the point's own streams)."""


def _stays_finite(exp: Experiment, point: Mapping[str, Fraction], steps: int) -> bool:
    from simulation.runner import simulate

    trial = Experiment(
        exp.model,
        points=[point],
        policy=exp.policy_name,
        runs=min(exp.runs, TRIAL_RUNS),
        steps=steps,
        seed=exp.seed,
        # the values given (the others are defaults, and a policy refuses what it ignores)
        policy_parameters=exp.given_parameters,
    )
    with np.errstate(all="ignore"):
        return first_non_finite(trial, simulate(trial)) is None


def driving_parameters(exp: Experiment, subset: int, timestep: int) -> list[Parameter]:
    """The parameters of point ``subset`` whose values drive its state out of range by
    ``timestep``: reset to their defaults, farthest first, until the state stays finite."""
    from theory.parameters import drivers

    return drivers(
        exp.model,
        dict(exp.points[subset]),
        lambda point: _stays_finite(exp, point, max(timestep, 1)),
    )


def check_finite(exp: Experiment, df: pd.DataFrame) -> None:
    """Raise :class:`NumericRangeError` when a recorded state value of ``df`` (the tidy
    frame of ``exp``) is not finite, naming the variable, the timestep and the parameter
    values that drive it there.

    Examples
    --------
    >>> from theory.models import get_model
    >>> from simulation.runner import simulate
    >>> exp = Experiment(get_model("rosca-v2"), points=[{"epsilon": 1000}], steps=120)
    >>> with np.errstate(all="ignore"):
    ...     df = simulate(exp)
    >>> check_finite(exp, df)
    Traceback (most recent call last):
    ...
    theory.errors.NumericRangeError: model rosca-v2: the simulated Total_Collected stops being
    finite at timestep 102 of run 1; the values that drive it there: epsilon = 1000
    >>> check_finite(exp, simulate(Experiment(get_model("rosca-v2"), steps=5)))
    """
    bad = first_non_finite(exp, df)
    if bad is None:
        return
    drivers = driving_parameters(exp, bad.subset, bad.timestep)
    values = exp.points[bad.subset]
    named = ", ".join(f"{q.name} = {float(values[q.name]):.6g}" for q in drivers)
    where = f" of run {bad.run}" + (f" at grid point {bad.subset}" if exp.n_points > 1 else "")
    raise NumericRangeError(
        f"model {exp.model.name}: the simulated {bad.variable} stops being finite at "
        f"timestep {bad.timestep}{where}; "
        + (
            f"the values that drive it there: {named}"
            if named
            else "no parameter value alone drives it there; try fewer --steps"
        )
    )


def check_batched(exp: Experiment, traj: Any) -> None:
    """:func:`check_finite` on a batched run (:class:`simulation.batched.Trajectories`)
    without building its tidy frame unless a number is not finite. A value that overflows
    stays ``inf`` or ``nan`` to the end, so the final state tells even when only a few
    variables were recorded; the run is then recorded in full to name the culprit (also
    when the final state was not kept)."""
    arrays = [*traj.data.values(), *(traj.final or {}).values()]
    suspect = any(v.dtype.kind == "f" and not np.isfinite(v).all() for v in arrays)
    if not suspect and traj.final is not None:
        return
    full = all(k in traj.data for k in exp.model.state_keys)
    if suspect or not full:
        from simulation.batched import run_batched
        from simulation.frames import from_batched  # pandas, only now

        check_finite(exp, from_batched(traj if full else run_batched(exp)))
