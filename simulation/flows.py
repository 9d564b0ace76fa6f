"""The verifier's-dilemma demo's per-run quantities, on arrays over steps and runs at once.

The cadCAD demo (Zargham, BlockScience 2019; docs/domain.md section 2) analyses a run through
each player's reward and cost flows, their cumulative profits, the running cheating-volume
fraction (cumulative cheat volume over cumulative total volume) and each player's
cumulative ROI (cumulative profit over cumulative cost). Here every one of them is one
numpy expression over recorded states shaped ``(steps + 1, runs)`` (row ``t`` is timestep
``t``): cumulative sums run down the steps of each column, medians are taken per column,
so a run's numbers are the same whichever batch of runs it is computed in.

The flows are the model's own reward and cost functions evaluated on the recorded states
(docs/design.md "The one idea"), for timesteps ``t >= 1``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from simulation.experiment import Experiment
from theory.errors import RoscaError
from theory.model import Model, Namespace, Player


class AnalysisError(RoscaError):
    """A model the run analysis does not cover."""


def check_covered(model: Model) -> None:
    """Raise :class:`AnalysisError` for a model with a population player (its flows are
    per member, which this analysis does not summarise)."""
    for pl in model.players:
        if pl.population is not None:
            raise AnalysisError(
                f"model {model.name}: the run analysis covers players without members; "
                f"player {pl.name!r} is a population of {pl.population}"
            )


def action_index(player: Player, flags: np.ndarray) -> np.ndarray:
    """The index of the action each flag value records (0: the player's first action).

    A two-action player's flag is a boolean meaning "took the first action"; a player
    with more actions records the action's index itself.

    Examples
    --------
    >>> from theory.models import get_model
    >>> verifier = get_model("inspection").players[0]
    >>> action_index(verifier, np.array([True, False, True])).tolist()
    [0, 1, 0]
    """
    flags = np.asarray(flags)
    if flags.dtype == np.bool_:
        return np.where(flags, 0, 1).astype(np.int64)
    return flags.astype(np.int64)


def cumsum_steps(x: np.ndarray) -> np.ndarray:
    """``numpy.cumsum(x, axis=0)`` in float64, one row at a time: the same sums in the same
    order, several times faster on a C-ordered ``(steps, runs)`` array.

    Examples
    --------
    >>> x = np.arange(6.0).reshape(3, 2)
    >>> bool(np.array_equal(cumsum_steps(x), np.cumsum(x, axis=0)))
    True
    """
    out = np.empty(x.shape, dtype=np.float64)
    if len(x):
        out[0] = x[0]
    for t in range(1, len(x)):
        np.add(out[t - 1], x[t], out=out[t])
    return out


def joint_actions(model: Model, indices: list[np.ndarray]) -> np.ndarray:
    """Each action profile as one integer (mixed radix over the players' action counts,
    the first player most significant).

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("inspection")
    >>> joint_actions(m, [np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])]).tolist()
    [0, 1, 2, 3]
    """
    code = np.zeros(np.shape(indices[0]), dtype=np.int64)
    for pl, idx in zip(model.players, indices):
        code = code * len(pl.actions) + idx
    return code


def joint_periods(joint: np.ndarray, tail: float = 0.5) -> np.ndarray:
    """The smallest period of each column of a ``(steps, runs)`` array of action profiles
    over its last ``tail`` share (0: it does not repeat there; two repetitions needed).

    Only the columns still without a period are compared at each candidate period.

    Examples
    --------
    >>> joint_periods(np.array([[3, 3, 0, 0] * 10, [1, 2] * 20]).T).tolist()
    [4, 2]
    """
    n = joint.shape[0]
    window = joint[int(n * (1 - tail)) :]
    found = np.zeros(joint.shape[1], dtype=np.int64)
    todo = np.arange(joint.shape[1])
    for p in range(1, window.shape[0] // 2 + 1):
        if todo.size == 0:
            break
        w = window[:, todo]
        repeats = np.all(w[p:] == w[:-p], axis=0)
        found[todo[repeats]] = p
        todo = todo[~repeats]
    return found


def nanmedian_columns(x: np.ndarray) -> np.ndarray:
    """``numpy.nanmedian(x, axis=0)`` for a 2-D array, without its per-column loop
    (NaN where a column has no number), bit for bit the same.

    Examples
    --------
    >>> x = np.array([[1.0, np.nan, np.nan], [3.0, 2.0, np.nan], [2.0, 4.0, np.nan]])
    >>> nanmedian_columns(x).tolist()
    [2.0, 3.0, nan]
    """
    ordered = np.sort(np.ascontiguousarray(x.T), axis=1)  # NaN last in every row
    k = np.count_nonzero(~np.isnan(ordered), axis=1)
    rows = np.arange(ordered.shape[0])
    lo = ordered[rows, np.maximum(k - 1, 0) // 2]
    hi = ordered[rows, k // 2 - (k == 0)]
    with np.errstate(invalid="ignore"):
        return np.where(k > 0, (lo + hi) / 2, np.nan)


@dataclass(frozen=True, eq=False)
class Flows:
    """The demo's quantities of a batch of runs, arrays shaped ``(steps, runs)`` for
    timesteps 1 to ``steps``; per player, in the model's order of players."""

    actions: tuple[np.ndarray, ...]  # action indices (0: the first action)
    reward: tuple[np.ndarray, ...]
    cost: tuple[np.ndarray, ...]
    cum_profit: tuple[np.ndarray, ...]
    roi: tuple[np.ndarray, ...]  # cumulative profit / cumulative cost; NaN before a cost
    cheat_fraction: np.ndarray  # running cheat volume / total volume (or action share)


