"""Exact sums of float64 numbers, the same whatever their order or grouping.

A superaccumulator (Neal, "Fast exact summation using small and large superaccumulators",
arXiv:1505.05571, 2015): every double is an integer times a power of two, ``x = q
2^(e - 1075)`` with ``|q| < 2^53`` and ``e`` its biased exponent (IEEE 754 binary64), so
a sum of doubles is an integer multiple of ``2^-1126`` that a Python integer holds
exactly. Numbers are bucketed by exponent and the integer parts of each bucket are summed
in float64 in halves of 26 bits, which is exact for up to ``2^26`` numbers per pass; the
buckets are then added as integers. The result is rounded once, at the end, so a sum
over a million runs combined from chunks of any size is the same double as the sum taken
at once.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

_SCALE = 1126  # 2^-1126 divides every double: the least, 2^-1074, is 2^52 x 2^-1126
_HALF = 26
_FRACTION = (1 << 52) - 1
_PASS = 1 << 26  # numbers per bincount pass: 2^26 x 2^27 = 2^53 stays exact in float64


class ExactSum:
    """An exact running sum of float64 numbers (non-finite numbers propagate as in float
    arithmetic).

    Examples
    --------
    >>> a = ExactSum()
    >>> a.add(np.array([1e16, 1.0, -1e16]))
    >>> a.value, sum([1e16, 1.0, -1e16])
    (1.0, 0.0)
    >>> b = ExactSum()
    >>> b.add(np.full(10, 0.1))
    >>> b.value, b.mean(10)
    (1.0, 0.1)
    """

    __slots__ = ("_scaled", "_special")

    def __init__(self) -> None:
        self._scaled = 0  # the sum of the finite numbers times 2^1126
        self._special = 0.0  # the sum of the non-finite numbers (inf, -inf, nan)

    def add(self, values: np.ndarray | float) -> None:
        """Add every number of ``values``."""
        x = np.asarray(values, dtype=np.float64).ravel()
        finite = np.isfinite(x)
        if not finite.all():
            self._special += float(np.sum(x[~finite]))
            x = x[finite]
        bits = x.view(np.uint64)
        biased = ((bits >> np.uint64(52)) & np.uint64(0x7FF)).astype(np.int64)
        q = (bits & np.uint64(_FRACTION)).astype(np.int64)
        q |= (biased > 0).astype(np.int64) << 52  # the implicit bit of normal numbers
        q = np.where(bits >> np.uint64(63) == 1, -q, q)
        exponent = np.maximum(biased, 1)  # x = q 2^(exponent - 1075), |q| < 2^53
        for start in range(0, x.size, _PASS):
            e = exponent[start : start + _PASS]
            part = q[start : start + _PASS]
            hi = np.bincount(e, weights=(part >> _HALF).astype(np.float64))
            lo = np.bincount(e, weights=(part & ((1 << _HALF) - 1)).astype(np.float64))
            for k in np.flatnonzero((hi != 0) | (lo != 0)):
                whole = (int(hi[k]) << _HALF) + int(lo[k])
                self._scaled += whole << (int(k) - 1075 + _SCALE)

    def merge(self, other: ExactSum) -> None:
        """Add another accumulator's numbers."""
        self._scaled += other._scaled
        self._special += other._special

    def _rounded(self, divisor: int) -> float:
        try:
            return float(Fraction(self._scaled, divisor << _SCALE))
        except OverflowError:  # beyond the largest double: infinity, as float arithmetic
            return np.inf if self._scaled > 0 else -np.inf

    @property
    def value(self) -> float:
        """The sum, rounded once to the nearest double (infinite beyond float64's range)."""
        if self._special != 0.0 or np.isnan(self._special):
            return self._special
        return self._rounded(1)

    def mean(self, count: int) -> float:
        """The sum divided by ``count``, rounded once to the nearest double."""
        if self._special != 0.0 or np.isnan(self._special):
            return self._special
        return self._rounded(count)
