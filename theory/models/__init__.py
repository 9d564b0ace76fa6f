"""The shipped models, by name: the two-player games ``rosca-v2``, ``verifiers-dilemma`` and
``inspection``, and the n-member circle ``rosca-circle``."""

from __future__ import annotations

from theory.errors import UnknownNameError, unknown
from theory.model import Model
from theory.models import inspection, rosca_circle, rosca_v2, verifiers_dilemma
from theory.models.rosca_circle import CircleModel

MODELS: dict[str, Model] = {
    m.name: m for m in (rosca_v2.MODEL, verifiers_dilemma.MODEL, inspection.MODEL)
}
CIRCLES: dict[str, CircleModel] = {rosca_circle.MODEL.name: rosca_circle.MODEL}


def get_model(name: str) -> Model:
    """Return the shipped two-player model called ``name``.

    Examples
    --------
    >>> get_model("inspection").players[0].actions
    ('verify', 'skip')
    """
    if name in MODELS:
        return MODELS[name]
    if name in CIRCLES:
        raise UnknownNameError(
            f"model '{name}' is an n-member circle, not a two-player game; this command takes "
            f"{', '.join(MODELS)} (the circle: rosca design, simulate, compare or report)"
        )
    raise UnknownNameError(unknown("model", name, [*MODELS, *CIRCLES]))


def get_circle(name: str) -> CircleModel:
    """Return the shipped circle model called ``name``."""
    if name in CIRCLES:
        return CIRCLES[name]
    if name in MODELS:
        raise UnknownNameError(
            f"model '{name}' is a two-player game; --target no-default designs the circle: "
            f"{', '.join(CIRCLES)}"
        )
    raise UnknownNameError(unknown("model", name, [*MODELS, *CIRCLES]))
