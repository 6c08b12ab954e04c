import math

import numpy as np
import pytest
from scipy import special, stats

from aumos_drift_detector.core.statistical.ks_distribution import (
    asymptotic_p_value,
    exact_p_value,
    exact_statistic,
    kolmogorov_sf,
    smirnov_tail,
)


@pytest.mark.parametrize("n", [2_000, 7_500, 30_000, 120_000])
@pytest.mark.parametrize("scaled", [2.2, 3.0, 5.0, 9.0, 18.0, 40.0, 120.0, 300.0])
def test_smirnov_tail_integral_matches_the_birnbaum_tingey_sum(n, scaled):
    d = math.sqrt(scaled / n)
    assert smirnov_tail(n, d) == pytest.approx(special.smirnov(n, d), rel=1e-8)


@pytest.mark.slow
@pytest.mark.parametrize("scaled", [2.2, 9.0])
def test_smirnov_tail_integral_matches_the_sum_at_half_a_million(scaled):
    n = 500_000
    d = math.sqrt(scaled / n)
    assert smirnov_tail(n, d) == pytest.approx(special.smirnov(n, d), rel=1e-8)


def _assert_kolmogorov_sf_matches_scipy(n, scaled_grid):
    grid = np.concatenate((np.sqrt(np.asarray(scaled_grid) / n), [0.49, 0.5, 0.75, 0.999]))
    for d in grid[grid < 1.0]:
        expected = stats.kstwo.sf(d, n)
        got = kolmogorov_sf(float(d), n)
        if expected >= 1e-8:
            assert got == pytest.approx(expected, rel=1e-4), (n, d)
        else:
            assert got <= 1e-7


@pytest.mark.parametrize(
    "n", [1, 2, 5, 17, 140, 141, 999, 1_999, 2_000, 5_000, pytest.param(40_000, marks=pytest.mark.slow), 5_000_000]
)
def test_kolmogorov_sf_matches_scipy_kstwo_over_a_grid_of_distances(n):
    # p >= 1e-8 needs n d^2 below about 10; the grid also covers the tiny-p and p = 0 regions.
    _assert_kolmogorov_sf_matches_scipy(n, np.linspace(0.01, 12.0, 40))


@pytest.mark.slow
@pytest.mark.parametrize("n", [100_001, 500_000])
def test_kolmogorov_sf_matches_scipy_kstwo_at_large_sizes(n):
    # scipy needs about 0.5 s per tail value at n = 500_000, so the grid is coarser here.
    _assert_kolmogorov_sf_matches_scipy(n, [0.05, 1.0, 2.19, 2.2, 4.0, 9.0, 17.0])


def test_asymptotic_p_value_uses_the_rounded_effective_size():
    # n m / (n + m) = 10_000 * 30_000 / 40_000 = 7_500
    assert asymptotic_p_value(0.02, 10_000, 30_000) == pytest.approx(stats.kstwo.sf(0.02, 7_500), rel=1e-9)


def test_exact_statistic_snaps_to_the_lcm_lattice():
    d, h = exact_statistic(0.3333333333333, 3, 6)
    assert (d, h) == (2 / 6, 2)


@pytest.mark.parametrize(("n", "m", "h"), [(4, 4, 3), (5, 7, 17), (50, 75, 40), (301, 1000, 27_000)])
def test_exact_p_value_matches_scipy_for_hand_picked_lattice_points(n, m, h):
    lcm = n * m // math.gcd(n, m)
    # A sample pair whose statistic is exactly h / lcm is hard to build; scipy's internal
    # exact routine is the reference here (its public function rounds to the same lattice).
    from scipy.stats._stats_py import _attempt_exact_2kssamp

    ok, _, expected = _attempt_exact_2kssamp(n, m, math.gcd(n, m), h / lcm, "two-sided")
    assert ok
    assert exact_p_value(h, n, m) == pytest.approx(expected, rel=1e-9)


def test_exact_p_value_is_one_at_zero_distance_and_small_for_disjoint_samples():
    assert exact_p_value(0, 10, 12) == 1.0
    assert exact_p_value(60, 10, 12) == pytest.approx(2 / math.comb(22, 10))
