"""The report of a game of identical members (the volunteer's dilemma): a member's payoff
through counts, the pure and symmetric equilibria with their conditions, how the
symmetric equilibrium moves with the number of members, and learning members held against
the prediction.

Computed once (:func:`compute_population`); drawn by the figure functions here; laid out
as document blocks by :func:`population_blocks`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import sympy as sp
from matplotlib.axes import Axes

from reports.figures import PALETTE, _ax, plot_regime_map, regime_map_data
from reports.report_common import FromAnalysis, simulate_at, simulated_text
from reports.report_maps import map_caption, report_map, threshold_values
from simulation.compare import Comparison
from simulation.experiment import Experiment
from theory.population_analysis import PopulationAnalysis, analyse_population
from theory.regions import RegimeGrid
from theory.symmetric import equilibria_at

MAP_CELLS = 60
"""Cells along each axis of the regime map."""


@dataclass(frozen=True, eq=False)
class PopulationReport(FromAnalysis):
    analysis: PopulationAnalysis
    members: pd.DataFrame
    experiment: Experiment
    shares: pd.DataFrame
    comparison: Comparison
    grid: RegimeGrid | None = None
    summary: list[str] = field(default_factory=list)

    @property
    def simulated(self) -> str:
        return simulated_text(self.experiment)

    def figures(self) -> list[Any]:
        return population_figures(self)

    def blocks(self, block: Any) -> list[Any]:
        return population_blocks(self, block)

    def json(self) -> dict[str, Any]:
        return population_json(self)


def members_table(a: PopulationAnalysis, up_to: int) -> pd.DataFrame:
    """The symmetric equilibrium as the member count grows: each member's probability of
    the first action, and the chance that none takes it."""
    q = a.model.parameter(a.game.size.name)
    lo = int(Fraction(q.lower or "2"))
    rows = []
    for n in sorted({*np.unique(np.geomspace(lo, max(up_to, lo + 1), 40).astype(int)), a.members}):
        vals = dict(a.values)
        vals[a.game.size.name] = Fraction(int(n))
        e = equilibria_at(a.game, vals)
        for p in e.symmetric:
            pf = float(sp.N(p))
            rows.append({"members": int(n), "p_first": pf, "none_first": (1 - pf) ** int(n)})
    return pd.DataFrame(rows)


def compute_population(
    model: Any,
    values: dict[str, Any],
    policy: str,
    runs: int,
    steps: int | None,
    seed: int,
    policy_parameters: dict[str, Any] | None = None,
) -> PopulationReport:
    a = analyse_population(model, values)
    table = members_table(a, max(50, 2 * a.members))
    grid = report_map(model, values, MAP_CELLS, threshold_values(a.thresholds))
    exp, df, c = simulate_at(model, values, policy, runs, steps, seed, policy_parameters)
    flag = model.players[0].flag
    shares = (
        df.groupby("timestep")[flag].mean().rename("share_first").reset_index()
        if flag in df
        else pd.DataFrame()
    )
    a0 = a.game.actions[0]
    lines = [f"With these values the equilibria are: {a.regime}."]
    for cand in a.candidates:
        if cand.kind == "symmetric" and cand.conditions:
            lines.append(
                f"In the symmetric equilibrium each member takes '{a0}' with probability "
                f"{sp.sstr(cand.strategies[0][0])}, which exists iff "
                f"{' and '.join(map(sp.sstr, cand.conditions))}."
            )
    if not table.empty:
        first, last = table["none_first"].iloc[0], table["none_first"].iloc[-1]
        lines.append(
            f"The chance that no member takes '{a0}' {'grows' if last > first else 'falls'} from "
            f"{table['none_first'].iloc[0]:.3g} with {table['members'].iloc[0]} members to "
            f"{table['none_first'].iloc[-1]:.3g} with {table['members'].iloc[-1]}."
        )
    lines.append(c.text + ".")
    return PopulationReport(a, table, exp, shares, c, grid, lines)


def plot_members(r: PopulationReport, ax: Axes | None = None) -> Axes:
    ax = _ax(ax, (6.4, 3.8))
    t = r.members
    a0 = r.analysis.game.actions[0]
    ax.plot(t["members"], t["p_first"], color=PALETTE[0], marker=".", label=f"P({a0}) each")
    ax.plot(
        t["members"],
        t["none_first"],
        color=PALETTE[3],
        marker=".",
        label=f"P(no member takes {a0})",
    )
    ax.axvline(r.analysis.members, color="#777", linestyle=":", linewidth=1, label="now")
    ax.set_xscale("log")
    ax.set_ylim(0, 1)
    ax.set_xlabel("members")
    ax.set_title("The symmetric equilibrium as the group grows")
    ax.legend(fontsize=8)
    return ax


def plot_shares(r: PopulationReport, ax: Axes | None = None) -> Axes:
    ax = _ax(ax, (6.4, 3.2))
    a0 = r.analysis.game.actions[0]
    if not r.shares.empty:
        ax.plot(
            r.shares["timestep"],
            r.shares["share_first"],
            color=PALETTE[0],
            label=f"simulated share taking {a0}",
        )
    for prof in r.comparison.prediction.profiles:
        ax.axhline(prof[0][0], color="black", linestyle="--", linewidth=1)
    ax.set_xlabel("timestep")
    ax.set_ylim(0, 1)
    ax.set_title(f"Learning members ({r.experiment.policy_name}) against the prediction (dashed)")
    ax.legend(fontsize=8)
    return ax


def population_figures(
    r: PopulationReport,
) -> list[tuple[str, str, Callable[[], Axes], pd.DataFrame]]:
    maps = []
    if r.grid is not None:
        grid = r.grid
        maps.append(
            ("regime_map", map_caption(grid), lambda: plot_regime_map(grid), regime_map_data(grid))
        )
    return maps + [
        (
            "members",
            "The symmetric equilibrium and the chance that nobody acts, as the "
            "number of members grows (the bystander effect).",
            lambda: plot_members(r),
            r.members,
        ),
        (
            "shares",
            "Share of members taking the first action over time, against the prediction.",
            lambda: plot_shares(r),
            r.shares,
        ),
    ]


def population_blocks(r: PopulationReport, block: Any) -> list[Any]:
    a = r.analysis
    g = a.game
    a0, a1 = g.actions[0], g.actions[-1]
    B = [
        block("heading", "A member's payoff through counts"),
        block(
            "para",
            f"With {sp.sstr(g.others[0])} of the other {g.others_text} members taking "
            f"'{a0}', the mechanisms give a member (derived once, the member count a symbol):",
        ),
        block(
            "equation",
            (
                r"\\".join(
                    f"u_{{\\text{{{act}}}}} = {sp.latex(u)}" for act, u in zip(g.actions, g.payoff)
                ),
                "\n".join(
                    f"u[{act}] = {sp.pretty(u, use_unicode=True)}"
                    for act, u in zip(g.actions, g.payoff)
                ),
            ),
        ),
        block("heading", "Equilibria and their existence conditions"),
        block(
            "table",
            (
                ["candidate", f"P({a0})", "exists iff", "here"],
                [
                    [
                        c.label,
                        sp.sstr(c.strategies[0][0]),
                        " and ".join(map(sp.sstr, c.conditions)) or "always",
                        a.here(c),
                    ]
                    for c in a.candidates
                ],
            ),
        ),
        block(
            "para",
            f"At the point ({a.members} members) the regime is **{a.regime}**; a "
            f"member taking '{a1}' is the same as not taking '{a0}'.",
        ),
        *[block("figure", (name, caption)) for name, caption, *_ in population_figures(r)[:-1]],
        block("heading", "Theory against simulation"),
        block("figure", ("shares", population_figures(r)[-1][1])),
        block("para", r.comparison.text + "."),
    ]
    return B


def population_json(r: PopulationReport) -> dict[str, Any]:
    from reports.solve_other import to_dict

    return {
        "analysis": to_dict(r.analysis),
        "comparison": r.comparison.to_dict(),
        "members": r.members.to_dict(orient="list"),
        "summary": r.summary,
    }
