"""``rosca models``: the models with their players, parameters, defaults, bounds and units."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("models", help="list the models with their parameters")
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


def run(args: argparse.Namespace) -> int:
    from theory.models import CIRCLES, MODELS

    circles: list[dict[str, Any]] = [
        {
            "name": m.name,
            "title": m.title,
            "summary": m.summary,
            "kind": "circle",
            "policies": list(m.policies),
            "default_policy": m.default_policy,
            "parameters": [_parameter_dict(q) for q in m.parameters],
            "options": [
                {
                    "name": o.name,
                    "default": o.default,
                    "allowed": o.allowed_text(),
                    "meaning": o.meaning,
                }
                for o in m.options
            ],
        }
        for m in CIRCLES.values()
    ]
    if args.format == "json":
        data: list[dict[str, object]] = [
            {
                "name": m.name,
                "title": m.title,
                "summary": m.summary,
                "players": [{"name": p.name, "actions": list(p.actions)} for p in m.players],
                "parameters": [_parameter_dict(q) for q in m.parameters],
                "default_policy": m.default_policy,
            }
            for m in MODELS.values()
        ]
        sys.stdout.write(json.dumps(data + circles, indent=2) + "\n")
        return 0
    for m in MODELS.values():
        print(f"{m.name}: {m.title}")
        print(f"  {m.summary}")
        print("  players: " + "; ".join(f"{p.name} ({' / '.join(p.actions)})" for p in m.players))
        print(f"  default policy: {m.default_policy}")
        w = max(len(q.name) for q in m.parameters)
        for q in m.parameters:
            print(
                f"    {q.name.ljust(w)}  default {q.default:<8} {q.bounds_text():<12} "
                f"{q.unit:<10} {q.meaning}"
            )
        print()
    for c in circles:
        print(f"{c['name']}: {c['title']}  [n-member circle: rosca design / simulate / compare]")
        print(f"  {c['summary']}")
        print(f"  policies: {', '.join(c['policies'])} (default {c['default_policy']})")
        for cq in c["parameters"]:
            print(
                f"    {cq['name']:<20} default {cq['default']:<8} {cq['bounds']:<24} "
                f"{cq['meaning']}"
            )
        for o in c["options"]:
            print(
                f"    {o['name']:<20} default {o['default'] or '-':<8} {o['allowed']:<24} "
                f"{o['meaning']}"
            )
        print()
    return 0
