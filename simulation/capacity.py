"""What a simulation will need before it runs: the bytes of its trajectory table and the
memory of running it, so that a command can refuse work that cannot fit (docs/design.md rule 7:
fail early, before computing).

The table's size is measured, not guessed: a pilot of the same experiment (the first
point, 8 and then 16 runs of at most 64 steps) is written to the same format in memory,
and the difference between the two sizes gives the bytes of one more row without the
file's fixed overhead; CSV widths are corrected for the longer run and timestep numbers
of the full table. The memory figures are upper estimates from the arrays each engine
builds (the batched engine: one chunk and a few numbers per run,
:mod:`simulation.summaries`; cadCAD 0.5.3: a Python dict per substep of every run,
measured at about 1.1 KB per record for ``rosca-v2`` and counted here as 1.5 KB).
"""

from __future__ import annotations

import io

from simulation.experiment import Experiment

CADCAD_RECORD_BYTES = 1536
"""Memory per cadCAD record (one substep of one run, all state variables), generous."""

PER_RUN_RECORD_BYTES = 4096
"""Memory per run of a summary's ``per_run`` records (numbers, dicts and JSON text)."""

_PILOT_RUNS = (8, 16)
_PILOT_STEPS = 64


def _mean_digits(lo: int, hi: int) -> float:
    """The mean number of decimal digits of the integers ``lo`` to ``hi`` (inclusive).

    Examples
    --------
    >>> _mean_digits(1, 10), _mean_digits(0, 99)
    (1.1, 1.9)
    """
    total, k = 0, 1
    while 10 ** (k - 1) <= hi:
        a, b = max(lo, 10 ** (k - 1) if k > 1 else 0), min(hi, 10**k - 1)
        if a <= b:
            total += (b - a + 1) * k
        k += 1
    return total / (hi - lo + 1)


def _written(frame: object, suffix: str) -> int:
    buffer = io.BytesIO()
    if suffix == ".parquet":
        frame.to_parquet(buffer, index=False)  # type: ignore[attr-defined]
    else:
        frame.to_csv(buffer, index=False)  # type: ignore[attr-defined]
    return len(buffer.getvalue())


def table_rows(exp: Experiment) -> int:
    """Rows of the experiment's tidy frame: every timestep, 0 included, of every run."""
    return exp.n_points * exp.runs * (exp.n_steps + 1)


def table_bytes(exp: Experiment, suffix: str) -> int:
    """An estimate of the bytes of ``exp``'s trajectory table written as ``suffix``
    (``.csv`` or ``.parquet``).

    Examples
    --------
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("inspection"), runs=1000, steps=100)
    >>> 5e6 < table_bytes(exp, ".csv") < 2e7
    True
    """
    from simulation.batched import run_batched
    from simulation.frames import from_batched

    steps = min(exp.n_steps, _PILOT_STEPS)
    given = exp.given_parameters
    sizes = []
    for runs in _PILOT_RUNS:
        pilot = Experiment(
            exp.model,
            points=[exp.points[0]],
            policy=exp.policy_name,
            runs=runs,
            steps=steps,
            seed=exp.seed,
            policy_parameters=given,
        )
        sizes.append(_written(from_batched(run_batched(pilot)), suffix))
    pilot_rows = (_PILOT_RUNS[1] - _PILOT_RUNS[0]) * (steps + 1)
    per_row = (sizes[1] - sizes[0]) / pilot_rows
    if suffix == ".csv":
        per_row += _mean_digits(1, exp.runs) - _mean_digits(1, _PILOT_RUNS[1])
        per_row += _mean_digits(0, exp.n_steps) - _mean_digits(0, steps)
        per_row += _mean_digits(0, exp.n_points - 1) - 1
    return int(sizes[0] + max(per_row, 0.0) * table_rows(exp))


def memory_bytes(exp: Experiment, engine: str, per_run: bool = False, chunk_bytes: int = 0) -> int:
    """An upper estimate of the memory a simulation of ``exp`` needs beyond the
    interpreter: ``chunk_bytes`` and a few numbers per run for the chunked batched engine,
    every record for cadCAD; plus the ``per_run`` records when asked.

    Examples
    --------
    >>> from theory.models import get_model
    >>> exp = Experiment(get_model("rosca-v2"), policy="fictitious-play", runs=10**6)
    >>> memory_bytes(exp, "batched", chunk_bytes=2**27) < 2**30
    True
    >>> memory_bytes(exp, "cadcad") > 100 * 2**30
    True
    """
    runs = exp.n_points * exp.runs
    need = runs * PER_RUN_RECORD_BYTES if per_run else 0
    if engine == "cadcad":
        substeps = max(len(exp.model.blocks), 1)
        records = runs * (exp.n_steps * substeps + 1)
        return need + records * CADCAD_RECORD_BYTES + table_rows(exp) * 8 * len(exp.state_keys)
    return need + chunk_bytes + runs * 8 * (len(exp.model.players) + 1)
