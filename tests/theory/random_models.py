"""Random two-player models written through the public model API, with an exact oracle.

A random model has three or four parameters (positive, non-negative, of either sign, or a
share in [0, 1]) and, for each player, a reward for each of the four action profiles and a
cost of acting. Each is a small expression tree of one of the kinds users write: linear,
bilinear, quadratic, with a division (``r - k/b``), a ``where`` on the parameters, or a
``maximum`` (``maximum(c, 1)``). The tree becomes an ordinary model function through
:func:`theory.model.where` and :func:`theory.model.maximum`, so the same model runs on
sympy symbols (the theory) and on :class:`fractions.Fraction` values: :func:`payoffs_at`
steps the model's own mechanisms on fractions, which gives the stage game at a point
exactly and without sympy, an oracle independent of the symbolic derivation.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from theory.model import Mechanism, Model, Parameter, Player, StateVariable, maximum, where

# ---------------------------------------------------------------------------------------
# Expression trees
# ---------------------------------------------------------------------------------------

Node = tuple[Any, ...]
"""``("num", Fraction)``, ``("par", name)``, ``("+"|"-"|"*"|"/", left, right)``,
``("max", left, right)`` or ``("where", left, op, right, then, else)``."""

_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def evaluate(node: Node | Callable[[Any], Any], p: Any) -> Any:
    """The value of a tree (or of a function ``p -> value``) with the parameters read
    from ``p``, on any backend."""
    if callable(node):
        return node(p)
    head = node[0]
    if head == "num":
        return node[1]
    if head == "par":
        return getattr(p, node[1])
    if head in _BINARY:
        return _BINARY[head](evaluate(node[1], p), evaluate(node[2], p))
    if head == "max":
        return maximum(evaluate(node[1], p), evaluate(node[2], p))
    if head == "where":
        cond = _COMPARE[node[2]](evaluate(node[1], p), evaluate(node[3], p))
        return where(cond, evaluate(node[4], p), evaluate(node[5], p))
    raise ValueError(f"unknown node {head!r}")


def text(node: Node) -> str:
    """The tree as model code would read, e.g. ``(r - (k / b))``."""
    if callable(node):
        return getattr(node, "__name__", "a function")
    head = node[0]
    if head == "num":
        return str(node[1])
    if head == "par":
        return f"p.{node[1]}"
    if head in _BINARY:
        return f"({text(node[1])} {head} {text(node[2])})"
    if head == "max":
        return f"maximum({text(node[1])}, {text(node[2])})"
    return f"where({text(node[1])} {node[2]} {text(node[3])}, {text(node[4])}, {text(node[5])})"


def denominators(node: Node) -> list[Node]:
    """Every divisor in a tree (each must be nonzero at a point)."""
    if callable(node):
        return []
    if node[0] == "/":
        return [node[2], *denominators(node[1]), *denominators(node[2])]
    return [d for child in node[1:] if isinstance(child, tuple) for d in denominators(child)]


# ---------------------------------------------------------------------------------------
# Random models
# ---------------------------------------------------------------------------------------

NAMES = ("a", "b", "c", "k", "r")
BOUNDS = {  # lower, upper, lower_open
    "positive": ("0", None, True),
    "nonnegative": ("0", None, False),
    "real": (None, None, False),
    "share": ("0", "1", False),
}
CONSTANTS = tuple(Fraction(v) for v in ("-2", "-1", "-1/2", "1/2", "1", "2", "3"))
VALUES = tuple(Fraction(v) for v in ("-2", "-1", "-1/2", "0", "1/4", "1/2", "1", "2", "3"))
KINDS = ("linear", "bilinear", "quadratic", "division", "where", "maximum")


@dataclass(frozen=True)
class RandomModel:
    """A random model and the trees it was written from (``payoff[k][i][j]`` is player
    ``k``'s reward at row action ``i`` and column action ``j``; ``cost[k]`` its cost of
    acting)."""

    model: Model
    reward: tuple[tuple[tuple[Node, Node], tuple[Node, Node]], ...]
    cost: tuple[Node, Node]

    def trees(self) -> list[Node]:
        return [t for k in range(2) for row in self.reward[k] for t in row] + list(self.cost)

    def describe(self) -> str:
        """The model's functions as text, for a failure message."""
        q = ", ".join(f"{x.name} {x.bounds_text()}" for x in self.model.parameters)
        rows = [
            f"{pl.name} reward at ({i}, {j}): {text(self.reward[k][i][j])}"
            for k, pl in enumerate(self.model.players)
            for i in range(2)
            for j in range(2)
        ]
        costs = [
            f"{pl.name} cost of acting: {text(self.cost[k])}"
            for k, pl in enumerate(self.model.players)
        ]
        return "\n".join([f"parameters: {q}", *rows, *costs])


