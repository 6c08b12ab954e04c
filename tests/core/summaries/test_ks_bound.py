"""The KS bound from counts contains the exact statistic, and is exact where the bins are."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.ks_test import ks_test
from aumos_drift_detector.core.summaries import NumericBins, SummaryLayout, count_columns, ks_from_counts, ks_interval
from aumos_drift_detector.core.summaries.counting import numeric_bin_counts
from aumos_drift_detector.core.summaries.layout_builder import numeric_edges


def _sample(rng, size, shift, kind):
    if kind == 0:
        return rng.normal(shift, 1.0, size)
    if kind == 1:
        return rng.exponential(1.0 + shift, size)
    if kind == 2:  # heavy ties: the edges merge and bins hold many equal values
        return np.round(rng.normal(shift, 1.0, size), 1)
    return rng.standard_t(2, size) + shift


def _case(seed):
    rng = np.random.default_rng(seed)
    kind = seed % 4
    reference = _sample(rng, int(rng.integers(5, 3000)), 0.0, kind)
    current = _sample(rng, int(rng.integers(5, 3000)), float(rng.choice([0.0, 0.05, 0.3, 2.0])), kind)
    edges = numeric_edges(np.sort(reference), int(rng.choice([2, 10, 100, 1000, 5000])))
    return reference, current, edges


def test_the_bound_contains_the_exact_statistic_in_every_one_of_1200_seeded_cases():
    widest_excess = 0.0
    for seed in range(1200):
        reference, current, edges = _case(seed)
        interval = ks_interval(numeric_bin_counts(reference, edges), numeric_bin_counts(current, edges))
        exact = stats.ks_2samp(reference, current, method="asymp").statistic
        assert interval.lower <= exact + 1e-12, seed
        assert exact <= interval.upper + 1e-12, seed
        reference_share = numeric_bin_counts(reference, edges).max() / reference.size
        current_share = numeric_bin_counts(current, edges).max() / current.size
        widest_excess = max(widest_excess, interval.upper - interval.lower - max(reference_share, current_share))
    assert widest_excess <= 1e-12  # upper <= lower + the largest bin share, always


@settings(max_examples=150, deadline=None)
@given(
    reference=st.lists(st.integers(-20, 20), min_size=1, max_size=300),
    current=st.lists(st.integers(-25, 25), min_size=1, max_size=300),
)
def test_statistic_and_p_value_equal_scipy_when_every_pooled_value_is_an_edge(reference, current):
    reference, current = np.array(reference, float), np.array(current, float)
    edges = np.unique(np.concatenate((reference, current)))
    result = ks_from_counts(numeric_bin_counts(reference, edges), numeric_bin_counts(current, edges))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        expected = stats.ks_2samp(reference, current)
    assert result.statistic == pytest.approx(expected.statistic, abs=1e-12)
    assert result.p_value == pytest.approx(ks_test(reference, current, min_samples=1).p_value, rel=1e-9, abs=1e-15)
    if not caught:  # scipy's exact recursion did not give up on this case
        assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-15)
    assert result.details["statistic_upper"] >= result.statistic


def test_large_samples_use_the_asymptotic_p_value_of_the_raw_path():
    rng = np.random.default_rng(3)
    reference, current = np.round(rng.normal(0, 1, 30_000), 2), np.round(rng.normal(0.02, 1, 20_000), 2)
    edges = np.unique(np.concatenate((reference, current)))
    result = ks_from_counts(numeric_bin_counts(reference, edges), numeric_bin_counts(current, edges))
    raw = ks_test(reference, current)
    assert result.details["method"] == raw.details["method"] == "asymp"
    assert result.statistic == pytest.approx(raw.statistic, abs=1e-12)
    assert result.p_value == pytest.approx(raw.p_value, rel=1e-9)


def test_the_decision_is_on_the_lower_end_so_it_never_flags_what_the_exact_test_would_not():
    rng = np.random.default_rng(11)
    for seed in range(60):
        reference, current = rng.normal(0, 1, 2000), rng.normal(0.08 * (seed % 3), 1, 1500)
        edges = numeric_edges(np.sort(reference), 50)
        result = ks_from_counts(numeric_bin_counts(reference, edges), numeric_bin_counts(current, edges))
        exact = stats.ks_2samp(reference, current)
        assert result.p_value >= exact.pvalue - 1e-12
        assert result.details["p_value_lower"] <= exact.pvalue + 1e-12
        if result.drift_detected:
            assert exact.pvalue < 0.05


def test_thousands_of_reference_quantile_bins_keep_the_bound_tight_at_large_n():
    rng = np.random.default_rng(5)
    reference, current = rng.normal(0, 1, 400_000), rng.normal(0, 1, 300_000)
    layout = SummaryLayout((NumericBins("x", numeric_edges(np.sort(reference), 4000)),))
    result = ks_from_counts(
        count_columns(layout, {"x": reference}).features[0].counts,
        count_columns(layout, {"x": current}).features[0].counts,
    )
    exact = stats.ks_2samp(reference, current).statistic
    assert result.statistic <= exact <= result.details["statistic_upper"]
    assert result.details["statistic_upper"] - result.statistic <= 1 / 4000 + 5 / np.sqrt(300_000) / 100


def test_misaligned_or_empty_counts_are_refused():
    with pytest.raises(ValidationError):
        ks_interval(np.array([1, 2]), np.array([1, 2, 3]))
    with pytest.raises(ValidationError):
        ks_interval(np.array([0, 0]), np.array([1, 2]))
