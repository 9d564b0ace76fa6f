"""The report of a many-round model (the ROSCA circle): its profile's one-shot-deviation
constraints and thresholds, who is tempted where, a simulation of its own behaviour, and
learning members held against the derivation.

Computed once (:func:`compute_rounds`); drawn by the figure functions here (data in,
optional Axes, Axes out); laid out as document blocks by :func:`rounds_blocks`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from reports.figures import PALETTE, _ax, plot_regime_map, regime_map_data
from reports.report_common import FromAnalysis
from reports.report_maps import map_caption, report_map
from simulation.batched import run_batched
from simulation.compare_rounds import compare_rounds
from simulation.experiment import Experiment
from simulation.members import compare_expected, summarise_members
from theory.design import RoundsAnalysis, analyse_rounds
from theory.model import Model
from theory.regions import RegimeGrid

#: Games the learning members play before their learned behaviour is read.
LEARNING_GAMES = 400

#: Games of the model's own behaviour (it does not learn: each game is a fresh sample).
NATIVE_GAMES = 100

#: Cells along each axis of the regime map.
MAP_CELLS = 60


@dataclass(frozen=True, eq=False)
class RoundsReport(FromAnalysis):
    """Everything the report of a many-round model shows."""

    analysis: RoundsAnalysis
    native: dict[str, Any] | None
    native_check: dict[str, Any] | None
    learned: dict[str, Any] | None
    learning: dict[str, Any] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    grid: RegimeGrid | None = None

    @property
    def simulated(self) -> str:
        info = self.learning
        if not info:
            return "no learning simulated"
        return (
            f"members learning with `{info['policy']}` over {info['games']} games x "
            f"{info['runs']} runs"
        )

    def figures(self) -> list[Any]:
        return rounds_figures(self)

    def blocks(self, block: Any) -> list[Any]:
        return rounds_blocks(self, block)

    def json(self) -> dict[str, Any]:
        return rounds_json(self)


def compute_rounds(
    model: Model,
    values: dict[str, Any],
    native_policy: str | None,
    learner: str | None,
    runs: int,
    seed: int,
    policy_parameters: dict[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    games: int = LEARNING_GAMES,
) -> RoundsReport:
    """Derive the profile's constraints, simulate the model's own behaviour and let
    members learn (``learner``), each at the point."""
    a = analyse_rounds(model, values)
    rounds = model.horizon(model.params(values, numeric=True))
    bounds: dict[str, list[float]] = {}
    for t in a.thresholds:
        for v in (t.least, t.greatest):
            if v is not None:
                bounds.setdefault(t.parameter, []).append(float(v))
    grid = report_map(model, values, MAP_CELLS, bounds, a.profiles[0].conditions)
    native = check = None
    if native_policy is not None:
        exp = Experiment(
            model,
            points=[values],
            policy=native_policy,
            runs=runs,
            seed=seed,
            steps=min(games, NATIVE_GAMES) * rounds,
        )  # games in sequence: many first rounds
        traj = run_batched(exp, keys=list(model.state_keys))
        native = summarise_members(exp, traj)
        check = compare_expected(exp, traj, 0.05)
    learned = None
    info: dict[str, Any] = {}
    if learner is not None:
        exp = Experiment(
            model,
            points=[values],
            policy=learner,
            runs=runs,
            steps=games * rounds,
            seed=seed,
            policy_parameters=policy_parameters or {},
        )
        total = exp.n_steps
        traj = run_batched(
            exp,
            keys=[model.missed] if model.missed is not None else None,
            progress=(lambda t: progress(t, total)) if progress else None,
        )
        learned = compare_rounds(exp, traj).to_dict()
        info = {"policy": learner, "games": games, "runs": runs}
    pd_ = a.profiles[0]
    lines = [
        f"The profile '{pd_.name}' ({model.profile(pd_.name).meaning}) is "
        + ("an equilibrium" if pd_.equilibrium else "not an equilibrium")
        + " here: "
        + (
            "no one-shot deviation pays."
            if pd_.equilibrium
            else f"{len(pd_.conditions.violated)} of {len(pd_.conditions.constraints)} one-shot "
            "deviations pay."
        )
    ]
    for t in pd_.thresholds.values():
        lines.append(f"For the whole profile: {t.text}.")
    if native is not None and check is not None:
        lines.append(f"The model's own behaviour ({native_policy}): {check['text']}.")
    if learned is not None:
        lines.append(learned["text"] + ".")
    return RoundsReport(a, native, check, learned, info, lines, grid)


def positions_data(r: RoundsReport) -> pd.DataFrame:
    """By player: the binding round, temptation, value of later cycles and least value of
    the first free parameter."""
    pd_ = r.analysis.profiles[0]
    return pd.DataFrame(
        [
            {
                "player": m.agent.name,
                "position": (m.agent.member or 0) + 1,
                "binding_round": m.binding.label,
                "temptation": m.temptation,
                "future_value": m.future_value,
                f"least_{pd_.parameter}": m.required,
            }
            for m in pd_.members
        ]
    )


def plot_positions(r: RoundsReport, ax: Axes | None = None) -> Axes:
    """Temptation, value of later cycles and least collateral by position, with the least
    uniform value and the value held at the point."""
    ax = _ax(ax, (6.4, 3.8))
    t = positions_data(r)
    pd_ = r.analysis.profiles[0]
    name = pd_.parameter or "collateral"
    x = t["position"].to_numpy()
    ax.bar(x - 0.27, t["temptation"], width=0.27, color=PALETTE[0], label="temptation")
    ax.bar(x, t["future_value"], width=0.27, color=PALETTE[2], label="value of later cycles")
    ax.bar(x + 0.27, t[f"least_{name}"], width=0.27, color=PALETTE[1], label=f"least {name}")
    th = pd_.thresholds.get(name)
    if th is not None and th.least is not None:
        ax.axhline(
            th.least, color="black", linestyle="--", linewidth=1, label=f"least uniform {name}"
        )
    now = r.analysis.values.get(name)
    if now is not None:
        ax.axhline(float(Fraction(str(now))), color=PALETTE[3], linewidth=1.5, label=f"{name} now")
    ax.axhline(0, color="#999", linewidth=0.5)
    ax.set_xlabel("position (member)")
    ax.set_ylabel("value at the binding round")
    ax.set_title(f"Who is tempted where: profile '{pd_.name}'")
    ax.legend(fontsize=7)
    return ax


def slack_data(r: RoundsReport) -> pd.DataFrame:
    """Every constraint's slack at the point (positive: following pays)."""
    pc = r.analysis.profiles[0].conditions
    return pd.DataFrame(
        [
            {
                "player": c.agent.name,
                "member": (c.agent.member or 0) + 1,
                "round": c.round,
                "label": c.label,
                "slack": c.value,
                "inequality": c.inequality(pc.free),
            }
            for c in pc.constraints
        ]
    )


