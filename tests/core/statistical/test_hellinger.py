import numpy as np
import pytest

from aumos_drift_detector.core.statistical.hellinger import hellinger, hellinger_counts


@pytest.mark.parametrize("seed", range(6))
def test_hellinger_equals_the_scaled_euclidean_distance_of_root_shares(seed):
    rng = np.random.default_rng(seed)
    reference, current = rng.integers(0, 50, 6), rng.integers(0, 50, 6)
    reference[0] += 1
    current[0] += 1
    p, q = reference / reference.sum(), current / current.sum()
    expected = np.linalg.norm(np.sqrt(p) - np.sqrt(q)) / np.sqrt(2)
    assert hellinger_counts(reference, current).statistic == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_hellinger_bounds_and_numeric_bins():
    assert hellinger_counts([5, 0], [0, 5]).statistic == 1.0
    rng = np.random.default_rng(0)
    reference = rng.normal(size=5000)
    assert hellinger(reference, reference).statistic == 0.0
    assert hellinger(reference, rng.normal(2, 1, 5000)).drift_detected
