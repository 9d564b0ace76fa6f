"""The report's section on the ROSCA circle: temptation and least collateral by position,
the pot's shortfall over rounds, and defaults by position against the theory.

Computed once by :func:`compute_circle`; drawn by the figure functions here (data in,
optional Axes, Axes out) and laid out as document blocks by :func:`circle_blocks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from reports.cli.design import compare_dict, design_dict
from reports.figures import PALETTE, _ax, save
from simulation.circle import CircleExperiment, run_circle
from simulation.circle_outcomes import summarise_circle
from theory.models.rosca_circle import MODEL, CircleModel


@dataclass(frozen=True)
class CircleData:
    design: dict[str, Any]
    v1: dict[str, Any]
    roi: dict[str, Any]
    comparison: dict[str, Any]
    v1_check: dict[str, Any]
    values: dict[str, Fraction]
    options: dict[str, Any]


def compute_circle(
    values: dict[str, Fraction] | None = None,
    options: dict[str, Any] | None = None,
    runs: int = 500,
    seed: int = 0,
    model: CircleModel = MODEL,
) -> CircleData:
    vals = values or model.defaults()
    opts = options or {}
    v1 = CircleExperiment(model, vals, opts, "v1", runs, seed)
    roi = CircleExperiment(model, vals, opts, "roi", min(runs, 50), seed)
    return CircleData(
        design_dict(vals),
        summarise_circle(run_circle(v1)),
        summarise_circle(run_circle(roi)),
        compare_dict(roi),
        compare_dict(v1),
        dict(vals),
        dict(roi.options),
    )


def collateral_data(d: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(d["positions"])


def plot_collateral(d: dict[str, Any], held: float | None = None, ax: Axes | None = None) -> Axes:
    """Temptation and least collateral by position, and the least uniform collateral."""
    ax = _ax(ax, (6.4, 3.6))
    t = collateral_data(d)
    x = t["position"].to_numpy()
    ax.bar(x - 0.2, t["temptation"], width=0.4, color=PALETTE[0], label="temptation T_k")
    ax.bar(
        x + 0.2, t["required_collateral"], width=0.4, color=PALETTE[1], label="least collateral K_k"
    )
    ax.axhline(
        d["least_uniform_collateral"],
        color="black",
        linestyle="--",
        linewidth=1,
        label="least uniform collateral",
    )
    if held is not None:
        ax.axhline(held, color=PALETTE[3], linewidth=1.5, label="collateral held now")
    ax.set_xticks(x)
    ax.set_xlabel("position in the order of receipt")
    ax.set_ylabel("GBP")
    ax.set_title("The enforcement problem: who is tempted, and what deters")
    ax.legend(fontsize=8)
    return ax


def shortfall_data(s: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "round": np.arange(1, len(s["shortfall_by_round"]) + 1),
            "shortfall": s["shortfall_by_round"],
        }
    )


def plot_shortfall(s: dict[str, Any], expected: float, ax: Axes | None = None) -> Axes:
    """Mean shortfall of the pot per round (version-1 members) against the closed form."""
    ax = _ax(ax, (6.4, 3.2))
    t = shortfall_data(s)
    ax.plot(t["round"], t["shortfall"], marker="o", color=PALETTE[0], label="simulated mean")
    ax.axhline(expected, color="black", linestyle="--", linewidth=1, label="n c p (theory)")
    ax.set_xlabel("round")
    ax.set_ylabel("shortfall (GBP)")
    ax.set_ylim(bottom=0)
    ax.set_title("Pot shortfall over rounds (version 1)")
    ax.legend(fontsize=8)
    return ax


def defaults_data(c: dict[str, Any]) -> pd.DataFrame:
    sim = c["simulated"]["defaults_by_position"]
    return pd.DataFrame(
        {
            "position": np.arange(1, len(sim) + 1),
            "simulated": sim,
            "predicted": c["predicted"]["defaults_by_position"],
        }
    )


def plot_defaults(c: dict[str, Any], ax: Axes | None = None) -> Axes:
    """Share of runs in which each position defaults (ROI members) against the theory."""
    ax = _ax(ax, (6.4, 3.2))
    t = defaults_data(c)
    ax.bar(t["position"], t["simulated"], color=PALETTE[2], alpha=0.8, label="simulated")
    ax.scatter(
        t["position"], t["predicted"], marker="D", color="black", zorder=3, label="theory: tempted"
    )
    ax.set_xticks(t["position"])
    ax.set_ylim(-0.05, 1.1)
    ax.set_xlabel("position")
    ax.set_ylabel("share of runs defaulting")
    ax.set_title("Defaults by position: ROI members against the theory")
    ax.legend(fontsize=8)
    return ax


def render_circle(data: CircleData, folder: Path) -> list[str]:
    """Write the circle's figures and the data behind them; return the file names."""
    files = []
    mode = data.options.get("collateral_mode", "uniform")
    held = float(data.values["collateral"]) if mode == "uniform" else None
    for name, ax, table in (
        ("circle_collateral", plot_collateral(data.design, held), collateral_data(data.design)),
        (
            "circle_shortfall",
            plot_shortfall(
                data.v1,
                float(
                    data.values["members"]
                    * data.values["contribution"]
                    * data.values["default_probability"]
                ),
            ),
            shortfall_data(data.v1),
        ),
        ("circle_defaults", plot_defaults(data.comparison), defaults_data(data.comparison)),
    ):
        files += save(ax, folder, name)
        table.to_csv(folder / f"{name}.csv", index=False)
        files.append(f"{name}.csv")
    return files


