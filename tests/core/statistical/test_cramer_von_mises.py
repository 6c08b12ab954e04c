import numpy as np
import pytest
from scipy import stats

from aumos_drift_detector.core.statistical.cramer_von_mises import cramer_von_mises, limiting_cdf


@pytest.mark.parametrize("seed", range(10))
def test_cramer_von_mises_matches_scipy_asymptotic(seed):
    rng = np.random.default_rng(seed)
    reference = np.round(rng.normal(0, 1, rng.integers(21, 3000)), seed % 3)
    current = np.round(rng.normal(seed / 30, 1, rng.integers(21, 3000)), seed % 3)
    expected = stats.cramervonmises_2samp(reference, current, method="asymptotic")
    result = cramer_von_mises(reference, current)
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-9, abs=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-5, abs=1e-7)


@pytest.mark.parametrize(("x", "cdf"), [(0.34730, 0.90), (0.46136, 0.95), (0.74346, 0.99)])
def test_limiting_cdf_reproduces_anderson_darling_1952_percentage_points(x, cdf):
    assert limiting_cdf(x) == pytest.approx(cdf, abs=2e-5)


def test_cramer_von_mises_identical_samples_give_p_one():
    assert cramer_von_mises(np.arange(50.0), np.arange(50.0)).p_value == 1.0
