"""Models from the user's own files, importable modules and installed packages.

Wherever a command takes MODEL it takes, besides a shipped model's name:

* a path to a Python file that defines a model, ``./audit.py``; a file that defines several
  names one, ``./games.py:audit`` (a module-level variable, or a model's ``name``);
* an importable module and attribute, ``mypackage.games:audit`` (the current folder is
  searched first, as ``python -m`` does);
* the name of a model that an installed package declares in the entry-point group
  ``rosca.models`` (the Python Packaging User Guide's *Entry points specification*, read
  through :mod:`importlib.metadata`), e.g. in the package's ``pyproject.toml``::

      [project.entry-points."rosca.models"]
      audit = "mypackage.games:audit"

A model found any of these ways is an ordinary :class:`theory.model.Model`: its lint ran
when it was constructed, and its parameters are checked like a built-in model's. An error
raised while the user's file runs (a syntax error, an exception, a lint failure) becomes one
:class:`theory.errors.ModelError` line naming the user's file and line, the innermost frame
of the traceback inside the user's code. What the file prints while it loads goes to
standard error, so that a command's output stays clean.

Every model that is loaded remembers where it came from (:func:`source_of`): a
:class:`ModelSource` whose ``reference`` loads it again in any process (a worker of a
sweep rebuilds its model from it).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import os
import sys
import traceback
import types
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from theory.errors import ModelError, UnknownNameError, unknown
from theory.model import Model

ENTRY_POINT_GROUP = "rosca.models"
"""The entry-point group through which installed packages add models."""

_TOOLKIT = tuple(
    str(Path(__file__).resolve().parents[2] / pkg) + os.sep
    for pkg in ("theory", "simulation", "reports")
)


@dataclass(frozen=True)
class ModelSource:
    """Where a model comes from.

    Attributes
    ----------
    kind : str
        ``built-in``, ``entry point``, ``file`` or ``module``.
    reference : str
        What :func:`theory.models.get_model` takes to load the model again, in any process
        (an absolute path for a file).
    origin : str
        Where, in words: the file, the module and attribute, or the distribution that
        declares the entry point.
    """

    kind: str
    reference: str
    origin: str


_SOURCES: weakref.WeakKeyDictionary[Model, ModelSource] = weakref.WeakKeyDictionary()
_FILES: dict[tuple[str, str | None, int, int], Model] = {}


def source_of(model: Model) -> ModelSource | None:
    """Where a model loaded by this module came from (``None`` for any other model)."""
    return _SOURCES.get(model)


def _remember(model: Model, source: ModelSource) -> Model:
    _SOURCES.setdefault(model, source)
    return model


# ---------------------------------------------------------------------------------------
# Telling the forms apart
# ---------------------------------------------------------------------------------------


def split_file_spec(spec: str) -> tuple[str, str | None] | None:
    """``(path, name)`` when ``spec`` names a Python file, else ``None``.

    Examples
    --------
    >>> split_file_spec("./games.py:audit")
    ('./games.py', 'audit')
    >>> split_file_spec("models/audit.py")
    ('models/audit.py', None)
    >>> split_file_spec("mypackage.games:audit") is None, split_file_spec("inspection") is None
    (True, True)
    """
    head, sep, tail = spec.rpartition(":")
    if sep and head and (head.endswith(".py") or Path(head).is_file()):
        return head, tail or None
    if spec.endswith(".py") or "/" in spec or os.sep in spec or spec.startswith((".", "~")):
        return spec, None
    return None


def split_module_spec(spec: str) -> tuple[str, str] | None:
    """``(module, attribute)`` for ``package.module:attribute``, else ``None``.

    Examples
    --------
    >>> split_module_spec("mypackage.games:audit")
    ('mypackage.games', 'audit')
    >>> split_module_spec("rosca-v2") is None
    True
    """
    module, sep, attribute = spec.partition(":")
    dotted = all(part.isidentifier() for part in module.split("."))
    if sep and dotted and attribute and all(p.isidentifier() for p in attribute.split(".")):
        return module, attribute
    return None


# ---------------------------------------------------------------------------------------
# Errors located in the user's code
# ---------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, ValueError):
        return False


def _user_line(exc: BaseException, files: Iterable[str]) -> tuple[str, int] | None:
    """The innermost traceback frame in one of ``files``; failing that, the innermost frame
    outside the toolkit and Python's import machinery."""
    files = [f for f in files if f]
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        return exc.filename, exc.lineno
    preferred = fallback = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        name = frame.f_code.co_filename
        if any(_same_file(name, f) for f in files):
            preferred = (name, lineno)
        elif not name.startswith("<") and not os.path.realpath(name).startswith(_TOOLKIT):
            if "importlib" not in Path(name).parts:
                fallback = (name, lineno)
    return preferred or fallback