@st.composite
def _linear(draw: st.DrawFn, names: tuple[str, ...]) -> Node:
    node: Node = (
        "*",
        ("num", draw(st.sampled_from(CONSTANTS))),
        ("par", draw(st.sampled_from(names))),
    )
    if draw(st.booleans()):
        node = ("+", node, ("num", draw(st.sampled_from(CONSTANTS))))
    return node


@st.composite
def entries(draw: st.DrawFn, names: tuple[str, ...]) -> Node:
    """One payoff entry of a random kind."""
    kind = draw(st.sampled_from(KINDS))
    par = st.sampled_from(names).map(lambda n: ("par", n))
    num = st.sampled_from(CONSTANTS).map(lambda v: ("num", v))
    if kind == "linear":
        return draw(_linear(names))
    if kind == "bilinear":
        return ("-", ("*", draw(par), draw(par)), draw(_linear(names)))
    if kind == "quadratic":  # a*a - c, or (a - x)*(a - y) + ...
        x = draw(par)
        if draw(st.booleans()):
            return ("-", ("*", x, x), draw(par))
        return ("+", ("*", ("-", x, draw(num)), ("-", x, draw(num))), draw(num))
    if kind == "division":  # r - k/b
        return ("-", draw(par), ("/", draw(st.one_of(par, num)), draw(par)))
    if kind == "where":
        op = draw(st.sampled_from(sorted(_COMPARE)))
        return (
            "where",
            draw(par),
            op,
            draw(st.one_of(par, num)),
            draw(_linear(names)),
            draw(_linear(names)),
        )
    return ("-", draw(_linear(names)), ("max", draw(par), draw(st.one_of(par, num))))


def _selector(trees: tuple[tuple[Node, Node], tuple[Node, Node]], row: str, col: str) -> Callable:
    def fn(p: Any, s: Any, a: Any) -> Any:
        r, c = getattr(a, row), getattr(a, col)
        return where(
            r,
            where(c, evaluate(trees[0][0], p), evaluate(trees[0][1], p)),
            where(c, evaluate(trees[1][0], p), evaluate(trees[1][1], p)),
        )

    return fn


def _cost(tree: Node, me: str) -> Callable:
    return lambda p, s, a: where(getattr(a, me), evaluate(tree, p), 0)


def make_model(
    parameters: tuple[Parameter, ...],
    reward: tuple[tuple[tuple[Node, Node], tuple[Node, Node]], ...],
    cost: tuple[Node, Node],
) -> RandomModel:
    """A two-player model (``row``: up/down, ``col``: left/right) whose rewards are the
    trees ``reward[k][i][j]`` and whose cost of acting is ``cost[k]``."""
    names = tuple(q.name for q in parameters)
    players = ("row", "col")
    model = Model(
        name="random",
        title="A random two-player model",
        summary="Generated by tests/theory/random_models.py.",
        parameters=parameters,
        state=(
            StateVariable("Row_On", False, "the row player acts", "bool"),
            StateVariable("Col_On", False, "the column player acts", "bool"),
            StateVariable("Row_Reward", 0, "row player's reward", "value"),
            StateVariable("Col_Reward", 0, "column player's reward", "value"),
            StateVariable("Row_Cost", 0, "row player's cost", "value"),
            StateVariable("Col_Cost", 0, "column player's cost", "value"),
        ),
        players=(
            Player(
                "row", ("up", "down"), "Row_On", lambda p, s: s.Row_Reward, lambda p, s: s.Row_Cost
            ),
            Player(
                "col",
                ("left", "right"),
                "Col_On",
                lambda p, s: s.Col_Reward,
                lambda p, s: s.Col_Cost,
            ),
        ),
        blocks=(
            (
                Mechanism("Row_Reward", _selector(reward[0], *players)),
                Mechanism("Col_Reward", _selector(reward[1], *players)),
                Mechanism("Row_Cost", _cost(cost[0], "row")),
                Mechanism("Col_Cost", _cost(cost[1], "col")),
            ),
        ),
        key_parameters=names,
        regime_axes=(names[0], names[1]) if len(names) > 1 else None,
    )
    return RandomModel(model, reward, cost)


