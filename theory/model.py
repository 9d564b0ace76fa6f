"""The model description: one model, written once, evaluable on numbers, arrays and symbols.

A model is a differential game in the sense of the cadCAD specification
(Zargham, Shorish and Paruch, "From curved bonding to configuration spaces", 2019):
the players choose actions, the mechanisms move the state, ``state+ = F(state, actions)``,
and each player's reward and cost are functions of the resulting state.

Every function of a model takes a parameter namespace ``p`` (attributes, e.g. ``p.beta``;
a model's options too, e.g. ``p.order``), a state namespace ``s`` (attributes named after
the state variables, e.g. ``s.Cheats_Volume``) and, for mechanisms, the action profile
``a``: ``a.<player>`` is a :class:`theory.functions.Choice`, so ``a.cheater.large`` is
true where the cheater took its action ``large``; for a player with two actions
``where(a.verifier, x, y)`` reads "x if the verifier took its first action". The
functions use arithmetic and :func:`where` instead of ``if`` on values, so the same code
runs on floats (cadCAD), numpy arrays (the batched engine) and sympy symbols (the theory).

Players are single players or *populations* of identical members whose number is an
integer parameter (``Player(..., population="members")``): their actions and the state
variables declared ``per_member`` are arrays over the members (the last axis), summed by
:func:`theory.functions.total` and counted by ``a.<population>.count(action)``.

A player's ``flag`` state variable records its last action: ``True`` for the first of two
actions (as the cadCAD demo's ``Verifiers_On``), the action's index for three or more.

A mechanism list is organised in blocks, like cadCAD's partial state update blocks: all
mechanisms in one block read the state as it was before the block. The players' flags
are written by the first block automatically.

A model that runs for many rounds names its horizon (``rounds``), each player's per-round
discount factor (``discount``) and the strategy profiles whose equilibrium conditions the
theory derives (``profiles``, see :mod:`theory.rounds`).

The model lint (:meth:`Model.lint`) rejects a mechanism that writes or reads a state
variable that does not exist, naming the key: the seed notebook's ``'Contributer_On'``
is silently ignored by cadCAD 0.5.3, and is refused here. It also records which state
variables each function reads (:attr:`Model.reads`), from which the theory knows which
part of the state can influence a payoff.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

from theory.errors import ModelError, unknown
from theory.functions import Choice, Namespace, Value, equal, logical_not, maximum, where

__all__ = [
    "Choice",
    "Mechanism",
    "Model",
    "Namespace",
    "Option",
    "Parameter",
    "Player",
    "Profile",
    "StateVariable",
    "Value",
    "maximum",
    "where",
]


# ---------------------------------------------------------------------------------------
# Descriptions
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """A model parameter: name, default, bounds, unit and a one-line meaning.

    ``lower``/``upper`` are inclusive unless ``lower_open``/``upper_open``; ``None`` means
    unbounded. Defaults are exact decimals (strings), so the theory works in rationals.
    """

    name: str
    default: str
    meaning: str
    unit: str = ""
    lower: str | None = "0"
    upper: str | None = None
    lower_open: bool = False
    upper_open: bool = False
    role: str = "game"  # "game" (enters payoffs) or "policy" (used only by behaviours)
    integer: bool = False

    @property
    def default_value(self) -> Fraction:
        return Fraction(self.default)

    def bounds_text(self) -> str:
        lo = "-inf" if self.lower is None else self.lower
        hi = "inf" if self.upper is None else self.upper
        left = "(" if self.lower_open or self.lower is None else "["
        right = ")" if self.upper_open or self.upper is None else "]"
        return ("integer in " if self.integer else "") + f"{left}{lo}, {hi}{right}"

    def admits(self, value: Fraction) -> bool:
        if self.integer and value.denominator != 1:
            return False
        if self.lower is not None:
            lo = Fraction(self.lower)
            if value < lo or (self.lower_open and value == lo):
                return False
        if self.upper is not None:
            hi = Fraction(self.upper)
            if value > hi or (self.upper_open and value == hi):
                return False
        return True

    def symbol(self) -> sp.Symbol:
        """The parameter's sympy symbol, with the assumptions its bounds allow."""
        assumptions: dict[str, bool] = {"real": True}
        if self.integer:
            assumptions["integer"] = True
        if self.lower is not None:
            lo = Fraction(self.lower)
            if lo > 0 or (lo == 0 and self.lower_open):
                assumptions["positive"] = True
            elif lo == 0:
                assumptions["nonnegative"] = True
        return sp.Symbol(self.name, **assumptions)


