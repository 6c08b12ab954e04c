import math

import numpy as np
import pytest
from scipy import stats

from aumos_drift_detector.core.compilation import DISABLE_VARIABLE, jit_disabled
from aumos_drift_detector.core.statistical.merge_pass import (
    MergeResult,
    merge_pass,
    merge_pass_kernel,
    merge_pass_loop,
    merge_pass_numpy,
)


def _straightforward(reference, current):
    """The ECDF gaps evaluated at every pooled value with two searchsorted calls (scipy's way), in integers."""
    n, m = reference.size, current.size
    pooled = np.unique(np.concatenate((reference, current)))
    numerators = (
        np.searchsorted(reference, pooled, side="right") * m - np.searchsorted(current, pooled, side="right") * n
    )
    top, bottom = int(np.argmax(numerators)), int(np.argmin(numerators))
    return (
        max(int(numerators[top]), 0) / (n * m),
        float(pooled[top]),
        max(-int(numerators[bottom]), 0) / (n * m),
        float(pooled[bottom]),
    )


def _sample_pair(seed):
    rng = np.random.default_rng(seed)
    n_reference, n_current = (int(size) for size in rng.integers(1, 400, size=2))
    decimals = int(rng.integers(0, 4))  # 0 and 1 decimals give heavy ties
    reference = np.round(rng.normal(0.0, 1.0, n_reference), decimals)
    current = np.round(rng.normal(rng.uniform(-0.5, 0.5), rng.uniform(0.5, 2.0), n_current), decimals)
    return np.sort(reference), np.sort(current)


PATHS = {
    "dispatch": merge_pass,
    "numpy": merge_pass_numpy,
}


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("seed", range(60))
def test_merge_pass_gaps_equal_the_pooled_searchsorted_gaps_and_integrals_equal_scipy(path, seed):
    reference, current = _sample_pair(seed)
    result = PATHS[path](reference, current)
    above, above_at, below, below_at = _straightforward(reference, current)
    assert (result.above, result.above_at, result.below, result.below_at) == (above, above_at, below, below_at)
    assert result.ks[0] == pytest.approx(stats.ks_2samp(reference, current).statistic, abs=1e-15)
    assert result.l1 == pytest.approx(stats.wasserstein_distance(reference, current), rel=1e-13)
    energy = stats.energy_distance(reference, current)
    assert math.sqrt(2.0 * result.l2) == pytest.approx(energy, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("seed", range(40))
def test_python_loop_equals_numpy_path_value_for_value(seed):
    # The loop numba compiles, run as plain Python: same integers, same locations, integrals to rounding.
    reference, current = _sample_pair(1000 + seed)
    top, top_at, bottom, bottom_at, l1, l2 = merge_pass_loop(reference, current, True)
    scale = reference.size * current.size
    expected = merge_pass_numpy(reference, current)
    assert (max(top, 0) / scale, top_at, -min(bottom, 0) / scale, bottom_at) == (
        expected.above, expected.above_at, expected.below, expected.below_at,
    )  # fmt: skip
    assert l1 / scale == pytest.approx(expected.l1, rel=1e-13)
    assert l2 / scale / scale == pytest.approx(expected.l2, rel=1e-12, abs=1e-300)


def test_merge_pass_handles_one_value_samples_identical_samples_and_infinities():
    one = merge_pass(np.array([1.0]), np.array([1.0]))
    assert (one.above, one.below, one.l1) == (0.0, 0.0, 0.0)
    values = np.array([-np.inf, 0.0, 0.0, 2.0, np.inf])
    same = merge_pass(values, values, integrals=False)
    assert (same.ks, same.above_at) == ((0.0, -np.inf), -np.inf)
    assert math.isnan(same.l1)
    disjoint = merge_pass(np.array([0.0, 1.0]), np.array([np.inf, np.inf, np.inf]))
    assert disjoint.ks == (1.0, 1.0)
    assert math.isnan(disjoint.l1)


def test_numpy_and_dispatch_paths_agree_on_a_million_value_pair_with_unequal_sizes():
    rng = np.random.default_rng(3)
    reference = np.sort(rng.normal(0.0, 1.0, 1_000_000))
    current = np.sort(np.round(rng.normal(0.1, 1.0, 700_001), 3))
    fast, slow = merge_pass(reference, current), merge_pass_numpy(reference, current)
    assert fast.ks == slow.ks
    assert fast.l1 == pytest.approx(slow.l1, rel=1e-13)
    assert fast.l2 == pytest.approx(slow.l2, rel=1e-12)


def test_environment_variable_turns_compilation_off(monkeypatch):
    monkeypatch.setenv(DISABLE_VARIABLE, "1")
    assert jit_disabled()
    reference, current = _sample_pair(7)
    assert merge_pass(reference, current) == merge_pass_numpy(reference, current)


def test_compiled_loop_equals_the_python_loop(monkeypatch):
    monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    compiled = merge_pass_kernel.compiled()
    assert compiled is not None
    for seed in range(20):
        reference, current = _sample_pair(2000 + seed)
        assert compiled(reference, current, True) == pytest.approx(merge_pass_loop(reference, current, True), rel=1e-15)


def test_merge_result_reports_the_larger_side_and_prefers_above_on_ties():
    assert MergeResult(0.2, 1.0, 0.3, 2.0, 0.0, 0.0).ks == (0.3, 2.0)
    assert MergeResult(0.3, 1.0, 0.3, 2.0, 0.0, 0.0).ks == (0.3, 1.0)
