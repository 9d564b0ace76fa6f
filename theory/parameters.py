"""Parameter values from the command line and TOML files, validated against the model.

Every value is parsed as an exact decimal (``Fraction("0.25")``), so that the theory
works in rationals; a non-numeric, infinite or NaN value, an unknown name or a value
outside the parameter's bounds raises :class:`theory.errors.ParameterError` with one line
naming the parameter and what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import tomllib

from theory.errors import ParameterError, unknown
from theory.model import Parameter


def parse_value(param: Parameter, raw: object) -> Fraction:
    """Parse and check one value.

    Examples
    --------
    >>> from theory.models import get_model
    >>> parse_value(get_model("rosca-v2").parameter("delta"), "1.5")
    Fraction(3, 2)
    >>> parse_value(get_model("rosca-v2").parameter("delta"), "-1")
    Traceback (most recent call last):
    ...
    theory.errors.ParameterError: parameter 'delta' = -1 is outside its bounds [0, inf)
    """
    if isinstance(raw, bool):
        raise ParameterError(f"parameter '{param.name}' must be a number, got {raw!r}")
    text = str(raw).strip()
    try:
        as_float = float(text)
    except ValueError:
        raise ParameterError(
            f"parameter '{param.name}' must be a number, got {text!r}; "
            f"allowed: {param.bounds_text()}"
        ) from None
    if not math.isfinite(as_float):
        raise ParameterError(
            f"parameter '{param.name}' must be finite, got {text!r}; allowed: {param.bounds_text()}"
        )
    value = Fraction(text) if isinstance(raw, str) else Fraction(str(raw))
    if not param.admits(value):
        raise ParameterError(
            f"parameter '{param.name}' = {text} is outside its bounds {param.bounds_text()}"
        )
    return value


@dataclass(frozen=True)
class Option:
    """A non-numeric setting: one of ``choices``, or (``is_list``) a comma-separated list of
    non-negative numbers."""

    name: str
    default: str
    meaning: str
    choices: tuple[str, ...] = ()
    is_list: bool = False

    def allowed_text(self) -> str:
        return " | ".join(self.choices) if self.choices else "comma-separated numbers >= 0"


def parse_option(opt: Option, raw: object) -> str | tuple[Fraction, ...]:
    """Parse and check an option's value.

    Examples
    --------
    >>> parse_option(Option("order", "fixed", "", ("fixed", "random")), "random")
    'random'
    >>> parse_option(Option("k", "", "", is_list=True), "1, 2.5")
    (Fraction(1, 1), Fraction(5, 2))
    """
    if opt.is_list:
        items = raw if isinstance(raw, list) else [x for x in str(raw).split(",") if x.strip()]
        out = []
        for x in items:
            bad = f"'{opt.name}' must be {opt.allowed_text()}, got {x!r}"
            try:
                v = Fraction(str(x).strip())
            except (ValueError, ZeroDivisionError):
                raise ParameterError(bad) from None
            if v < 0:
                raise ParameterError(bad)
            out.append(v)
        return tuple(out)
    text = str(raw).strip()
    if text not in opt.choices:
        raise ParameterError(f"'{opt.name}' must be one of {opt.allowed_text()}, got {text!r}")
    return text


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """``["delta=2", "zeta=0.3"]`` to a mapping; a malformed item raises."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ParameterError(f"--set expects NAME=VALUE, got {item!r}")
        out[name.strip()] = value.strip()
    return out


def read_toml(path: str | Path, list_keys: set[str] | None = None) -> dict[str, object]:
    """Read parameter values from a TOML file: top-level ``name = value`` pairs, or a
    ``[parameters]`` table."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"parameter file {str(p)!r} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ParameterError(f"parameter file {str(p)!r} is not valid TOML: {exc}") from None
    if "parameters" in data and isinstance(data["parameters"], dict):
        rest = {k: v for k, v in data.items() if k != "parameters"}
        if rest:
            raise ParameterError(
                f"parameter file {str(p)!r}: unknown top-level key(s) {', '.join(rest)} "
                "beside [parameters]"
            )
        data = data["parameters"]
    for k, v in data.items():
        if isinstance(v, list) and k in (list_keys or set()):
            continue
        if isinstance(v, dict | list):
            raise ParameterError(f"parameter file {str(p)!r}: '{k}' must be a number")
    return dict(data)


def resolve(
    model: Any,
    assignments: Mapping[str, object] | None = None,
    toml_path: str | Path | None = None,
    extra: Iterable[Parameter] = (),
    options: Iterable[Option] = (),
) -> tuple[dict[str, Fraction], dict[str, Any]]:
    """Model parameter values (defaults, then the file, then ``--set``) and values of
    ``extra`` parameters (e.g. a policy's) and ``options``, each checked.

    Returns ``(model values, extra and option values)``.
    """
    extras = {q.name: q for q in extra}
    opts = {o.name: o for o in options}
    allowed = {q.name: q for q in model.parameters} | extras
    raw: dict[str, object] = {}
    if toml_path is not None:
        raw.update(read_toml(toml_path, list_keys=set(o.name for o in opts.values() if o.is_list)))
    raw.update(assignments or {})
    values = model.defaults()
    extra_values: dict[str, Any] = {q.name: q.default_value for q in extras.values()}
    for o in opts.values():
        extra_values[o.name] = parse_option(o, o.default) if o.default or not o.is_list else ()
    for name, v in raw.items():
        if name in opts:
            extra_values[name] = parse_option(opts[name], v)
            continue
        if name not in allowed:
            raise ParameterError(
                f"model {model.name}: " + unknown("parameter", name, [*allowed, *opts])
            )
        parsed = parse_value(allowed[name], v)
        if name in extras and name not in values:
            extra_values[name] = parsed
        else:
            values[name] = parsed
    return values, extra_values