def parameters_of(exp: Experiment, columns: np.ndarray) -> Namespace:
    """The parameter values of each column (global run numbers) as arrays over runs."""
    points = np.asarray(columns) // exp.runs
    table = {
        q.name: np.array([float(pt[q.name]) for pt in exp.points])[points]
        for q in exp.model.parameters
    }
    return Namespace(table, "parameter")


def flow_keys(exp: Experiment) -> tuple[str, ...]:
    """The state variables the analysis reads: the players' flags, the volumes and
    whatever the reward and cost functions read (traced on the genesis state; the
    functions use ``where``, not ``if`` on values, so the names read do not depend on the
    values)."""
    model = exp.model
    p = model.params({k: float(v) for k, v in exp.points[0].items()})
    reads: set[str] = set()
    s = Namespace(exp.initial_state(exp.points[0]), "state variable", reads)
    for pl in model.players:
        pl.reward(p, s)
        pl.cost(p, s)
    wanted = reads | {pl.flag for pl in model.players} | set(model.volumes or ())
    return tuple(k for k in exp.state_keys if k in wanted)


def flows(exp: Experiment, data: Mapping[str, np.ndarray], columns: np.ndarray) -> Flows:
    """The demo's quantities of runs recorded as ``(steps + 1, runs)`` arrays.

    Parameters
    ----------
    exp : the experiment the runs belong to.
    data : state variable to recorded array (at least :func:`flow_keys`).
    columns : the global run number of each column (``point * runs + run``).

    Examples
    --------
    >>> from simulation.batched import run_batched
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("verifiers-dilemma"), steps=14)
    >>> t = run_batched(exp)
    >>> f = flows(exp, t.data, t.columns)
    >>> f.cum_profit[0].shape, round(float(f.cheat_fraction[-1, 0]), 4)
    ((14, 1), 0.0857)
    """
    model = exp.model
    check_covered(model)
    p = parameters_of(exp, columns)
    live = {k: v[1:] for k, v in data.items()}
    s = Namespace(live, "state variable")
    shape = next(iter(live.values())).shape
    actions, reward, cost, cum_profit, roi = [], [], [], [], []
    for pl in model.players:
        actions.append(action_index(pl, live[pl.flag]))
        r = np.broadcast_to(np.asarray(pl.reward(p, s), dtype=float), shape)
        c = np.broadcast_to(np.asarray(pl.cost(p, s), dtype=float), shape)
        cp = cumsum_steps(r - c)
        cc = cumsum_steps(c)
        with np.errstate(divide="ignore", invalid="ignore"):
            roi.append(np.where(cc > 0, cp / cc, np.nan))
        reward.append(r)
        cost.append(c)
        cum_profit.append(cp)
    if model.volumes is not None:
        cheat, total = model.volumes
        num = cumsum_steps(live[cheat])
        den = cumsum_steps(live[total])
    else:  # the last player's (the cheater's) running frequency of its first action
        num = cumsum_steps(actions[-1] == 0)
        den = cumsum_steps(np.ones(shape))
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(den > 0, num / den, np.nan)
    return Flows(
        tuple(actions), tuple(reward), tuple(cost), tuple(cum_profit), tuple(roi), fraction
    )
