"""Intervals and verdicts of the comparisons: a 95 % t-interval of a mean across runs
(Student 1908), the Wilson score interval of a share (Wilson 1927), and the equivalence
verdict every comparison gives (agree when the difference and its interval stay inside the
tolerance, disagree when the difference less its interval exceeds it, inconclusive
otherwise; Wellek, *Testing Statistical Hypotheses of Equivalence*, 2010)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np


def t_interval(xs: np.ndarray) -> tuple[float, float]:
    """Mean and the half-width of its 95 % t-interval across runs (0 for one run or no
    spread: the run is deterministic or there is nothing to estimate the spread from).

    Examples
    --------
    >>> m, h = t_interval(np.array([1.0, 2.0, 3.0]))
    >>> m, round(h, 4)
    (2.0, 2.4841)
    """
    from scipy import stats  # here, not at import: a simulation need not pay for scipy

    m = float(xs.mean())
    if len(xs) < 2:
        return m, 0.0
    return m, float(stats.t.ppf(0.975, len(xs) - 1) * xs.std(ddof=1) / math.sqrt(len(xs)))


def wilson_half(k: int, n: int, z: float = 1.96) -> float:
    """Half-width of the Wilson score interval of a share ``k / n``.

    Examples
    --------
    >>> round(wilson_half(20, 20), 4), wilson_half(0, 0)
    (0.0806, 1.0)
    """
    if n == 0:
        return 1.0
    ph = k / n
    return z * math.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n)) / (1 + z * z / n)


def verdict(d: float, h: float, tolerance: float) -> str:
    """``agree``, ``disagree`` or ``inconclusive`` for a difference ``d`` known to within
    ``h``, at the tolerance.

    Examples
    --------
    >>> verdict(0.01, 0.02, 0.05), verdict(0.2, 0.02, 0.05), verdict(0.04, 0.02, 0.05)
    ('agree', 'disagree', 'inconclusive')
    """
    if d + h <= tolerance:
        return "agree"
    if d - h > tolerance:
        return "disagree"
    return "inconclusive"


def overall(verdicts: Iterable[str]) -> str:
    """Disagree if any part does, agree if every part does (and there is one), else
    inconclusive.

    Examples
    --------
    >>> overall(["agree", "inconclusive"]), overall(["agree", "disagree"]), overall([])
    ('inconclusive', 'disagree', 'inconclusive')
    """
    vs = list(verdicts)
    if "disagree" in vs:
        return "disagree"
    return "agree" if vs and all(v == "agree" for v in vs) else "inconclusive"
