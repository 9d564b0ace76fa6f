"""The demo's summary of many runs, built chunk by chunk and combined exactly.

The verifier's-dilemma demo (Zargham, BlockScience 2019; docs/domain.md section 2) summarises
its runs by the players' acting rates, the attractor's period, the median running
cheating-volume fraction, mean cumulative profits, median cumulative ROIs and a table of
outcomes by action profile. :class:`RunSummary` accumulates those from batches of runs
(:meth:`RunSummary.add`) and from other accumulators (:meth:`RunSummary.merge`), so that
any number of runs can be simulated and summarised a chunk at a time:

* everything about one run is computed down its own column (:mod:`simulation.flows`), so
  it does not depend on which chunk holds the run;
* counts are integers; sums across runs are exact (:class:`~simulation.exact_sum.ExactSum`)
  and rounded once, so means are the same double however the runs were chunked;
* medians over runs are exact: the accumulator keeps the per-run medians they are taken
  of, one float64 per run and statistic ((players + 1) x 8 bytes per run, 24 MB per
  million runs of a two-player model); the trajectories themselves are never kept.

``per_run`` (one record per run) is kept only when asked, or for at most
:data:`PER_RUN_LIMIT` runs by default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from simulation.exact_sum import ExactSum
from simulation.experiment import Experiment
from simulation.flows import (
    check_covered,
    flows,
    joint_actions,
    joint_periods,
    nanmedian_columns,
)

PER_RUN_LIMIT = 1000
"""The most runs (all points together) whose ``per_run`` records a summary holds unless
asked otherwise."""


def _f(x: float) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def _median(parts: list[np.ndarray]) -> float | None:
    values = np.concatenate(parts) if parts else np.empty(0)
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else None


class RunSummary:
    """The demo's summary of an experiment's runs, accumulated over chunks of runs.

    Parameters
    ----------
    exp : the experiment.
    per_run : keep one record per run (``None``: only when the experiment has at most
        :data:`PER_RUN_LIMIT` runs, all points together).

    Examples
    --------
    >>> from simulation.batched import run_batched
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("inspection"), policy="fictitious-play", runs=4, steps=30)
    >>> whole, parts = RunSummary(exp), RunSummary(exp)
    >>> t = run_batched(exp)
    >>> whole.add(t.data, t.columns)
    >>> for cols in (slice(0, 1), slice(1, 4)):
    ...     t = run_batched(exp, columns=cols)
    ...     parts.add(t.data, t.columns)
    >>> whole.result() == parts.result()
    True
    >>> whole.result()["period"], round(whole.result()["act_rate"]["cheater"], 4)
    (1, 0.0667)
    """

    def __init__(self, exp: Experiment, per_run: bool | None = None) -> None:
        check_covered(exp.model)
        self.exp = exp
        players = exp.model.players
        self.keep_per_run = exp.runs * exp.n_points <= PER_RUN_LIMIT if per_run is None else per_run
        self.runs = 0
        self.periods: set[int] = set()
        self.act_counts = [0 for _ in players]
        self.outcome_counts: dict[int, int] = {}
        self.outcome_sums: dict[tuple[int, int, int], ExactSum] = {}  # (profile, player, 0|1)
        self.profit_sums = [ExactSum() for _ in players]
        self.medians: dict[str, list[np.ndarray]] = {"cheat_fraction": []}
        for pl in players:
            self.medians[pl.name] = []
        self.records: list[dict[str, np.ndarray]] = []

    def add(self, data: Mapping[str, np.ndarray], columns: np.ndarray) -> None:
        """Add runs recorded as ``(steps + 1, runs)`` arrays; ``columns`` holds their
        global run numbers (``point * runs + run``)."""
        exp, players = self.exp, self.exp.model.players
        f = flows(exp, data, columns)
        n = len(columns)
        joint = joint_actions(exp.model, list(f.actions))
        per = joint_periods(joint)
        self.runs += n
        self.periods.update(int(p) for p in np.unique(per))
        profiles, counts = np.unique(joint, return_counts=True)
        for code, c in zip(profiles.tolist(), counts.tolist()):
            self.outcome_counts[code] = self.outcome_counts.get(code, 0) + c
        # per run and profile, each flow summed down the run's column, then across runs
        dense = np.searchsorted(profiles, joint) + len(profiles) * np.arange(n)
        for i in range(len(players)):
            self.act_counts[i] += int(np.count_nonzero(f.actions[i] == 0))
            self.profit_sums[i].add(f.cum_profit[i][-1])
            for kind, flow in enumerate((f.reward[i], f.cost[i])):
                sums = np.bincount(
                    dense.ravel(), weights=flow.ravel(), minlength=n * len(profiles)
                ).reshape(n, len(profiles))
                for j, code in enumerate(profiles.tolist()):
                    acc = self.outcome_sums.setdefault((code, i, kind), ExactSum())
                    column = sums[:, j]
                    acc.add(column[column != 0])
        cf_median = nanmedian_columns(f.cheat_fraction)
        roi_median = [nanmedian_columns(r) for r in f.roi]
        self.medians["cheat_fraction"].append(cf_median)
        for pl, m in zip(players, roi_median):
            self.medians[pl.name].append(m)
        if self.keep_per_run:
            rec = {
                "column": np.asarray(columns),
                "period": per,
                "cheat_fraction_final": f.cheat_fraction[-1].copy(),  # not a view
                "cheat_fraction_median": cf_median,
            }
            for i, pl in enumerate(players):
                rec[f"{pl.name}_act_count"] = np.count_nonzero(f.actions[i] == 0, axis=0)
                rec[f"{pl.name}_cum_profit"] = f.cum_profit[i][-1].copy()
                rec[f"{pl.name}_roi_final"] = f.roi[i][-1].copy()
                rec[f"{pl.name}_roi_median"] = roi_median[i]
            self.records.append(rec)

    def merge(self, other: RunSummary) -> None:
        """Add the runs another accumulator of the same experiment has seen."""
        self.runs += other.runs
        self.periods |= other.periods
        for i, c in enumerate(other.act_counts):
            self.act_counts[i] += c
            self.profit_sums[i].merge(other.profit_sums[i])
        for code, c in other.outcome_counts.items():
            self.outcome_counts[code] = self.outcome_counts.get(code, 0) + c
        for key, acc in other.outcome_sums.items():
            self.outcome_sums.setdefault(key, ExactSum()).merge(acc)
        for k, parts in other.medians.items():
            self.medians[k].extend(parts)
        self.records.extend(other.records)

    def _outcomes(self) -> list[dict[str, Any]]:
        players = self.exp.model.players
        total = self.runs * self.exp.n_steps
        rows = []
        for code, count in self.outcome_counts.items():
            idx, rest = [], code
            for pl in reversed(players):
                idx.append(rest % len(pl.actions))
                rest //= len(pl.actions)
            idx.reverse()
            flags = tuple(
                bool(k == 0) if len(pl.actions) == 2 else int(k) for pl, k in zip(players, idx)
            )
            o: dict[str, Any] = {pl.flag: v for pl, v in zip(players, flags)}
            o["steps"] = count
            o["share"] = count / total
            for i, pl in enumerate(players):
                for kind, name in enumerate(("reward", "cost")):
                    acc = self.outcome_sums.get((code, i, kind), ExactSum())
                    o[f"{pl.name}_{name}_mean"] = acc.mean(count)
            rows.append((flags, o))
        return [o for _, o in sorted(rows, key=lambda r: r[0])]

    def _per_run(self) -> list[dict[str, Any]] | None:
        if not self.keep_per_run:
            return None
        exp, players = self.exp, self.exp.model.players
        if not self.records:
            return []
        rec = {k: np.concatenate([r[k] for r in self.records]) for k in self.records[0]}
        order = np.argsort(rec["column"], kind="stable")
        out = []
        for j in order.tolist():
            col = int(rec["column"][j])
            per = int(rec["period"][j])
            entry: dict[str, Any] = {
                "subset": col // exp.runs,
                "run": col % exp.runs + 1,
                "period": per or None,
                "cheat_fraction_final": _f(rec["cheat_fraction_final"][j]),
                "cheat_fraction_median": _f(rec["cheat_fraction_median"][j]),
            }
            for pl in players:
                entry[f"{pl.name}_act_rate"] = int(rec[f"{pl.name}_act_count"][j]) / exp.n_steps
                for k in ("cum_profit", "roi_final", "roi_median"):
                    entry[f"{pl.name}_{k}"] = _f(rec[f"{pl.name}_{k}"][j])
            out.append(entry)
        return out

    def result(self) -> dict[str, Any]:
        """The summary, JSON-ready (the keys of ``rosca simulate --format json``)."""
        exp, players = self.exp, self.exp.model.players
        rows = self.runs * exp.n_steps
        common = next(iter(self.periods)) if len(self.periods) == 1 else 0
        return {
            "model": exp.model.name,
            "policy": exp.policy_name,
            "seed": exp.seed,
            "runs": exp.runs,
            "steps": exp.n_steps,
            "points": exp.n_points,
            "period": common or None,
            "act_rate": {pl.name: c / rows for pl, c in zip(players, self.act_counts)},
            "cheat_fraction_median": _median(self.medians["cheat_fraction"]),
            "cum_profit_mean": {
                pl.name: s.mean(self.runs) for pl, s in zip(players, self.profit_sums)
            },
            "roi_median": {pl.name: _median(self.medians[pl.name]) for pl in players},
            "outcomes": self._outcomes(),
            "per_run": self._per_run(),
        }
