"""Errors raised at the toolkit's public boundary.

Every error names the offending field and what is allowed (DESIGN.md rule 7). They
subclass ``ValueError`` so that callers who catch the standard exception keep working;
the command line turns each into one line on standard error and exit status 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class RoscaError(ValueError):
    """Base class of the toolkit's input errors (a ``ValueError``)."""


class ModelError(RoscaError):
    """A model description is inconsistent (for example it names an unknown state key)."""


class ParameterError(RoscaError):
    """A parameter name or value is not allowed."""


class UnknownNameError(RoscaError):
    """A name (model, policy, parameter, state key) is not one of the allowed names."""


def unknown(kind: str, name: str, allowed: Iterable[str]) -> str:
    """Return the one-line message for an unknown ``name`` of some ``kind``.

    Examples
    --------
    >>> unknown("state variable", "Contributer_On", ["Contributers_On", "Cheaters_On"])
    "unknown state variable 'Contributer_On' (did you mean 'Contributers_On'?); allowed: Contributers_On, Cheaters_On"
    """
    allowed = list(allowed)
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown {kind} '{name}'{hint}; allowed: {', '.join(allowed)}"
