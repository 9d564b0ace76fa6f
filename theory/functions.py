"""Backend-neutral helpers for model functions: ``where``, ``maximum``, logical helpers,
the member aggregates ``total``/``count``, the ``Choice`` view of an action, and the guarded
``Namespace`` through which model functions read parameters and state.

The same model function runs on Python floats (inside cadCAD), numpy arrays (the batched
engine), sympy expressions (the theory) and affine forms (the many-round theory, see
:mod:`theory.affine`); these helpers choose the operation that fits the values they get
(docs/design.md "The one idea"). A read of an unknown name through a ``Namespace`` raises
:class:`theory.errors.ModelError` naming it: the model lint's eyes.

Per-member values of a population player (its members' actions and per-member state) are
arrays over the last axis. :func:`total` sums them; in the theory's count representation
(:class:`Cohorts`) each entry stands for a cohort of identical members and carries its
size, so a sum over ``members = 1000`` costs no more than over three.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp

from theory.errors import ModelError, unknown

Value = Any
"""A float, a numpy array, a sympy expression or an affine form."""


def _is_symbolic(*xs: object) -> bool:
    return any(isinstance(x, sp.Basic) for x in xs)


def _dispatch(*xs: object) -> Any:
    """The first argument that knows how to compute on itself (an affine form, say)."""
    for x in xs:
        if hasattr(x, "__rosca_where__"):
            return x
    return None


def where(cond: Value, a: Value, b: Value) -> Value:
    """Return ``a`` where ``cond`` holds and ``b`` elsewhere, on any backend.

    A Python or numpy boolean selects; a numpy array maps to :func:`numpy.where`; a
    symbolic condition becomes a :class:`sympy.Piecewise`; a :class:`Choice` of a player
    with two actions stands for "took its first action".

    Examples
    --------
    >>> where(True, 1, 0)
    1
    >>> where(np.array([True, False]), 2.0, 3.0)
    array([2., 3.])
    >>> x = sp.Symbol("x", positive=True)
    >>> where(x > 1, x, 0)
    Piecewise((x, x > 1), (0, True))
    """
    if isinstance(cond, Choice):
        cond = cond.first
    target = _dispatch(cond, a, b)
    if target is not None:
        return target.__rosca_where__(cond, a, b)
    if isinstance(cond, np.ndarray):
        if cond.dtype == object:
            return _object_where(cond, a, b)
        return _keep(np.asarray(np.where(cond, a, b)), cond, a, b)
    if isinstance(cond, sp.Basic) and not isinstance(cond, sp.logic.boolalg.BooleanAtom):
        if cond.is_Number:
            return a if bool(cond) else b
        return sp.Piecewise((a, cond), (b, True))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return _keep(np.asarray(np.where(bool(cond), a, b)), cond, a, b)
    return a if bool(cond) else b


def _keep(out: np.ndarray, *inputs: object) -> np.ndarray:
    """Carry the cohort sizes of any :class:`Cohorts` input over to ``out``."""
    for x in inputs:
        if isinstance(x, Cohorts):
            return Cohorts(out, x.sizes)
    return out


def _object_where(cond: np.ndarray, a: Value, b: Value) -> np.ndarray:
    """Element-wise :func:`where` on object arrays (symbolic per-member values)."""
    C, A, B = np.broadcast_arrays(
        np.asarray(cond, dtype=object), np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    )
    out = np.empty(A.shape, dtype=object)
    for idx in np.ndindex(A.shape):
        out[idx] = where(C[idx], A[idx], B[idx])
    return _keep(out, cond, a, b)


def maximum(a: Value, b: Value) -> Value:
    """Element-wise maximum on any backend.

    Examples
    --------
    >>> maximum(2, 3)
    3
    >>> maximum(np.array([1.0, 5.0]), 2.0)
    array([2., 5.])
    """
    target = _dispatch(a, b)
    if target is not None:
        return where(a >= b, a, b)
    if (
        isinstance(a, np.ndarray)
        and a.dtype == object
        or (isinstance(b, np.ndarray) and b.dtype == object)
    ):
        return where(np.asarray(a) >= np.asarray(b), a, b)
    if _is_symbolic(a, b):
        return sp.Max(a, b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return _keep(np.maximum(a, b), a, b)
    return max(a, b)


def logical_not(x: Value) -> Value:
    """``not x`` on any backend.

    Examples
    --------
    >>> logical_not(True), logical_not(np.array([True, False])).tolist()
    (False, [False, True])
    >>> logical_not(sp.Symbol("x"))
    ~x
    """
    if isinstance(x, np.ndarray):
        if x.dtype == object:
            flipped = np.array([logical_not(v) for v in x.ravel()], dtype=object)
            return _keep(flipped.reshape(x.shape), x)
        return _keep(np.logical_not(x), x)
    if isinstance(x, sp.Basic):
        return sp.Not(x)
    return not bool(x)


def equal(x: Value, k: int) -> Value:
    """``x == k`` on any backend (a sympy equation for a symbol)."""
    if isinstance(x, np.ndarray):
        return _keep(x == k, x)
    if isinstance(x, sp.Basic) and not x.is_Number:
        return sp.Eq(x, k)
    return bool(x == k)


class Cohorts(np.ndarray):
    """Per-member values in the count representation: entry ``i`` stands for ``sizes[i]``
    identical members (the sizes may be symbols, e.g. ``k`` and ``members - 1 - k``).

    Arithmetic keeps the sizes; :func:`total` weighs each entry by its size.

    Examples
    --------
    >>> k = sp.Symbol("k", integer=True, nonnegative=True)
    >>> x = Cohorts(np.array([1, 1, 0], dtype=object), (1, k, 3))
    >>> total(x)
    k + 1
    """

    sizes: tuple[Value, ...]

    def __new__(cls, values: Any, sizes: tuple[Value, ...]) -> Cohorts:
        obj = np.asarray(values).view(cls)
        obj.sizes = tuple(sizes)
        return obj

    def __array_finalize__(self, obj: Any) -> None:
        self.sizes = getattr(obj, "sizes", ())

    def __reduce__(self) -> Any:  # pragma: no cover - not pickled in practice
        return (Cohorts, (np.asarray(self), self.sizes))


def total(x: Value) -> Value:
    """The sum of a per-member value over the members (the last axis).

    Examples
    --------
    Batched values ``(runs, members)`` keep a run axis of length one:

    >>> total(np.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [[3.0], [7.0]]
    >>> float(total(np.array([1.0, 2.0])))
    3.0
    """
    if hasattr(x, "__rosca_total__"):
        return x.__rosca_total__()
    if isinstance(x, sp.Basic):  # a member's value as a symbol: the sum, for display
        return sp.Function("total")(x)
    if isinstance(x, Cohorts):
        if x.ndim != 1:
            raise ModelError("total(): cohort values must be one-dimensional")
        out: Value = 0
        for v, n in zip(np.asarray(x).tolist(), x.sizes):
            out = out + v * n
        return sp.expand(out) if _is_symbolic(out) else out
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            raise ModelError("total() needs a per-member value (an array over the members)")
        # batched per-member arrays (runs, members) sum to (runs, 1), which still
        # broadcasts against per-member values; one run's (members,) sums to a scalar
        return x.sum(axis=-1, keepdims=True) if x.ndim > 1 else x.sum()
    raise ModelError("total() needs a per-member value (an array over the members), got a scalar")


def count(flags: Value) -> Value:
    """How many members a per-member boolean holds for (:func:`total` of its 0/1 value).

    Examples
    --------
    >>> count(np.array([True, False, True]))
    2
    """
    if isinstance(flags, np.ndarray) and flags.dtype == bool and not isinstance(flags, Cohorts):
        return flags.sum(axis=-1, keepdims=True) if flags.ndim > 1 else int(flags.sum())
    return total(where(flags, 1, 0) if not isinstance(flags, Cohorts) else _as01(flags))


def _as01(flags: Cohorts) -> Cohorts:
    vals = [where(v, 1, 0) for v in np.asarray(flags).tolist()]
    return Cohorts(np.array(vals, dtype=object), flags.sizes)


def _plain(x: Value) -> np.ndarray:
    """The numbers of a per-member value whose entries must be constants (member
    indices, ratings, lottery draws): an affine form's constant part."""
    if hasattr(x, "__rosca_constants__"):
        return x.__rosca_constants__()
    if isinstance(x, Cohorts):
        raise ModelError(
            "member_index() and rank() tell members apart: this model is not a game of "
            "identical members and is analysed with explicit members"
        )
    return np.asarray(x)


def member_index(like: Value) -> np.ndarray:
    """Each member's index ``0 .. n - 1``, shaped like a per-member value.

    Examples
    --------
    >>> member_index(np.zeros((2, 3))).tolist()
    [[0, 1, 2], [0, 1, 2]]
    """
    arr = _plain(like)
    return np.broadcast_to(np.arange(arr.shape[-1]), arr.shape)


def rank(key: Value, among: Value = True) -> np.ndarray:
    """1-based ranks of a per-member key along the members (ties by member index);
    members outside ``among`` rank after all the others.

    Examples
    --------
    >>> rank(np.array([3.0, 1.0, 2.0])).tolist()
    [3, 1, 2]
    >>> rank(np.array([3.0, 1.0, 2.0]), np.array([True, False, True])).tolist()
    [2, 3, 1]
    """
    k = np.asarray(_plain(key), dtype=float)
    inside = np.broadcast_to(np.asarray(_plain(among), dtype=bool), k.shape)
    k = np.where(inside, k, np.inf)
    order = np.argsort(k, axis=-1, kind="stable")
    out = np.empty(k.shape, dtype=np.int64)
    np.put_along_axis(out, order, np.broadcast_to(np.arange(1, k.shape[-1] + 1), k.shape), axis=-1)
    return out


class Choice:
    """A player's action as a model function sees it: ``a.cheater.large`` is true where
    the cheater took its action ``large``; ``a.verifiers.count("verify")`` counts the
    members of a population that took ``verify``.

    For a player with two actions the choice itself stands for "took the first action"
    inside :func:`where`, so ``where(a.verifier, x, y)`` reads as it always did.

    Examples
    --------
    >>> c = Choice({"small": False, "large": True, "none": False}, "cheater")
    >>> c.large, c.small
    (True, False)
    >>> where(Choice({"verify": True, "skip": False}, "verifier"), 1, 0)
    1
    """

    __slots__ = ("_indicators", "_player")

    def __init__(self, indicators: Mapping[str, Value], player: str) -> None:
        object.__setattr__(self, "_indicators", dict(indicators))
        object.__setattr__(self, "_player", player)

    def __getattr__(self, action: str) -> Value:
        indicators = object.__getattribute__(self, "_indicators")
        try:
            return indicators[action]
        except KeyError:
            player = object.__getattribute__(self, "_player")
            raise ModelError(
                unknown(f"action of player '{player}'", action, list(indicators))
            ) from None

    def __setattr__(self, name: str, value: object) -> None:
        raise ModelError(f"model functions must not assign {name!r}: return new values instead")

    @property
    def first(self) -> Value:
        """Whether the first action was taken; only meaningful for two actions."""
        indicators = object.__getattribute__(self, "_indicators")
        if len(indicators) != 2:
            player = object.__getattribute__(self, "_player")
            raise ModelError(
                f"player '{player}' has {len(indicators)} actions; write "
                f"a.{player}.<action> (one of {', '.join(indicators)}) instead of a.{player}"
            )
        return next(iter(indicators.values()))

    def count(self, action: str) -> Value:
        """How many members took ``action`` (population players)."""
        return count(getattr(self, action))

    def __bool__(self) -> bool:
        return bool(self.first)


class Namespace:
    """Read-only attribute access to a mapping; unknown names raise :class:`ModelError`.

    When ``reads`` is a set, every name read is added to it (the lint's dependency
    tracing).

    Examples
    --------
    >>> s = Namespace({"Total_Volume": 100}, kind="state variable")
    >>> s.Total_Volume
    100
    >>> s.Total_Volumes
    Traceback (most recent call last):
    ...
    theory.errors.ModelError: unknown state variable 'Total_Volumes' (did you mean 'Total_Volume'?); allowed: Total_Volume
    """

    __slots__ = ("_kind", "_reads", "_values")

    def __init__(self, values: Mapping[str, Value], kind: str, reads: set[str] | None = None):
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_reads", reads)

    def __getattr__(self, name: str) -> Value:
        values = object.__getattribute__(self, "_values")
        try:
            value = values[name]
        except KeyError:
            kind = object.__getattribute__(self, "_kind")
            raise ModelError(unknown(kind, name, values)) from None
        reads = object.__getattribute__(self, "_reads")
        if reads is not None:
            reads.add(name)
        return value

    def __setattr__(self, name: str, value: object) -> None:
        raise ModelError(f"model functions must not assign {name!r}: return new values instead")

    def __reduce__(self) -> tuple[type, tuple[Mapping[str, Value], str]]:
        return (Namespace, (self._values, self._kind))
