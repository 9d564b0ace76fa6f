"""``rosca models``: the models with their players, parameters, defaults, bounds and units,
and where each comes from (built in, an installed package's entry point, a file or a
module; see :mod:`theory.models.loading`)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("models", help="list the models with their parameters and sources")
    p.add_argument(
        "models",
        metavar="MODEL",
        nargs="*",
        help="also describe these (a file ./model.py[:name] or module:attribute)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")


def _parameter_dict(q: Any) -> dict[str, str]:
    return {
        "name": q.name,
        "default": q.default,
        "bounds": q.bounds_text(),
        "unit": q.unit,
        "meaning": q.meaning,
        "role": q.role,
    }


def _source(src: Any) -> dict[str, str]:
    return {"kind": src.kind, "origin": src.origin, "reference": src.reference}


def _describe(name: str, m: Any, src: Any) -> dict[str, Any]:
    from simulation.policies import default_policy, policy_names

    out: dict[str, Any] = {
        "name": name,
        "title": m.title,
        "summary": m.summary,
        "kind": getattr(m, "kind", "two-player"),
        "source": _source(src),
        "parameters": [_parameter_dict(q) for q in m.parameters],
        "default_policy": default_policy(m),
        "policies": list(policy_names(m)),
    }
    if getattr(m, "players", None):
        out["players"] = [{"name": p.name, "actions": list(p.actions)} for p in m.players]
    options = getattr(m, "options", ())
    if options:
        out["options"] = [
            {
                "name": o.name,
                "default": o.default,
                "allowed": o.allowed_text(),
                "meaning": o.meaning,
            }
            for o in options
        ]
    return out


def _entries(extra: tuple[str, ...]) -> list[dict[str, Any]]:
    from theory.models import list_models

    out = []
    for e in list_models(extra):
        if e.model is None:
            out.append({"name": e.name, "source": _source(e.source), "error": e.error})
        else:
            out.append(_describe(e.name, e.model, e.source))
    return out


def _text(d: dict[str, Any]) -> list[str]:
    if "error" in d:
        where = _source_text_dict(d["source"])
        return [f"{d['name']}: could not be loaded ({where})", f"  {d['error']}"]
    lines = [f"{d['name']}: {d['title']}", f"  {d['summary']}"]
    lines.append(f"  kind: {d['kind']}; source: {_source_text_dict(d['source'])}")
    if "players" in d:
        lines.append(
            "  players: "
            + "; ".join(f"{p['name']} ({' / '.join(p['actions'])})" for p in d["players"])
        )
    if "policies" in d:
        lines.append(f"  policies: {', '.join(d['policies'])} (default {d['default_policy']})")
    else:
        lines.append(f"  default policy: {d['default_policy']}")
    names = [q["name"] for q in d["parameters"]] + [o["name"] for o in d.get("options", [])]
    w = max(len(n) for n in names)
    for q in d["parameters"]:
        lines.append(
            f"    {q['name'].ljust(w)}  default {q['default']:<8} {q['bounds']:<12} "
            f"{q['unit']:<10} {q['meaning']}"
        )
    for o in d.get("options", []):
        lines.append(
            f"    {o['name'].ljust(w)}  default {o['default'] or '-':<8} {o['allowed']:<12} "
            f"{'':<10} {o['meaning']}"
        )
    return lines


def _source_text_dict(src: dict[str, str]) -> str:
    return "built-in" if src["kind"] == "built-in" else f"{src['kind']} {src['origin']}"


def run(args: argparse.Namespace) -> int:
    entries = _entries(tuple(args.models))
    if args.format == "json":
        sys.stdout.write(json.dumps(entries, indent=2) + "\n")
        return 0
    for d in entries:
        sys.stdout.write("\n".join(_text(d)) + "\n\n")
    return 0
