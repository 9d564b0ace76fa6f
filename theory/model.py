"""The model description: one model, written once, evaluable on numbers, arrays and symbols.

A model is a differential game in the sense of the cadCAD specification
(Zargham, Shorish and Paruch, "From curved bonding to configuration spaces", 2019):
the players choose actions, the mechanisms move the state, ``state+ = F(state, actions)``,
and each player's reward and cost are functions of the resulting state.

Every function of a model takes a parameter namespace ``p`` (attributes, e.g. ``p.beta``),
a state namespace ``s`` (attributes named after the state variables, e.g.
``s.Cheats_Volume``) and, for mechanisms, the action profile ``a`` (attributes named
after the players, each ``True`` when the player takes its first action). The functions
use arithmetic and :func:`where` instead of ``if`` on values, so the same code runs on
floats (cadCAD), numpy arrays (the batched engine) and sympy symbols (the theory).

A mechanism list is organised in blocks, like cadCAD's partial state update blocks: all
mechanisms in one block read the state as it was before the block. The players' action
flags are written by the first block automatically.

The model lint (:meth:`Model.lint`) rejects a mechanism that writes or reads a state
variable that does not exist, naming the key: the seed notebook's ``'Contributer_On'``
is silently ignored by cadCAD 0.5.3, and is refused here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import sympy as sp

from theory.errors import ModelError, unknown
from theory.functions import Namespace, Value, maximum, where

__all__ = [
    "Mechanism",
    "Model",
    "Namespace",
    "Parameter",
    "Player",
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
        if self.lower is not None:
            lo = Fraction(self.lower)
            if lo > 0 or (lo == 0 and self.lower_open):
                assumptions["positive"] = True
            elif lo == 0:
                assumptions["nonnegative"] = True
        return sp.Symbol(self.name, **assumptions)


class ParameterSet:
    """Look-ups shared by every kind of model: a parameter by name, and the defaults."""

    parameters: tuple[Parameter, ...]

    def parameter(self, name: str) -> Parameter:
        for q in self.parameters:
            if q.name == name:
                return q
        raise ModelError(unknown("parameter", name, [q.name for q in self.parameters]))

    def defaults(self) -> dict[str, Fraction]:
        return {q.name: q.default_value for q in self.parameters}


@dataclass(frozen=True)
class StateVariable:
    """A state variable: its name, initial value (a constant or a function of ``p``),
    unit and meaning."""

    name: str
    initial: Value | Callable[[Namespace], Value]
    meaning: str
    unit: str = ""

    def initial_value(self, p: Namespace) -> Value:
        return self.initial(p) if callable(self.initial) else self.initial


@dataclass(frozen=True)
class Player:
    """A player with two actions; ``actions[0]`` is "acting" (``True`` in a profile).

    ``flag`` is the state variable that records the player's last action; ``reward`` and
    ``cost`` are functions ``(p, s) -> value`` of the state after a step.
    """

    name: str
    actions: tuple[str, str]
    flag: str
    reward: Callable[[Namespace, Namespace], Value]
    cost: Callable[[Namespace, Namespace], Value]
    reward_text: str = ""
    cost_text: str = ""


@dataclass(frozen=True)
class Mechanism:
    """A state update: ``writes <- fn(p, s, a)``, reading the state before its block."""

    writes: str
    fn: Callable[[Namespace, Namespace, Namespace], Value]
    text: str = ""


NativePolicy = Callable[[Namespace, Namespace, Callable[[int], Value]], tuple[Value, Value]]
"""A model's own behaviour: ``(p, s, draw) -> (row acts, col acts)``; ``draw(k)`` is the
k-th uniform random number of this run and timestep."""


@dataclass(frozen=True, eq=False)
class Model(ParameterSet):
    """A two-player differential game, written once.

    Parameters
    ----------
    name : str
        The name used on the command line (``rosca-v2``).
    title, summary : str
        A heading and a paragraph for reports and ``rosca models``.
    parameters : tuple of Parameter
    state : tuple of StateVariable
    players : tuple of two Player
        The row player first.
    blocks : tuple of tuples of Mechanism
        Partial state update blocks; each block reads the state before it.
    stage_steps : int
        How many steps the theory holds an action profile before it reads the rewards
        and costs (1 unless the mechanisms pass an action on with a lag).
    key_parameters : tuple of str
        Parameters whose thresholds ``rosca solve`` reports.
    regime_axes : tuple of two str
        The default axes of the regime map.
    volumes : tuple of two str, optional
        The state variables holding the cheat volume and the total volume.
    native_policies : mapping of name to NativePolicy
        The model's own behaviours (the seed's coin flip, the demo's ROI rule).
    default_policy : str
    default_steps : int
        The simulation length ``rosca simulate`` uses when ``--steps`` is not given.
    """

    name: str
    title: str
    summary: str
    parameters: tuple[Parameter, ...]
    state: tuple[StateVariable, ...]
    players: tuple[Player, Player]
    blocks: tuple[tuple[Mechanism, ...], ...]
    stage_steps: int = 1
    key_parameters: tuple[str, ...] = ()
    regime_axes: tuple[str, str] | None = None
    volumes: tuple[str, str] | None = None
    native_policies: Mapping[str, NativePolicy] = field(default_factory=dict)
    default_policy: str = "fictitious-play"
    default_steps: int = 100

    def __post_init__(self) -> None:
        self.lint()

    # -- lint ---------------------------------------------------------------------------
    def lint(self) -> None:
        """Reject unknown or duplicated keys; dry-run every function on symbols.

        Raises
        ------
        ModelError
            Naming the offending key, e.g. a mechanism that writes ``'Contributer_On'``.
        """
        keys = [v.name for v in self.state]
        if len(set(keys)) != len(keys):
            raise ModelError(f"model {self.name!r}: duplicated state variable names")
        names = [q.name for q in self.parameters]
        if len(set(names)) != len(names):
            raise ModelError(f"model {self.name!r}: duplicated parameter names")
        if len(self.players) != 2:
            raise ModelError(f"model {self.name!r}: exactly two players are supported")
        for pl in self.players:
            if pl.flag not in keys:
                raise ModelError(
                    f"model {self.name!r}: player {pl.name!r} has flag "
                    + unknown("state variable", pl.flag, keys)
                )
        for block in self.blocks:
            written = [m.writes for m in block]
            for w in written:
                if w not in keys:
                    raise ModelError(
                        f"model {self.name!r}: a mechanism writes "
                        + unknown("state variable", w, keys)
                    )
            if len(set(written)) != len(written):
                raise ModelError(f"model {self.name!r}: a block writes one state variable twice")
        for k in self.key_parameters + (self.regime_axes or ()):
            if k not in names:
                raise ModelError(f"model {self.name!r}: " + unknown("parameter", k, names))
        for k in self.volumes or ():
            if k not in keys:
                raise ModelError(
                    f"model {self.name!r}: volumes name " + unknown("state variable", k, keys)
                )
        # Dry run on symbols: any read of an unknown key or parameter raises here.
        p = self.symbolic_parameters()
        s = self.initial_state(p)
        for profile in ((True, True), (False, False)):
            s = self.step(p, s, profile)
            for pl in self.players:
                pl.reward(p, Namespace(s, "state variable"))
                pl.cost(p, Namespace(s, "state variable"))

    # -- parameters and state -----------------------------------------------------------
    @cached_property
    def symbols(self) -> dict[str, sp.Symbol]:
        """The parameters' symbols, created once with their assumptions."""
        return {q.name: q.symbol() for q in self.parameters}

    def params(self, values: Mapping[str, Value]) -> Namespace:
        """A parameter namespace from a mapping of name to value."""
        return Namespace(dict(values), "parameter")

    def symbolic_parameters(self) -> Namespace:
        return self.params(self.symbols)

    def initial_state(self, p: Namespace) -> dict[str, Value]:
        return {v.name: v.initial_value(p) for v in self.state}

    @property
    def state_keys(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.state)

    # -- dynamics -----------------------------------------------------------------------
    def step(
        self, p: Namespace, s: Mapping[str, Value], profile: tuple[Value, Value]
    ) -> dict[str, Value]:
        """One timestep: set the players' flags, then apply every block in order.

        ``profile`` holds each player's "acts" value (bools, bool arrays or symbols).
        Within a block every mechanism reads the state before the block (cadCAD's rule).
        """
        a = Namespace({pl.name: act for pl, act in zip(self.players, profile)}, "player")
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
        """Each player's (reward, cost) on a state."""
        ns = Namespace(s, "state variable")
        for pl in self.players:
            yield pl.reward(p, ns), pl.cost(p, ns)
