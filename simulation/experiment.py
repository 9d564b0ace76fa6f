"""An experiment: a model, parameter points, a policy, runs, steps and a seed; one timestep.

:func:`advance` is the one timestep both engines execute: bookkeeping (:func:`prepare`:
a many-round game that has ended starts again from genesis, the learners keeping what
they learned; lottery state variables get fresh draws), then the policy decides from the
state before the step (with uniforms that are a pure function of seed, run, timestep and
draw), the model's blocks move the state, and the policy learns from what the new state
shows. The cadCAD adapter calls the same functions from cadCAD's policy and state-update
callbacks; the batched engine calls :func:`advance` on arrays of runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from simulation.policies import Policy, check_parameters, check_policy, default_policy
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
        The learner's parameters the user sets (``memory``, ``noise``, ``temperature``,
        ``learning_rate``, ``exploration``; see :mod:`simulation.policies`); the others
        take their defaults, and one the policy does not read is refused.
    first_run : int
        The global number of run 0 of point 0, when the experiment is a slice of a larger
        sweep: randomness is keyed by ``first_run`` + point index x runs + run, so a slice
        draws exactly the numbers it draws inside the whole grid.
    """

    model: Model
    points: Sequence[Mapping[str, Any]] = field(default_factory=lambda: ({},))
    policy: str | None = None
    runs: int = 1
    steps: int | None = None
    seed: int = 0
    policy_parameters: Mapping[str, Any] = field(default_factory=dict)
    first_run: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "policy", check_policy(self.model, self.policy or default_policy(self.model))
        )
        if self.steps is not None or not callable(self.model.default_steps):
            steps = self.steps or self.model.default_steps
            object.__setattr__(self, "steps", _positive_int("steps", steps))
        _positive_int("runs", self.runs)
        if (
            isinstance(self.seed, bool)
            or not isinstance(self.seed, int | np.integer)
            or self.seed < 0
        ):
            raise ParameterError(f"seed must be a non-negative integer, got {self.seed!r}")
        first = self.first_run
        if isinstance(first, bool) or not isinstance(first, int | np.integer) or first < 0:
            raise ParameterError(f"first_run must be a non-negative integer, got {first!r}")
        if not self.points:
            raise ParameterError("an experiment needs at least one parameter point")
        full = []
        options = {o.name for o in self.model.options}
        for pt in self.points:
            values: dict[str, Any] = self.model.defaults() | self.model.option_defaults()
            for k, v in pt.items():
                if k in options:
                    values[k] = v
                    continue
                self.model.parameter(k)  # raises on an unknown name
                values[k] = v if isinstance(v, Fraction) else Fraction(str(v))
            full.append(values)
        object.__setattr__(self, "points", tuple(full))
        if self.steps is None and callable(self.model.default_steps):
            steps = self.model.simulation_steps(self.numeric(full[0]))
            object.__setattr__(self, "steps", _positive_int("steps", steps))
        object.__setattr__(
            self, "policy_parameters", check_parameters(self.policy_name, self.policy_parameters)
        )

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

    @property
    def given_parameters(self) -> dict[str, Fraction]:
        """The learner parameters that differ from their defaults: what to pass on to a
        new experiment of the same policy."""
        from simulation.policies import POLICY_PARAMETERS

        defaults = {q.name: q.default_value for q in POLICY_PARAMETERS}
        return {k: v for k, v in self.policy_parameters.items() if defaults.get(k) != v}

    def policy_namespace(self) -> Namespace:
        return Namespace(
            {k: float(v) for k, v in self.policy_parameters.items()}, "policy parameter"
        )

    def numeric(self, values: Mapping[str, object]) -> Namespace:
        """One point's parameters as numbers (floats; member counts as integers)."""
        return self.model.params(dict(values), numeric=True)

    def initial_state(self, values: Mapping[str, object]) -> dict[str, Any]:
        """The genesis state of one point: the model's, then the learner's."""
        p = self.numeric(values)
        state = self.model.initial_state(p)
        state.update(self.behaviour.initial_state(p, state))
        return state

    @property
    def state_keys(self) -> tuple[str, ...]:
        p = self.numeric(self.points[0])
        genesis = self.model.initial_state(p)
        return self.model.state_keys + self.behaviour.state_keys(p, genesis)

    def rounds(self, p: Namespace) -> int:
        """Rounds per game (1 for a one-shot game played repeatedly)."""
        return self.model.horizon(p) if self.model.many_rounds else 1

    @property
    def substeps(self) -> int:
        """cadCAD substeps per timestep: the model's blocks, a bookkeeping block first
        when games restart or lotteries are drawn, a learning block last for learners."""
        rounds = self.rounds(self.numeric(self.points[0]))
        games = rounds > 1 and self.n_steps > rounds
        prepare = games or any(v.draw for v in self.model.state)
        learn = len(self.state_keys) > len(self.model.state_keys)
        return max(len(self.model.blocks), 1) + int(prepare) + int(learn)


def draws(exp: Experiment, run: Any, t: int) -> Callable[[Any], Any]:
    """The uniforms of timestep ``t`` of ``run``: ``draw(k)`` for a draw index or an
    array of them (one per member), broadcast against the runs."""

    def draw(k: Any) -> Any:
        g = np.asarray(run) + exp.first_run
        if np.ndim(k) and np.ndim(g):
            g = g[:, None]  # runs against members: (runs, 1) with (members,) or (runs, members)
        u = uniforms(exp.seed, g, t, k)
        return u if np.ndim(u) else float(u)

    return draw


def prepare(
    exp: Experiment,
    p: Namespace,
    s: Mapping[str, Any],
    genesis: Mapping[str, Any],
    run: Any,
    t: int,
    rounds: int = 1,
) -> dict[str, Any]:
    """Bookkeeping before timestep ``t``: a many-round game that has ended starts again
    from genesis (games in sequence; the learner's state carries over), and every
    lottery state variable gets fresh uniforms, one per member."""
    state = dict(s)
    if rounds > 1 and t > 1 and (t - 1) % rounds == 0:
        for k in exp.model.state_keys:
            state[k] = genesis[k]
    for v in exp.model.state:
        if v.draw:
            like = np.asarray(state[v.name])
            index = 10_000 + np.arange(like.shape[-1]) if like.ndim else 10_000
            state[v.name] = np.broadcast_to(draws(exp, run, t)(index), like.shape)
    return state


def advance(
    exp: Experiment,
    p: Namespace,
    s: Mapping[str, Any],
    pp: Namespace,
    run: Any,
    t: int,
    genesis: Mapping[str, Any] | None = None,
    rounds: int = 1,
    greedy: bool = False,
    intervene: Callable[[int, tuple[Any, ...]], tuple[Any, ...]] | None = None,
) -> dict[str, Any]:
    """One timestep ``t`` (1-based) of ``exp`` on floats or arrays over runs; ``rounds``
    is the number of rounds of one game (1 for a one-shot game played repeatedly).
    ``greedy`` plays what the learners have learned without learning more; ``intervene``
    may change the decisions (a counterfactual with the same random numbers)."""
    state = prepare(exp, p, s, genesis if genesis is not None else s, run, t, rounds)
    before = Namespace(state, "state variable")
    r = (t - 1) % rounds
    behaviour = exp.behaviour
    acts = behaviour.decide(p, before, state, pp, draws(exp, run, t), r, greedy)
    if intervene is not None:
        acts = intervene(t, acts)
    new = exp.model.step(p, state, acts)
    if not greedy:
        new.update(behaviour.update(p, before, new, acts, pp, r, rounds))
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
