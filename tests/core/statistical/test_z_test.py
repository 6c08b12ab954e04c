import numpy as np
import pytest
from statsmodels.stats.proportion import proportions_ztest

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.z_test import z_test, z_test_counts


@pytest.mark.parametrize("seed", range(8))
def test_z_test_matches_statsmodels_pooled_two_proportion_test(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(20, 5000)), int(rng.integers(20, 5000))
    x, y = int(rng.integers(1, n)), int(rng.integers(1, m))
    expected_z, expected_p = proportions_ztest([x, y], [n, m])
    result = z_test_counts([n - x, x], [m - y, y], [False, True])
    assert result.statistic == pytest.approx(expected_z, rel=1e-10)
    assert result.p_value == pytest.approx(expected_p, rel=1e-9)


def test_z_test_takes_the_larger_label_as_positive_and_handles_constants():
    result = z_test(["no", "yes", "yes", "no", "no"], ["yes"] * 5)
    assert result.details["positive_category"] == "yes"
    constant = z_test([1] * 10, [1] * 10)
    assert (constant.statistic, constant.p_value, constant.drift_detected) == (0.0, 1.0, False)


def test_z_test_rejects_more_than_two_categories():
    with pytest.raises(ValidationError):
        z_test(["a", "b", "c"] * 3, ["a"] * 9)
