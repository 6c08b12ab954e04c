import numpy as np
import pytest
from scipy import stats

from aumos_drift_detector.core.compilation import DISABLE_VARIABLE
from aumos_drift_detector.core.statistical.quantile_walk import (
    quantile_walk_distance,
    quantile_walk_kernel,
    quantile_walk_loop,
)


def _sample_pair(seed):
    rng = np.random.default_rng(seed)
    n_reference, n_current = (int(size) for size in rng.integers(1, 700, size=2))
    decimals = int(rng.integers(0, 4))  # 0 and 1 decimals give heavy ties
    reference = np.round(rng.standard_t(3.0, n_reference), decimals)
    current = np.round(rng.normal(rng.uniform(-1.0, 1.0), rng.uniform(0.5, 3.0), n_current), decimals)
    return np.sort(reference), np.sort(current)


@pytest.mark.parametrize("path", ["compiled", "numpy"])
def test_quantile_walk_equals_scipy_wasserstein_distance(monkeypatch, path):
    if path == "numpy":
        monkeypatch.setenv(DISABLE_VARIABLE, "1")
    else:
        monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    for seed in range(60):
        reference, current = _sample_pair(seed)
        expected = stats.wasserstein_distance(reference, current)
        assert quantile_walk_distance(reference, current) == pytest.approx(expected, rel=1e-12, abs=1e-300), seed


def test_quantile_walk_of_single_values_is_their_distance():
    assert quantile_walk_distance(np.array([1.5]), np.array([-2.0])) == 3.5
    assert quantile_walk_distance(np.array([4.0]), np.array([4.0])) == 0.0


def test_compiled_and_python_walks_both_give_n_m_times_the_distance(monkeypatch):
    monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    walks = {"python": quantile_walk_loop, "compiled": quantile_walk_kernel.compiled()}
    assert walks["compiled"] is not None
    for seed in range(3000, 3020):
        reference, current = _sample_pair(seed)
        scaled = stats.wasserstein_distance(reference, current) * reference.size * current.size
        found = {name: walk(reference, current) for name, walk in walks.items()}
        assert found == {name: pytest.approx(scaled, rel=1e-12, abs=1e-300) for name in walks}, seed


def test_walk_over_a_million_values_with_unequal_sizes_agrees_with_scipy():
    rng = np.random.default_rng(5)
    reference, current = np.sort(rng.normal(0.0, 1.0, 1_000_000)), np.sort(rng.normal(1e-3, 1.0, 999_999))
    expected = stats.wasserstein_distance(reference, current)
    assert quantile_walk_distance(reference, current) == pytest.approx(expected, rel=1e-12)
