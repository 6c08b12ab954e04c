import math

import numpy as np
import pytest
from scipy import stats

from aumos_drift_detector.core.statistical.energy_distance import energy_distance


@pytest.mark.parametrize("seed", range(6))
def test_energy_distance_equals_scipy_on_values_scaled_by_reference_std(seed):
    rng = np.random.default_rng(seed)
    reference = np.round(rng.normal(0, 3, rng.integers(2, 3000)), seed % 2)
    current = np.round(rng.laplace(0.5, 3, rng.integers(2, 3000)), seed % 2)
    scale = np.std(reference)
    expected = stats.energy_distance(reference / scale, current / scale)
    assert energy_distance(reference, current, min_samples=1).statistic == pytest.approx(expected, rel=1e-9)


def test_energy_distance_is_unit_free():
    rng = np.random.default_rng(1)
    reference, current = rng.normal(size=500), rng.normal(0.3, 1, 500)
    assert energy_distance(reference * 1000, current * 1000).statistic == pytest.approx(
        energy_distance(reference, current).statistic
    )


def test_energy_distance_edge_cases():
    assert energy_distance([1.0] * 5, [1.0] * 5).statistic == 0.0
    assert energy_distance([1.0] * 5, [2.0] * 5).statistic == math.inf
    assert energy_distance([1, 2, 3, 4, 5, math.nan], [1, 2, 3, 4, 5]).n_reference == 5