def plot_slack(r: RoundsReport, ax: Axes | None = None) -> Axes:
    """Slack of each player's one-shot-deviation constraint over the rounds."""
    ax = _ax(ax, (6.4, 3.8))
    t = slack_data(r)
    members = sorted(t["member"].unique())
    img = np.full((len(members), int(t["round"].max())), np.nan)
    for row in t.itertuples():
        img[members.index(row.member), row.round - 1] = row.slack
    vmax = float(np.nanmax(np.abs(img))) or 1.0
    m = ax.imshow(
        img,
        aspect="auto",
        cmap="RdBu",
        vmin=-vmax,
        vmax=vmax,
        extent=(0.5, img.shape[1] + 0.5, len(members) + 0.5, 0.5),
    )
    ax.figure.colorbar(m, ax=ax, label="follow minus deviate")
    ax.set_xlabel("round")
    ax.set_ylabel("member")
    ax.set_title("Where deviating pays (red)")
    return ax


def shortfall_data(r: RoundsReport) -> pd.DataFrame:
    s = r.native or {}
    return pd.DataFrame(
        {
            "round": np.arange(1, len(s.get("shortfall_by_round", [])) + 1),
            "shortfall": s.get("shortfall_by_round", []),
        }
    )


def plot_shortfall(r: RoundsReport, ax: Axes | None = None) -> Axes:
    ax = _ax(ax, (6.4, 3.2))
    t = shortfall_data(r)
    ax.bar(t["round"], t["shortfall"], color=PALETTE[3])
    ax.set_xlabel("round of the game")
    ax.set_ylabel("pot shortfall (mean)")
    ax.set_title("How short the pot runs, round by round")
    return ax


