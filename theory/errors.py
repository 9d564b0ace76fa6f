"""Errors raised at the toolkit's public boundary, and the one way user text is shown in them.

Every error names the offending field and what is allowed (docs/design.md rule 7). They
subclass ``ValueError`` so that callers who catch the standard exception keep working;
the command line turns each into one line on standard error and exit status 2. Text that
came from the user (a name, a value, a path) is shown through :func:`printable`, so a
message stays one printable line whatever was typed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

SHOWN_CHARACTERS = 60
"""User text longer than this is shown cut, with ``...``."""

PATH_CHARACTERS = 300
"""The same for a path: it must stay recognisable."""


class RoscaError(ValueError):
    """Base class of the toolkit's input errors (a ``ValueError``)."""


class ModelError(RoscaError):
    """A model description is inconsistent (for example it names an unknown state key)."""


class ParameterError(RoscaError):
    """A parameter name or value is not allowed."""


class NumericRangeError(ParameterError):
    """Parameter values drive the model's arithmetic out of float64's range."""


class UnknownNameError(RoscaError):
    """A name (model, policy, parameter, state key) is not one of the allowed names."""


def printable(text: object, limit: int = SHOWN_CHARACTERS) -> str:
    """``text`` as one printable line: control and other non-printable characters escaped
    (as in ``repr``), cut to ``limit`` characters with ``...``.

    Examples
    --------
    >>> printable("del\\x1bta\\n")
    'del\\\\x1bta\\\\n'
    >>> printable("x" * 100, limit=8)
    'xxxxxxxx...'
    """
    s = str(text)
    if not s.isprintable():
        s = "".join(c if c.isprintable() else repr(c)[1:-1] for c in s)
    return s if len(s) <= limit else s[:limit] + "..."


def quoted(text: object, limit: int = SHOWN_CHARACTERS) -> str:
    """``printable(text)`` in single quotes, for names and values inside a message.

    Examples
    --------
    >>> quoted("rosca\\x1b-v2")
    "'rosca\\\\x1b-v2'"
    """
    return f"'{printable(text, limit)}'"


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
    return f"unknown {kind} {quoted(name)}{hint}; allowed: {', '.join(allowed)}"
