"""Counter-based random numbers: a pure function of (seed, run, timestep, draw).

Each uniform number is a hash of its coordinates (the SplitMix64 finaliser of Steele, Lea
and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014, applied as a
keyed counter hash, as in Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
SC 2011). No generator carries state between calls, so a run draws the same numbers
whether it is simulated alone, in a batch of thousands, in cadCAD's single-process mode or
in any worker process: cadCAD 0.5.3's multi-process mode, which hands every run the same
global random state (docs/domain.md section 5), cannot make runs share noise.
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = (np.uint64(k) for k in (30, 27, 31, 11))


def _mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def uniforms(seed: int, run: object, timestep: object, draw: object) -> np.ndarray:
    """Uniform numbers in [0, 1) for the given coordinates (broadcast against each other).

    Examples
    --------
    >>> u = uniforms(42, np.arange(3), 1, 0)
    >>> u.shape, bool(np.all((0 <= u) & (u < 1)))
    ((3,), True)
    >>> bool(uniforms(42, 1, 1, 0)[()] == u[1])
    True
    >>> bool(uniforms(43, 1, 1, 0)[()] == u[1])
    False
    """
    with np.errstate(over="ignore"):
        h = _mix(np.asarray(seed, dtype=np.uint64) + _GOLDEN)
        for k, coord in enumerate((run, timestep, draw), start=2):
            c = np.asarray(coord, dtype=np.int64).astype(np.uint64)
            h = _mix(h ^ (c + _GOLDEN * np.uint64(k)))
    return (h >> _S11).astype(np.float64) * (1.0 / 9007199254740992.0)


def uniform(seed: int, run: int, timestep: int, draw: int) -> float:
    """One uniform number, as a Python float (the cadCAD path)."""
    return float(uniforms(seed, run, timestep, draw))
