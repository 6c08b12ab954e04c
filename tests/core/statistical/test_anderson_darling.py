import warnings

import numpy as np
import pytest
from scipy import stats

from aumos_drift_detector.core.statistical.anderson_darling import anderson_darling


@pytest.mark.parametrize("seed", range(10))
def test_anderson_darling_matches_scipy_midrank_statistic_and_p_value(seed):
    rng = np.random.default_rng(seed)
    reference = np.round(rng.normal(0, 1, rng.integers(5, 2000)), seed % 3)
    current = np.round(rng.normal(seed / 40, 1, rng.integers(5, 2000)), seed % 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = stats.anderson_ksamp([reference, current], variant="midrank")
    result = anderson_darling(reference, current)
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-9, abs=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9)


def test_anderson_darling_no_drift_for_identical_and_constant_samples():
    assert not anderson_darling(np.arange(30.0), np.arange(30.0)).drift_detected
    constant = anderson_darling([4.0] * 10, [4.0] * 10)
    assert (constant.statistic, constant.drift_detected) == (0.0, False)
