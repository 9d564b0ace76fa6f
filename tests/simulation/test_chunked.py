"""Runs simulated and summarised a chunk at a time give the summary of all runs at once,
exactly; the summary's building blocks (exact sums, column medians and cumulative sums)
equal their reference computations; memory does not grow with the number of runs."""

import json
import math
import subprocess
import sys
import textwrap
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulation.analysis import analyse_runs
from simulation.batched import run_batched
from simulation.chunked import chunk_size, run_chunks, summarise
from simulation.exact_sum import ExactSum
from simulation.experiment import Experiment
from simulation.flows import cumsum_steps, flow_keys, nanmedian_columns
from simulation.runner import simulate
from simulation.summaries import PER_RUN_LIMIT, RunSummary
from theory.models import get_model

EXPERIMENTS = [
    ("rosca-v2", "seed", [{}, {"delta": 2}], 7, 30),
    ("inspection", "logit", [{}, {"P": 3}], 9, 40),
    ("verifiers-dilemma", "ema", [{}], 5, 60),
]


def experiment(name, policy, points, runs, steps, seed=3):
    return Experiment(
        get_model(name), points=points, policy=policy, runs=runs, steps=steps, seed=seed
    )


@pytest.mark.parametrize("case", EXPERIMENTS, ids=[c[0] for c in EXPERIMENTS])
@pytest.mark.parametrize("chunk", [1, 4, 13])
def test_chunked_summary_equals_the_whole(case, chunk):
    exp = experiment(*case)
    whole = RunSummary(exp)
    t = run_batched(exp)
    whole.add(t.data, t.columns)
    assert summarise(exp, chunk=chunk) == whole.result()  # exactly: means, medians, records


def test_merged_summaries_in_any_order_equal_the_whole():
    exp = experiment(*EXPERIMENTS[1])
    parts = []
    for t in run_chunks(exp, chunk=5):
        acc = RunSummary(exp)
        acc.add(t.data, t.columns)
        parts.append(acc)
    forward, backward = RunSummary(exp), RunSummary(exp)
    for acc in parts:
        forward.merge(acc)
    for acc in reversed(parts):
        backward.merge(acc)
    whole = summarise(exp)
    assert forward.result() == whole == backward.result()


def test_the_frame_analysis_and_the_cadcad_engine_give_the_same_summary():
    exp = experiment("rosca-v2", "logit", [{}], 3, 12)
    chunked = summarise(exp, chunk=2)
    assert analyse_runs(exp, simulate(exp)).summary == chunked
    assert analyse_runs(exp, simulate(exp, engine="cadcad")).summary == chunked


def test_per_run_records_are_kept_only_up_to_the_limit_unless_asked():
    small = experiment("inspection", "fictitious-play", [{}], PER_RUN_LIMIT, 3)
    big = experiment("inspection", "fictitious-play", [{}], PER_RUN_LIMIT + 1, 3)
    assert len(summarise(small)["per_run"]) == PER_RUN_LIMIT
    assert summarise(big)["per_run"] is None
    records = summarise(big, per_run=True, chunk=300)["per_run"]
    assert [r["run"] for r in records] == list(range(1, PER_RUN_LIMIT + 2))


def test_progress_counts_run_steps():
    exp = experiment("inspection", "fictitious-play", [{}, {"P": 2}], 5, 4)
    seen = []
    summarise(exp, chunk=3, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (40, 40) and all(t == 40 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_chunks_follow_the_memory_budget():
    exp = experiment("rosca-v2", "fictitious-play", [{}], 10**6, 120)
    keys = flow_keys(exp)
    assert chunk_size(exp, keys, budget=2**20) < chunk_size(exp, keys, budget=2**24)
    assert chunk_size(exp, keys, budget=1) == 1
    small = experiment("inspection", None, [{}], 3, 5)
    assert chunk_size(small, flow_keys(small)) == 3  # never more than all the runs


floats = st.floats(allow_nan=False, allow_infinity=False, width=64)


@given(st.lists(floats, max_size=60), st.integers(0, 60))
def test_exact_sum_is_the_correctly_rounded_sum_however_split(xs, cut):
    a, b = ExactSum(), ExactSum()
    a.add(np.array(xs[:cut], dtype=float))
    b.add(np.array(xs[cut:], dtype=float))
    a.merge(b)
    exact = sum((Fraction(x) for x in xs), Fraction(0))
    try:
        expected = float(exact)  # rounded once, to nearest (what math.fsum computes)
    except OverflowError:  # beyond float64's range: infinity, as in float arithmetic
        expected = math.inf if exact > 0 else -math.inf
    assert a.value == expected


def test_exact_sum_propagates_non_finite_numbers():
    a = ExactSum()
    a.add(np.array([1.0, np.inf]))
    assert a.value == np.inf and a.mean(2) == np.inf
    a.add(np.array([-np.inf]))
    assert np.isnan(a.value)


@given(st.integers(1, 12), st.integers(1, 9), st.integers(0, 2**32 - 1))
def test_column_medians_and_sums_equal_numpy(steps, runs, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((steps, runs))
    x[rng.random((steps, runs)) < 0.3] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        expected = np.nanmedian(x, axis=0)
    np.testing.assert_array_equal(nanmedian_columns(x), expected)
    filled = np.nan_to_num(x)
    np.testing.assert_array_equal(cumsum_steps(filled), np.cumsum(filled, axis=0))


PEAK = textwrap.dedent(
    """
    import json, resource, sys
    from simulation.chunked import summarise
    from simulation.experiment import Experiment
    from theory.models import get_model

    runs = int(sys.argv[1])
    exp = Experiment(get_model("inspection"), policy="fictitious-play", runs=runs, steps=40)
    s = summarise(exp, chunk=2000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mib": peak, "runs": s["runs"]}))
    """
)


def peak_mib(runs):
    out = subprocess.run(
        [sys.executable, "-c", PEAK, str(runs)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)["peak_mib"]


def test_memory_does_not_grow_with_runs():
    """Ten times the runs in chunks of 2,000: the peak grows by the few numbers kept per
    run (24 bytes, 4 MiB here; measured about 10 MiB), not by the trajectories and their
    analysis (all 200,000 runs at once peak near 1 GiB)."""
    small, large = peak_mib(20_000), peak_mib(200_000)
    assert large - small < 24, (small, large)
