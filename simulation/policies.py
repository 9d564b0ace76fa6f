"""Behaviours: the model's own rules, belief learners and payoff-based learners, behind one
interface that both engines call.

* A model's *native* policies (the seed's coin-flip cheater, the demo's ROI rule, the
  circle's version-1 random defaults) are its own functions.
* *Belief learners* (:mod:`simulation.beliefs`): ``last-observation``, ``fictitious-play``,
  ``ema``, ``logit``.
* *Payoff-based learners* (:mod:`simulation.learners`): ``reinforcement``,
  ``q-learning``, ``roi``.

No behaviour reads the theory: agents see the state cadCAD shows them (the rewards and
costs booked in it, the actions observed) and may step the model's own mechanisms once to
ask what another action would have brought. Only the comparison
(:mod:`simulation.compare`) reads the theory's predictions.

Each learner's parameters are checked against their bounds, and a parameter given for a
policy that does not read it is refused, naming the policies that do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from simulation import beliefs, learners
from theory.errors import ParameterError, UnknownNameError, unknown
from theory.model import Model, Namespace, Parameter

ESTIMATORS = beliefs.NAMES
LEARNERS = learners.NAMES

POLICY_PARAMETERS = (
    Parameter(
        "memory",
        "0.1",
        "ema policy: weight of the newest observation",
        "1",
        lower_open=True,
        upper="1",
        role="policy",
    ),
    Parameter(
        "noise",
        "0.05",
        "logit policy: choice noise as a fraction of the payoff range",
        "1",
        lower_open=True,
        role="policy",
    ),
    Parameter(
        "temperature",
        "0.05",
        "q-learning policy: softmax temperature as a fraction of the experienced payoff range",
        "1",
        lower_open=True,
        role="policy",
    ),
    Parameter(
        "learning_rate",
        "0.005",
        "q-learning and reinforcement policies: step size of each update",
        "1",
        lower_open=True,
        upper="1",
        role="policy",
    ),
    Parameter(
        "exploration",
        "0.05",
        "roi and reinforcement policies: chance of an action at random (roi), the least "
        "probability mass kept on other actions (reinforcement)",
        "1",
        upper="1",
        role="policy",
    ),
)

PARAMETER_USERS: dict[str, tuple[str, ...]] = {
    "memory": ("ema",),
    "noise": ("logit",),
    "temperature": ("q-learning",),
    "learning_rate": ("q-learning", "reinforcement"),
    "exploration": ("roi", "reinforcement"),
}
"""Which policies read each learner parameter."""


def policy_names(model: Model) -> tuple[str, ...]:
    """Every behaviour the model can be simulated with."""
    names = tuple(model.native_policies)
    if not model.populations and not model.many_rounds:
        names += ESTIMATORS
    return names + LEARNERS


def default_policy(model: Model) -> str:
    """The model's default policy, or ``roi`` when that is a belief learner the model's
    members cannot use (a population learns from its own payoffs).

    Examples
    --------
    >>> from theory.models import get_model
    >>> default_policy(get_model("inspection")), default_policy(get_model("volunteers"))
    ('fictitious-play', 'roi')
    """
    name = model.default_policy
    if name not in policy_names(model) and "roi" in policy_names(model):
        return "roi"
    return name


def check_policy(model: Model, name: str) -> str:
    if name not in policy_names(model):
        hint = ""
        if name in ESTIMATORS:
            hint = (
                " (belief learners evaluate every profile of single players in a one-shot "
                "game; this model's members learn from their own payoffs)"
            )
        raise UnknownNameError(
            f"model {model.name}: " + unknown("policy", name, policy_names(model)) + hint
        )
    return name


def model_parameter_readers(model: Model, name: str) -> tuple[str, ...]:
    """The policies that read the model's policy parameter ``name``: the model's own
    rules, and for the hurdle ``theta`` the learners that compare reward with
    ``(1 + theta) x cost`` (the belief learners and ``roi``).

    Examples
    --------
    >>> from theory.models import get_model
    >>> model_parameter_readers(get_model("rosca-v2"), "cheat_probability")
    ('seed',)
    >>> model_parameter_readers(get_model("inspection"), "theta")
    ('last-observation', 'fictitious-play', 'ema', 'logit', 'roi')
    """
    usable = policy_names(model)
    out = list(model.native_policies)
    if name == "theta":
        out += [q for q in usable if q in ESTIMATORS or q == "roi"]
    return tuple(q for q in out if q in usable)


def check_model_parameters(model: Model, policy: str | None, given: set[str]) -> None:
    """Refuse a model parameter of role ``policy`` given for a policy that does not read
    it (``--set cheat_probability=...`` with a learner would be silently ignored).

    Examples
    --------
    >>> from theory.models import get_model
    >>> check_model_parameters(get_model("rosca-v2"), "seed", {"cheat_probability"})
    >>> check_model_parameters(get_model("rosca-v2"), "q-learning", {"theta", "beta"})
    Traceback (most recent call last):
    ...
    theory.errors.ParameterError: theta has no effect with policy q-learning; it is read by: ...
    """
    name = policy or default_policy(model)
    roles = {q.name: q.role for q in model.parameters}
    for k in sorted(given):
        if roles.get(k) != "policy":
            continue
        readers = model_parameter_readers(model, k)
        if name not in readers:
            raise ParameterError(
                f"{k} has no effect with policy {name}; it is read by: "
                + (", ".join(readers) or "no policy of this model")
            )


def check_parameters(policy: str, given: Mapping[str, object]) -> dict[str, Fraction]:
    """The learner parameters for ``policy``: defaults, then ``given`` (each within its
    bounds, and only those the policy reads).

    Examples
    --------
    >>> check_parameters("q-learning", {"temperature": "0.2"})["temperature"]
    Fraction(1, 5)
    >>> check_parameters("fictitious-play", {"temperature": "0.2"})
    Traceback (most recent call last):
    ...
    theory.errors.ParameterError: temperature has no effect with policy fictitious-play; ...
    """
    from theory.parameters import parse_value

    out = {q.name: q.default_value for q in POLICY_PARAMETERS}
    by_name = {q.name: q for q in POLICY_PARAMETERS}
    for k, v in given.items():
        if k not in by_name:
            raise ParameterError(unknown("policy parameter", k, list(by_name)))
        if policy not in PARAMETER_USERS[k]:
            raise ParameterError(
                f"{k} has no effect with policy {policy}; it is read by: "
                + ", ".join(PARAMETER_USERS[k])
            )
        out[k] = parse_value(by_name[k], v) if not isinstance(v, Fraction) else v
        if not by_name[k].admits(out[k]):
            raise ParameterError(
                f"policy parameter '{k}' = {v} is outside its bounds {by_name[k].bounds_text()}"
            )
    return out


@dataclass(frozen=True)
class Policy:
    """A behaviour for every player of a model: its extra state, decision and update."""

    model: Model
    name: str

    @property
    def kind(self) -> str:
        if self.name in self.model.native_policies:
            return "native"
        return "belief" if self.name in ESTIMATORS else "payoff"

    @property
    def native(self) -> bool:
        return self.kind == "native"

    def rounds(self, p: Namespace) -> int:
        """Rounds per game: learners keep values per round of a many-round model."""
        return self.model.horizon(p) if self.model.many_rounds else 1

    def initial_state(self, p: Namespace, genesis: Mapping[str, Any]) -> dict[str, Any]:
        if self.kind == "native":
            return {}
        if self.kind == "belief":
            return beliefs.initial_state(self.model, dict(genesis))
        return learners.initial_state(self.name, self.model, p, self.rounds(p))

    def state_keys(self, p: Namespace, genesis: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(self.initial_state(p, genesis))

    def decide(
        self,
        p: Namespace,
        s: Namespace,
        state: Mapping[str, Any],
        pp: Namespace,
        draw: Callable[[Any], Any],
        r: int,
        greedy: bool = False,
    ) -> tuple[Any, ...]:
        """Each player's encoded action at round ``r`` of the game (0 for one-shot
        games), from the state before the step; ``greedy`` reads out what a payoff-based
        learner has learned, without exploring."""
        if self.kind == "native":
            return tuple(self.model.native_policies[self.name](p, s, draw))
        if self.kind == "belief":
            return beliefs.decide(self.name, self.model, p, s, dict(state), pp, draw)
        return learners.decide(self.name, self.model, p, s, pp, draw, r, greedy)

    def update(
        self,
        p: Namespace,
        s: Namespace,
        after: Mapping[str, Any],
        acts: tuple[Any, ...],
        pp: Namespace,
        r: int,
        rounds: int,
    ) -> dict[str, Any]:
        """The learner's new state after observing this step's actions and payoffs
        (round ``r`` of a game of ``rounds`` rounds)."""
        if self.kind == "native":
            return {}
        if self.kind == "belief":
            return beliefs.update(self.name, self.model, s, acts, pp)
        return learners.update(self.name, self.model, p, s, dict(after), acts, pp, r, rounds)
