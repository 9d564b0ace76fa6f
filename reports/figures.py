"""Figures: each takes its data and an optional Axes and returns the Axes (docs/design.md rule
10, after scikit-learn's Display objects: compute once, draw into any Axes).

The data each figure draws is returned by the matching ``*_data`` function, so the tests
check the numbers behind a figure and the report writes them next to it.
"""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from simulation.experiment import Experiment  # noqa: E402
from theory.regions import RegimeGrid  # noqa: E402

PALETTE = [
    "#4C72B0",
    "#DD8452",
    "#55A868",
    "#C44E52",
    "#8172B3",
    "#937860",
    "#DA8BC3",
    "#8C8C8C",
    "#CCB974",
    "#64B5CD",
]


LEGEND_ROWS = 12
"""Regimes named in a regime map's legend."""

IN_PLOT_LABELS = 5
"""Up to this many regimes, each sizeable region is also labelled inside the map."""


def _ax(ax: Axes | None, size: tuple[float, float] = (6.4, 4.2)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


# -- regime and agreement maps ---------------------------------------------------------


def regime_map_data(grid: RegimeGrid) -> pd.DataFrame:
    X, Y = np.meshgrid(grid.x, grid.y)
    return pd.DataFrame(
        {
            grid.x_name: X.ravel(),
            grid.y_name: Y.ravel(),
            "code": grid.codes.ravel(),
            "regime": [grid.names[int(c)] for c in grid.codes.ravel()],
            "degenerate": grid.degenerate.ravel(),
        }
    )


def plot_regime_map(grid: RegimeGrid, ax: Axes | None = None) -> Axes:
    """Regions of the parameter plane labelled by their set of equilibria (the first
    :data:`LEGEND_ROWS` in the legend, every one in the figure's CSV)."""
    codes = sorted(grid.names)
    ax = _ax(ax, (6.4, 4.2 + 0.2 * min(len(codes), LEGEND_ROWS)))
    index = {c: k for k, c in enumerate(codes)}
    img = np.vectorize(index.get)(grid.codes)
    colours = (
        PALETTE[: len(codes)]
        if len(codes) <= len(PALETTE)
        else [plt.get_cmap("viridis")(v) for v in np.linspace(0, 1, len(codes))]
    )
    cmap = ListedColormap(colours)
    ax.pcolormesh(
        grid.x,
        grid.y,
        img,
        cmap=cmap,
        vmin=-0.5,
        vmax=len(codes) - 0.5,
        shading="nearest",
        rasterized=True,
    )
    X, Y = np.meshgrid(grid.x, grid.y)
    for c in codes:  # label each sizeable region at its centre
        cells = (grid.codes == c) & ~grid.degenerate
        if len(codes) <= IN_PLOT_LABELS and cells.mean() >= 0.04:
            label = grid.names[c].replace(" + ", "\n+ ")
            ax.text(
                X[cells].mean(),
                Y[cells].mean(),
                label,
                ha="center",
                va="center",
                fontsize=8,
                bbox={"boxstyle": "round", "fc": "white", "alpha": 0.75},
            )
    if grid.degenerate.any():
        Y, X = np.nonzero(grid.degenerate)
        ax.scatter(grid.x[X], grid.y[Y], s=2, color="black", label="degenerate")
    ax.plot(
        *grid.point,
        marker="*",
        markersize=16,
        color="white",
        markeredgecolor="black",
        linestyle="none",
    )
    ax.annotate(
        "current point",
        grid.point,
        xytext=(8, 8),
        textcoords="offset points",
        fontsize=9,
        color="black",
        bbox={"boxstyle": "round", "fc": "white", "alpha": 0.8},
    )
    handles = [Patch(color=colours[index[c]], label=grid.names[c]) for c in codes[:LEGEND_ROWS]]
    if len(codes) > LEGEND_ROWS:
        handles.append(
            Patch(color="white", label=f"and {len(codes) - LEGEND_ROWS} more (regime_map.csv)")
        )
    if grid.degenerate.any():
        handles.append(Patch(color="black", label="degenerate: a player is indifferent"))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.2),
        fontsize=8,
        title="equilibria",
        ncol=1,
        frameon=False,
    )
    ax.set_xlabel(grid.x_name)
    ax.set_ylabel(grid.y_name)
    ax.set_title("Regime map: which equilibria exist")
    return ax