def _located(
    what: str, exc: BaseException, files: Iterable[str], named: bool = False
) -> ModelError:
    """One line: ``what``, the user's file (unless ``what`` ``named`` it) and line, the
    exception."""
    where = _user_line(exc, files)
    detail = exc.msg if isinstance(exc, SyntaxError) else str(exc)
    kind = type(exc).__name__
    place = ""
    if where and named and any(_same_file(where[0], f) for f in files):
        place = f", line {where[1]}"
    elif where:
        place = f" ({where[0]}, line {where[1]})"
    return ModelError(_one_line(f"{what}{place}: {kind}: {detail}"))


# ---------------------------------------------------------------------------------------
# Picking the model out of a namespace
# ---------------------------------------------------------------------------------------


def _models_in(namespace: dict[str, object], exclude: Iterable[Model]) -> dict[str, Model]:
    """The module-level variables holding a model, one name per model object."""
    skip = {id(m) for m in exclude}
    found: dict[str, Model] = {}
    for key, value in namespace.items():
        if isinstance(value, Model) and not key.startswith("_") and id(value) not in skip:
            if all(value is not m for m in found.values()):
                found[key] = value
    return found


def _pick(found: dict[str, Model], name: str | None, what: str, spec_hint: str) -> Model:
    if name is not None:
        if name in found:
            return found[name]
        by_model_name = [m for m in found.values() if m.name == name]
        if len(by_model_name) == 1:
            return by_model_name[0]
        if not found:
            raise ModelError(f"{what} defines no model (a theory.model.Model at module level)")
        raise UnknownNameError(f"{what}: " + unknown("model", name, found))
    if not found:
        raise ModelError(f"{what} defines no model: expected a theory.model.Model at module level")
    if len(found) > 1:
        names = ", ".join(found)
        first = next(iter(found))
        raise ModelError(
            f"{what} defines {len(found)} models ({names}); name one, e.g. {spec_hint}:{first}"
        )
    return next(iter(found.values()))


# ---------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_and_beside(folder: str | None) -> Iterator[None]:
    """Send the user's prints to standard error; let the file import its neighbours."""
    added = folder is not None and folder not in sys.path
    if added:
        sys.path.insert(0, str(folder))
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        if added:
            with contextlib.suppress(ValueError):
                sys.path.remove(str(folder))


def load_file(
    path: str | os.PathLike[str], name: str | None = None, exclude: Iterable[Model] = ()
) -> Model:
    """Run the Python file ``path`` and return the model it defines (or the one ``name``d).

    ``exclude`` are models a file may import without defining them (the shipped ones).

    Examples
    --------
    >>> import tempfile, textwrap
    >>> folder = tempfile.mkdtemp()
    >>> path = Path(folder) / "mine.py"
    >>> _ = path.write_text(textwrap.dedent('''
    ...     from dataclasses import replace
    ...     from theory.models import inspection
    ...     strict = replace(inspection.MODEL, name="strict-inspection")
    ... '''))
    >>> load_file(path).name
    'strict-inspection'
    >>> load_file(Path(folder) / "missing.py")
    Traceback (most recent call last):
    ...
    theory.errors.ModelError: model file '.../missing.py' does not exist
    """
    text = str(path)
    p = Path(path).expanduser()
    what = f"model file {text!r}"
    if not p.exists():
        raise ModelError(f"{what} does not exist")
    if not p.is_file():
        raise ModelError(f"{what} is not a file (a Python file that defines a model)")
    resolved = p.resolve()
    stat = resolved.stat()
    key = (str(resolved), name, stat.st_mtime_ns, stat.st_size)
    if key in _FILES:
        return _FILES[key]
    digest = hashlib.sha1(str(resolved).encode()).hexdigest()[:12]
    module_name = f"rosca_user_model_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, resolved)
    if spec is None or spec.loader is None:
        raise ModelError(f"{what} cannot be loaded as Python source")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        with _quiet_and_beside(str(resolved.parent)):
            spec.loader.exec_module(module)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # the user's code: any error, even SystemExit
        sys.modules.pop(module_name, None)
        raise _located(what, exc, [str(resolved)], named=True) from None
    found = _models_in(vars(module), exclude)
    model = _pick(found, name, what, text)
    attr = next(k for k, v in found.items() if v is model)
    _FILES[key] = model
    return _remember(model, ModelSource("file", f"{resolved}:{attr}", str(resolved)))


