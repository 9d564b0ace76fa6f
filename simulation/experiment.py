"""An experiment: a model, parameter points, a policy, runs, steps and a seed; one timestep.

:func:`advance` is the one timestep both engines execute: the policy decides from the
state before the step (with uniforms that are a pure function of seed, run, timestep and
draw), the model's blocks move the state, and the policy updates its beliefs. The cadCAD
adapter calls the same model and policy functions from cadCAD's policy and state-update
callbacks; the batched engine calls :func:`advance` on arrays of runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from simulation.policies import POLICY_PARAMETERS, Incentives, Policy, check_policy
from simulation.rng import uniforms
from theory.errors import ParameterError
from theory.model import Model, Namespace


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ParameterError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


@dataclass(frozen=True, eq=False)
class Experiment:
    """What to simulate.

    Parameters
    ----------
    model : Model
    points : sequence of mappings
        Parameter points (cadCAD's subsets); missing parameters take their defaults.
    policy : str
        A native policy of the model or an ROI estimator; ``None`` for the model default.
    runs : int
        Monte Carlo runs per point.
    steps : int
        Timesteps per run.
    seed : int
        The root of every random number of the experiment.
    policy_parameters : mapping
        ``memory`` and ``noise`` (see :mod:`simulation.policies`).
    """

    model: Model
    points: Sequence[Mapping[str, Any]] = field(default_factory=lambda: ({},))
    policy: str | None = None
    runs: int = 1
    steps: int | None = None
    seed: int = 0
    policy_parameters: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "policy", check_policy(self.model, self.policy or self.model.default_policy)
        )
        object.__setattr__(
            self, "steps", _positive_int("steps", self.steps or self.model.default_steps)
        )
        _positive_int("runs", self.runs)
        if (
            isinstance(self.seed, bool)
            or not isinstance(self.seed, int | np.integer)
            or self.seed < 0
        ):
            raise ParameterError(f"seed must be a non-negative integer, got {self.seed!r}")
        if not self.points:
            raise ParameterError("an experiment needs at least one parameter point")
        full = []
        for pt in self.points:
            values = self.model.defaults()
            for k, v in pt.items():
                self.model.parameter(k)  # raises on an unknown name
                values[k] = v if isinstance(v, Fraction) else Fraction(str(v))
            full.append(values)
        object.__setattr__(self, "points", tuple(full))
        pp = {q.name: q.default_value for q in POLICY_PARAMETERS}
        for k, v in self.policy_parameters.items():
            if k not in pp:
                raise ParameterError(f"unknown policy parameter {k!r}; allowed: memory, noise")
            pp[k] = Fraction(str(v))
        object.__setattr__(self, "policy_parameters", pp)

    @property
    def policy_name(self) -> str:
        """The policy, resolved (the model's default when none was given)."""
        return str(self.policy)

    @property
    def n_steps(self) -> int:
        """The number of timesteps, resolved (the model's default when none was given)."""
        return int(self.steps)  # type: ignore[arg-type]

    @property
    def behaviour(self) -> Policy:
        return Policy(self.model, self.policy_name)

    @property
    def n_points(self) -> int:
        return len(self.points)

    def policy_namespace(self) -> Namespace:
        return Namespace(
            {k: float(v) for k, v in self.policy_parameters.items()}, "policy parameter"
        )

    def initial_state(self, values: Mapping[str, object]) -> dict[str, Any]:
        p = self.model.params({k: float(v) for k, v in values.items()})  # type: ignore[arg-type]
        state = self.model.initial_state(p)
        state.update(self.behaviour.initial_state())
        return state

    @property
    def state_keys(self) -> tuple[str, ...]:
        return self.model.state_keys + self.behaviour.belief_keys()


def advance(
    exp: Experiment,
    p: Namespace,
    s: Mapping[str, Any],
    inc: Incentives,
    pp: Namespace,
    run: Any,
    t: int,
) -> dict[str, Any]:
    """One timestep ``t`` (1-based) of ``exp`` on floats or arrays over runs."""
    before = Namespace(s, "state variable")

    def draw(k: int) -> Any:
        u = uniforms(exp.seed, run, t, k)
        return u if isinstance(run, np.ndarray) else float(u)

    behaviour = exp.behaviour
    acts = behaviour.decide(p, before, inc, pp, draw)
    new = exp.model.step(p, s, acts)
    new.update(behaviour.update(before, acts, pp))
    return new


def cartesian(grid: Mapping[str, Sequence[object]]) -> list[dict[str, object]]:
    """Every combination of the grid's values (an explicit product, unlike cadCAD).

    Examples
    --------
    >>> points = cartesian({"delta": [1, 2], "zeta": [0.1, 0.2]})
    >>> len(points), points[1]
    (4, {'delta': 1, 'zeta': 0.2})
    """
    names = list(grid)
    return [dict(zip(names, combo)) for combo in itertools.product(*(grid[n] for n in names))]


def zipped(grid: Mapping[str, Sequence[object]]) -> list[dict[str, object]]:
    """The grid's lists taken together, element by element (cadCAD's ``config_sim`` rule:
    each list of length 1 or one common length).

    Examples
    --------
    >>> zipped({"delta": [1, 2], "zeta": [0.1]})
    [{'delta': 1, 'zeta': 0.1}, {'delta': 2, 'zeta': 0.1}]
    """
    lengths = {len(v) for v in grid.values()} - {1}
    if len(lengths) > 1:
        raise ParameterError(
            f"zip sweep lists must have length 1 or one common length, got "
            f"{ {k: len(v) for k, v in grid.items()} }"
        )
    n = lengths.pop() if lengths else 1
    return [{k: (v[i] if len(v) > 1 else v[0]) for k, v in grid.items()} for i in range(n)]