def rounds_figures(r: RoundsReport) -> list[tuple[str, str, Callable[[], Axes], pd.DataFrame]]:
    out = [
        (
            "positions",
            "Temptation, value of later cycles and least collateral by position "
            "(at each position's binding round); the dashed line is the least uniform value.",
            lambda: plot_positions(r),
            positions_data(r),
        ),
        (
            "slack",
            "Slack of every one-shot-deviation constraint (blue: following pays; red: "
            "deviating pays).",
            lambda: plot_slack(r),
            slack_data(r),
        ),
    ]
    if r.grid is not None:
        grid = r.grid
        out.append(
            ("regime_map", map_caption(grid), lambda: plot_regime_map(grid), regime_map_data(grid))
        )
    if r.native and r.native.get("shortfall_by_round"):
        out.append(
            (
                "shortfall",
                "Mean pot shortfall by round under the model's own behaviour.",
                lambda: plot_shortfall(r),
                shortfall_data(r),
            )
        )
    return out


def rounds_blocks(r: RoundsReport, block: Any) -> list[Any]:
    """The report's sections for a many-round model, as document blocks."""
    pd_ = r.analysis.profiles[0]
    pc = pd_.conditions
    B = [
        block("heading", "Incentive constraints by one-shot deviation"),
        block(
            "para",
            f"The profile '{pd_.name}' ({r.model.profile(pd_.name).meaning}) is checked at "
            f"every round and for every player: following it against deviating once and "
            f"following it afterwards, valued at the round of the deviation. The mechanisms are "
            f"stepped on affine forms in {', '.join(pc.free) or 'no free parameter'}; "
            f"{len(pc.constraints)} constraints over {pc.horizon} rounds.",
        ),
        block("figure", ("positions", rounds_figures(r)[0][1])),
        block(
            "table",
            (
                ["player", "binding round", "temptation", "later cycles", f"least {pd_.parameter}"],
                [
                    [
                        m.agent.name,
                        m.binding.label,
                        f"{m.temptation:.2f}",
                        f"{m.future_value:.2f}",
                        f"{m.required:.2f}",
                    ]
                    for m in pd_.members
                ],
            ),
        ),
        block("bullets", [t.text for t in pd_.thresholds.values()]),
        block("figure", ("slack", rounds_figures(r)[1][1])),
    ]
    if r.grid is not None:
        B.append(block("figure", ("regime_map", map_caption(r.grid))))
    if r.native is not None:
        B += [
            block("heading", "The model's own behaviour"),
            block("para", r.native_check["text"] if r.native_check else ""),
            block(
                "table",
                (
                    ["outcome", "value"],
                    [
                        [k, f"{v:.4g}"]
                        for k, v in r.native.items()
                        if isinstance(v, float) and not k.startswith("rounds")
                    ],
                ),
            ),
        ]
        if r.native.get("shortfall_by_round"):
            B.append(block("figure", ("shortfall", rounds_figures(r)[-1][1])))
    if r.learned is not None:
        info = r.learning
        B += [
            block("heading", "Learning members against the derivation"),
            block(
                "para",
                f"Each member learns from its own payoffs with the `{info['policy']}` rule over "
                f"{info['games']} games in sequence ({info['runs']} runs); then one game is "
                "played with what it learned. The derivation predicts each member's first "
                "profitable deviation where its decision is learned.",
            ),
            block(
                "table",
                (
                    ["member", "predicted", "as predicted (share of runs)", "verdict"],
                    [
                        [str(row["member"]), row["label"], f"{share:.0%} +- {half:.0%}", verdict]
                        for row, share, half, verdict in zip(
                            r.learned["predicted"]["defaults_after_turn"],
                            r.learned["simulated"]["share_as_predicted"],
                            r.learned["simulated"]["half_width"],
                            r.learned["members"],
                        )
                    ],
                ),
            ),
            block("para", r.learned["text"] + "."),
        ]
    return B


def rounds_json(r: RoundsReport) -> dict[str, Any]:
    from reports.solve_other import to_dict

    return {
        "analysis": to_dict(r.analysis),
        "simulation": r.native,
        "expected": r.native_check,
        "learning": r.learned,
        "summary": r.summary,
    }
