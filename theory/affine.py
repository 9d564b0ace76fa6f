"""Affine forms: arrays of numbers that carry their exact dependence on chosen parameters.

An :class:`Affine` holds, for every entry, the coefficients ``c_0, c_1, ..., c_P`` of
``c_0 + c_1 theta_1 + ... + c_P theta_P`` in the free parameters ``theta`` (the ones a
design question is about: a collateral, a sanction). The model's own functions run on
them unchanged (arithmetic, :func:`theory.functions.where`, ``maximum``, ``total``), so
stepping the mechanisms on affine forms is stepping them on symbols of a restricted kind:
sums and products by constants stay exact, which is what money flows are made of. This is
forward-mode differentiation (Griewank and Walther, *Evaluating Derivatives*, 2008, ch. 3)
of functions that are affine in ``theta``, carried out on numpy arrays so that thousands of
paths are stepped at once.

Two things are not affine and are refused or recorded:

* a product or quotient of two forms that both depend on ``theta`` raises
  :class:`NonAffine` naming the parameters (the caller then fixes them at their values);
* a comparison of a form that depends on ``theta`` is decided at the point and the
  inequality is recorded in the :class:`Context`'s branch log: the derived forms are exact
  in the region where every recorded branch goes the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from theory.errors import ModelError


class NonAffine(ModelError):
    """A model function is not affine in a free parameter."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        super().__init__(f"not affine in {', '.join(self.names)}")


@dataclass
class Context:
    """The free parameters, their values at the point and the branches taken."""

    names: tuple[str, ...]
    point: np.ndarray
    branches: dict[tuple[Any, ...], bool] = field(default_factory=dict)
    max_branches: int = 10_000

    def lift(self, x: Any) -> Affine:
        """A constant (number or array) as an affine form."""
        if isinstance(x, Affine):
            return x
        arr = np.asarray(x, dtype=float)
        c = np.zeros(arr.shape + (len(self.names) + 1,))
        c[..., 0] = arr
        return Affine(c, self)

    def parameter(self, name: str) -> Affine:
        c = np.zeros(len(self.names) + 1)
        c[1 + self.names.index(name)] = 1.0
        return Affine(c, self)

    def record(self, diff: Affine, op: str, outcome: np.ndarray) -> None:
        """Keep the distinct non-constant comparisons and how they went at the point."""
        g = diff.c[..., 1:].reshape(-1, len(self.names))
        c0 = diff.c[..., 0].reshape(-1)
        out = np.broadcast_to(outcome, diff.c.shape[:-1]).reshape(-1)
        live = np.any(g != 0, axis=1)
        if not live.any():
            return
        rows = np.ascontiguousarray(np.round(np.column_stack([c0[live], g[live]]), 9) + 0.0)
        outcome = out[live]
        as_bytes = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1])))
        _, idx = np.unique(as_bytes.reshape(-1), return_index=True)
        for i in idx:
            if len(self.branches) >= self.max_branches:
                return
            self.branches[(op, *rows[i].tolist())] = bool(outcome[i])


