"""Parameter values from the command line and TOML files, validated against the model.

Every value is parsed as an exact decimal (``Fraction("0.25")``), so that the theory
works in rationals; a non-numeric, infinite or NaN value, an unknown name or a value
outside the parameter's bounds raises :class:`theory.errors.ParameterError` with one line
naming the parameter and what is allowed.
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import tomllib

from theory.errors import (
    PATH_CHARACTERS,
    NumericRangeError,
    ParameterError,
    printable,
    quoted,
    unknown,
)
from theory.model import Option, Parameter

MAX_DIGITS = 30
"""Significant digits a value may have: more than any computation here can use."""

MAX_ORDER = 300
"""A non-zero value's order of magnitude lies in ``[-MAX_ORDER, MAX_ORDER]``, so that it and
its reciprocal are normal float64 numbers (float64 reaches about 1.8e308 and 2.2e-308)."""

_DECIMAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?)(\d+))?", re.ASCII)


def parse_number(text: str, what: str) -> Fraction:
    """An exact decimal from ``text`` (``[sign] digits [. digits] [e [sign] digits]``),
    refusing more than :data:`MAX_DIGITS` significant digits and a non-zero value whose
    order of magnitude is outside ``[-MAX_ORDER, MAX_ORDER]``.

    The check is made on the text, before any arithmetic, so ``1e-99999999`` is refused
    at once instead of building a number with a hundred million digits. ``what`` names
    the value in the message.

    Examples
    --------
    >>> parse_number("2.50e-3", "x")
    Fraction(1, 400)
    >>> parse_number("1e-400", "parameter 'zeta'")
    Traceback (most recent call last):
    ...
    theory.errors.ParameterError: parameter 'zeta' = 1e-400 is out of the numeric range: ...
    between 10^-300 and 10^300, got 10^-400
    """
    s = text.strip()
    shown = printable(s)
    m = _DECIMAL.fullmatch(s)
    if m is None or not (m.group(2) or m.group(3)):
        low = s.lower().lstrip("+-")
        if low in ("inf", "infinity", "nan"):
            raise ParameterError(f"{what} must be finite, got {quoted(s)}")
        raise ParameterError(
            f"{what} must be a number (a decimal such as 0.25, 3 or 1e-3), got {quoted(s)}"
        )
    sign, whole, frac, exp_sign, exp_digits = m.groups()
    frac = frac or ""
    digits = (whole + frac).lstrip("0")
    significant = digits.rstrip("0")
    if not significant:
        return Fraction(0)
    if len(significant) > MAX_DIGITS:
        raise ParameterError(
            f"{what} = {shown} has {len(significant)} significant digits; at most "
            f"{MAX_DIGITS} are meaningful"
        )
    exp_digits = (exp_digits or "0").lstrip("0") or "0"
    if len(exp_digits) > 6:  # |exponent| of a million or more: no mantissa brings it back
        order = None
    else:
        exponent = int(exp_digits) * (-1 if exp_sign == "-" else 1)
        shift = exponent - len(frac) + (len(digits) - len(significant))
        order = shift + len(significant) - 1
    if order is None or not -MAX_ORDER <= order <= MAX_ORDER:
        got = "" if order is None else f", got 10^{order}"
        raise ParameterError(
            f"{what} = {shown} is out of the numeric range: a non-zero value's order of "
            f"magnitude must lie between 10^-{MAX_ORDER} and 10^{MAX_ORDER}{got}"
        )
    value = Fraction(int(significant)) * Fraction(10) ** shift
    return -value if sign == "-" else value


def _number_text(raw: object) -> str:
    """The decimal text of a value from the command line or a TOML file."""
    if isinstance(raw, float):
        return repr(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        # str() of a huge int is refused by Python itself (4300 digits); its size is known
        if abs(raw).bit_length() > 4 * MAX_ORDER:
            return f"{'-' if raw < 0 else ''}1e{MAX_ORDER * 2}"
        return str(raw)
    if isinstance(raw, Fraction):
        return str(float(raw))  # only used to show it
    return str(raw)


def parse_value(param: Parameter, raw: object) -> Fraction:
    """Parse and check one value (:func:`parse_number`'s rules, then the bounds).

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
    what = f"parameter {quoted(param.name)}"
    if isinstance(raw, bool):
        raise ParameterError(f"{what} must be a number, got {raw!r}")
    if isinstance(raw, Fraction):
        value = raw
    else:
        try:
            value = parse_number(_number_text(raw), what)
        except ParameterError as exc:
            raise ParameterError(f"{exc}; allowed: {param.bounds_text()}") from None
    if not param.admits(value):
        raise ParameterError(
            f"{what} = {printable(_number_text(raw).strip())} is outside its bounds "
            f"{param.bounds_text()}"
        )
    return value


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
            bad = f"{quoted(opt.name)} must be {opt.allowed_text()}, got {quoted(x)}"
            if isinstance(x, bool):
                raise ParameterError(bad)
            try:
                v = parse_number(_number_text(x), quoted(opt.name))
            except ParameterError as exc:
                raise ParameterError(f"{exc}; allowed: {opt.allowed_text()}") from None
            if v < 0:
                raise ParameterError(bad)
            out.append(v)
        return tuple(out)
    text = str(raw).strip()
    if text not in opt.choices:
        raise ParameterError(
            f"{quoted(opt.name)} must be one of {opt.allowed_text()}, got {quoted(text)}"
        )
    return text


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """``["delta=2", "zeta=0.3"]`` to a mapping; a malformed or repeated item raises.

    Examples
    --------
    >>> parse_assignments(["delta=2", " zeta = 0.3"])
    {'delta': '2', 'zeta': '0.3'}
    >>> parse_assignments(["delta=2", "delta=3"])
    Traceback (most recent call last):
    ...
    theory.errors.ParameterError: --set delta is given twice ('2' and '3'); give each parameter once
    """
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise ParameterError(f"--set expects NAME=VALUE, got {quoted(item)}")
        if name in out:
            raise ParameterError(
                f"--set {printable(name)} is given twice ({quoted(out[name])} and "
                f"{quoted(value)}); give each parameter once"
            )
        out[name] = value
    return out


MAX_FILE_BYTES = 1 << 20
"""A parameter file is a few lines; anything larger than 1 MiB is refused unread."""

_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str | None:
    for test, kind in _FILE_KINDS:
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"


def read_text_file(path: str | Path, what: str = "parameter file") -> str:
    """The UTF-8 text of a regular file of at most :data:`MAX_FILE_BYTES`.

    A folder, named pipe, device or socket is refused from its ``stat``, before it is
    opened (opening a pipe would wait for a writer, reading a device may never end); the
    file is then opened without blocking and checked again. A missing, unreadable, too
    large, binary (a NUL byte) or non-UTF-8 file raises :class:`ParameterError`.

    Examples
    --------
    >>> read_text_file("/")
    Traceback (most recent call last):
    ...
    theory.errors.ParameterError: parameter file '/' is a folder; give a TOML text file
    """
    p = Path(path)
    name = f"{what} {quoted(p, PATH_CHARACTERS)}"
    try:
        st = os.stat(p)
        kind = _not_regular(st.st_mode)
        if kind is None and st.st_size <= MAX_FILE_BYTES:
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
            fd = os.open(p, flags)
            with os.fdopen(fd, "rb") as f:
                st = os.fstat(f.fileno())
                kind = _not_regular(st.st_mode)
                data = f.read(MAX_FILE_BYTES + 1) if kind is None else b""
    except (FileNotFoundError, NotADirectoryError):
        raise ParameterError(f"{name} does not exist") from None
    except PermissionError:
        raise ParameterError(f"{name} cannot be read: permission denied") from None
    except OSError as exc:
        raise ParameterError(f"{name} cannot be read: {exc.strerror or exc}") from None
    if kind is not None:
        raise ParameterError(f"{name} is {kind}; give a TOML text file")
    if st.st_size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        raise ParameterError(
            f"{name} is larger than {MAX_FILE_BYTES // 1024} KiB; a parameter file is a few lines"
        )
    if b"\0" in data:
        raise ParameterError(f"{name} is binary (it contains NUL bytes), not a TOML text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError(
            f"{name} is not UTF-8 text (byte {exc.start} cannot be decoded)"
        ) from None


def read_toml(path: str | Path, list_keys: set[str] | None = None) -> dict[str, object]:
    """Read parameter values from a TOML file: top-level ``name = value`` pairs, or a
    ``[parameters]`` table. The file must pass :func:`read_text_file`."""
    p = Path(path)
    name = f"parameter file {quoted(p, PATH_CHARACTERS)}"
    text = read_text_file(p)
    try:
        data = tomllib.loads(text)
    except ValueError as exc:  # TOMLDecodeError, or an integer too long to convert
        raise ParameterError(f"{name} is not valid TOML: {printable(exc, 200)}") from None
    except RecursionError:
        raise ParameterError(f"{name} is not valid TOML: nested too deeply") from None
    if "parameters" in data and isinstance(data["parameters"], dict):
        rest = {k: v for k, v in data.items() if k != "parameters"}
        if rest:
            raise ParameterError(
                f"{name}: unknown top-level key(s) {printable(', '.join(rest))} beside [parameters]"
            )
        data = data["parameters"]
    for k, v in data.items():
        if isinstance(v, list) and k in (list_keys or set()):
            continue
        if isinstance(v, dict | list):
            raise ParameterError(f"{name}: {quoted(k)} must be a number")
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


PAYOFF_CEILING = 1e150
"""The largest payoff, reward or cost (in absolute value) a point may give: the numeric
solvers square payoffs (row norms in nashpy's vertex enumeration), and float64 squares
overflow above about 1.3e154."""


def _largest_payoff(game: Any, values: Mapping[str, object]) -> float:
    """The largest absolute payoff, reward or cost at ``values`` in float64 (inf when one is
    not finite)."""
    import numpy as np

    try:
        with np.errstate(all="ignore"):
            arrays = [*game.numeric(values)]
            rewards, costs = game.reward_cost_numeric(values)
            arrays += [*rewards, *costs]
            biggest = 0.0
            for a in arrays:
                a = np.abs(np.asarray(a, dtype=float))
                if not np.all(np.isfinite(a)):
                    return math.inf
                biggest = max(biggest, float(a.max(initial=0.0)))
    except (OverflowError, ZeroDivisionError):
        return math.inf
    return biggest


def _distance_from_default(q: Parameter, value: Fraction) -> float:
    """How many orders of magnitude ``value`` lies from the parameter's default."""

    def order(x: Fraction) -> float:
        return math.log10(max(abs(float(x)), 1e-300))

    return abs(order(value) - order(q.default_value))


def drivers(
    model: Any, values: Mapping[str, Fraction], ok: Callable[[dict[str, Fraction]], bool]
) -> list[Parameter]:
    """The parameters that drive a point out of range: those the point changes, put back
    to their defaults farthest (in orders of magnitude) first, until ``ok`` holds.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("inspection")
    >>> far = m.defaults() | {"G": Fraction(10) ** 300, "P": Fraction(5)}
    >>> [q.name for q in drivers(m, far, lambda pt: pt["G"] < 10**9)]
    ['G']
    """
    point = dict(values)
    changed = sorted(
        (q for q in model.parameters if q.name in point and point[q.name] != q.default_value),
        key=lambda q: -_distance_from_default(q, point[q.name]),
    )
    out: list[Parameter] = []
    for q in changed:
        point[q.name] = q.default_value
        out.append(q)
        if ok(point):
            break
    return out


def check_payoff_range(model: Any, values: Mapping[str, Fraction]) -> None:
    """Refuse a point whose payoffs, rewards or costs are not finite in float64 or exceed
    :data:`PAYOFF_CEILING`, naming the parameters that drive them there.

    Those are found by putting the parameters the point changes back to their defaults,
    farthest (in orders of magnitude) first, until the payoffs are in range.

    Examples
    --------
    >>> from theory.models import get_model
    >>> m = get_model("inspection")
    >>> check_payoff_range(m, m.defaults() | {"G": Fraction(10) ** 300})
    Traceback (most recent call last):
    ...
    theory.errors.NumericRangeError: model inspection: payoffs reach 1e+300 at this point, ...
    the values that drive them there: G = 1e+300
    """
    from theory.payoffs import stage_game

    if getattr(model, "kind", "two-player") not in ("two-player", "n-player"):
        return  # population and many-round payoffs are checked where they are built
    game = stage_game(model)
    biggest = _largest_payoff(game, values)
    if biggest <= PAYOFF_CEILING:
        return
    found = drivers(model, values, lambda pt: _largest_payoff(game, pt) <= PAYOFF_CEILING)
    named = ", ".join(f"{q.name} = {float(values[q.name]):.6g}" for q in found) or "none"
    raise NumericRangeError(
        f"model {model.name}: payoffs reach {biggest:.3g} at this point, beyond the "
        f"{PAYOFF_CEILING:.0e} the equilibrium solvers can square; the values that drive "
        f"them there: {named}"
    )
