import numpy as np
import pytest
from scipy.spatial import distance

from aumos_drift_detector.core.statistical.jensen_shannon import jensen_shannon, jensen_shannon_counts


@pytest.mark.parametrize("seed", range(6))
def test_jensen_shannon_matches_scipy_base_2_on_the_bin_counts(seed):
    rng = np.random.default_rng(seed)
    result = jensen_shannon(rng.normal(size=2000), rng.normal(seed / 5, 1, 1500))
    p = np.asarray(result.details["reference_counts"], float)
    q = np.asarray(result.details["current_counts"], float)
    assert result.statistic == pytest.approx(distance.jensenshannon(p / p.sum(), q / q.sum(), base=2), rel=1e-9)


def test_jensen_shannon_is_bounded_by_one_and_zero_for_identical_samples():
    assert jensen_shannon_counts([10, 0], [0, 10]).statistic == 1.0
    assert jensen_shannon(["a", "b"] * 5, ["a", "b"] * 5).statistic == 0.0
    assert jensen_shannon(["a", "b"] * 5, ["b", "c"] * 5).drift_detected


def test_jensen_shannon_counts_unseen_categories_and_ignores_missing():
    result = jensen_shannon(["a", None] * 10, ["a"] * 5 + ["z"] * 5)
    assert result.details["categories"] == ["a", "z"]
    assert result.n_reference == 10
