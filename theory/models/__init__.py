"""The shipped models, by name: ``rosca-v2``, ``verifiers-dilemma`` and ``inspection``."""

from __future__ import annotations

from theory.errors import UnknownNameError, unknown
from theory.model import Model
from theory.models import inspection, rosca_v2, verifiers_dilemma

MODELS: dict[str, Model] = {
    m.name: m for m in (rosca_v2.MODEL, verifiers_dilemma.MODEL, inspection.MODEL)
}


def get_model(name: str) -> Model:
    """Return the shipped model called ``name``.

    Examples
    --------
    >>> get_model("inspection").players[0].actions
    ('verify', 'skip')
    """
    try:
        return MODELS[name]
    except KeyError:
        raise UnknownNameError(unknown("model", name, MODELS)) from None
