"""Hypothesis strategies: parameter points of the shipped models, degenerate ones included."""

from fractions import Fraction

from hypothesis import strategies as st

from theory.model import Model

# Small rationals make ties (degenerate points) likely: beta = volume * zeta, delta = gamma...
CANDIDATES = [Fraction(v) for v in ("0", "0.2", "0.25", "0.5", "1", "2", "3", "5")]


def points(model: Model) -> st.SearchStrategy[dict[str, Fraction]]:
    """Parameter points within every parameter's bounds."""
    per = {}
    for q in model.parameters:
        allowed = [v for v in CANDIDATES if q.admits(v)] or [q.default_value]
        if q.admits(q.default_value) and q.default_value not in allowed:
            allowed.append(q.default_value)
        per[q.name] = st.sampled_from(allowed)
    return st.fixed_dictionaries(per)