@dataclass(frozen=True)
class Option:
    """A non-numeric setting of a model: one of ``choices``, or (``is_list``) a
    comma-separated list of non-negative numbers (e.g. one amount per member)."""

    name: str
    default: str
    meaning: str
    choices: tuple[str, ...] = ()
    is_list: bool = False

    def allowed_text(self) -> str:
        return " | ".join(self.choices) if self.choices else "comma-separated numbers >= 0"

    @property
    def default_value(self) -> str | tuple[Fraction, ...]:
        return () if self.is_list else self.default


class ParameterSet:
    """Look-ups shared by every kind of model: a parameter by name, and the defaults."""

    parameters: tuple[Parameter, ...]
    options: tuple[Option, ...] = ()

    def parameter(self, name: str) -> Parameter:
        for q in self.parameters:
            if q.name == name:
                return q
        raise ModelError(unknown("parameter", name, [q.name for q in self.parameters]))

    def defaults(self) -> dict[str, Fraction]:
        return {q.name: q.default_value for q in self.parameters}

    def option_defaults(self) -> dict[str, Any]:
        return {o.name: o.default_value for o in self.options}


@dataclass(frozen=True)
class StateVariable:
    """A state variable: its name, initial value (a constant or a function of ``p``),
    meaning and unit. ``per_member`` names the population player whose members each hold
    a value (an array over the members). A ``draw`` variable holds fresh uniform random
    numbers at every step (a lottery the mechanisms read), filled by the simulation
    engines as a pure function of (seed, run, timestep, member)."""

    name: str
    initial: Value | Callable[[Namespace], Value]
    meaning: str
    unit: str = ""
    per_member: str | None = None
    draw: bool = False

    def initial_value(self, p: Namespace) -> Value:
        return self.initial(p) if callable(self.initial) else self.initial


def _arity(fn: Callable[..., Any]) -> int:
    try:
        return len(inspect.signature(fn).parameters)
    except (TypeError, ValueError):  # builtins without a signature
        return 2


@dataclass(frozen=True)
class Player:
    """A player (or a population of identical members) and its actions.

    ``flag`` is the state variable that records the last action (``True`` for the first
    of two actions, the action's index for more); ``reward`` and ``cost`` are functions
    ``(p, s) -> value`` of the state after a step: per member (arrays over the members)
    for a population. ``population`` names the integer parameter counting the members.
    """

    name: str
    actions: tuple[str, ...]
    flag: str
    reward: Callable[[Namespace, Namespace], Value]
    cost: Callable[[Namespace, Namespace], Value]
    reward_text: str = ""
    cost_text: str = ""
    population: str | None = None

    @property
    def n_actions(self) -> int:
        return len(self.actions)

    def encode(self, index: Value) -> Value:
        """The flag value for action ``index`` (an int or an integer array)."""
        if self.n_actions == 2:
            return equal(index, 0)
        return index

    def decode(self, flag: Value) -> Value:
        """The action index held in a flag value (an int, an int array or a symbol).

        Examples
        --------
        >>> pl = Player("verifier", ("verify", "skip"), "On", lambda p, s: 0, lambda p, s: 0)
        >>> pl.decode(True), pl.decode(np.array([True, False])).tolist()
        (0, [0, 1])
        """
        if self.n_actions == 2:
            if isinstance(flag, np.ndarray):
                return np.where(flag, 0, 1)
            if isinstance(flag, sp.Basic) and not isinstance(flag, sp.logic.boolalg.BooleanAtom):
                return sp.Piecewise((0, flag), (1, True))
            return 0 if bool(flag) else 1
        return flag

    def choice(self, flag: Value) -> Choice:
        """The :class:`Choice` view of an encoded action (bool or index, any backend)."""
        if self.n_actions == 2:
            return Choice({self.actions[0]: flag, self.actions[1]: logical_not(flag)}, self.name)
        return Choice({a: equal(flag, k) for k, a in enumerate(self.actions)}, self.name)

    def index(self, action: str) -> int:
        try:
            return self.actions.index(action)
        except ValueError:
            raise ModelError(
                unknown(f"action of player '{self.name}'", action, self.actions)
            ) from None


@dataclass(frozen=True)
class Mechanism:
    """A state update: ``writes <- fn(p, s, a)``, reading the state before its block."""

    writes: str
    fn: Callable[[Namespace, Namespace, Namespace], Value]
    text: str = ""