# ---------------------------------------------------------------------------------------
# Modules and entry points
# ---------------------------------------------------------------------------------------


def _origin(module: str) -> str | None:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None else None


def _import(module: str, what: str) -> types.ModuleType:
    """Import ``module`` (the current folder searched first); errors located in it."""
    cwd = os.getcwd()
    with _quiet_and_beside(cwd):
        origin = _origin(module)
        if origin is None:
            raise UnknownNameError(f"{what}: no module named {module!r} can be imported")
        try:
            return importlib.import_module(module)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            raise _located(what, exc, [origin]) from None


def _attribute(obj: object, dotted: str, what: str) -> object:
    for part in dotted.split("."):
        if not hasattr(obj, part):
            raise UnknownNameError(f"{what}: {type(obj).__name__} has no attribute {part!r}")
        obj = getattr(obj, part)
    return obj


def _as_model(obj: object, what: str, exclude: Iterable[Model]) -> tuple[Model, str | None]:
    """A model, or the one model a module defines; with its attribute name."""
    if isinstance(obj, Model):
        return obj, None
    if isinstance(obj, types.ModuleType):
        found = _models_in(vars(obj), exclude)
        model = _pick(found, None, what, obj.__name__)
        return model, next(k for k, v in found.items() if v is model)
    raise ModelError(f"{what} is a {type(obj).__name__}, not a model")


def load_module(module: str, attribute: str) -> Model:
    """Import ``module`` and return its model ``attribute``.

    Examples
    --------
    >>> load_module("theory.models.inspection", "MODEL").name
    'inspection'
    >>> load_module("theory.models.inspection", "where")
    Traceback (most recent call last):
    ...
    theory.errors.ModelError: 'theory.models.inspection:where' is a function, not a model
    """
    spec = f"{module}:{attribute}"
    what = repr(spec)
    mod = _import(module, f"module {module!r}")
    model, _ = _as_model(_attribute(mod, attribute, what), what, ())
    return _remember(model, ModelSource("module", spec, spec))


def entry_point_table() -> dict[str, EntryPoint]:
    """The installed packages' models by name (group ``rosca.models``); the first
    distribution on the path wins a name declared twice."""
    table: dict[str, EntryPoint] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        table.setdefault(ep.name, ep)
    return table


def _distribution(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "an installed package"
    return f"{dist.metadata['Name']} {dist.version}"


def load_entry_point(ep: EntryPoint, exclude: Iterable[Model] = ()) -> Model:
    """Load the model an entry point of ``rosca.models`` names (an object, or a module that
    defines exactly one model)."""
    what = f"entry point {ep.name!r} ({ep.value}, from {_distribution(ep)})"
    mod = _import(ep.module, what)
    obj = _attribute(mod, ep.attr, what) if ep.attr else mod
    model, _ = _as_model(obj, what, exclude)
    return _remember(
        model, ModelSource("entry point", ep.name, f"{ep.value} (package {_distribution(ep)})")
    )


def load_model(spec: str, known: Iterable[str] = (), exclude: Iterable[Model] = ()) -> Model:
    """A model from a file, a ``module:attribute`` or an entry point (not a built-in name).

    ``known`` are the built-in names, for the message when ``spec`` is none of these.
    """
    file = split_file_spec(spec)
    if file is not None:
        return load_file(file[0], file[1], exclude)
    module = split_module_spec(spec)
    if module is not None:
        return load_module(*module)
    table = entry_point_table()
    if spec in table:
        return load_entry_point(table[spec], exclude)
    raise UnknownNameError(
        unknown("model", spec, [*known, *table])
        + "; or a Python file that defines a model (./model.py, ./models.py:name), "
        "or module:attribute"
    )
