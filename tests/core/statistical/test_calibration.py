"""Null calibration and power by seeded simulation.

2,000 replications per case: at alpha = 0.05 the standard error of an observed false-positive rate is
sqrt(0.05 * 0.95 / 2000) = 0.49 percentage points, so the 2-point tolerance is four standard errors --
a correctly calibrated test fails it with probability below 1e-4, while a test whose true rate is 8%
fails it almost surely. The seeds are fixed, so the outcome is reproducible.
"""

from functools import cache

import numpy as np
import pytest

from aumos_drift_detector.core.statistical.anderson_darling import anderson_darling_sorted
from aumos_drift_detector.core.statistical.chi_squared import chi_squared_counts
from aumos_drift_detector.core.statistical.cramer_von_mises import cramer_von_mises_sorted
from aumos_drift_detector.core.statistical.ks_distribution import exact_p_value, exact_statistic
from aumos_drift_detector.core.statistical.ks_test import ks_statistic_sorted, ks_test_sorted
from aumos_drift_detector.core.statistical.psi import psi_sorted
from aumos_drift_detector.core.statistical.wasserstein import wasserstein_sorted

ALPHA = 0.05
REPLICATIONS = 2_000
TOLERANCE = 0.02
SIZES = [(1000, 1000), (1000, 200), (200, 1000)]
SHARES = np.array([0.4, 0.3, 0.15, 0.1, 0.05])


def _sorted_pairs(seed, n_reference, n_current, shift=0.0, replications=REPLICATIONS):
    rng = np.random.default_rng(seed)
    reference = np.sort(rng.normal(0.0, 1.0, (replications, n_reference)), axis=1)
    current = np.sort(rng.normal(shift, 1.0, (replications, n_current)), axis=1)
    return reference, current


def _ks_false_positive_rate(n_reference, n_current):
    reference, current = _sorted_pairs(11, n_reference, n_current)

    @cache
    def p_value(h):  # the exact p-value depends on the data only through h
        return exact_p_value(h, n_reference, n_current)

    rejections = 0
    for row_reference, row_current in zip(reference, current, strict=True):
        d, _ = ks_statistic_sorted(row_reference, row_current)
        rejections += p_value(exact_statistic(d, n_reference, n_current)[1]) < ALPHA
    return rejections / REPLICATIONS


@pytest.mark.parametrize(("n_reference", "n_current"), SIZES)
def test_ks_false_positive_rate_is_within_two_points_of_alpha(n_reference, n_current):
    assert abs(_ks_false_positive_rate(n_reference, n_current) - ALPHA) <= TOLERANCE


@pytest.mark.parametrize(("n_reference", "n_current"), SIZES)
def test_chi_squared_false_positive_rate_is_within_two_points_of_alpha(n_reference, n_current):
    rng = np.random.default_rng(12)
    reference = rng.multinomial(n_reference, SHARES, size=REPLICATIONS)
    current = rng.multinomial(n_current, SHARES, size=REPLICATIONS)
    rate = np.mean([chi_squared_counts(r, c).p_value < ALPHA for r, c in zip(reference, current, strict=True)])
    assert abs(rate - ALPHA) <= TOLERANCE


@pytest.mark.parametrize(("n_reference", "n_current"), SIZES)
def test_psi_p_value_false_positive_rate_is_within_two_points_of_alpha(n_reference, n_current):
    reference, current = _sorted_pairs(13, n_reference, n_current)
    rate = np.mean([psi_sorted(r, c).p_value < ALPHA for r, c in zip(reference, current, strict=True)])
    assert abs(rate - ALPHA) <= TOLERANCE


@pytest.mark.parametrize(
    "kernel", [ks_test_sorted, anderson_darling_sorted, cramer_von_mises_sorted, wasserstein_sorted]
)
def test_a_fifth_of_a_sigma_shift_is_found_at_ten_thousand_rows(kernel):
    reference, current = _sorted_pairs(14, 10_000, 10_000, shift=0.2, replications=20)
    assert all(kernel(r, c).drift_detected for r, c in zip(reference, current, strict=True))


def test_psi_p_value_finds_a_fifth_of_a_sigma_shift_at_ten_thousand_rows():
    reference, current = _sorted_pairs(15, 10_000, 10_000, shift=0.2, replications=20)
    assert all(psi_sorted(r, c, decision="p_value").drift_detected for r, c in zip(reference, current, strict=True))