@dataclass(frozen=True)
class Profile:
    """A named strategy profile of a many-round model: ``decide(p, s)`` returns each
    player's encoded action (per member for a population) in the state ``s`` before a
    round. A punishment is written into ``decide`` through the state it reads (a profile
    that pays "unless someone defaulted" reads the state variable that records it)."""

    name: str
    meaning: str
    decide: Callable[[Namespace, Namespace], tuple[Value, ...]]


NativePolicy = Callable[[Namespace, Namespace, Callable[[int], Value]], tuple[Value, ...]]
"""A model's own behaviour: ``(p, s, draw) -> one encoded action per player``; ``draw(k)``
is the k-th uniform random number of this run and timestep."""


@dataclass(frozen=True, eq=False)
class Model(ParameterSet):
    """A differential game between players and populations, written once.

    Parameters
    ----------
    name : str
        The name used on the command line (``rosca-v2``).
    title, summary : str
        A heading and a paragraph for reports and ``rosca models``.
    parameters : tuple of Parameter
    state : tuple of StateVariable
    players : tuple of Player
        At least two single players, or one population (of at least two members); the
        first player is the "row" player of a two-player game.
    blocks : tuple of tuples of Mechanism
        Partial state update blocks; each block reads the state before it.
    stage_steps : int
        How many steps the theory holds an action profile before it reads the rewards
        and costs of a one-shot game (1 unless the mechanisms pass an action on with a lag).
    key_parameters : tuple of str
        Parameters whose thresholds ``rosca solve`` reports.
    regime_axes : tuple of two str
        The default axes of the regime map.
    volumes : tuple of two str, optional
        The state variables holding the cheat volume and the total volume.
    native_policies : mapping of name to NativePolicy
        The model's own behaviours (the seed's coin flip, the demo's ROI rule).
    default_policy : str
    default_steps : int or callable
        The simulation length ``rosca simulate`` uses when ``--steps`` is not given (a
        function of ``p`` for a many-round model: its horizon).
    options : tuple of Option
        Non-numeric settings the functions read from ``p`` (an order of receipt, a mode).
    rounds : callable, optional
        ``p -> number of rounds``: the model is played for many rounds and the theory
        derives the conditions of its ``profiles`` by one-shot deviation.
    discount : callable, optional
        ``p -> per-round discount factor`` (a number, or per member for a population).
    profiles : tuple of Profile
        Named strategy profiles of a many-round model.
    round_label : callable, optional
        ``(p, t) -> text`` naming round ``t`` (1-based), e.g. ``cycle 2, round 3``.
    period : callable, optional
        ``p -> rounds per cycle`` when the model repeats in cycles (what a deviation
        forfeits in later cycles is then reported apart).
    learns : callable, optional
        ``(p, s) -> per player (per member) bool``: where an adaptive agent's decision is
        learned; elsewhere it plays the model's first profile (a circle's members learn
        whether to keep paying after their turn; before it they pay).
    situations : callable, optional
        ``(p, s) -> per player (per member) int in [0, n_situations)``: what an agent can
        tell apart about its own position (due or not, before or after its turn); learners
        keep their values per round and situation.
    ledger : callable, optional
        ``(p, s) -> (paid in, paid out, held)`` after a step: the model's money, which the
        simulation checks is conserved (everything paid in is paid out or held).
    missed : str, optional
        In a many-round model, the per-member state variable that flags a member's
        deviation from the profile in a round (the circle's ``Missed``): the simulation
        measures contagion and learned defaults with it.
    outcomes : callable, optional
        ``(p, recorded arrays) -> dict``: the model's own summaries of a simulation.
    extras : callable, optional
        ``(model, values) -> dict``: model-specific summaries the design output adds,
        computed with the model's own functions.
    check : callable, optional
        ``values -> None``: cross-field checks of a point (a list option's length against
        a member count), raising :class:`theory.errors.ParameterError`.
    random_path : callable, optional
        ``p -> reason or None``: why, with these options, the path of play depends on a
        lottery (the one-shot-deviation derivation needs a deterministic path).
    source : str
        Where the model comes from (the literature it follows).
    """

    name: str
    title: str
    summary: str
    parameters: tuple[Parameter, ...]
    state: tuple[StateVariable, ...]
    players: tuple[Player, ...]
    blocks: tuple[tuple[Mechanism, ...], ...]
    stage_steps: int = 1
    key_parameters: tuple[str, ...] = ()
    regime_axes: tuple[str, str] | None = None
    volumes: tuple[str, str] | None = None
    native_policies: Mapping[str, NativePolicy] = field(default_factory=dict)
    default_policy: str = "fictitious-play"
    default_steps: int | Callable[[Namespace], int] = 100
    options: tuple[Option, ...] = ()
    rounds: Callable[[Namespace], Value] | None = None
    discount: Callable[[Namespace], Value] | None = None
    profiles: tuple[Profile, ...] = ()
    round_label: Callable[[Namespace, int], str] | None = None
    period: Callable[[Namespace], int] | None = None
    extras: Callable[[Any, Mapping[str, Any]], Any] | None = None
    learns: Callable[[Namespace, Namespace], tuple[Value, ...]] | None = None
    situations: Callable[[Namespace, Namespace], tuple[Value, ...]] | None = None
    n_situations: int = 1
    ledger: Callable[[Namespace, Namespace], tuple[Value, Value, Value]] | None = None
    missed: str | None = None
    outcomes: Callable[[Namespace, Mapping[str, Any]], dict[str, Any]] | None = None
    check: Callable[[Mapping[str, Any]], None] | None = None
    random_path: Callable[[Namespace], str | None] | None = None
    source: str = ""

    def __post_init__(self) -> None:
        self.lint()

    # -- kinds --------------------------------------------------------------------------
    @property
    def populations(self) -> tuple[Player, ...]:
        return tuple(pl for pl in self.players if pl.population is not None)

    @property
    def is_population_game(self) -> bool:
        """One population of identical members (payoffs through counts)."""
        return len(self.players) == 1 and self.players[0].population is not None

    @property
    def many_rounds(self) -> bool:
        return self.rounds is not None

    @property
    def kind(self) -> str:
        """``two-player``, ``n-player``, ``population`` or ``many-round``."""
        if self.many_rounds:
            return "many-round"
        if self.is_population_game:
            return "population"
        return "two-player" if len(self.players) == 2 else "n-player"

    def profile(self, name: str) -> Profile:
        for pr in self.profiles:
            if pr.name == name:
                return pr
        raise ModelError(
            f"model {self.name}: "
            + unknown("profile", name, [pr.name for pr in self.profiles] or ["(none)"])
        )

    # -- lint ---------------------------------------------------------------------------
    def lint(self) -> None:
        """Reject inconsistent descriptions and unknown or duplicated keys; dry-run every
        function, recording what each reads.

        Raises
        ------
        ModelError
            Naming the offending key, e.g. a mechanism that writes ``'Contributer_On'``.
        """
        where_ = f"model {self.name!r}"
        keys = [v.name for v in self.state]
        if len(set(keys)) != len(keys):
            raise ModelError(f"{where_}: duplicated state variable names")
        names = [q.name for q in self.parameters]
        if len(set(names)) != len(names):
            raise ModelError(f"{where_}: duplicated parameter names")
        opt_names = [o.name for o in self.options]
        if set(opt_names) & set(names) or len(set(opt_names)) != len(opt_names):
            raise ModelError(f"{where_}: an option shares its name with a parameter or option")
        self._lint_players(where_, keys, names)
        for block in self.blocks:
            written = [m.writes for m in block]
            for w in written:
                if w not in keys:
                    raise ModelError(
                        f"{where_}: a mechanism writes " + unknown("state variable", w, keys)
                    )
            if len(set(written)) != len(written):
                raise ModelError(f"{where_}: a block writes one state variable twice")
        for k in self.key_parameters + (self.regime_axes or ()):
            if k not in names:
                raise ModelError(f"{where_}: " + unknown("parameter", k, names))
        if self.missed is not None and self.missed not in keys:
            raise ModelError(
                f"{where_}: missed names " + unknown("state variable", self.missed, keys)
            )
        for k in self.volumes or ():
            if k not in keys:
                raise ModelError(f"{where_}: volumes name " + unknown("state variable", k, keys))
        if self.profiles and not self.many_rounds:
            raise ModelError(f"{where_}: profiles need a many-round model (rounds=...)")
        if self.many_rounds and not self.profiles:
            raise ModelError(f"{where_}: a many-round model names at least one profile")
        self.reads  # noqa: B018 - the dry run raises on any unknown read

    def _lint_players(self, where_: str, keys: list[str], names: list[str]) -> None:
        pops = [pl for pl in self.players if pl.population is not None]
        if not self.players:
            raise ModelError(f"{where_}: a model needs players")
        if len(self.players) < 2 and not pops:
            raise ModelError(
                f"{where_}: one player is not a game; add a second player or make it a "
                "population of members (Player(..., population='members'))"
            )
        seen: set[str] = set()
        for pl in self.players:
            if pl.name in seen:
                raise ModelError(f"{where_}: two players are called {pl.name!r}")
            seen.add(pl.name)
            if len(pl.actions) < 2:
                raise ModelError(
                    f"{where_}: player {pl.name!r} has {len(pl.actions)} action(s); "
                    "a player needs at least two"
                )
            if len(set(pl.actions)) != len(pl.actions):
                raise ModelError(f"{where_}: player {pl.name!r} repeats an action name")
            if pl.flag not in keys:
                raise ModelError(
                    f"{where_}: player {pl.name!r} has flag "
                    + unknown("state variable", pl.flag, keys)
                )
            if pl.population is not None:
                if pl.population not in names:
                    raise ModelError(
                        f"{where_}: population {pl.name!r} counts its members with "
                        + unknown("parameter", pl.population, names)
                    )
                q = self.parameter(pl.population)
                if not q.integer or q.lower is None or Fraction(q.lower) < 2:
                    raise ModelError(
                        f"{where_}: the member count {pl.population!r} of population "
                        f"{pl.name!r} must be an integer parameter with lower bound >= 2"
                    )
        pop_names = {pl.name for pl in pops}
        for v in self.state:
            if v.per_member is not None and v.per_member not in pop_names:
                raise ModelError(
                    f"{where_}: state variable {v.name!r} is per member of "
                    + unknown("population", v.per_member, sorted(pop_names) or ["(none)"])
                )
        for pl in pops:
            flag = next(v for v in self.state if v.name == pl.flag)
            if flag.per_member != pl.name:
                raise ModelError(
                    f"{where_}: the flag {pl.flag!r} of population {pl.name!r} must be "
                    f"declared per_member={pl.name!r}"
                )

    @cached_property
    def reads(self) -> dict[str, frozenset[str]]:
        """What each function reads: ``"<state var>"`` for a mechanism writing it,
        ``"reward:<player>"``/``"cost:<player>"``, ``"profile:<name>"``. Found by a dry run
        at the defaults (members as given there), which raises on any unknown name."""
        values: dict[str, Value] = {}
        for q in self.parameters:
            v = q.default_value
            values[q.name] = int(v) if q.integer else np.float64(v)
        p = self.params(values, reads=set())
        with np.errstate(all="ignore"):
            return self._dry_run(p)

    @cached_property
    def stationary(self) -> bool:
        """Whether a profile's rewards and costs, after the stage's steps, are the same
        from every state: traced back through the blocks (:attr:`reads`), they read only
        state variables no mechanism writes, no draw and no earlier action. Then a
        learner's table of what each profile would pay is the same at every timestep.

        Examples
        --------
        >>> from theory.models import get_model
        >>> get_model("inspection").stationary, get_model("rosca-circle").stationary
        (True, False)
        """
        if self.many_rounds:
            return False
        reads = self.reads
        flags = {pl.flag for pl in self.players}
        draws = {v.name for v in self.state if v.draw}
        writes = [{m.writes for m in block} for block in self.blocks]
        written = set().union(*writes)
        need: set[str] = set()
        for pl in self.players:
            need |= reads.get(f"reward:{pl.name}", frozenset())
            need |= reads.get(f"cost:{pl.name}", frozenset())
        for _ in range(self.stage_steps):
            for b in reversed(range(len(self.blocks))):
                before: set[str] = set()
                for v in need:
                    if v in writes[b]:
                        before |= reads.get(v, frozenset())
                    elif not (b == 0 and v in flags):  # block 0 sets the flags
                        before.add(v)
                need = before
        return not (need & (written | draws | flags))

    def _dry_run(self, p: Namespace) -> dict[str, frozenset[str]]:
        state = self.initial_state(p)
        out: dict[str, set[str]] = {}
        acts = tuple(self._dry_actions(pl, p) for pl in self.players)
        for _rep in range(max(2, self.stage_steps)):
            a = self.actions_namespace(tuple(pl.encode(x) for pl, x in zip(self.players, acts)))
            new = dict(state)
            for index, block in enumerate(self.blocks):
                reads: dict[str, set[str]] = {}
                before = new
                after = dict(before)
                if index == 0:
                    for pl, x in zip(self.players, acts):
                        after[pl.flag] = pl.encode(x)
                for m in block:
                    r: set[str] = set()
                    after[m.writes] = m.fn(p, Namespace(before, "state variable", r), a)
                    reads[m.writes] = r
                new = after
                for k, r in reads.items():
                    out.setdefault(k, set()).update(r)
            state = new
            for pl in self.players:
                for what, fn in (("reward", pl.reward), ("cost", pl.cost)):
                    r = set()
                    fn(p, Namespace(state, "state variable", r))
                    out.setdefault(f"{what}:{pl.name}", set()).update(r)
            acts = tuple(np.zeros_like(x) + 1 if isinstance(x, np.ndarray) else 1 for x in acts)
        for pr in self.profiles:
            r = set()
            pr.decide(p, Namespace(state, "state variable", r))
            out[f"profile:{pr.name}"] = r
        return {k: frozenset(v) for k, v in out.items()}

    def _dry_actions(self, pl: Player, p: Namespace) -> Value:
        if pl.population is None:
            return 0
        n = int(getattr(p, pl.population))
        return np.zeros(n, dtype=np.int64)

    # -- parameters and state -----------------------------------------------------------
    @cached_property
    def symbols(self) -> dict[str, sp.Symbol]:
        """The parameters' symbols, created once with their assumptions."""
        return {q.name: q.symbol() for q in self.parameters}

    def params(
        self,
        values: Mapping[str, Value],
        numeric: bool = False,
        reads: set[str] | None = None,
    ) -> Namespace:
        """A parameter namespace from a mapping of name to value (options included; their
        defaults fill in). With ``numeric``, fractions become floats and member counts
        integers."""
        full: dict[str, Value] = self.option_defaults()
        full.update(values)
        if numeric:
            ints = {q.name for q in self.parameters if q.integer}
            for k, v in list(full.items()):
                if isinstance(v, Fraction | int | float) and not isinstance(v, bool):
                    full[k] = int(v) if k in ints else float(v)
        return Namespace(full, "parameter", reads)

    def symbolic_parameters(self) -> Namespace:
        return self.params(self.symbols)

    def initial_state(self, p: Namespace) -> dict[str, Value]:
        """The genesis state; per-member variables as arrays over the members (their
        count read from ``p``)."""
        out: dict[str, Value] = {}
        for v in self.state:
            value = v.initial_value(p)
            if v.per_member is not None and not isinstance(value, np.ndarray):
                pop = next(pl for pl in self.players if pl.name == v.per_member)
                n = int(getattr(p, pop.population))  # type: ignore[arg-type]
                value = np.full(n, value, dtype=bool if isinstance(value, bool) else float)
            out[v.name] = value
        return out

    @property
    def state_keys(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.state)

    # -- dynamics -----------------------------------------------------------------------
    def actions_namespace(self, profile: tuple[Value, ...]) -> Namespace:
        """The ``a`` namespace of an encoded action profile."""
        return Namespace(
            {pl.name: pl.choice(act) for pl, act in zip(self.players, profile)}, "player"
        )

    def step(
        self, p: Namespace, s: Mapping[str, Value], profile: tuple[Value, ...]
    ) -> dict[str, Value]:
        """One timestep: set the players' flags, then apply every block in order.

        ``profile`` holds each player's encoded action (``True`` for the first of two
        actions, an index otherwise; bools, arrays or symbols; per member for a
        population). Within a block every mechanism reads the state before the block
        (cadCAD's rule).
        """
        a = self.actions_namespace(profile)
        state = dict(s)
        for index, block in enumerate(self.blocks):
            before = Namespace(state, "state variable")
            new = dict(state)
            if index == 0:
                for pl, act in zip(self.players, profile):
                    new[pl.flag] = act
            for m in block:
                new[m.writes] = m.fn(p, before, a)
            state = new
        if not self.blocks:
            for pl, act in zip(self.players, profile):
                state[pl.flag] = act
        return state

    def rewards_costs(self, p: Namespace, s: Mapping[str, Value]) -> Iterator[tuple[Value, Value]]:
        """Each player's (reward, cost) on a state (per member for a population)."""
        ns = Namespace(s, "state variable")
        for pl in self.players:
            yield pl.reward(p, ns), pl.cost(p, ns)

    def horizon(self, p: Namespace) -> int:
        """The number of rounds of a many-round model at a numeric point."""
        if self.rounds is None:
            raise ModelError(f"model {self.name}: not a many-round model")
        return int(self.rounds(p))

    def simulation_steps(self, p: Namespace) -> int:
        """The default simulation length at a point."""
        if callable(self.default_steps):
            return int(self.default_steps(p))
        return int(self.default_steps)
