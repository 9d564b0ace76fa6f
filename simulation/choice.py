"""Choosing an action from values, on any leading axes: greedy with ties to the last
action, softmax (Boltzmann) with a temperature, a draw from given probabilities.

Every random choice uses one uniform number per agent (:mod:`simulation.rng` draws it),
so a choice is a pure function of (seed, run, timestep, agent).
"""

from __future__ import annotations

import numpy as np


def expand(x: object, ndim: int) -> np.ndarray:
    """A per-run value (scalar, ``(runs,)`` or ``(runs, 1)``) shaped to broadcast against
    an array of ``ndim`` dimensions whose first axis is the runs.

    Examples
    --------
    >>> expand(np.array([1.0, 2.0]), 3).shape
    (2, 1, 1)
    >>> expand(0.5, 3).shape
    ()
    """
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 0:
        return arr
    arr = arr.reshape(arr.shape[:1])
    return arr.reshape(arr.shape + (1,) * (ndim - 1))


def greedy_last(values: np.ndarray) -> np.ndarray:
    """The index of the largest value along the last axis, ties to the *last* such action
    (the seed's rule: act only when acting strictly clears the alternative).

    Examples
    --------
    >>> greedy_last(np.array([[1.0, 1.0], [2.0, 1.0]])).tolist()
    [1, 0]
    """
    m = values.shape[-1]
    return (m - 1 - np.argmax(values[..., ::-1], axis=-1)).astype(np.int64)


def from_probabilities(probs: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The action whose cumulative probability first exceeds ``u``.

    Examples
    --------
    >>> from_probabilities(np.array([[0.2, 0.8], [0.9, 0.1]]), np.array([0.5, 0.5])).tolist()
    [1, 0]
    """
    cum = np.cumsum(probs, axis=-1)
    cum[..., -1] = 1.0 + 1e-12
    return np.argmax(cum > u[..., None], axis=-1).astype(np.int64)


def softmax(values: np.ndarray, temperature: np.ndarray) -> np.ndarray:
    """Boltzmann probabilities ``exp(v / T) / sum exp(v / T)`` along the last axis.

    Examples
    --------
    >>> softmax(np.array([0.0, np.log(3.0)]), np.array(1.0)).round(3).tolist()
    [0.25, 0.75]
    """
    t = np.asarray(temperature, dtype=float)[..., None]
    z = (values - values.max(axis=-1, keepdims=True)) / t
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
