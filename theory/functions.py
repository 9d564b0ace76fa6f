"""Backend-neutral helpers for model functions: ``where``, ``maximum`` and the guarded
``Namespace`` through which model functions read parameters and state.

The same model function runs on Python floats (inside cadCAD), numpy arrays (the batched
engine) and sympy expressions (the theory); these helpers choose the operation that fits
the values they get (DESIGN.md "The one idea"). A read of an unknown name through a
``Namespace`` raises :class:`theory.errors.ModelError` naming it: the model lint's eyes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp

from theory.errors import ModelError, unknown

Value = Any
"""A float, a numpy array, or a sympy expression."""


def _is_symbolic(*xs: object) -> bool:
    return any(isinstance(x, sp.Basic) for x in xs)


def where(cond: Value, a: Value, b: Value) -> Value:
    """Return ``a`` where ``cond`` holds and ``b`` elsewhere, on any backend.

    A Python or numpy boolean selects; a numpy array maps to :func:`numpy.where`; a
    symbolic condition becomes a :class:`sympy.Piecewise`.

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
    if isinstance(cond, np.ndarray):
        return np.where(cond, a, b)
    if isinstance(cond, sp.Basic) and not isinstance(cond, sp.logic.boolalg.BooleanAtom):
        if cond.is_Number:
            return a if bool(cond) else b
        return sp.Piecewise((a, cond), (b, True))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.where(bool(cond), a, b)
    return a if bool(cond) else b


def maximum(a: Value, b: Value) -> Value:
    """Element-wise maximum on any backend.

    Examples
    --------
    >>> maximum(2, 3)
    3
    >>> maximum(np.array([1.0, 5.0]), 2.0)
    array([2., 5.])
    """
    if _is_symbolic(a, b):
        return sp.Max(a, b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.maximum(a, b)
    return max(a, b)


class Namespace:
    """Read-only attribute access to a mapping; unknown names raise :class:`ModelError`.

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

    __slots__ = ("_kind", "_values")

    def __init__(self, values: Mapping[str, Value], kind: str) -> None:
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_kind", kind)

    def __getattr__(self, name: str) -> Value:
        values = object.__getattribute__(self, "_values")
        try:
            return values[name]
        except KeyError:
            kind = object.__getattribute__(self, "_kind")
            raise ModelError(unknown(kind, name, values)) from None

    def __setattr__(self, name: str, value: object) -> None:
        raise ModelError(f"model functions must not assign {name!r}: return new values instead")

    def __reduce__(self) -> tuple[type, tuple[Mapping[str, Value], str]]:
        return (Namespace, (self._values, self._kind))
