import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from aumos_drift_detector.core.errors import InsufficientDataError
from aumos_drift_detector.core.statistical.ks_test import ks_test, ks_test_sorted

SIZES = [
    (1, 1),
    (1, 5),
    (3, 7),
    (8, 8),
    (30, 45),
    (100, 100),
    (250, 1000),
    (999, 1001),
    (4000, 10_000),
    (10_000, 10_000),
]


def _samples(rng, n_reference, n_current, shift, ties):
    reference = rng.normal(0.0, 1.0, n_reference)
    current = rng.normal(shift, 1.0, n_current)
    if ties:
        reference, current = np.round(reference, 1), np.round(current, 1)
    return reference, current


@pytest.mark.parametrize(("n_reference", "n_current"), SIZES)
@pytest.mark.parametrize("shift", [0.0, 0.1, 0.5])
@pytest.mark.parametrize("ties", [False, True])
def test_ks_matches_scipy_exact_statistic_and_p_value(n_reference, n_current, shift, ties):
    rng = np.random.default_rng(hash((n_reference, n_current, shift, ties)) % 2**32)
    reference, current = _samples(rng, n_reference, n_current, shift, ties)
    expected = stats.ks_2samp(reference, current)
    result = ks_test(reference, current, min_samples=1)
    assert result.statistic == pytest.approx(expected.statistic, abs=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-300)
    assert result.details["method"] == "exact"


@pytest.mark.parametrize(
    ("n_reference", "n_current"), [(10_001, 50), (20_000, 10_001), (60_000, 40_000), (200_000, 200_000)]
)
@pytest.mark.parametrize("shift", [0.0, 0.01, 0.03, 0.3])
def test_ks_matches_scipy_asymptotic_p_value_above_ten_thousand(n_reference, n_current, shift):
    rng = np.random.default_rng(n_reference + n_current + int(shift * 100))
    reference, current = _samples(rng, n_reference, n_current, shift, ties=False)
    expected = stats.ks_2samp(reference, current)
    result = ks_test(reference, current)
    assert result.details["method"] == "asymp"
    assert result.statistic == pytest.approx(expected.statistic, abs=1e-12)
    if expected.pvalue >= 1e-8:
        assert result.p_value == pytest.approx(expected.pvalue, rel=1e-4)
    else:
        assert result.p_value < 1e-7


def test_ks_sorted_kernel_equals_public_function_on_unsorted_input():
    rng = np.random.default_rng(4)
    reference, current = rng.exponential(size=300), rng.exponential(size=200)
    public = ks_test(reference, current)
    kernel = ks_test_sorted(np.sort(reference), np.sort(current))
    assert public == kernel


def test_ks_detects_drift_and_reports_location():
    rng = np.random.default_rng(9)
    result = ks_test(rng.normal(0, 1, 2000), rng.normal(1, 1, 2000))
    assert result.drift_detected
    assert result.p_value < 1e-20
    assert -1.0 < result.details["location"] < 2.0


def test_ks_excludes_missing_values_and_accepts_series_and_lists():
    reference = pd.Series([1.0, 2.0, None, 3.0, 4.0, 5.0])
    current = [1.0, float("nan"), 2.0, 3.0, 4.0, 5.0, None]
    result = ks_test(reference, current)
    assert (result.n_reference, result.n_current) == (5, 5)
    assert result.statistic == 0.0
    assert result.p_value == 1.0


def test_ks_ranks_infinities_as_extreme_values():
    reference = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    current = [math.inf] * 6
    result = ks_test(reference, current)
    assert result.statistic == 1.0
    assert result.p_value == pytest.approx(stats.ks_2samp(reference, [1e300] * 6).pvalue)


def test_ks_constant_column_shared_by_both_samples_is_no_drift():
    result = ks_test([7.0] * 20, [7.0] * 30)
    assert result.statistic == 0.0
    assert result.p_value == 1.0
    assert not result.drift_detected


@pytest.mark.parametrize(("reference", "current"), [([], [1, 2, 3]), ([np.nan] * 10, [1.0] * 10), ([1, 2], [1, 2, 3])])
def test_ks_raises_insufficient_data_for_empty_all_nan_or_too_small_samples(reference, current):
    with pytest.raises(InsufficientDataError) as caught:
        ks_test(reference, current, min_samples=3, feature="x")
    assert caught.value.details["feature"] == "x"


finite_floats = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(finite_floats, min_size=1, max_size=40), st.lists(finite_floats, min_size=1, max_size=40))
def test_ks_is_order_invariant_symmetric_and_bounded(reference, current):
    result = ks_test(reference, current, min_samples=1)
    assert 0.0 <= result.statistic <= 1.0
    assert 0.0 <= result.p_value <= 1.0
    assert ks_test(list(reversed(reference)), current, min_samples=1) == result
    swapped = ks_test(current, reference, min_samples=1)
    assert swapped.statistic == pytest.approx(result.statistic, abs=1e-12)
    assert swapped.p_value == pytest.approx(result.p_value, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(finite_floats, min_size=1, max_size=60))
def test_ks_finds_no_drift_between_identical_samples(values):
    result = ks_test(values, values, min_samples=1)
    assert result.statistic == 0.0
    assert not result.drift_detected
