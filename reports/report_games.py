"""The report of a one-shot game of three or more single players: the payoffs by profile,
every pure profile's equilibrium conditions, the regime map over two parameters, and
learning players held against the prediction.

Computed once (:func:`compute_games`); drawn by the figure functions here; laid out as
document blocks by :func:`games_blocks`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
from simulation.runner import actions_of
from theory.nplayer import NPlayerAnalysis
from theory.pure import profile_label
from theory.regions import RegimeGrid

MAP_CELLS = 80
"""Cells along each axis of the regime map."""


@dataclass(frozen=True, eq=False)
class GamesReport(FromAnalysis):
    analysis: NPlayerAnalysis
    experiment: Experiment
    shares: pd.DataFrame
    comparison: Comparison
    grid: RegimeGrid
    summary: list[str] = field(default_factory=list)

    @property
    def simulated(self) -> str:
        return simulated_text(self.experiment)

    def figures(self) -> list[tuple[str, str, Callable[[], Axes], pd.DataFrame]]:
        return games_figures(self)

    def blocks(self, block: Any) -> list[Any]:
        return games_blocks(self, block)

    def json(self) -> dict[str, Any]:
        from reports.solve_other import to_dict

        return {
            "analysis": to_dict(self.analysis),
            "comparison": self.comparison.to_dict(),
            "summary": self.summary,
        }


def payoff_table(a: NPlayerAnalysis) -> pd.DataFrame:
    """Every pure profile with each player's exact payoff at the point."""
    g = a.game
    arrays = g.at(a.values)
    rows = []
    for prof in g.profiles():
        row: dict[str, Any] = {"profile": profile_label(g, prof)}
        for k, pl in enumerate(g.players):
            row[pl.name] = sp.sstr(arrays[k][prof])
        rows.append(row)
    return pd.DataFrame(rows)


def compute_games(
    model: Any,
    values: dict[str, Any],
    policy: str,
    runs: int,
    steps: int | None,
    seed: int,
    policy_parameters: dict[str, Any] | None = None,
) -> GamesReport:
    from theory.analysis import analyse

    a = analyse(model, values)
    assert isinstance(a, NPlayerAnalysis)
    grid = report_map(model, values, MAP_CELLS, threshold_values(a.thresholds))
    exp, df, c = simulate_at(model, values, policy, runs, steps, seed, policy_parameters)
    acts = actions_of(exp, df, 0)
    shares = pd.DataFrame(
        {"timestep": np.arange(acts[0].shape[0])}
        | {
            f"{pl.name}:{pl.actions[0]}": (np.asarray(x) == 0).mean(axis=1)
            for pl, x in zip(model.players, acts)
        }
    )
    lines = [f"With these values the pure equilibria are: {a.regime}."]
    lines += list(a.dominant)
    lines.append(c.text + ".")
    return GamesReport(a, exp, shares, c, grid, lines)


def plot_shares(r: GamesReport, ax: Axes | None = None) -> Axes:
    ax = _ax(ax, (6.4, 3.6))
    for k, col in enumerate(c for c in r.shares if c != "timestep"):
        ax.plot(r.shares["timestep"], r.shares[col], color=PALETTE[k % len(PALETTE)], label=col)
    ax.set_xlabel("timestep")
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("share of runs")
    ax.set_title(f"Learning players ({r.experiment.policy_name}): each one's first action")
    ax.legend(fontsize=8)
    return ax


def games_figures(r: GamesReport) -> list[tuple[str, str, Callable[[], Axes], pd.DataFrame]]:
    grid = r.grid
    return [
        ("regime_map", map_caption(grid), lambda: plot_regime_map(grid), regime_map_data(grid)),
        (
            "shares",
            "Share of runs in which each player takes its first action, over time.",
            lambda: plot_shares(r),
            r.shares,
        ),
    ]


def games_blocks(r: GamesReport, block: Any) -> list[Any]:
    a = r.analysis
    g = a.game
    table = payoff_table(a)
    figs = games_figures(r)
    return [
        block("heading", "Payoffs by profile"),
        block(
            "para",
            f"Derived by stepping the mechanisms {a.model.stage_steps} time(s) per profile of "
            f"the {g.n_players} players and reading reward minus cost, at the point:",
        ),
        block("table", (list(table.columns), table.values.tolist())),
        block("heading", "Pure equilibria and their existence conditions"),
        block(
            "table",
            (
                ["profile", "exists iff", "here"],
                [
                    [
                        c.label,
                        " and ".join(map(sp.sstr, c.conditions)) or "always",
                        "yes" if c.exists_at(a.point) else "no",
                    ]
                    for c in a.candidates
                ],
            ),
        ),
        block(
            "para",
            f"At the point the regime is **{a.regime}**. "
            + " ".join(a.notes)
            + (" " + " ".join(a.dominant) if a.dominant else ""),
        ),
        block("heading", "Regime map"),
        block("figure", ("regime_map", figs[0][1])),
        block("heading", "Theory against simulation"),
        block("figure", ("shares", figs[1][1])),
        block("para", r.comparison.text + "."),
    ]