class Affine:
    """An array of affine forms in the context's free parameters.

    Examples
    --------
    >>> ctx = Context(("K",), np.array([100.0]))
    >>> K = ctx.parameter("K")
    >>> x = 2 * K + np.array([1.0, 2.0])
    >>> x.value.tolist(), x.coefficients(0)
    ([201.0, 202.0], [1.0, 2.0])
    >>> bool(((K - 50) > 0)[()])
    True
    >>> ctx.branches
    {('>', -50.0, 1.0): True}
    """

    __slots__ = ("c", "ctx")
    __array_ufunc__ = None  # numpy defers to the reflected operators below

    def __init__(self, c: np.ndarray, ctx: Context) -> None:
        self.c = c
        self.ctx = ctx

    # -- shape and values ------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.c.shape[:-1]

    @property
    def ndim(self) -> int:
        return self.c.ndim - 1

    @property
    def value(self) -> np.ndarray:
        """The value at the point."""
        return self.c[..., 0] + self.c[..., 1:] @ self.ctx.point

    @property
    def gradient(self) -> np.ndarray:
        return self.c[..., 1:]

    def is_constant(self) -> np.ndarray:
        return ~np.any(self.c[..., 1:] != 0, axis=-1)

    def coefficients(self, k: int) -> list[float]:
        """Coefficient ``k`` (0: the constant) of every entry, flattened."""
        return self.c[..., k].reshape(-1).tolist()

    def __getitem__(self, idx: Any) -> Affine:
        if not isinstance(idx, tuple):
            idx = (idx,)
        return Affine(self.c[(*idx, slice(None))], self.ctx)

    def __len__(self) -> int:
        return self.shape[0]

    def __bool__(self) -> bool:
        raise ModelError(
            "a model function used an affine value (one that depends on a free parameter) "
            "as a truth value; write where(condition, a, b) instead of if"
        )

    def __float__(self) -> float:
        raise ModelError("an affine value (depending on a free parameter) has no single float")

    def __repr__(self) -> str:
        return f"Affine(shape={self.shape}, free={self.ctx.names})"

    # -- arithmetic ------------------------------------------------------------------
    def _other(self, x: Any) -> Affine:
        return self.ctx.lift(x)

    @staticmethod
    def _pair(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        shape = np.broadcast_shapes(a.shape[:-1], b.shape[:-1])
        return (
            np.broadcast_to(a, shape + a.shape[-1:]),
            np.broadcast_to(b, shape + b.shape[-1:]),
        )

    def __add__(self, x: Any) -> Affine:
        o = self._other(x)
        a, b = self._pair(self.c, o.c)
        return Affine(a + b, self.ctx)

    __radd__ = __add__

    def __sub__(self, x: Any) -> Affine:
        o = self._other(x)
        a, b = self._pair(self.c, o.c)
        return Affine(a - b, self.ctx)

    def __rsub__(self, x: Any) -> Affine:
        return self._other(x) - self

    def __neg__(self) -> Affine:
        return Affine(-self.c, self.ctx)

    def __pos__(self) -> Affine:
        return self

    def _nonaffine(self, o: Affine) -> NonAffine:
        g = (
            np.any(self.c[..., 1:] != 0, axis=tuple(range(self.c.ndim - 1)))
            if self.ndim
            else (self.c[1:] != 0)
        )
        h = np.any(o.c[..., 1:] != 0, axis=tuple(range(o.c.ndim - 1))) if o.ndim else (o.c[1:] != 0)
        names = [n for n, u, v in zip(self.ctx.names, g, h) if u or v]
        return NonAffine(names)

    def __mul__(self, x: Any) -> Affine:
        if isinstance(x, Affine):
            a, b = self._pair(self.c, x.c)
            a_const = ~np.any(a[..., 1:] != 0, axis=-1)
            b_const = ~np.any(b[..., 1:] != 0, axis=-1)
            if not np.all(a_const | b_const):
                raise self._nonaffine(x)
            return Affine(np.where(b_const[..., None], a * b[..., :1], b * a[..., :1]), self.ctx)
        arr = np.asarray(x, dtype=float)
        return Affine(self.c * arr[..., None], self.ctx)

    __rmul__ = __mul__

    def __truediv__(self, x: Any) -> Affine:
        if isinstance(x, Affine):
            if not np.all(x.is_constant()):
                raise x._nonaffine(x)
            x = x.c[..., 0]
        arr = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return Affine(self.c / arr[..., None], self.ctx)

    def __rtruediv__(self, x: Any) -> Affine:
        if not np.all(self.is_constant()):
            raise self._nonaffine(self)
        arr = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.ctx.lift(arr / self.c[..., 0])

    def __pow__(self, x: Any) -> Affine:
        if not np.all(self.is_constant()):
            raise self._nonaffine(self)
        if isinstance(x, Affine):
            if not np.all(x.is_constant()):
                raise x._nonaffine(x)
            x = x.c[..., 0]
        return self.ctx.lift(self.c[..., 0] ** np.asarray(x, dtype=float))

    def __rpow__(self, x: Any) -> Affine:
        if not np.all(self.is_constant()):
            raise self._nonaffine(self)
        return self.ctx.lift(np.asarray(x, dtype=float) ** self.c[..., 0])

    # -- comparisons (decided at the point, recorded when they depend on theta) ------
    def _compare(self, x: Any, op: str) -> np.ndarray:
        d = self - x
        v = d.value
        scale = np.maximum(1.0, np.abs(d.c[..., 0]) + np.abs(d.c[..., 1:]).sum(axis=-1))
        tol = 1e-12 * scale
        out = {
            ">": v > tol,
            ">=": v >= -tol,
            "<": v < -tol,
            "<=": v <= tol,
            "==": np.abs(v) <= tol,
            "!=": np.abs(v) > tol,
        }[op]
        self.ctx.record(d, op, out)
        return out

    def __gt__(self, x: Any) -> np.ndarray:
        return self._compare(x, ">")

    def __ge__(self, x: Any) -> np.ndarray:
        return self._compare(x, ">=")

    def __lt__(self, x: Any) -> np.ndarray:
        return self._compare(x, "<")

    def __le__(self, x: Any) -> np.ndarray:
        return self._compare(x, "<=")

    def __eq__(self, x: Any) -> np.ndarray:  # type: ignore[override]
        return self._compare(x, "==")

    def __ne__(self, x: Any) -> np.ndarray:  # type: ignore[override]
        return self._compare(x, "!=")

    __hash__ = None  # type: ignore[assignment]

    # -- the helpers of theory.functions ----------------------------------------------
    def __rosca_where__(self, cond: Any, a: Any, b: Any) -> Affine:
        if isinstance(cond, Affine):
            raise ModelError("where(): the condition is a number, not a truth value")
        C = np.asarray(cond, dtype=bool)[..., None]
        A = a.c if isinstance(a, Affine) else self._plain_coefficients(a)
        B = b.c if isinstance(b, Affine) else self._plain_coefficients(b)
        return Affine(np.where(C, A, B), self.ctx)

    def _plain_coefficients(self, x: Any) -> np.ndarray:
        """A constant as coefficients that broadcast: the value first, zeros after."""
        arr = np.asarray(x, dtype=float)
        out = np.zeros(arr.shape + (len(self.ctx.names) + 1,))
        out[..., 0] = arr
        return out

    def __rosca_constants__(self) -> np.ndarray:
        if not np.all(self.is_constant()):
            raise ModelError(
                "an ordering or index depends on a free parameter; fix "
                f"{', '.join(self.ctx.names)} at its value"
            )
        return self.c[..., 0]

    def __rosca_total__(self) -> Affine:
        if self.ndim == 0:
            raise ModelError("total() needs a per-member value (an array over the members)")
        keep = self.ndim > 1
        return Affine(self.c.sum(axis=-2, keepdims=keep), self.ctx)


def constants(x: Any) -> np.ndarray:
    """The constant part of ``x`` (``x`` itself when it is not affine)."""
    return x.c[..., 0] if isinstance(x, Affine) else np.asarray(x)
