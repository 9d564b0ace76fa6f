"""What the data of every kind of report reads from its analysis.

A report's data (:mod:`reports.report_games`, :mod:`reports.report_population`,
:mod:`reports.report_rounds`) holds the theory's analysis at the point and what was
simulated; the document (:mod:`reports.document`) asks each for its model, its point, its
provenance and a line on what was simulated, the same way.
"""

from __future__ import annotations

from typing import Any


class FromAnalysis:
    """The model, the point and the provenance, read from ``self.analysis``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> class Data(FromAnalysis):
    ...     analysis = SimpleNamespace(model="m", values={"x": 1}, provenance={"exact": True})
    >>> Data().values, Data().provenance
    ({'x': 1}, {'exact': True})
    """

    analysis: Any

    @property
    def model(self) -> Any:
        return self.analysis.model

    @property
    def values(self) -> dict[str, Any]:
        return dict(self.analysis.values)

    @property
    def provenance(self) -> dict[str, object]:
        return dict(self.analysis.provenance)


def simulated_text(experiment: Any) -> str:
    """What was simulated, in a line: policy, runs, steps and seed.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> simulated_text(SimpleNamespace(policy_name="roi", runs=20, n_steps=1000, seed=0))
    'policy `roi`, 20 runs x 1000 steps, seed 0'
    """
    e = experiment
    return f"policy `{e.policy_name}`, {e.runs} runs x {e.n_steps} steps, seed {e.seed}"


def simulate_at(
    model: Any,
    values: Any,
    policy: str | None,
    runs: int,
    steps: int | None,
    seed: int,
    policy_parameters: dict[str, Any] | None = None,
) -> tuple[Any, Any, Any]:
    """The point's experiment, its simulated frame and its comparison with the theory."""
    from simulation.experiment import Experiment
    from simulation.runner import compare, simulate

    exp = Experiment(
        model,
        points=[values],
        policy=policy,
        runs=runs,
        steps=steps,
        seed=seed,
        policy_parameters=policy_parameters or {},
    )
    df = simulate(exp)
    (c,) = compare(exp, df)
    return exp, df, c
