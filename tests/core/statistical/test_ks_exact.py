import math

import pytest
from scipy.stats._stats_py import _attempt_exact_2kssamp, _compute_prob_outside_square

from aumos_drift_detector.core.compilation import DISABLE_VARIABLE
from aumos_drift_detector.core.statistical.ks_distribution import band_outside_loop, exact_p_value, square_outside_loop

# (n_reference, n_current, d): unequal sizes up to scipy's exact limit, small and large distances.
LATTICE = [(5, 7, 0.5), (30, 45, 0.3), (301, 1000, 0.09), (999, 1001, 0.05), (4000, 10_000, 0.05), (9000, 10_000, 0.02)]


def _scipy_exact(n, m, d):
    g = math.gcd(n, m)
    lcm = n * m // g
    h = round(d * lcm)
    ok, _, expected = _attempt_exact_2kssamp(n, m, g, h / lcm, "two-sided")
    assert ok
    return h, expected


@pytest.mark.parametrize(("n", "m", "d"), LATTICE[:4])
def test_band_outside_loop_in_python_equals_scipy_exact_p_value(n, m, d):
    h, expected = _scipy_exact(n, m, d)
    big, small = max(n, m), min(n, m)
    g = math.gcd(big, small)
    assert band_outside_loop(big, small, big // g, small // g, h) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("n", "h"), [(4, 3), (50, 7), (1000, 40), (10_000, 150)])
def test_square_outside_loop_equals_scipy_closed_sum(n, h):
    assert square_outside_loop(n, h) == pytest.approx(_compute_prob_outside_square(n, h), rel=1e-12)


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize(("n", "m", "d"), LATTICE)
def test_exact_p_value_equals_scipy_with_and_without_numba(monkeypatch, compiled, n, m, d):
    if compiled:
        monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(DISABLE_VARIABLE, "1")
    h, expected = _scipy_exact(n, m, d)
    assert exact_p_value(h, n, m) == pytest.approx(expected, rel=1e-9)
    assert exact_p_value(h, m, n) == pytest.approx(expected, rel=1e-9)


def test_band_outside_is_one_when_every_path_must_leave_the_band():
    assert band_outside_loop(10, 3, 10, 3, 1) == 1.0