def circle_blocks(data: CircleData) -> list[Any]:
    from reports.document import Block

    d = data.design
    v = d["parameters"]
    fails = d["exclusion_alone_fails_at"]
    rows = [
        [
            e["position"],
            f"{e['temptation']:.2f}",
            f"{e['future_value']:.2f}",
            f"{e['required_collateral']:.2f}",
        ]
        for e in d["positions"]
    ]
    return [
        Block("heading", "The ROSCA circle"),
        Block(
            "para",
            f"{int(v['members'])} members pay {v['contribution']:g} a round; the member "
            f"at position k receives the pot in round k. Defaulting right after "
            f"receiving saves the remaining payments, the temptation T_k; it binds at "
            f"position {d['binding_position']} and vanishes for the last. Collateral, "
            f"sanction ({v['sanction']:g}) and the value of later cycles must cover it "
            f"(discount {v['discount']:g}, {int(v['cycles'])} cycle(s)).",
        ),
        Block(
            "table", (["position", "temptation", "value of later cycles", "least collateral"], rows)
        ),
        Block(
            "bullets",
            [
                f"Least uniform collateral: {d['least_uniform_collateral']:.2f} (the binding "
                f"position's); the position-dependent schedule above asks for "
                f"{sum(e['required_collateral'] for e in d['positions']):.2f} in all.",
                "Exclusion from later cycles alone deters every position."
                if not fails
                else f"Exclusion from later cycles alone fails at positions "
                f"{', '.join(map(str, fails))}: an outside sanction or collateral is needed.",
                f"Version 1 (each member misses with probability {v['default_probability']:g}): "
                f"a full pot with probability {d['v1']['full_pot_probability']:.4f}; "
                f"{data.v1_check['verdict']}.",
                f"ROI members at the current collateral: {data.comparison['verdict']}; contagion "
                f"(a default followed by more) in {data.roi['contagion_rate']:.0%} of runs with a "
                f"default.",
            ],
        ),
        Block("figure", ("circle_collateral", "Temptation and least collateral by position.")),
        Block(
            "figure",
            ("circle_shortfall", "Mean pot shortfall per round, version-1 members, against n c p."),
        ),
        Block(
            "figure",
            (
                "circle_defaults",
                "Share of runs in which each position defaults, "
                "against the positions the theory says are "
                "tempted.",
            ),
        ),
    ]
