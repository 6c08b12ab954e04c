import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from aumos_drift_detector.core.errors import InsufficientDataError
from aumos_drift_detector.core.statistical.histogram import quantile_edges
from aumos_drift_detector.core.statistical.psi import band, psi, psi_counts, psi_sorted


def _reference_psi(reference_counts, current_counts):
    # Independent formula: Haldane-Anscombe 0.5 per bin when a sample has an empty bin.
    p = np.asarray(reference_counts, float)
    q = np.asarray(current_counts, float)
    p = (p + 0.5 * (p == 0).any()) / (p + 0.5 * (p == 0).any()).sum()
    q = (q + 0.5 * (q == 0).any()) / (q + 0.5 * (q == 0).any()).sum()
    return float(np.sum((q - p) * np.log(q / p)))


@pytest.mark.parametrize("seed", range(8))
def test_psi_matches_a_direct_computation_on_numpy_quantile_bins(seed):
    rng = np.random.default_rng(seed)
    reference = rng.gamma(2.0, size=rng.integers(50, 3000))
    current = rng.gamma(2.0 + seed / 4, size=rng.integers(50, 3000))
    edges = np.unique(np.quantile(reference, np.arange(1, 10) / 10))
    index_ref = np.searchsorted(edges, reference, side="right")
    index_cur = np.searchsorted(edges, current, side="right")
    expected_ref = np.bincount(index_ref, minlength=edges.size + 1)
    expected_cur = np.bincount(index_cur, minlength=edges.size + 1)
    result = psi(reference, current)
    assert result.details["binning"] == "quantile"
    assert result.details["reference_counts"] == expected_ref.tolist()
    assert result.details["current_counts"] == expected_cur.tolist()
    assert result.statistic == pytest.approx(_reference_psi(expected_ref, expected_cur), rel=1e-12)
    scaled = result.statistic / (1 / reference.size + 1 / current.size)
    assert result.p_value == pytest.approx(special.chdtrc(edges.size, scaled), rel=1e-12)


def test_psi_honours_a_configured_number_of_bins():
    rng = np.random.default_rng(1)
    result = psi(rng.normal(size=1000), rng.normal(size=1000), bins=4)
    assert len(result.details["edges"]) == 3
    assert result.details["degrees_of_freedom"] == 3


def test_psi_outer_bins_are_open_so_out_of_range_current_values_count():
    reference = np.arange(100, dtype=float)
    result = psi(reference, np.full(50, 1e9))
    assert result.details["current_counts"][-1] == 50
    assert result.details["band"] == "significant"
    assert result.drift_detected
    assert psi(reference, np.full(50, -np.inf)).details["current_counts"][0] == 50


def test_psi_deduplicates_tied_quantile_edges():
    reference = np.concatenate((np.zeros(700), np.linspace(1, 2, 300)))
    edges = quantile_edges(np.sort(reference), 10)
    assert np.all(np.diff(edges) > 0)
    assert edges[0] == 0.0


def test_psi_bins_low_cardinality_columns_by_value_and_counts_unseen_values():
    result = psi([1, 2, 3] * 20, [1, 2, 3, 4] * 15)
    assert result.details["binning"] == "value"
    assert result.details["values"] == [1.0, 2.0, 3.0]
    assert result.details["has_other_bin"]
    assert result.details["current_counts"] == [15, 15, 15, 15]


def test_psi_constant_column_that_changes_value_is_drift_and_unchanged_is_not():
    assert psi([5.0] * 100, [7.0] * 100).drift_detected
    same = psi([5.0] * 100, [5.0] * 100)
    assert (same.statistic, same.p_value, same.drift_detected) == (0.0, 1.0, False)


def test_psi_bands_follow_the_conventional_cut_points():
    assert [band(0.05), band(0.1), band(0.25), band(0.26)] == ["stable", "moderate", "moderate", "significant"]


def test_psi_default_rule_does_not_fire_on_same_distribution_at_small_n():
    rng = np.random.default_rng(2)
    fired_band_only = fired_default = 0
    for _ in range(200):
        reference, current = rng.normal(size=30), rng.normal(size=30)
        fired_default += psi(reference, current).drift_detected
        fired_band_only += psi(reference, current, decision="band").drift_detected
    assert fired_band_only > 100  # PSI >= 0.1 is common by chance with 30 values
    assert fired_default <= 0.05 * 200 + 6


def test_psi_counts_kernel_works_on_categories_and_drops_empty_bins():
    result = psi_counts([40, 60, 0], [40, 60, 0], ["a", "b", "c"])
    assert result.statistic == 0.0
    assert result.details["degrees_of_freedom"] == 1
    changed = psi(["a"] * 50 + ["b"] * 50, ["a"] * 90 + ["b"] * 10)
    assert changed.statistic == pytest.approx(0.4 * math.log(0.9 / 0.5) - 0.4 * math.log(0.1 / 0.5))


def test_psi_sorted_kernel_accepts_precomputed_edges():
    rng = np.random.default_rng(3)
    reference, current = np.sort(rng.normal(size=500)), np.sort(rng.normal(0.3, 1, size=500))
    edges = quantile_edges(reference, 10)
    assert psi_sorted(reference, current, edges=edges) == psi_sorted(reference, current)


def test_psi_raises_insufficient_data_for_all_nan_current():
    with pytest.raises(InsufficientDataError):
        psi([1.0, 2.0, 3.0, 4.0, 5.0], [np.nan] * 5, feature="score")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=5, max_size=80), st.lists(st.floats(-1e3, 1e3), min_size=5, max_size=80))
def test_psi_is_non_negative_order_invariant_and_zero_for_identical_samples(reference, current):
    result = psi(reference, current)
    assert result.statistic >= 0.0
    assert psi(list(reversed(reference)), current) == result
    assert psi(reference, reference).statistic == 0.0
    assert not psi(reference, reference).drift_detected