def plot_agreement_map(
    table: pd.DataFrame, x_name: str, y_name: str, ax: Axes | None = None
) -> Axes:
    """Where the simulation's long-run behaviour matches the theory's prediction."""
    ax = _ax(ax)
    xs = np.sort(table[x_name].unique())
    ys = np.sort(table[y_name].unique())
    verdict = table["verdict"] if "verdict" in table else np.where(table["agree"], "agree", "")
    status = np.select([verdict == "agree", verdict == "inconclusive"], [2, 1], 0)
    grid = np.full((len(ys), len(xs)), np.nan)
    for s, x, y in zip(status, table[x_name], table[y_name]):
        grid[np.searchsorted(ys, y), np.searchsorted(xs, x)] = s
    cmap = ListedColormap(["#C44E52", "#CCB974", "#55A868"])
    ax.pcolormesh(xs, ys, grid, cmap=cmap, vmin=-0.5, vmax=2.5, shading="nearest")
    handles = [
        Patch(color="#55A868", label="agree"),
        Patch(color="#CCB974", label="inconclusive: too few runs or steps to tell"),
        Patch(color="#C44E52", label="disagree"),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.15),
        fontsize=8,
        ncol=3,
        frameon=False,
    )
    ax.set_xlabel(x_name)
    ax.set_ylabel(y_name)
    ax.set_title("Theory against simulation over the grid")
    return ax


# -- dynamics ---------------------------------------------------------------------------


def first_run(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame["subset"] == 0) & (frame["run"] == 1)]


def plot_actions(frame: pd.DataFrame, exp: Experiment, ax: Axes | None = None) -> Axes:
    """Both players' actions over time (first run), one lane each."""
    ax = _ax(ax, (6.4, 2.8))
    run = first_run(frame)
    for k, pl in enumerate(exp.model.players):
        y = run[pl.flag].astype(float).to_numpy() * 0.8 + 1.1 * (1 - k)
        ax.step(run["timestep"], y, where="post", color=PALETTE[k], label=pl.name)
    ax.set_yticks(
        [0, 0.8, 1.1, 1.9],
        [
            f"{exp.model.players[1].actions[1]}",
            f"{exp.model.players[1].actions[0]}",
            f"{exp.model.players[0].actions[1]}",
            f"{exp.model.players[0].actions[0]}",
        ],
    )
    ax.set_xlabel("timestep")
    ax.set_title("Actions over time (run 1)")
    return ax


def plot_series(
    frame: pd.DataFrame,
    columns: list[str],
    title: str,
    ylabel: str,
    ax: Axes | None = None,
    band: bool = True,
) -> Axes:
    """Median over runs of each column against time, with a 10-90 % band."""
    ax = _ax(ax, (6.4, 3.4))
    data = frame[frame["subset"] == 0]
    for k, col in enumerate(columns):
        g = data.groupby("timestep")[col]
        med = g.median()
        ax.plot(med.index, med.to_numpy(), color=PALETTE[k % len(PALETTE)], label=col)
        if band and data["run"].nunique() > 1:
            lo, hi = g.quantile(0.1), g.quantile(0.9)
            ax.fill_between(
                med.index,
                lo.to_numpy(),
                hi.to_numpy(),
                color=PALETTE[k % len(PALETTE)],
                alpha=0.2,
                linewidth=0,
            )
    ax.set_xlabel("timestep")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def frequencies_data(comparison: Any) -> pd.DataFrame:
    d = comparison.to_dict()
    rows = []
    for side, name in (("row", "row player"), ("col", "column player")):
        ci = d["simulated"]["ci"][side]
        rows.append(
            {
                "player": name,
                "simulated": d["simulated"][side][0],
                "ci_low": ci[0] if ci else np.nan,
                "ci_high": ci[1] if ci else np.nan,
                "predicted": d["predicted"][side][0],
            }
        )
    return pd.DataFrame(rows)


def plot_frequencies(comparison: Any, players: list[str], ax: Axes | None = None) -> Axes:
    """Time-averaged probability of acting, simulated (with 95 % CI) and predicted."""
    ax = _ax(ax, (5.2, 3.4))
    data = frequencies_data(comparison)
    xs = np.arange(len(data))
    err = None
    if data["ci_low"].notna().all():
        err = np.vstack([data["simulated"] - data["ci_low"], data["ci_high"] - data["simulated"]])
    ax.bar(
        xs,
        data["simulated"],
        color=PALETTE[:2],
        alpha=0.8,
        yerr=err,
        capsize=6,
        label="simulated (95% CI)",
    )
    ax.scatter(xs, data["predicted"], marker="D", s=60, color="black", zorder=3, label="predicted")
    ax.set_xticks(xs, players)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("P(acting), time average")
    ax.set_title("Theory against simulation")
    ax.legend(fontsize=8)
    return ax


def save(ax: Axes, folder: Any, name: str) -> list[str]:
    """Write the Axes' figure as PNG and SVG; return the file names."""
    fig = ax.get_figure(root=True)
    assert fig is not None
    files = [f"{name}.png", f"{name}.svg"]
    fig.savefig(folder / files[0], dpi=110)
    fig.savefig(folder / files[1])
    plt.close(fig)
    return files