def parameter(name: str, bounds: str, default: str = "1") -> Parameter:
    """A parameter with bounds ``positive``, ``nonnegative``, ``real`` or ``share``."""
    lower, upper, lower_open = BOUNDS[bounds]
    return Parameter(
        name, default, f"parameter {name}", lower=lower, upper=upper, lower_open=lower_open
    )


@st.composite
def random_models(draw: st.DrawFn) -> RandomModel:
    """A random two-player model built with :class:`theory.model.Model`."""
    names = tuple(draw(st.sampled_from([NAMES[:3], NAMES[:4], NAMES])))
    parameters = []
    for n in names:
        kind = draw(st.sampled_from(sorted(BOUNDS)))
        q = parameter(n, kind)
        default = draw(st.sampled_from([v for v in VALUES if q.admits(v)]))
        parameters.append(parameter(n, kind, str(default)))
    reward = tuple(
        tuple(tuple(draw(entries(names)) for _ in range(2)) for _ in range(2)) for _ in range(2)
    )
    cost = tuple(draw(entries(names)) for _ in range(2))
    return make_model(tuple(parameters), reward, cost)  # type: ignore[arg-type]


class _Values:
    def __init__(self, values: dict[str, Fraction]) -> None:
        self.__dict__.update(values)


def exact(node: Node | Callable[[Any], Any], values: dict[str, Fraction]) -> Fraction:
    """The value of a tree on fractions with Python's own ``max`` and conditional: an
    evaluation that shares nothing with the model's backends."""
    if callable(node):
        return Fraction(node(_Values(values)))
    head = node[0]
    if head == "num":
        return Fraction(node[1])
    if head == "par":
        return values[node[1]]
    if head in _BINARY:
        return Fraction(_BINARY[head](exact(node[1], values), exact(node[2], values)))
    if head == "max":
        return max(exact(node[1], values), exact(node[2], values))
    if head == "where":
        cond = _COMPARE[node[2]](exact(node[1], values), exact(node[3], values))
        return exact(node[4], values) if cond else exact(node[5], values)
    raise ValueError(f"unknown node {head!r}")


def payoffs_at(rm: RandomModel, values: dict[str, Fraction]) -> tuple[list[list[Fraction]], ...]:
    """The stage game at a point, exactly and independently of the derivation: straight
    from the trees the model was built from (player ``k``'s reward tree at the profile,
    less its cost tree when it takes its first action), on fractions. It does not step
    the model's mechanisms, which is what :func:`theory.payoffs.stage_game` does.

    Raises ``ZeroDivisionError`` where a divisor vanishes (the payoff is undefined).
    """
    A = [
        [
            exact(rm.reward[0][i][j], values) - (exact(rm.cost[0], values) if i == 0 else 0)
            for j in range(2)
        ]
        for i in range(2)
    ]
    B = [
        [
            exact(rm.reward[1][i][j], values) - (exact(rm.cost[1], values) if j == 0 else 0)
            for j in range(2)
        ]
        for i in range(2)
    ]
    return A, B


def defined_at(rm: RandomModel, values: dict[str, Fraction]) -> bool:
    """Whether no divisor of the model vanishes at the point (where both branches of a
    ``where`` are evaluated, as on every backend)."""
    p = _Values(values)
    try:
        return all(evaluate(d, p) != 0 for t in rm.trees() for d in denominators(t))
    except ZeroDivisionError:
        return False


@st.composite
def random_points(draw: st.DrawFn, rm: RandomModel) -> dict[str, Fraction]:
    """A rational point inside every parameter's bounds where every divisor is nonzero
    (ties, and so degenerate games, are likely)."""
    divisors = {d[1] for t in rm.trees() for d in denominators(t) if d[0] == "par"}
    out = {}
    for q in rm.model.parameters:
        allowed = [v for v in VALUES if q.admits(v) and not (v == 0 and q.name in divisors)]
        out[q.name] = draw(st.sampled_from(allowed))
    return out
