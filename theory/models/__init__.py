"""The shipped models, by name: the two-player games ``rosca-v2``, ``verifiers-dilemma`` and
``inspection``, and the n-member circle ``rosca-circle``; and the look-up that also finds
the user's models (a file, ``module:attribute``, or an installed package's entry point in
the group ``rosca.models``; see :mod:`theory.models.loading`)."""

from __future__ import annotations

from dataclasses import dataclass

from theory.errors import RoscaError
from theory.model import Model
from theory.models import (
    audit,
    inspection,
    rosca_circle,
    rosca_v2,
    verifiers_dilemma,
    volunteers,
)
from theory.models.loading import (
    ModelSource,
    entry_point_table,
    load_entry_point,
    load_model,
    source_of,
)

MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        rosca_v2.MODEL,
        verifiers_dilemma.MODEL,
        inspection.MODEL,
        audit.MODEL,
        volunteers.MODEL,
        rosca_circle.MODEL,
    )
}


def get_model(name: str) -> Model:
    """Return the model ``name``: a shipped model, an installed package's model
    (entry-point group ``rosca.models``), or one from a Python file (``./audit.py``,
    ``./games.py:audit``) or a module (``package.module:attribute``).

    Examples
    --------
    >>> get_model("inspection").players[0].actions
    ('verify', 'skip')
    >>> get_model("theory.models.inspection:MODEL") is get_model("inspection")
    True
    >>> get_model("inspektion")
    Traceback (most recent call last):
    ...
    theory.errors.UnknownNameError: unknown model 'inspektion' (did you mean 'inspection'?); ...
    """
    if name in MODELS:
        return MODELS[name]
    return load_model(name, known=list(MODELS), exclude=MODELS.values())


def model_source(model: Model) -> ModelSource:
    """Where ``model`` comes from; its ``reference`` is what :func:`get_model` takes to
    build it again in another process.

    Examples
    --------
    >>> model_source(get_model("rosca-v2"))
    ModelSource(kind='built-in', reference='rosca-v2', origin='theory.models')
    """
    for key, m in MODELS.items():
        if m is model:
            return ModelSource("built-in", key, "theory.models")
    found = source_of(model)
    if found is not None:
        return found
    return ModelSource("python", model.name, "constructed in Python")


@dataclass(frozen=True)
class ModelEntry:
    """A model that ``rosca models`` lists: its command-line name, where it comes from,
    and the model (``None`` with an ``error`` when it cannot be loaded)."""

    name: str
    source: ModelSource
    model: Model | None
    error: str | None = None


def list_models(extra: tuple[str, ...] = ()) -> list[ModelEntry]:
    """The shipped models, the installed packages' models (entry points), and
    the models ``extra`` names (files, ``module:attribute``), in that order.

    Examples
    --------
    >>> [(e.name, e.source.kind) for e in list_models()][:3]
    [('rosca-v2', 'built-in'), ('verifiers-dilemma', 'built-in'), ('inspection', 'built-in')]
    """
    out = [ModelEntry(k, model_source(m), m) for k, m in MODELS.items()]
    for key, ep in entry_point_table().items():
        where = ModelSource("entry point", key, ep.value)
        if key in MODELS:
            out.append(ModelEntry(key, where, None, "shadowed by the built-in model of that name"))
            continue
        try:
            m = load_entry_point(ep, MODELS.values())
        except RoscaError as exc:
            out.append(ModelEntry(key, where, None, str(exc)))
            continue
        out.append(ModelEntry(key, model_source(m), m))
    for spec in extra:
        m = get_model(spec)
        if not any(e.model is m for e in out):
            out.append(ModelEntry(spec, model_source(m), m))
    return out
